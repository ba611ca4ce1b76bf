//! Canonical XML: C14N 1.0, C14N 1.1 and Exclusive C14N 1.0, with or without comments, over a
//! whole document or a document subset.
//!
//! Invariant: text and attribute values are written exactly as the parser delivered them,
//! apart from the escapes the specifications require. Nothing is Unicode-normalised, so
//! NFC and NFD Vietnamese text hash differently, as they must.
//!
//! Specifications: <https://www.w3.org/TR/xml-c14n>, <https://www.w3.org/TR/xml-c14n11/>,
//! <https://www.w3.org/TR/xml-exc-c14n/>.

use crate::uri;
use roxmltree::{Attribute, Document, Node, NodeType};
use std::collections::BTreeMap;

/// The namespace of the `xml:` prefix.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The three canonicalization algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum C14nAlgorithm {
    /// Canonical XML 1.0 (inclusive).
    Inclusive10,
    /// Canonical XML 1.1 (inclusive, with xml:id / xml:base rules).
    Inclusive11,
    /// Exclusive XML Canonicalization 1.0.
    Exclusive10,
}

/// An algorithm plus the comments switch: what a canonicalization URI names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct C14nMode {
    /// Which algorithm.
    pub algorithm: C14nAlgorithm,
    /// Whether comment nodes are kept.
    pub with_comments: bool,
}

/// URI of C14N 1.0 without comments.
pub const C14N10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// URI of C14N 1.0 with comments.
pub const C14N10_COMMENTS: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
/// URI of C14N 1.1 without comments.
pub const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
/// URI of C14N 1.1 with comments.
pub const C14N11_COMMENTS: &str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
/// URI of Exclusive C14N 1.0 without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// URI of Exclusive C14N 1.0 with comments.
pub const EXC_C14N_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
/// The misspelled Exclusive C14N URI that edXML packages from the national SDK carry.
pub const EXC_C14N_MISSPELLED: &str = "http://www.w3.org/TR/xml-exc-c14n#";

impl C14nMode {
    /// The mode a registered URI names; `None` for anything else (including the misspelled
    /// edXML URI, which only [`crate::edxml`] accepts, with a warning).
    pub fn from_uri(uri: &str) -> Option<Self> {
        use C14nAlgorithm::*;
        let (algorithm, with_comments) = match uri {
            C14N10 => (Inclusive10, false),
            C14N10_COMMENTS => (Inclusive10, true),
            C14N11 => (Inclusive11, false),
            C14N11_COMMENTS => (Inclusive11, true),
            EXC_C14N => (Exclusive10, false),
            EXC_C14N_COMMENTS => (Exclusive10, true),
            _ => return None,
        };
        Some(Self {
            algorithm,
            with_comments,
        })
    }

    /// The registered URI of this mode.
    pub fn uri(self) -> &'static str {
        use C14nAlgorithm::*;
        match (self.algorithm, self.with_comments) {
            (Inclusive10, false) => C14N10,
            (Inclusive10, true) => C14N10_COMMENTS,
            (Inclusive11, false) => C14N11,
            (Inclusive11, true) => C14N11_COMMENTS,
            (Exclusive10, false) => EXC_C14N,
            (Exclusive10, true) => EXC_C14N_COMMENTS,
        }
    }
}

/// A document subset: which nodes of the XPath data model are in the node-set.
///
/// Comments are filtered by the canonicalizer itself when the mode drops them, so a node-set
/// may include them freely.
pub trait NodeSet {
    /// Whether an element, text, comment or processing-instruction node is in the set.
    fn has_node(&self, node: Node<'_, '_>) -> bool;
    /// Whether the attribute `attr` of `element` is in the set.
    fn has_attribute(&self, element: Node<'_, '_>, attr: &Attribute<'_, '_>) -> bool {
        let _ = attr;
        self.has_node(element)
    }
    /// Whether the namespace node `prefix` (`""` = default) of `element` is in the set.
    fn has_namespace(&self, element: Node<'_, '_>, prefix: &str) -> bool {
        let _ = prefix;
        self.has_node(element)
    }
}

