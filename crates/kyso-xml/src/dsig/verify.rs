//! XMLDSig core validation of every `ds:Signature` in a document, with the verdict model of
//! `kyso-verdict`.
//!
//! The order of checks follows XMLDSig §3.2: references first (each must resolve to exactly
//! one node and its digest must match), then the SignatureValue over the canonical
//! SignedInfo, then the signer's chain through the caller's [`ChainValidator`].

use super::algorithms::{DigestAlgorithm, SignatureMethod};
use super::key::{self, Candidate};
use super::reference::{
    child, decode_base64, dereference_digest, inclusive_prefixes, is_dsig, node_path, IdIndex,
    Tolerance,
};
use super::xades::{self, ValidationData};
use crate::c14n::{self, canonicalize, C14nAlgorithm, C14nMode, Subtree};
use crate::parse::{decode_utf8, parse, ParseLimits};
use crate::Error;
use kyso_verdict::{Coverage, Indication, Level, Reason, SignatureVerdict, SubIndication};
use openssl::x509::X509;
use roxmltree::{Document, Node};
use std::time::SystemTime;

/// The result of validating a signer's certificate chain, produced by the caller's
/// [`ChainValidator`] (kyso-chain in the CLI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainOutcome {
    /// A path to a trust anchor was built and validated at the requested time.
    Trusted,
    /// The chain is definitely bad (e.g. revoked before the signing time).
    Failed {
        /// The ETSI sub-indication.
        sub_indication: SubIndication,
        /// Why, for the report.
        reason: String,
    },
    /// The chain could not be validated (no anchor, expired, revocation unknown…).
    Indeterminate {
        /// The ETSI sub-indication.
        sub_indication: SubIndication,
        /// Why, for the report.
        reason: String,
    },
}

/// What a certificate whose chain is checked is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificatePurpose {
    /// The signer of an XML signature.
    Signing,
    /// The TSA of a signature time-stamp.
    TimeStamping,
}

/// Validates a signer's certificate: the seam where the CLI plugs in kyso-chain.
pub trait ChainValidator {
    /// Validates `leaf_der` at `at`, with `pool` (DER certificates from the signature and the
    /// caller) available to build the path.
    fn validate(&self, leaf_der: &[u8], pool: &[Vec<u8>], at: SystemTime) -> ChainOutcome;

    /// As [`ChainValidator::validate`], with the validation data the signature embeds
    /// (XAdES `RevocationValues`) available as revocation sources. By default the data are
    /// ignored.
    fn validate_with_data(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        data: &ValidationData,
        at: SystemTime,
    ) -> ChainOutcome {
        let _ = data;
        self.validate(leaf_der, pool, at)
    }

    /// Whether `data` alone, without fetching anything, establish the revocation status of
    /// every certificate on `leaf_der`'s path at `at` (what XAdES B-LT promises). `Err` says
    /// what is missing. By default nothing is known to be covered.
    fn covered_by_data(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        data: &ValidationData,
        at: SystemTime,
        purpose: CertificatePurpose,
    ) -> Result<(), String> {
        let _ = (leaf_der, pool, data, at, purpose);
        Err("the chain validator cannot check embedded validation data".to_owned())
    }
}

/// Supplies the octets of a reference to something outside the signature document (a
/// detached signature's file). kyso-xml never opens files or the network itself.
pub trait ExternalResolver {
    /// The octets `uri` (as written in the Reference) names, or why they cannot be had.
    fn resolve(&self, uri: &str) -> Result<Vec<u8>, String>;
}

/// How to choose the time the signer's chain is validated at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationTime {
    /// At this time, whatever the signature proves or claims (`kyso verify --at`).
    Fixed(SystemTime),
    /// At the time a valid XAdES SignatureTimeStamp proves, else at the claimed SigningTime
    /// (said plainly in the verdict), else at `now`.
    Signing {
        /// The current time.
        now: SystemTime,
    },
}

