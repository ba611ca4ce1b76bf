//! A hardened front door for XML: size, depth, node and attribute limits, and no DTD.
//!
//! Everything kyso canonicalizes or verifies goes through [`parse`]. The parser (roxmltree)
//! keeps what canonicalization needs: source ranges (to recover prefixes exactly as written),
//! in-scope namespaces per element, comments, processing instructions and unnormalised text.

use crate::Error;
use roxmltree::{Document, ParsingOptions};

/// Caps applied to untrusted XML before anything else looks at it.
///
/// They bound memory and recursion that a document controls: a signature verifier must
/// survive whatever it is handed.
#[derive(Clone, Copy, Debug)]
pub struct ParseLimits {
    /// Largest accepted input, in bytes (default 512 MiB: a large edXML package with scans).
    pub max_bytes: usize,
    /// Most nodes (elements, text, comments…) in the tree (default 50 million).
    pub max_nodes: u32,
    /// Deepest element nesting (default 256; real documents stay far below).
    pub max_depth: usize,
    /// Longest attribute value in bytes (default 1 MiB).
    pub max_attribute_len: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_bytes: 512 * 1024 * 1024,
            max_nodes: 50_000_000,
            max_depth: 256,
            max_attribute_len: 1024 * 1024,
        }
    }
}

/// Decodes bytes as UTF-8 (an optional byte order mark is dropped) within the size limit.
pub fn decode_utf8<'a>(bytes: &'a [u8], limits: &ParseLimits) -> Result<&'a str, Error> {
    if bytes.len() > limits.max_bytes {
        return Err(Error::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })
}

/// Parses `text`, refusing any DOCTYPE (so no entity can be declared or expanded).
pub fn parse<'a>(text: &'a str, limits: &ParseLimits) -> Result<Document<'a>, Error> {
    parse_with(text, limits, false)
}

/// Insecure variants for test corpora that need DTD features.
pub mod danger {
    use super::*;

    /// Parses with internal DTD subsets allowed (entities expanded, with roxmltree's
    /// billion-laughs guard). Only for canonicalization test vectors; never for documents
    /// under verification.
    pub fn parse_allowing_dtd<'a>(
        text: &'a str,
        limits: &ParseLimits,
    ) -> Result<Document<'a>, Error> {
        parse_with(text, limits, true)
    }
}

fn parse_with<'a>(text: &'a str, limits: &ParseLimits, dtd: bool) -> Result<Document<'a>, Error> {
    if text.len() > limits.max_bytes {
        return Err(Error::TooLarge {
            size: text.len(),
            limit: limits.max_bytes,
        });
    }
    // roxmltree's tokenizer recurses once per nesting level: bound it before parsing.
    if nesting_exceeds(text.as_bytes(), limits.max_depth) {
        return Err(Error::TooDeep {
            limit: limits.max_depth,
        });
    }
    let options = ParsingOptions {
        allow_dtd: dtd,
        nodes_limit: limits.max_nodes,
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => Error::DoctypeRefused,
        other => Error::Malformed(other),
    })?;
    check_shape(&doc, limits)?;
    Ok(doc)
}

/// Checks depth and attribute sizes in one pass over the tree (no recursion).
fn check_shape(doc: &Document<'_>, limits: &ParseLimits) -> Result<(), Error> {
    let mut depth_of: Vec<u32> = Vec::new();
    for node in doc.descendants() {
        let index = node.id().get_usize();
        let parent_depth = node
            .parent()
            .and_then(|p| depth_of.get(p.id().get_usize()).copied())
            .unwrap_or(0);
        let depth = parent_depth.saturating_add(1);
        if depth_of.len() <= index {
            depth_of.resize(index + 1, 0);
        }
        if let Some(slot) = depth_of.get_mut(index) {
            *slot = depth;
        }
        if depth as usize > limits.max_depth.saturating_add(1) {
            return Err(Error::TooDeep {
                limit: limits.max_depth,
            });
        }
        for attr in node.attributes() {
            if attr.value().len() > limits.max_attribute_len {
                return Err(Error::AttributeTooLong {
                    name: attr.name().to_owned(),
                    len: attr.value().len(),
                    limit: limits.max_attribute_len,
                });
            }
        }
    }
    Ok(())
}

/// A conservative pre-scan: whether element nesting in `text` goes deeper than `limit`.
///
/// It skips comments, CDATA sections, processing instructions, declarations and quoted
/// attribute values, so markup-like bytes inside them do not count. Malformed input may be
/// misjudged; the parser rejects it afterwards anyway.
fn nesting_exceeds(text: &[u8], limit: usize) -> bool {
    let mut depth: usize = 0;
    let mut i = 0;
    let skip_to = |from: usize, pat: &[u8]| -> usize {
        text.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map_or(text.len(), |p| from + p + pat.len())
    };
    while let Some(pos) = text
        .get(i..)
        .and_then(|r| r.iter().position(|&b| b == b'<'))
    {
        let start = i + pos;
        let rest = text.get(start..).unwrap_or(&[]);
        if rest.starts_with(b"<!--") {
            i = skip_to(start + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_to(start + 9, b"]]>");
        } else if rest.starts_with(b"<?") {
            i = skip_to(start + 2, b"?>");
        } else if rest.starts_with(b"<!") {
            i = skip_to(start + 2, b">");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = skip_to(start + 2, b">");
        } else {
            // A start tag: find its end outside quoted values.
            let mut j = start + 1;
            let mut quote: Option<u8> = None;
            let mut empty = false;
            while let Some(&b) = text.get(j) {
                match (quote, b) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'"' | b'\'') => quote = Some(b),
                    (None, b'>') => {
                        empty = j > 0 && text.get(j - 1) == Some(&b'/');
                        break;
                    }
                    _ => {}
                }
                j += 1;
            }
            if !empty {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            i = j.saturating_add(1);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::nesting_exceeds;

    #[test]
    fn counts_nesting_but_not_markup_in_comments_values_or_empty_tags() {
        assert!(nesting_exceeds(b"<a><b><c></c></b></a>", 2));
        assert!(!nesting_exceeds(b"<a><b><c></c></b></a>", 3));
        assert!(!nesting_exceeds(b"<a x='<b>'><!--<b><b>--><c/><c/></a>", 1));
        assert!(!nesting_exceeds(b"<a><![CDATA[<b><b>]]></a>", 1));
    }
}
