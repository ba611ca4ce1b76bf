//! Producing XMLDSig signatures (enveloped, enveloping, detached), optionally XAdES B-B.
//!
//! The signature is written as text and then re-parsed, so every digest and the SignedInfo
//! canonical form are computed on exactly the bytes a verifier will parse: in the whole
//! document, or, with Exclusive C14N (the default, which makes the signed octets independent
//! of where the Signature element sits), in the Signature alone. An enveloped reference's
//! digest is taken on the content before the Signature goes in (the node set the
//! enveloped-signature transform leaves), so a large document is parsed once.

use super::algorithms::{DigestAlgorithm, SignatureMethod, DSIG_NS, ENVELOPED};
use super::key::der_ecdsa_to_raw;
use super::reference::{is_dsig, IdIndex};
use super::xades;
use crate::c14n::{canonicalize, C14nAlgorithm, C14nMode, Subtree};
use crate::parse::{decode_utf8, parse, ParseLimits};
use crate::Error;
use base64::Engine;
use kyso_keys::{HashAlgorithm, KeyKind, SignatureAlgorithm, Signer};
use roxmltree::{Document, Node};
use std::time::SystemTime;

/// Where the signature goes and what it references.
#[derive(Clone, Debug)]
pub enum Placement {
    /// Inside the signed document, `URI=""` with the enveloped-signature transform. The
    /// Signature is appended to the document element, or to the element `parent` names.
    Enveloped {
        /// `#ID` (the one element carrying that ID) or a local name (the first element with
        /// it, in document order).
        parent: Option<String>,
    },
    /// The document's root element goes inside `ds:Object`, referenced by ID.
    Enveloping,
    /// A standalone Signature referencing external content by `uri` (e.g. its file name);
    /// the content's octets are digested as they are.
    Detached {
        /// The Reference URI to write.
        uri: String,
    },
}

/// XAdES baseline B-B properties.
#[derive(Clone, Debug)]
pub struct XadesOptions {
    /// The claimed signing time (written as UTC).
    pub signing_time: SystemTime,
    /// `DataObjectFormat/MimeType` of the signed content (e.g. `text/xml`), when wanted.
    pub mime_type: Option<String>,
    /// `SignaturePolicyIdentifier`, when the signature is made under an explicit policy.
    pub policy: Option<SignaturePolicy>,
}

impl XadesOptions {
    /// SigningTime and SigningCertificateV2 only.
    pub fn new(signing_time: SystemTime) -> Self {
        Self {
            signing_time,
            mime_type: None,
            policy: None,
        }
    }
}

/// An explicit signature policy (`xades:SignaturePolicyId`).
#[derive(Clone, Debug)]
pub struct SignaturePolicy {
    /// The policy identifier, e.g. `urn:oid:2.16.704.1.…`.
    pub identifier: String,
    /// The digest algorithm of `hash`.
    pub digest: DigestAlgorithm,
    /// The digest of the policy document.
    pub hash: Vec<u8>,
    /// Where the policy document can be found (`SPURI` qualifier), if published.
    pub uri: Option<String>,
}

/// How to sign.
#[derive(Clone, Debug)]
pub struct SignOptions {
    /// Signature scheme and hash (the digest of references uses the same hash).
    pub algorithm: SignatureAlgorithm,
    /// Canonicalization of SignedInfo and of the references.
    pub c14n: C14nMode,
    /// Enveloped, enveloping or detached.
    pub placement: Placement,
    /// XAdES B-B properties, when wanted.
    pub xades: Option<XadesOptions>,
    /// Parser limits for the input.
    pub limits: ParseLimits,
}

impl SignOptions {
    /// Enveloped, Exclusive C14N, the signer's default algorithm, no XAdES.
    pub fn enveloped(algorithm: SignatureAlgorithm) -> Self {
        Self {
            algorithm,
            c14n: C14nMode {
                algorithm: C14nAlgorithm::Exclusive10,
                with_comments: false,
            },
            placement: Placement::Enveloped { parent: None },
            xades: None,
            limits: ParseLimits::default(),
        }
    }
}

