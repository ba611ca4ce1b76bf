//! kyso's integration tests: one binary, modules grouped by theme.

// Harness: temp dirs, the kyso command, skip-or-fail rules for corpora and tools.
mod util;
// Fixtures built at test time: the test PKI and SoftHSM tokens.
mod fixtures;
// The independent validators: pyHanko, pdfsig, qpdf.
mod peers;

// The CLI definition: clap's own consistency checks, house rules for help texts, man pages.
mod cli;
// Signing PDFs: the interop matrix, batches, safety rules.
mod sign;
// Signing roles (approve, issue, attach, copy), --anchor, named setups, Vietnamese output.
mod profiles;
// Time-stamps: RFC 3161 files, PAdES B-T, document time-stamps, LTV.
mod timestamp;
// Tokens: `kyso token list/certs` against a SoftHSM2 token.
mod token;
// Verifying PDFs: round trips, attacks, batches, the corpus.
mod verify;
// Chain validation (x509-limbo) and the pinned trust store.
mod chain;
// XML signatures through the binary: XAdES B-LT, detached signatures, edXML with zip archives.
mod xml;
