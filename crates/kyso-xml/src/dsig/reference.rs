//! Dereferencing a `Reference` and running its transforms, down to the octets that are
//! digested.
//!
//! Only same-document references are followed. An ID must name exactly one element in the
//! whole document: a duplicated ID is how wrapping attacks smuggle a second, unsigned copy of
//! a signed element past a verifier, so it is an error, not a first-match lookup.

use super::algorithms::{DigestAlgorithm, BASE64, DSIG_NS, ENVELOPED, XPATH};
use crate::c14n::{self, canonicalize, C14nAlgorithm, C14nMode, NodeSet, Subtree};
use crate::parse::{parse, ParseLimits};
use crate::xpath::{self, XPathNodeSet};
use crate::Error;
use base64::Engine;
use roxmltree::{Document, Node, NodeId};
use std::collections::HashMap;

/// Every element carrying an ID-like attribute (`Id`, `ID`, `id` or `xml:id`), by value.
///
/// Built on the first lookup: a document whose references are all `URI=""` (the usual case
/// for large documents) never pays for it.
pub(crate) struct IdIndex {
    by_value: std::cell::OnceCell<HashMap<String, Vec<NodeId>>>,
}

impl IdIndex {
    /// An index of `doc`, built when first used.
    pub(crate) fn new(doc: &Document<'_>) -> Self {
        let _ = doc;
        Self {
            by_value: std::cell::OnceCell::new(),
        }
    }

    fn build(doc: &Document<'_>) -> HashMap<String, Vec<NodeId>> {
        let mut by_value: HashMap<String, Vec<NodeId>> = HashMap::new();
        for node in doc.descendants().filter(Node::is_element) {
            for attr in node.attributes() {
                let is_id = match attr.namespace() {
                    None => matches!(attr.name(), "Id" | "ID" | "id"),
                    Some(ns) => ns == "http://www.w3.org/XML/1998/namespace" && attr.name() == "id",
                };
                if is_id {
                    let ids = by_value.entry(attr.value().to_owned()).or_default();
                    if !ids.contains(&node.id()) {
                        ids.push(node.id());
                    }
                }
            }
        }
        by_value
    }

    /// The single element carrying `id`; an error when none or several do.
    pub(crate) fn resolve<'a, 'i>(
        &self,
        doc: &'a Document<'i>,
        id: &str,
        uri: &str,
    ) -> Result<Node<'a, 'i>, Error> {
        let ids = self
            .by_value
            .get_or_init(|| Self::build(doc))
            .get(id)
            .map_or(&[][..], Vec::as_slice);
        match ids {
            [one] => doc.get_node(*one).ok_or(Error::UnresolvedReference {
                uri: uri.to_owned(),
                count: 0,
            }),
            many if many.len() > 1 => Err(Error::DuplicateId { id: id.to_owned() }),
            _ => Err(Error::UnresolvedReference {
                uri: uri.to_owned(),
                count: 0,
            }),
        }
    }
}

/// The data flowing between transforms.
enum Data {
    Nodes(Selection),
    Octets(Vec<u8>),
    /// The digest of the final octets, computed while they were produced (the last step).
    Digested(Vec<u8>),
}

/// A node-set: a subtree with exclusions, narrowed by XPath transforms.
struct Selection {
    base: Subtree,
    filters: Vec<XPathNodeSet>,
}

impl NodeSet for Selection {
    fn has_node(&self, node: Node<'_, '_>) -> bool {
        self.base.has_node(node) && self.filters.iter().all(|f| f.has_node(node))
    }
    fn has_attribute(&self, element: Node<'_, '_>, attr: &roxmltree::Attribute<'_, '_>) -> bool {
        self.base.has_node(element) && self.filters.iter().all(|f| f.has_attribute(element, attr))
    }
    fn has_namespace(&self, element: Node<'_, '_>, prefix: &str) -> bool {
        self.base.has_node(element)
            && self
                .filters
                .iter()
                .all(|f| f.has_namespace(element, prefix))
    }
}

