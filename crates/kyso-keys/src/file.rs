//! Keys loaded from files: PKCS#12 (`.p12`, `.pfx`) and PEM key + certificate.

use std::sync::OnceLock;

use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{Id, PKey, PKeyRef, Private, Public};
use openssl::provider::Provider;
use openssl::rsa::Padding;
use openssl::sign::RsaPssSaltlen;
use openssl::x509::X509;
use secrecy::{ExposeSecret, SecretString};

use crate::{Error, HashAlgorithm, KeyKind, SignatureAlgorithm, Signer};

/// A private key held in memory with its certificate and the chain its file supplied.
///
/// Invariant: the key matches the certificate's public key (checked on construction).
pub struct FileSigner {
    key: PKey<Private>,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    kind: KeyKind,
}

impl std::fmt::Debug for FileSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileSigner")
            .field("kind", &self.kind)
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl FileSigner {
    /// Opens a DER PKCS#12 file with `password`. Accepts the OpenSSL 3 default encoding
    /// (PBES2/AES-256, SHA-256 MAC) and the legacy one (RC2-40 / 3DES, SHA-1 MAC) written by
    /// older Windows tools; for the latter OpenSSL's legacy provider is loaded once, on demand.
    ///
    /// The PKCS#12 certificates other than the key's own become [`Signer::chain`].
    pub fn from_pkcs12(der: &[u8], password: &SecretString) -> Result<Self, Error> {
        let pkcs12 = Pkcs12::from_der(der).map_err(|source| Error::OpenSsl {
            what: "not a PKCS#12 file",
            source,
        })?;
        let pass = password.expose_secret();
        let parsed = match pkcs12.parse2(pass) {
            Ok(parsed) => parsed,
            Err(first) if is_wrong_password(&first) => {
                return Err(Error::WrongPassword {
                    what: "PKCS#12 file",
                })
            }
            Err(first) => {
                if !load_legacy_provider() {
                    return Err(Error::OpenSsl {
                        what: "cannot decrypt the PKCS#12 file (OpenSSL's legacy provider, needed \
                               for RC2/3DES files, is not available)",
                        source: first,
                    });
                }
                pkcs12.parse2(pass).map_err(|source| {
                    if is_wrong_password(&source) {
                        Error::WrongPassword {
                            what: "PKCS#12 file",
                        }
                    } else {
                        Error::OpenSsl {
                            what: "cannot decrypt the PKCS#12 file",
                            source,
                        }
                    }
                })?
            }
        };
        let key = parsed.pkey.ok_or(Error::Pkcs12Incomplete("private key"))?;
        let cert = parsed.cert.ok_or(Error::Pkcs12Incomplete("certificate"))?;
        let chain: Vec<X509> = parsed
            .ca
            .map(|stack| stack.into_iter().collect())
            .unwrap_or_default();
        Self::new(key, &cert, &chain)
    }

    /// Builds a signer from a PEM private key (PKCS#8, PKCS#1 or SEC1; encrypted or not), its
    /// PEM certificate and PEM files of further certificates (each may hold several).
    ///
    /// An encrypted key without `password` gives [`Error::PasswordRequired`], so a caller can
    /// ask for the password only when it is needed; OpenSSL never prompts on the terminal.
    pub fn from_pem(
        key_pem: &[u8],
        password: Option<&SecretString>,
        cert_pem: &[u8],
        chain_pems: &[impl AsRef<[u8]>],
    ) -> Result<Self, Error> {
        let mut asked = false;
        let key = PKey::private_key_from_pem_callback(key_pem, |buf| {
            asked = true;
            let Some(password) = password else {
                return Ok(0);
            };
            let bytes = password.expose_secret().as_bytes();
            match buf.get_mut(..bytes.len()) {
                Some(dest) => {
                    dest.copy_from_slice(bytes);
                    Ok(bytes.len())
                }
                None => Ok(0),
            }
        });
        let key = match key {
            Ok(key) => key,
            Err(_) if asked && password.is_none() => return Err(Error::PasswordRequired),
            Err(_) if asked => {
                return Err(Error::WrongPassword {
                    what: "private key",
                })
            }
            Err(source) => {
                return Err(Error::OpenSsl {
                    what: "cannot read the PEM private key",
                    source,
                })
            }
        };
        let cert = X509::from_pem(cert_pem).map_err(|source| Error::OpenSsl {
            what: "cannot read the PEM certificate",
            source,
        })?;
        let mut chain = Vec::new();
        for pem in chain_pems {
            let certs = X509::stack_from_pem(pem.as_ref()).map_err(|source| Error::OpenSsl {
                what: "cannot read the PEM chain certificates",
                source,
            })?;
            chain.extend(certs);
        }
        Self::new(key, &cert, &chain)
    }

    fn new(key: PKey<Private>, cert: &X509, chain: &[X509]) -> Result<Self, Error> {
        let public = cert.public_key().map_err(|source| Error::OpenSsl {
            what: "cannot read the certificate's public key",
            source,
        })?;
        if !public.public_eq(&key) {
            return Err(Error::KeyCertificateMismatch);
        }
        let kind = key_kind(&public)?;
        let certificate = to_der(cert)?;
        let mut chain_der = Vec::with_capacity(chain.len());
        for other in chain {
            let der = to_der(other)?;
            if der != certificate && !chain_der.contains(&der) {
                chain_der.push(der);
            }
        }
        Ok(Self {
            key,
            certificate,
            chain: chain_der,
            kind,
        })
    }
}