/// Options for [`verify_document`].
pub struct VerifyOptions<'a> {
    /// Parser limits.
    pub limits: ParseLimits,
    /// The time to validate the chain at.
    pub validation_time: ValidationTime,
    /// Validates the signer's chain.
    pub chain_validator: &'a dyn ChainValidator,
    /// Extra certificates (DER) for path building and for signatures whose KeyInfo only
    /// names the signer.
    pub certificate_pool: &'a [Vec<u8>],
    /// Accept edXML's misspelled Exclusive C14N URI (reported in the verdict).
    pub accept_misspelled_exc_c14n: bool,
    /// The content of a detached signature: the Reference URI it is named by, and its
    /// octets. kyso-xml itself never fetches or opens anything: see `external`.
    pub detached: Option<(&'a str, &'a [u8])>,
    /// Resolves other references to outside the document (e.g. the file a detached signature
    /// names, relative to the signature, or a URL the caller agrees to fetch): the resolved
    /// URI is named in the coverage. Without it such references are unresolved.
    pub external: Option<&'a dyn ExternalResolver>,
    /// Checks XAdES SignatureTimeStamps (B-T); without it they are reported as unchecked.
    pub timestamp_validator: Option<&'a dyn xades::TimestampValidator>,
}

/// Why a reference did or did not check out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceOutcome {
    /// The recomputed digest equals DigestValue.
    DigestMatches,
    /// The recomputed digest differs.
    DigestMismatch,
    /// The reference uses something kyso does not implement.
    Unsupported {
        /// The feature's short name.
        feature: String,
    },
    /// The URI does not name exactly one node, or the reference is malformed.
    Unresolved {
        /// Why.
        reason: String,
    },
}

/// One checked `ds:Reference`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceReport {
    /// The URI attribute as written.
    pub uri: String,
    /// The `Type` attribute (e.g. XAdES SignedProperties).
    pub reference_type: Option<String>,
    /// What the reference covers: a path naming the node, and what was cut out.
    pub covered: String,
    /// The result.
    pub outcome: ReferenceOutcome,
}

/// The full result for one signature: the shared verdict plus the XML details.
#[derive(Clone, Debug, PartialEq)]
pub struct XmlSignatureReport {
    /// The verdict as rendered by the CLI.
    pub verdict: SignatureVerdict,
    /// Every reference, in SignedInfo order.
    pub references: Vec<ReferenceReport>,
    /// The certificate whose key verified the SignatureValue (DER).
    pub signer_certificate: Option<Vec<u8>>,
}

/// Verifies every `ds:Signature` element of `xml`.
///
/// Document-level problems (not UTF-8, DOCTYPE, malformed, limits) are errors; everything
/// about an individual signature is in its verdict. An empty vector means "not signed".
pub fn verify_document(
    xml: &[u8],
    options: &VerifyOptions<'_>,
) -> Result<Vec<XmlSignatureReport>, Error> {
    let text = decode_utf8(xml, &options.limits)?;
    let doc = parse(text, &options.limits)?;
    Ok(verify_parsed(&doc, options))
}

/// As [`verify_document`], over an already parsed document.
pub fn verify_parsed(doc: &Document<'_>, options: &VerifyOptions<'_>) -> Vec<XmlSignatureReport> {
    let ids = IdIndex::new(doc);
    doc.descendants()
        .filter(|n| is_dsig(*n, "Signature"))
        .map(|sig| verify_signature(doc, &ids, sig, options))
        .collect()
}

struct Draft {
    verdict: SignatureVerdict,
}

impl Draft {
    fn new(id: String) -> Self {
        Self {
            verdict: SignatureVerdict {
                id,
                kind: "signature".to_owned(),
                indication: Indication::Passed,
                sub_indication: None,
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
                reasons: Vec::new(),
            },
        }
    }

    /// Records a problem; FAILED beats INDETERMINATE beats PASSED, the first cause stays.
    fn fail(&mut self, indication: Indication, sub: SubIndication, code: &str, message: String) {
        let v = &mut self.verdict;
        let worse = matches!(
            (v.indication, indication),
            (
                Indication::Passed,
                Indication::Failed | Indication::Indeterminate
            ) | (Indication::Indeterminate, Indication::Failed)
        );
        if worse {
            v.indication = indication;
            v.sub_indication = Some(sub);
        }
        v.reasons.push(Reason {
            code: code.to_owned(),
            message,
        });
    }

