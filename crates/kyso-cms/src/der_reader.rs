//! A bounded, borrowing DER reader for hostile input.
//!
//! Invariants: every read is checked against the remaining input, nothing is allocated from a
//! length field, and every element keeps the exact bytes it was decoded from (signature
//! verification and certificate hashing need the original encoding, never a re-encoding).
//! Only definite lengths are accepted (DER); BER indefinite lengths are reported as malformed.

use crate::error::Error;

/// The identifier octet of a universal or context-specific tag with a number below 31.
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;

    /// `[n]` constructed, context-specific.
    pub(crate) const fn context(n: u8) -> u8 {
        0xA0 | n
    }

    /// `[n]` primitive, context-specific.
    pub(crate) const fn context_primitive(n: u8) -> u8 {
        0x80 | n
    }
}

/// One decoded element: its identifier octet, its value and its whole encoding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (tag numbers above 30 are rejected).
    pub(crate) tag: u8,
    /// The value octets.
    pub(crate) value: &'a [u8],
    /// Identifier, length and value octets exactly as found in the input.
    pub(crate) raw: &'a [u8],
    /// Offset of `value` within the outermost input, for error reports.
    pub(crate) value_offset: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over this element's value.
    pub(crate) fn reader(&self) -> Reader<'a> {
        Reader {
            data: self.value,
            pos: 0,
            base: self.value_offset,
        }
    }

    /// Fails unless the element carries `expected` as its identifier.
    pub(crate) fn expect(self, expected: u8, what: &'static str) -> Result<Self, Error> {
        if self.tag == expected {
            Ok(self)
        } else {
            Err(Error::malformed(what, self.value_offset))
        }
    }

    /// The value of an OBJECT IDENTIFIER element.
    pub(crate) fn oid(&self, what: &'static str) -> Result<der::asn1::ObjectIdentifier, Error> {
        if self.tag != tag::OID {
            return Err(Error::malformed(what, self.value_offset));
        }
        der::asn1::ObjectIdentifier::from_bytes(self.value)
            .map_err(|_| Error::malformed(what, self.value_offset))
    }

    /// The magnitude bytes of a non-negative INTEGER that fits in `usize`.
    pub(crate) fn small_uint(&self, what: &'static str) -> Result<usize, Error> {
        let bad = || Error::malformed(what, self.value_offset);
        if self.tag != tag::INTEGER || self.value.is_empty() {
            return Err(bad());
        }
        if self.value.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(bad());
        }
        let mut n: usize = 0;
        for &b in self.value {
            n = n
                .checked_mul(256)
                .and_then(|n| n.checked_add(usize::from(b)))
                .ok_or_else(bad)?;
        }
        Ok(n)
    }
}

