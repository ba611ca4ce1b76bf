//! The PDF lexer and object parser (ISO 32000-1 §7.2, §7.3) over a borrowed byte slice.
//!
//! Invariants: the parser never reads outside its slice, never recurses deeper than
//! [`MAX_DEPTH`], and every loop consumes at least one byte per iteration, so work is bounded
//! by the input length.

use crate::error::Error;
use crate::object::{Dict, Name, ObjRef, Object};

/// Deepest nesting of arrays and dictionaries accepted. Real documents stay below 20; the
/// limit exists so hostile input cannot exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 64;

pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

/// A cursor over the document bytes.
#[derive(Clone)]
pub(crate) struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize) -> Self {
        Self { data, pos }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.data.get(self.pos.checked_add(ahead)?).copied()
    }

    fn eof(&self) -> Error {
        Error::UnexpectedEof { offset: self.pos }
    }

    fn syntax(&self, what: &'static str) -> Error {
        Error::Syntax {
            what,
            offset: self.pos,
        }
    }

    /// Skips whitespace and comments.
    pub(crate) fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Reads a run of regular characters (a keyword or number) without consuming whitespace
    /// before it.
    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        self.data.get(start..self.pos).unwrap_or_default()
    }

    /// Consumes `keyword` (after whitespace) if it is next as a whole token.
    pub(crate) fn eat_keyword(&mut self, keyword: &[u8]) -> bool {
        let saved = self.pos;
        self.skip_ws();
        if self.regular_run() == keyword {
            true
        } else {
            self.pos = saved;
            false
        }
    }

    /// Reads an unsigned integer token (after whitespace).
    pub(crate) fn read_uint(&mut self) -> Option<u64> {
        let saved = self.pos;
        self.skip_ws();
        let run = self.regular_run();
        let value = parse_uint(run);
        if value.is_none() {
            self.pos = saved;
        }
        value
    }

    /// Reads `num gen obj` and returns the reference.
    pub(crate) fn read_object_header(&mut self) -> Result<ObjRef, Error> {
        let num = self
            .read_uint()
            .ok_or_else(|| self.syntax("an object number"))?;
        let gen = self
            .read_uint()
            .ok_or_else(|| self.syntax("a generation number"))?;
        if !self.eat_keyword(b"obj") {
            return Err(self.syntax("the obj keyword"));
        }
        let num = u32::try_from(num).map_err(|_| self.syntax("an object number below 2^32"))?;
        let gen = u16::try_from(gen).map_err(|_| self.syntax("a generation below 65536"))?;
        Ok(ObjRef { num, gen })
    }

    /// Parses one direct object (references `n g R` included).
    pub(crate) fn parse_object(&mut self) -> Result<Object, Error> {
        self.object(0)
    }

    fn object(&mut self, depth: usize) -> Result<Object, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::TooDeep {
                offset: self.pos,
                limit: MAX_DEPTH,
            });
        }
        self.skip_ws();
        let first = self.peek().ok_or_else(|| self.eof())?;
        match first {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.name_body()))
            }
            b'(' => self.literal_string(),
            b'<' if self.peek_at(1) == Some(b'<') => {
                self.pos += 2;
                Ok(Object::Dict(self.dict_body(depth)?))
            }
            b'<' => self.hex_string(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return Err(self.eof()),
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        Some(_) => items.push(self.object(depth + 1)?),
                    }
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number_or_ref(),
            _ => {
                let start = self.pos;
                match self.regular_run() {
                    b"true" => Ok(Object::Bool(true)),
                    b"false" => Ok(Object::Bool(false)),
                    b"null" => Ok(Object::Null),
                    _ => {
                        self.pos = start;
                        Err(self.syntax("an object"))
                    }
                }
            }
        }
    }

    /// Parses dictionary entries after `<<` up to and including `>>`.
    fn dict_body(&mut self, depth: usize) -> Result<Dict, Error> {
        let mut dict = Dict::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.eof()),
                Some(b'>') if self.peek_at(1) == Some(b'>') => {
                    self.pos += 2;
                    return Ok(dict);
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.name_body();
                    let value = self.object(depth + 1)?;
                    dict.insert(key, value);
                }
                Some(_) => return Err(self.syntax("a name key or >>")),
            }
        }
    }

    fn name_body(&mut self) -> Name {
        let run = self.regular_run();
        let mut out = Vec::with_capacity(run.len());
        let mut i = 0;
        while let Some(&b) = run.get(i) {
            if b == b'#' {
                let hex = run.get(i + 1..i + 3).and_then(|h| {
                    let hi = hex_value(*h.first()?)?;
                    let lo = hex_value(*h.get(1)?)?;
                    Some(hi << 4 | lo)
                });
                if let Some(v) = hex {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
        Name(out)
    }

    fn literal_string(&mut self) -> Result<Object, Error> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut nesting = 0usize;
        loop {
            let b = self.peek().ok_or_else(|| self.eof())?;
            self.pos += 1;
            match b {
                b'(' => {
                    nesting += 1;
                    out.push(b);
                }
                b')' if nesting == 0 => return Ok(Object::String(out)),
                b')' => {
                    nesting -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let e = self.peek().ok_or_else(|| self.eof())?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                b'\r' => {
                    // An end-of-line marker inside a string reads as a single LF.
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                other => out.push(other),
            }
        }
    }

    fn hex_string(&mut self) -> Result<Object, Error> {
        self.pos += 1;
        let rest = self.data.get(self.pos..).unwrap_or_default();
        // The digits run up to `>`; without one the string ends at the end of the input.
        let len = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let body = rest.get(..len).unwrap_or_default();
        let mut out = Vec::with_capacity(len / 2 + 1);
        let mut high: Option<u8> = None;
        let mut i = 0;
        while let Some(&b) = body.get(i) {
            // Fast path (signature /Contents are tens of KB of hex): a whole pair of digits.
            if high.is_none() {
                let pair = hex_value(b).zip(body.get(i + 1).copied().and_then(hex_value));
                if let Some((h, l)) = pair {
                    out.push(h << 4 | l);
                    i += 2;
                    continue;
                }
            }
            i += 1;
            if is_whitespace(b) {
                continue;
            }
            let v = hex_value(b).ok_or_else(|| Error::Syntax {
                what: "a hex digit",
                offset: self.pos + i - 1,
            })?;
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        self.pos += len;
        if len == rest.len() {
            return Err(self.eof());
        }
        self.pos += 1;
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(Object::HexString(out))
    }

    fn number_or_ref(&mut self) -> Result<Object, Error> {
        let start = self.pos;
        let run = self.regular_run();
        if let Some(num) = parse_uint(run) {
            // Look ahead for `gen R`.
            let after_num = self.pos;
            if let Some(gen) = self.read_uint() {
                if self.eat_keyword(b"R") {
                    if let (Ok(num), Ok(gen)) = (u32::try_from(num), u16::try_from(gen)) {
                        return Ok(Object::Ref(ObjRef { num, gen }));
                    }
                    return Err(Error::Syntax {
                        what: "a valid reference",
                        offset: start,
                    });
                }
            }
            self.pos = after_num;
        }
        parse_number(run).ok_or(Error::Syntax {
            what: "a number",
            offset: start,
        })
    }
}

pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses a run of ASCII digits (at most 19, so it fits a u64).
pub(crate) fn parse_uint(run: &[u8]) -> Option<u64> {
    if run.is_empty() || run.len() > 19 || !run.iter().all(u8::is_ascii_digit) {
        return None;
    }
    run.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

fn parse_number(run: &[u8]) -> Option<Object> {
    let text = std::str::from_utf8(run).ok()?;
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let valid = text
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '+' || c == '-')));
    if !valid || text.matches('.').count() > 1 {
        return None;
    }
    if !text.contains('.') {
        if let Ok(i) = text.parse::<i64>() {
            return Some(Object::Int(i));
        }
    }
    let digits = text.trim_start_matches(['+', '-']);
    if digits.is_empty() || digits == "." {
        // "-" alone or "." alone: Acrobat reads these as 0.
        return Some(Object::Int(0));
    }
    let normalized = if digits.starts_with('.') {
        format!(
            "{}0{}",
            if text.starts_with('-') { "-" } else { "" },
            digits
        )
    } else {
        text.to_string()
    };
    normalized.parse::<f64>().ok().map(Object::Real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &[u8]) -> Result<Object, Error> {
        Parser::new(text, 0).parse_object()
    }

    #[test]
    fn hex_strings_skip_whitespace_pad_odd_digits_and_report_where_they_break() {
        let hex = |text: &[u8]| match parse(text) {
            Ok(Object::HexString(bytes)) => Ok(bytes),
            Ok(other) => panic!("not a hex string: {other:?}"),
            Err(e) => Err(e),
        };
        assert_eq!(hex(b"<4 1\n42 4>").ok(), Some(vec![0x41, 0x42, 0x40]));
        assert_eq!(hex(b"<>").ok(), Some(vec![]));
        assert!(matches!(
            hex(b"<41 4x>"),
            Err(Error::Syntax { offset: 5, .. })
        ));
        assert!(matches!(
            hex(b"<4142"),
            Err(Error::UnexpectedEof { offset: 5 })
        ));
        assert!(matches!(
            hex(b"<41z2"),
            Err(Error::Syntax { offset: 3, .. })
        ));
    }

    #[test]
    fn parses_every_object_kind() {
        let obj = parse(
            b"<< /A 1 /B -2.5 /C (a\\(b\\)\\101) /D <48 65 6c6> /E [true false null 3 0 R /N#20x] >>",
        )
        .expect("parses");
        let d = obj.as_dict().expect("dict");
        assert_eq!(d.get(b"A".as_slice()), Some(&Object::Int(1)));
        assert_eq!(d.get(b"B".as_slice()), Some(&Object::Real(-2.5)));
        assert_eq!(
            d.get(b"C".as_slice()),
            Some(&Object::String(b"a(b)A".to_vec()))
        );
        assert_eq!(
            d.get(b"D".as_slice()),
            Some(&Object::HexString(vec![0x48, 0x65, 0x6c, 0x60]))
        );
        let e = d
            .get(b"E".as_slice())
            .and_then(Object::as_array)
            .expect("array");
        assert_eq!(e.get(3), Some(&Object::Ref(ObjRef::new(3))));
        assert_eq!(e.get(4), Some(&Object::name("N x")));
    }

    #[test]
    fn rejects_unterminated_objects() {
        for text in [&b"<< /A 1"[..], b"[1 2", b"(abc", b"<414", b"/"] {
            let result = parse(text);
            if text == b"/" {
                assert_eq!(
                    result.expect("empty name is legal"),
                    Object::Name(Name(Vec::new()))
                );
            } else {
                assert!(
                    result.is_err(),
                    "{:?} should fail",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    #[test]
    fn rejects_deep_nesting_without_overflowing_the_stack() {
        let deep = vec![b'['; 100_000];
        assert!(matches!(parse(&deep), Err(Error::TooDeep { .. })));
    }

    #[test]
    fn accepts_nesting_up_to_the_limit() {
        let mut text = vec![b'['; MAX_DEPTH];
        text.extend(vec![b']'; MAX_DEPTH]);
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn reads_odd_numbers_like_acrobat() {
        assert_eq!(parse(b".5").expect("number"), Object::Real(0.5));
        assert_eq!(parse(b"-.5").expect("number"), Object::Real(-0.5));
        assert_eq!(parse(b"4.").expect("number"), Object::Real(4.0));
        assert!(parse(b"1-2").is_err());
    }
}
