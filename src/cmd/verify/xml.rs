//! XML documents and edXML packages: kyso-xml checks the signatures, kyso-chain validates the
//! signers' chains with the run's anchors, time and revocation policy (through
//! [`ChainValidator`]), and the PDFs an edXML package carries go through the PDF path, so a
//! package gets one report with a line per layer.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kyso_chain::{eku, CertPool, Certificate, RevocationMode, RevocationSources, ValidationPolicy};
use kyso_pdf::verify::{RevocationMaterial, SignedBytes};
use kyso_verdict::{FileReport, Reason, SignatureVerdict};
use kyso_xml::archive::{self, ArchiveLimits};
use kyso_xml::dsig::{
    CertificatePurpose, ChainOutcome, ChainValidator, ExternalResolver, ReferenceOutcome,
    TimestampOutcome, TimestampValidator, ValidationData, ValidationTime, VerifyOptions,
    XmlSignatureReport,
};
use kyso_xml::edxml::{self, Attachment};
use kyso_xml::ParseLimits;

use super::verdict::{self, Context};

/// kyso-xml's chain seam, plugged into kyso-chain exactly as the PDF path uses it.
struct KysoChain<'a> {
    ctx: &'a Context,
}

impl ChainValidator for KysoChain<'_> {
    fn validate(&self, leaf_der: &[u8], pool: &[Vec<u8>], at: SystemTime) -> ChainOutcome {
        self.validate_with_data(leaf_der, pool, &ValidationData::default(), at)
    }

    fn validate_with_data(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        data: &ValidationData,
        at: SystemTime,
    ) -> ChainOutcome {
        let material = RevocationMaterial {
            certificates: pool.to_vec(),
            crls: data.crls.clone(),
            ocsp_responses: data.ocsp_responses.clone(),
        };
        verdict::xml_chain_outcome(leaf_der, &material, at, self.ctx)
    }

    /// The path validated offline with only the embedded CRLs and OCSP responses as
    /// revocation sources, every certificate's status required (hard fail).
    fn covered_by_data(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        data: &ValidationData,
        at: SystemTime,
        purpose: CertificatePurpose,
    ) -> Result<(), String> {
        let leaf = Certificate::from_der(leaf_der).map_err(|e| e.to_string())?;
        let mut candidates =
            CertPool::from_certs(self.ctx.intermediates.certificates().iter().cloned());
        for der in pool {
            if let Ok(cert) = Certificate::from_der(der) {
                candidates.add(cert);
            }
        }
        let mut sources = RevocationSources::new();
        for crl in &data.crls {
            let _ = sources.add_crl_der(crl);
        }
        for ocsp in &data.ocsp_responses {
            let _ = sources.add_ocsp_der(ocsp);
        }
        let mut policy = ValidationPolicy::new(
            CertPool::from_certs(self.ctx.anchors.certificates().iter().cloned()),
            at.into(),
        );
        policy.revocation = RevocationMode::HardFail;
        policy.sha1 = kyso_chain::Sha1Policy::Warn;
        if purpose == CertificatePurpose::TimeStamping {
            policy.required_ekus = vec![eku::TIME_STAMPING];
        }
        kyso_chain::validate(&leaf, &candidates, &policy, &sources)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// XAdES signature time-stamps checked with kyso-cms (imprint over the canonicalized
/// SignatureValue, the TSA's signature) and kyso-chain (the TSA chain at genTime, with the
/// critical id-kp-timeStamping EKU): the same checks as `kyso timestamp --verify`.
struct KysoTimestamps<'a> {
    ctx: &'a Context,
}

impl TimestampValidator for KysoTimestamps<'_> {
    fn validate(&self, token_der: &[u8], data: &[u8]) -> TimestampOutcome {
        let checked = kyso_cms::tsp::TimeStampToken::parse(token_der)
            .map_err(anyhow::Error::from)
            .and_then(|token| {
                token.check_imprint(data).map_err(|e| {
                    anyhow::anyhow!(crate::i18n::tr_with(
                        crate::i18n::Key::VerifyXmlTimestampOtherData,
                        &[("detail", &e.to_string())]
                    ))
                })?;
                crate::cmd::timestamp::validate_tsa(
                    &token,
                    &self.ctx.anchors,
                    &self.ctx.intermediates,
                )?;
                let tsa = token.verify().ok().map(|v| v.certificate().to_vec());
                let certificates = token
                    .signed_data
                    .certificates
                    .iter()
                    .map(|c| c.to_vec())
                    .collect();
                Ok((token.gen_time(), tsa, certificates))
            });
        match checked {
            Ok((gen_time, tsa_certificate, certificates)) => TimestampOutcome::Valid {
                time: chrono::DateTime::<chrono::Utc>::from(gen_time).to_rfc3339(),
                gen_time,
                tsa_certificate,
                certificates,
            },
            Err(err) => TimestampOutcome::Invalid {
                reason: format!("{err:#}"),
            },
        }
    }
}

