//! kyso-chain: certificate path building and validation (RFC 5280 §6) at a chosen time, with
//! revocation from CRLs and OCSP responses (RFC 6960), and the pinned trust manifest.
//!
//! The crate reads no environment and prints nothing: the caller passes a
//! [`ValidationPolicy`] (anchors, time, revocation mode, usages, depth, SHA-1 rule), a
//! [`CertPool`] of candidate intermediates and [`RevocationSources`], and gets a
//! [`ValidatedPath`] or a typed [`ChainError`].
//!
//! ```no_run
//! use kyso_chain::{validate, Certificate, CertPool, RevocationSources, ValidationPolicy};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let root = Certificate::all_from_pem_or_der(&std::fs::read("root.pem")?)?;
//! let leaf = Certificate::all_from_pem_or_der(&std::fs::read("signer.pem")?)?;
//! let policy = ValidationPolicy::new(CertPool::from_certs(root), chrono::Utc::now());
//! let pool = CertPool::new();
//! if let Some(leaf) = leaf.first() {
//!     let path = validate(leaf, &pool, &policy, &RevocationSources::new())?;
//!     println!("{} certificates", path.certificates().len());
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cert;
mod constraints;
mod crl;
mod error;
pub mod fetch;
mod name;
mod ocsp;
mod path;
mod pem;
mod pkcs7;
mod policy;
mod policy_tree;
mod pool;
mod revocation;
mod signature;
pub mod trust;

pub use cert::{Certificate, MAX_CERTIFICATE_SIZE};
pub use const_oid::ObjectIdentifier;
pub use crl::{Crl, MAX_CRL_SIZE};
pub use error::{ChainError, KeyUsageBit, ParseError, RevocationProblem, RevocationReason};
pub use fetch::{FetchError, Fetcher};
pub use ocsp::{request_der as ocsp_request_der, OcspResponseData, MAX_OCSP_SIZE};
pub use path::{validate, ValidatedPath, Warning};
pub use pkcs7::certificates as pkcs7_certificates;
pub use policy::{eku, LeafProfile, RevocationMode, Sha1Policy, ValidationPolicy};
pub use pool::CertPool;
pub use revocation::{EvidenceKind, RevocationSources, RevocationStatus, OCSP_MAX_AGE_SECS};
pub use signature::SignatureCache;