fn digest_of(hash: HashAlgorithm) -> DigestAlgorithm {
    match hash {
        HashAlgorithm::Sha256 => DigestAlgorithm::Sha256,
        HashAlgorithm::Sha384 => DigestAlgorithm::Sha384,
        HashAlgorithm::Sha512 => DigestAlgorithm::Sha512,
    }
}

fn method_of(algorithm: SignatureAlgorithm) -> SignatureMethod {
    match algorithm {
        SignatureAlgorithm::RsaPkcs1v15(h) => SignatureMethod::RsaPkcs1(digest_of(h)),
        SignatureAlgorithm::RsaPss(h) => SignatureMethod::RsaPss(digest_of(h)),
        SignatureAlgorithm::Ecdsa(h) => SignatureMethod::Ecdsa(digest_of(h)),
    }
}

const DIGEST_PLACEHOLDER: &str = "KYSO-DIGEST-PLACEHOLDER";
const SIGNATURE_PLACEHOLDER: &str = "KYSO-SIGNATURE-PLACEHOLDER";

/// Signs `content` and returns the signed XML document.
///
/// For [`Placement::Detached`], `content` is the external file (any bytes) and the result is
/// a standalone Signature document; otherwise `content` must be UTF-8 XML.
pub fn sign_document(
    content: &[u8],
    signer: &dyn Signer,
    options: &SignOptions,
) -> Result<Vec<u8>, Error> {
    let method = method_of(options.algorithm);
    let digest = digest_of(options.algorithm.hash());
    let ids = IdGenerator::new(content);
    let sig_id = ids.fresh("Signature")?;
    let object_id = ids.fresh("Object")?;
    let props_id = ids.fresh("SignedProperties")?;
    let reference_id = ids.fresh("Reference")?;

    // 1. The document with the Signature in place; reference digests are placeholders.
    // `outer`: for an enveloped Signature whose SignedInfo is canonicalized exclusively, the
    // content and where the finished Signature goes (see below).
    let (document, content_reference, outer) = match &options.placement {
        Placement::Enveloped { parent } => {
            let text = decode_utf8(content, &options.limits)?;
            // Only where the Signature goes and the content's digest are kept of the
            // content's tree, which is dropped before the signed document is built (bounded
            // memory for large documents).
            let (insertion, value) = {
                let doc = parse(text, &options.limits)?;
                let target = match parent.as_deref() {
                    None => doc.root_element(),
                    Some(id) if id.starts_with('#') => IdIndex::new(&doc)
                        .resolve(&doc, id.get(1..).unwrap_or(""), id)
                        .map_err(|_| Error::NoSuchParent(id.to_owned()))?,
                    Some(name) => doc
                        .descendants()
                        .find(|n| n.is_element() && n.tag_name().name() == name)
                        .ok_or_else(|| Error::NoSuchParent(name.to_owned()))?,
                };
                // What a verifier digests for `URI=""` with the enveloped-signature
                // transform: the document without the Signature, which is not there yet.
                let value = super::reference::unsigned_document_digest(&doc, options.c14n, digest)?;
                (Insertion::inside(text, target), b64(&value))
            };
            let reference = reference_xml(
                "",
                Some(&reference_id),
                None,
                &[ENVELOPED, options.c14n.uri()],
                digest,
                &value,
            );
            let signature = signature_xml(
                &sig_id,
                method,
                options,
                &reference,
                &props_id,
                &reference_id,
                &object_id,
                None,
                signer,
            )?;
            if options.c14n.algorithm == C14nAlgorithm::Exclusive10 {
                // Exclusive C14N canonicalizes SignedInfo and SignedProperties the same alone
                // as in the document (the Signature declares its namespaces, no xml:*
                // attribute is inherited): only the Signature is parsed, never the document
                // again, which then exists once, finished.
                (signature, Some(value), Some((text, insertion)))
            } else {
                (insertion.apply(text, &signature), Some(value), None)
            }
        }
        Placement::Enveloping => {
            let text = decode_utf8(content, &options.limits)?;
            let doc = parse(text, &options.limits)?;
            let root = doc.root_element().range();
            let inner = text.get(root).unwrap_or("");
            let reference = reference_xml(
                &format!("#{object_id}"),
                Some(&reference_id),
                None,
                &[options.c14n.uri()],
                digest,
                DIGEST_PLACEHOLDER,
            );
            let signature = signature_xml(
                &sig_id,
                method,
                options,
                &reference,
                &props_id,
                &reference_id,
                &object_id,
                Some(inner),
                signer,
            )?;
            (
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{signature}\n"),
                None,
                None,
            )
        }
        Placement::Detached { uri } => {
            let value = b64(&digest.digest(content)?);
            let reference =
                reference_xml(&escape(uri), Some(&reference_id), None, &[], digest, &value);
            let signature = signature_xml(
                &sig_id,
                method,
                options,
                &reference,
                &props_id,
                &reference_id,
                &object_id,
                None,
                signer,
            )?;
            (
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{signature}\n"),
                Some(value),
                None,
            )
        }
    };

    let mut document = document;
    // 2. One parse of the document with the Signature in place: the reference digests, the
    //    canonical SignedInfo, and where the placeholders sit (by byte range, so the same
    //    text elsewhere in the content is never touched).
    let (mut signed_octets, mut fills) = {
        let doc = parse(&document, &options.limits)?;
        let signature = find_signature(&doc, &sig_id)?;
        let signed_info = signature
            .children()
            .find(|c| is_dsig(*c, "SignedInfo"))
            .ok_or(Error::MissingElement {
                element: "SignedInfo",
                parent: "Signature",
            })?;
        // The digest values still to write, in SignedInfo order (SignedProperties last).
        let mut values = Vec::new();
        if content_reference.is_none() {
            let first = signed_info_references(signature).into_iter().next().ok_or(
                Error::MissingElement {
                    element: "Reference",
                    parent: "SignedInfo",
                },
            )?;
            values.push(b64(&reference_digest(
                &doc, signature, first, digest, options,
            )?));
        }
        if options.xades.is_some() {
            let ids = IdIndex::new(&doc);
            let props = ids.resolve(&doc, &props_id, &props_id)?;
            let mut hasher = openssl::hash::Hasher::new(digest.message_digest())?;
            let mut failed = None;
            crate::c14n::canonicalize_to(
                &doc,
                &Subtree::of(props, &[]),
                options.c14n,
                &[],
                &mut |chunk| {
                    if failed.is_none() {
                        failed = hasher.update(chunk).err();
                    }
                },
            );
            if let Some(e) = failed {
                return Err(e.into());
            }
            values.push(b64(&hasher.finish()?));
        }
        let slots: Vec<std::ops::Range<usize>> = signed_info
            .descendants()
            .filter(|n| is_dsig(*n, "DigestValue"))
            .filter_map(|n| n.first_child())
            .filter(|t| t.is_text() && t.text() == Some(DIGEST_PLACEHOLDER))
            .map(|t| t.range())
            .filter(|r| document.get(r.clone()) == Some(DIGEST_PLACEHOLDER))
            .collect();
        let signature_slot = signature
            .children()
            .find(|c| is_dsig(*c, "SignatureValue"))
            .and_then(|v| v.first_child())
            .filter(|t| t.is_text() && t.text() == Some(SIGNATURE_PLACEHOLDER))
            .map(|t| t.range())
            .filter(|r| document.get(r.clone()) == Some(SIGNATURE_PLACEHOLDER))
            .ok_or(Error::MissingElement {
                element: "SignatureValue",
                parent: "Signature",
            })?;
        if slots.len() != values.len() {
            return Err(Error::MissingElement {
                element: "DigestValue",
                parent: "Reference",
            });
        }
        let mut out = Vec::new();
        canonicalize(
            &doc,
            &Subtree::of(signed_info, &[]),
            options.c14n,
            &[],
            &mut out,
        );
        let mut fills: Vec<(std::ops::Range<usize>, String)> =
            slots.into_iter().zip(values).collect();
        fills.push((signature_slot, String::new()));
        (out, fills)
    };

    // 3. Sign the canonical SignedInfo with its digest values in place. In canonical form
    //    `>` is escaped everywhere but in markup, so `>PLACEHOLDER<` is a DigestValue's text.
    let marker = format!(">{DIGEST_PLACEHOLDER}<");
    for (_, value) in fills.iter().filter(|(_, v)| !v.is_empty()) {
        let at = find_bytes(&signed_octets, marker.as_bytes()).ok_or(Error::MissingElement {
            element: "DigestValue",
            parent: "SignedInfo",
        })?;
        signed_octets.splice(at + 1..at + 1 + DIGEST_PLACEHOLDER.len(), value.bytes());
    }
    let raw = signer.sign(options.algorithm, &signed_octets)?;
    let value = match (options.algorithm, signer.key_kind()) {
        (SignatureAlgorithm::Ecdsa(_), KeyKind::Ec { field_bits }) => {
            der_ecdsa_to_raw(&raw, field_bits.div_ceil(8))?
        }
        _ => raw,
    };
    if let Some((_, slot)) = fills.last_mut() {
        *slot = b64_wrapped(&value);
    }

    // 4. The values go in place, last first so the earlier ranges stay valid; the document is
    //    edited where it is, not copied.
    document.reserve(fills.iter().map(|(_, v)| v.len()).sum());
    fills.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, value) in fills {
        document.replace_range(range, &value);
    }
    Ok(match outer {
        Some((text, insertion)) => insertion.apply(text, &document),
        None => document,
    }
    .into_bytes())
}