/// The files a detached signature names, resolved against the signature's directory: local
/// relative references only. Network URIs, absolute paths and anything that is not a regular
/// file are refused (nothing is fetched).
struct LocalFiles {
    base: PathBuf,
}

/// The largest referenced file read.
const MAX_REFERENCED_FILE: u64 = 2 << 30;

impl ExternalResolver for LocalFiles {
    fn resolve(&self, uri: &str) -> Result<Vec<u8>, String> {
        let path = local_reference(uri)?;
        let full = self.base.join(&path);
        let meta = std::fs::metadata(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                crate::i18n::tr_path(crate::i18n::Key::VerifyFileMissing, &full)
            }
            _ => format!("{}: {e}", full.display()),
        })?;
        if !meta.is_file() {
            return Err(crate::i18n::tr_path(
                crate::i18n::Key::VerifyNotRegularFile,
                &full,
            ));
        }
        if meta.len() > MAX_REFERENCED_FILE {
            return Err(crate::i18n::tr_with(
                crate::i18n::Key::VerifyFileTooLarge,
                &[
                    ("path", &full.display().to_string()),
                    ("size", &meta.len().to_string()),
                    ("limit", &MAX_REFERENCED_FILE.to_string()),
                ],
            ));
        }
        std::fs::read(&full).map_err(|e| format!("{}: {e}", full.display()))
    }
}

/// The relative path a Reference URI names, percent-decoded; an error for URIs with a scheme
/// (network or `file:`), absolute paths, queries and fragments.
fn local_reference(uri: &str) -> Result<PathBuf, String> {
    let scheme = uri.split_once(':').map(|(s, _)| s).filter(|s| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if let Some(scheme) = scheme {
        return Err(crate::i18n::tr_with(
            crate::i18n::Key::VerifyReferenceScheme,
            &[("scheme", scheme)],
        ));
    }
    if uri.contains(['?', '#']) {
        return Err(crate::i18n::tr(crate::i18n::Key::VerifyReferenceQuery).to_owned());
    }
    let mut bytes = Vec::with_capacity(uri.len());
    let mut rest = uri.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail
                .get(..2)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    crate::i18n::tr_with(
                        crate::i18n::Key::VerifyReferenceEscape,
                        &[("uri", &format!("{uri:?}"))],
                    )
                })?;
            bytes.push(hex);
            rest = tail.get(2..).unwrap_or_default();
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    let path = String::from_utf8(bytes).map_err(|_| {
        crate::i18n::tr_with(
            crate::i18n::Key::VerifyReferenceNotUtf8,
            &[("uri", &format!("{uri:?}"))],
        )
    })?;
    let path = PathBuf::from(path);
    if path.as_os_str().is_empty() || path.is_absolute() || path.has_root() {
        return Err(crate::i18n::tr(crate::i18n::Key::VerifyReferenceAbsolute).to_owned());
    }
    Ok(path)
}

/// Verifies an XML document, or an edXML package and the PDFs it carries.
pub(super) fn verify(file: String, bytes: &[u8], ctx: &Context) -> FileReport {
    let chain = KysoChain { ctx };
    let timestamps = KysoTimestamps { ctx };
    let is_package = edxml::looks_like_edxml(bytes);
    let local = LocalFiles {
        base: Path::new(&file)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    };
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        // --at, else the time a XAdES signature time-stamp proves, else the claimed
        // SigningTime, else now (each said in the verdict).
        validation_time: match ctx.at {
            Some(at) => ValidationTime::Fixed(at.into()),
            None => ValidationTime::Signing {
                now: SystemTime::now(),
            },
        },
        chain_validator: &chain,
        // The installed intermediates are added by the chain validator.
        certificate_pool: &[],
        // Real edXML packages carry the national SDK's misspelled URI (reported, never silent).
        accept_misspelled_exc_c14n: is_package,
        detached: None,
        external: (!is_package).then_some(&local as &dyn ExternalResolver),
        timestamp_validator: Some(&timestamps),
    };
    let format = if is_package { "edxml" } else { "xml" };
    // A bug in a library must not take the batch down: it becomes this file's error.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if is_package {
            package(bytes, &options, ctx)
        } else {
            document(bytes, &options)
        }
    }))
    .unwrap_or_else(|_| {
        Err(crate::i18n::tr_with(
            crate::i18n::Key::VerifyInternal,
            &[("format", format)],
        ))
    });
    let (signatures, error) = match outcome {
        Ok(layers) => (layers.signatures, layers.error),
        Err(error) => (Vec::new(), Some(error)),
    };
    FileReport {
        file,
        format: format.to_owned(),
        signatures,
        error,
        problems: Vec::new(),
    }
}

