#!/usr/bin/env bash
# The archive's signatures as a school makes them (docs/signing.md), checked by tools that
# are not journalpress: GOST R 34.10-2012 keys under a test CA (root, intermediate, signer)
# checked with `openssl cms -verify -engine gost`; RSA and EC keys on a SoftHSM2 token;
# an RFC 3161 time-stamping authority on 127.0.0.1 (`openssl ts -reply`) with the CRL and
# OCSP response in each PDF's /DSS; and every mistake a school can make with them.
# Run by ctest: signing_test.sh BINARY SOURCE_DIR. Skipped (77) without the tools.
set -u
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
bin=$1
src=$2
here=$src/tests/signing
for tool in openssl python3 pdfsig qpdf softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null || { echo "skip: $tool is missing (scripts/install-deps --tests)"; exit 77; }
done
openssl engine gost >/dev/null 2>&1 || { echo "skip: no OpenSSL GOST engine (libengine-gost-openssl)"; exit 77; }
softhsm=/usr/lib/softhsm/libsofthsm2.so
tmp=$(mktemp -d)
tsa_pid=
cleanup() {
  [[ -n $tsa_pid ]] && kill "$tsa_pid" 2>/dev/null && wait "$tsa_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
. "$(dirname "$0")/check.sh"
# The independent check of a GOST signature: the PDF's own /ByteRange and /Contents through
# `openssl cms -verify -engine gost`, the chain up to the test root.
openssl_check() {  # openssl_check PDF ROOT
  python3 "$here/pdf_signature.py" "$1" "$tmp/part" 2>&1 &&
    openssl cms -verify -engine gost -binary -inform DER -in "$tmp/part.p7s" \
      -content "$tmp/part.signed" -CAfile "$2" -purpose any -out /dev/null 2>&1
}
# pdfsig's verdict on each PDF of an archive folder: valid and covering the whole file.
pdfsig_all() {  # pdfsig_all NAME FOLDER
  local f out n=0
  for f in "$2"/*.pdf; do
    out=$(pdfsig "$f" 2>&1)
    [[ $out == *"Signature is Valid."* && $out == *"Total document signed"* && \
       $out == *"ETSI.CAdES.detached"* ]] || { bad "$1: pdfsig on $f"; echo "$out"; return; }
    n=$((n + 1))
  done
  ((n > 0)) && ok "$1: pdfsig: $n PDFs valid, total document signed" || bad "$1: no PDFs"
}
# A copy of FILE with the byte at OFFSET changed (a hex digit into another hex digit, so a
# signature value stays readable and it is the signature that must catch it).
flip() {  # flip FILE OFFSET COPY
  cp "$1" "$3"
  python3 - "$3" "$2" <<'PY'
import sys
p, n = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
digits = b"0123456789ABCDEF"
b[n] = digits[(digits.index(b[n]) + 1) % 16] if b[n] in digits else b[n] ^ 1
open(p, "wb").write(b)
PY
}

"$here/make_pki.sh" "$tmp/pki" || { echo "FAIL the test PKI"; exit 1; }
pki=$tmp/pki
"$bin" import "$src/tests/corpus/base" --db "$tmp/j.db" >/dev/null || { echo "FAIL import"; exit 1; }
build() {  # build OUT ARGS...: the archive, for the corpus's last school day
  local out=$1
  shift
  "$bin" build --db "$tmp/j.db" --out "$out" --archive --today 2024-05-30 "$@"
}
year=archive/2023-2024

# ---- GOST R 34.10-2012, 256 and 512 bits, under root -> intermediate -> signer
for k in gost256 gost512; do
  o=$tmp/$k
  check "$k: build" 0 "8 signed PDFs" -- build "$o" --sign-key "$pki/$k.key" --sign-cert "$pki/$k.pem" \
    --sign-chain "$pki/gost-chain.pem"
  check "$k: verify --ca root" 0 "intact" -- "$bin" verify "$o/archive" --ca "$pki/gost-root.pem"
  n=0
  for f in "$o/$year"/*.pdf; do
    out=$(openssl_check "$f" "$pki/gost-root.pem")
    [[ $out == *"Verification successful"* ]] || { bad "$k: openssl on $f"; echo "$out"; }
    n=$((n + 1))
  done
  ok "$k: openssl cms -verify -engine gost: $n PDFs"
  check "$k: openssl on the manifest" 0 "Verification successful" -- openssl cms -verify -engine gost \
    -binary -inform DER -in "$o/$year/MANIFEST.sha256.p7s" -content "$o/$year/MANIFEST.sha256" \
    -CAfile "$pki/gost-root.pem" -purpose any -out /dev/null
done
bits=$(openssl cms -engine gost -cmsout -print -inform DER -in "$tmp/gost512/$year/MANIFEST.sha256.p7s" 2>&1)
[[ $bits == *"1.2.643.7.1.1.2.3"* && $bits == *"1.2.643.7.1.1.1.2"* ]] &&
  ok "gost512: Streebog-512 and the 512-bit key's OIDs" || bad "gost512: OIDs: $bits"
# A changed byte: in the signed part, in the signature, in the padding after it.
pdf=$tmp/gost256/$year/5a~journal.pdf
range=$(grep -a -o '/ByteRange \[[0-9 ]*' "$pdf" | tail -1)
read -r _ a b c d <<<"${range//[/ }"
for at in 100 $((b + 10)) $((c - 10)) $((c + 5)); do
  flip "$pdf" "$at" "$tmp/flipped.pdf"
  out=$(openssl_check "$tmp/flipped.pdf" "$pki/gost-root.pem")
  [[ $out != *"Verification successful"* ]] && ok "gost256: byte $at changed: openssl refuses" ||
    bad "gost256: byte $at changed, openssl accepts"
  cp -r "$tmp/gost256" "$tmp/gost256-flipped"
  cp "$tmp/flipped.pdf" "$tmp/gost256-flipped/$year/5a~journal.pdf"
  check "gost256: byte $at changed: verify" 1 "NOT intact" -- "$bin" verify "$tmp/gost256-flipped/archive"
  rm -rf "$tmp/gost256-flipped"
done
check "gost: keygen --gost" 0 "wrote a demonstration GOST R 34.10-2012 signing key" -- \
  "$bin" keygen --out "$tmp/keys" --gost
check "gost: the demonstration key signs" 0 "8 signed PDFs" -- build "$tmp/gostdemo" \
  --sign-key "$tmp/keys/sign.key.pem" --sign-cert "$tmp/keys/sign.cert.pem"
check "gost: the demonstration archive verifies" 0 "intact" -- "$bin" verify "$tmp/gostdemo/archive" \
  --ca "$tmp/keys/sign.cert.pem"
check "gost: another CA does not vouch" 1 "not trusted by --ca" -- \
  "$bin" verify "$tmp/gostdemo/archive" --ca "$pki/gost-root.pem"

# ---- keys on a token: SoftHSM2 with an RSA and an EC P-256 key
export SOFTHSM2_CONF=$tmp/softhsm2.conf
mkdir -p "$tmp/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$tmp/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label school --pin 123456 --so-pin 87654321 >/dev/null
p11=(pkcs11-tool --module "$softhsm" --token-label school --login --pin 123456)
"${p11[@]}" --keypairgen --key-type rsa:2048 --label director-rsa --id 01 >/dev/null 2>&1
"${p11[@]}" --keypairgen --key-type EC:prime256v1 --label director-ec --id 02 >/dev/null 2>&1
echo 123456 >"$tmp/pin"
echo 000000 >"$tmp/wrong-pin"
chmod 600 "$tmp/pin" "$tmp/wrong-pin"  # a PIN file others can read is refused
for k in rsa ec; do
  # The test's own certificate for the token's key (the PIN in the URI is the test's, not
  # journalpress's: journalpress refuses one there).
  OPENSSL_CONF=/dev/null openssl req -new -x509 -days 30 -engine pkcs11 -keyform engine \
    -key "pkcs11:token=school;object=director-$k;type=private;pin-value=123456" \
    -subj "/CN=director-$k" -out "$tmp/token-$k.pem" >/dev/null 2>&1 || bad "token: certificate for $k"
done
token=(--pkcs11-module "$softhsm" --sign-key "pkcs11:token=school;object=director-rsa" --sign-cert "$tmp/token-rsa.pem")
check "token rsa: build with --pin-file" 0 "8 signed PDFs" -- build "$tmp/tok-rsa" "${token[@]}" --pin-file "$tmp/pin"
pdfsig_all "token rsa" "$tmp/tok-rsa/$year"
check "token rsa: verify" 0 "intact" -- "$bin" verify "$tmp/tok-rsa/archive" --ca "$tmp/token-rsa.pem"
check "token ec: build with JOURNALPRESS_PIN" 0 "8 signed PDFs" -- env JOURNALPRESS_PIN=123456 \
  "$bin" build --db "$tmp/j.db" --out "$tmp/tok-ec" --archive --today 2024-05-30 --pkcs11-module "$softhsm" \
  --sign-key "pkcs11:token=school;object=director-ec" --sign-cert "$tmp/token-ec.pem"
pdfsig_all "token ec" "$tmp/tok-ec/$year"
check "token ec: verify" 0 "intact" -- "$bin" verify "$tmp/tok-ec/archive" --ca "$tmp/token-ec.pem"
check "token: rebuild keeps what the token signed" 0 "archive: up to date" -- \
  build "$tmp/tok-rsa" "${token[@]}" --pin-file "$tmp/pin"
check "token: wrong PIN" 2 "the token refused the PIN from --pin-file $tmp/wrong-pin" -- \
  build "$tmp/tok-bad" "${token[@]}" --pin-file "$tmp/wrong-pin"
check "token: unreadable PIN file" 2 "cannot read the PIN file (--pin-file) $tmp/none" -- \
  build "$tmp/tok-bad" "${token[@]}" --pin-file "$tmp/none"
check "token: no PIN at all" 2 "give its PIN with --pin-file FILE or the environment variable JOURNALPRESS_PIN" -- \
  env -u JOURNALPRESS_PIN "$bin" build --db "$tmp/j.db" --out "$tmp/tok-bad" --archive --today 2024-05-30 "${token[@]}"
check "token: unknown object" 2 "the token gave no private key" -- build "$tmp/tok-bad" \
  --pkcs11-module "$softhsm" --sign-key "pkcs11:token=school;object=nobody" --sign-cert "$tmp/token-rsa.pem" \
  --pin-file "$tmp/pin"
check "token: PIN in the URI" 2 "the PKCS#11 URI holds the PIN (pin-value)" -- build "$tmp/tok-bad" \
  --pkcs11-module "$softhsm" --sign-key "pkcs11:token=school;object=director-rsa;pin-value=123456" \
  --sign-cert "$tmp/token-rsa.pem"
check "token: no module" 2 "--pkcs11-module $tmp/none.so: no such file" -- build "$tmp/tok-bad" \
  --pkcs11-module "$tmp/none.so" --sign-key "pkcs11:token=school;object=director-rsa" \
  --sign-cert "$tmp/token-rsa.pem" --pin-file "$tmp/pin"
check "token: another key's certificate" 2 "is not the certificate of the key" -- build "$tmp/tok-bad" \
  --pkcs11-module "$softhsm" --sign-key "pkcs11:token=school;object=director-ec" \
  --sign-cert "$tmp/token-rsa.pem" --pin-file "$tmp/pin"
[[ -e $tmp/tok-bad/archive ]] && bad "token: a refused build wrote an archive" || ok "token: refused builds wrote nothing"
# GOST on SoftHSM2: Debian's build offers no GOST mechanism (docs/signing.md says so).
if pkcs11-tool --module "$softhsm" -M 2>/dev/null | grep -qi gost; then
  bad "SoftHSM2 now offers GOST mechanisms: add a GOST token test and update docs/signing.md"
else
  ok "SoftHSM2 (Debian) has no GOST mechanism: GOST on a token is documented, not tested"
fi

# ---- trusted time: a TSA on 127.0.0.1, PAdES B-T and B-LT
python3 "$here/tsa_server.py" "$pki/tsa.cnf" "$tmp/tsa-port" 2>"$tmp/tsa.log" &
tsa_pid=$!
for _ in $(seq 100); do [[ -s $tmp/tsa-port ]] && break; sleep 0.1; done
[[ -s $tmp/tsa-port ]] || { echo "FAIL the test TSA did not start"; cat "$tmp/tsa.log"; exit 1; }
tsa=http://127.0.0.1:$(cat "$tmp/tsa-port")
rsa=(--sign-key "$pki/rsa-signer.key" --sign-cert "$pki/rsa-signer.pem" --sign-chain "$pki/rsa-chain.pem")
lt=(--tsa "$tsa/" --tsa-ca "$pki/tsa-root.pem" --crl "$pki/rsa-inter.crl.pem" --ocsp "$pki/rsa-signer.ocsp")
check "tsa: build B-LT" 0 "8 signed PDFs" -- build "$tmp/lt" "${rsa[@]}" "${lt[@]}"
pdfsig_all "tsa" "$tmp/lt/$year"
out=$(qpdf --check "$tmp/lt/$year/5a~journal.pdf" 2>&1) && ok "tsa: qpdf --check" || { bad "tsa: qpdf"; echo "$out"; }
dss=$(grep -a -o '/Type /DSS[^>]*' "$tmp/lt/$year/5a~journal.pdf")
[[ $dss == *"/Certs ["*"/CRLs ["*"/OCSPs ["* ]] && ok "tsa: /DSS with certificates, CRL, OCSP" || bad "tsa: /DSS: $dss"
check "tsa: verify reports the trusted time" 0 "5a~journal.pdf: signed by CN=rsa-signer,O=journalpress test,C=RU; time-stamped " \
  -- "$bin" verify "$tmp/lt/archive" --ca "$pki/rsa-root.pem" --tsa-ca "$pki/tsa-root.pem"
check "tsa: the manifest is time-stamped" 0 "MANIFEST.sha256.p7s: signed by CN=rsa-signer,O=journalpress test,C=RU; time-stamped" \
  -- "$bin" verify "$tmp/lt/archive" --ca "$pki/rsa-root.pem" --tsa-ca "$pki/tsa-root.pem"
check "tsa: trusted by --tsa-ca" 0 "by CN=tsa,O=journalpress test,C=RU (trusted by --tsa-ca)" \
  -- "$bin" verify "$tmp/lt/archive" --ca "$pki/rsa-root.pem" --tsa-ca "$pki/tsa-root.pem"
check "tsa: without --tsa-ca, said" 0 "(the TSA was not checked: give --tsa-ca)" \
  -- "$bin" verify "$tmp/lt/archive" --ca "$pki/rsa-root.pem"
check "tsa: another TSA CA" 1 "time stamp: the TSA is not trusted by --tsa-ca" \
  -- "$bin" verify "$tmp/lt/archive" --ca "$pki/rsa-root.pem" --tsa-ca "$pki/gost-root.pem"
check "tsa: without a TSA, said" 0 "(the signer's own clock: not time-stamped)" \
  -- "$bin" verify "$tmp/tok-rsa/archive" --ca "$tmp/token-rsa.pem"
# The token's own signature is the end of /Contents' DER: a changed byte there.
pdf=$tmp/lt/$year/5a~journal.pdf
python3 "$here/pdf_signature.py" "$pdf" "$tmp/lt-part"
range=$(grep -a -o '/ByteRange \[[0-9 ]*' "$pdf" | tail -1)
read -r _ a b c d <<<"${range//[/ }"
len=$(stat -c %s "$tmp/lt-part.p7s")
cp -r "$tmp/lt" "$tmp/lt-flipped"
flip "$pdf" $((b + 1 + 2 * len - 1)) "$tmp/lt-flipped/$year/5a~journal.pdf"
check "tsa: a changed byte in the time stamp" 1 "5a~journal.pdf: embedded signature: time stamp: " \
  -- "$bin" verify "$tmp/lt-flipped/archive" --ca "$pki/rsa-root.pem" --tsa-ca "$pki/tsa-root.pem"
check "tsa: rebuild keeps time-stamped documents" 0 "archive: up to date" -- \
  build "$tmp/lt" "${rsa[@]}" "${lt[@]}"
check "tsa: a build with a TSA time-stamps what was signed without" 0 "(8 signed now, 0 kept as signed before" -- \
  build "$tmp/tok-rsa" "${token[@]}" --pin-file "$tmp/pin" --tsa "$tsa/"
# A certificate not valid at the signing time is refused before anything is rendered (it
# used to sign an archive that `verify` failed from the start; unit test "sign: a signature
# made when the certificate was not valid fails the check" keeps verify's side of it).
check "tsa: a certificate not yet valid is refused before any work" 2 "$pki/rsa-future.pem: the certificate is not valid yet: from 2040-01-01" -- build "$tmp/future" \
  --sign-key "$pki/rsa-future.key" --sign-cert "$pki/rsa-future.pem" --tsa "$tsa/"
[[ ! -e $tmp/future/archive ]] && ok "tsa: nothing rendered or signed with it" || bad "tsa: an archive was made with a certificate not yet valid"
# TSA faults: each fails the build before anything is published.
check "tsa: garbage reply" 2 "--tsa $tsa/garbage: the reply is not an RFC 3161 time-stamp response (not even ASN.1)" -- \
  build "$tmp/tsa-bad" "${rsa[@]}" --tsa "$tsa/garbage"
check "tsa: HTTP error" 2 "--tsa $tsa/refuse: no time-stamp reply" -- build "$tmp/tsa-bad" "${rsa[@]}" --tsa "$tsa/refuse"
check "tsa: timeout" 2 "--tsa $tsa/silent: no time-stamp reply (expected an RFC 3161 time-stamping authority answering application/timestamp-reply within 1 s)" -- \
  build "$tmp/tsa-bad" "${rsa[@]}" --tsa "$tsa/silent" --tsa-timeout 1
check "tsa: TSA not trusted" 2 "signed by a TSA that --tsa-ca trusts" -- build "$tmp/tsa-bad" "${rsa[@]}" \
  --tsa "$tsa/" --tsa-ca "$pki/gost-root.pem"
check "tsa: bad CRL" 2 "$pki/rsa-signer.pem: expected a certificate revocation list" -- build "$tmp/tsa-bad" \
  "${rsa[@]}" --crl "$pki/rsa-signer.pem"
check "tsa: bad OCSP" 2 "$pki/rsa-signer.pem: expected an OCSP response in DER" -- build "$tmp/tsa-bad" \
  "${rsa[@]}" --ocsp "$pki/rsa-signer.pem"
[[ -e $tmp/tsa-bad/archive ]] && bad "tsa: a failed build wrote an archive" || ok "tsa: failed builds wrote nothing"
kill "$tsa_pid" 2>/dev/null
wait "$tsa_pid" 2>/dev/null
tsa_pid=
# OpenSSL keeps trying to connect until the timeout: a short one.
check "tsa: TSA down" 2 "--tsa $tsa/: no time-stamp reply" -- build "$tmp/tsa-bad" "${rsa[@]}" --tsa "$tsa/" \
  --tsa-timeout 2

exit $fail