impl Signer for FileSigner {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn sign(&self, algorithm: SignatureAlgorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        check_algorithm(algorithm, self.kind)?;
        let failed = |source| Error::OpenSsl {
            what: "signing failed",
            source,
        };
        let digest = message_digest(algorithm.hash());
        let mut signer = openssl::sign::Signer::new(digest, &self.key).map_err(failed)?;
        if let SignatureAlgorithm::RsaPss(_) = algorithm {
            signer.set_rsa_padding(Padding::PKCS1_PSS).map_err(failed)?;
            signer
                .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                .map_err(failed)?;
            signer.set_rsa_mgf1_md(digest).map_err(failed)?;
        }
        signer.sign_oneshot_to_vec(message).map_err(failed)
    }
}

/// Reads every certificate of a PEM file (a chain file holds several), as DER. A file with
/// no certificate at all is an error: it is surely not what the user meant.
pub fn pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    let certs = X509::stack_from_pem(pem).map_err(|source| Error::OpenSsl {
        what: "cannot read the PEM certificates",
        source,
    })?;
    if certs.is_empty() {
        return Err(Error::NoCertificateInPem);
    }
    certs.iter().map(to_der).collect()
}

/// Refuses an algorithm that does not fit the key.
pub(crate) fn check_algorithm(algorithm: SignatureAlgorithm, kind: KeyKind) -> Result<(), Error> {
    let fits = matches!(
        (algorithm, kind),
        (
            SignatureAlgorithm::RsaPkcs1v15(_) | SignatureAlgorithm::RsaPss(_),
            KeyKind::Rsa { .. }
        ) | (SignatureAlgorithm::Ecdsa(_), KeyKind::Ec { .. })
    );
    if fits {
        Ok(())
    } else {
        Err(Error::AlgorithmMismatch {
            algorithm,
            key: kind,
        })
    }
}

fn message_digest(hash: HashAlgorithm) -> MessageDigest {
    match hash {
        HashAlgorithm::Sha256 => MessageDigest::sha256(),
        HashAlgorithm::Sha384 => MessageDigest::sha384(),
        HashAlgorithm::Sha512 => MessageDigest::sha512(),
    }
}

fn to_der(cert: &X509) -> Result<Vec<u8>, Error> {
    cert.to_der().map_err(|source| Error::OpenSsl {
        what: "cannot encode a certificate",
        source,
    })
}

/// The kind of the key in a DER certificate (RSA modulus size or EC field size).
pub(crate) fn key_kind_of_certificate(der: &[u8]) -> Result<KeyKind, Error> {
    let cert = X509::from_der(der).map_err(|source| Error::OpenSsl {
        what: "cannot read the certificate",
        source,
    })?;
    let public = cert.public_key().map_err(|source| Error::OpenSsl {
        what: "cannot read the certificate's public key",
        source,
    })?;
    key_kind(&public)
}

