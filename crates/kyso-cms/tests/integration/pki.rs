//! A throw-away PKI made at test time, and a [`Signer`] over an in-memory OpenSSL key.
//!
//! Layout: one RSA-2048 root CA; leaf certificates under it for RSA-2048, ECDSA P-256, P-384,
//! P-521 and Ed25519. Everything is also written as PEM into a temp dir for the `openssl`
//! command-line tool.

use std::path::{Path, PathBuf};

use kyso_keys::{HashAlgorithm, KeyKind, SignatureAlgorithm, Signer};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::RsaPssSaltlen;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::{X509Name, X509};

/// Which leaf key to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    Rsa2048,
    P256,
    P384,
    P521,
    Ed25519,
}

/// A certificate with its private key and PEM files on disk.
pub struct Identity {
    pub key: PKey<Private>,
    pub cert: X509,
    pub cert_der: Vec<u8>,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
}

/// The root and a directory holding its PEM.
pub struct Pki {
    pub dir: tempfile::TempDir,
    pub root: Identity,
}

fn name(common_name: &str) -> X509Name {
    let mut builder = X509Name::builder().expect("name builder");
    builder
        .append_entry_by_nid(Nid::COUNTRYNAME, "VN")
        .expect("C");
    builder
        .append_entry_by_nid(Nid::ORGANIZATIONNAME, "Kyso Test PKI")
        .expect("O");
    builder
        .append_entry_by_nid(Nid::COMMONNAME, common_name)
        .expect("CN");
    builder.build()
}

fn new_key(kind: KeyType) -> PKey<Private> {
    let ec = |nid| {
        let group = EcGroup::from_curve_name(nid).expect("curve");
        PKey::from_ec_key(EcKey::generate(&group).expect("ec key")).expect("pkey")
    };
    match kind {
        KeyType::Rsa2048 => PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey"),
        KeyType::P256 => ec(Nid::X9_62_PRIME256V1),
        KeyType::P384 => ec(Nid::SECP384R1),
        KeyType::P521 => ec(Nid::SECP521R1),
        KeyType::Ed25519 => PKey::generate_ed25519().expect("ed25519"),
    }
}

fn write_pem(dir: &Path, stem: &str, key: &PKey<Private>, cert: &X509) -> (PathBuf, PathBuf) {
    let cert_pem = dir.join(format!("{stem}.pem"));
    let key_pem = dir.join(format!("{stem}.key"));
    std::fs::write(&cert_pem, cert.to_pem().expect("cert pem")).expect("write cert");
    std::fs::write(&key_pem, key.private_key_to_pem_pkcs8().expect("key pem")).expect("write key");
    (cert_pem, key_pem)
}

fn serial() -> openssl::asn1::Asn1Integer {
    let mut bn = BigNum::new().expect("bn");
    bn.rand(127, MsbOption::MAYBE_ZERO, false).expect("rand");
    bn.to_asn1_integer().expect("serial")
}