/// The node-sets that same-document references produce: one subtree (or the whole
/// document) minus excluded subtrees, with or without comments.
#[derive(Clone, Debug)]
pub struct Subtree {
    members: Vec<bool>,
}

impl Subtree {
    /// Every node of the document.
    pub fn whole(doc: &Document<'_>) -> Self {
        Self::of(doc.root(), &[])
    }

    /// `apex` and its descendants, except the subtrees rooted at `excluded`.
    pub fn of(apex: Node<'_, '_>, excluded: &[Node<'_, '_>]) -> Self {
        let doc = apex.document();
        let len = doc
            .descendants()
            .map(|n| n.id().get_usize())
            .max()
            .map_or(0, |m| m.saturating_add(1));
        let mut members = vec![false; len];
        let mut skip_until: Option<Node<'_, '_>> = None;
        for node in apex.descendants() {
            if let Some(skipped) = skip_until {
                if node.ancestors().any(|a| a == skipped) {
                    continue;
                }
                skip_until = None;
            }
            if excluded.contains(&node) {
                skip_until = Some(node);
                continue;
            }
            if let Some(slot) = members.get_mut(node.id().get_usize()) {
                *slot = true;
            }
        }
        Self { members }
    }

    /// Removes `node` (and nothing else) from the set.
    pub fn remove_node(&mut self, node: Node<'_, '_>) {
        if let Some(slot) = self.members.get_mut(node.id().get_usize()) {
            *slot = false;
        }
    }
}

impl NodeSet for Subtree {
    fn has_node(&self, node: Node<'_, '_>) -> bool {
        self.members
            .get(node.id().get_usize())
            .copied()
            .unwrap_or(false)
    }
}

/// Canonicalizes the nodes of `doc` that `set` holds and appends the octets to `out`.
///
/// `inclusive_prefixes` is the Exclusive C14N `InclusiveNamespaces PrefixList` (`#default`
/// for the default namespace); it is ignored by the inclusive algorithms.
pub fn canonicalize(
    doc: &Document<'_>,
    set: &dyn NodeSet,
    mode: C14nMode,
    inclusive_prefixes: &[String],
    out: &mut Vec<u8>,
) {
    let prefixes: Vec<&str> = inclusive_prefixes
        .iter()
        .map(|p| if p == "#default" { "" } else { p.as_str() })
        .collect();
    let mut c = Canonicalizer {
        set,
        mode,
        inclusive_prefixes: prefixes,
        out,
        sink: None,
        rendered: vec![NsMap::new()],
    };
    c.run(doc);
}

/// Bytes buffered before [`canonicalize_to`] hands them on.
const STREAM_CHUNK: usize = 64 * 1024;

/// As [`canonicalize`], handing the octets to `sink` in chunks of about 64 KiB instead of
/// collecting them: memory stays small whatever the size of the document (a digest is
/// computed as the octets are produced).
pub fn canonicalize_to(
    doc: &Document<'_>,
    set: &dyn NodeSet,
    mode: C14nMode,
    inclusive_prefixes: &[String],
    sink: &mut dyn FnMut(&[u8]),
) {
    let prefixes: Vec<&str> = inclusive_prefixes
        .iter()
        .map(|p| if p == "#default" { "" } else { p.as_str() })
        .collect();
    let mut buffer = Vec::with_capacity(2 * STREAM_CHUNK);
    let mut c = Canonicalizer {
        set,
        mode,
        inclusive_prefixes: prefixes,
        out: &mut buffer,
        sink: Some(sink),
        rendered: vec![NsMap::new()],
    };
    c.run(doc);
    if let Some(sink) = c.sink.take() {
        sink(c.out);
    }
}

/// Receives canonical octets in chunks.
type ChunkSink<'o> = dyn FnMut(&[u8]) + 'o;

/// Prefix (`""` for the default namespace) → namespace URI.
type NsMap = BTreeMap<String, String>;

