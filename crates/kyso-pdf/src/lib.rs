//! PAdES for kyso: incremental signing, appearances, and verification with revision analysis.
//!
//! [`Document`] reads a PDF lazily from a byte slice (the CLI memory-maps the input);
//! [`sign::prepare`] builds the incremental update that adds a signature placeholder, and
//! [`sign::PreparedUpdate`] digests the signed byte ranges and embeds the CMS.
//!
//! ```no_run
//! use kyso_keys::HashAlgorithm;
//! use kyso_pdf::sign::{prepare, SignatureRequest};
//! use kyso_pdf::Document;
//!
//! # fn cms_for(_digest: &[u8]) -> Vec<u8> { Vec::new() }
//! let input = std::fs::read("in.pdf")?;
//! let doc = Document::open(&input)?;
//! let mut update = prepare(&doc, &SignatureRequest::new(8192))?;
//! let digest = update.digest(&input, HashAlgorithm::Sha256)?;
//! update.embed(&cms_for(&digest))?;
//! let mut output = input.clone();
//! output.extend_from_slice(update.bytes()); // the input is a byte prefix of the output
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each revision of a document is itself a PDF: `Document::open(&data[..end])` for an `end`
//! from [`Document::revisions`] reads the document as it was when that revision was saved.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod appearance;
pub mod document;
pub mod dss;
mod error;
pub mod filter;
pub mod object;
mod parse;
pub mod sign;
pub mod text;
pub mod verify;
pub mod writer;

pub use document::{Document, Page, XrefEntry, XrefKind, XrefSection};
pub use error::Error;
