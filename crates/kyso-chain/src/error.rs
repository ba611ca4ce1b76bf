//! Typed errors: why a certificate, CRL or OCSP response could not be read, and why a chain is
//! not valid.

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;

/// Why a certificate, CRL or OCSP response could not be decoded.
///
/// Carries only `Copy` data and static names: building it on hostile input allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The DER (or the PEM around it) is malformed.
    #[error("malformed {what}: {kind}")]
    Der {
        /// What was being decoded.
        what: &'static str,
        /// What the DER decoder reported.
        kind: der::ErrorKind,
    },
    /// No PEM block or DER object was found in the input.
    #[error("no {what} found in the input")]
    Empty {
        /// What was looked for.
        what: &'static str,
    },
    /// An extension appears twice in one certificate or CRL.
    #[error("extension {oid} appears more than once")]
    DuplicateExtension {
        /// The repeated extension.
        oid: ObjectIdentifier,
    },
    /// A known extension does not decode, or breaks a rule of its RFC 5280 profile.
    #[error("extension {oid} is malformed")]
    BadExtension {
        /// The malformed extension.
        oid: ObjectIdentifier,
    },
    /// The certificate's names break the RFC 5280 profile (e.g. an empty issuer).
    #[error("certificate names are malformed: {0}")]
    BadName(&'static str),
    /// The outer and inner signature algorithm identifiers differ.
    #[error("the signature algorithm in the signed part differs from the outer one")]
    SignatureAlgorithmMismatch,
    /// The object is larger than kyso accepts.
    #[error("{what} is larger than {limit} bytes")]
    TooLarge {
        /// What was being decoded.
        what: &'static str,
        /// The cap.
        limit: usize,
    },
    /// The OCSP responder did not return a successful response.
    #[error("OCSP response status is not successful ({0})")]
    OcspStatus(u8),
    /// The OCSP response is not of the basic type.
    #[error("OCSP response is not id-pkix-ocsp-basic")]
    OcspNotBasic,
}

impl ParseError {
    pub(crate) fn der(what: &'static str) -> impl Fn(der::Error) -> ParseError {
        move |e| ParseError::Der {
            what,
            kind: e.kind(),
        }
    }
}

/// A key-usage bit, as named in RFC 5280 §4.2.1.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum KeyUsageBit {
    DigitalSignature,
    ContentCommitment,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    CrlSign,
    EncipherOnly,
    DecipherOnly,
}

impl KeyUsageBit {
    /// Every bit, in RFC order.
    pub const ALL: [KeyUsageBit; 9] = [
        KeyUsageBit::DigitalSignature,
        KeyUsageBit::ContentCommitment,
        KeyUsageBit::KeyEncipherment,
        KeyUsageBit::DataEncipherment,
        KeyUsageBit::KeyAgreement,
        KeyUsageBit::KeyCertSign,
        KeyUsageBit::CrlSign,
        KeyUsageBit::EncipherOnly,
        KeyUsageBit::DecipherOnly,
    ];

    /// The RFC 5280 name, e.g. `digitalSignature`.
    pub fn name(self) -> &'static str {
        match self {
            KeyUsageBit::DigitalSignature => "digitalSignature",
            KeyUsageBit::ContentCommitment => "contentCommitment",
            KeyUsageBit::KeyEncipherment => "keyEncipherment",
            KeyUsageBit::DataEncipherment => "dataEncipherment",
            KeyUsageBit::KeyAgreement => "keyAgreement",
            KeyUsageBit::KeyCertSign => "keyCertSign",
            KeyUsageBit::CrlSign => "cRLSign",
            KeyUsageBit::EncipherOnly => "encipherOnly",
            KeyUsageBit::DecipherOnly => "decipherOnly",
        }
    }

    /// Parses an RFC 5280 name (case-insensitive; `nonRepudiation` is an alias of
    /// `contentCommitment`).
    pub fn from_name(name: &str) -> Option<KeyUsageBit> {
        if name.eq_ignore_ascii_case("nonRepudiation") {
            return Some(KeyUsageBit::ContentCommitment);
        }
        KeyUsageBit::ALL
            .into_iter()
            .find(|bit| bit.name().eq_ignore_ascii_case(name))
    }

    /// The bit's position in the KeyUsage BIT STRING (0 = digitalSignature).
    pub(crate) fn position(self) -> u16 {
        match self {
            KeyUsageBit::DigitalSignature => 0,
            KeyUsageBit::ContentCommitment => 1,
            KeyUsageBit::KeyEncipherment => 2,
            KeyUsageBit::DataEncipherment => 3,
            KeyUsageBit::KeyAgreement => 4,
            KeyUsageBit::KeyCertSign => 5,
            KeyUsageBit::CrlSign => 6,
            KeyUsageBit::EncipherOnly => 7,
            KeyUsageBit::DecipherOnly => 8,
        }
    }
}

