//! The synthetic edXML packages of `shared/corpora/edxml/`, verified as their README says.

mod corpus;

use corpus::chain::TestTrust;
use corpus::{corpus_dir, manifest_rows};
use kyso_verdict::Indication;
use kyso_xml::dsig::{ValidationTime, VerifyOptions};
use kyso_xml::edxml::verify_package;
use kyso_xml::ParseLimits;
use std::time::SystemTime;

fn verify(file: &str) -> Option<kyso_xml::edxml::EdxmlPackage> {
    let dir = corpus_dir("edxml")?;
    let xml_dir = dir.join("../xml");
    let row = manifest_rows(&dir)
        .into_iter()
        .find(|r| r.file == format!("synthetic/{file}"))
        .expect("row in manifest");
    let keys = if row.keys == "-" {
        String::new()
    } else {
        row.keys.clone()
    };
    // Paths in the edXML manifest are relative to the corpora folder ("xml/dsig/…").
    let keys = keys.replace("=xml/", "=");
    let trust = TestTrust::from_keys(&xml_dir, &keys);
    let pool = trust.pool();
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        validation_time: ValidationTime::Fixed(SystemTime::now()),
        chain_validator: &trust,
        certificate_pool: &pool,
        accept_misspelled_exc_c14n: false,
        detached: None,
        external: None,
        timestamp_validator: None,
    };
    let bytes = std::fs::read(dir.join(&row.file)).expect("readable");
    Some(verify_package(&bytes, &options).expect("package parses"))
}

fn indications(p: &kyso_xml::edxml::EdxmlPackage) -> Vec<Indication> {
    p.signatures.iter().map(|s| s.verdict.indication).collect()
}

#[test]
fn modern_profile_package_verifies_and_covers_the_attachments() {
    let Some(p) = verify("edoc-signed-rsa-sha256.edxml") else {
        return;
    };
    assert_eq!(
        indications(&p),
        [Indication::Passed],
        "{:?}",
        p.signatures[0].verdict.reasons
    );
    let coverage = format!("{:?}", p.signatures[0].verdict.coverage);
    assert!(coverage.contains("document (/edXML)"), "{coverage}");
    assert_eq!(p.attachments.len(), 1);
    let content = p.attachments[0].content.as_ref().expect("decodes");
    assert!(String::from_utf8_lossy(content).contains("CÔNG VĂN"));
    assert_eq!(p.attachments[0].name, "cong-van-thu-nghiem.txt");
}

#[test]
fn tampered_subject_or_attachment_fails() {
    for f in [
        "edoc-signed-rsa-sha256-tampered-subject.edxml",
        "edoc-signed-rsa-sha256-tampered-attachment.edxml",
    ] {
        let Some(p) = verify(f) else { return };
        assert_eq!(indications(&p), [Indication::Failed], "{f}");
    }
}

#[test]
fn legacy_sha1_package_verifies_and_is_reported_as_legacy() {
    let Some(p) = verify("edoc-signed-rsa-sha1-exc-c14n.edxml") else {
        return;
    };
    assert_eq!(indications(&p), [Indication::Passed]);
    assert!(p.signatures[0]
        .verdict
        .reasons
        .iter()
        .any(|r| r.code == "legacy-algorithm"));
}

#[test]
fn misspelled_exc_c14n_uri_is_tolerated_with_a_warning_never_silently() {
    let Some(p) = verify("edoc-signed-rsa-sha1-misspelled-exc-c14n.edxml") else {
        return;
    };
    assert_eq!(indications(&p), [Indication::Passed]);
    assert!(p.signatures[0]
        .verdict
        .reasons
        .iter()
        .any(|r| r.code == "misspelled-transform-uri"));
}

#[test]
fn sdk_placeholder_signature_is_not_a_valid_signature() {
    let Some(p) = verify("edoc-sdk-placeholder-signature.edxml") else {
        return;
    };
    assert!(!p.signatures.is_empty());
    assert!(indications(&p).iter().all(|i| *i == Indication::Failed));
}

#[test]
fn sniffs_edxml_packages_but_not_other_xml() {
    let Some(dir) = corpus_dir("edxml") else {
        return;
    };
    let package = std::fs::read(dir.join("synthetic/edoc-unsigned.edxml")).expect("readable");
    assert!(kyso_xml::edxml::looks_like_edxml(&package));
    assert!(!kyso_xml::edxml::looks_like_edxml(
        b"<VanBan xmlns=\"urn:x\"/>"
    ));
}

#[test]
fn unsigned_packages_have_no_signature_and_still_yield_attachments() {
    let Some(p) = verify("edoc-unsigned.edxml") else {
        return;
    };
    assert!(p.signatures.is_empty());
    assert_eq!(p.attachments.len(), 1);
    assert!(p.attachments[0].content.is_ok());
    let Some(s) = verify("status-unsigned.edxml") else {
        return;
    };
    assert!(s.signatures.is_empty());
    assert!(s.attachments.is_empty());
}