fn key_kind(public: &PKeyRef<Public>) -> Result<KeyKind, Error> {
    match public.id() {
        Id::RSA => Ok(KeyKind::Rsa {
            bits: usize::try_from(public.bits()).unwrap_or(usize::MAX),
        }),
        Id::EC => {
            let ec = public.ec_key().map_err(|source| Error::OpenSsl {
                what: "cannot read the EC public key",
                source,
            })?;
            let field_bits = usize::try_from(ec.group().degree()).unwrap_or(usize::MAX);
            if matches!(field_bits, 256 | 384 | 521) {
                Ok(KeyKind::Ec { field_bits })
            } else {
                Err(Error::UnsupportedKey(format!(
                    "elliptic curve of {field_bits} bits (kyso signs with P-256, P-384, P-521)"
                )))
            }
        }
        other => Err(Error::UnsupportedKey(format!("{other:?}"))),
    }
}

/// True when OpenSSL's error queue says the MAC did not verify: the password is wrong.
fn is_wrong_password(err: &ErrorStack) -> bool {
    err.errors()
        .iter()
        .any(|e| e.reason().is_some_and(|r| r.contains("mac verify failure")))
}

/// Loads OpenSSL's legacy provider (RC2, 3DES PBEs) next to the default one, once per process.
/// Returns whether it is available.
fn load_legacy_provider() -> bool {
    static LEGACY: OnceLock<Option<Provider>> = OnceLock::new();
    LEGACY
        .get_or_init(|| Provider::try_load(None, "legacy", true).ok())
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(name: &str) -> Vec<u8> {
        let path = format!("{}/../../fixtures/demo/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("demo fixture {path}: {e}"))
    }

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn opens_the_demo_pkcs12_with_its_password() {
        let signer = FileSigner::from_pkcs12(&demo("signer.p12"), &secret("demo")).expect("opens");
        assert_eq!(signer.key_kind(), KeyKind::Rsa { bits: 2048 });
        assert_eq!(signer.chain().len(), 2, "intermediate and root");
        let signature = signer
            .sign(SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256), b"x")
            .expect("signs");
        assert_eq!(signature.len(), 256);
    }

    #[test]
    fn rejects_the_demo_pkcs12_with_a_wrong_password() {
        let err = FileSigner::from_pkcs12(&demo("signer.p12"), &secret("wrong"))
            .expect_err("must be refused");
        assert!(matches!(err, Error::WrongPassword { .. }), "{err:?}");
    }

    #[test]
    fn rejects_a_pem_file_given_as_pkcs12() {
        let err = FileSigner::from_pkcs12(&demo("signer.pem"), &secret("demo"))
            .expect_err("must be refused");
        assert!(matches!(err, Error::OpenSsl { .. }), "{err:?}");
    }

    #[test]
    fn opens_the_demo_pem_key_and_certificate() {
        let signer = FileSigner::from_pem(
            &demo("signer.key.pem"),
            None,
            &demo("signer.pem"),
            &[demo("chain.pem")],
        )
        .expect("opens");
        assert_eq!(signer.chain().len(), 2);
    }

    #[test]
    fn rejects_a_key_that_does_not_match_the_certificate() {
        let other = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).expect("rsa")).expect("pkey");
        let other_pem = other.private_key_to_pem_pkcs8().expect("pem");
        let err = FileSigner::from_pem(&other_pem, None, &demo("signer.pem"), &[] as &[&[u8]])
            .expect_err("must be refused");
        assert!(matches!(err, Error::KeyCertificateMismatch), "{err:?}");
    }

    #[test]
    fn pem_chain_files_give_every_certificate() {
        let certs = pem_certificates(&demo("chain.pem")).expect("reads");
        assert_eq!(certs.len(), 2);
        assert!(certs.iter().all(|der| der.first() == Some(&0x30)));
    }

    #[test]
    fn pem_chain_files_without_certificates_are_refused() {
        assert!(pem_certificates(b"not a certificate").is_err());
    }

    #[test]
    fn rejects_ecdsa_with_an_rsa_key() {
        let signer = FileSigner::from_pkcs12(&demo("signer.p12"), &secret("demo")).expect("opens");
        let err = signer
            .sign(SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256), b"x")
            .expect_err("must be refused");
        assert!(matches!(err, Error::AlgorithmMismatch { .. }), "{err:?}");
    }

    #[test]
    fn accepts_pkcs1v15_and_pss_with_an_rsa_key() {
        let kind = KeyKind::Rsa { bits: 2048 };
        for alg in [
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384),
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha512),
        ] {
            assert!(check_algorithm(alg, kind).is_ok());
        }
    }
}
