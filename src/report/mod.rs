//! Renders the shared verdict model: a readable table, JSON, JSON Lines, CSV.

use std::io::{self, Write};

use kyso_verdict::{Coverage, FileReport, Indication, SignatureVerdict};

use crate::cli::Lang;
use crate::i18n::{self, Key};

/// Counts over a whole batch, for the closing summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Summary {
    pub(crate) files: usize,
    pub(crate) signatures: usize,
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) indeterminate: usize,
    pub(crate) unsigned: usize,
    pub(crate) errors: usize,
    /// Files that do not carry what `--expect` asks for.
    pub(crate) unexpected: usize,
}

impl Summary {
    pub(crate) fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.unexpected += usize::from(!report.problems.is_empty());
        if report.error.is_some() {
            self.errors += 1;
        } else if report.signatures.is_empty() {
            self.unsigned += 1;
        }
        for sig in &report.signatures {
            self.signatures += 1;
            match sig.indication {
                Indication::Passed => self.passed += 1,
                Indication::Failed => self.failed += 1,
                Indication::Indeterminate => self.indeterminate += 1,
            }
        }
    }

    pub(crate) fn render(&self, lang: Lang) -> String {
        let line = self.counts(lang);
        if self.unexpected == 0 {
            return line;
        }
        let label = i18n::text(Key::ExpectProblemLabel, lang);
        format!("{line}; {} {label}", self.unexpected)
    }

    fn counts(&self, lang: Lang) -> String {
        let counts = [
            ("files", self.files),
            ("signatures", self.signatures),
            ("passed", self.passed),
            ("failed", self.failed),
            ("indeterminate", self.indeterminate),
            ("unsigned", self.unsigned),
            ("errors", self.errors),
        ]
        .map(|(name, count)| (name, count.to_string()));
        let args: Vec<(&str, &str)> = counts
            .iter()
            .map(|(name, count)| (*name, count.as_str()))
            .collect();
        i18n::format(Key::ReportSummary, lang, &args)
    }
}

/// Writes one file's report as a JSON line.
pub(crate) fn write_jsonl(out: &mut impl Write, report: &FileReport) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}

/// Writes one file's report as a pretty JSON document.
pub(crate) fn write_json(out: &mut impl Write, report: &FileReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}

/// The CSV header; one row per signature follows (an unsigned or unreadable file gets one row).
pub(crate) const CSV_HEADER: &str = "file,format,signature,kind,indication,sub_indication,level,signer,organization,issuer,signing_time,timestamp,certificate_not_before,certificate_not_after,coverage,reasons,error";

/// Writes one file's CSV rows. The last column holds the file-level error, or the problems
/// `--expect` found.
pub(crate) fn write_csv(out: &mut impl Write, report: &FileReport) -> io::Result<()> {
    let file_note = match &report.error {
        Some(error) => error.clone(),
        None => report
            .problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    };
    if report.signatures.is_empty() {
        let status = if report.error.is_some() {
            "ERROR"
        } else {
            "UNSIGNED"
        };
        let row = [
            report.file.as_str(),
            &report.format,
            "",
            "",
            status,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &file_note,
        ];
        return write_csv_row(out, &row);
    }
    for sig in &report.signatures {
        let reasons: Vec<&str> = sig.reasons.iter().map(|r| r.message.as_str()).collect();
        let row = [
            report.file.as_str(),
            &report.format,
            &sig.id,
            &sig.kind,
            indication_code(sig.indication),
            &sig.sub_indication.map(|s| sub_code(&s)).unwrap_or_default(),
            &level_code(sig),
            sig.signer.as_deref().unwrap_or(""),
            sig.organization.as_deref().unwrap_or(""),
            sig.issuer.as_deref().unwrap_or(""),
            sig.signing_time.as_deref().unwrap_or(""),
            sig.timestamp.as_deref().unwrap_or(""),
            sig.certificate_not_before.as_deref().unwrap_or(""),
            sig.certificate_not_after.as_deref().unwrap_or(""),
            &coverage_text(&sig.coverage, Lang::En),
            &reasons.join("; "),
            &file_note,
        ];
        write_csv_row(out, &row)?;
    }
    Ok(())
}

fn write_csv_row(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    writeln!(out, "{}", line.join(","))
}

/// Quotes a CSV field when needed (RFC 4180), and defuses spreadsheet formulas.
fn csv_field(field: &str) -> String {
    let formula = field.starts_with(['=', '+', '-', '@']);
    let needs_quotes = formula || field.contains([',', '"', '\n', '\r']);
    if !needs_quotes {
        return field.to_owned();
    }
    let escaped = field.replace('"', "\"\"");
    if formula {
        format!("\"'{escaped}\"")
    } else {
        format!("\"{escaped}\"")
    }
}