/// The verdicts of one XML or edXML file, and a file-level error that did not stop them.
struct Layers {
    signatures: Vec<SignatureVerdict>,
    error: Option<String>,
}

fn document(bytes: &[u8], options: &VerifyOptions<'_>) -> Result<Layers, String> {
    let reports = kyso_xml::dsig::verify_document(bytes, options).map_err(|e| {
        crate::i18n::tr_with(
            crate::i18n::Key::VerifyCannotXml,
            &[("detail", &e.to_string())],
        )
    })?;
    Ok(Layers {
        signatures: reports.into_iter().map(into_verdict).collect(),
        error: None,
    })
}

/// The package's own signatures first, then those of every signed document it carries:
/// attached PDFs and XML documents, the files of attached zip archives and the layers of
/// nested edXML packages, each verdict named by its path, e.g.
/// `attachment[ho-so.zip]/entry[cong-van.pdf]/Signature1`.
fn package(bytes: &[u8], options: &VerifyOptions<'_>, ctx: &Context) -> Result<Layers, String> {
    let package = edxml::verify_package(bytes, options).map_err(|e| {
        crate::i18n::tr_with(
            crate::i18n::Key::VerifyCannotEdxml,
            &[("detail", &e.to_string())],
        )
    })?;
    let mut signatures: Vec<SignatureVerdict> =
        package.signatures.into_iter().map(into_verdict).collect();
    let mut nested = Nested::default();
    for attachment in &package.attachments {
        let label = label(attachment);
        match &attachment.content {
            Ok(content) => nested.content(&label, content, 1, options, ctx),
            Err(e) => nested.errors.push(format!("{label}: {e}")),
        }
    }
    for signature in &mut signatures {
        signature.reasons.extend(nested.notes.iter().cloned());
    }
    signatures.extend(nested.signatures);
    Ok(Layers {
        signatures,
        error: (!nested.errors.is_empty()).then(|| nested.errors.join("; ")),
    })
}

/// How deep archives and packages may nest inside a package.
const MAX_NESTING: usize = 4;

/// What the documents inside a package came to.
#[derive(Default)]
struct Nested {
    /// Their signatures, named by path.
    signatures: Vec<SignatureVerdict>,
    /// Notes for the package's own verdicts (e.g. an unsigned document inside).
    notes: Vec<Reason>,
    /// Layers that could not be verified (refused archives, malformed documents).
    errors: Vec<String>,
}

