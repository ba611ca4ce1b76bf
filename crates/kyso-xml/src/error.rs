//! The crate's error type.
//!
//! Errors about hostile or malformed input carry the facts a report needs; none of them is a
//! catch-all string.

use thiserror::Error;

/// Everything that can go wrong while parsing, canonicalizing, signing or verifying.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is larger than [`crate::ParseLimits::max_bytes`].
    #[error("document is {size} bytes, above the limit of {limit}")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The input is not UTF-8 (kyso reads UTF-8 XML only).
    #[error("document is not UTF-8 at byte {valid_up_to}")]
    NotUtf8 {
        /// Length of the valid prefix.
        valid_up_to: usize,
    },
    /// The document has a DOCTYPE (refused: entities and DTDs are attack surface).
    #[error("document type declarations (DOCTYPE) are refused")]
    DoctypeRefused,
    /// The document is not well-formed XML.
    #[error("malformed XML: {0}")]
    Malformed(#[from] roxmltree::Error),
    /// Elements nest deeper than [`crate::ParseLimits::max_depth`].
    #[error("elements nest deeper than {limit}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// An attribute value is longer than [`crate::ParseLimits::max_attribute_len`].
    #[error("attribute {name} is {len} bytes, above the limit of {limit}")]
    AttributeTooLong {
        /// The attribute's qualified name.
        name: String,
        /// Its length.
        len: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The same ID value is carried by two elements (a signature-wrapping pattern).
    #[error("ID value {id:?} occurs on more than one element")]
    DuplicateId {
        /// The duplicated value.
        id: String,
    },
    /// A required element is missing.
    #[error("missing element {element} in {parent}")]
    MissingElement {
        /// The local name looked for.
        element: &'static str,
        /// Where it was looked for.
        parent: &'static str,
    },
    /// A required attribute is missing.
    #[error("missing attribute {attribute} on {element}")]
    MissingAttribute {
        /// The attribute name.
        attribute: &'static str,
        /// The element.
        element: &'static str,
    },
    /// A base64 value does not decode.
    #[error("invalid base64 in {element}")]
    Base64 {
        /// Where the value sits.
        element: &'static str,
    },
    /// An algorithm, transform or reference form kyso does not implement.
    #[error("unsupported: {feature} ({uri})")]
    Unsupported {
        /// Short name of the feature (e.g. `XSLT`, `XPath`, `DSA`).
        feature: &'static str,
        /// The URI or expression that named it.
        uri: String,
    },
    /// A reference URI does not resolve to exactly one node.
    #[error("reference {uri:?} resolves to {count} nodes")]
    UnresolvedReference {
        /// The URI.
        uri: String,
        /// How many nodes carry that ID (0 or more than 1).
        count: usize,
    },
    /// The signer's certificate or key could not be read.
    #[error("invalid certificate or key: {0}")]
    Crypto(#[from] openssl::error::ErrorStack),
    /// A signature value has the wrong shape (e.g. an ECDSA value of odd length).
    #[error("malformed signature value: {reason}")]
    BadSignatureValue {
        /// What is wrong.
        reason: &'static str,
    },
    /// The signing key failed.
    #[error("signing failed: {0}")]
    Signer(#[from] kyso_keys::Error),
    /// The signer's certificate cannot be used.
    #[error("unusable certificate: {reason}")]
    BadCertificate {
        /// What is wrong.
        reason: &'static str,
    },
    /// A reference to data outside the document could not be resolved (a missing file,
    /// a network URI that is not fetched).
    #[error("reference {uri:?} is not available: {reason}")]
    ExternalUnavailable {
        /// The URI as written.
        uri: String,
        /// Why.
        reason: String,
    },
    /// The place where a signature should go does not exist.
    #[error("no element matches the signature parent {0:?}")]
    NoSuchParent(String),
}
