//! Leaf purposes: time-stamping authorities (RFC 3161 §2.3) and document signers.

mod common;

use chrono::Utc;
use kyso_chain::{validate, ChainError, LeafProfile, RevocationSources, ValidationPolicy};

use common::pki;

fn check(leaf: &str, profile: LeafProfile) -> Result<(), ChainError> {
    let pki = pki();
    let mut policy = ValidationPolicy::new(pki.anchors(), Utc::now());
    policy.leaf_profile = profile;
    validate(
        &pki.cert(leaf),
        &pki.intermediates(),
        &policy,
        &RevocationSources::new(),
    )
    .map(|_| ())
}

#[test]
fn tsa_with_a_critical_sole_timestamping_eku_is_accepted() {
    assert_eq!(check("tsa", LeafProfile::TimeStampingAuthority), Ok(()));
}

#[test]
fn tsa_with_a_non_critical_timestamping_eku_is_rejected() {
    assert!(matches!(
        check("tsa-noncritical", LeafProfile::TimeStampingAuthority),
        Err(ChainError::EkuNotAllowed { .. })
    ));
}

#[test]
fn document_signer_certificate_is_not_a_tsa() {
    assert!(matches!(
        check("leaf", LeafProfile::TimeStampingAuthority),
        Err(ChainError::EkuNotAllowed { .. })
    ));
}

#[test]
fn document_signer_with_non_repudiation_is_accepted() {
    assert_eq!(check("leaf", LeafProfile::DocumentSigner), Ok(()));
}

#[test]
fn encipherment_only_key_cannot_sign_documents() {
    assert!(matches!(
        check("leaf-encipher", LeafProfile::DocumentSigner),
        Err(ChainError::MissingKeyUsage { .. })
    ));
    // Without the profile the same certificate validates: the rule is the profile's.
    assert_eq!(check("leaf-encipher", LeafProfile::Generic), Ok(()));
}
