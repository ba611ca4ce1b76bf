//! The PDF object model (ISO 32000-1 §7.3) and its serialization.

use std::collections::BTreeMap;
use std::io::{self, Write};

/// An indirect reference `num gen R`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef {
    /// Object number.
    pub num: u32,
    /// Generation number.
    pub gen: u16,
}

impl ObjRef {
    /// A reference with generation 0.
    pub fn new(num: u32) -> Self {
        Self { num, gen: 0 }
    }
}

/// A PDF name without its leading slash, as raw bytes (names are byte strings).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(pub Vec<u8>);

impl Name {
    /// Builds a name from text.
    pub fn new(name: &str) -> Self {
        Self(name.as_bytes().to_vec())
    }
}

impl From<&str> for Name {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

/// A dictionary; keys keep a stable (sorted) order so output is deterministic.
pub type Dict = BTreeMap<Name, Object>;

/// A PDF object.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A literal or hex string's bytes.
    String(Vec<u8>),
    /// A string to be written in hex form `<...>`.
    HexString(Vec<u8>),
    /// A name.
    Name(Name),
    /// An array.
    Array(Vec<Object>),
    /// A dictionary.
    Dict(Dict),
    /// A stream: its dictionary (without /Length, which is written from the data) and its
    /// (already encoded) data.
    Stream(Dict, Vec<u8>),
    /// An indirect reference.
    Ref(ObjRef),
}

impl Object {
    /// A name object.
    pub fn name(name: &str) -> Self {
        Self::Name(Name::new(name))
    }

    /// A text string: PDFDocEncoding-safe ASCII as is, anything else as UTF-16BE with a BOM
    /// (ISO 32000-1 §7.9.2.2), so Vietnamese text survives in every reader.
    pub fn text(text: &str) -> Self {
        if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            Self::String(text.as_bytes().to_vec())
        } else {
            let mut bytes = vec![0xfe, 0xff];
            for unit in text.encode_utf16() {
                bytes.extend_from_slice(&unit.to_be_bytes());
            }
            Self::String(bytes)
        }
    }

    /// An array of numbers.
    pub fn reals(values: &[f64]) -> Self {
        Self::Array(values.iter().map(|v| Self::Real(*v)).collect())
    }

    /// Serializes the object (a stream's /Length is added from its data).
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        match self {
            Self::Null => out.write_all(b"null"),
            Self::Bool(b) => out.write_all(if *b { b"true" } else { b"false" }),
            Self::Int(i) => write!(out, "{i}"),
            Self::Real(r) => write_real(out, *r),
            Self::String(bytes) => write_literal_string(out, bytes),
            Self::HexString(bytes) => {
                out.write_all(b"<")?;
                for b in bytes {
                    write!(out, "{b:02X}")?;
                }
                out.write_all(b">")
            }
            Self::Name(name) => write_name(out, name),
            Self::Array(items) => {
                out.write_all(b"[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b" ")?;
                    }
                    item.write_to(out)?;
                }
                out.write_all(b"]")
            }
            Self::Dict(dict) => write_dict(out, dict, None),
            Self::Stream(dict, data) => {
                write_dict(out, dict, Some(data.len()))?;
                out.write_all(b"\nstream\n")?;
                out.write_all(data)?;
                out.write_all(b"\nendstream")
            }
            Self::Ref(r) => write!(out, "{} {} R", r.num, r.gen),
        }
    }

    /// The serialized bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }
}

fn write_real(out: &mut impl Write, value: f64) -> io::Result<()> {
    if !value.is_finite() {
        return out.write_all(b"0");
    }
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let text = if text.is_empty() || text == "-" || text == "-0" {
        "0"
    } else {
        text
    };
    out.write_all(text.as_bytes())
}

fn write_literal_string(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(b"(")?;
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => out.write_all(&[b'\\', b])?,
            b'\r' => out.write_all(b"\\r")?,
            b'\n' => out.write_all(b"\\n")?,
            _ => out.write_all(&[b])?,
        }
    }
    out.write_all(b")")
}

fn write_name(out: &mut impl Write, name: &Name) -> io::Result<()> {
    out.write_all(b"/")?;
    for &b in &name.0 {
        let regular = b.is_ascii_graphic() && !b"()<>[]{}/%#".contains(&b);
        if regular {
            out.write_all(&[b])?;
        } else {
            write!(out, "#{b:02X}")?;
        }
    }
    Ok(())
}

fn write_dict(out: &mut impl Write, dict: &Dict, stream_len: Option<usize>) -> io::Result<()> {
    out.write_all(b"<<")?;
    for (key, value) in dict {
        if stream_len.is_some() && key.0 == b"Length" {
            continue;
        }
        write_name(out, key)?;
        out.write_all(b" ")?;
        value.write_to(out)?;
    }
    if let Some(len) = stream_len {
        write!(out, "/Length {len}")?;
    }
    out.write_all(b">>")
}

/// Builds a [`Dict`] from `(key, value)` pairs.
pub fn dict<const N: usize>(entries: [(&str, Object); N]) -> Dict {
    entries
        .into_iter()
        .map(|(k, v)| (Name::new(k), v))
        .collect()
}

impl Object {
    /// The dictionary of a dictionary or of a stream.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Self::Dict(d) | Self::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Object]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// An integer's value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A number's value (integer or real).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(i) => Some(*i as f64),
            Self::Real(r) => Some(*r),
            _ => None,
        }
    }

    /// A name's bytes (without the slash).
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Self::Name(n) => Some(&n.0),
            _ => None,
        }
    }

    /// A string's bytes (literal or hex).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::String(b) | Self::HexString(b) => Some(b),
            _ => None,
        }
    }

    /// The reference, when this is one.
    pub fn as_ref(&self) -> Option<ObjRef> {
        match self {
            Self::Ref(r) => Some(*r),
            _ => None,
        }
    }

    /// Looks `key` up in a dictionary or a stream's dictionary.
    pub fn get(&self, key: &str) -> Option<&Object> {
        self.as_dict().and_then(|d| d.get(key.as_bytes()))
    }
}

impl std::borrow::Borrow<[u8]> for Name {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

/// Decodes a text string (PDFDocEncoding approximated as Latin-1, or UTF-16BE/LE with a BOM,
/// or UTF-8 with a BOM) into Rust text; undecodable units become U+FFFD.
pub fn decode_text(bytes: &[u8]) -> String {
    match bytes {
        [0xfe, 0xff, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        [0xff, 0xfe, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        [0xef, 0xbb, 0xbf, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}
