//! Signing keys for kyso: the [`Signer`] trait and its sources.
//!
//! A signer is a private key that never leaves its home (a PKCS#11 token, or a key file loaded
//! into memory) together with the certificate that names it and the chain the holder supplied.
//! Everything that signs in kyso takes `&dyn Signer`.
//!
//! Sources: [`Pkcs11Module`] makes a [`Pkcs11Signer`] (a key on a USB token, logged in once
//! for a whole batch); [`FileSigner`] loads a PKCS#12 file or a PEM key and certificate.
//!
//! This crate touches no terminal and reads no environment variable: PINs and passwords are
//! handed in by the caller as [`secrecy::SecretString`].
//!
//! ```no_run
//! use kyso_keys::{FileSigner, SecretString, Signer};
//!
//! let p12 = std::fs::read("fixtures/demo/signer.p12").expect("demo key");
//! let signer = FileSigner::from_pkcs12(&p12, &SecretString::from("demo".to_owned()))?;
//! let signature = signer.sign(signer.default_algorithm(), b"to be signed")?;
//! assert_eq!(signature.len(), 256);
//! # Ok::<(), kyso_keys::Error>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod algorithm;
mod certinfo;
pub mod ecdsa;
mod error;
mod file;
mod pkcs11;

pub use algorithm::{HashAlgorithm, KeyKind, SignatureAlgorithm};
pub use certinfo::{rfc4514, CertificateInfo};
pub use error::{Error, PinTries, Step};
pub use file::{pem_certificates, FileSigner};
pub use pkcs11::{
    choose_mechanism, KeyPresence, KeySelector, MechanismPlan, ModuleInfo, Pkcs11Module,
    Pkcs11Signer, SlotDescription, TokenCertificate, TokenChoice, TokenDescription,
};
/// The PIN and password type: a string wiped from memory on drop.
pub use secrecy::SecretString;

/// A private key that can sign, with the certificate that binds it to a holder.
///
/// `Send + Sync` so a batch can share one signer across threads; implementations that hold a
/// single-threaded handle (a PKCS#11 session) serialise access internally.
pub trait Signer: Send + Sync {
    /// The signer's certificate, DER-encoded.
    fn certificate(&self) -> &[u8];

    /// Further certificates the key holder supplied (intermediates, perhaps the root), DER,
    /// in no particular order. Does not repeat [`Signer::certificate`].
    fn chain(&self) -> &[Vec<u8>];

    /// The kind and size of the key, from which the acceptable algorithms follow.
    fn key_kind(&self) -> KeyKind;

    /// Signs `message` (the whole to-be-signed bytes, not a digest) with `algorithm`.
    ///
    /// Returns the signature as it goes into a CMS `SignerInfo` or an XML `SignatureValue`
    /// source: PKCS#1 / PSS bytes for RSA, a DER `Ecdsa-Sig-Value` for ECDSA.
    fn sign(&self, algorithm: SignatureAlgorithm, message: &[u8]) -> Result<Vec<u8>, Error>;

    /// The default algorithm for this key: PKCS#1 v1.5 with SHA-256 for RSA, ECDSA with the
    /// hash matching the curve size.
    fn default_algorithm(&self) -> SignatureAlgorithm {
        self.key_kind().default_algorithm()
    }
}