    fn note(&mut self, code: &str, message: String) {
        self.verdict.reasons.push(Reason {
            code: code.to_owned(),
            message,
        });
    }
}

fn verify_signature(
    doc: &Document<'_>,
    ids: &IdIndex,
    signature: Node<'_, '_>,
    options: &VerifyOptions<'_>,
) -> XmlSignatureReport {
    let id = signature
        .attribute("Id")
        .map_or_else(|| node_path(signature), str::to_owned);
    let mut draft = Draft::new(id);
    let mut references = Vec::new();
    let mut signer_certificate = None;

    let Some(signed_info) = child(signature, "SignedInfo") else {
        draft.fail(
            Indication::Failed,
            SubIndication::FormatFailure,
            "malformed-signature",
            "Signature has no SignedInfo".to_owned(),
        );
        return finish(draft, references, signer_certificate);
    };

    // References.
    let tolerance = Tolerance {
        misspelled_exc_c14n: options.accept_misspelled_exc_c14n,
        detached: options.detached,
        external: options.external,
    };
    let mut covered_nodes = Vec::new();
    let reference_nodes: Vec<Node<'_, '_>> = signed_info
        .children()
        .filter(|c| is_dsig(*c, "Reference"))
        .collect();
    if reference_nodes.is_empty() {
        draft.fail(
            Indication::Failed,
            SubIndication::FormatFailure,
            "malformed-signature",
            "SignedInfo has no Reference".to_owned(),
        );
    }
    let mut signed_properties = None;
    for reference in reference_nodes {
        let report = check_reference(
            doc, ids, signature, reference, tolerance, options, &mut draft,
        );
        if let Some((r, target)) = report {
            if r.outcome == ReferenceOutcome::DigestMatches {
                covered_nodes.push(r.covered.clone());
                if r.reference_type.as_deref() == Some(xades::SIGNED_PROPERTIES_TYPE) {
                    signed_properties = target;
                }
            }
            references.push(r);
        }
    }
    draft.verdict.coverage = Coverage::Nodes(covered_nodes);

    // SignatureMethod and SignatureValue.
    let method_element = child(signed_info, "SignatureMethod");
    let method_uri = method_element
        .and_then(|m| m.attribute("Algorithm"))
        .unwrap_or("");
    draft.verdict.format = method_uri.to_owned();
    let method = SignatureMethod::from_uri(method_uri);
    let c14n_element = child(signed_info, "CanonicalizationMethod");
    let c14n_uri = c14n_element
        .and_then(|m| m.attribute("Algorithm"))
        .unwrap_or("");
    let c14n_mode = C14nMode::from_uri(c14n_uri).or_else(|| {
        (options.accept_misspelled_exc_c14n && c14n_uri == c14n::EXC_C14N_MISSPELLED).then_some(
            C14nMode {
                algorithm: C14nAlgorithm::Exclusive10,
                with_comments: false,
            },
        )
    });
    let signature_value = child(signature, "SignatureValue")
        .and_then(|v| decode_base64(v.text().unwrap_or("").as_bytes()));

    let (Some(method), Some(method_element), Some(c14n_mode), Some(signature_value)) =
        (method, method_element, c14n_mode, signature_value)
    else {
        if SignatureMethod::from_uri(method_uri).is_none() {
            draft.fail(
                Indication::Indeterminate,
                SubIndication::CryptoConstraintsFailure,
                "unsupported-algorithm",
                format!(
                    "unsupported: {} (SignatureMethod {method_uri})",
                    super::algorithms::unsupported_feature(method_uri)
                ),
            );
        } else if C14nMode::from_uri(c14n_uri).is_none() {
            draft.fail(
                Indication::Indeterminate,
                SubIndication::SignedDataNotFound,
                "unsupported-transform",
                format!(
                    "unsupported: {} (CanonicalizationMethod {c14n_uri})",
                    super::algorithms::unsupported_feature(c14n_uri)
                ),
            );
        } else {
            draft.fail(
                Indication::Failed,
                SubIndication::FormatFailure,
                "malformed-signature",
                "SignatureValue missing or not base64".to_owned(),
            );
        }
        return finish(draft, references, signer_certificate);
    };
    if method.digest().is_some_and(DigestAlgorithm::is_legacy) {
        draft.note(
            "legacy-algorithm",
            format!("legacy signature algorithm {method_uri} (SHA-1)"),
        );
    }
    if c14n_uri == c14n::EXC_C14N_MISSPELLED {
        draft.note(
            "misspelled-transform-uri",
            format!("CanonicalizationMethod {c14n_uri} treated as Exclusive C14N 1.0"),
        );
    }

    let mut signed_octets = Vec::new();
    let prefixes = c14n_element.map(inclusive_prefixes).unwrap_or_default();
    canonicalize(
        doc,
        &Subtree::of(signed_info, &[]),
        c14n_mode,
        &prefixes,
        &mut signed_octets,
    );

    // Keys.
    let (mut certs, bare_keys) = match key::candidates(doc, ids, key::key_info(signature)) {
        Ok(found) => found,
        Err(e) => {
            draft.fail(
                Indication::Indeterminate,
                SubIndication::NoSigningCertificateFound,
                "key-info",
                e.to_string(),
            );
            (Vec::new(), Vec::new())
        }
    };
    let embedded: Vec<Vec<u8>> = certs.iter().filter_map(|c| c.to_der().ok()).collect();
    for der in options.certificate_pool {
        if let Ok(c) = X509::from_der(der) {
            certs.push(c);
        }
    }
    let mut candidates: Vec<Candidate> = certs.into_iter().map(Candidate::Certificate).collect();
    candidates.extend(bare_keys.into_iter().map(Candidate::Bare));

    let mut verified_with = None;
    for candidate in &candidates {
        let Ok(pkey) = candidate.public_key() else {
            continue;
        };
        match key::verify_signature(
            method,
            method_element,
            &pkey,
            &signed_octets,
            &signature_value,
        ) {
            Ok(true) => {
                verified_with = Some(candidate);
                break;
            }
            Ok(false) => {}
            Err(e @ Error::Unsupported { .. }) => {
                draft.fail(
                    Indication::Indeterminate,
                    SubIndication::CryptoConstraintsFailure,
                    "unsupported-signature-value",
                    e.to_string(),
                );
                return finish(draft, references, signer_certificate);
            }
            Err(e) => draft.note("signature-value", e.to_string()),
        }
    }

    match verified_with {
        None if candidates.is_empty() => draft.fail(
            Indication::Indeterminate,
            SubIndication::NoSigningCertificateFound,
            "no-key",
            "no certificate or key to verify the signature with".to_owned(),
        ),
        None => draft.fail(
            Indication::Failed,
            SubIndication::SigCryptoFailure,
            "signature-mismatch",
            "SignatureValue does not verify with any offered key".to_owned(),
        ),
        Some(Candidate::Bare(_)) => draft.fail(
            Indication::Indeterminate,
            SubIndication::NoSigningCertificateFound,
            "bare-key",
            "the signature verifies with a bare KeyValue: no certificate, no identity".to_owned(),
        ),
        Some(Candidate::Certificate(cert)) => {
            describe_signer(&mut draft, cert);
            let leaf = cert.to_der().unwrap_or_default();
            signer_certificate = Some(leaf.clone());
            let data = xades::validation_data(signature, &mut draft.verdict);
            let mut pool = embedded.clone();
            pool.extend(options.certificate_pool.iter().cloned());
            pool.extend(data.certificates.iter().cloned());
            pool.retain(|c| *c != leaf);
            pool.sort();
            pool.dedup();
            let mut proven = None;
            if let Some(props) = signed_properties.and_then(|id| doc.get_node(id)) {
                xades::check_signed_properties(props, &leaf, &mut draft.verdict);
                if draft.verdict.level >= Level::BB {
                    proven = xades::check_signature_timestamps(
                        signature,
                        options.timestamp_validator,
                        &mut draft.verdict,
                    );
                }
            }
            let at = validation_time(options.validation_time, proven.as_ref(), &mut draft);
            match options
                .chain_validator
                .validate_with_data(&leaf, &pool, &data, at)
            {
                ChainOutcome::Trusted => {}
                ChainOutcome::Failed {
                    sub_indication,
                    reason,
                } => draft.fail(Indication::Failed, sub_indication, "chain", reason),
                ChainOutcome::Indeterminate {
                    sub_indication,
                    reason,
                } => draft.fail(Indication::Indeterminate, sub_indication, "chain", reason),
            }
            if let Some(proven) = proven.filter(|_| draft.verdict.level == Level::BT) {
                long_term_level(options, &leaf, &pool, &data, at, &proven, &mut draft);
            }
        }
    }
    finish(draft, references, signer_certificate)
}

