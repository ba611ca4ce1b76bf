//! The error type of kyso-cms.

use der::asn1::ObjectIdentifier;

/// What went wrong while building, parsing or verifying CMS structures.
///
/// Parsing and verification errors name the check that failed so a verdict can report it;
/// none of them carries free text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not the DER structure expected at `offset` (bytes from the start of the
    /// input handed to the parser).
    #[error("malformed {what} at offset {offset}")]
    Malformed {
        /// The element being decoded.
        what: &'static str,
        /// Byte offset in the input.
        offset: usize,
    },
    /// An algorithm kyso does not implement (or refuses in this position).
    #[error("unsupported algorithm {oid}")]
    UnsupportedAlgorithm {
        /// The algorithm's identifier.
        oid: ObjectIdentifier,
    },
    /// The ContentInfo does not hold SignedData (or a TSTInfo was expected and not found).
    #[error("unexpected content type {oid}")]
    UnexpectedContentType {
        /// What was found.
        oid: ObjectIdentifier,
    },
    /// The signed message-digest attribute differs from the digest of the content.
    #[error("message digest does not match the signed content")]
    DigestMismatch,
    /// The signature value does not verify under the signer's public key.
    #[error("signature does not verify with the signer's key")]
    BadSignature,
    /// No certificate in the SignedData matches the SignerInfo's identifier.
    #[error("signer certificate not found among the embedded certificates")]
    SignerCertificateNotFound,
    /// The signer certificate could not be decoded or its key could not be used.
    #[error("signer certificate is unusable")]
    SignerCertificateUnusable,
    /// The signing-certificate(-v2) attribute names a different certificate.
    #[error("signing-certificate attribute does not match the signer certificate")]
    SigningCertificateMismatch,
    /// A required signed attribute is absent (RFC 5652 §5.3: content-type and message-digest
    /// whenever signed attributes are present).
    #[error("signed attribute {name} is missing")]
    MissingSignedAttribute {
        /// The attribute's name.
        name: &'static str,
    },
    /// A signed attribute occurs more than once or with several values (RFC 5652 §11).
    #[error("signed attribute {name} occurs more than once")]
    DuplicateSignedAttribute {
        /// The attribute's name.
        name: &'static str,
    },
    /// The content-type attribute differs from the encapsulated content type.
    #[error(
        "content-type attribute {attribute} differs from the encapsulated type {encapsulated}"
    )]
    ContentTypeMismatch {
        /// Value of the signed attribute.
        attribute: ObjectIdentifier,
        /// eContentType of the SignedData.
        encapsulated: ObjectIdentifier,
    },
    /// Without signed attributes the signature covers the content itself, which this
    /// algorithm cannot verify from a digest (pure EdDSA needs the whole message).
    #[error("the signature covers the content directly and needs the whole content")]
    ContentRequired,
    /// The caller's digest has the wrong length for the signer's digest algorithm.
    #[error("content digest has {actual} bytes, {expected} expected")]
    DigestLength {
        /// Output length of the signer's digest algorithm.
        expected: usize,
        /// Length of what the caller supplied.
        actual: usize,
    },
    /// There is no signer info at this index.
    #[error("no signer info at index {index}")]
    NoSuchSigner {
        /// The requested index.
        index: usize,
    },
    /// The signature algorithm requires another digest algorithm than the SignerInfo names
    /// (RFC 8419 §3: Ed25519 with SHA-512, Ed448 with SHAKE256).
    #[error("signature algorithm {signature} does not allow digest algorithm {digest}")]
    DigestNotAllowed {
        /// The signature algorithm.
        signature: ObjectIdentifier,
        /// The digest algorithm the SignerInfo names.
        digest: ObjectIdentifier,
    },
    /// The SignedData holds several signer infos where exactly one was required.
    #[error("expected exactly one signer info, found {count}")]
    SignerCount {
        /// How many there are.
        count: usize,
    },
    /// The signer's key cannot produce the requested signature algorithm.
    #[error("signing failed")]
    Signer(#[source] kyso_keys::Error),
    /// The signer certificate handed to the builder is not a decodable X.509 certificate.
    #[error("signer certificate is not a valid X.509 certificate")]
    BadSignerCertificate,
    /// A time cannot be represented in ASN.1 (before 1970 or after 9999).
    #[error("time out of the representable range")]
    TimeOutOfRange,
    /// A nonce or other random value could not be generated.
    #[error("random number generation failed")]
    Random(#[source] openssl::error::ErrorStack),
    /// The time-stamp token's message imprint does not match the stamped data.
    #[error("time-stamp imprint does not match the stamped data")]
    ImprintMismatch,
    /// The time-stamp response's nonce differs from the request's.
    #[error("time-stamp nonce does not match the request")]
    NonceMismatch,
    /// A time-stamp structure failed to decode (reported by the `der` crate).
    #[error("malformed {what}")]
    Der {
        /// The structure being decoded.
        what: &'static str,
        /// The decoder's account, with its position.
        source: der::Error,
    },
    /// The time-stamp authority refused the request.
    #[error("time-stamp request rejected with status {status}")]
    TimeStampRejected {
        /// PKIStatus (2 rejection, 3 waiting, 4 revocation warning, 5 revocation notification).
        status: u32,
        /// PKIFailureInfo bits, if the TSA sent them.
        failure_info: Option<u32>,
    },
}

impl Error {
    pub(crate) fn malformed(what: &'static str, offset: usize) -> Self {
        Self::Malformed { what, offset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_phrases_that_name_the_check() {
        let cases: [(Error, &str); 5] = [
            (
                Error::malformed("SignerInfo", 17),
                "malformed SignerInfo at offset 17",
            ),
            (
                Error::DigestMismatch,
                "message digest does not match the signed content",
            ),
            (
                Error::UnsupportedAlgorithm {
                    oid: crate::oids::SHA1,
                },
                "unsupported algorithm 1.3.14.3.2.26",
            ),
            (
                Error::MissingSignedAttribute {
                    name: "content-type",
                },
                "signed attribute content-type is missing",
            ),
            (
                Error::TimeStampRejected {
                    status: 2,
                    failure_info: None,
                },
                "time-stamp request rejected with status 2",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
        }
    }

    #[test]
    fn der_errors_are_a_source_not_repeated_in_the_message() {
        use std::error::Error as _;
        let source = der::Error::from(der::ErrorKind::Failed);
        let error = Error::Der {
            what: "TSTInfo",
            source,
        };
        assert_eq!(error.to_string(), "malformed TSTInfo");
        assert!(error.source().is_some());
    }
}
