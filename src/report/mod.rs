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
            let vietnamese = match lang {
                Lang::Vi => reason_vi(&reason.message),
                _ => None,
            };
            match (vietnamese, lang, reason_key(&reason.code)) {
                (Some(text), _, _) => writeln!(out, "    - {text}")?,
                (None, Lang::Vi, Some(key)) => {
                    writeln!(out, "    - {} ({})", t(key), reason.message)?
                }
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

/// The catalogue rows a reason's whole English message can come from, tried in order (more
/// specific templates before the ones they would also match).
const REASON_TEMPLATES: &[Key] = &[
    Key::ReasonIntegrityOk,
    Key::ReasonSha1,
    Key::ReasonTimestampImprint,
    Key::ReasonTimestampIgnored,
    Key::ReasonTimestampProven,
    Key::ReasonTimestampUntrusted,
    Key::ReasonValidatedNow,
    Key::ReasonValidatedProven,
    Key::ReasonValidatedAt,
    Key::ReasonValidatedClaimed,
    Key::ReasonValidatedNoTime,
    Key::ReasonProvenBySignatureTimestamp,
    Key::ReasonProvenByDocumentTimestamp,
    Key::ReasonWarningRevocation,
    Key::ReasonWarningSha1,
    Key::ReasonNoCertificateBinding,
    Key::ReasonSigningTimeAttribute,
    Key::ReasonChain,
    Key::ReasonCertificateUnparsable,
    Key::FindingNotRevisionEnd,
    Key::FindingTrailingData,
    Key::FindingTooManyRevisions,
    Key::FindingFieldChanged,
    Key::FindingFieldAdded,
    Key::FindingTooManyFields,
    Key::FindingUnreadable,
    Key::FindingTooLarge,
    Key::FindingMoreChanges,
    Key::FindingHybridXref,
    Key::FindingObjectInGap,
    Key::FindingObjectChanged,
    Key::FindingTrailerCatalog,
    Key::FindingEncryption,
    Key::FindingHiddenObject,
    Key::FindingSignatureRemoved,
    Key::FindingLegacySha1,
    Key::FindingDamagedXref,
    Key::FindingDamagedAfterSigning,
    Key::FindingByteRange,
    Key::FindingUnsignedBytes,
    Key::FindingAllowedSummary,
    Key::XmlIntegrityOk,
    Key::XmlReferenceDigest,
    Key::XmlSignatureValue,
    // kyso-xml's reasons (dsig/verify.rs, dsig/xades.rs, edxml.rs) and src/cmd/verify/xml.rs's.
    Key::XmlNoSignedInfo,
    Key::XmlNoReference,
    Key::XmlUnsupportedSignatureMethod,
    Key::XmlUnsupportedC14n,
    Key::XmlUnsupportedDigest,
    Key::XmlUnsupportedInReferenceBare,
    Key::XmlUnsupportedInReference,
    Key::XmlSignatureValueMissing,
    Key::XmlLegacySignatureAlgorithm,
    Key::XmlMisspelledC14n,
    Key::XmlMisspelledTransform,
    Key::XmlNothingToVerifyWith,
    Key::XmlBareKeyValue,
    Key::XmlValidatedProven,
    Key::XmlValidatedClaimed,
    Key::XmlDataIncompleteSigner,
    Key::XmlDataIncompleteTsa,
    Key::XmlLegacyDigest,
    Key::XmlReferenceUnavailable,
    // After the other `reference {uri}: …` rows, which it would also match.
    Key::XmlReferenceProblem,
    Key::XadesPolicy,
    Key::XadesNoSigningCertificate,
    Key::XadesSigningCertificateMismatch,
    Key::XadesTimestampMalformed,
    Key::XadesTimestampNotChecked,
    Key::XadesValuesNotBase64,
    Key::EdxmlPartialCoverage,
    Key::EdxmlNotXmldsig,
    Key::VerifyAttachmentUnsigned,
    Key::VerifyXmlTimestampOtherData,
];

/// The rows of the later `; `-separated parts of the allowed-changes summary.
const SUMMARY_PARTS: &[Key] = &[
    Key::FindingAllowedFields,
    Key::FindingAllowedSignatureFields,
    Key::FindingAllowedAnnotations,
];

/// The rows of the library texts nested in a reason: chain errors, revocation problems and
/// reasons, CMS and PDF cryptographic failures (a PDF reason's whole message for the latter),
/// and the most common disallowed changes.
const DETAIL_TEMPLATES: &[Key] = &[
    // kyso-xml's errors, feature names and signature-value problems nested in its reasons
    // (an error's text is a reason's whole message for key and signature-value failures);
    // before the CMS rows, whose `malformed {what}` would also match some.
    Key::XmlErrorDuplicateId,
    Key::XmlErrorMissingElement,
    Key::ReasonCarriedNoRevocation,
    Key::XmlErrorMissingAttribute,
    Key::XmlErrorBase64,
    Key::XmlErrorUnsupportedBare,
    Key::XmlErrorUnsupported,
    Key::XmlErrorUnresolved,
    Key::XmlErrorCrypto,
    Key::XmlErrorBadSignatureValue,
    Key::XmlErrorExternal,
    Key::XmlErrorTooLarge,
    Key::XmlErrorNotUtf8,
    Key::XmlErrorDoctype,
    Key::XmlErrorMalformed,
    Key::XmlErrorTooDeep,
    Key::XmlErrorAttributeTooLong,
    Key::XmlNoTsaCertificate,
    Key::XmlValidatorNoData,
    Key::XmlFeatureUnknownAlgorithm,
    Key::XmlFeatureNoUri,
    Key::XmlFeatureNodeSetOnOctets,
    Key::XmlFeatureEcCurve,
    Key::XmlFeatureExternalUri,
    Key::XmlFeatureEcdsaDer,
    Key::XmlBadValueEcdsaHalves,
    Key::XmlBadValuePssSalt,
    Key::DetailChainMalformed,
    Key::DetailChainUnknownIssuer,
    Key::DetailChainExpired,
    Key::DetailChainNotYetValid,
    Key::DetailChainBadSignature,
    Key::DetailChainAlgorithm,
    Key::DetailChainKeyTooWeak,
    Key::DetailChainSha1,
    Key::DetailChainNotCa,
    Key::DetailChainPathLength,
    Key::DetailChainMaxDepth,
    Key::DetailChainKeyUsage,
    Key::DetailChainEku,
    Key::DetailChainNameConstraint,
    Key::DetailChainCriticalExtension,
    Key::DetailChainPolicy,
    Key::DetailChainRevoked,
    Key::DetailChainRevocationUnknown,
    Key::DetailChainBudget,
    Key::DetailRevocationNoEvidence,
    Key::DetailRevocationCrlSignature,
    Key::DetailRevocationCrlIssuer,
    Key::DetailRevocationCrlExtension,
    Key::DetailRevocationCrlStale,
    Key::DetailRevocationCrlAfterExpiry,
    Key::DetailRevocationOcspStale,
    Key::DetailRevocationOcspUnknown,
    Key::DetailRevocationOcspSignature,
    Key::DetailRevocationOcspResponder,
    Key::DetailRevocationOcspUnreachable,
    Key::DetailRevocationOcspUnusable,
    Key::DetailRevocationCrlUnreachable,
    Key::DetailRevocationCrlUnusable,
    Key::RevokedUnspecified,
    Key::RevokedKeyCompromise,
    Key::RevokedCaCompromise,
    Key::RevokedAffiliationChanged,
    Key::RevokedSuperseded,
    Key::RevokedCessation,
    Key::RevokedHold,
    Key::RevokedPrivilegeWithdrawn,
    Key::DetailCmsDigestMismatch,
    Key::DetailCmsBadSignature,
    Key::DetailCmsSignerNotFound,
    Key::DetailCmsSignerUnusable,
    Key::DetailCmsSigningCertificate,
    Key::DetailCmsAlgorithm,
    Key::DetailCmsContentType,
    Key::DetailCmsMissingAttribute,
    Key::DetailCmsDuplicateAttribute,
    Key::DetailCmsMalformedAt,
    Key::DetailCmsMalformed,
    Key::DetailCmsImprint,
    Key::DetailCmsBadCertificate,
    Key::DetailCmsSignerCount,
    Key::DetailCmsDigestNotAllowed,
    Key::DetailPdfEncapsulated,
    Key::DetailPdfSha1Mismatch,
    Key::DetailPdfSignerCount,
    Key::DetailPdfSubFilter,
    Key::DetailPdfEddsa,
    Key::DetailPdfRead,
    Key::DetailPdfTooLarge,
    Key::ProblemPageTree,
    Key::ProblemContent,
    Key::ProblemFieldValue,
    Key::ProblemFilledReplaced,
    Key::ProblemFormRemoved,
    Key::ProblemFieldsRemoved,
    Key::ProblemAnnotationsRemoved,
    Key::ProblemFieldAdded,
    // Why a detached signature's data could not be had (src/cmd/verify/xml.rs).
    Key::VerifyReferenceQuery,
    Key::VerifyReferenceScheme,
    Key::VerifyReferenceNotFetched,
    Key::VerifyReferenceEscape,
    Key::VerifyReferenceNotUtf8,
    Key::VerifyReferenceAbsolute,
    Key::VerifyReferenceOutside,
    Key::VerifyFetchFailed,
    Key::VerifyFetchStatus,
    Key::VerifyFetchTooLarge,
    Key::VerifyFetchTooSlow,
    Key::VerifyFetchRedirect,
    Key::VerifyFetchRedirects,
    Key::VerifyFileMissing,
    Key::VerifyNotRegularFile,
    Key::VerifyFileTooLarge,
];

/// The placeholders whose values are themselves library texts, translated in turn.
const NESTED: &[&str] = &["detail", "why", "reason", "problem", "feature"];

/// The Vietnamese sentence for a reason's English message: the message is matched against
/// the English rows it can come from, the values (names, times, counts) are read back, and
/// the Vietnamese row is filled with them. `None` when no row matches; a nested library text
/// no row matches (a rare disallowed change, a parser's error) stays English inside the
/// Vietnamese sentence.
fn reason_vi(message: &str) -> Option<String> {
    // A cryptographic failure's reason is the library's text alone.
    if let Some(text) =
        translate(message, REASON_TEMPLATES).or_else(|| translate(message, DETAIL_TEMPLATES))
    {
        return Some(text);
    }
    // The allowed-changes summary: a first sentence, then optional `; `-separated parts.
    let mut parts = message.split("; ");
    let mut out = vec![translate(parts.next()?, REASON_TEMPLATES)?];
    for part in parts {
        out.push(translate(part, SUMMARY_PARTS)?);
    }
    Some(out.join("; "))
}

fn translate(message: &str, keys: &[Key]) -> Option<String> {
    keys.iter().find_map(|&key| {
        let values = unformat(i18n::text(key, Lang::En), message)?;
        let values: Vec<(&str, String)> = values
            .into_iter()
            .map(|(name, value)| {
                let value = NESTED
                    .contains(&name)
                    .then(|| translate(value, DETAIL_TEMPLATES))
                    .flatten()
                    .unwrap_or_else(|| value.to_owned());
                (name, value)
            })
            .collect();
        let args: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        Some(fill(i18n::text(key, Lang::Vi), &args))
    })
}

/// Fills a catalogue text's `{name}` placeholders in one pass, so that a value holding
/// braces (a certificate subject is the signer's to choose) is never filled in turn.
pub(crate) fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Hole(name) => match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// One piece of a catalogue text: literal text or a `{name}` placeholder.
#[derive(Debug)]
enum Piece<'t> {
    Text(&'t str),
    Hole(&'t str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + len];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            break;
        }
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Hole(name));
        rest = &rest[open + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The values of `template`'s placeholders when `message` is `template` filled in (each value
/// non-empty; the shortest that lets the rest match), or `None`.
fn unformat<'t, 'm>(template: &'t str, message: &'m str) -> Option<Vec<(&'t str, &'m str)>> {
    fn fill<'t, 'm>(
        pieces: &[Piece<'t>],
        message: &'m str,
        out: &mut Vec<(&'t str, &'m str)>,
    ) -> bool {
        match pieces {
            [] => message.is_empty(),
            [Piece::Text(text), rest @ ..] => message
                .strip_prefix(text)
                .is_some_and(|tail| fill(rest, tail, out)),
            [Piece::Hole(name), rest @ ..] => {
                let ends: Vec<usize> = match rest.first() {
                    None => vec![message.len()],
                    Some(Piece::Text(next)) => message
                        .match_indices(next)
                        .map(|(at, _)| at)
                        .filter(|at| *at > 0)
                        .collect(),
                    Some(Piece::Hole(_)) => return false,
                };
                for end in ends {
                    out.push((name, &message[..end]));
                    if !message[..end].is_empty() && fill(rest, &message[end..], out) {
                        return true;
                    }
                    out.pop();
                }
                false
            }
        }
    }
    let mut out = Vec::new();
    fill(&pieces(template), message, &mut out).then_some(out)
}

/// The catalogue row for the reason codes a clerk meets most, shown in Vietnamese before the
/// library's English detail when no row matches the whole message.
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
    fn every_reason_row_reads_its_values_back_from_its_english() {
        use super::{unformat, DETAIL_TEMPLATES, REASON_TEMPLATES, SUMMARY_PARTS};
        use crate::i18n;
        let all = REASON_TEMPLATES
            .iter()
            .chain(DETAIL_TEMPLATES)
            .chain(SUMMARY_PARTS);
        for &key in all {
            let template = i18n::text(key, Lang::En);
            let names: Vec<&str> = super::pieces(template)
                .into_iter()
                .filter_map(|p| match p {
                    super::Piece::Hole(name) => Some(name),
                    super::Piece::Text(_) => None,
                })
                .collect();
            // Values with spaces and commas, like subjects.
            let values: Vec<(&str, String)> = names
                .iter()
                .map(|n| (*n, format!("CN=Nguyễn Văn {n}, O=Sở {n}")))
                .collect();
            let args: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let message = i18n::format(key, Lang::En, &args);
            let read = unformat(template, &message)
                .unwrap_or_else(|| panic!("{key:?} does not read back {message:?}"));
            let read: Vec<(&str, String)> =
                read.into_iter().map(|(n, v)| (n, v.to_owned())).collect();
            assert_eq!(read, values, "{key:?}");
            let vi = super::reason_vi(&message).or_else(|| {
                // a summary part only comes after a first sentence
                let whole = format!("revision 2 changes 3 objects, all in allowed ways; {message}");
                super::reason_vi(&whole)
            });
            assert!(vi.is_some(), "{key:?}: {message:?}");
        }
    }

    #[test]
    fn library_texts_become_vietnamese_sentences_with_their_details() {
        use super::reason_vi;
        use chrono::TimeZone;
        use kyso_chain::{ChainError, RevocationProblem, RevocationReason};
        let at = chrono::Utc
            .with_ymd_and_hms(2025, 3, 1, 8, 0, 0)
            .single()
            .expect("time");
        let subject = "UID=CCCD:001190000001, CN=Trần Thị Bình, C=VN".to_owned();
        let cases = [
            (
                ChainError::UnknownIssuer {
                    subject: subject.clone(),
                },
                "chuỗi chứng thư: không tìm thấy tổ chức cấp tin cậy nào cho chứng thư UID=CCCD:001190000001, CN=Trần Thị Bình, C=VN",
            ),
            (
                ChainError::Expired {
                    subject: subject.clone(),
                    at,
                    not_after: at,
                },
                "chuỗi chứng thư: chứng thư UID=CCCD:001190000001, CN=Trần Thị Bình, C=VN đã hết hạn lúc 2025-03-01 08:00:00 UTC (thời điểm kiểm tra: 2025-03-01 08:00:00 UTC)",
            ),
            (
                ChainError::Revoked {
                    subject: subject.clone(),
                    at,
                    reason: RevocationReason::KeyCompromise,
                },
                "chuỗi chứng thư: chứng thư UID=CCCD:001190000001, CN=Trần Thị Bình, C=VN đã bị thu hồi lúc 2025-03-01 08:00:00 UTC (lý do: lộ khóa bí mật)",
            ),
            (
                ChainError::RevocationUnknown {
                    subject,
                    why: RevocationProblem::CrlStale,
                },
                "chuỗi chứng thư: không xác định được tình trạng thu hồi của chứng thư UID=CCCD:001190000001, CN=Trần Thị Bình, C=VN: CRL đã cũ (nextUpdate trước thời điểm kiểm tra)",
            ),
        ];
        for (error, expected) in cases {
            let message = format!("certificate chain: {error}");
            assert_eq!(reason_vi(&message).as_deref(), Some(expected), "{message}");
        }
        let digest = kyso_cms::Error::DigestMismatch.to_string();
        assert!(reason_vi(&digest).is_some_and(|t| t.starts_with("giá trị băm")));
        let summary = "revision 2 changes 4 objects, all in allowed ways; form filling or signing of the fields \"Ho ten\"; signature fields added: \"Sig2\"; annotations added: 1 (Widget)";
        assert_eq!(
            reason_vi(summary).as_deref(),
            Some("phiên bản 2 thay đổi 4 đối tượng, tất cả đều theo cách được phép; điền hoặc ký các trường \"Ho ten\"; thêm các trường chữ ký: \"Sig2\"; thêm 1 chú thích (Widget)")
        );
        assert_eq!(reason_vi("some text no row knows"), None);
        // A subject holding a placeholder's name is shown as it is.
        let braces =
            "the revocation status of CN={why} could not be checked: the OCSP response is stale";
        assert_eq!(
            reason_vi(braces).as_deref(),
            Some("không kiểm tra được tình trạng thu hồi của chứng thư CN={why}: phản hồi OCSP đã cũ")
        );
    }

    #[test]
    fn no_reason_row_is_shadowed_by_an_earlier_one() {
        use super::{fill, reason_vi, DETAIL_TEMPLATES, REASON_TEMPLATES};
        use crate::i18n;
        for &key in REASON_TEMPLATES.iter().chain(DETAIL_TEMPLATES) {
            let names: Vec<&str> = super::pieces(i18n::text(key, Lang::En))
                .into_iter()
                .filter_map(|p| match p {
                    super::Piece::Hole(name) => Some(name),
                    super::Piece::Text(_) => None,
                })
                .collect();
            let values: Vec<(&str, String)> =
                names.iter().map(|n| (*n, format!("<{n} 7>"))).collect();
            let args: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let message = fill(i18n::text(key, Lang::En), &args);
            let expected = fill(i18n::text(key, Lang::Vi), &args);
            assert_eq!(reason_vi(&message), Some(expected), "{key:?}: {message:?}");
        }
    }

    /// The `Xml*`, `Xades*` and `Edxml*` rows mirror texts kyso-xml (and the CLI's XML path)
    /// write in English: every literal piece of a row must appear in those sources (string
    /// continuations joined, quotes dropped), so a changed library text fails here rather than
    /// falling back to English in the table.
    #[test]
    fn xml_rows_mirror_the_texts_kyso_xml_writes() {
        use crate::i18n::{self, Key};
        let sources = [
            include_str!("../../crates/kyso-xml/src/dsig/verify.rs"),
            include_str!("../../crates/kyso-xml/src/dsig/xades.rs"),
            include_str!("../../crates/kyso-xml/src/dsig/reference.rs"),
            include_str!("../../crates/kyso-xml/src/dsig/key.rs"),
            include_str!("../../crates/kyso-xml/src/dsig/algorithms.rs"),
            include_str!("../../crates/kyso-xml/src/edxml.rs"),
            include_str!("../../crates/kyso-xml/src/error.rs"),
            include_str!("../cmd/verify/xml.rs"),
        ];
        let mut joined = String::new();
        for source in sources {
            let mut continued = false;
            for line in source.lines() {
                let line = if continued { line.trim_start() } else { line };
                continued = line.ends_with('\\');
                joined.push_str(line.strip_suffix('\\').unwrap_or(line));
                if !continued {
                    joined.push('\n');
                }
            }
        }
        let joined = joined.replace("\\\"", "\"").replace('"', "");
        let rows = Key::ALL.iter().filter(|key| {
            let name = format!("{key:?}");
            ["Xml", "Xades", "Edxml"]
                .iter()
                .any(|p| name.starts_with(p))
        });
        let mut checked = 0;
        for &key in rows {
            for piece in super::pieces(i18n::text(key, Lang::En)) {
                // `()` is an empty value's parentheses (`({uri})` in the source).
                let super::Piece::Text(text) = piece else {
                    continue;
                };
                for text in text.replace('"', "").split("()") {
                    assert!(
                        joined.contains(text),
                        "{key:?}: {text:?} is not in kyso-xml's texts"
                    );
                }
            }
            checked += 1;
        }
        assert!(checked > 50, "{checked} rows");
    }

    #[test]
    fn xml_reasons_become_vietnamese_sentences_with_their_details() {
        use super::reason_vi;
        let unsupported = |feature: &'static str, uri: &str| {
            kyso_xml::Error::Unsupported {
                feature,
                uri: uri.to_owned(),
            }
            .to_string()
        };
        let unresolved = kyso_xml::Error::UnresolvedReference {
            uri: "#doc".to_owned(),
            count: 2,
        };
        let xslt = "http://www.w3.org/TR/1999/REC-xslt-19991116";
        // (the English message as kyso-xml or src/cmd/verify/xml.rs writes it, the Vietnamese)
        let cases = [
            (
                format!("unsupported: XSLT ({xslt}) in reference \"#doc\""),
                format!("tham chiếu \"#doc\" dùng XSLT ({xslt}) mà kyso không hỗ trợ: không kiểm tra được dữ liệu của tham chiếu này"),
            ),
            (
                "unsupported: Reference without URI () in reference \"\"".to_owned(),
                "tham chiếu \"\" dùng tham chiếu không có URI mà kyso không hỗ trợ: không kiểm tra được dữ liệu của tham chiếu này".to_owned(),
            ),
            (
                "unsupported: unknown algorithm (DigestMethod urn:x)".to_owned(),
                "kyso không hỗ trợ thuật toán không xác định (thuật toán băm DigestMethod urn:x)".to_owned(),
            ),
            (
                unsupported("ECDSA-DER-SignatureValue", ""),
                "kyso không hỗ trợ SignatureValue ECDSA dạng DER".to_owned(),
            ),
            (
                format!("reference \"#doc\": {unresolved}"),
                "không xác định được dữ liệu của tham chiếu \"#doc\": tham chiếu \"#doc\" trỏ tới 2 nút (phải đúng một nút)".to_owned(),
            ),
            (
                "reference \"\": digest does not match".to_owned(),
                "giá trị băm của tham chiếu \"\" không khớp: nội dung đã bị sửa sau khi ký".to_owned(),
            ),
            (
                "reference \"../a.pdf\": the referenced data are not available: \"../a.pdf\" leads outside the signature's folder: it is read only with --allow-external".to_owned(),
                "không có dữ liệu mà tham chiếu \"../a.pdf\" trỏ tới: \"../a.pdf\" trỏ ra ngoài thư mục chứa chữ ký: chỉ đọc khi có --allow-external".to_owned(),
            ),
            (
                "signed under policy urn:oid:2.16.704.1.1 (not evaluated)".to_owned(),
                "chữ ký được tạo theo chính sách chữ ký urn:oid:2.16.704.1.1 (kyso không đánh giá chính sách này)".to_owned(),
            ),
            (
                "SigningCertificate does not name the certificate that verified the signature".to_owned(),
                "SigningCertificate không trỏ tới chứng thư đã dùng để xác minh chữ ký".to_owned(),
            ),
            (
                "3 embedded certificate or revocation value(s) are not base64".to_owned(),
                "3 chứng thư hoặc dữ liệu thu hồi nhúng trong chữ ký không ở dạng base64".to_owned(),
            ),
            (
                "validated at the time proven by the signature time-stamp, 2025-03-01T15:00:00+07:00".to_owned(),
                "kiểm tra tại thời điểm do dấu thời gian của chữ ký chứng minh, 2025-03-01T15:00:00+07:00".to_owned(),
            ),
            (
                "the embedded validation data do not cover the TSA's chain: the signature time-stamp names no TSA certificate".to_owned(),
                "dữ liệu kiểm tra nhúng trong chữ ký không đủ cho chuỗi chứng thư của đơn vị cấp dấu thời gian (TSA) (chưa đạt mức B-LT): dấu thời gian của chữ ký không nêu chứng thư của đơn vị cấp dấu thời gian (TSA)".to_owned(),
            ),
            (
                "the package signature does not cover the whole package (URI=\"\")".to_owned(),
                "chữ ký của gói tin không bao phủ toàn bộ gói tin (URI=\"\")".to_owned(),
            ),
            (
                "attachment[ho-so.zip]/entry[goi-con.edxml] carries no signature".to_owned(),
                "attachment[ho-so.zip]/entry[goi-con.edxml] không mang chữ ký nào".to_owned(),
            ),
            (
                "malformed signature value: ECDSA value is not two equal halves".to_owned(),
                "giá trị chữ ký sai cấu trúc: giá trị ECDSA không gồm hai nửa bằng nhau".to_owned(),
            ),
        ];
        for (english, vietnamese) in cases {
            assert_eq!(
                reason_vi(&english).as_deref(),
                Some(vietnamese.as_str()),
                "{english}"
            );
        }
    }

    #[test]
    fn csv_quotes_separators_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "\"'=cmd()\"");
    }
}
