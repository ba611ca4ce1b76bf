//! edXML packages (QCVN 102:2016/BTTTT), the envelope of the national document-exchange axis.
//!
//! A package is verified in two layers: the enveloped XML signature over the whole package
//! (here), then every attached document on its own (the caller hands the decoded
//! [`Attachment`]s to the PDF verifier). The misspelled Exclusive C14N URI that the national
//! SDK writes is accepted and reported in the verdict, never silently.

use crate::dsig::{node_path, verify_parsed, VerifyOptions, XmlSignatureReport};
use crate::parse::{decode_utf8, parse};
use crate::Error;
use kyso_verdict::{Coverage, Indication, Level, Reason, SignatureVerdict, SubIndication};
use roxmltree::Node;

/// The edXML namespace.
pub const EDXML_NS: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

/// One attached document, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// `ContentId` (e.g. `cid:…`), as referenced from the manifest.
    pub content_id: String,
    /// `AttachmentName`, the file name.
    pub name: String,
    /// `ContentType` (MIME type), when given.
    pub content_type: Option<String>,
    /// `Description`, when given.
    pub description: Option<String>,
    /// The decoded bytes, or why they could not be decoded.
    pub content: Result<Vec<u8>, AttachmentError>,
}

/// Why an attachment's content is unavailable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttachmentError {
    /// No `ContentTransferEncoded` element.
    #[error("attachment has no ContentTransferEncoded element")]
    Missing,
    /// The base64 text does not decode.
    #[error("attachment content is not valid base64")]
    InvalidBase64,
}

/// The result of verifying one package.
#[derive(Clone, Debug, PartialEq)]
pub struct EdxmlPackage {
    /// One entry per signature element found (XMLDSig or a misplaced SDK placeholder);
    /// empty for an unsigned package (e.g. a status message).
    pub signatures: Vec<XmlSignatureReport>,
    /// Every attachment, in document order.
    pub attachments: Vec<Attachment>,
    /// Whether this is a status (feedback) message rather than a document message.
    pub is_status_message: bool,
}

/// Cheap content sniffing for the CLI's dispatch: whether `bytes` start like an edXML
/// package (an `edXML` root element in the QCVN 102 namespace within the first 4 KiB).
/// [`verify_package`] still checks properly.
pub fn looks_like_edxml(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head);
    head.contains("<edXML") && head.contains(EDXML_NS)
}

/// Verifies an edXML package's signature and decodes its attachments.
///
/// The misspelled exclusive-C14N URI is tolerated whatever `options` say; each use is a
/// `misspelled-transform-uri` reason in the verdict.
pub fn verify_package(bytes: &[u8], options: &VerifyOptions<'_>) -> Result<EdxmlPackage, Error> {
    let text = decode_utf8(bytes, &options.limits)?;
    let doc = parse(text, &options.limits)?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(EDXML_NS) || root.tag_name().name() != "edXML" {
        return Err(Error::MissingElement {
            element: "edXML",
            parent: "document",
        });
    }
    let tolerant = VerifyOptions {
        limits: options.limits,
        validation_time: options.validation_time,
        chain_validator: options.chain_validator,
        certificate_pool: options.certificate_pool,
        accept_misspelled_exc_c14n: true,
        detached: None,
        external: None,
        timestamp_validator: options.timestamp_validator,
    };
    let mut signatures = verify_parsed(&doc, &tolerant);
    for report in &mut signatures {
        check_package_coverage(report);
    }
    // The SDK writes a bare <Signature>, which is an edXML element, not a signature.
    for bare in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Signature")
        .filter(|n| n.tag_name().namespace() == Some(EDXML_NS))
    {
        signatures.push(not_a_signature(bare));
    }
    let attachments = root
        .children()
        .filter(|n| is_edxml(*n, "AttachmentEncoded"))
        .flat_map(|n| n.children().filter(|c| is_edxml(*c, "Attachment")))
        .map(decode_attachment)
        .collect();
    let is_status_message = doc.descendants().any(|n| is_edxml(n, "StatusCode"));
    Ok(EdxmlPackage {
        signatures,
        attachments,
        is_status_message,
    })
}

fn is_edxml(node: Node<'_, '_>, local: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == local
        && node.tag_name().namespace() == Some(EDXML_NS)
}

fn text_of(node: Node<'_, '_>, local: &str) -> Option<String> {
    node.children()
        .find(|c| is_edxml(*c, local))
        .and_then(|c| c.text())
        .map(|t| t.trim().to_owned())
}

fn decode_attachment(node: Node<'_, '_>) -> Attachment {
    let content = match node
        .children()
        .find(|c| is_edxml(*c, "ContentTransferEncoded"))
    {
        None => Err(AttachmentError::Missing),
        Some(encoded) => {
            let text: String = encoded
                .children()
                .filter(Node::is_text)
                .filter_map(|t| t.text())
                .collect();
            crate::dsig::decode_base64_text(&text).ok_or(AttachmentError::InvalidBase64)
        }
    };
    Attachment {
        content_id: text_of(node, "ContentId").unwrap_or_default(),
        name: text_of(node, "AttachmentName").unwrap_or_default(),
        content_type: text_of(node, "ContentType"),
        description: text_of(node, "Description"),
        content,
    }
}

/// A package signature must cover the whole package (`URI=""`), attachments included.
fn check_package_coverage(report: &mut XmlSignatureReport) {
    let whole = report
        .references
        .iter()
        .any(|r| r.uri.is_empty() && r.outcome == crate::dsig::ReferenceOutcome::DigestMatches);
    if !whole && report.verdict.indication == Indication::Passed {
        report.verdict.indication = Indication::Indeterminate;
        report.verdict.sub_indication = Some(SubIndication::SignedDataNotFound);
        report.verdict.reasons.push(Reason {
            code: "edxml-partial-coverage".to_owned(),
            message: "the package signature does not cover the whole package (URI=\"\")".to_owned(),
        });
    }
}

fn not_a_signature(node: Node<'_, '_>) -> XmlSignatureReport {
    XmlSignatureReport {
        verdict: SignatureVerdict {
            id: node_path(node),
            kind: "signature".to_owned(),
            indication: Indication::Failed,
            sub_indication: Some(SubIndication::FormatFailure),
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
            reasons: vec![Reason {
                code: "edxml-signature-not-xmldsig".to_owned(),
                message: "Signature element is in the edXML namespace, not XMLDSig: the SDK's \
                          placeholder, not a verifiable signature"
                    .to_owned(),
            }],
        },
        references: Vec::new(),
        signer_certificate: None,
    }
}
