//! The verdict model shared by every kyso verifier (PDF, XML, edXML) and rendered by the CLI.
//!
//! Vocabulary from ETSI EN 319 102-1: an [`Indication`] with an optional [`SubIndication`].
//! The serialized form (serde, snake_case) is the JSON interface documented in the man page of
//! `kyso verify`; fields are only ever added, never renamed.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use serde::Serialize;

/// The main result of validating one signature (ETSI EN 319 102-1 §5.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Indication {
    /// Every check passed.
    Passed,
    /// A check failed for certain (broken integrity, bad signature, revoked before signing…).
    Failed,
    /// The checks could not conclude (unknown trust anchor, revocation unknown, unsupported…).
    Indeterminate,
}

/// Why a signature is not PASSED (ETSI EN 319 102-1 §5.1.3 sub-indications).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum SubIndication {
    /// FAILED: the signed data's digest does not match (integrity broken).
    HashFailure,
    /// FAILED: the signature value does not verify with the signer's public key.
    SigCryptoFailure,
    /// FAILED: the certificate was revoked before the signing time.
    Revoked,
    /// FAILED: the signature's format is not acceptable (e.g. changes after signing).
    FormatFailure,
    /// INDETERMINATE: no path to a trust anchor.
    NoCertificateChainFound,
    /// INDETERMINATE: the chain could not be validated (e.g. a CA certificate invalid).
    CertificateChainGeneralFailure,
    /// INDETERMINATE: the signer's certificate had expired at the validation time.
    OutOfBoundsNoPoe,
    /// INDETERMINATE: the certificate was not yet valid.
    NotYetValid,
    /// INDETERMINATE: revocation status unknown.
    TryLater,
    /// INDETERMINATE: revoked, but no proof of existence before the revocation.
    RevokedNoPoe,
    /// INDETERMINATE: an algorithm is unsupported or too weak under the policy.
    CryptoConstraintsFailure,
    /// INDETERMINATE: the signing certificate could not be found or identified.
    NoSigningCertificateFound,
    /// INDETERMINATE: a feature (transform, filter…) is not supported.
    SignedDataNotFound,
    /// INDETERMINATE: a policy constraint (key usage, extended key usage) failed.
    ChainConstraintsFailure,
}

/// The PAdES / XAdES baseline level a signature reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// Not a baseline signature (e.g. legacy PKCS#7 without the CAdES attributes).
    #[serde(rename = "none")]
    None,
    /// B-B: basic signature.
    #[serde(rename = "B-B")]
    BB,
    /// B-T: with a trusted timestamp.
    #[serde(rename = "B-T")]
    BT,
    /// B-LT: with long-term validation material.
    #[serde(rename = "B-LT")]
    BLt,
    /// B-LTA: with an archive timestamp over the validation material.
    #[serde(rename = "B-LTA")]
    BLta,
}

/// One human-readable reason, with a stable machine code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Stable identifier, e.g. `digest-mismatch`, `modified-after-signing`.
    pub code: String,
    /// English text, stable for scripts; the CLI's table reads its values back and renders
    /// the Vietnamese sentence of the same catalogue row.
    pub message: String,
}

/// Who holds a signer's certificate, judged from its subject (UID `MST:`/`MNS:` for agencies
/// and companies, `CMND:`/`CCCD:` for people, else the shape of the name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// A person (the leader who approves).
    Personal,
    /// An organization (the agency that issues).
    Organization,
}

/// What a signature covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// PDF: the signature covers the whole file.
    EntireFile,
    /// PDF: the signature covers a revision; later revisions hold only allowed changes.
    EntireRevision,
    /// PDF: later revisions hold changes that are not allowed.
    Partial,
    /// XML: the names of the nodes the references resolve to.
    Nodes(Vec<String>),
}

/// The verdict for one signature (or document timestamp).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignatureVerdict {
    /// PDF field name or XML Signature Id/XPath.
    pub id: String,
    /// `signature` or `document-timestamp`.
    pub kind: String,
    /// The main result.
    pub indication: Indication,
    /// Why it is not PASSED.
    pub sub_indication: Option<SubIndication>,
    /// Baseline level reached.
    pub level: Level,
    /// The signer's subject (RFC 4514 string).
    pub signer: Option<String>,
    /// The unit managing the certificate (O / OU).
    pub organization: Option<String>,
    /// Whether the certificate belongs to a person or an organization.
    pub holder: Option<Holder>,
    /// The issuing CA's subject.
    pub issuer: Option<String>,
    /// Certificate validity, RFC 3339.
    pub certificate_not_before: Option<String>,
    /// Certificate validity, RFC 3339.
    pub certificate_not_after: Option<String>,
    /// The time the signer claims (RFC 3339), unproven.
    pub signing_time: Option<String>,
    /// The time proven by a timestamp (RFC 3339).
    pub timestamp: Option<String>,
    /// SubFilter / signature method.
    pub format: String,
    /// What the signature covers.
    pub coverage: Coverage,
    /// Every reason that influenced the indication, most important first.
    pub reasons: Vec<Reason>,
}

/// The report for one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
    /// The path as given.
    pub file: String,
    /// `pdf`, `xml` or `edxml`.
    pub format: String,
    /// Every signature, in document order.
    pub signatures: Vec<SignatureVerdict>,
    /// A file-level error (unreadable, malformed); then `signatures` may be empty.
    pub error: Option<String>,
    /// Findings about the document as a whole (e.g. `--expect issued` not met); each one
    /// fails the file.
    pub problems: Vec<Reason>,
}

impl FileReport {
    /// The worst indication over the file's signatures; `None` for an unsigned file.
    pub fn worst(&self) -> Option<Indication> {
        let mut worst = None;
        for sig in &self.signatures {
            worst = Some(match (worst, sig.indication) {
                (_, Indication::Failed) | (Some(Indication::Failed), _) => Indication::Failed,
                (_, Indication::Indeterminate) | (Some(Indication::Indeterminate), _) => {
                    Indication::Indeterminate
                }
                _ => Indication::Passed,
            });
        }
        worst
    }
}
