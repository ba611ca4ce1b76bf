//! Converting the BER that some producers emit into the DER [`crate::parse`] reads.
//!
//! Java signers built on Bouncy Castle (PDFBox's examples among them) write SignedData with
//! indefinite lengths and constructed OCTET STRINGs, and a few producers pad length octets.
//! Only those constructions are rewritten:
//! every element that already has a definite length and no rewritten descendant is copied
//! byte for byte, so certificates and signed attributes keep the exact encoding their
//! signatures cover.

use std::borrow::Cow;

use crate::der_writer::tlv;
use crate::Error;

/// Deeper nesting than any CMS structure needs; bounds recursion on hostile input.
const MAX_DEPTH: usize = 48;

const CONSTRUCTED: u8 = 0x20;
const OCTET_STRING: u8 = 0x04;
const CONSTRUCTED_OCTET_STRING: u8 = OCTET_STRING | CONSTRUCTED;

/// Returns the first element of `input` with definite lengths throughout, borrowed when it
/// already was. Bytes after the element must all be zero (a PDF /Contents placeholder's
/// padding) and are dropped.
pub fn ber_to_der(input: &[u8]) -> Result<Cow<'_, [u8]>, Error> {
    let element = read_element(input, 0, 0)?;
    let rest = input.get(element.end..).unwrap_or(&[]);
    if !rest.iter().all(|b| *b == 0) {
        return Err(Error::malformed(
            "trailing data after ContentInfo",
            element.end,
        ));
    }
    match element.rewritten {
        Some(bytes) => Ok(Cow::Owned(bytes)),
        None => input
            .get(..element.end)
            .map(Cow::Borrowed)
            .ok_or(Error::malformed("ContentInfo", 0)),
    }
}

/// One element: where it ends in the input and, if it had to change, its new encoding.
struct Element {
    start: usize,
    value_start: usize,
    end: usize,
    tag: u8,
    rewritten: Option<Vec<u8>>,
}

impl Element {
    /// The element's encoding after conversion.
    fn encoding<'a>(&'a self, input: &'a [u8]) -> &'a [u8] {
        match &self.rewritten {
            Some(bytes) => bytes,
            None => input.get(self.start..self.end).unwrap_or(&[]),
        }
    }
}

enum Length {
    /// A definite length; `minimal` is false when DER would encode it in fewer octets.
    Definite {
        len: usize,
        minimal: bool,
    },
    Indefinite,
}

fn read_header(input: &[u8], pos: usize) -> Result<(u8, Length, usize), Error> {
    let bad = |at: usize| Error::malformed("BER header", at);
    let tag = *input.get(pos).ok_or_else(|| bad(pos))?;
    if tag & 0x1F == 0x1F {
        return Err(bad(pos));
    }
    let len_at = pos.checked_add(1).ok_or_else(|| bad(pos))?;
    let first = *input.get(len_at).ok_or_else(|| bad(len_at))?;
    let after = len_at.checked_add(1).ok_or_else(|| bad(len_at))?;
    if first < 0x80 {
        let len = usize::from(first);
        return Ok((tag, Length::Definite { len, minimal: true }, after));
    }
    if first == 0x80 {
        return Ok((tag, Length::Indefinite, after));
    }
    let count = usize::from(first & 0x7F);
    if count > 4 {
        return Err(bad(len_at));
    }
    let end = after.checked_add(count).ok_or_else(|| bad(len_at))?;
    let octets = input.get(after..end).ok_or_else(|| bad(len_at))?;
    let len = octets
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    let minimal = len >= 0x80 && octets.first().is_some_and(|b| *b != 0);
    Ok((tag, Length::Definite { len, minimal }, end))
}

fn read_element(input: &[u8], pos: usize, depth: usize) -> Result<Element, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::malformed("BER nesting too deep", pos));
    }
    let (tag, length, value_start) = read_header(input, pos)?;
    let constructed = tag & CONSTRUCTED != 0;
    let minimal = matches!(length, Length::Definite { minimal: true, .. });
    let definite_end = match length {
        Length::Definite { len, .. } => {
            let end = value_start
                .checked_add(len)
                .filter(|end| *end <= input.len())
                .ok_or(Error::malformed("BER length", pos))?;
            Some(end)
        }
        Length::Indefinite if constructed => None,
        Length::Indefinite => return Err(Error::malformed("BER primitive length", pos)),
    };
    if !constructed {
        let end = definite_end.unwrap_or(value_start);
        let rewritten = if minimal {
            None
        } else {
            Some(tlv(tag, &[input.get(value_start..end).unwrap_or(&[])]))
        };
        return Ok(Element {
            start: pos,
            value_start,
            end,
            tag,
            rewritten,
        });
    }

    let mut children = Vec::new();
    let mut cursor = value_start;
    let end = loop {
        match definite_end {
            Some(end) if cursor == end => break end,
            Some(end) if cursor > end => return Err(Error::malformed("BER child length", cursor)),
            None if input.get(cursor..cursor.saturating_add(2)) == Some(&[0, 0]) => {
                break cursor.saturating_add(2);
            }
            _ => {}
        }
        let child = read_element(input, cursor, depth.saturating_add(1))?;
        cursor = child.end;
        children.push(child);
    };

    let rewritten = if tag == CONSTRUCTED_OCTET_STRING {
        // DER: an OCTET STRING is primitive; join the segments.
        let mut value = Vec::new();
        for child in &children {
            value.extend_from_slice(octet_string_value(child, input)?);
        }
        Some(tlv(OCTET_STRING, &[&value]))
    } else if !minimal || children.iter().any(|c| c.rewritten.is_some()) {
        let parts: Vec<&[u8]> = children.iter().map(|c| c.encoding(input)).collect();
        Some(tlv(tag, &parts))
    } else {
        None
    };
    Ok(Element {
        start: pos,
        value_start,
        end,
        tag,
        rewritten,
    })
}