impl Pki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = new_key(KeyType::Rsa2048);
        let mut builder = X509::builder().expect("builder");
        builder.set_version(2).expect("version");
        builder.set_serial_number(&serial()).expect("serial");
        let subject = name("Kyso Test Root");
        builder.set_subject_name(&subject).expect("subject");
        builder.set_issuer_name(&subject).expect("issuer");
        builder.set_pubkey(&key).expect("pubkey");
        builder
            .set_not_before(&Asn1Time::days_from_now(0).expect("now"))
            .expect("nb");
        builder
            .set_not_after(&Asn1Time::days_from_now(3650).expect("later"))
            .expect("na");
        builder
            .append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
            .expect("bc");
        builder
            .append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .build()
                    .expect("ku"),
            )
            .expect("ku");
        let ski = SubjectKeyIdentifier::new()
            .build(&builder.x509v3_context(None, None))
            .expect("ski");
        builder.append_extension(ski).expect("ski");
        builder
            .sign(&key, MessageDigest::sha256())
            .expect("sign root");
        let cert = builder.build();
        let (cert_pem, key_pem) = write_pem(dir.path(), "root", &key, &cert);
        let cert_der = cert.to_der().expect("der");
        Self {
            dir,
            root: Identity {
                key,
                cert,
                cert_der,
                cert_pem,
                key_pem,
            },
        }
    }

    /// Issues a leaf for `kind` under the root.
    pub fn leaf(&self, kind: KeyType, stem: &str) -> Identity {
        self.issue(kind, stem, false)
    }

    /// Issues a time-stamping authority certificate (critical EKU id-kp-timeStamping).
    pub fn tsa(&self, stem: &str) -> Identity {
        self.issue(KeyType::Rsa2048, stem, true)
    }

    fn issue(&self, kind: KeyType, stem: &str, time_stamping: bool) -> Identity {
        let key = new_key(kind);
        let mut builder = X509::builder().expect("builder");
        builder.set_version(2).expect("version");
        builder.set_serial_number(&serial()).expect("serial");
        builder
            .set_subject_name(&name(&format!("Kyso Signer {stem}")))
            .expect("subject");
        builder
            .set_issuer_name(self.root.cert.subject_name())
            .expect("issuer");
        builder.set_pubkey(&key).expect("pubkey");
        builder
            .set_not_before(&Asn1Time::days_from_now(0).expect("now"))
            .expect("nb");
        builder
            .set_not_after(&Asn1Time::days_from_now(365).expect("later"))
            .expect("na");
        builder
            .append_extension(
                KeyUsage::new()
                    .critical()
                    .digital_signature()
                    .non_repudiation()
                    .build()
                    .expect("ku"),
            )
            .expect("ku");
        let ski = SubjectKeyIdentifier::new()
            .build(&builder.x509v3_context(Some(&self.root.cert), None))
            .expect("ski");
        builder.append_extension(ski).expect("ski");
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&builder.x509v3_context(Some(&self.root.cert), None))
            .expect("aki");
        builder.append_extension(aki).expect("aki");
        if time_stamping {
            let eku = ExtendedKeyUsage::new()
                .critical()
                .time_stamping()
                .build()
                .expect("eku");
            builder.append_extension(eku).expect("eku");
        }
        builder
            .sign(&self.root.key, MessageDigest::sha256())
            .expect("sign leaf");
        let cert = builder.build();
        let (cert_pem, key_pem) = write_pem(self.dir.path(), stem, &key, &cert);
        let cert_der = cert.to_der().expect("der");
        Identity {
            key,
            cert,
            cert_der,
            cert_pem,
            key_pem,
        }
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }
}

/// A [`Signer`] over an OpenSSL key, for tests only.
pub struct TestSigner {
    key: PKey<Private>,
    cert_der: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

impl TestSigner {
    pub fn new(identity: &Identity, chain: Vec<Vec<u8>>) -> Self {
        Self {
            key: identity.key.clone(),
            cert_der: identity.cert_der.clone(),
            chain,
        }
    }
}

fn md(hash: HashAlgorithm) -> MessageDigest {
    match hash {
        HashAlgorithm::Sha256 => MessageDigest::sha256(),
        HashAlgorithm::Sha384 => MessageDigest::sha384(),
        HashAlgorithm::Sha512 => MessageDigest::sha512(),
    }
}

impl Signer for TestSigner {
    fn certificate(&self) -> &[u8] {
        &self.cert_der
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        match self.key.id() {
            Id::RSA => KeyKind::Rsa {
                bits: usize::try_from(self.key.bits()).expect("bits"),
            },
            _ => KeyKind::Ec {
                field_bits: usize::try_from(self.key.bits()).expect("bits"),
            },
        }
    }

    fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, kyso_keys::Error> {
        let mismatch = || kyso_keys::Error::AlgorithmMismatch {
            algorithm,
            key: self.key_kind(),
        };
        let is_rsa = self.key.id() == Id::RSA;
        let mut signer =
            openssl::sign::Signer::new(md(algorithm.hash()), &self.key).map_err(|_| mismatch())?;
        match algorithm {
            SignatureAlgorithm::RsaPkcs1v15(_) if is_rsa => {}
            SignatureAlgorithm::RsaPss(hash) if is_rsa => {
                signer
                    .set_rsa_padding(Padding::PKCS1_PSS)
                    .map_err(|_| mismatch())?;
                signer.set_rsa_mgf1_md(md(hash)).map_err(|_| mismatch())?;
                signer
                    .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                    .map_err(|_| mismatch())?;
            }
            SignatureAlgorithm::Ecdsa(_) if !is_rsa => {}
            _ => return Err(mismatch()),
        }
        signer.update(message).map_err(|_| mismatch())?;
        signer.sign_to_vec().map_err(|_| mismatch())
    }
}
