#!/usr/bin/env python3
"""Splits a PDF's last signature into what an independent checker needs, by the PDF's own
/ByteRange and /Contents, without journalpress's code:

    pdf_signature.py PDF PREFIX   writes PREFIX.signed (the signed bytes) and PREFIX.p7s
                                  (the CMS signature, DER)

Exits 1 when the /ByteRange does not cover the whole file but the /Contents value.
"""
import re
import sys

pdf = open(sys.argv[1], "rb").read()
ranges = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
if not ranges:
    sys.exit(f"{sys.argv[1]}: no /ByteRange")
a, b, c, d = map(int, ranges[-1])
if a != 0 or c + d != len(pdf) or pdf[b:b + 1] != b"<" or pdf[c - 1:c] != b">":
    sys.exit(f"{sys.argv[1]}: /ByteRange [{a} {b} {c} {d}] does not cover the file "
             f"({len(pdf)} bytes) but the signature")
der = bytes.fromhex(pdf[b + 1:c - 1].decode("ascii"))
# The value is padded with zeros to the room reserved: keep the DER element only.
if der[0] != 0x30:
    sys.exit(f"{sys.argv[1]}: /Contents is not a DER SEQUENCE")
n = der[1]
length = n if n < 0x80 else int.from_bytes(der[2:2 + (n & 0x7F)], "big") + (n & 0x7F)
if der[2 + length:].strip(b"\0"):
    sys.exit(f"{sys.argv[1]}: the padding after the signature in /Contents is not all zeros")
open(sys.argv[2] + ".signed", "wb").write(pdf[a:a + b] + pdf[c:c + d])
open(sys.argv[2] + ".p7s", "wb").write(der[:2 + length])
