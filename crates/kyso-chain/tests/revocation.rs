//! Revocation against real responders on loopback: `openssl ocsp -port` for OCSP and a small
//! HTTP server thread for CRLs, plus supplied (embedded) responses and CRLs.
//! The PKI and the commands that build it are in `data/make-pki.sh`.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use kyso_chain::{
    validate, ChainError, EvidenceKind, Fetcher, RevocationMode, RevocationProblem,
    RevocationReason, RevocationSources, RevocationStatus, ValidationPolicy, Warning,
};

use common::{pki, Pki};

fn policy(pki: &Pki, mode: RevocationMode, at: DateTime<Utc>) -> ValidationPolicy {
    let mut policy = ValidationPolicy::new(pki.anchors(), at);
    policy.revocation = mode;
    policy
}

fn online() -> RevocationSources {
    let mut sources = RevocationSources::new();
    sources.set_online(Fetcher::new(
        Duration::from_secs(5),
        None,
        Duration::from_secs(0),
    ));
    sources
}

/// Supplied evidence: the given files (CRL `*.crl.der` or OCSP otherwise) and root.crl for
/// the intermediate.
fn supplied(pki: &Pki, files: &[&str]) -> RevocationSources {
    let mut sources = RevocationSources::new();
    sources.add_crl(pki.crl("root.crl.der"));
    for f in files {
        if f.ends_with(".crl.der") {
            sources.add_crl(pki.crl(f));
        } else {
            sources.add_ocsp(pki.ocsp(f));
        }
    }
    sources
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

#[test]
fn ocsp_good_from_loopback_responder_validates() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &online(),
    );
    let path = result.unwrap_or_else(|e| panic!("expected valid, got {e}"));
    assert!(
        matches!(
            path.revocation().first(),
            Some(RevocationStatus::Good {
                source: EvidenceKind::Ocsp,
                ..
            })
        ),
        "{:?}",
        path.revocation()
    );
    // The intermediate's status came from root.crl over HTTP.
    assert!(matches!(
        path.revocation().get(1),
        Some(RevocationStatus::Good {
            source: EvidenceKind::Crl,
            ..
        })
    ));
}

#[test]
fn ocsp_revoked_from_loopback_responder_fails() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &online(),
    );
    assert!(
        matches!(
            result,
            Err(ChainError::Revoked {
                reason: RevocationReason::KeyCompromise,
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn ocsp_revoked_after_the_validation_time_is_good_at_that_time() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now() - days(1)),
        &online(),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn ocsp_unknown_status_fails_in_hard_fail() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-unknown"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &online(),
    );
    match result {
        Err(ChainError::RevocationUnknown { why, .. }) => {
            assert_eq!(why, RevocationProblem::OcspUnknownCertificate)
        }
        other => panic!("expected unknown status, got {other:?}"),
    }
}

#[test]
fn ocsp_unknown_status_passes_with_a_warning_in_soft_fail() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-unknown"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::SoftFail, Utc::now()),
        &online(),
    );
    let path = result.unwrap_or_else(|e| panic!("expected soft-fail pass, got {e}"));
    assert!(path
        .warnings()
        .iter()
        .any(|w| matches!(w, Warning::RevocationUnknown { .. })));
}

#[test]
fn embedded_ocsp_good_response_validates_offline() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &supplied(pki, &["leaf.ocsp.der"]),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn embedded_ocsp_revoked_response_fails_offline() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &supplied(pki, &["leaf-revoked.ocsp.der"]),
    );
    assert!(
        matches!(result, Err(ChainError::Revoked { .. })),
        "{result:?}"
    );
}

#[test]
fn stale_ocsp_response_is_not_evidence() {
    let pki = pki();
    // Valid for one day; validated (with fresh CRLs out of the picture) 3 days later.
    let result = validate(
        &pki.cert("leaf"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now() + days(3)),
        &supplied(pki, &["leaf.stale-ocsp.der"]),
    );
    match result {
        Err(ChainError::RevocationUnknown { subject, why }) => {
            assert!(subject.contains("Nguyen Van leaf"), "{subject}");
            assert_eq!(why, RevocationProblem::OcspStale);
        }
        other => panic!("expected unknown status, got {other:?}"),
    }
}

