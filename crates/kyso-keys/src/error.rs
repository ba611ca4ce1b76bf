//! The error type of kyso-keys.

/// What went wrong while finding, unlocking or using a key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The algorithm does not fit the key (e.g. ECDSA with an RSA key).
    #[error("algorithm {algorithm:?} cannot be used with a {key:?} key")]
    AlgorithmMismatch {
        /// What was asked for.
        algorithm: crate::SignatureAlgorithm,
        /// What the key is.
        key: crate::KeyKind,
    },
}
