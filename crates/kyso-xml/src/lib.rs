//! XML canonicalization and signatures for kyso: C14N, XMLDSig and XAdES signing and
//! verification, and edXML packages (QCVN 102:2016).
//!
//! Every document goes through [`parse::parse`], which refuses DOCTYPEs (so entities cannot
//! exist) and enforces the [`ParseLimits`]. Verification never fetches anything: only
//! same-document references and caller-supplied detached content are followed. Certificate
//! chains and timestamps are checked through caller-supplied traits
//! ([`dsig::ChainValidator`], [`dsig::TimestampValidator`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod c14n;
pub mod dsig;
pub mod edxml;
mod error;
pub mod parse;
mod uri;
pub mod xpath;

pub use error::Error;
pub use parse::ParseLimits;
