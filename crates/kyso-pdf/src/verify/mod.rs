//! PDF signature verification: finding signatures, checking what they cover, and analysing the
//! revisions appended after each one.
//!
//! [`inspect`] returns the *facts* about every signature of a document — ByteRange sanity,
//! the digest and CMS check (kyso-cms), signature and document timestamps, the embedded
//! certificates and revocation data (CMS and DSS), and the findings of the revision analysis.
//! It does not judge trust: validating the signer's chain is kyso-chain's job, done by the
//! caller with the certificates and revocation material collected here. This keeps kyso-pdf
//! free of chain validation, as the crate graph requires.
//!
//! Invariants: every byte the analysis reads comes from the borrowed input (no copy of the
//! document is made; signed ranges are hashed in place), and hostile input yields a
//! [`Finding`] or an [`Error`], never a panic.

mod byte_range;
mod crypto;
mod dss;
mod revisions;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use crate::object::{decode_text, Dict, Object};
use crate::sign::{signature_fields, SignatureField};
use crate::{Document, Error};

pub use byte_range::SignedRanges;
pub use crypto::{CryptoFailure, CryptoOutcome, RangeReader, SignedBytes, TimestampFacts};
pub use dss::RevocationMaterial;
pub use revisions::{FieldLock, LockAction};

/// Most signatures looked at in one document (bounds the work a hostile file can cause).
pub const MAX_SIGNATURES: usize = 256;

/// What a signature dictionary is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureKind {
    /// A signature by a person or an organisation (CMS SignedData).
    Signature,
    /// A document timestamp (`ETSI.RFC3161`, `/Type /DocTimeStamp`).
    DocumentTimestamp,
}

/// How serious a finding is for the signature it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth showing; does not change the indication.
    Note,
    /// The analysis could not conclude (the signature is at best INDETERMINATE).
    Indeterminate,
    /// The signature fails.
    Fail,
}

/// The condition a finding names; [`FindingKind::code`] is its stable machine code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind {
    /// /ByteRange is not `[0 a b c]` with `0 < a < b`, `b + c` inside the file.
    ByteRangeInvalid,
    /// The unsigned gap is not exactly this signature's /Contents hex string.
    GapNotContents,
    /// The signed bytes do not end at the end of a revision.
    NonStandardCoverage,
    /// Non-whitespace bytes follow the last `%%EOF`.
    TrailingData,
    /// A later revision changes the document in a way that is not allowed.
    DisallowedChange,
    /// A later revision's trailer points at another catalog or adds encryption.
    TrailerChanged,
    /// A later revision's cross-reference table and stream disagree (hybrid-xref trick).
    HybridXrefConflict,
    /// An object is defined in a later revision but not listed in its cross-reference data.
    HiddenObject,
    /// A later revision's cross-reference data points into the bytes of a /Contents gap.
    ObjectInSignatureGap,
    /// The cross-reference data is damaged: objects were found by scanning.
    DamagedXref,
    /// A later revision could not be read.
    UnreadableRevision,
    /// The document has more structure than the analysis is willing to walk.
    AnalysisLimit,
    /// The signature uses a legacy format (e.g. `adbe.pkcs7.sha1`).
    LegacyFormat,
    /// Changes after signing that the certification (DocMDP) does not permit.
    PermissionViolated,
    /// Changes after signing that the PDF 2.0 /P of the signature's field lock (FieldMDP)
    /// does not permit, where it is stricter than any certification.
    LockPermissionViolated,
    /// A signature present in an earlier revision was removed by a later one.
    SignatureRemoved,
    /// Allowed changes were made after signing (form filling, signatures, DSS, timestamps).
    AllowedChanges,
    /// A later revision changes the value or appearance of a field this signature locks
    /// (FieldMDP: the field's /Lock or the signature's /Reference).
    FieldLocked,
}

