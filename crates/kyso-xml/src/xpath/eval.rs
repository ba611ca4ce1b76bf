//! Evaluation of parsed XPath expressions over the XPath data model of a roxmltree document.

use super::parser::{Axis, Expr, Test, Tok};
use super::{namespace_nodes, XNode, XPathError};
use roxmltree::{Document, Node, NodeId};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug)]
pub(super) enum Value {
    Nodes(BTreeSet<XNode>),
    Str(String),
    Num(f64),
    Bool(bool),
}

pub(super) fn boolean(v: &Value) -> bool {
    match v {
        Value::Nodes(n) => !n.is_empty(),
        Value::Str(s) => !s.is_empty(),
        Value::Num(n) => *n != 0.0 && !n.is_nan(),
        Value::Bool(b) => *b,
    }
}

pub(super) struct Ctx<'a, 'i> {
    doc: &'a Document<'i>,
    ids: HashMap<String, u32>,
}

impl<'a, 'i> Ctx<'a, 'i> {
    pub(super) fn new(doc: &'a Document<'i>) -> Self {
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

    pub(super) fn eval(&self, e: &Expr, ctx: &XNode) -> Result<Value, XPathError> {
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
