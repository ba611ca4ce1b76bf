//! ByteRange sanity: the signed bytes are `0..a` and `b..b+c`, and the gap `a..b` is exactly
//! the /Contents hex string of the same signature dictionary (ISO 32000-1 §12.8.1).
//!
//! This is what defeats universal signature forgery (a ByteRange or /Contents that points
//! elsewhere, is missing or null) and signature wrapping (objects smuggled into the gap).

use super::{Finding, FindingKind};

/// The two signed ranges of a signature, validated against the file.
///
/// Invariant: `0 < first_end < second_start <= second_end <= data.len()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedRanges {
    first_end: usize,
    second_start: usize,
    second_end: usize,
}

impl SignedRanges {
    /// The signed slices of `data` (the data the ranges were checked against).
    pub fn slices<'d>(&self, data: &'d [u8]) -> [&'d [u8]; 2] {
        [
            data.get(..self.first_end).unwrap_or(&[]),
            data.get(self.second_start..self.second_end).unwrap_or(&[]),
        ]
    }

    /// The signed ranges as `(offset, length)`.
    pub fn spans(&self) -> [(u64, u64); 2] {
        [
            (0, self.first_end as u64),
            (
                self.second_start as u64,
                (self.second_end - self.second_start) as u64,
            ),
        ]
    }

    /// Offset where the signed bytes end.
    pub fn end(&self) -> u64 {
        self.second_end as u64
    }
}

/// The unsigned gap `(a, b)` a ByteRange declares, if it has the standard shape.
pub(crate) fn gap(byte_range: &[i64]) -> Option<(u64, u64)> {
    match byte_range {
        [0, a, b, _] if a < b => Some((u64::try_from(*a).ok()?, u64::try_from(*b).ok()?)),
        _ => None,
    }
}

/// Checks the ByteRange against the file and the signature's decoded /Contents.
pub(crate) fn check(
    data: &[u8],
    byte_range: &[i64],
    contents: &[u8],
) -> Result<SignedRanges, Finding> {
    let bad = |why: &str| {
        Finding::fail(
            FindingKind::ByteRangeInvalid,
            format!("/ByteRange {byte_range:?}: {why}"),
        )
    };
    let [start, a, b, c] = byte_range else {
        return Err(bad("not four integers"));
    };
    if *start != 0 {
        return Err(bad("does not start at byte 0"));
    }
    let to_usize = |v: i64| usize::try_from(v).ok();
    let (Some(a), Some(b), Some(c)) = (to_usize(*a), to_usize(*b), to_usize(*c)) else {
        return Err(bad("negative offset or length"));
    };
    if a == 0 || b <= a {
        return Err(bad("the ranges overlap or are empty"));
    }
    let Some(end) = b.checked_add(c) else {
        return Err(bad("overflows"));
    };
    if end > data.len() {
        return Err(bad("reaches beyond the end of the file"));
    }
    check_gap(data, a, b, contents)?;
    Ok(SignedRanges {
        first_end: a,
        second_start: b,
        second_end: end,
    })
}

/// Ranges for hashing when the ByteRange is non-standard but still inside the file; used
/// only to tell the report whether the signed bytes are intact.
pub(crate) fn lenient(data: &[u8], byte_range: &[i64]) -> Option<SignedRanges> {
    let [0, a, b, c] = byte_range else {
        return None;
    };
    let a = usize::try_from(*a).ok()?;
    let b = usize::try_from(*b).ok()?;
    let end = b.checked_add(usize::try_from(*c).ok()?)?;
    (a > 0 && b >= a && end <= data.len()).then_some(SignedRanges {
        first_end: a,
        second_start: b,
        second_end: end,
    })
}