struct Canonicalizer<'s, 'o> {
    set: &'s dyn NodeSet,
    mode: C14nMode,
    inclusive_prefixes: Vec<&'s str>,
    out: &'o mut Vec<u8>,
    /// Where full chunks of `out` go when streaming ([`canonicalize_to`]).
    sink: Option<&'o mut ChunkSink<'o>>,
    /// Namespace context of each open output element, innermost last; the first entry is the
    /// empty context above the document element.
    rendered: Vec<NsMap>,
}

impl Canonicalizer<'_, '_> {
    fn run(&mut self, doc: &Document<'_>) {
        let root = doc.root();
        let mut seen_document_element = false;
        // Iterative walk: `Enter(node)` then, for elements, `Leave(node, rendered)`.
        enum Step<'a, 'i> {
            Enter(Node<'a, 'i>),
            Leave(Node<'a, 'i>, bool),
        }
        let mut stack: Vec<Step<'_, '_>> = root.children().rev().map(Step::Enter).collect();
        while let Some(step) = stack.pop() {
            if self.out.len() >= STREAM_CHUNK {
                if let Some(sink) = self.sink.as_mut() {
                    sink(self.out);
                    self.out.clear();
                }
            }
            match step {
                Step::Enter(node) => {
                    let top_level = node.parent().is_some_and(|p| p.is_root());
                    match node.node_type() {
                        NodeType::Element => {
                            if top_level {
                                seen_document_element = true;
                            }
                            let rendered = self.set.has_node(node);
                            if rendered {
                                self.open_element(node);
                            } else {
                                self.orphan_axes(node);
                            }
                            stack.push(Step::Leave(node, rendered));
                            stack.extend(node.children().rev().map(Step::Enter));
                        }
                        NodeType::Text => {
                            if self.set.has_node(node) {
                                escape_text(node.text().unwrap_or(""), self.out);
                            }
                        }
                        NodeType::Comment => {
                            if self.mode.with_comments && self.set.has_node(node) {
                                self.top_level_before(top_level, seen_document_element);
                                self.out.extend_from_slice(b"<!--");
                                self.out
                                    .extend_from_slice(node.text().unwrap_or("").as_bytes());
                                self.out.extend_from_slice(b"-->");
                                self.top_level_after(top_level, seen_document_element);
                            }
                        }
                        NodeType::PI => {
                            if let (true, Some(pi)) = (self.set.has_node(node), node.pi()) {
                                self.top_level_before(top_level, seen_document_element);
                                self.out.extend_from_slice(b"<?");
                                self.out.extend_from_slice(pi.target.as_bytes());
                                if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                                    self.out.push(b' ');
                                    self.out.extend_from_slice(value.as_bytes());
                                }
                                self.out.extend_from_slice(b"?>");
                                self.top_level_after(top_level, seen_document_element);
                            }
                        }
                        NodeType::Root => {}
                    }
                }
                Step::Leave(node, rendered) => {
                    if rendered {
                        self.out.extend_from_slice(b"</");
                        self.out.extend_from_slice(element_qname(node).as_bytes());
                        self.out.push(b'>');
                        self.rendered.pop();
                    }
                }
            }
        }
    }

    /// A comment or PI after the document element is preceded by a line feed.
    fn top_level_before(&mut self, top_level: bool, after_document_element: bool) {
        if top_level && after_document_element {
            self.out.push(b'\n');
        }
    }

    /// A comment or PI before the document element is followed by a line feed.
    fn top_level_after(&mut self, top_level: bool, after_document_element: bool) {
        if top_level && !after_document_element {
            self.out.push(b'\n');
        }
    }

    fn open_element(&mut self, node: Node<'_, '_>) {
        let qname = element_qname(node);
        self.out.push(b'<');
        self.out.extend_from_slice(qname.as_bytes());

        let parent_ctx = self.rendered.last().cloned().unwrap_or_default();
        let (declarations, context) = match self.mode.algorithm {
            C14nAlgorithm::Exclusive10 => self.exclusive_namespaces(node, qname, &parent_ctx),
            _ => self.inclusive_namespaces(node, &parent_ctx),
        };
        for (prefix, uri) in &declarations {
            if prefix.is_empty() {
                self.out.extend_from_slice(b" xmlns=\"");
            } else {
                self.out.extend_from_slice(b" xmlns:");
                self.out.extend_from_slice(prefix.as_bytes());
                self.out.extend_from_slice(b"=\"");
            }
            escape_attribute(uri, self.out);
            self.out.push(b'"');
        }
        self.rendered.push(context);

        for attr in self.attributes(node) {
            self.out.push(b' ');
            self.out.extend_from_slice(attr.qname.as_bytes());
            self.out.extend_from_slice(b"=\"");
            escape_attribute(&attr.value, self.out);
            self.out.push(b'"');
        }
        self.out.push(b'>');
    }

    /// An element outside the node-set still contributes its in-set namespace and attribute
    /// nodes, written as bare ` name="value"` text (C14N 1.0 §2.3, "Element Nodes").
    /// Exclusive C14N renders only the namespaces of its PrefixList this way.
    fn orphan_axes(&mut self, node: Node<'_, '_>) {
        let parent_ctx = self.rendered.last().cloned().unwrap_or_default();
        let exclusive = self.mode.algorithm == C14nAlgorithm::Exclusive10;
        let mut declarations: Vec<(String, String)> = node
            .namespaces()
            .map(|ns| (ns.name().unwrap_or("").to_owned(), ns.uri().to_owned()))
            .filter(|(p, u)| p != "xml" && !(p.is_empty() && u.is_empty()))
            .filter(|(p, _)| !exclusive || self.inclusive_prefixes.contains(&p.as_str()))
            .filter(|(p, _)| self.set.has_namespace(node, p))
            .filter(|(p, u)| parent_ctx.get(p) != Some(u))
            .collect();
        declarations.sort();
        for (prefix, uri) in &declarations {
            if prefix.is_empty() {
                self.out.extend_from_slice(b" xmlns=\"");
            } else {
                self.out.extend_from_slice(b" xmlns:");
                self.out.extend_from_slice(prefix.as_bytes());
                self.out.extend_from_slice(b"=\"");
            }
            escape_attribute(uri, self.out);
            self.out.push(b'"');
        }
        let document = node.document();
        let mut attrs: Vec<RenderedAttr> = node
            .attributes()
            .filter(|a| self.set.has_attribute(node, a))
            .map(|a| RenderedAttr {
                namespace: a.namespace().unwrap_or("").to_owned(),
                local: a.name().to_owned(),
                qname: attribute_qname(document, &a),
                value: a.value().to_owned(),
            })
            .collect();
        attrs.sort_by(|a, b| (&a.namespace, &a.local).cmp(&(&b.namespace, &b.local)));
        for attr in attrs {
            self.out.push(b' ');
            self.out.extend_from_slice(attr.qname.as_bytes());
            self.out.extend_from_slice(b"=\"");
            escape_attribute(&attr.value, self.out);
            self.out.push(b'"');
        }
    }

    /// C14N 1.0 / 1.1: render every in-set namespace node that the nearest output ancestor
    /// does not already carry with the same value.
    fn inclusive_namespaces(
        &self,
        node: Node<'_, '_>,
        parent_ctx: &NsMap,
    ) -> (Vec<(String, String)>, NsMap) {
        let mut context = NsMap::new();
        for ns in node.namespaces() {
            let prefix = ns.name().unwrap_or("");
            if prefix == "xml" || !self.set.has_namespace(node, prefix) {
                continue;
            }
            if prefix.is_empty() && ns.uri().is_empty() {
                continue;
            }
            context.insert(prefix.to_owned(), ns.uri().to_owned());
        }
        let mut declarations = Vec::new();
        let parent_default = parent_ctx.get("").map_or("", String::as_str);
        if !context.contains_key("") && !parent_default.is_empty() {
            declarations.push((String::new(), String::new()));
        }
        for (prefix, uri) in &context {
            if parent_ctx.get(prefix) != Some(uri) {
                declarations.push((prefix.clone(), uri.clone()));
            }
        }
        declarations.sort();
        (declarations, context)
    }

    /// Exclusive C14N: render the visibly utilized namespaces (and the PrefixList ones) that
    /// the output ancestors have not rendered with the same value.
    fn exclusive_namespaces(
        &self,
        node: Node<'_, '_>,
        qname: &str,
        parent_ctx: &NsMap,
    ) -> (Vec<(String, String)>, NsMap) {
        let mut wanted: Vec<&str> = vec![prefix_of(qname)];
        let document = node.document();
        for attr in node.attributes() {
            if !self.set.has_attribute(node, &attr) {
                continue;
            }
            let attr_qname = attribute_qname(document, &attr);
            let prefix = prefix_of(&attr_qname);
            if !prefix.is_empty() && !wanted.contains(&prefix) {
                // `attr_qname` is owned; store the prefix through the namespace list below.
                if let Some(ns) = node.namespaces().find(|ns| ns.name() == Some(prefix)) {
                    if let Some(name) = ns.name() {
                        wanted.push(name);
                    }
                }
            }
        }
        for p in &self.inclusive_prefixes {
            if !wanted.contains(p) {
                wanted.push(p);
            }
        }
        let mut context = parent_ctx.clone();
        let mut declarations = Vec::new();
        for prefix in wanted {
            if prefix == "xml" {
                continue;
            }
            let uri = node
                .namespaces()
                .find(|ns| ns.name().unwrap_or("") == prefix)
                .map(|ns| ns.uri());
            let in_set = self.set.has_namespace(node, prefix);
            match uri {
                Some(uri)
                    if in_set
                        && !uri.is_empty()
                        && parent_ctx.get(prefix).map(String::as_str) != Some(uri) =>
                {
                    declarations.push((prefix.to_owned(), uri.to_owned()));
                    context.insert(prefix.to_owned(), uri.to_owned());
                }
                Some(uri) if in_set && !uri.is_empty() => {}
                // Utilized but its namespace node is outside the set: nothing is rendered,
                // so descendants that utilize the prefix must declare it again.
                Some(_) if !prefix.is_empty() && !in_set => {
                    context.remove(prefix);
                }
                // No default namespace in the set here: undeclare a rendered one.
                _ if prefix.is_empty() && parent_ctx.get("").is_some_and(|u| !u.is_empty()) => {
                    declarations.push((String::new(), String::new()));
                    context.insert(String::new(), String::new());
                }
                _ => {}
            }
        }
        declarations.sort();
        (declarations, context)
    }

    /// The attributes to render, sorted by (namespace URI, local name), including the xml:*
    /// attributes inherited from omitted ancestors under the inclusive algorithms.
    fn attributes(&self, node: Node<'_, '_>) -> Vec<RenderedAttr> {
        let document = node.document();
        let mut attrs: Vec<RenderedAttr> = node
            .attributes()
            .filter(|a| self.set.has_attribute(node, a))
            .map(|a| RenderedAttr {
                namespace: a.namespace().unwrap_or("").to_owned(),
                local: a.name().to_owned(),
                qname: attribute_qname(document, &a),
                value: a.value().to_owned(),
            })
            .collect();
        if self.mode.algorithm != C14nAlgorithm::Exclusive10 {
            self.inherit_xml_attributes(node, &mut attrs);
        }
        attrs.sort_by(|a, b| (&a.namespace, &a.local).cmp(&(&b.namespace, &b.local)));
        attrs
    }

    /// Document subsets: an element whose parent is omitted takes the xml:* attributes of its
    /// omitted ancestors (C14N 1.0 §2.4; C14N 1.1 §2.4 limits this to xml:lang and xml:space
    /// and joins xml:base values).
    fn inherit_xml_attributes(&self, node: Node<'_, '_>, attrs: &mut Vec<RenderedAttr>) {
        let parent_omitted = node
            .parent()
            .is_some_and(|p| p.is_element() && !self.set.has_node(p));
        if !parent_omitted {
            return;
        }
        let c14n11 = self.mode.algorithm == C14nAlgorithm::Inclusive11;
        let mut bases: Vec<String> = Vec::new();
        for ancestor in node.ancestors().skip(1) {
            if !ancestor.is_element() {
                break;
            }
            if c14n11 && self.set.has_node(ancestor) {
                // xml:base fix-up stops at the nearest output ancestor.
                break;
            }
            for a in ancestor.attributes() {
                if a.namespace() != Some(XML_NS) {
                    continue;
                }
                let local = a.name();
                if c14n11 {
                    if local == "base" {
                        bases.push(a.value().to_owned());
                        continue;
                    }
                    if local != "lang" && local != "space" {
                        continue;
                    }
                }
                if attrs
                    .iter()
                    .any(|r| r.namespace == XML_NS && r.local == local)
                {
                    continue;
                }
                attrs.push(RenderedAttr {
                    namespace: XML_NS.to_owned(),
                    local: local.to_owned(),
                    qname: format!("xml:{local}"),
                    value: a.value().to_owned(),
                });
            }
        }
        if c14n11 && !bases.is_empty() {
            // Fold outwards as libxml2 does: the element's own value (or nothing) resolved
            // against each omitted ancestor's xml:base, a trailing ".." made a directory.
            let own = attrs
                .iter()
                .position(|r| r.namespace == XML_NS && r.local == "base");
            let mut value = own
                .and_then(|i| attrs.get(i))
                .map_or_else(String::new, |r| r.value.clone());
            for base in &bases {
                let mut base = base.clone();
                if base.ends_with("..") {
                    base.push('/');
                }
                value = uri::join(&base, &value);
            }
            match own.and_then(|i| attrs.get_mut(i)) {
                Some(r) => r.value = value,
                None if !value.is_empty() => attrs.push(RenderedAttr {
                    namespace: XML_NS.to_owned(),
                    local: "base".to_owned(),
                    qname: "xml:base".to_owned(),
                    value,
                }),
                None => {}
            }
        }
    }
}

