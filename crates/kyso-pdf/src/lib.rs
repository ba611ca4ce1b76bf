//! PAdES for kyso: incremental signing, appearances, and verification with revision analysis.
//!
//! [`Document`] reads a PDF lazily from a byte slice (the CLI memory-maps the input);
//! [`sign::prepare`] builds the incremental update that adds a signature placeholder, and
//! [`sign::PreparedUpdate`] digests the signed byte ranges and embeds the CMS.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod appearance;
pub mod document;
mod error;
pub mod filter;
pub mod object;
mod parse;
pub mod sign;
pub mod verify;
pub mod writer;

pub use document::{Document, Page, XrefEntry, XrefKind, XrefSection};
pub use error::Error;
