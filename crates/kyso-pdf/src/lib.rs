//! PAdES for kyso: incremental signing, appearances, and verification with revision analysis.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod appearance;
pub mod object;
pub mod writer;
