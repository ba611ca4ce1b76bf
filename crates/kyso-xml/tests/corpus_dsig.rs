//! Runs the signature rows of `shared/corpora/xml/manifest.tsv`: `valid` rows must verify,
//! `invalid` rows must never verify, `unsupported-feature` rows must be reported as
//! unsupported (naming the feature) unless kyso implements the feature and agrees with the
//! upstream harness.

mod corpus;

use corpus::chain::TestTrust;
use corpus::{corpus_dir, manifest_rows, Row};
use kyso_verdict::Indication;
use kyso_xml::dsig::{verify_document, ValidationTime, VerifyOptions, XmlSignatureReport};
use kyso_xml::ParseLimits;

/// What a row's verification came to.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Every signature checked out (a bare KeyValue key counts when the row gives no trust
    /// anchor: that is xmlsec's meaning of "valid" for raw keys).
    Accepted,
    /// Refused with an "unsupported: <feature>" reason.
    Unsupported(String),
    /// The document was refused by policy (it has a DOCTYPE).
    Refused(String),
    /// Refused for another reason.
    Rejected(String),
}

fn accepted(report: &XmlSignatureReport) -> bool {
    let v = &report.verdict;
    match v.indication {
        Indication::Passed => true,
        Indication::Indeterminate => v
            .reasons
            .iter()
            .filter(|r| {
                !matches!(
                    r.code.as_str(),
                    "legacy-algorithm" | "misspelled-transform-uri"
                )
            })
            .all(|r| r.code == "bare-key"),
        Indication::Failed => false,
    }
}

fn run(dir: &std::path::Path, row: &Row) -> Outcome {
    let trust = TestTrust::from_keys(dir, &row.keys);
    let xml = std::fs::read(dir.join(&row.file)).expect("signature file readable");
    let pool = trust.pool();
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        validation_time: ValidationTime::Fixed(trust.validation_time()),
        chain_validator: &trust,
        certificate_pool: &pool,
        accept_misspelled_exc_c14n: false,
        detached: None,
        external: None,
        timestamp_validator: None,
    };
    let reports = match verify_document(&xml, &options) {
        Ok(r) => r,
        Err(e @ kyso_xml::Error::DoctypeRefused) => return Outcome::Refused(e.to_string()),
        Err(e) => return Outcome::Rejected(format!("document error: {e}")),
    };
    if reports.is_empty() {
        return Outcome::Rejected("no signature".to_owned());
    }
    for report in &reports {
        if !accepted(report) {
            let reasons: Vec<String> = report
                .verdict
                .reasons
                .iter()
                .map(|r| r.message.clone())
                .collect();
            if let Some(u) = reasons.iter().find(|m| m.starts_with("unsupported: ")) {
                return Outcome::Unsupported(u.clone());
            }
            return Outcome::Rejected(format!(
                "{:?}: {}",
                report.verdict.indication,
                reasons.join("; ")
            ));
        }
    }
    Outcome::Accepted
}

#[test]
fn signature_vectors_match_their_expectations() {
    let Some(dir) = corpus_dir("xml") else { return };
    let (mut valid_ok, mut valid_bad) = (0, Vec::new());
    let (mut invalid_ok, mut invalid_bad) = (0, Vec::new());
    let mut unsup_refused = 0;
    let (mut unsup_reported, mut unsup_implemented, mut unsup_rejected, mut unsup_bad) =
        (0, 0, 0, Vec::new());
    for row in manifest_rows(&dir) {
        let harness_valid = row.harness.starts_with("valid");
        match row.expected.as_str() {
            "valid" => match run(&dir, &row) {
                Outcome::Accepted => valid_ok += 1,
                other => valid_bad.push(format!("{} [{}]: {other:?}", row.file, row.keys)),
            },
            "invalid" => match run(&dir, &row) {
                Outcome::Accepted => invalid_bad.push(format!("{} [{}]", row.file, row.keys)),
                _ => invalid_ok += 1,
            },
            e if e.starts_with("unsupported-feature") => match run(&dir, &row) {
                Outcome::Accepted if harness_valid => unsup_implemented += 1,
                Outcome::Accepted => unsup_bad.push(format!(
                    "{} [{}]: accepted, harness invalid",
                    row.file, row.keys
                )),
                Outcome::Unsupported(_) => unsup_reported += 1,
                Outcome::Refused(_) => unsup_refused += 1,
                Outcome::Rejected(_) if !harness_valid => unsup_rejected += 1,
                Outcome::Rejected(why) => unsup_bad.push(format!(
                    "{} [{}] ({e}): rejected without naming the feature: {why}",
                    row.file, row.keys
                )),
            },
            _ => {}
        }
    }
    eprintln!("valid: {valid_ok} verified, {} not", valid_bad.len());
    eprintln!(
        "invalid: {invalid_ok} rejected, {} wrongly accepted",
        invalid_bad.len()
    );
    eprintln!(
        "unsupported-feature: {unsup_implemented} implemented and agreeing with the harness, \
         {unsup_reported} reported unsupported, {unsup_rejected} rejected as the harness does, {unsup_refused} refused (DOCTYPE), \
         {} mismatches",
        unsup_bad.len()
    );
    for line in valid_bad.iter().chain(&invalid_bad).chain(&unsup_bad) {
        eprintln!("  {line}");
    }
    assert!(invalid_bad.is_empty(), "an invalid vector verified");
    assert!(unsup_bad.is_empty(), "an unsupported-feature row disagrees");
    assert!(valid_bad.is_empty(), "a valid vector did not verify");
    assert!(valid_ok > 0 && invalid_ok > 0);
}
