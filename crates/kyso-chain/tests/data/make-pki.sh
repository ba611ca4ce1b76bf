#!/bin/sh
# Builds a throw-away test PKI with the OpenSSL CLI (the tests run this; nothing is committed):
#
#   make-pki.sh DIR OCSP_URL CRL_BASE_URL
#
#   root (RSA-2048, self-signed) -> inter (ECDSA P-256, CA, pathlen 0; CDP CRL_BASE/root.crl)
#   -> leaf, leaf-revoked (AIA OCSP_URL and CDP CRL_BASE/inter.crl);
#      leaf-unknown (AIA only; not in the CA database, so the responder says "unknown");
#      leaf-crl, leaf-crl-revoked (CDP only);
#      leaf-offline (AIA and CDP pointing at a closed port)
#   tsa (critical EKU timeStamping), tsa-noncritical, leaf-encipher (keyEncipherment only)
#   ocsp: delegated OCSP responder of inter (id-kp-OCSPSigning, ocsp-nocheck)
#   evil: a CA with inter's name and another key (signs "wrongly signed" CRLs and OCSP)
#   inter.crl: full CRL by inter (leaf-revoked and leaf-crl-revoked listed), valid 7 days
#   root.crl: full CRL by root (nothing revoked); evil.crl: inter's name, evil's key
#   leaf.ocsp.der, leaf-revoked.ocsp.der: responses by the delegated responder (7 days)
#   leaf.stale-ocsp.der: response valid for 1 day; leaf.evil-ocsp.der: signed by evil
#
# Certificates are valid from 2020-01-01 to 2040-01-01 so tests can validate in the past.
set -eu
dir=$1 ocsp_url=$2 crl_base=$3
mkdir -p "$dir"
cd "$dir"

cat > ca.cnf <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = \$dir/\$ENV::CA_NAME.index
new_certs_dir = \$dir/newcerts
serial = \$dir/\$ENV::CA_NAME.serial
crlnumber = \$dir/\$ENV::CA_NAME.crlnumber
default_md = sha256
default_crl_days = 7
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
countryName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$crl_base/root.crl
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36, emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:$ocsp_url
crlDistributionPoints = URI:$crl_base/inter.crl
[ v3_leaf_ocsp_only ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:$ocsp_url
[ v3_leaf_crl_only ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$crl_base/inter.crl
[ v3_leaf_offline ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://127.0.0.1:9/ocsp
crlDistributionPoints = URI:http://127.0.0.1:9/inter.crl
[ v3_tsa ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
authorityKeyIdentifier = keyid
[ v3_tsa_noncritical ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = timeStamping
authorityKeyIdentifier = keyid
[ v3_encipher_only ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
authorityKeyIdentifier = keyid
[ v3_ocsp ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
noCheck = ignored
authorityKeyIdentifier = keyid
CNF

mkdir -p newcerts
for ca in root inter evil; do : > $ca.index; echo 1000 > $ca.serial; echo 01 > $ca.crlnumber; done
export OPENSSL_CONF=ca.cnf CA_NAME=root

key_rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
key_ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
sign() { # CA_NAME CA_CERT CA_KEY CSR OUT EXT
    CA_NAME=$1 openssl ca -batch -config ca.cnf -cert "$2" -keyfile "$3" -in "$4" -out "$5" \
        -extensions "$6" -startdate 20200101000000Z -enddate 20400101000000Z -notext 2>/dev/null
}
csr() { openssl req -new -config ca.cnf -key "$1" -subj "$2" -out "$3" 2>/dev/null; }

key_rsa root.key
csr root.key "/CN=kyso test root/O=kyso tests/C=VN" root.csr
CA_NAME=root openssl ca -batch -config ca.cnf -selfsign -keyfile root.key -in root.csr -out root.pem \
    -extensions v3_root -startdate 20200101000000Z -enddate 20400101000000Z -notext 2>/dev/null

key_ec inter.key
csr inter.key "/CN=kyso test issuing CA/O=kyso tests/C=VN" inter.csr
sign root root.pem root.key inter.csr inter.pem v3_inter

key_ec evil.key
csr evil.key "/CN=kyso test issuing CA/O=kyso tests/C=VN" evil.csr
CA_NAME=evil openssl ca -batch -config ca.cnf -selfsign -keyfile evil.key -in evil.csr -out evil.pem \
    -extensions v3_root -startdate 20200101000000Z -enddate 20400101000000Z -notext 2>/dev/null

issue_leaf() { # NAME EXTENSIONS
    key_ec $1.key
    csr $1.key "/CN=Nguyen Van $1/O=kyso tests/C=VN" $1.csr
    sign inter inter.pem inter.key $1.csr $1.pem $2
}
issue_leaf leaf v3_leaf
issue_leaf leaf-revoked v3_leaf
issue_leaf leaf-crl v3_leaf_crl_only
issue_leaf leaf-crl-revoked v3_leaf_crl_only
issue_leaf leaf-offline v3_leaf_offline
issue_leaf tsa v3_tsa
issue_leaf tsa-noncritical v3_tsa_noncritical
issue_leaf leaf-encipher v3_encipher_only

# Issued outside the CA database: the OCSP responder answers "unknown" for it.
cp inter.index inter.index.keep; cp inter.serial inter.serial.keep
issue_leaf leaf-unknown v3_leaf_ocsp_only
cp inter.index.keep inter.index; cp inter.serial.keep inter.serial
echo 2000 > inter.serial

key_ec ocsp.key
csr ocsp.key "/CN=kyso test OCSP responder/O=kyso tests/C=VN" ocsp.csr
sign inter inter.pem inter.key ocsp.csr ocsp.pem v3_ocsp

for revoked in leaf-revoked leaf-crl-revoked; do
    CA_NAME=inter openssl ca -config ca.cnf -cert inter.pem -keyfile inter.key -revoke $revoked.pem \
        -crl_reason keyCompromise 2>/dev/null
done
CA_NAME=inter openssl ca -config ca.cnf -cert inter.pem -keyfile inter.key -gencrl -out inter.crl 2>/dev/null
CA_NAME=root openssl ca -config ca.cnf -cert root.pem -keyfile root.key -gencrl -out root.crl 2>/dev/null
cp inter.index evil.index
CA_NAME=evil openssl ca -config ca.cnf -cert evil.pem -keyfile evil.key -gencrl -out evil.crl 2>/dev/null
cat inter.pem root.pem > chain.pem

respond() { # LEAF SIGNER_CERT SIGNER_KEY DAYS OUT
    openssl ocsp -issuer inter.pem -cert $1.pem -no_nonce -reqout $1.req.der 2>/dev/null
    openssl ocsp -index inter.index -CA inter.pem -rsigner "$2" -rkey "$3" -ndays "$4" \
        -reqin $1.req.der -respout "$5" 2>/dev/null
}
respond leaf ocsp.pem ocsp.key 7 leaf.ocsp.der
respond leaf-revoked ocsp.pem ocsp.key 7 leaf-revoked.ocsp.der
respond leaf ocsp.pem ocsp.key 1 leaf.stale-ocsp.der
respond leaf evil.pem evil.key 7 leaf.evil-ocsp.der
for f in root inter leaf; do openssl x509 -in $f.pem -outform DER -out $f.der; done
for f in root inter evil; do openssl crl -in $f.crl -outform DER -out $f.crl.der; done
echo ok