/// The reason code of a revocation (RFC 5280 §5.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
}

impl RevocationReason {
    pub(crate) fn from_code(code: u32) -> RevocationReason {
        match code {
            1 => RevocationReason::KeyCompromise,
            2 => RevocationReason::CaCompromise,
            3 => RevocationReason::AffiliationChanged,
            4 => RevocationReason::Superseded,
            5 => RevocationReason::CessationOfOperation,
            6 => RevocationReason::CertificateHold,
            8 => RevocationReason::RemoveFromCrl,
            9 => RevocationReason::PrivilegeWithdrawn,
            10 => RevocationReason::AaCompromise,
            _ => RevocationReason::Unspecified,
        }
    }
}

/// Why no revocation status could be established for a certificate (the most specific
/// problem met among the evidence tried).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RevocationProblem {
    /// No CRL or OCSP response speaks about the certificate.
    #[error("no CRL or OCSP response covers the certificate")]
    NoEvidence,
    /// A CRL's signature does not verify with the issuer's key.
    #[error("the CRL's signature does not verify with the issuer's key")]
    CrlSignature,
    /// The issuer's key usage does not allow cRLSign.
    #[error("the CRL issuer's key usage does not allow cRLSign")]
    CrlIssuerNotAllowed,
    /// The CRL has a critical extension kyso does not process.
    #[error("the CRL has an unknown critical extension")]
    CrlUnknownCriticalExtension,
    /// The CRL's nextUpdate is before the validation time.
    #[error("the CRL is stale (nextUpdate before the validation time)")]
    CrlStale,
    /// The CRL was issued after the certificate expired (it may have been dropped from it).
    #[error("the CRL was issued after the certificate expired")]
    CrlAfterExpiry,
    /// The OCSP response's validity ended before the validation time.
    #[error("the OCSP response is stale")]
    OcspStale,
    /// The OCSP responder answered "unknown".
    #[error("the OCSP responder does not know the certificate")]
    OcspUnknownCertificate,
    /// The OCSP response's signature does not verify.
    #[error("the OCSP response's signature does not verify")]
    OcspSignature,
    /// The OCSP response is signed by neither the CA nor a responder it delegated to.
    #[error("the OCSP responder is not authorised by the issuing CA")]
    OcspUnauthorisedResponder,
    /// The OCSP responder could not be reached or answered with an error.
    #[error("the OCSP responder did not answer")]
    OcspUnreachable,
    /// A fetched OCSP response does not decode or is about another certificate.
    #[error("the OCSP responder sent an unusable response")]
    OcspUnusable,
    /// The CRL distribution point could not be reached.
    #[error("the CRL distribution point did not answer")]
    CrlUnreachable,
    /// A fetched CRL does not decode or does not cover the certificate.
    #[error("the fetched CRL is malformed or does not cover the certificate")]
    CrlUnusable,
}

