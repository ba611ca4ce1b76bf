//! A small XPath 1.0 subset for document-subset expressions (C14N node-sets).
//!
//! Supported: the canonical selector `(//. | //@* | //namespace::*)` optionally followed by
//! one predicate, or a bare predicate applied to every node. Predicates may use `or`, `and`,
//! `=`, `!=`, `<`, `>`, `<=`, `>=`, `mod`, `|`, string and number literals, relative location
//! paths over the axes `self`, `parent`, `ancestor`, `ancestor-or-self`, `child`,
//! `attribute`, `namespace`, and the functions `not`, `count`, `name`, `local-name`,
//! `namespace-uri`, `string`, `id`, `true`, `false`. Anything else is an
//! [`XPathError::Unsupported`], never a guess.
//!
//! The evaluator is bounded: expressions are limited in length and nesting, and node-sets are
//! built from the document only.

mod eval;
mod parser;

use crate::c14n::NodeSet;
use eval::{boolean, Ctx};
use parser::{tokenize, Parser};
use roxmltree::{Attribute, Document, Node};
use std::collections::{BTreeSet, HashMap};

/// Why an expression cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XPathError {
    /// Outside the supported subset.
    #[error("unsupported XPath: {0}")]
    Unsupported(String),
    /// Not a well-formed expression.
    #[error("malformed XPath at offset {offset}")]
    Malformed {
        /// Byte offset in the expression.
        offset: usize,
    },
    /// A prefix with no namespace binding in the expression's context.
    #[error("unbound prefix {0:?} in XPath")]
    UnboundPrefix(String),
    /// Too long or too deeply nested.
    #[error("XPath expression too complex")]
    TooComplex,
}

const MAX_EXPRESSION_LEN: usize = 4096;
pub(crate) const MAX_NESTING: usize = 64;

/// A node of the XPath data model.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum XNode {
    /// Root, element, text, comment or PI (by roxmltree node index).
    Tree(u32),
    /// The attribute at `index` of the element.
    Attr(u32, usize),
    /// The namespace node `prefix` (`""` = default) of the element.
    Ns(u32, String),
}

/// The node-set an expression selects, usable as a C14N document subset.
#[derive(Debug, Clone)]
pub struct XPathNodeSet {
    nodes: BTreeSet<XNode>,
}

impl NodeSet for XPathNodeSet {
    fn has_node(&self, node: Node<'_, '_>) -> bool {
        self.nodes.contains(&XNode::Tree(node.id().get()))
    }
    fn has_attribute(&self, element: Node<'_, '_>, attr: &Attribute<'_, '_>) -> bool {
        attr_index(element, attr)
            .is_some_and(|i| self.nodes.contains(&XNode::Attr(element.id().get(), i)))
    }
    fn has_namespace(&self, element: Node<'_, '_>, prefix: &str) -> bool {
        self.nodes
            .contains(&XNode::Ns(element.id().get(), prefix.to_owned()))
    }
}

fn attr_index(element: Node<'_, '_>, attr: &Attribute<'_, '_>) -> Option<usize> {
    element
        .attributes()
        .position(|a| a.name() == attr.name() && a.namespace() == attr.namespace())
}