/// The time to validate the signer's chain at, with a note saying which and why.
fn validation_time(
    policy: ValidationTime,
    proven: Option<&xades::ProvenTime>,
    draft: &mut Draft,
) -> SystemTime {
    let claimed = draft
        .verdict
        .signing_time
        .as_deref()
        .and_then(xades::parse_date_time);
    match (policy, proven, claimed) {
        (ValidationTime::Fixed(at), _, _) => {
            draft.note(
                "validation-time",
                format!("validated at {} as requested", xades::vietnam_date_time(at)),
            );
            at
        }
        (ValidationTime::Signing { .. }, Some(proven), _) => {
            draft.note(
                "validation-time",
                format!(
                    "validated at the time proven by the signature time-stamp, {}",
                    xades::vietnam_date_time(proven.at)
                ),
            );
            proven.at
        }
        (ValidationTime::Signing { .. }, None, Some(claimed)) => {
            draft.note(
                "validation-time-claimed",
                format!(
                    "no trusted time-stamp: validated at the signing time the signer claims, {} \
                     (unproven)",
                    xades::vietnam_date_time(claimed)
                ),
            );
            claimed
        }
        (ValidationTime::Signing { now }, None, None) => {
            draft.note(
                "validation-time-now",
                "no signing time at all: validated at the current time".to_owned(),
            );
            now
        }
    }
}