#[test]
fn fresh_twin_of_the_stale_ocsp_response_is_evidence() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &supplied(pki, &["leaf.stale-ocsp.der"]),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn wrongly_signed_ocsp_response_is_rejected() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &supplied(pki, &["leaf.evil-ocsp.der"]),
    );
    assert!(
        matches!(result, Err(ChainError::RevocationUnknown { .. })),
        "{result:?}"
    );
}

#[test]
fn crl_over_http_good_validates() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-crl"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &online(),
    );
    let path = result.unwrap_or_else(|e| panic!("expected valid, got {e}"));
    assert!(matches!(
        path.revocation().first(),
        Some(RevocationStatus::Good {
            source: EvidenceKind::Crl,
            ..
        })
    ));
}

#[test]
fn crl_over_http_revoked_fails() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-crl-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &online(),
    );
    assert!(
        matches!(result, Err(ChainError::Revoked { .. })),
        "{result:?}"
    );
}

#[test]
fn crl_revoked_after_the_validation_time_is_good_at_that_time() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-crl-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now() - days(1)),
        &supplied(pki, &["inter.crl.der"]),
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn stale_crl_is_not_evidence() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-crl"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now() + days(30)),
        &supplied(pki, &["inter.crl.der"]),
    );
    assert!(
        matches!(result, Err(ChainError::RevocationUnknown { .. })),
        "{result:?}"
    );
}

#[test]
fn wrongly_signed_crl_is_rejected() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-crl"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &supplied(pki, &["evil.crl.der"]),
    );
    match result {
        Err(ChainError::RevocationUnknown { why, .. }) => {
            assert_eq!(why, RevocationProblem::CrlSignature)
        }
        other => panic!("expected unknown status, got {other:?}"),
    }
}

#[test]
fn silent_responder_fails_in_hard_fail() {
    let pki = pki();
    let mut sources = RevocationSources::new();
    sources.set_online(Fetcher::new(
        Duration::from_secs(2),
        None,
        Duration::from_secs(0),
    ));
    sources.add_crl(pki.crl("root.crl.der"));
    let result = validate(
        &pki.cert("leaf-offline"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &sources,
    );
    assert!(
        matches!(result, Err(ChainError::RevocationUnknown { .. })),
        "{result:?}"
    );
}

#[test]
fn silent_responder_passes_with_a_warning_in_soft_fail() {
    let pki = pki();
    let mut sources = RevocationSources::new();
    sources.set_online(Fetcher::new(
        Duration::from_secs(2),
        None,
        Duration::from_secs(0),
    ));
    sources.add_crl(pki.crl("root.crl.der"));
    let result = validate(
        &pki.cert("leaf-offline"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::SoftFail, Utc::now()),
        &sources,
    );
    let path = result.unwrap_or_else(|e| panic!("expected soft-fail pass, got {e}"));
    assert_eq!(path.warnings().len(), 1, "{:?}", path.warnings());
}

#[test]
fn revocation_off_ignores_a_revoked_certificate() {
    let pki = pki();
    let result = validate(
        &pki.cert("leaf-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::Off, Utc::now()),
        &supplied(pki, &["leaf-revoked.ocsp.der"]),
    );
    assert!(result.is_ok(), "{result:?}");
}

/// Builds a delta CRL by `inter` (number `number`, BaseCRLNumber `base`) listing `revoked`
/// (certificate, reason code). `openssl ca` cannot make delta CRLs, so the DER is assembled
/// with x509-cert's types and signed with the issuing CA's key through OpenSSL.
fn delta_crl(pki: &Pki, number: u8, base: u8, revoked: &[(&str, u8)]) -> kyso_chain::Crl {
    use der::asn1::{OctetString, UtcTime};
    use der::{Decode, Encode};
    use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
    use x509_cert::ext::Extension;
    use x509_cert::time::Time;

    let inter = pki.cert("inter");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let time = |offset: u64| {
        Time::UtcTime(
            UtcTime::from_unix_duration(Duration::from_secs(now.as_secs() - 3600 + offset))
                .unwrap_or_else(|e| panic!("time: {e}")),
        )
    };
    let integer_ext = |oid: &str, critical: bool, n: u8| Extension {
        extn_id: der::asn1::ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: OctetString::new(vec![0x02, 0x01, n]).unwrap_or_else(|e| panic!("{e}")),
    };
    // inter's key is ECDSA P-256 (its own certificate is signed by the RSA root).
    let alg = spki::AlgorithmIdentifierOwned {
        oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"),
        parameters: None,
    };
    let entries: Vec<RevokedCert> = revoked
        .iter()
        .map(|(name, reason)| RevokedCert {
            serial_number: pki.cert(name).x509().tbs_certificate.serial_number.clone(),
            revocation_date: time(0),
            crl_entry_extensions: Some(vec![Extension {
                extn_id: der::asn1::ObjectIdentifier::new_unwrap("2.5.29.21"),
                critical: false,
                extn_value: OctetString::new(vec![0x0A, 0x01, *reason])
                    .unwrap_or_else(|e| panic!("{e}")),
            }]),
        })
        .collect();
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: alg.clone(),
        issuer: inter.x509().tbs_certificate.subject.clone(),
        this_update: time(0),
        next_update: Some(time(7 * 24 * 3600)),
        revoked_certificates: (!entries.is_empty()).then_some(entries),
        crl_extensions: Some(vec![
            integer_ext("2.5.29.20", false, number),
            integer_ext("2.5.29.27", true, base),
        ]),
    };
    let tbs_der = tbs.to_der().unwrap_or_else(|e| panic!("{e}"));
    let key_pem = std::fs::read(pki.path("inter.key")).unwrap_or_default();
    let key = openssl::pkey::PKey::private_key_from_pem(&key_pem).unwrap_or_else(|e| panic!("{e}"));
    let mut signer = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key)
        .unwrap_or_else(|e| panic!("{e}"));
    let signature = signer
        .sign_oneshot_to_vec(&tbs_der)
        .unwrap_or_else(|e| panic!("{e}"));
    let list = CertificateList {
        tbs_cert_list: TbsCertList::from_der(&tbs_der).unwrap_or_else(|e| panic!("{e}")),
        signature_algorithm: alg,
        signature: der::asn1::BitString::from_bytes(&signature).unwrap_or_else(|e| panic!("{e}")),
    };
    let der = list.to_der().unwrap_or_else(|e| panic!("{e}"));
    kyso_chain::Crl::from_der(&der).unwrap_or_else(|e| panic!("delta CRL: {e}"))
}