struct RenderedAttr {
    namespace: String,
    local: String,
    qname: String,
    value: String,
}

/// The element's qualified name exactly as written in the source (prefix included).
pub(crate) fn element_qname<'i>(node: Node<'_, 'i>) -> &'i str {
    let input = node.document().input_text();
    let start = node.range().start.saturating_add(1);
    let written = input
        .get(start..)
        .map(|rest| {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(rest.len());
            rest.get(..end).unwrap_or("")
        })
        .unwrap_or("");
    let local = node.tag_name().name();
    // Guard against ranges that do not point at the tag (entity-expanded markup).
    if written == local || written.ends_with(&format!(":{local}")) {
        written
    } else {
        local
    }
}

/// The attribute's qualified name as written in the source.
fn attribute_qname(document: &Document<'_>, attr: &Attribute<'_, '_>) -> String {
    let written = document.input_text().get(attr.range_qname()).unwrap_or("");
    let local = attr.name();
    if written == local || written.ends_with(&format!(":{local}")) {
        return written.to_owned();
    }
    if attr.namespace() == Some(XML_NS) {
        return format!("xml:{local}");
    }
    local.to_owned()
}

fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map_or("", |(p, _)| p)
}

fn escape_text(text: &str, out: &mut Vec<u8>) {
    for &b in text.as_bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}

