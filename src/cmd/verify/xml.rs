//! XML documents and edXML packages: kyso-xml checks the signatures, kyso-chain validates the
//! signers' chains with the run's anchors, time and revocation policy (through
//! [`ChainValidator`]), and the PDFs an edXML package carries go through the PDF path, so a
//! package gets one report with a line per layer.

use std::time::SystemTime;

use kyso_pdf::verify::SignedBytes;
use kyso_verdict::{FileReport, Reason, SignatureVerdict};
use kyso_xml::dsig::{
    ChainOutcome, ChainValidator, ReferenceOutcome, TimestampOutcome, TimestampValidator,
    VerifyOptions, XmlSignatureReport,
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
        verdict::xml_chain_outcome(leaf_der, pool, at, self.ctx)
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
                token
                    .check_imprint(data)
                    .map_err(|e| anyhow::anyhow!("the time-stamp is for other data: {e}"))?;
                crate::cmd::timestamp::validate_tsa(
                    &token,
                    &self.ctx.anchors,
                    &self.ctx.intermediates,
                )?;
                Ok(chrono::DateTime::<chrono::Utc>::from(token.gen_time()))
            });
        match checked {
            Ok(time) => TimestampOutcome::Valid {
                time: time.to_rfc3339(),
            },
            Err(err) => TimestampOutcome::Invalid {
                reason: format!("{err:#}"),
            },
        }
    }
}

/// Verifies an XML document, or an edXML package and the PDFs it carries.
pub(super) fn verify(file: String, bytes: &[u8], ctx: &Context) -> FileReport {
    let chain = KysoChain { ctx };
    let timestamps = KysoTimestamps { ctx };
    let is_package = edxml::looks_like_edxml(bytes);
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        // XMLDSig carries no signing time kyso-xml could validate at: --at, or now.
        validation_time: ctx.at.map_or_else(SystemTime::now, Into::into),
        chain_validator: &chain,
        // The installed intermediates are added by the chain validator.
        certificate_pool: &[],
        // Real edXML packages carry the national SDK's misspelled URI (reported, never silent).
        accept_misspelled_exc_c14n: is_package,
        detached: None,
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
    .unwrap_or_else(|_| Err(format!("internal error while verifying this {format} file")));
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
    let reports = kyso_xml::dsig::verify_document(bytes, options)
        .map_err(|e| format!("cannot verify this XML document: {e}"))?;
    Ok(Layers {
        signatures: reports.into_iter().map(into_verdict).collect(),
        error: None,
    })
}

/// The package's own signatures first, then each PDF attachment's, named
/// `attachment[NAME]/FIELD`.
fn package(bytes: &[u8], options: &VerifyOptions<'_>, ctx: &Context) -> Result<Layers, String> {
    let package = edxml::verify_package(bytes, options)
        .map_err(|e| format!("cannot verify this edXML package: {e}"))?;
    let mut signatures: Vec<SignatureVerdict> =
        package.signatures.into_iter().map(into_verdict).collect();
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let mut attached = Vec::new();
    for attachment in &package.attachments {
        let label = label(attachment);
        let content = match &attachment.content {
            Ok(content) => content,
            Err(e) => {
                errors.push(format!("{label}: {e}"));
                continue;
            }
        };
        if is_pdf(content) {
            match super::pdf_signatures(content, SignedBytes::Mapped, ctx) {
                Ok(verdicts) => attached.extend(verdicts.into_iter().map(|mut v| {
                    v.id = format!("{label}/{}", v.id);
                    v
                })),
                Err(e) => errors.push(format!("{label}: {e}")),
            }
        } else if content.starts_with(b"PK\x03\x04") {
            notes.push(Reason {
                code: "edxml-attachment-not-verified".to_owned(),
                message: format!(
                    "{label} is a zip archive: the documents inside it are not verified"
                ),
            });
        }
    }
    for signature in &mut signatures {
        signature.reasons.extend(notes.iter().cloned());
    }
    signatures.extend(attached);
    Ok(Layers {
        signatures,
        error: (!errors.is_empty()).then(|| errors.join("; ")),
    })
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