impl FindingKind {
    /// The stable machine code (kebab-case), used in JSON `reasons[].code`.
    pub fn code(self) -> &'static str {
        match self {
            Self::ByteRangeInvalid => "byte-range-invalid",
            Self::GapNotContents => "byte-range-gap-not-contents",
            Self::NonStandardCoverage => "non-standard-coverage",
            Self::TrailingData => "data-after-last-eof",
            Self::DisallowedChange => "modified-after-signing",
            Self::TrailerChanged => "trailer-changed",
            Self::HybridXrefConflict => "hybrid-xref-conflict",
            Self::HiddenObject => "object-outside-xref",
            Self::ObjectInSignatureGap => "object-in-signature-gap",
            Self::DamagedXref => "damaged-xref",
            Self::UnreadableRevision => "unreadable-revision",
            Self::AnalysisLimit => "analysis-limit",
            Self::LegacyFormat => "legacy-format",
            Self::PermissionViolated => "permission-violated",
            Self::LockPermissionViolated => "lock-permission-violated",
            Self::SignatureRemoved => "signature-removed",
            Self::AllowedChanges => "allowed-changes-after-signing",
            Self::FieldLocked => "field-locked",
        }
    }
}

/// One thing the coverage or revision analysis found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// English details (object numbers, offsets).
    pub message: String,
}

impl Finding {
    pub(crate) fn new(kind: FindingKind, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            kind,
            severity,
            message: message.into(),
        }
    }

    pub(crate) fn fail(kind: FindingKind, message: impl Into<String>) -> Self {
        Self::new(kind, Severity::Fail, message)
    }
}

/// What the signed bytes cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverageFacts {
    /// The whole file.
    EntireFile,
    /// A whole revision (zero-based index into [`Document::revisions`]); later revisions were
    /// analysed and their findings are in [`SignatureFacts::findings`].
    Revision(usize),
    /// Something else: the ByteRange is invalid or does not end at a revision boundary.
    NonStandard,
}

/// The DocMDP certification level of a document (ISO 32000-1 §12.8.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Certification {
    /// P: 1 no changes, 2 form filling and signing, 3 also annotations.
    pub permissions: u8,
}

/// The facts about one signature or document timestamp.
#[derive(Debug)]
pub struct SignatureFacts {
    /// Fully qualified field name.
    pub field_name: String,
    /// Signature or document timestamp.
    pub kind: SignatureKind,
    /// /SubFilter as written.
    pub sub_filter: Option<String>,
    /// /M (the PDF's claimed signing time), as written.
    pub pdf_signing_time: Option<String>,
    /// /Name, /Reason, /Location as written (decoded text).
    pub name: Option<String>,
    /// /Reason.
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// The ByteRange as written.
    pub byte_range: Vec<i64>,
    /// What the signed bytes cover.
    pub coverage: CoverageFacts,
    /// Whether this signature certifies the document (/Reference with DocMDP).
    pub certification: Option<Certification>,
    /// The field locks (FieldMDP) this signature imposes on later revisions.
    pub locks: Vec<FieldLock>,
    /// The cryptographic check (digest, CMS signature, signed attributes) or why it failed.
    pub crypto: CryptoOutcome,
    /// The signature timestamp (unsigned attribute) or, for a document timestamp, the token.
    pub timestamp: Option<TimestampFacts>,
    /// Certificates and revocation data embedded in the CMS (and in its timestamp).
    pub embedded: RevocationMaterial,
    /// ByteRange and revision-analysis findings, most serious first.
    pub findings: Vec<Finding>,
    /// Byte offset where the signed bytes end (`b + c`), when the ByteRange is usable.
    pub signed_end: Option<u64>,
    /// For a document timestamp: the DSS of the revision its signed bytes end with (the
    /// validation material it archives; empty when that revision has no DSS). `None` for a
    /// signature, or when the signed bytes do not end at a revision.
    pub covered_dss: Option<Arc<RevocationMaterial>>,
    /// The intact document timestamps whose signed bytes include this signature's, oldest
    /// first, with the DSS each one covers (what PAdES B-LTA looks for).
    pub archives: Vec<ArchiveFacts>,
}

/// A document timestamp covering a signature, as seen from that signature.
#[derive(Clone, Debug)]
pub struct ArchiveFacts {
    /// The document timestamp's field name.
    pub field_name: String,
    /// Its genTime.
    pub time: SystemTime,
    /// The DSS its signed bytes include (empty when they include none).
    pub dss: Arc<RevocationMaterial>,
}