#[test]
fn delta_crl_revoking_a_certificate_overrides_the_full_crl() {
    let pki = pki();
    let mut sources = supplied(pki, &["inter.crl.der"]);
    sources.add_crl(delta_crl(pki, 2, 1, &[("leaf-crl", 1)]));
    let result = validate(
        &pki.cert("leaf-crl"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &sources,
    );
    assert!(
        matches!(
            result,
            Err(ChainError::Revoked {
                reason: RevocationReason::KeyCompromise,
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn delta_crl_based_on_a_later_full_crl_is_ignored() {
    let pki = pki();
    let mut sources = supplied(pki, &["inter.crl.der"]);
    // BaseCRLNumber 5 > the full CRL's number 1: the delta does not complete it.
    sources.add_crl(delta_crl(pki, 6, 5, &[("leaf-crl", 1)]));
    let result = validate(
        &pki.cert("leaf-crl"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &sources,
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn delta_crl_remove_from_crl_releases_a_listed_certificate() {
    let pki = pki();
    let mut sources = supplied(pki, &["inter.crl.der"]);
    sources.add_crl(delta_crl(pki, 2, 1, &[("leaf-crl-revoked", 8)]));
    let result = validate(
        &pki.cert("leaf-crl-revoked"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &sources,
    );
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn delta_crl_alone_is_not_evidence() {
    let pki = pki();
    let mut sources = supplied(pki, &[]);
    sources.add_crl(delta_crl(pki, 2, 1, &[]));
    let result = validate(
        &pki.cert("leaf-crl"),
        &pki.intermediates(),
        &policy(pki, RevocationMode::HardFail, Utc::now()),
        &sources,
    );
    assert!(
        matches!(result, Err(ChainError::RevocationUnknown { .. })),
        "{result:?}"
    );
}