/// The gap must be `<hex digits>` decoding to exactly `contents`, preceded by `/Contents`.
fn check_gap(data: &[u8], a: usize, b: usize, contents: &[u8]) -> Result<(), Finding> {
    let fail = |why: &str| {
        Finding::fail(
            FindingKind::GapNotContents,
            format!("unsigned bytes {a}..{b}: {why}"),
        )
    };
    let gap = data.get(a..b).ok_or_else(|| fail("outside the file"))?;
    let inner = match gap {
        [b'<', inner @ .., b'>'] => inner,
        _ => return Err(fail("not a hex string")),
    };
    if !inner.iter().all(|&c| HEX_VALUE[usize::from(c)] != NOT_HEX) {
        return Err(fail("holds more than hex digits"));
    }
    if inner.len() % 2 != 0 || inner.len() / 2 != contents.len() {
        return Err(fail("is not the signature's /Contents"));
    }
    // Every byte is a hex digit (checked above), so each value is below 16.
    let value = |c: &u8| HEX_VALUE[usize::from(*c)];
    let same = inner
        .chunks_exact(2)
        .zip(contents)
        .all(|(pair, byte)| match pair {
            [hi, lo] => value(hi) << 4 | value(lo) == *byte,
            _ => false,
        });
    if !same {
        return Err(fail("is not the signature's /Contents"));
    }
    let before = data.get(..a).unwrap_or(&[]);
    let trimmed = before
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .and_then(|end| before.get(..=end))
        .unwrap_or(&[]);
    if !trimmed.ends_with(b"/Contents") {
        return Err(fail("is not the value of /Contents"));
    }
    Ok(())
}

/// Marks a byte that is not a hex digit in [`HEX_VALUE`].
const NOT_HEX: u8 = 0xFF;

/// The value of each hex digit, [`NOT_HEX`] for other bytes (the gap is tens of KB of hex, so
/// it is compared through a table rather than digit by digit).
const HEX_VALUE: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> (Vec<u8>, i64, i64) {
        let head = b"%PDF-1.7 /Contents ".to_vec();
        let a = head.len() as i64;
        let mut data = head;
        data.extend_from_slice(b"<0a0B00>");
        let b = data.len() as i64;
        data.extend_from_slice(b" /ByteRange [...] >> endobj");
        (data, a, b)
    }

    #[test]
    fn accepts_a_gap_that_is_exactly_the_contents_string() {
        let (data, a, b) = file();
        let c = data.len() as i64 - b;
        let ranges = check(&data, &[0, a, b, c], &[0x0a, 0x0b, 0x00]).expect("valid");
        assert_eq!(ranges.end(), data.len() as u64);
    }

    #[test]
    fn rejects_a_gap_that_differs_from_the_contents() {
        let (data, a, b) = file();
        let c = data.len() as i64 - b;
        let err = check(&data, &[0, a, b, c], &[0x0a, 0x0b, 0x01]).expect_err("differs");
        assert_eq!(err.kind, FindingKind::GapNotContents);
    }

    #[test]
    fn rejects_ranges_beyond_the_file_or_not_from_zero() {
        let (data, a, b) = file();
        let c = data.len() as i64 - b;
        for range in [
            vec![0, a, b, c + 1],
            vec![1, a, b, c],
            vec![0, a, a, c],
            vec![0, a, b],
            vec![0, -1, b, c],
        ] {
            let err = check(&data, &range, &[0x0a, 0x0b, 0x00]).expect_err("invalid");
            assert_eq!(err.kind, FindingKind::ByteRangeInvalid, "{range:?}");
        }
    }

    #[test]
    fn the_hex_table_agrees_with_the_standard_library() {
        for c in 0..=255u8 {
            let expected = char::from(c)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok());
            let got = Some(HEX_VALUE[usize::from(c)]).filter(|v| *v != NOT_HEX);
            assert_eq!(got, expected, "{c:#04x}");
        }
    }

    #[test]
    fn rejects_a_gap_holding_more_than_hex() {
        let mut data = b"x /Contents <00> 1 0 obj <0a> endobj".to_vec();
        data.extend_from_slice(b" tail");
        let err = check(&data, &[0, 12, 36, 5], &[0x00]).expect_err("wrapped");
        assert_eq!(err.kind, FindingKind::GapNotContents);
    }
}