/// What a reference resolved to and the octets to digest.
pub(crate) struct Dereferenced {
    /// The octets after every transform (empty when `digest` holds their digest instead).
    pub(crate) octets: Vec<u8>,
    /// The digest of the octets, when asked for with [`dereference_digest`]: the canonical
    /// form of a node-set is then hashed as it is produced, never held whole.
    pub(crate) digest: Option<Vec<u8>>,
    /// The element the reference points at (`None` for an octet-only result of a whole
    /// document reference is never the case: `""` yields the document element).
    pub(crate) target: Option<NodeId>,
    /// A human description of what is covered, naming the node and what was cut out.
    pub(crate) covered: String,
    /// Notes for the report (e.g. the misspelled exc-c14n URI tolerated).
    pub(crate) warnings: Vec<String>,
}

/// What the caller allows beyond strict same-document processing.
#[derive(Clone, Copy, Default)]
pub(crate) struct Tolerance<'a> {
    /// Accept `http://www.w3.org/TR/xml-exc-c14n#` as Exclusive C14N (edXML packages);
    /// each use is reported as a warning.
    pub(crate) misspelled_exc_c14n: bool,
    /// The content of a detached signature: (Reference URI, octets). Nothing is fetched.
    pub(crate) detached: Option<(&'a str, &'a [u8])>,
    /// Resolves other external references (the caller decides what is allowed).
    pub(crate) external: Option<&'a dyn super::verify::ExternalResolver>,
}

/// Dereferences `reference` (a `ds:Reference` element of `signature`) and runs its
/// transforms.
pub(crate) fn dereference(
    doc: &Document<'_>,
    ids: &IdIndex,
    signature: Node<'_, '_>,
    reference: Node<'_, '_>,
    tolerance: Tolerance<'_>,
    limits: &ParseLimits,
) -> Result<Dereferenced, Error> {
    dereference_inner(doc, ids, signature, reference, tolerance, limits, None)
}

/// As [`dereference`], with the `digest` of the final octets in [`Dereferenced::digest`].
pub(crate) fn dereference_digest(
    doc: &Document<'_>,
    ids: &IdIndex,
    signature: Node<'_, '_>,
    reference: Node<'_, '_>,
    tolerance: Tolerance<'_>,
    limits: &ParseLimits,
    digest: DigestAlgorithm,
) -> Result<Dereferenced, Error> {
    let mut d = dereference_inner(
        doc,
        ids,
        signature,
        reference,
        tolerance,
        limits,
        Some(digest),
    )?;
    if d.digest.is_none() {
        d.digest = Some(digest.digest(&d.octets)?);
        d.octets = Vec::new();
    }
    Ok(d)
}

/// The digest a verifier computes for `URI=""` with the enveloped-signature transform and
/// then `mode`, taken on the document before its Signature is inserted: the same node set
/// (the document without comments, the Signature being absent) and the same streamed
/// canonicalization.
pub(crate) fn unsigned_document_digest(
    doc: &Document<'_>,
    mode: C14nMode,
    digest: DigestAlgorithm,
) -> Result<Vec<u8>, Error> {
    let apex = doc.root();
    let mut base = Subtree::of(apex, &[]);
    for node in apex.descendants().filter(Node::is_comment) {
        base.remove_node(node);
    }
    let set = Selection {
        base,
        filters: Vec::new(),
    };
    streamed_digest(doc, &set, mode, &[], digest)
}