/// The first position of `needle` in `haystack`.
fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_signature<'a, 'i>(doc: &'a Document<'i>, id: &str) -> Result<Node<'a, 'i>, Error> {
    doc.descendants()
        .find(|n| is_dsig(*n, "Signature") && n.attribute("Id") == Some(id))
        .ok_or(Error::MissingElement {
            element: "Signature",
            parent: "document",
        })
}

fn signed_info_references<'a, 'i>(signature: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    signature
        .children()
        .filter(|c| is_dsig(*c, "SignedInfo"))
        .flat_map(|si| si.children().filter(|c| is_dsig(*c, "Reference")))
        .collect()
}

/// The digest of a content reference, computed with the verifier's own dereferencing code.
fn reference_digest(
    doc: &Document<'_>,
    signature: Node<'_, '_>,
    reference: Node<'_, '_>,
    digest: DigestAlgorithm,
    options: &SignOptions,
) -> Result<Vec<u8>, Error> {
    let ids = IdIndex::new(doc);
    let d = super::reference::dereference_digest(
        doc,
        &ids,
        signature,
        reference,
        super::reference::Tolerance::default(),
        &options.limits,
        digest,
    )?;
    d.digest.ok_or(Error::MissingElement {
        element: "DigestValue",
        parent: "Reference",
    })
}

