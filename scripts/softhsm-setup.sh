#!/usr/bin/env bash
# Provisions a SoftHSM2 token for kyso's tests from a test PKI made by
# fixtures/pki/make-test-pki.sh.
#
# Usage: softhsm-setup.sh PKIDIR WORKDIR
#
# Writes WORKDIR/softhsm2.conf (token files under WORKDIR/tokens), initialises the token
# "kyso-test" (SO PIN 12345678, user PIN 1234) and imports:
#
#   CKA_ID 01, label "rsa2048"  RSA-2048 private key, public key and certificate (PKIDIR/rsa2048.*)
#   CKA_ID 02, label "ecp256"   ECDSA P-256 private key, public key and certificate (PKIDIR/ecp256.*)
#   CKA_ID a0, label "kyso Test Issuing CA"  the intermediate certificate alone (no key)
#
# Prints, on standard output, lines to eval:
#   export SOFTHSM2_CONF=WORKDIR/softhsm2.conf
#   export KYSO_PKCS11_MODULE=/path/to/libsofthsm2.so
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PKIDIR WORKDIR" >&2
  exit 2
fi
pki=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)

module=""
for candidate in ${KYSO_SOFTHSM_MODULE:-} /usr/lib/softhsm/libsofthsm2.so \
  /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib64/softhsm/libsofthsm2.so \
  /usr/local/lib/softhsm/libsofthsm2.so; do
  if [ -f "$candidate" ]; then
    module=$candidate
    break
  fi
done
if [ -z "$module" ]; then
  echo "softhsm-setup: libsofthsm2.so not found (install the softhsm2 package)" >&2
  exit 1
fi
for tool in softhsm2-util pkcs11-tool openssl; do
  command -v "$tool" >/dev/null || {
    echo "softhsm-setup: $tool not found" >&2
    exit 1
  }
done

rm -rf "$work/tokens"
mkdir -p "$work/tokens"
cat >"$work/softhsm2.conf" <<EOF
directories.tokendir = $work/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF=$work/softhsm2.conf

quiet() {
  local log
  if ! log=$("$@" 2>&1); then
    echo "softhsm-setup: $1 failed:" >&2
    echo "$log" >&2
    return 1
  fi
}

quiet softhsm2-util --init-token --free --label kyso-test --so-pin 12345678 --pin 1234

p11() { quiet pkcs11-tool --module "$module" --token-label kyso-test --login --pin 1234 "$@"; }

# import NAME HEXID LABEL
import() {
  local name=$1 id=$2 label=$3 der=$work/$1
  openssl pkey -in "$pki/$name.key.pem" -outform DER -out "$der.key.der"
  openssl pkey -in "$pki/$name.key.pem" -pubout -outform DER -out "$der.pub.der"
  openssl x509 -in "$pki/$name.pem" -outform DER -out "$der.crt.der"
  p11 --write-object "$der.key.der" --type privkey --id "$id" --label "$label" --usage-sign
  p11 --write-object "$der.pub.der" --type pubkey --id "$id" --label "$label"
  p11 --write-object "$der.crt.der" --type cert --id "$id" --label "$label"
  rm -f "$der.key.der" "$der.pub.der" "$der.crt.der"
}

import rsa2048 01 rsa2048
import ecp256 02 ecp256
openssl x509 -in "$pki/intermediate.pem" -outform DER -out "$work/intermediate.crt.der"
p11 --write-object "$work/intermediate.crt.der" --type cert --id a0 --label "kyso Test Issuing CA"
rm -f "$work/intermediate.crt.der"

echo "export SOFTHSM2_CONF=$work/softhsm2.conf"
echo "export KYSO_PKCS11_MODULE=$module"
