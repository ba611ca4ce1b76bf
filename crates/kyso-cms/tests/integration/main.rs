//! kyso-cms integration tests: one binary, grouped by theme.

// A test-time PKI and an OpenSSL-backed test signer.
mod pki;
// kyso signs, kyso parses and verifies; each acceptance has a rejection twin.
mod round_trip;
// Interop with the `openssl cms` command in both directions.
mod openssl_interop;
// Truncated, bit-flipped and otherwise hostile input never panics.
mod hostile_input;
// EdDSA SignedData assembled by hand (OpenSSL 3.0 cannot sign it).
mod ed25519;
// RFC 3161 against `openssl ts -reply`.
mod timestamp;