/// `text` with `signature` appended as the last child of `element`. An empty element
/// (`<a/>`) is rewritten as `<a>…</a>`; nothing else of the input changes.
/// Where the Signature goes into the text of the document: before the end tag of the
/// parent, or by turning the parent's empty-element tag into a start and end tag.
struct Insertion {
    /// The byte offset the Signature is written at.
    at: usize,
    /// For an empty-element parent (`<p/>`): its qualified name, for the end tag written.
    empty_element: Option<String>,
}

impl Insertion {
    fn inside(text: &str, element: Node<'_, '_>) -> Self {
        let range = element.range();
        let tag = text.get(range.clone()).unwrap_or("");
        if tag.ends_with("/>") {
            return Self {
                at: range.end.saturating_sub(2),
                empty_element: Some(crate::c14n::element_qname(element).to_string()),
            };
        }
        let at = tag.rfind("</").map_or(range.end, |i| range.start + i);
        Self {
            at: at.min(text.len()),
            empty_element: None,
        }
    }

    /// The document with `signature` in place.
    fn apply(&self, text: &str, signature: &str) -> String {
        // `at` is where the parser saw `<` or `/>`: always a character boundary.
        let before = text.get(..self.at).unwrap_or(text);
        let rest = text.get(self.at..).unwrap_or_default();
        match &self.empty_element {
            Some(qname) => {
                let after = rest.get(2..).unwrap_or("");
                format!("{before}>{signature}</{qname}>{after}")
            }
            None => format!("{before}{signature}{rest}"),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn signature_xml(
    sig_id: &str,
    method: SignatureMethod,
    options: &SignOptions,
    content_reference: &str,
    props_id: &str,
    reference_id: &str,
    object_id: &str,
    enveloped_content: Option<&str>,
    signer: &dyn Signer,
) -> Result<String, Error> {
    let digest = method.digest().unwrap_or(DigestAlgorithm::Sha256);
    let mut references = content_reference.to_owned();
    let mut objects = String::new();
    if let Some(content) = enveloped_content {
        objects.push_str(&format!(
            "<ds:Object Id=\"{object_id}\">{content}</ds:Object>"
        ));
    }
    if let Some(x) = &options.xades {
        references.push_str(&reference_xml(
            &format!("#{props_id}"),
            None,
            Some(xades::SIGNED_PROPERTIES_TYPE),
            &[options.c14n.uri()],
            digest,
            DIGEST_PLACEHOLDER,
        ));
        objects.push_str(&xades::qualifying_properties_xml(
            sig_id,
            props_id,
            reference_id,
            x,
            signer.certificate(),
            digest,
        )?);
    }
    let mut key_info = String::from("<ds:KeyInfo><ds:X509Data>");
    for cert in
        std::iter::once(signer.certificate()).chain(signer.chain().iter().map(Vec::as_slice))
    {
        key_info.push_str("<ds:X509Certificate>");
        key_info.push_str(&b64_wrapped(cert));
        key_info.push_str("</ds:X509Certificate>");
    }
    key_info.push_str("</ds:X509Data></ds:KeyInfo>");
    Ok(format!(
        "<ds:Signature xmlns:ds=\"{DSIG_NS}\" Id=\"{sig_id}\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"{c14n}\"/>\
         <ds:SignatureMethod Algorithm=\"{method}\"/>{references}</ds:SignedInfo>\
         <ds:SignatureValue>{SIGNATURE_PLACEHOLDER}</ds:SignatureValue>{key_info}{objects}\
         </ds:Signature>",
        c14n = options.c14n.uri(),
        method = method.uri(),
    ))
}

fn reference_xml(
    uri: &str,
    id: Option<&str>,
    reference_type: Option<&str>,
    transforms: &[&str],
    digest: DigestAlgorithm,
    value: &str,
) -> String {
    let mut s = String::from("<ds:Reference");
    if let Some(id) = id {
        s.push_str(&format!(" Id=\"{id}\""));
    }
    s.push_str(&format!(" URI=\"{uri}\""));
    if let Some(t) = reference_type {
        s.push_str(&format!(" Type=\"{t}\""));
    }
    s.push('>');
    if !transforms.is_empty() {
        s.push_str("<ds:Transforms>");
        for t in transforms {
            s.push_str(&format!("<ds:Transform Algorithm=\"{t}\"/>"));
        }
        s.push_str("</ds:Transforms>");
    }
    s.push_str(&format!(
        "<ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{value}</ds:DigestValue></ds:Reference>",
        digest.uri()
    ));
    s
}

/// Unique IDs that do not collide with any ID-like value already in the input.
struct IdGenerator<'a> {
    /// The input, borrowed when it is UTF-8 (no copy of a large document).
    existing: std::borrow::Cow<'a, str>,
    nonce: String,
}

impl<'a> IdGenerator<'a> {
    fn new(content: &'a [u8]) -> Self {
        let mut bytes = [0u8; 6];
        // A failing RNG only makes IDs predictable, not wrong: uniqueness is checked below.
        let _ = openssl::rand::rand_bytes(&mut bytes);
        let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            existing: String::from_utf8_lossy(content),
            nonce,
        }
    }

    fn fresh(&self, kind: &str) -> Result<String, Error> {
        let id = format!("kyso-{kind}-{}", self.nonce);
        if self.existing.contains(&id) {
            return Err(Error::DuplicateId { id });
        }
        Ok(id)
    }
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Base64 in 76-character lines, as most XMLDSig tools write it.
fn b64_wrapped(bytes: &[u8]) -> String {
    let s = b64(bytes);
    let mut out = String::with_capacity(s.len() + s.len() / 76 + 2);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// The signature kyso added XAdES properties to: the last `ds:Signature` whose
/// `xades:QualifyingProperties` target it.
fn xades_signature<'a, 'i>(doc: &'a Document<'i>) -> Result<(Node<'a, 'i>, Node<'a, 'i>), Error> {
    let signatures: Vec<Node<'a, 'i>> = doc
        .descendants()
        .filter(|n| is_dsig(*n, "Signature"))
        .collect();
    signatures
        .into_iter()
        .rev()
        .find_map(|sig| {
            let id = sig.attribute("Id")?;
            let props = sig.descendants().find(|n| {
                n.is_element()
                    && n.tag_name().name() == "QualifyingProperties"
                    && n.tag_name().namespace() == Some(xades::XADES_NS)
                    && n.attribute("Target").and_then(|t| t.strip_prefix('#')) == Some(id)
            })?;
            Some((sig, props))
        })
        .ok_or(Error::MissingElement {
            element: "QualifyingProperties",
            parent: "Signature",
        })
}

/// What a XAdES B-T SignatureTimeStamp must cover: the Exclusive-C14N form of the
/// `ds:SignatureValue` of the XAdES signature in `signed_xml`. Hash it into an RFC 3161
/// request, then hand the token to [`embed_signature_timestamp`].
pub fn signature_timestamp_input(
    signed_xml: &[u8],
    limits: &ParseLimits,
) -> Result<Vec<u8>, Error> {
    let text = decode_utf8(signed_xml, limits)?;
    let doc = parse(text, limits)?;
    let (signature, _) = xades_signature(&doc)?;
    xades::signature_value_octets(signature, TIMESTAMP_C14N).ok_or(Error::MissingElement {
        element: "SignatureValue",
        parent: "Signature",
    })
}

const TIMESTAMP_C14N: C14nMode = C14nMode {
    algorithm: C14nAlgorithm::Exclusive10,
    with_comments: false,
};

/// Adds `xades:UnsignedProperties/…/SignatureTimeStamp` carrying `token_der` (a DER
/// `TimeStampToken` over [`signature_timestamp_input`]) to the XAdES signature: B-B becomes
/// B-T. The signed bytes do not change.
pub fn embed_signature_timestamp(
    signed_xml: &[u8],
    token_der: &[u8],
    limits: &ParseLimits,
) -> Result<Vec<u8>, Error> {
    let text = decode_utf8(signed_xml, limits)?;
    let doc = parse(text, limits)?;
    let (_, props) = xades_signature(&doc)?;
    let xml = format!(
        "<xades:UnsignedProperties><xades:UnsignedSignatureProperties><xades:SignatureTimeStamp>\
         <ds:CanonicalizationMethod xmlns:ds=\"{DSIG_NS}\" Algorithm=\"{c14n}\"/>\
         <xades:EncapsulatedTimeStamp>{token}</xades:EncapsulatedTimeStamp>\
         </xades:SignatureTimeStamp></xades:UnsignedSignatureProperties></xades:UnsignedProperties>",
        c14n = TIMESTAMP_C14N.uri(),
        token = b64_wrapped(token_der),
    );
    Ok(Insertion::inside(text, props)
        .apply(text, &xml)
        .into_bytes())
}

/// Adds XAdES B-LT validation data to the XAdES signature of `signed_xml`, after its
/// SignatureTimeStamp (ETSI EN 319 132-1 §5.5.1–5.5.2): `xades:CertificateValues` with the
/// `certificates` not already in its `ds:KeyInfo`, and `xades:RevocationValues` with the
/// `crls` and `ocsp_responses` (DER). The signed bytes do not change.
pub fn embed_validation_data(
    signed_xml: &[u8],
    data: &xades::ValidationData,
    limits: &ParseLimits,
) -> Result<Vec<u8>, Error> {
    let text = decode_utf8(signed_xml, limits)?;
    let doc = parse(text, limits)?;
    let (signature, props) = xades_signature(&doc)?;
    let usp = props
        .descendants()
        .find(|n| {
            n.is_element()
                && n.tag_name().name() == "UnsignedSignatureProperties"
                && n.tag_name().namespace() == Some(xades::XADES_NS)
        })
        .ok_or(Error::MissingElement {
            element: "UnsignedSignatureProperties",
            parent: "QualifyingProperties",
        })?;
    let in_key_info: Vec<Vec<u8>> = signature
        .children()
        .filter(|c| is_dsig(*c, "KeyInfo"))
        .flat_map(|k| k.descendants().filter(|n| is_dsig(*n, "X509Certificate")))
        .filter_map(|c| super::reference::decode_base64(c.text().unwrap_or("").as_bytes()))
        .collect();
    let mut xml = String::new();
    let mut certificates: Vec<&Vec<u8>> = Vec::new();
    for cert in &data.certificates {
        if !in_key_info.contains(cert) && !certificates.contains(&cert) {
            certificates.push(cert);
        }
    }
    if !certificates.is_empty() {
        xml.push_str("<xades:CertificateValues>");
        for cert in certificates {
            xml.push_str("<xades:EncapsulatedX509Certificate>");
            xml.push_str(&b64_wrapped(cert));
            xml.push_str("</xades:EncapsulatedX509Certificate>");
        }
        xml.push_str("</xades:CertificateValues>");
    }
    if data.has_revocation_data() {
        xml.push_str("<xades:RevocationValues>");
        if !data.crls.is_empty() {
            xml.push_str("<xades:CRLValues>");
            for crl in &data.crls {
                xml.push_str("<xades:EncapsulatedCRLValue>");
                xml.push_str(&b64_wrapped(crl));
                xml.push_str("</xades:EncapsulatedCRLValue>");
            }
            xml.push_str("</xades:CRLValues>");
        }
        if !data.ocsp_responses.is_empty() {
            xml.push_str("<xades:OCSPValues>");
            for ocsp in &data.ocsp_responses {
                xml.push_str("<xades:EncapsulatedOCSPValue>");
                xml.push_str(&b64_wrapped(ocsp));
                xml.push_str("</xades:EncapsulatedOCSPValue>");
            }
            xml.push_str("</xades:OCSPValues>");
        }
        xml.push_str("</xades:RevocationValues>");
    }
    Ok(Insertion::inside(text, usp).apply(text, &xml).into_bytes())
}

/// What B-LT validation data must cover in a XAdES signature.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureMaterial {
    /// The certificates of its `ds:KeyInfo` (DER, the signer first as kyso writes it).
    pub certificates: Vec<Vec<u8>>,
    /// The DER tokens of its SignatureTimeStamps.
    pub timestamp_tokens: Vec<Vec<u8>>,
}

/// The [`SignatureMaterial`] of the XAdES signature of `signed_xml`.
pub fn signature_chain_and_timestamps(
    signed_xml: &[u8],
    limits: &ParseLimits,
) -> Result<SignatureMaterial, Error> {
    let text = decode_utf8(signed_xml, limits)?;
    let doc = parse(text, limits)?;
    let (signature, props) = xades_signature(&doc)?;
    let certificates = signature
        .children()
        .filter(|c| is_dsig(*c, "KeyInfo"))
        .flat_map(|k| k.descendants().filter(|n| is_dsig(*n, "X509Certificate")))
        .filter_map(|c| super::reference::decode_base64(c.text().unwrap_or("").as_bytes()))
        .collect();
    let timestamp_tokens = props
        .descendants()
        .filter(|n| {
            n.is_element()
                && n.tag_name().name() == "EncapsulatedTimeStamp"
                && n.tag_name().namespace() == Some(xades::XADES_NS)
        })
        .filter_map(|t| super::reference::decode_base64(t.text().unwrap_or("").as_bytes()))
        .collect();
    Ok(SignatureMaterial {
        certificates,
        timestamp_tokens,
    })
}