impl SignatureFacts {
    /// The most serious finding's severity, if any.
    pub fn worst_finding(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// The facts about a whole document.
#[derive(Debug)]
pub struct DocumentFacts {
    /// Every signed signature field, in field-tree order.
    pub signatures: Vec<SignatureFacts>,
    /// Certificates, CRLs and OCSP responses from the Document Security Store (/DSS).
    pub dss: RevocationMaterial,
    /// Signature fields present but not signed.
    pub empty_fields: usize,
    /// Whether the cross-reference data was damaged (objects found by scanning).
    pub damaged: bool,
}

/// Inspects every signature of the PDF in `data`: the facts a verdict needs.
///
/// Errors are reserved for documents that cannot be read at all (not a PDF, encrypted,
/// unreadable cross-reference data, a broken form-field tree); a signature that is broken,
/// or a later revision that tampers with a signed one, is a fact in the result.
pub fn inspect(data: &[u8]) -> Result<DocumentFacts, Error> {
    inspect_with(data, SignedBytes::Mapped)
}

/// Like [`inspect`], hashing the signed bytes from `source` (which must yield exactly the
/// bytes of `data`): the CLI reads huge files with positioned reads so that verifying a 1 GB
/// document keeps its memory bounded.
pub fn inspect_with(data: &[u8], source: SignedBytes<'_>) -> Result<DocumentFacts, Error> {
    let doc = Document::open(data)?;
    let fields = signature_fields(&doc)?;
    let damaged = doc.is_reconstructed() || doc.repaired_objects() > 0;
    let empty_fields = fields.iter().filter(|f| !f.is_signed()).count();
    let signed: Vec<&SignatureField> = fields.iter().filter(|f| f.is_signed()).collect();
    if signed.len() > MAX_SIGNATURES {
        return Err(Error::TooLarge {
            what: "the list of signatures",
            limit: MAX_SIGNATURES,
        });
    }
    let dss = if signed.is_empty() {
        RevocationMaterial::default()
    } else {
        dss::read(&doc)
    };
    let gaps: Vec<(u64, u64)> = signed
        .iter()
        .filter_map(|f| f.value.as_ref())
        .filter_map(|v| byte_range::gap(&v.byte_range))
        .collect();
    let certification = revisions::document_certification(&doc);
    let mut prefixes = crypto::PrefixHashes::new(&gaps);
    let mut analysis = revisions::Analysis::new(&doc, certification, gaps);
    let mut signatures = Vec::with_capacity(signed.len());
    for field in &signed {
        let Some(value) = &field.value else { continue };
        signatures.push(inspect_signature(
            &doc,
            field,
            value,
            &mut analysis,
            source,
            &mut prefixes,
        ));
    }
    for (field, revision) in removed_signatures(&doc, &signed) {
        let Some(value) = &field.value else { continue };
        let mut facts =
            inspect_signature(&doc, &field, value, &mut analysis, source, &mut prefixes);
        facts.findings.insert(
            0,
            Finding::fail(
                FindingKind::SignatureRemoved,
                format!("this signature of revision {revision} is no longer in the document's form: a later revision removed it"),
            ),
        );
        signatures.push(facts);
    }
    link_archives(&doc, &mut signatures, &dss);
    Ok(DocumentFacts {
        signatures,
        dss,
        empty_fields,
        damaged,
    })
}

/// Fills [`SignatureFacts::covered_dss`] of the document timestamps and
/// [`SignatureFacts::archives`] of everything they cover.
fn link_archives(
    doc: &Document<'_>,
    signatures: &mut [SignatureFacts],
    newest: &RevocationMaterial,
) {
    let mut by_revision: HashMap<usize, Arc<RevocationMaterial>> = HashMap::new();
    let mut entire: Option<Arc<RevocationMaterial>> = None;
    let mut archives: Vec<(u64, ArchiveFacts)> = Vec::new();
    for sig in signatures.iter_mut() {
        if sig.kind != SignatureKind::DocumentTimestamp {
            continue;
        }
        let covered = match sig.coverage {
            CoverageFacts::EntireFile => {
                Arc::clone(entire.get_or_insert_with(|| Arc::new(newest.clone())))
            }
            CoverageFacts::Revision(k) => Arc::clone(
                by_revision
                    .entry(k)
                    .or_insert_with(|| Arc::new(dss_of_revision(doc, k))),
            ),
            CoverageFacts::NonStandard => continue,
        };
        sig.covered_dss = Some(Arc::clone(&covered));
        let intact = matches!(sig.crypto, CryptoOutcome::Verified { .. })
            && sig.worst_finding() != Some(Severity::Fail);
        let token = sig.timestamp.as_ref().filter(|t| t.outcome.is_ok());
        if let (true, Some(token), Some(end)) = (intact, token, sig.signed_end) {
            archives.push((
                end,
                ArchiveFacts {
                    field_name: sig.field_name.clone(),
                    time: token.gen_time,
                    dss: covered,
                },
            ));
        }
    }
    if archives.is_empty() {
        return;
    }
    archives.sort_by_key(|(_, a)| a.time);
    for sig in signatures.iter_mut() {
        let Some(end) = sig.signed_end else { continue };
        sig.archives = archives
            .iter()
            .filter(|(covered, _)| *covered > end)
            .map(|(_, a)| a.clone())
            .collect();
    }
}

/// The DSS of the document as it was at the end of revision `k` (zero-based).
fn dss_of_revision(doc: &Document<'_>, k: usize) -> RevocationMaterial {
    let Some(end) = doc
        .revisions()
        .get(k)
        .and_then(|&end| usize::try_from(end).ok())
    else {
        return RevocationMaterial::default();
    };
    match doc.data().get(..end).map(Document::open) {
        Some(Ok(old)) => dss::read(&old),
        _ => RevocationMaterial::default(),
    }
}

/// Most earlier revisions searched for signatures a later revision removed.
const MAX_REVISIONS_SEARCHED: usize = 64;

/// Signatures present in an earlier revision but gone from the newest one (a later revision
/// dropped the field or its value: the document would otherwise look unsigned), with the
/// one-based revision they were found in.
fn removed_signatures(
    doc: &Document<'_>,
    current: &[&SignatureField],
) -> Vec<(SignatureField, usize)> {
    let data = doc.data();
    let ends = doc.revisions();
    let known: Vec<Vec<u8>> = current
        .iter()
        .filter_map(|f| f.value.as_ref())
        .map(|v| v.contents.clone())
        .collect();
    let mut removed: Vec<(SignatureField, usize)> = Vec::new();
    let earlier = ends.len().saturating_sub(1).min(MAX_REVISIONS_SEARCHED);
    for (index, &end) in ends.iter().enumerate().take(earlier) {
        let Some(prefix) = usize::try_from(end).ok().and_then(|end| data.get(..end)) else {
            continue;
        };
        let Ok(old) = Document::open(prefix) else {
            continue;
        };
        let Ok(fields) = signature_fields(&old) else {
            continue;
        };
        for field in fields {
            let Some(value) = &field.value else { continue };
            let seen = known.contains(&value.contents)
                || removed
                    .iter()
                    .any(|(f, _)| f.value.as_ref().map(|v| &v.contents) == Some(&value.contents));
            if !seen {
                removed.push((field, index + 1));
            }
        }
    }
    removed
}

fn inspect_signature(
    doc: &Document<'_>,
    field: &SignatureField,
    value: &crate::sign::SignatureValue,
    analysis: &mut revisions::Analysis<'_, '_>,
    source: SignedBytes<'_>,
    prefixes: &mut crypto::PrefixHashes,
) -> SignatureFacts {
    let data = doc.data();
    let dict = &value.dict;
    let kind = signature_kind(dict, value.sub_filter.as_deref());
    let mut findings = Vec::new();
    let ranges = match byte_range::check(data, &value.byte_range, &value.contents) {
        Ok(ranges) => Some(ranges),
        Err(finding) => {
            findings.push(finding);
            // Hash what the ByteRange says anyway when it is at least inside the file, so the
            // report can tell "intact but non-standard" from "tampered".
            byte_range::lenient(data, &value.byte_range)
        }
    };
    let (crypto, timestamp, embedded) = match &ranges {
        Some(ranges) => crypto::check(
            data,
            ranges,
            &value.contents,
            kind,
            value.sub_filter.as_deref(),
            source,
            prefixes,
        ),
        None => (
            CryptoOutcome::Unchecked,
            None,
            crypto::embedded_material(&value.contents),
        ),
    };
    if value.sub_filter.as_deref() == Some("adbe.pkcs7.sha1") {
        findings.push(Finding::new(
            FindingKind::LegacyFormat,
            Severity::Note,
            "legacy SubFilter adbe.pkcs7.sha1 (SHA-1 digest inside the CMS)",
        ));
    }
    let signed_end = ranges.as_ref().map(SignedRanges::end);
    let field_dict = field
        .field
        .and_then(|r| doc.get(r).ok())
        .and_then(|o| o.as_dict().cloned());
    let locks = revisions::field_locks(doc, field_dict.as_ref(), dict);
    let coverage = match (&ranges, findings.is_empty()) {
        (Some(r), true) => {
            let (coverage, mut later) = analysis.coverage_and_changes(r.end(), &locks);
            findings.append(&mut later);
            coverage
        }
        _ => CoverageFacts::NonStandard,
    };
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    SignatureFacts {
        field_name: field.name.clone(),
        kind,
        sub_filter: value.sub_filter.clone(),
        pdf_signing_time: text(dict, "M"),
        name: text(dict, "Name"),
        reason: text(dict, "Reason"),
        location: text(dict, "Location"),
        byte_range: value.byte_range.clone(),
        coverage,
        certification: revisions::signature_certification(doc, dict),
        locks,
        crypto,
        timestamp,
        embedded,
        findings,
        signed_end,
        covered_dss: None,
        archives: Vec::new(),
    }
}

fn signature_kind(dict: &Dict, sub_filter: Option<&str>) -> SignatureKind {
    let doc_ts_type =
        dict.get(b"Type".as_slice()).and_then(Object::as_name) == Some(b"DocTimeStamp");
    if doc_ts_type || sub_filter == Some("ETSI.RFC3161") {
        SignatureKind::DocumentTimestamp
    } else {
        SignatureKind::Signature
    }
}

fn text(dict: &Dict, key: &str) -> Option<String> {
    dict.get(key.as_bytes())
        .and_then(Object::as_bytes)
        .map(decode_text)
        .filter(|s| !s.is_empty())
}

/// Converts a PDF date (`D:YYYYMMDDHHmmSS+HH'mm'`) to a time, if it parses.
pub fn parse_pdf_date(text: &str) -> Option<SystemTime> {
    use chrono::{FixedOffset, NaiveDate, TimeZone};
    let s = text.strip_prefix("D:").unwrap_or(text);
    let digits = |from: usize, len: usize, default: u32| -> Option<u32> {
        match s.get(from..from + len) {
            Some(part) if part.bytes().all(|b| b.is_ascii_digit()) => part.parse().ok(),
            Some(_) => None,
            None => Some(default),
        }
    };
    let year = i32::try_from(digits(0, 4, 0)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, digits(4, 2, 1)?, digits(6, 2, 1)?)?;
    let time = date.and_hms_opt(digits(8, 2, 0)?, digits(10, 2, 0)?, digits(12, 2, 0)?)?;
    let offset_secs = match s.get(14..15) {
        Some(sign @ ("+" | "-")) => {
            let hh = digits(15, 2, 0)?;
            let mm = s
                .get(18..20)
                .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(0);
            let secs = i32::try_from(hh * 3600 + mm * 60).ok()?;
            if sign == "-" {
                -secs
            } else {
                secs
            }
        }
        _ => 0,
    };
    let offset = FixedOffset::east_opt(offset_secs)?;
    let local = offset.from_local_datetime(&time).single()?;
    Some(SystemTime::from(local.with_timezone(&chrono::Utc)))
}

#[cfg(test)]
mod tests {
    use super::parse_pdf_date;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn pdf_dates_with_offsets_parse_to_utc() {
        let t = parse_pdf_date("D:20200306112734+07'00'").expect("parses");
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_583_468_854));
    }

    #[test]
    fn garbage_pdf_dates_are_refused() {
        assert!(parse_pdf_date("D:20xx0306").is_none());
        assert!(parse_pdf_date("D:20201345").is_none());
    }
}