fn escape_attribute(value: &str, out: &mut Vec<u8>) {
    for &b in value.as_bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'\t' => out.extend_from_slice(b"&#x9;"),
            b'\n' => out.extend_from_slice(b"&#xA;"),
            b'\r' => out.extend_from_slice(b"&#xD;"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, ParseLimits};

    fn c14n(xml: &str, mode: C14nMode) -> String {
        let doc = parse(xml, &ParseLimits::default()).expect("parses");
        let mut out = Vec::new();
        canonicalize(&doc, &Subtree::whole(&doc), mode, &[], &mut out);
        String::from_utf8(out).expect("utf-8")
    }

    const INCL: C14nMode = C14nMode {
        algorithm: C14nAlgorithm::Inclusive10,
        with_comments: false,
    };

    #[test]
    fn keeps_nfc_and_nfd_text_byte_for_byte() {
        let nfc = "<a>Vi\u{1EC7}t</a>";
        let nfd = "<a>Vie\u{323}\u{302}t</a>";
        assert_eq!(c14n(nfc, INCL), nfc);
        assert_eq!(c14n(nfd, INCL), nfd);
        assert_ne!(c14n(nfc, INCL), c14n(nfd, INCL));
    }

    #[test]
    fn sorts_attributes_and_drops_redundant_namespaces() {
        let out = c14n(
            r#"<a xmlns:b="u" b:z="1" y='2' xmlns="d"><c xmlns:b="u" xmlns=""/></a>"#,
            INCL,
        );
        assert_eq!(
            out,
            r#"<a xmlns="d" xmlns:b="u" y="2" b:z="1"><c xmlns=""></c></a>"#
        );
    }

    #[test]
    fn exclusive_renders_only_visibly_utilized_namespaces() {
        let mode = C14nMode {
            algorithm: C14nAlgorithm::Exclusive10,
            with_comments: false,
        };
        let out = c14n(r#"<a xmlns:x="u" xmlns:y="v"><x:b/></a>"#, mode);
        assert_eq!(out, r#"<a><x:b xmlns:x="u"></x:b></a>"#);
    }

    #[test]
    fn drops_comments_unless_asked() {
        let xml = "<!--c--><a/><!--d-->";
        assert_eq!(c14n(xml, INCL), "<a></a>");
        let with = C14nMode {
            with_comments: true,
            ..INCL
        };
        assert_eq!(c14n(xml, with), "<!--c-->\n<a></a>\n<!--d-->");
    }

    #[test]
    fn exclusive_prefix_list_renders_unused_namespaces_only_when_listed() {
        let exc = C14nMode {
            algorithm: C14nAlgorithm::Exclusive10,
            with_comments: false,
        };
        let doc = parse(
            r#"<a xmlns:x="u" xmlns="d"><b/></a>"#,
            &ParseLimits::default(),
        )
        .expect("parses");
        let b = doc
            .descendants()
            .find(|n| n.tag_name().name() == "b")
            .expect("b");
        let mut listed = Vec::new();
        canonicalize(
            &doc,
            &Subtree::of(b, &[]),
            exc,
            &["x".to_owned()],
            &mut listed,
        );
        assert_eq!(
            String::from_utf8_lossy(&listed),
            r#"<b xmlns="d" xmlns:x="u"></b>"#
        );
        let mut unlisted = Vec::new();
        canonicalize(&doc, &Subtree::of(b, &[]), exc, &[], &mut unlisted);
        assert_eq!(String::from_utf8_lossy(&unlisted), r#"<b xmlns="d"></b>"#);
    }

    #[test]
    fn inclusive_subset_inherits_ancestor_namespaces_and_xml_attributes() {
        let doc = parse(
            r#"<a xmlns:x="u" xml:lang="vi"><b x:k="1"/></a>"#,
            &ParseLimits::default(),
        )
        .expect("parses");
        let b = doc
            .descendants()
            .find(|n| n.tag_name().name() == "b")
            .expect("b");
        let mut out = Vec::new();
        canonicalize(&doc, &Subtree::of(b, &[]), INCL, &[], &mut out);
        assert_eq!(
            String::from_utf8_lossy(&out),
            // Sorted by namespace URI: the XML namespace (http://…) before "u".
            r#"<b xmlns:x="u" xml:lang="vi" x:k="1"></b>"#
        );
        let exc = C14nMode {
            algorithm: C14nAlgorithm::Exclusive10,
            with_comments: false,
        };
        let mut exclusive = Vec::new();
        canonicalize(&doc, &Subtree::of(b, &[]), exc, &[], &mut exclusive);
        assert_eq!(
            String::from_utf8_lossy(&exclusive),
            r#"<b xmlns:x="u" x:k="1"></b>"#
        );
    }
}