/// Canonicalizes `set` straight into a `digest` hasher.
fn streamed_digest(
    doc: &Document<'_>,
    set: &dyn NodeSet,
    mode: C14nMode,
    prefixes: &[String],
    digest: DigestAlgorithm,
) -> Result<Vec<u8>, Error> {
    let mut hasher = openssl::hash::Hasher::new(digest.message_digest())?;
    let mut failed = None;
    c14n::canonicalize_to(doc, set, mode, prefixes, &mut |chunk| {
        if failed.is_none() {
            if let Err(e) = hasher.update(chunk) {
                failed = Some(e);
            }
        }
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    Ok(hasher.finish()?.to_vec())
}

#[allow(clippy::too_many_arguments)]
fn dereference_inner(
    doc: &Document<'_>,
    ids: &IdIndex,
    signature: Node<'_, '_>,
    reference: Node<'_, '_>,
    tolerance: Tolerance<'_>,
    limits: &ParseLimits,
    digest: Option<DigestAlgorithm>,
) -> Result<Dereferenced, Error> {
    let uri = reference.attribute("URI");
    if let (Some(u), Some((name, octets))) = (uri, tolerance.detached) {
        if u == name && !u.is_empty() && !u.starts_with('#') {
            return detached_octets(doc, reference, u, octets, limits);
        }
    }
    if let (Some(u), Some(resolver)) = (uri, tolerance.external) {
        if !u.is_empty() && !u.starts_with('#') {
            let octets = resolver
                .resolve(u)
                .map_err(|reason| Error::ExternalUnavailable {
                    uri: u.to_owned(),
                    reason,
                })?;
            return detached_octets(doc, reference, u, &octets, limits);
        }
    }
    let (apex, with_comments) = match uri {
        None => {
            return Err(Error::Unsupported {
                feature: "Reference without URI",
                uri: String::new(),
            })
        }
        Some("") => (doc.root(), false),
        Some("#xpointer(/)") => (doc.root(), true),
        Some(u) if u.starts_with("#xpointer(id(") => {
            let id = u
                .strip_prefix("#xpointer(id(")
                .and_then(|r| r.strip_suffix("))"))
                .map(|q| q.trim_matches(|c| c == '\'' || c == '"'))
                .ok_or_else(|| Error::Unsupported {
                    feature: "XPointer",
                    uri: u.to_owned(),
                })?;
            (ids.resolve(doc, id, u)?, true)
        }
        Some(u) if u.starts_with("#xpointer(") => {
            return Err(Error::Unsupported {
                feature: "XPointer",
                uri: u.to_owned(),
            })
        }
        Some(u) if u.starts_with('#') => (ids.resolve(doc, u.get(1..).unwrap_or(""), u)?, false),
        Some(u) => {
            return Err(Error::Unsupported {
                feature: "external-URI",
                uri: u.to_owned(),
            })
        }
    };
    let mut set = Subtree::of(apex, &[]);
    if !with_comments {
        for node in apex.descendants().filter(Node::is_comment) {
            set.remove_node(node);
        }
    }
    let target = if apex.is_root() {
        doc.root().first_element_child()
    } else {
        Some(apex)
    };
    let mut covered = match target {
        Some(t) if apex.is_root() => format!("document ({})", node_path(t)),
        Some(t) => node_path(t),
        None => "document".to_owned(),
    };
    let mut warnings = Vec::new();
    let mut data = Data::Nodes(Selection {
        base: set,
        filters: Vec::new(),
    });

    let transforms: Vec<Node<'_, '_>> = child(reference, "Transforms")
        .iter()
        .flat_map(|t| t.children().filter(|c| is_dsig(*c, "Transform")))
        .collect();
    let count = transforms.len();
    for (index, transform) in transforms.into_iter().enumerate() {
        let last = index + 1 == count;
        let algorithm = transform.attribute("Algorithm").unwrap_or("");
        data = match algorithm {
            ENVELOPED => match data {
                Data::Nodes(mut set) => {
                    covered.push_str(" without its enveloped Signature");
                    set.base = exclude(doc, set.base, &[signature]);
                    Data::Nodes(set)
                }
                _ => return Err(not_on_octets(algorithm)),
            },
            XPATH if is_enveloped_idiom(transform) => match data {
                Data::Nodes(mut set) => {
                    covered.push_str(" without any Signature element");
                    let signatures: Vec<Node<'_, '_>> = doc
                        .descendants()
                        .filter(|n| is_dsig(*n, "Signature"))
                        .collect();
                    set.base = exclude(doc, set.base, &signatures);
                    Data::Nodes(set)
                }
                _ => return Err(not_on_octets(algorithm)),
            },
            XPATH => match data {
                Data::Nodes(mut set) => {
                    let (expression, filter) = xpath_filter(doc, transform)?;
                    covered.push_str(&format!(" filtered by XPath {expression:?}"));
                    set.filters.push(filter);
                    Data::Nodes(set)
                }
                _ => return Err(not_on_octets(algorithm)),
            },
            BASE64 => Data::Octets(base64_transform(doc, data)?),
            _ => {
                let mode = match C14nMode::from_uri(algorithm) {
                    Some(mode) => mode,
                    None if tolerance.misspelled_exc_c14n
                        && algorithm == c14n::EXC_C14N_MISSPELLED =>
                    {
                        warnings.push(format!(
                            "transform URI {algorithm} is not registered; treated as \
                             Exclusive C14N 1.0 ({})",
                            c14n::EXC_C14N
                        ));
                        C14nMode {
                            algorithm: C14nAlgorithm::Exclusive10,
                            with_comments: false,
                        }
                    }
                    None => {
                        return Err(Error::Unsupported {
                            feature: super::algorithms::unsupported_feature(algorithm),
                            uri: algorithm.to_owned(),
                        })
                    }
                };
                let prefixes = inclusive_prefixes(transform);
                match (data, digest) {
                    (Data::Nodes(set), Some(digest)) if last => {
                        Data::Digested(streamed_digest(doc, &set, mode, &prefixes, digest)?)
                    }
                    (data, _) => {
                        Data::Octets(canonicalize_data(doc, data, mode, &prefixes, limits)?)
                    }
                }
            }
        };
    }
    let inclusive = C14nMode {
        algorithm: C14nAlgorithm::Inclusive10,
        with_comments: false,
    };
    let (octets, digest) = match (data, digest) {
        (Data::Octets(o), _) => (o, None),
        (Data::Digested(d), _) => (Vec::new(), Some(d)),
        (Data::Nodes(set), Some(digest)) => (
            Vec::new(),
            Some(streamed_digest(doc, &set, inclusive, &[], digest)?),
        ),
        (Data::Nodes(set), None) => {
            let mut out = Vec::new();
            canonicalize(doc, &set, inclusive, &[], &mut out);
            (out, None)
        }
    };
    Ok(Dereferenced {
        octets,
        digest,
        target: target.map(|t| t.id()),
        covered,
        warnings,
    })
}

/// A detached reference: the caller's octets, through the transforms that apply to octets.
fn detached_octets(
    doc: &Document<'_>,
    reference: Node<'_, '_>,
    uri: &str,
    octets: &[u8],
    limits: &ParseLimits,
) -> Result<Dereferenced, Error> {
    let mut data = Data::Octets(octets.to_vec());
    for transform in child(reference, "Transforms")
        .iter()
        .flat_map(|t| t.children().filter(|c| is_dsig(*c, "Transform")))
    {
        let algorithm = transform.attribute("Algorithm").unwrap_or("");
        data = if algorithm == BASE64 {
            Data::Octets(base64_transform(doc, data)?)
        } else if let Some(mode) = C14nMode::from_uri(algorithm) {
            let prefixes = inclusive_prefixes(transform);
            Data::Octets(canonicalize_data(doc, data, mode, &prefixes, limits)?)
        } else {
            return Err(Error::Unsupported {
                feature: super::algorithms::unsupported_feature(algorithm),
                uri: algorithm.to_owned(),
            });
        };
    }
    let octets = match data {
        Data::Octets(o) | Data::Digested(o) => o,
        Data::Nodes(_) => Vec::new(),
    };
    Ok(Dereferenced {
        octets,
        digest: None,
        target: None,
        covered: format!("detached content {uri:?}"),
        warnings: Vec::new(),
    })
}

fn not_on_octets(algorithm: &str) -> Error {
    Error::Unsupported {
        feature: "node-set transform applied to octets",
        uri: algorithm.to_owned(),
    }
}

fn exclude(doc: &Document<'_>, mut set: Subtree, subtrees: &[Node<'_, '_>]) -> Subtree {
    for s in subtrees {
        for node in s.descendants() {
            set.remove_node(node);
        }
    }
    let _ = doc;
    set
}

fn canonicalize_data(
    doc: &Document<'_>,
    data: Data,
    mode: C14nMode,
    prefixes: &[String],
    limits: &ParseLimits,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    match data {
        Data::Nodes(set) => canonicalize(doc, &set, mode, prefixes, &mut out),
        Data::Digested(_) => return Err(not_on_octets("digest")),
        Data::Octets(octets) => {
            // Octets become a node-set by parsing them (XMLDSig §4.4.3.2).
            let text = crate::parse::decode_utf8(&octets, limits)?;
            let reparsed = parse(text, limits)?;
            canonicalize(
                &reparsed,
                &Subtree::whole(&reparsed),
                mode,
                prefixes,
                &mut out,
            );
        }
    }
    Ok(out)
}

/// The XPath transform (XMLDSig §6.6.3) for the supported subset: the expression is
/// evaluated for every node and the nodes where it is true are kept.
fn xpath_filter(
    doc: &Document<'_>,
    transform: Node<'_, '_>,
) -> Result<(String, XPathNodeSet), Error> {
    let element =
        transform
            .children()
            .find(|c| is_dsig(*c, "XPath"))
            .ok_or(Error::MissingElement {
                element: "XPath",
                parent: "Transform",
            })?;
    let expression: String = element
        .children()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect();
    let namespaces = element
        .namespaces()
        .filter_map(|ns| Some((ns.name()?.to_owned(), ns.uri().to_owned())))
        .collect();
    let compact = expression.split_whitespace().collect::<Vec<_>>().join(" ");
    let set = xpath::select(doc, &expression, &namespaces).map_err(|e| Error::Unsupported {
        feature: "XPath",
        uri: format!("{compact} ({e})"),
    })?;
    Ok((compact, set))
}

/// The base64 transform: the string value of the node-set (its text nodes), decoded.
fn base64_transform(doc: &Document<'_>, data: Data) -> Result<Vec<u8>, Error> {
    let encoded: Vec<u8> = match data {
        Data::Octets(o) => o,
        Data::Digested(_) => return Err(not_on_octets("digest")),
        Data::Nodes(set) => {
            let mut s = Vec::new();
            for node in doc
                .descendants()
                .filter(|n| n.is_text() && set.has_node(*n))
            {
                s.extend_from_slice(node.text().unwrap_or("").as_bytes());
            }
            s
        }
    };
    decode_base64(&encoded).ok_or(Error::Base64 {
        element: "base64 transform input",
    })
}

/// Decodes base64 that may carry whitespace (line breaks are usual in XML).
pub(crate) fn decode_base64(encoded: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = encoded
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

/// The `InclusiveNamespaces PrefixList` of an Exclusive C14N transform or method.
pub(crate) fn inclusive_prefixes(method: Node<'_, '_>) -> Vec<String> {
    method
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "InclusiveNamespaces")
        .and_then(|c| c.attribute("PrefixList"))
        .map(|list| list.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Whether an XPath transform holds exactly `not(ancestor-or-self::P:Signature)` with `P`
/// bound to the XMLDSig namespace: the old spelling of the enveloped-signature transform.
fn is_enveloped_idiom(transform: Node<'_, '_>) -> bool {
    let Some(xpath) = transform.children().find(|c| is_dsig(*c, "XPath")) else {
        return false;
    };
    let expr: String = xpath
        .text()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let Some(prefix) = expr
        .strip_prefix("not(ancestor-or-self::")
        .and_then(|r| r.strip_suffix(":Signature)"))
    else {
        return false;
    };
    xpath.children().count() == 1 && xpath.lookup_namespace_uri(Some(prefix)) == Some(DSIG_NS)
}

/// Whether `node` is the XMLDSig element `local`.
pub(crate) fn is_dsig(node: Node<'_, '_>, local: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == local
        && node.tag_name().namespace() == Some(DSIG_NS)
}

/// The first XMLDSig child element named `local`.
pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is_dsig(*c, local))
}

/// A readable location path of an element, e.g. `/edXML/edXMLEnvelope/edXMLHeader`, with a
/// position where siblings share the name and the ID where the element has one.
pub fn node_path(node: Node<'_, '_>) -> String {
    let mut parts = Vec::new();
    for n in node.ancestors() {
        if !n.is_element() {
            continue;
        }
        let name = c14n::element_qname(n);
        let same: Vec<Node<'_, '_>> = n
            .parent()
            .map(|p| {
                p.children()
                    .filter(|c| c.is_element() && c.tag_name() == n.tag_name())
                    .collect()
            })
            .unwrap_or_default();
        let mut part = name.to_owned();
        if same.len() > 1 {
            let pos = same.iter().position(|s| *s == n).unwrap_or(0) + 1;
            part.push_str(&format!("[{pos}]"));
        }
        parts.push(part);
    }
    parts.reverse();
    let mut path = format!("/{}", parts.join("/"));
    if let Some(id) = ["Id", "ID", "id"].iter().find_map(|a| node.attribute(*a)) {
        path.push_str(&format!("[@Id='{id}']"));
    }
    path
}
