//! Turns the key-source options into a `Signer` (placeholder, replaced by the keys owner).