/// A cursor over a borrowed slice of DER elements.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Offset of `data` within the outermost input.
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            base: 0,
        }
    }

    /// True when every byte has been consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The absolute offset of the cursor, for error reports.
    pub(crate) fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// The identifier octet of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Reads the next element, whatever its tag.
    pub(crate) fn read_any(&mut self, what: &'static str) -> Result<Tlv<'a>, Error> {
        let start = self.pos;
        let bad = |at: usize| Error::malformed(what, self.base.saturating_add(at));
        let tag = *self.data.get(start).ok_or_else(|| bad(start))?;
        if tag & 0x1F == 0x1F {
            // High tag numbers occur nowhere in CMS, X.509 or RFC 3161.
            return Err(bad(start));
        }
        let len_at = start.checked_add(1).ok_or_else(|| bad(start))?;
        let first = *self.data.get(len_at).ok_or_else(|| bad(len_at))?;
        let (len, header_len) = if first < 0x80 {
            (usize::from(first), 2usize)
        } else {
            let count = usize::from(first & 0x7F);
            // 0x80 is BER's indefinite length; more than 4 length octets exceeds any input we
            // accept (and DER forbids the leading zero octets that would be needed).
            if count == 0 || count > 4 {
                return Err(bad(len_at));
            }
            let octets_start = len_at.checked_add(1).ok_or_else(|| bad(len_at))?;
            let octets_end = octets_start.checked_add(count).ok_or_else(|| bad(len_at))?;
            let octets = self
                .data
                .get(octets_start..octets_end)
                .ok_or_else(|| bad(len_at))?;
            let mut len: usize = 0;
            for &b in octets {
                len = len
                    .checked_mul(256)
                    .and_then(|l| l.checked_add(usize::from(b)))
                    .ok_or_else(|| bad(len_at))?;
            }
            // DER: the shortest form only.
            if len < 0x80 || octets.first() == Some(&0) {
                return Err(bad(len_at));
            }
            (len, count.checked_add(2).ok_or_else(|| bad(len_at))?)
        };
        let value_start = start.checked_add(header_len).ok_or_else(|| bad(start))?;
        let end = value_start.checked_add(len).ok_or_else(|| bad(start))?;
        let raw = self.data.get(start..end).ok_or_else(|| bad(start))?;
        let value = self.data.get(value_start..end).ok_or_else(|| bad(start))?;
        self.pos = end;
        Ok(Tlv {
            tag,
            value,
            raw,
            value_offset: self.base.saturating_add(value_start),
        })
    }

    /// Reads the next element and checks its identifier octet.
    pub(crate) fn read(&mut self, expected: u8, what: &'static str) -> Result<Tlv<'a>, Error> {
        let tlv = self.read_any(what)?;
        tlv.expect(expected, what)
    }

    /// Reads the next element if it carries `expected`, leaves the cursor alone otherwise.
    pub(crate) fn read_optional(
        &mut self,
        expected: u8,
        what: &'static str,
    ) -> Result<Option<Tlv<'a>>, Error> {
        if self.peek_tag() == Some(expected) {
            self.read(expected, what).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails when bytes are left over.
    pub(crate) fn finish(&self, what: &'static str) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::malformed(what, self.offset()))
        }
    }
}

/// Decodes exactly one element spanning all of `data`.
pub(crate) fn single<'a>(
    data: &'a [u8],
    expected: u8,
    what: &'static str,
) -> Result<Tlv<'a>, Error> {
    let mut reader = Reader::new(data);
    let tlv = reader.read(expected, what)?;
    reader.finish(what)?;
    Ok(tlv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend(std::iter::repeat_n(7u8, 0x80));
        let tlv = single(&long, tag::OCTET_STRING, "t").expect("long form");
        assert_eq!(tlv.value.len(), 0x80);
        let tlv = single(&[0x05, 0x00], tag::NULL, "t").expect("short form");
        assert!(tlv.value.is_empty());
    }

    #[test]
    fn rejects_non_minimal_and_indefinite_lengths() {
        assert!(single(&[0x04, 0x81, 0x01, 0x00], tag::OCTET_STRING, "t").is_err());
        assert!(single(&[0x30, 0x80, 0x00, 0x00], tag::SEQUENCE, "t").is_err());
        assert!(single(&[0x04, 0x82, 0x00, 0x80], tag::OCTET_STRING, "t").is_err());
    }

    #[test]
    fn rejects_lengths_beyond_the_input_and_trailing_data() {
        assert!(single(&[0x04, 0x03, 0x00], tag::OCTET_STRING, "t").is_err());
        assert!(single(
            &[0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            tag::OCTET_STRING,
            "t"
        )
        .is_err());
        assert!(single(&[0x05, 0x00, 0x00], tag::NULL, "t").is_err());
    }

    #[test]
    fn reports_absolute_offsets_from_nested_readers() {
        let data = [0x30, 0x03, 0x04, 0x05, 0x00];
        let outer = single(&data, tag::SEQUENCE, "outer").expect("outer");
        let err = outer
            .reader()
            .read_any("inner")
            .expect_err("truncated inner");
        assert!(matches!(err, Error::Malformed { offset: 2, .. }), "{err:?}");
    }

    #[test]
    fn small_uint_accepts_versions_and_rejects_negatives() {
        let three = single(&[0x02, 0x01, 0x03], tag::INTEGER, "v").expect("int");
        assert_eq!(three.small_uint("v").expect("small"), 3);
        let negative = single(&[0x02, 0x01, 0x83], tag::INTEGER, "v").expect("int");
        assert!(negative.small_uint("v").is_err());
    }
}
