//! A throw-away PKI made with the `openssl` CLI in a temp dir, and a test-only
//! [`kyso_keys::Signer`] over an OpenSSL key (the real signers live in kyso-keys).
//!
//! Commands (run in the temp dir):
//! ```text
//! openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
//!     -subj "/CN=kyso test root" -addext basicConstraints=critical,CA:TRUE
//! openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key   (or EC P-256/P-384)
//! openssl req -new -key rsa.key -subj "/CN=…/O=…" -out rsa.csr
//! openssl x509 -req -in rsa.csr -CA root.pem -CAkey root.key -CAcreateserial -days 365 -out rsa.pem
//! ```

use kyso_keys::{HashAlgorithm, KeyKind, SignatureAlgorithm, Signer};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Padding;
use openssl::sign::RsaPssSaltlen;
use openssl::x509::X509;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The test PKI: a root and leaf keys of several kinds.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl CLI runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Pki {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "root.key",
                "-out",
                "root.pem",
                "-days",
                "3650",
                "-subj",
                "/CN=kyso test root",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        for (name, genargs) in [
            (
                "rsa",
                &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"][..],
            ),
            (
                "p256",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
            ),
            (
                "p384",
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"][..],
            ),
        ] {
            let key = format!("{name}.key");
            let mut args = vec!["genpkey"];
            args.extend_from_slice(genargs);
            args.extend_from_slice(&["-out", &key]);
            openssl(d, &args);
            let csr = format!("{name}.csr");
            let subject = format!("/CN=Nguyễn Văn A {name}/O=Sở Thông tin và Truyền thông");
            openssl(
                d,
                &[
                    "req", "-new", "-key", &key, "-utf8", "-subj", &subject, "-out", &csr,
                ],
            );
            let pem = format!("{name}.pem");
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "root.pem",
                    "-CAkey",
                    "root.key",
                    "-CAcreateserial",
                    "-days",
                    "365",
                    "-out",
                    &pem,
                ],
            );
        }
        Self { dir }
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    pub fn root_der(&self) -> Vec<u8> {
        cert_der(&self.path("root.pem"))
    }

    /// A signer for `name` (`rsa`, `p256`, `p384`).
    pub fn signer(&self, name: &str) -> TestSigner {
        let key_pem = std::fs::read(self.path(&format!("{name}.key"))).expect("key");
        let key = PKey::private_key_from_pem(&key_pem).expect("key parses");
        let kind = match key.rsa() {
            Ok(rsa) => KeyKind::Rsa {
                bits: rsa.size() as usize * 8,
            },
            Err(_) => KeyKind::Ec {
                field_bits: key.bits() as usize,
            },
        };
        TestSigner {
            key,
            certificate: cert_der(&self.path(&format!("{name}.pem"))),
            chain: Vec::new(),
            kind,
        }
    }
}

pub fn cert_der(path: &Path) -> Vec<u8> {
    let pem = std::fs::read(path).expect("cert");
    X509::from_pem(&pem)
        .expect("cert parses")
        .to_der()
        .expect("der")
}

/// A file key, for tests only.
pub struct TestSigner {
    key: PKey<Private>,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    kind: KeyKind,
}

fn md(h: HashAlgorithm) -> MessageDigest {
    match h {
        HashAlgorithm::Sha256 => MessageDigest::sha256(),
        HashAlgorithm::Sha384 => MessageDigest::sha384(),
        HashAlgorithm::Sha512 => MessageDigest::sha512(),
    }
}

impl Signer for TestSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, kyso_keys::Error> {
        let mismatch = kyso_keys::Error::AlgorithmMismatch {
            algorithm,
            key: self.kind,
        };
        let mut s =
            openssl::sign::Signer::new(md(algorithm.hash()), &self.key).map_err(|_| mismatch)?;
        if let SignatureAlgorithm::RsaPss(h) = algorithm {
            s.set_rsa_padding(Padding::PKCS1_PSS).expect("pss");
            s.set_rsa_mgf1_md(md(h)).expect("mgf1");
            s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                .expect("salt");
        }
        s.update(message).expect("update");
        Ok(s.sign_to_vec().expect("sign"))
    }
}
