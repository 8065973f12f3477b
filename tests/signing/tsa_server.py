#!/usr/bin/env python3
"""A time-stamping authority for the tests: `openssl ts -reply` behind HTTP on 127.0.0.1.

    tsa_server.py CONFIG PORT_FILE

POST / answers an RFC 3161 request with `openssl ts -reply -config CONFIG`; POST /garbage
answers bytes that are no time-stamp reply; POST /refuse answers HTTP 500; POST /silent
never answers (the client's timeout). The port it listens on is written to PORT_FILE.
Requests are served in parallel (a silent one holds no other), replies made one at a time.
"""
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time

# `openssl ts` keeps its serial number in a file: one reply at a time.
openssl_ts = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/silent":
            time.sleep(30)
            return
        if self.path == "/refuse":
            self.send_error(500, "refused")
            return
        if self.path == "/garbage":
            reply = b"this is not a time-stamp reply"
        else:
            with openssl_ts, tempfile.NamedTemporaryFile() as query:
                query.write(body)
                query.flush()
                ts = subprocess.run(
                    ["openssl", "ts", "-reply", "-config", sys.argv[1], "-queryfile", query.name],
                    capture_output=True)
            if ts.returncode != 0:
                sys.stderr.write(ts.stderr.decode())
                self.send_error(500, "openssl ts -reply failed")
                return
            reply = ts.stdout
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
