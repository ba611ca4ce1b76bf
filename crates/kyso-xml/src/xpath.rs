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

use crate::c14n::NodeSet;
use roxmltree::{Attribute, Document, Node, NodeId};
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
const MAX_NESTING: usize = 64;

/// A node of the XPath data model.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum XNode {
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
fn namespace_nodes(n: Node<'_, '_>) -> Vec<String> {
    n.namespaces()
        .filter(|ns| !(ns.name().is_none() && ns.uri().is_empty()))
        .map(|ns| ns.name().unwrap_or("").to_owned())
        .collect()
}

// ---- tokens and parser ----

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Pipe,
    Slash,
    Comma,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Star,
    AxisSep,
    Literal(String),
    Number(f64),
    Name(String),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, XPathError> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(offset, c)) = chars.get(i) {
        let next = chars.get(i + 1).map(|&(_, c)| c);
        i += 1;
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Tok::LParen),
            ')' => out.push(Tok::RParen),
            '|' => out.push(Tok::Pipe),
            '/' => out.push(Tok::Slash),
            ',' => out.push(Tok::Comma),
            '*' => out.push(Tok::Star),
            '=' => out.push(Tok::Eq),
            '!' if next == Some('=') => {
                out.push(Tok::Ne);
                i += 1;
            }
            '<' if next == Some('=') => {
                out.push(Tok::Le);
                i += 1;
            }
            '>' if next == Some('=') => {
                out.push(Tok::Ge);
                i += 1;
            }
            '<' => out.push(Tok::Lt),
            '>' => out.push(Tok::Gt),
            ':' if next == Some(':') => {
                out.push(Tok::AxisSep);
                i += 1;
            }
            '"' | '\'' => {
                let mut lit = String::new();
                loop {
                    let Some(&(_, d)) = chars.get(i) else {
                        return Err(XPathError::Malformed { offset });
                    };
                    i += 1;
                    if d == c {
                        break;
                    }
                    lit.push(d);
                }
                out.push(Tok::Literal(lit));
            }
            c if c.is_ascii_digit() => {
                let mut num = String::from(c);
                while let Some(&(_, d)) = chars.get(i) {
                    if d.is_ascii_digit() || d == '.' {
                        num.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push(Tok::Number(
                    num.parse().map_err(|_| XPathError::Malformed { offset })?,
                ));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut name = String::from(c);
                while let Some(&(_, d)) = chars.get(i) {
                    let qname_colon = d == ':'
                        && chars.get(i + 1).is_some_and(|&(_, e)| e != ':')
                        && !name.contains(':');
                    if d.is_alphanumeric() || d == '-' || d == '_' || d == '.' || qname_colon {
                        name.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push(Tok::Name(name));
            }
            _ => return Err(XPathError::Malformed { offset }),
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Axis {
    /// `self::` (named `Own` because `Self` is reserved).
    Own,
    Parent,
    Ancestor,
    AncestorOrSelf,
    Child,
    Attribute,
    Namespace,
}

#[derive(Clone, Debug, PartialEq)]
enum Test {
    AnyNode,
    Text,
    Comment,
    Pi,
    Principal,
    Name(Option<String>, String),
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Cmp(Box<Expr>, Tok, Box<Expr>),
    Mod(Box<Expr>, Box<Expr>),
    Union(Box<Expr>, Box<Expr>),
    Path(Vec<(Axis, Test)>),
    Call(String, Vec<Expr>),
    Literal(String),
    Number(f64),
}

struct Parser<'n> {
    tokens: Vec<Tok>,
    pos: usize,
    namespaces: &'n HashMap<String, String>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Name(n)) if n == w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn nest(&mut self) -> Result<(), XPathError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(XPathError::TooComplex);
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Expr, XPathError> {
        self.nest()?;
        let mut left = self.and_expr()?;
        while self.eat_word("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, XPathError> {
        let mut left = self.cmp_expr()?;
        while self.eat_word("and") {
            left = Expr::And(Box::new(left), Box::new(self.cmp_expr()?));
        }
        Ok(left)
    }

    fn cmp_expr(&mut self) -> Result<Expr, XPathError> {
        let mut left = self.mod_expr()?;
        while let Some(op) = self.peek().cloned() {
            if !matches!(
                op,
                Tok::Eq | Tok::Ne | Tok::Lt | Tok::Gt | Tok::Le | Tok::Ge
            ) {
                break;
            }
            self.pos += 1;
            left = Expr::Cmp(Box::new(left), op, Box::new(self.mod_expr()?));
        }
        Ok(left)
    }

    fn mod_expr(&mut self) -> Result<Expr, XPathError> {
        let mut left = self.union_expr()?;
        while self.eat_word("mod") {
            left = Expr::Mod(Box::new(left), Box::new(self.union_expr()?));
        }
        Ok(left)
    }

    fn union_expr(&mut self) -> Result<Expr, XPathError> {
        let mut left = self.primary()?;
        while self.eat(&Tok::Pipe) {
            left = Expr::Union(Box::new(left), Box::new(self.primary()?));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, XPathError> {
        let offset = self.pos;
        match self.peek().cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.or_expr()?;
                if !self.eat(&Tok::RParen) {
                    return Err(XPathError::Malformed { offset: self.pos });
                }
                Ok(e)
            }
            Some(Tok::Literal(s)) => {
                self.pos += 1;
                Ok(Expr::Literal(s))
            }
            Some(Tok::Number(n)) => {
                self.pos += 1;
                Ok(Expr::Number(n))
            }
            Some(Tok::Name(name))
                if self.tokens.get(self.pos + 1) == Some(&Tok::LParen)
                    && !matches!(
                        name.as_str(),
                        "node" | "text" | "comment" | "processing-instruction"
                    ) =>
            {
                self.pos += 2;
                let mut args = Vec::new();
                if !self.eat(&Tok::RParen) {
                    loop {
                        args.push(self.or_expr()?);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        if !self.eat(&Tok::Comma) {
                            return Err(XPathError::Malformed { offset: self.pos });
                        }
                    }
                }
                match name.as_str() {
                    "not" | "count" | "name" | "local-name" | "namespace-uri" | "string" | "id"
                    | "true" | "false" => Ok(Expr::Call(name, args)),
                    other => Err(XPathError::Unsupported(format!("function {other}()"))),
                }
            }
            Some(Tok::Name(_)) => self.path(),
            _ => Err(XPathError::Malformed { offset }),
        }
    }

    fn path(&mut self) -> Result<Expr, XPathError> {
        let mut steps = vec![self.step()?];
        while self.eat(&Tok::Slash) {
            steps.push(self.step()?);
        }
        Ok(Expr::Path(steps))
    }

    fn step(&mut self) -> Result<(Axis, Test), XPathError> {
        let Some(Tok::Name(first)) = self.peek().cloned() else {
            return Err(XPathError::Malformed { offset: self.pos });
        };
        let axis = if self.tokens.get(self.pos + 1) == Some(&Tok::AxisSep) {
            self.pos += 2;
            match first.as_str() {
                "self" => Axis::Own,
                "parent" => Axis::Parent,
                "ancestor" => Axis::Ancestor,
                "ancestor-or-self" => Axis::AncestorOrSelf,
                "child" => Axis::Child,
                "attribute" => Axis::Attribute,
                "namespace" => Axis::Namespace,
                other => return Err(XPathError::Unsupported(format!("axis {other}"))),
            }
        } else {
            Axis::Child
        };
        if self.eat(&Tok::Star) {
            return Ok((axis, Test::Principal));
        }
        let Some(Tok::Name(name)) = self.peek().cloned() else {
            return Err(XPathError::Malformed { offset: self.pos });
        };
        self.pos += 1;
        if self.eat(&Tok::LParen) {
            if !self.eat(&Tok::RParen) {
                return Err(XPathError::Malformed { offset: self.pos });
            }
            let test = match name.as_str() {
                "node" => Test::AnyNode,
                "text" => Test::Text,
                "comment" => Test::Comment,
                "processing-instruction" => Test::Pi,
                other => return Err(XPathError::Unsupported(format!("node test {other}()"))),
            };
            return Ok((axis, test));
        }
        let test = match name.split_once(':') {
            Some((prefix, local)) => {
                let uri = self
                    .namespaces
                    .get(prefix)
                    .ok_or_else(|| XPathError::UnboundPrefix(prefix.to_owned()))?;
                Test::Name(Some(uri.clone()), local.to_owned())
            }
            None => Test::Name(None, name),
        };
        Ok((axis, test))
    }
}

// ---- evaluation ----

#[derive(Clone, Debug)]
enum Value {
    Nodes(BTreeSet<XNode>),
    Str(String),
    Num(f64),
    Bool(bool),
}

fn boolean(v: &Value) -> bool {
    match v {
        Value::Nodes(n) => !n.is_empty(),
        Value::Str(s) => !s.is_empty(),
        Value::Num(n) => *n != 0.0 && !n.is_nan(),
        Value::Bool(b) => *b,
    }
}

struct Ctx<'a, 'i> {
    doc: &'a Document<'i>,
    ids: HashMap<String, u32>,
}

impl<'a, 'i> Ctx<'a, 'i> {
    fn new(doc: &'a Document<'i>) -> Self {
        let mut ids = HashMap::new();
        for n in doc.descendants().filter(Node::is_element) {
            for a in n.attributes() {
                let is_id = matches!(a.name(), "id" | "Id" | "ID")
                    && (a.namespace().is_none()
                        || a.namespace() == Some("http://www.w3.org/XML/1998/namespace"));
                if is_id {
                    ids.entry(a.value().to_owned()).or_insert(n.id().get());
                }
            }
        }
        Self { doc, ids }
    }

    fn node(&self, id: u32) -> Option<Node<'a, 'i>> {
        if id == u32::MAX {
            return None;
        }
        self.doc.get_node(NodeId::new(id))
    }

    fn eval(&self, e: &Expr, ctx: &XNode) -> Result<Value, XPathError> {
        Ok(match e {
            Expr::Or(a, b) => {
                Value::Bool(boolean(&self.eval(a, ctx)?) || boolean(&self.eval(b, ctx)?))
            }
            Expr::And(a, b) => {
                Value::Bool(boolean(&self.eval(a, ctx)?) && boolean(&self.eval(b, ctx)?))
            }
            Expr::Cmp(a, op, b) => {
                Value::Bool(self.compare(&self.eval(a, ctx)?, op, &self.eval(b, ctx)?))
            }
            Expr::Mod(a, b) => {
                let x = self.number(&self.eval(a, ctx)?);
                let y = self.number(&self.eval(b, ctx)?);
                Value::Num(x % y)
            }
            Expr::Union(a, b) => {
                let (Value::Nodes(mut x), Value::Nodes(y)) =
                    (self.eval(a, ctx)?, self.eval(b, ctx)?)
                else {
                    return Err(XPathError::Unsupported("union of non-node-sets".to_owned()));
                };
                x.extend(y);
                Value::Nodes(x)
            }
            Expr::Path(steps) => {
                let mut set: BTreeSet<XNode> = BTreeSet::from([ctx.clone()]);
                for (axis, test) in steps {
                    let mut next = BTreeSet::new();
                    for n in &set {
                        for m in self.axis(n, *axis) {
                            if self.matches(&m, *axis, test) {
                                next.insert(m);
                            }
                        }
                    }
                    set = next;
                }
                Value::Nodes(set)
            }
            Expr::Literal(s) => Value::Str(s.clone()),
            Expr::Number(n) => Value::Num(*n),
            Expr::Call(name, args) => self.call(name, args, ctx)?,
        })
    }

    fn call(&self, name: &str, args: &[Expr], ctx: &XNode) -> Result<Value, XPathError> {
        let arg_node = |i: usize| -> Result<Option<XNode>, XPathError> {
            match args.get(i) {
                None => Ok(Some(ctx.clone())),
                Some(e) => match self.eval(e, ctx)? {
                    Value::Nodes(n) => Ok(n.into_iter().next()),
                    _ => Err(XPathError::Unsupported(format!(
                        "{name}() of a non-node-set"
                    ))),
                },
            }
        };
        Ok(match name {
            "not" => Value::Bool(!boolean(&self.eval(
                args.first().ok_or(XPathError::Malformed { offset: 0 })?,
                ctx,
            )?)),
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "count" => match args.first().map(|a| self.eval(a, ctx)).transpose()? {
                Some(Value::Nodes(n)) => Value::Num(n.len() as f64),
                _ => {
                    return Err(XPathError::Unsupported(
                        "count() of a non-node-set".to_owned(),
                    ))
                }
            },
            "name" => Value::Str(
                arg_node(0)?
                    .map(|n| self.name(&n, true))
                    .unwrap_or_default(),
            ),
            "local-name" => Value::Str(
                arg_node(0)?
                    .map(|n| self.name(&n, false))
                    .unwrap_or_default(),
            ),
            "namespace-uri" => Value::Str(
                arg_node(0)?
                    .map(|n| self.namespace_uri(&n))
                    .unwrap_or_default(),
            ),
            "string" => match args.first() {
                None => Value::Str(self.string_value(ctx)),
                Some(e) => Value::Str(self.string(&self.eval(e, ctx)?)),
            },
            "id" => {
                let v = self.eval(
                    args.first().ok_or(XPathError::Malformed { offset: 0 })?,
                    ctx,
                )?;
                let s = self.string(&v);
                Value::Nodes(
                    s.split_whitespace()
                        .filter_map(|id| self.ids.get(id))
                        .map(|id| XNode::Tree(*id))
                        .collect(),
                )
            }
            other => return Err(XPathError::Unsupported(format!("function {other}()"))),
        })
    }

    fn axis(&self, n: &XNode, axis: Axis) -> Vec<XNode> {
        match axis {
            Axis::Own => vec![n.clone()],
            Axis::Parent => self.parent(n).into_iter().collect(),
            Axis::Ancestor | Axis::AncestorOrSelf => {
                let mut out = Vec::new();
                if axis == Axis::AncestorOrSelf {
                    out.push(n.clone());
                }
                let mut cur = self.parent(n);
                while let Some(p) = cur {
                    cur = self.parent(&p);
                    out.push(p);
                }
                out
            }
            Axis::Child => match n {
                XNode::Tree(id) => self
                    .node(*id)
                    .map(|e| e.children().map(|c| XNode::Tree(c.id().get())).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
            Axis::Attribute => match n {
                XNode::Tree(id) => self
                    .node(*id)
                    .filter(Node::is_element)
                    .map(|e| {
                        (0..e.attributes().len())
                            .map(|i| XNode::Attr(*id, i))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
            Axis::Namespace => match n {
                XNode::Tree(id) => self
                    .node(*id)
                    .filter(Node::is_element)
                    .map(|e| {
                        namespace_nodes(e)
                            .into_iter()
                            .map(|p| XNode::Ns(*id, p))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
        }
    }

    fn parent(&self, n: &XNode) -> Option<XNode> {
        match n {
            XNode::Tree(id) => self.node(*id)?.parent().map(|p| XNode::Tree(p.id().get())),
            XNode::Attr(id, _) | XNode::Ns(id, _) => Some(XNode::Tree(*id)),
        }
    }

    fn matches(&self, n: &XNode, axis: Axis, test: &Test) -> bool {
        let principal_is_element = !matches!(axis, Axis::Attribute | Axis::Namespace);
        match (test, n) {
            (Test::AnyNode, _) => true,
            (Test::Text, XNode::Tree(id)) => self.node(*id).is_some_and(|x| x.is_text()),
            (Test::Comment, XNode::Tree(id)) => self.node(*id).is_some_and(|x| x.is_comment()),
            (Test::Pi, XNode::Tree(id)) => self.node(*id).is_some_and(|x| x.is_pi()),
            (Test::Principal, XNode::Tree(id)) => {
                principal_is_element && self.node(*id).is_some_and(|x| x.is_element())
            }
            (Test::Principal, XNode::Attr(..)) => axis == Axis::Attribute,
            (Test::Principal, XNode::Ns(..)) => axis == Axis::Namespace,
            (Test::Name(uri, local), XNode::Tree(id)) => {
                principal_is_element
                    && self.node(*id).is_some_and(|x| {
                        x.is_element()
                            && x.tag_name().name() == local
                            && x.tag_name().namespace().filter(|u| !u.is_empty()) == uri.as_deref()
                    })
            }
            (Test::Name(uri, local), XNode::Attr(id, i)) => {
                axis == Axis::Attribute
                    && self
                        .node(*id)
                        .and_then(|e| e.attributes().nth(*i))
                        .is_some_and(|a| a.name() == local && a.namespace() == uri.as_deref())
            }
            (Test::Name(uri, local), XNode::Ns(_, prefix)) => {
                axis == Axis::Namespace && uri.is_none() && prefix == local
            }
            _ => false,
        }
    }

    fn name(&self, n: &XNode, qualified: bool) -> String {
        match n {
            XNode::Tree(id) => self
                .node(*id)
                .filter(Node::is_element)
                .map(|e| {
                    if qualified {
                        crate::c14n::element_qname(e).to_owned()
                    } else {
                        e.tag_name().name().to_owned()
                    }
                })
                .unwrap_or_default(),
            XNode::Attr(id, i) => self
                .node(*id)
                .and_then(|e| {
                    let a = e.attributes().nth(*i)?;
                    let qname = e.document().input_text().get(a.range_qname())?.to_owned();
                    Some(if qualified {
                        qname
                    } else {
                        a.name().to_owned()
                    })
                })
                .unwrap_or_default(),
            XNode::Ns(_, prefix) => prefix.clone(),
        }
    }

    fn namespace_uri(&self, n: &XNode) -> String {
        match n {
            XNode::Tree(id) => self
                .node(*id)
                .filter(Node::is_element)
                .and_then(|e| e.tag_name().namespace().map(str::to_owned))
                .filter(|u| !u.is_empty())
                .unwrap_or_default(),
            XNode::Attr(id, i) => self
                .node(*id)
                .and_then(|e| e.attributes().nth(*i))
                .and_then(|a| a.namespace().map(str::to_owned))
                .unwrap_or_default(),
            XNode::Ns(..) => String::new(),
        }
    }

    fn string_value(&self, n: &XNode) -> String {
        match n {
            XNode::Tree(id) => match self.node(*id) {
                Some(x) if x.is_element() || x.is_root() => x
                    .descendants()
                    .filter(Node::is_text)
                    .filter_map(|t| t.text())
                    .collect(),
                Some(x) if x.is_pi() => x.pi().and_then(|p| p.value).unwrap_or("").to_owned(),
                Some(x) => x.text().unwrap_or("").to_owned(),
                None => String::new(),
            },
            XNode::Attr(id, i) => self
                .node(*id)
                .and_then(|e| e.attributes().nth(*i))
                .map(|a| a.value().to_owned())
                .unwrap_or_default(),
            XNode::Ns(id, prefix) => self
                .node(*id)
                .and_then(|e| {
                    e.namespaces()
                        .find(|ns| ns.name().unwrap_or("") == prefix)
                        .map(|ns| ns.uri().to_owned())
                })
                .unwrap_or_default(),
        }
    }

    fn string(&self, v: &Value) -> String {
        match v {
            Value::Nodes(n) => n
                .iter()
                .next()
                .map(|x| self.string_value(x))
                .unwrap_or_default(),
            Value::Str(s) => s.clone(),
            Value::Num(n) => {
                if n.fract() == 0.0 && n.is_finite() {
                    format!("{}", *n as i64)
                } else {
                    n.to_string()
                }
            }
            Value::Bool(b) => b.to_string(),
        }
    }

    fn number(&self, v: &Value) -> f64 {
        match v {
            Value::Num(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            other => self.string(other).trim().parse().unwrap_or(f64::NAN),
        }
    }

    fn compare(&self, a: &Value, op: &Tok, b: &Value) -> bool {
        let relational = !matches!(op, Tok::Eq | Tok::Ne);
        let cmp_num = |x: f64, y: f64| match op {
            Tok::Eq => x == y,
            Tok::Ne => x != y,
            Tok::Lt => x < y,
            Tok::Gt => x > y,
            Tok::Le => x <= y,
            _ => x >= y,
        };
        match (a, b) {
            (Value::Nodes(x), Value::Nodes(y)) => x.iter().any(|m| {
                let sm = self.string_value(m);
                y.iter().any(|n| {
                    let sn = self.string_value(n);
                    if relational {
                        cmp_num(
                            self.number(&Value::Str(sm.clone())),
                            self.number(&Value::Str(sn)),
                        )
                    } else {
                        (sm == sn) == (*op == Tok::Eq)
                    }
                })
            }),
            (Value::Bool(_), _) | (_, Value::Bool(_)) if !relational => {
                (boolean(a) == boolean(b)) == (*op == Tok::Eq)
            }
            (Value::Nodes(x), other) => x
                .iter()
                .any(|m| self.compare(&Value::Str(self.string_value(m)), op, other)),
            (other, Value::Nodes(y)) => y
                .iter()
                .any(|n| self.compare(other, op, &Value::Str(self.string_value(n)))),
            (Value::Num(_), _) | (_, Value::Num(_)) => cmp_num(self.number(a), self.number(b)),
            _ if relational => cmp_num(self.number(a), self.number(b)),
            _ => (self.string(a) == self.string(b)) == (*op == Tok::Eq),
        }
    }
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
        let doc = parse("<a xmlns:p='u' xmlns:q='v'><b/></a>", &ParseLimits::default())
            .expect("parses");
        let ns = HashMap::new();
        let set = select(&doc, "(//. | //@* | //namespace::*)[name() != 'q']", &ns)
            .expect("selects");
        let b = doc.descendants().find(|n| n.tag_name().name() == "b").expect("b");
        assert!(set.has_namespace(b, "p"));
        assert!(!set.has_namespace(b, "q"));
    }
}