/// Why a chain is not valid. Every variant names the condition and carries what a report
/// needs; `subject` is the one-line subject of the certificate at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// A certificate could not be decoded.
    #[error("malformed certificate: {0}")]
    Malformed(#[from] ParseError),
    /// No path from the certificate to a trust anchor could be built.
    #[error("no trusted issuer found for {subject}")]
    UnknownIssuer {
        /// The certificate whose issuer is missing.
        subject: String,
    },
    /// A certificate had expired at the validation time.
    #[error("certificate {subject} expired at {not_after} (validated at {at})")]
    Expired {
        /// The expired certificate.
        subject: String,
        /// The validation time.
        at: DateTime<Utc>,
        /// Its notAfter.
        not_after: DateTime<Utc>,
    },
    /// A certificate was not yet valid at the validation time.
    #[error("certificate {subject} is not valid before {not_before} (validated at {at})")]
    NotYetValid {
        /// The certificate.
        subject: String,
        /// The validation time.
        at: DateTime<Utc>,
        /// Its notBefore.
        not_before: DateTime<Utc>,
    },
    /// A signature on a certificate does not verify with its issuer's key.
    #[error("bad signature on {subject}")]
    BadSignature {
        /// The certificate.
        subject: String,
    },
    /// A signature or key algorithm is unknown or refused by the policy.
    #[error("unsupported or refused algorithm {oid} in {subject}")]
    UnsupportedAlgorithm {
        /// The certificate.
        subject: String,
        /// The algorithm.
        oid: ObjectIdentifier,
    },
    /// A key is too weak for the policy (e.g. RSA below the minimum size).
    #[error("key of {subject} is too weak ({bits} bits)")]
    WeakKey {
        /// The certificate.
        subject: String,
        /// The key size.
        bits: u32,
    },
    /// A SHA-1 signature was found and the policy rejects it.
    #[error("SHA-1 signature on {subject} refused by policy")]
    Sha1Rejected {
        /// The certificate.
        subject: String,
    },
    /// An issuing certificate is not a CA (no basicConstraints cA=TRUE).
    #[error("issuer {subject} is not a CA certificate")]
    NotACa {
        /// The certificate.
        subject: String,
    },
    /// A pathLenConstraint was exceeded.
    #[error("path length constraint of {subject} exceeded")]
    PathLenExceeded {
        /// The certificate whose constraint is exceeded.
        subject: String,
    },
    /// The path has more intermediates than the policy allows.
    #[error("path longer than the allowed {max_depth} intermediates")]
    MaxDepthExceeded {
        /// The policy's limit.
        max_depth: usize,
    },
    /// A required key-usage bit is missing.
    #[error("certificate {subject} lacks key usage {usage}", usage = usage.name())]
    MissingKeyUsage {
        /// The certificate.
        subject: String,
        /// The missing bit.
        usage: KeyUsageBit,
    },
    /// The leaf's extended key usage allows none of the required purposes.
    #[error("extended key usage of {subject} allows none of {required:?}")]
    EkuNotAllowed {
        /// The certificate.
        subject: String,
        /// The acceptable purposes.
        required: Vec<ObjectIdentifier>,
    },
    /// A name in a certificate is outside the name constraints of a CA above it.
    #[error("name {name} of {subject} violates name constraints")]
    NameConstraintViolation {
        /// The certificate.
        subject: String,
        /// The offending name.
        name: String,
    },
    /// A certificate carries a critical extension kyso does not process.
    #[error("unknown critical extension {oid} in {subject}")]
    UnknownCriticalExtension {
        /// The certificate.
        subject: String,
        /// The extension.
        oid: ObjectIdentifier,
    },
    /// Certificate policy processing ended with no acceptable policy.
    #[error("no acceptable certificate policy for {subject}")]
    PolicyViolation {
        /// The certificate at which the policy tree became empty.
        subject: String,
    },
    /// A certificate was revoked at or before the validation time.
    #[error("certificate {subject} was revoked at {at} ({reason:?})")]
    Revoked {
        /// The certificate.
        subject: String,
        /// When it was revoked.
        at: DateTime<Utc>,
        /// Why.
        reason: RevocationReason,
    },
    /// The revocation status of a certificate could not be established and the policy
    /// requires it.
    #[error("revocation status of {subject} unknown: {why}")]
    RevocationUnknown {
        /// The certificate.
        subject: String,
        /// Why no status was found.
        why: RevocationProblem,
    },
    /// Path building or name-constraint checking ran out of its work budget (hostile input).
    #[error("path building gave up: too much work")]
    BudgetExceeded,
}

impl ChainError {
    /// A short stable code for machine output, e.g. `expired`.
    pub fn code(&self) -> &'static str {
        match self {
            ChainError::Malformed(_) => "malformed",
            ChainError::UnknownIssuer { .. } => "unknown-issuer",
            ChainError::Expired { .. } => "expired",
            ChainError::NotYetValid { .. } => "not-yet-valid",
            ChainError::BadSignature { .. } => "bad-signature",
            ChainError::UnsupportedAlgorithm { .. } => "unsupported-algorithm",
            ChainError::WeakKey { .. } => "weak-key",
            ChainError::Sha1Rejected { .. } => "sha1-rejected",
            ChainError::NotACa { .. } => "not-a-ca",
            ChainError::PathLenExceeded { .. } => "path-len-exceeded",
            ChainError::MaxDepthExceeded { .. } => "max-depth-exceeded",
            ChainError::MissingKeyUsage { .. } => "missing-key-usage",
            ChainError::EkuNotAllowed { .. } => "eku-not-allowed",
            ChainError::NameConstraintViolation { .. } => "name-constraint-violation",
            ChainError::UnknownCriticalExtension { .. } => "unknown-critical-extension",
            ChainError::PolicyViolation { .. } => "policy-violation",
            ChainError::Revoked { .. } => "revoked",
            ChainError::RevocationUnknown { .. } => "revocation-unknown",
            ChainError::BudgetExceeded => "budget-exceeded",
        }
    }

    /// Whether the failure is indeterminate (ETSI sense: more evidence could change it)
    /// rather than a definite failure.
    pub fn is_indeterminate(&self) -> bool {
        matches!(
            self,
            ChainError::UnknownIssuer { .. } | ChainError::RevocationUnknown { .. }
        )
    }
}