/// B-T becomes B-LT when the embedded validation data alone establish the revocation status
/// of the signer's chain and of the signature time-stamp's TSA chain.
fn long_term_level(
    options: &VerifyOptions<'_>,
    leaf: &[u8],
    pool: &[Vec<u8>],
    data: &ValidationData,
    at: SystemTime,
    proven: &xades::ProvenTime,
    draft: &mut Draft,
) {
    if data.is_empty() {
        return;
    }
    let validator = options.chain_validator;
    let signer = validator.covered_by_data(leaf, pool, data, at, CertificatePurpose::Signing);
    let tsa = match &proven.tsa_certificate {
        Some(tsa) => {
            let mut tsa_pool = pool.to_vec();
            tsa_pool.extend(proven.certificates.iter().cloned());
            tsa_pool.retain(|c| c != tsa);
            validator.covered_by_data(
                tsa,
                &tsa_pool,
                data,
                proven.at,
                CertificatePurpose::TimeStamping,
            )
        }
        None => Err("the signature time-stamp names no TSA certificate".to_owned()),
    };
    match (signer, tsa) {
        (Ok(()), Ok(())) => draft.verdict.level = Level::BLt,
        (Err(why), _) => draft.note(
            "validation-data-incomplete",
            format!("the embedded validation data do not cover the signer's chain: {why}"),
        ),
        (_, Err(why)) => draft.note(
            "validation-data-incomplete",
            format!("the embedded validation data do not cover the TSA's chain: {why}"),
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn check_reference(
    doc: &Document<'_>,
    ids: &IdIndex,
    signature: Node<'_, '_>,
    reference: Node<'_, '_>,
    tolerance: Tolerance<'_>,
    options: &VerifyOptions<'_>,
    draft: &mut Draft,
) -> Option<(ReferenceReport, Option<roxmltree::NodeId>)> {
    let uri = reference.attribute("URI").unwrap_or("").to_owned();
    let reference_type = reference.attribute("Type").map(str::to_owned);
    let mut report = ReferenceReport {
        uri: uri.clone(),
        reference_type,
        covered: String::new(),
        outcome: ReferenceOutcome::DigestMatches,
    };
    let digest_uri = child(reference, "DigestMethod")
        .and_then(|d| d.attribute("Algorithm"))
        .unwrap_or("");
    let Some(digest) = DigestAlgorithm::from_uri(digest_uri) else {
        let feature = super::algorithms::unsupported_feature(digest_uri);
        draft.fail(
            Indication::Indeterminate,
            SubIndication::CryptoConstraintsFailure,
            "unsupported-algorithm",
            format!("unsupported: {feature} (DigestMethod {digest_uri})"),
        );
        report.outcome = ReferenceOutcome::Unsupported {
            feature: feature.to_owned(),
        };
        return Some((report, None));
    };
    if digest.is_legacy() {
        draft.note(
            "legacy-algorithm",
            format!("legacy digest {digest_uri} in reference {uri:?}"),
        );
    }
    let expected = child(reference, "DigestValue")
        .and_then(|v| decode_base64(v.text().unwrap_or("").as_bytes()));
    match dereference_digest(
        doc,
        ids,
        signature,
        reference,
        tolerance,
        &options.limits,
        digest,
    ) {
        Ok(d) => {
            report.covered = d.covered;
            for w in d.warnings {
                draft.note("misspelled-transform-uri", w);
            }
            let actual = d.digest;
            if actual.is_none() || actual != expected {
                report.outcome = ReferenceOutcome::DigestMismatch;
                draft.fail(
                    Indication::Failed,
                    SubIndication::HashFailure,
                    "digest-mismatch",
                    format!("reference {uri:?}: digest does not match"),
                );
            }
            Some((report, d.target))
        }
        Err(Error::ExternalUnavailable { uri: what, reason }) => {
            draft.fail(
                Indication::Indeterminate,
                SubIndication::SignedDataNotFound,
                "external-unavailable",
                format!("reference {what:?}: the referenced data are not available: {reason}"),
            );
            report.outcome = ReferenceOutcome::Unresolved { reason };
            Some((report, None))
        }
        Err(Error::Unsupported { feature, uri: what }) => {
            draft.fail(
                Indication::Indeterminate,
                SubIndication::SignedDataNotFound,
                "unsupported-transform",
                format!("unsupported: {feature} ({what}) in reference {uri:?}"),
            );
            report.outcome = ReferenceOutcome::Unsupported {
                feature: feature.to_owned(),
            };
            Some((report, None))
        }
        Err(e) => {
            draft.fail(
                Indication::Failed,
                SubIndication::FormatFailure,
                "reference-unresolved",
                format!("reference {uri:?}: {e}"),
            );
            report.outcome = ReferenceOutcome::Unresolved {
                reason: e.to_string(),
            };
            Some((report, None))
        }
    }
}

fn describe_signer(draft: &mut Draft, cert: &X509) {
    let v = &mut draft.verdict;
    v.signer = Some(name_string(cert.subject_name()));
    v.issuer = Some(name_string(cert.issuer_name()));
    v.organization = cert
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::ORGANIZATIONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok());
    if let Ok(der) = cert.to_der() {
        use der::Decode;
        if let Ok(parsed) = x509_cert::Certificate::from_der(&der) {
            let validity = &parsed.tbs_certificate.validity;
            v.certificate_not_before = Some(xades::vietnam_date_time(
                validity.not_before.to_system_time(),
            ));
            v.certificate_not_after = Some(xades::vietnam_date_time(
                validity.not_after.to_system_time(),
            ));
        }
    }
}

/// An RFC 4514-style rendering, most significant RDN last as OpenSSL stores them.
pub(crate) fn name_string(name: &openssl::x509::X509NameRef) -> String {
    let mut parts: Vec<String> = name
        .entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?").to_owned();
            let value = e.data().to_string().unwrap_or_default();
            format!("{key}={value}")
        })
        .collect();
    parts.reverse();
    parts.join(",")
}

fn finish(
    draft: Draft,
    references: Vec<ReferenceReport>,
    signer_certificate: Option<Vec<u8>>,
) -> XmlSignatureReport {
    XmlSignatureReport {
        verdict: draft.verdict,
        references,
        signer_certificate,
    }
}