/// The octets of an OCTET STRING segment (primitive, or constructed and already joined).
fn octet_string_value<'a>(child: &'a Element, input: &'a [u8]) -> Result<&'a [u8], Error> {
    match (&child.rewritten, child.tag) {
        (Some(joined), CONSTRUCTED_OCTET_STRING) => {
            Ok(joined.get(value_offset(joined)..).unwrap_or(&[]))
        }
        (None, OCTET_STRING) => input
            .get(child.value_start..child.end)
            .ok_or(Error::malformed("OCTET STRING segment", child.start)),
        (Some(reencoded), OCTET_STRING) => {
            Ok(reencoded.get(value_offset(reencoded)..).unwrap_or(&[]))
        }
        _ => Err(Error::malformed("OCTET STRING segment", child.start)),
    }
}

/// Where the value starts in an element we encoded ourselves (minimal length octets).
fn value_offset(encoded: &[u8]) -> usize {
    match encoded.get(1) {
        Some(&b) if b >= 0x80 => 2usize.saturating_add(usize::from(b & 0x7F)),
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_definite_input_and_drops_zero_padding() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05, 0, 0, 0];
        let out = ber_to_der(&der).expect("converts");
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(&*out, &der[..5]);
        assert!(ber_to_der(&[0x30, 0x03, 0x02, 0x01, 0x05, 0, 1]).is_err());
    }

    #[test]
    fn rewrites_indefinite_lengths_and_joins_octet_string_segments() {
        // SEQUENCE(indef) { [0](indef) { OCTET STRING(constructed, indef) { "ab", "c" } },
        //                   INTEGER 5 (definite, copied) }
        let ber = [
            0x30, 0x80, 0xA0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00,
            0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x00, 0x00,
        ];
        let out = ber_to_der(&ber).expect("converts");
        assert_eq!(
            &*out,
            &[0x30, 0x0A, 0xA0, 0x05, 0x04, 0x03, b'a', b'b', b'c', 0x02, 0x01, 0x05]
        );
    }

    #[test]
    fn rewrites_padded_length_octets_in_shortest_form() {
        // SEQUENCE (0x81 0x05) { OCTET STRING (0x82 0x00 0x01) "a" }
        let padded = [0x30, 0x81, 0x05, 0x04, 0x82, 0x00, 0x01, b'a'];
        let out = ber_to_der(&padded).expect("converts");
        assert_eq!(&*out, &[0x30, 0x03, 0x04, 0x01, b'a']);
        // Constructed segments with padded lengths are joined as well.
        let segments = [0x24, 0x81, 0x06, 0x04, 0x81, 0x01, b'a', 0x04, 0x00];
        assert_eq!(
            &*ber_to_der(&segments).expect("converts"),
            &[0x04, 0x01, b'a']
        );
    }

    #[test]
    fn rejects_missing_end_of_contents_indefinite_primitives_and_deep_nesting() {
        assert!(ber_to_der(&[0x30, 0x80, 0x02, 0x01, 0x05]).is_err());
        assert!(ber_to_der(&[0x04, 0x80, 0x00, 0x00]).is_err());
        let mut deep = [0x30, 0x80].repeat(MAX_DEPTH + 2);
        deep.extend([0x00, 0x00].repeat(MAX_DEPTH + 2));
        assert!(ber_to_der(&deep).is_err());
        // A segment of the wrong type inside a constructed OCTET STRING.
        assert!(ber_to_der(&[0x24, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00]).is_err());
    }

    #[test]
    fn every_prefix_of_a_ber_input_is_rejected() {
        let ber = [
            0x30, 0x80, 0xA0, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00,
        ];
        assert!(ber_to_der(&ber).is_ok());
        for len in 0..ber.len() {
            // A prefix that happens to end on a complete element padded by zeros is fine;
            // none here does, because the outermost end-of-contents comes last.
            assert!(ber_to_der(&ber[..len]).is_err(), "prefix {len}");
        }
    }
}
