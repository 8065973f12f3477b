# Helpers for the shell tests, sourced: `. "$src/tests/check.sh"`. Each check prints
# `ok   NAME` or `FAIL NAME` with what was wrong; `fail` is 1 after any failure.
fail=0
bad() { echo "FAIL $*"; fail=1; }
ok() { echo "ok   $*"; }
# After a check, $out holds the command's output (stdout and stderr) for further checks.
check() {  # check NAME EXPECTED_RC EXPECTED_SUBSTRING -- command...
  local name=$1 want_rc=$2 want=$3
  shift 4
  out=$("$@" 2>&1)
  local rc=$?
  if [[ $rc != "$want_rc" ]]; then
    bad "$name: exit $rc, expected $want_rc"; echo "$out" | tail -20; return 1
  fi
  if [[ $out != *"$want"* ]]; then
    bad "$name: output lacks: $want"; echo "$out" | tail -20; return 1
  fi
  ok "$name"
}
# Debian's PDFBox (preflight, the text extractor) as a Java classpath in $cp; exits 77
# (skipped, said) when a jar is missing.
pdfbox_classpath() {
  local j f
  cp=""
  for j in preflight pdfbox2 pdfbox2-tools fontbox2 xmpbox commons-logging jaxb-api javax.activation; do
    f=/usr/share/java/$j.jar
    [[ -f $f ]] || { echo "skip: $f is missing (libpdfbox2-java, libjaxb-api-java, libactivation-java)"; exit 77; }
    cp+=${cp:+:}$f
  done
}
# require_tools TOOL...: the test is skipped (exit 77, said) when one of its tools is missing.
require_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "skip: $t is not installed (scripts/install-deps --tests)"; exit 77; }
  done
}

# start_nginx ROOT [ACCESS_LOG]: the shipped configuration (deploy/nginx/journalpress.conf)
# in a real nginx with that root, on a free port of 127.0.0.1; only listen and root are
# changed. Runs in $tmp (mode 755: workers may run as another user), needs $src; sets
# $base (http://127.0.0.1:PORT). Access log off unless a file is given. stop_nginx ends it.
start_nginx() {
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  sed -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$port;|" -e '/listen \[::\]:80;/d' \
    -e "s|^\( *\)root .*;|\1root $1;|" "$src/deploy/nginx/journalpress.conf" >"$tmp/site.conf"
  cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${2:-off};
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  include $tmp/site.conf;
}
EOF
  "$nginx" -e "$tmp/error.log" -p "$tmp" -c "$tmp/nginx.conf" 2>"$tmp/nginx.err" && break
  grep -q "Address already in use" "$tmp/nginx.err" || { echo "FAIL nginx did not start:"; cat "$tmp/nginx.err"; exit 1; }
done
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
base=http://127.0.0.1:$port
}
stop_nginx() {
  kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
  for i in $(seq 50); do [[ -f $tmp/nginx.pid ]] || break; sleep 0.1; done
  rm -f "$tmp/nginx.pid"
}
