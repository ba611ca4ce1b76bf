//! XML canonicalization and signatures for kyso: C14N, XMLDSig and XAdES signing and
//! verification, and edXML packages (QCVN 102:2016).
//!
//! Every document goes through [`parse::parse`], which refuses DOCTYPEs (so entities cannot
//! exist) and enforces the [`ParseLimits`]. Verification never fetches anything: only
//! same-document references are followed, and external ones through the caller's
//! [`dsig::ExternalResolver`] (the CLI: files relative to a detached signature). Certificate
//! chains, embedded XAdES validation data (B-LT) and timestamps are checked through
//! caller-supplied traits ([`dsig::ChainValidator`], [`dsig::TimestampValidator`]). Zip
//! archives carried by edXML packages are opened in memory within hard limits
//! ([`archive`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod archive;
pub mod c14n;
pub mod dsig;
pub mod edxml;
mod error;
pub mod parse;
mod uri;
pub mod xpath;

pub use error::Error;
pub use parse::ParseLimits;
