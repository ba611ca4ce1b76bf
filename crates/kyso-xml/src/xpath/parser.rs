//! Tokenizer and recursive-descent parser for the XPath subset.

use super::{XPathError, MAX_NESTING};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
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

pub(super) fn tokenize(s: &str) -> Result<Vec<Tok>, XPathError> {
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
pub(super) enum Axis {
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
pub(super) enum Test {
    AnyNode,
    Text,
    Comment,
    Pi,
    Principal,
    Name(Option<String>, String),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expr {
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

pub(super) struct Parser<'n> {
    pub(super) tokens: Vec<Tok>,
    pub(super) pos: usize,
    pub(super) namespaces: &'n HashMap<String, String>,
    pub(super) depth: usize,
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

    pub(super) fn or_expr(&mut self) -> Result<Expr, XPathError> {
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