/// Selects the nodes of `doc` that `expression` keeps. `namespaces` binds the prefixes used
/// in name tests (the in-scope namespaces of the element that carried the expression).
pub fn select(
    doc: &Document<'_>,
    expression: &str,
    namespaces: &HashMap<String, String>,
) -> Result<XPathNodeSet, XPathError> {
    if expression.len() > MAX_EXPRESSION_LEN {
        return Err(XPathError::TooComplex);
    }
    let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
    let predicate_text = if let Some(rest) = compact.strip_prefix("(//.|//@*|//namespace::*)") {
        if rest.is_empty() {
            None
        } else {
            // Keep the original spacing: find the predicate in the original text.
            let open = expression
                .find('[')
                .ok_or(XPathError::Malformed { offset: 0 })?;
            let close = expression
                .rfind(']')
                .ok_or(XPathError::Malformed { offset: 0 })?;
            Some(
                expression
                    .get(open + 1..close)
                    .ok_or(XPathError::Malformed { offset: open })?,
            )
        }
    } else {
        Some(expression)
    };
    let predicate = match predicate_text {
        Some(text) => {
            let tokens = tokenize(text)?;
            let mut parser = Parser {
                tokens,
                pos: 0,
                namespaces,
                depth: 0,
            };
            let expr = parser.or_expr()?;
            if parser.pos != parser.tokens.len() {
                return Err(XPathError::Malformed { offset: parser.pos });
            }
            Some(expr)
        }
        None => None,
    };
    let ctx = Ctx::new(doc);
    let mut nodes = BTreeSet::new();
    for node in all_nodes(doc) {
        let keep = match &predicate {
            None => true,
            Some(p) => boolean(&ctx.eval(p, &node)?),
        };
        if keep {
            nodes.insert(node);
        }
    }
    Ok(XPathNodeSet { nodes })
}

fn all_nodes(doc: &Document<'_>) -> Vec<XNode> {
    let mut out = Vec::new();
    for n in doc.descendants() {
        out.push(XNode::Tree(n.id().get()));
        if n.is_element() {
            for ns in namespace_nodes(n) {
                out.push(XNode::Ns(n.id().get(), ns));
            }
            for i in 0..n.attributes().len() {
                out.push(XNode::Attr(n.id().get(), i));
            }
        }
    }
    out
}

/// The prefixes of an element's namespace axis (`""` for a non-empty default).
pub(crate) fn namespace_nodes(n: Node<'_, '_>) -> Vec<String> {
    n.namespaces()
        .filter(|ns| !(ns.name().is_none() && ns.uri().is_empty()))
        .map(|ns| ns.name().unwrap_or("").to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, ParseLimits};

    #[test]
    fn selects_a_subtree_by_predicate_and_refuses_unknown_functions() {
        let doc = parse(
            "<a xmlns:p='u'><p:b x='1'>t</p:b><c/></a>",
            &ParseLimits::default(),
        )
        .expect("parses");
        let ns = HashMap::from([("q".to_owned(), "u".to_owned())]);
        let set = select(
            &doc,
            "(//. | //@* | //namespace::*)[ancestor-or-self::q:b]",
            &ns,
        )
        .expect("selects");
        let b = doc
            .descendants()
            .find(|n| n.tag_name().name() == "b")
            .expect("b");
        let c = doc
            .descendants()
            .find(|n| n.tag_name().name() == "c")
            .expect("c");
        assert!(set.has_node(b));
        assert!(!set.has_node(c));
        assert!(matches!(
            select(&doc, "here()", &ns),
            Err(XPathError::Unsupported(_))
        ));
        assert!(matches!(
            select(&doc, "x:b", &ns),
            Err(XPathError::UnboundPrefix(_))
        ));
    }

    #[test]
    fn refuses_overlong_and_deeply_nested_expressions() {
        let doc = parse("<a/>", &ParseLimits::default()).expect("parses");
        let ns = HashMap::new();
        let long = "self::a or ".repeat(500) + "self::a";
        assert_eq!(select(&doc, &long, &ns).err(), Some(XPathError::TooComplex));
        let deep = format!("{}self::a{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(select(&doc, &deep, &ns).err(), Some(XPathError::TooComplex));
        let shallow = format!("{}self::a{}", "(".repeat(10), ")".repeat(10));
        assert!(select(&doc, &shallow, &ns).is_ok());
    }

    #[test]
    fn namespace_nodes_follow_the_predicate() {
        let doc = parse(
            "<a xmlns:p='u' xmlns:q='v'><b/></a>",
            &ParseLimits::default(),
        )
        .expect("parses");
        let ns = HashMap::new();
        let set =
            select(&doc, "(//. | //@* | //namespace::*)[name() != 'q']", &ns).expect("selects");
        let b = doc
            .descendants()
            .find(|n| n.tag_name().name() == "b")
            .expect("b");
        assert!(set.has_namespace(b, "p"));
        assert!(!set.has_namespace(b, "q"));
    }
}