fn indication_code(indication: Indication) -> &'static str {
    match indication {
        Indication::Passed => "PASSED",
        Indication::Failed => "FAILED",
        Indication::Indeterminate => "INDETERMINATE",
    }
}

fn sub_code(sub: &kyso_verdict::SubIndication) -> String {
    serde_json::to_value(sub)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn level_code(sig: &SignatureVerdict) -> String {
    serde_json::to_value(sig.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn coverage_text(coverage: &Coverage, lang: Lang) -> String {
    let key = match coverage {
        Coverage::EntireFile => Key::ReportCoverageFile,
        Coverage::EntireRevision => Key::ReportCoverageRevision,
        Coverage::Partial => Key::ReportCoveragePartial,
        Coverage::Nodes(nodes) => return nodes.join(" "),
    };
    i18n::text(key, lang).to_owned()
}

/// Writes one file's report as readable text (the seven fields the Vietnamese rules require
/// for every signature).
pub(crate) fn write_table(out: &mut impl Write, report: &FileReport, lang: Lang) -> io::Result<()> {
    let t = |key| i18n::text(key, lang);
    writeln!(out, "{}", report.file)?;
    for problem in &report.problems {
        writeln!(out, "  ! {}", problem.message)?;
    }
    if let Some(error) = &report.error {
        writeln!(out, "  {}: {error}", t(Key::ReportError))?;
        return Ok(());
    }
    if report.signatures.is_empty() {
        writeln!(out, "  {}", t(Key::ReportNotSigned))?;
        return Ok(());
    }
    for sig in &report.signatures {
        let verdict = t(match sig.indication {
            Indication::Passed => Key::ReportPassed,
            Indication::Failed => Key::ReportFailed,
            Indication::Indeterminate => Key::ReportIndeterminate,
        });
        let sub = sig
            .sub_indication
            .map(|s| format!(" ({})", sub_code(&s)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {}: {verdict}{sub} [{}]",
            t(Key::ReportSignature),
            sig.id,
            level_code(sig)
        )?;
        let dash = "-".to_owned();
        let rows = [
            (
                t(Key::ReportSigner),
                sig.signer.clone().unwrap_or_else(|| dash.clone()),
            ),
            (
                t(Key::ReportManagingUnit),
                sig.organization.clone().unwrap_or_else(|| dash.clone()),
            ),
            (
                t(Key::ReportIssuer),
                sig.issuer.clone().unwrap_or_else(|| dash.clone()),
            ),
            (
                t(Key::ReportSigningTime),
                match (&sig.timestamp, &sig.signing_time) {
                    (Some(ts), _) => format!("{ts} ({})", t(Key::ReportTimestamp)),
                    (None, Some(st)) => format!("{st} ({})", t(Key::ReportClaimed)),
                    (None, None) => dash.clone(),
                },
            ),
            (t(Key::ReportCoverage), coverage_text(&sig.coverage, lang)),
            (
                t(Key::ReportCertificateValidity),
                format!(
                    "{} .. {}",
                    sig.certificate_not_before.as_deref().unwrap_or("?"),
                    sig.certificate_not_after.as_deref().unwrap_or("?")
                ),
            ),
        ];
        for (label, value) in rows {
            writeln!(out, "    {label}: {value}")?;
        }
        writeln!(
            out,
            "    {}: {}",
            t(Key::ReportIntegrity),
            integrity_text(sig, lang)
        )?;
        writeln!(
            out,
            "    {}: {}",
            t(Key::ReportValidAtSigning),
            validity_text(sig, lang)
        )?;
        for reason in &sig.reasons {
            match (lang, reason_key(&reason.code)) {
                (Lang::Vi, Some(key)) => writeln!(out, "    - {} ({})", t(key), reason.message)?,
                _ => writeln!(out, "    - {}", reason.message)?,
            }
        }
    }
    Ok(())
}

/// Whether the signed bytes are intact, from the reasons' codes.
fn integrity_text(sig: &SignatureVerdict, lang: Lang) -> &'static str {
    let has = |code: &str| sig.reasons.iter().any(|r| r.code == code);
    // `signature-mismatch` is XML's `bad-signature`.
    let broken = has("digest-mismatch")
        || has("bad-signature")
        || has("signature-mismatch")
        || has("timestamp-imprint-mismatch");
    let key = match (broken, has("integrity-ok")) {
        (true, _) => Key::ReportBroken,
        (false, true) => Key::ReportIntact,
        (false, false) => Key::ReportNotEstablished,
    };
    i18n::text(key, lang)
}

/// The certificate's validity at the signing time, from the indication and the chain reasons.
fn validity_text(sig: &SignatureVerdict, lang: Lang) -> &'static str {
    let chain_problem = sig
        .reasons
        .iter()
        // PDF reasons are `chain-CODE`; XML's chain reason is `chain`.
        .any(|r| (r.code == "chain" || r.code.starts_with("chain-")) && r.code != "chain-warning");
    match (sig.indication, chain_problem) {
        (Indication::Passed, _) => i18n::text(Key::ReportValid, lang),
        (_, true) => i18n::text(Key::ReportNotEstablishedBelow, lang),
        (_, false) => "-",
    }
}

/// The catalogue row for the reason codes a clerk meets most (shown in Vietnamese before the
/// library's English detail).
fn reason_key(code: &str) -> Option<Key> {
    Some(match code {
        "integrity-ok" => Key::CodeIntegrityOk,
        "digest-mismatch" => Key::CodeDigestMismatch,
        "bad-signature" => Key::CodeBadSignature,
        "modified-after-signing" => Key::CodeModifiedAfterSigning,
        "permission-violated" => Key::CodePermissionViolated,
        "lock-permission-violated" => Key::CodeLockPermissionViolated,
        "field-locked" => Key::CodeFieldLocked,
        "allowed-changes-after-signing" => Key::CodeAllowedChanges,
        "byte-range-invalid" | "byte-range-gap-not-contents" => Key::CodeByteRangeInvalid,
        "non-standard-coverage" => Key::CodeNonStandardCoverage,
        "data-after-last-eof" => Key::CodeDataAfterEof,
        "validation-time" => Key::CodeValidationTime,
        "validation-time-claimed" => Key::CodeValidationTimeClaimed,
        "chain-unknown-issuer" => Key::CodeChainUnknownIssuer,
        "chain-expired" => Key::CodeChainExpired,
        "chain-revoked" => Key::CodeChainRevoked,
        "chain-warning" => Key::CodeChainWarning,
        "timestamp-untrusted" => Key::CodeTimestampUntrusted,
        "sha1" => Key::CodeSha1,
        "legacy-format" => Key::CodeLegacyFormat,
        "not-baseline" => Key::CodeNotBaseline,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{csv_field, integrity_text, validity_text, write_csv};
    use crate::cli::Lang;
    use kyso_verdict::{
        Coverage, FileReport, Indication, Level, Reason, SignatureVerdict, SubIndication,
    };

    #[test]
    fn csv_rows_carry_the_expectation_problems_and_only_them() {
        let problem = Reason {
            code: "expect-issued-no-issue".to_owned(),
            message: "no organization signature".to_owned(),
        };
        let mut report = FileReport {
            file: "a.pdf".to_owned(),
            format: "pdf".to_owned(),
            signatures: vec![xml_verdict(Indication::Passed, &["integrity-ok"])],
            error: None,
            problems: vec![problem],
        };
        let mut out = Vec::new();
        write_csv(&mut out, &report).expect("write");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.trim_end().ends_with(",no organization signature"),
            "{text}"
        );
        report.problems.clear();
        let mut out = Vec::new();
        write_csv(&mut out, &report).expect("write");
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(text.trim_end().ends_with(','), "{text}");
    }

    fn xml_verdict(indication: Indication, codes: &[&str]) -> SignatureVerdict {
        SignatureVerdict {
            id: "Signature".to_owned(),
            kind: "signature".to_owned(),
            indication,
            sub_indication: (indication != Indication::Passed)
                .then_some(SubIndication::NoCertificateChainFound),
            level: Level::None,
            signer: None,
            organization: None,
            holder: None,
            issuer: None,
            certificate_not_before: None,
            certificate_not_after: None,
            signing_time: None,
            timestamp: None,
            format: String::new(),
            coverage: Coverage::Nodes(Vec::new()),
            reasons: codes
                .iter()
                .map(|code| Reason {
                    code: (*code).to_owned(),
                    message: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn xml_reason_codes_drive_integrity_and_validity_like_pdf_ones() {
        let intact = xml_verdict(Indication::Indeterminate, &["chain", "integrity-ok"]);
        assert_eq!(integrity_text(&intact, Lang::En), "intact");
        assert_eq!(
            validity_text(&intact, Lang::En),
            "not established (see below)"
        );
    }

    #[test]
    fn xml_signature_mismatch_is_broken_integrity_not_intact() {
        let broken = xml_verdict(Indication::Failed, &["signature-mismatch"]);
        assert!(integrity_text(&broken, Lang::En).starts_with("BROKEN"));
        assert_eq!(validity_text(&broken, Lang::En), "-");
    }

    #[test]
    fn csv_quotes_separators_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "\"'=cmd()\"");
    }
}
