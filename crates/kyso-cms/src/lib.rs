//! CMS SignedData for kyso: building detached signatures with an external signer, and
//! parsing and verifying the signatures found in documents.
//!
//! - [`sign_detached`] / [`SignerContext`] build a `ContentInfo(SignedData)` for a PDF
//!   signature (PAdES B-B or `adbe.pkcs7.detached`) around a [`kyso_keys::Signer`], which may be
//!   a token key that never leaves its device. [`estimated_len`] sizes the /Contents
//!   placeholder and [`add_unsigned_attribute`] adds a signature time-stamp afterwards.
//! - [`parse`] reads SignedData from untrusted bytes without panicking and without
//!   re-encoding anything; [`verify_signer`] checks one signer's message digest, signed
//!   attributes and signature and returns a [`VerifiedSigner`] proof. Whether the certificate
//!   is trustworthy is kyso-chain's question, not this crate's.
//!
//! ```no_run
//! # fn demo(signer: &dyn kyso_keys::Signer, pdf_ranges: &[&[u8]]) -> Result<(), kyso_cms::Error> {
//! use kyso_cms::{DigestAlgorithm, Profile, SignOptions};
//! let options = SignOptions::new(signer.default_algorithm(), Profile::Cades);
//! let mut hasher = DigestAlgorithm::from(options.algorithm.hash()).hasher();
//! for range in pdf_ranges {
//!     hasher.update(range);
//! }
//! let cms = kyso_cms::sign_detached(signer, &hasher.finalize(), &options)?;
//! assert!(cms.len() <= kyso_cms::estimated_len(signer, &options));
//!
//! let info = kyso_cms::parse(&cms)?;
//! let signer_info = &info.signer_infos[0];
//! let mut hasher = signer_info.digest_algorithm()?.hasher();
//! for range in pdf_ranges {
//!     hasher.update(range);
//! }
//! let verified = kyso_cms::verify_signer(&info, 0, &hasher.finalize())?;
//! assert!(!verified.uses_sha1());
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

mod algorithm;
mod ber;
mod certificate;
mod der_reader;
mod der_writer;
mod digest;
mod error;
pub mod oids;
mod parse;
mod sign;
mod time;
pub mod tsa;
pub mod tsp;
mod verify;

pub use algorithm::SignatureScheme;
pub use ber::ber_to_der;
pub use digest::{ContentHasher, DigestAlgorithm, Shake256Hasher};
pub use error::Error;
pub use parse::{
    parse, strip_zero_padding, AdobeRevocationInfo, Attribute, EssCertId, IssuerSerial,
    OtherRevocationInfo, SignedAttributes, SignedDataInfo, SignerIdentifier, SignerInfo,
};
pub use sign::{
    add_unsigned_attribute, estimated_len, sign_detached, Profile, SignOptions, SignerContext,
};
pub use verify::{verify_signer, verify_signer_content, VerifiedSigner};