impl Nested {
    /// Verifies one carried document by its content: a PDF, a zip archive (opened in memory
    /// within [`ArchiveLimits`]), an edXML package or an XML document. Other content is not
    /// a signed document and is left alone.
    fn content(
        &mut self,
        label: &str,
        bytes: &[u8],
        depth: usize,
        options: &VerifyOptions<'_>,
        ctx: &Context,
    ) {
        let named = |verdicts: Vec<SignatureVerdict>| {
            verdicts.into_iter().map(|mut v| {
                v.id = format!("{label}/{}", v.id);
                v
            })
        };
        if is_pdf(bytes) {
            match super::pdf_signatures(bytes, SignedBytes::Mapped, ctx) {
                Ok(verdicts) if verdicts.is_empty() => self.unsigned(label),
                Ok(verdicts) => self.signatures.extend(named(verdicts)),
                Err(e) => self.errors.push(format!("{label}: {e}")),
            }
            return;
        }
        let is_zip = archive::looks_like_zip(bytes);
        let is_xml = super::looks_like_xml(
            bytes
                .get(..bytes.len().min(super::HEADER_WINDOW))
                .unwrap_or(&[]),
        );
        if !is_zip && !is_xml {
            return;
        }
        if depth > MAX_NESTING {
            self.errors.push(format!(
                "{label}: nested more than {MAX_NESTING} levels deep, not opened"
            ));
            return;
        }
        if is_zip {
            match archive::read_zip(bytes, &ArchiveLimits::default()) {
                Err(e) => self
                    .errors
                    .push(format!("{label}: zip archive refused: {e}")),
                Ok(entries) => {
                    for entry in entries {
                        let entry_label = format!("{label}/entry[{}]", entry.name);
                        match entry.content {
                            Ok(content) => {
                                self.content(&entry_label, &content, depth + 1, options, ctx)
                            }
                            Err(e) => self.errors.push(format!("{entry_label}: {e}")),
                        }
                    }
                }
            }
        } else if edxml::looks_like_edxml(bytes) {
            match edxml::verify_package(bytes, options) {
                Err(e) => self
                    .errors
                    .push(format!("{label}: cannot verify this edXML package: {e}")),
                Ok(package) => {
                    if package.signatures.is_empty() {
                        self.unsigned(label);
                    }
                    let verdicts: Vec<SignatureVerdict> =
                        package.signatures.into_iter().map(into_verdict).collect();
                    self.signatures.extend(named(verdicts));
                    for attachment in &package.attachments {
                        let inner = format!("{label}/{}", self::label(attachment));
                        match &attachment.content {
                            Ok(content) => self.content(&inner, content, depth + 1, options, ctx),
                            Err(e) => self.errors.push(format!("{inner}: {e}")),
                        }
                    }
                }
            }
        } else {
            match kyso_xml::dsig::verify_document(bytes, options) {
                Err(e) => self
                    .errors
                    .push(format!("{label}: cannot verify this XML document: {e}")),
                Ok(reports) if reports.is_empty() => self.unsigned(label),
                Ok(reports) => {
                    let verdicts = reports.into_iter().map(into_verdict).collect();
                    self.signatures.extend(named(verdicts));
                }
            }
        }
    }

    fn unsigned(&mut self, label: &str) {
        self.notes.push(Reason {
            code: "edxml-attachment-unsigned".to_owned(),
            message: format!("{label} carries no signature"),
        });
    }
}

/// The verdict, with the `integrity-ok` note the reports read (as for PDF signatures) when
/// every reference's digest matches and a certificate's key verifies the SignatureValue.
fn into_verdict(report: XmlSignatureReport) -> SignatureVerdict {
    let mut verdict = report.verdict;
    verdict.holder = report
        .signer_certificate
        .as_deref()
        .and_then(crate::cmd::cert_role::holder);
    let intact = report.signer_certificate.is_some()
        && !report.references.is_empty()
        && report
            .references
            .iter()
            .all(|r| r.outcome == ReferenceOutcome::DigestMatches);
    if intact {
        verdict.reasons.push(Reason {
            code: "integrity-ok".to_owned(),
            message: "every reference's digest matches and the signature verifies".to_owned(),
        });
    }
    verdict
}

/// `attachment[NAME]`, by ContentId when the attachment has no name.
fn label(attachment: &Attachment) -> String {
    let name = if attachment.name.is_empty() {
        &attachment.content_id
    } else {
        &attachment.name
    };
    format!("attachment[{name}]")
}

fn is_pdf(content: &[u8]) -> bool {
    let head = content
        .get(..content.len().min(super::HEADER_WINDOW))
        .unwrap_or(&[]);
    super::memchr_find(head, b"%PDF-").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_local_references_are_followed() {
        assert_eq!(
            local_reference("data%20file.pdf").ok(),
            Some(PathBuf::from("data file.pdf"))
        );
        assert_eq!(
            local_reference("sub/data.pdf").ok(),
            Some(PathBuf::from("sub/data.pdf"))
        );
        for refused in [
            "http://example.com/data.pdf",
            "https://example.com/x",
            "file:///etc/passwd",
            "/etc/passwd",
            "data.pdf#frag",
            "bad%zz",
            "",
        ] {
            assert!(local_reference(refused).is_err(), "{refused} was followed");
        }
    }

    #[test]
    fn a_pdf_attachment_is_recognised_by_content() {
        assert!(is_pdf(b"\n%PDF-1.7\n"));
        assert!(!is_pdf(b"PK\x03\x04 not a pdf"));
    }

    #[test]
    fn an_attachment_without_a_name_is_labelled_by_its_content_id() {
        let mut attachment = Attachment {
            content_id: "cid:1".to_owned(),
            name: String::new(),
            content_type: None,
            description: None,
            content: Ok(Vec::new()),
        };
        assert_eq!(label(&attachment), "attachment[cid:1]");
        attachment.name = "cong-van.pdf".to_owned();
        assert_eq!(label(&attachment), "attachment[cong-van.pdf]");
    }
}
