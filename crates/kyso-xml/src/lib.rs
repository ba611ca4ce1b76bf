//! XML canonicalization and signatures for kyso: C14N, XMLDSig and XAdES signing and
//! verification, and edXML packages (QCVN 102:2016).
//!
//! Every document goes through [`parse::parse`], which refuses DOCTYPEs (so entities cannot
//! exist) and enforces the [`ParseLimits`]. Verification never fetches anything: only
//! same-document references are followed.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod c14n;
mod error;
pub mod parse;
mod uri;

pub use error::Error;
pub use parse::ParseLimits;
pub mod dsig;
pub mod edxml;
pub mod xpath;
