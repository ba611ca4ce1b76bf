//! The validation policy: everything that decides a verdict, passed explicitly.

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;

use crate::error::KeyUsageBit;
use crate::pool::CertPool;

/// What to do about revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RevocationMode {
    /// Do not check revocation.
    #[default]
    Off,
    /// Check; a certificate whose status cannot be established passes with a warning.
    SoftFail,
    /// Check; a certificate whose status cannot be established fails the chain.
    HardFail,
}

/// What to do with SHA-1 signatures on certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sha1Policy {
    /// Refuse them (new signatures).
    #[default]
    Reject,
    /// Accept them and report it in [`crate::ValidatedPath::warnings`] (old archives, the
    /// VGCA G1 hierarchy until 2030).
    Warn,
}

/// What the leaf certificate is for, beyond `required_ekus` and `required_key_usages`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LeafProfile {
    /// No rule beyond the explicit requirements.
    #[default]
    Generic,
    /// A document signer: keyUsage, when present, allows digitalSignature or
    /// nonRepudiation (contentCommitment).
    DocumentSigner,
    /// A time-stamping authority (RFC 3161 §2.3): an extendedKeyUsage extension, marked
    /// critical, with id-kp-timeStamping as its only purpose.
    TimeStampingAuthority,
}

/// Inputs of one validation.
///
/// Invariant: nothing here is read from the environment; two validations with equal
/// policies, pools and revocation sources give equal verdicts.
#[derive(Debug)]
pub struct ValidationPolicy {
    /// Trust anchors. Any certificate can be one; its own validity and extensions are not
    /// enforced, only its name, key and name constraints.
    pub anchors: CertPool,
    /// The time to validate at (seconds precision; fractions are floored).
    pub time: DateTime<Utc>,
    /// Revocation checking.
    pub revocation: RevocationMode,
    /// Acceptable extended key usages for the leaf: if non-empty, a leaf with an EKU
    /// extension must list at least one of them. A leaf without the extension passes.
    pub required_ekus: Vec<ObjectIdentifier>,
    /// Whether anyExtendedKeyUsage in the leaf satisfies `required_ekus`.
    pub any_eku_satisfies: bool,
    /// Key-usage bits the leaf must have (when it has a keyUsage extension, or always with
    /// `require_key_usage_extension`).
    pub required_key_usages: Vec<KeyUsageBit>,
    /// Whether any one of `required_key_usages` suffices (e.g. digitalSignature or
    /// nonRepudiation for document signers) instead of all of them.
    pub key_usage_any_of: bool,
    /// Rules for the leaf's purpose.
    pub leaf_profile: LeafProfile,
    /// Most intermediate CAs allowed between the leaf and the anchor.
    pub max_depth: usize,
    /// SHA-1 signatures on certificates.
    pub sha1: Sha1Policy,
    /// Smallest RSA modulus accepted, in bits.
    pub min_rsa_bits: u32,
}

impl ValidationPolicy {
    /// A policy with the given anchors at `time`: no revocation, no EKU or key-usage
    /// requirement, at most 8 intermediates, SHA-1 rejected, RSA ≥ 1024 bits.
    pub fn new(anchors: CertPool, time: DateTime<Utc>) -> ValidationPolicy {
        ValidationPolicy {
            anchors,
            time,
            revocation: RevocationMode::Off,
            required_ekus: Vec::new(),
            any_eku_satisfies: false,
            required_key_usages: Vec::new(),
            key_usage_any_of: false,
            leaf_profile: LeafProfile::Generic,
            max_depth: 8,
            sha1: Sha1Policy::Reject,
            min_rsa_bits: 1024,
        }
    }
}

/// Well-known extended key usages.
pub mod eku {
    use const_oid::ObjectIdentifier as O;
    /// id-kp-serverAuth.
    pub const SERVER_AUTH: O = O::new_unwrap("1.3.6.1.5.5.7.3.1");
    /// id-kp-clientAuth.
    pub const CLIENT_AUTH: O = O::new_unwrap("1.3.6.1.5.5.7.3.2");
    /// id-kp-emailProtection.
    pub const EMAIL_PROTECTION: O = O::new_unwrap("1.3.6.1.5.5.7.3.4");
    /// id-kp-timeStamping (a TSA certificate must carry it, critical, and only it).
    pub const TIME_STAMPING: O = O::new_unwrap("1.3.6.1.5.5.7.3.8");
    /// id-kp-OCSPSigning (delegated OCSP responders).
    pub const OCSP_SIGNING: O = O::new_unwrap("1.3.6.1.5.5.7.3.9");
    /// id-kp-documentSigning (RFC 9336).
    pub const DOCUMENT_SIGNING: O = O::new_unwrap("1.3.6.1.5.5.7.3.36");
    /// Microsoft document signing.
    pub const MS_DOCUMENT_SIGNING: O = O::new_unwrap("1.3.6.1.4.1.311.10.3.12");
    /// Adobe Authentic Documents Trust.
    pub const ADOBE_AUTHENTIC_DOCUMENTS: O = O::new_unwrap("1.2.840.113583.1.1.5");
}
