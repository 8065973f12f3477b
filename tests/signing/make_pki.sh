#!/usr/bin/env bash
# The test PKI, in DIR: what a school meets, made with the openssl command line.
#   gost-root, gost-inter: a GOST R 34.10-2012 CA and intermediate (Streebog-256);
#   gost256, gost512: signers with 256- and 512-bit GOST keys (Streebog-256, -512);
#   rsa-root, rsa-inter, rsa-signer: the same chain with RSA, whose intermediate also
#   issues a CRL (rsa-inter.crl.pem) and an OCSP response about the signer (rsa-signer.ocsp);
#   rsa-future: an RSA signer whose certificate is valid only from 2040;
#   tsa-root, tsa: a time-stamping authority (extendedKeyUsage timeStamping) and tsa.cnf
#   for `openssl ts -reply`.
# Usage: make_pki.sh DIR
set -euo pipefail
export LC_ALL=C.UTF-8  # text is matched and numbers printed: the same bytes under any locale
d=$1
mkdir -p "$d"
cd "$d"
G=(-engine gost)
quiet() { "$@" >/dev/null 2>&1 || { echo "make_pki: failed: $*" >&2; "$@"; exit 1; }; }
cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
# cert NAME ISSUER EXT DAYS_BEFORE DAYS ALG... : a key and a certificate issued by ISSUER
# (self-signed when ISSUER is NAME), valid from DAYS_BEFORE days ago for DAYS days.
cert() {
  local name=$1 issuer=$2 ext=$3 md=$4
  shift 4
  local engine=()
  [[ $md == md_gost* ]] && engine=("${G[@]}")
  quiet openssl genpkey "${engine[@]}" "$@" -out "$name.key"
  quiet openssl req "${engine[@]}" -new -key "$name.key" -subj "/C=RU/O=journalpress test/CN=$name" -out "$name.csr"
  if [[ $issuer == "$name" ]]; then
    quiet openssl x509 "${engine[@]}" -req -in "$name.csr" -signkey "$name.key" -days 3650 -"$md" \
      -extfile ext.cnf -extensions "$ext" -out "$name.pem"
  else
    quiet openssl x509 "${engine[@]}" -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" \
      -CAcreateserial -days 3650 -"$md" -extfile ext.cnf -extensions "$ext" -out "$name.pem"
  fi
}
cert gost-root gost-root ca md_gost12_256 -algorithm gost2012_256 -pkeyopt paramset:A
cert gost-inter gost-root ca md_gost12_256 -algorithm gost2012_256 -pkeyopt paramset:A
cert gost256 gost-inter signer md_gost12_256 -algorithm gost2012_256 -pkeyopt paramset:A
cert gost512 gost-inter signer md_gost12_256 -algorithm gost2012_512 -pkeyopt paramset:A
cert rsa-root rsa-root ca sha256 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cert rsa-inter rsa-root ca sha256 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cert rsa-signer rsa-inter signer sha256 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cert tsa-root tsa-root ca sha256 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
cert tsa tsa-root tsa sha256 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
# The intermediate's CRL and an OCSP response about the signer (both: not revoked).
: > index.txt
echo 01 > crlnumber
cat > ca.cnf <<CNF
[ca]
default_ca = inter
[inter]
database = $PWD/index.txt
crlnumber = $PWD/crlnumber
certificate = $PWD/rsa-inter.pem
private_key = $PWD/rsa-inter.key
default_md = sha256
default_crl_days = 3650
new_certs_dir = $PWD
serial = $PWD/rsa-inter.srl
policy = any
[any]
commonName = supplied
CNF
quiet openssl ca -config ca.cnf -gencrl -out rsa-inter.crl.pem
# A signer whose certificate is valid only from 2040: what it signs today was signed
# outside its validity, which a time stamp proves.
quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-future.key
quiet openssl req -new -key rsa-future.key -subj "/C=RU/O=journalpress test/CN=rsa-future" \
  -out rsa-future.csr
quiet openssl ca -batch -config ca.cnf -in rsa-future.csr -startdate 20400101000000Z \
  -enddate 20410101000000Z -extfile ext.cnf -extensions signer -notext -out rsa-future.pem
: > index.txt
quiet openssl ocsp -issuer rsa-inter.pem -cert rsa-signer.pem -reqout ocsp-req.der -no_nonce
serial=$(openssl x509 -in rsa-signer.pem -noout -serial | cut -d= -f2)
end=$(openssl x509 -in rsa-signer.pem -noout -enddate | cut -d= -f2)
printf 'V\t%s\t\t%s\tunknown\t/C=RU/O=journalpress test/CN=rsa-signer\n' \
  "$(date -u -d "$end" +%y%m%d%H%M%SZ)" "$serial" > index.txt
quiet openssl ocsp -index index.txt -rsigner rsa-inter.pem -rkey rsa-inter.key -CA rsa-inter.pem \
  -reqin ocsp-req.der -respout rsa-signer.ocsp -ndays 3650
echo 01 > tsaserial
cat > tsa.cnf <<CNF
[tsa]
default_tsa = tsa1
[tsa1]
serial = $PWD/tsaserial
crypto_device = builtin
signer_cert = $PWD/tsa.pem
certs = $PWD/tsa-root.pem
signer_key = $PWD/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
cat gost-inter.pem > gost-chain.pem
cat rsa-inter.pem > rsa-chain.pem
