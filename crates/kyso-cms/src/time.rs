//! ASN.1 `UTCTime` and `GeneralizedTime` as found in signing-time and TSTInfo.
//!
//! RFC 3161 §2.4.2 allows fractional seconds in `genTime` ("YYYYMMDDhhmmss[.s...]Z"), which
//! the `der` crate's GeneralizedTime refuses; so both forms are decoded here, to a
//! [`SystemTime`] that keeps the fraction (to nanoseconds).

use std::time::{Duration, SystemTime};

use crate::der_reader::{tag, Tlv};
use crate::Error;

/// Decodes a `Time` (UTCTime or GeneralizedTime) element, DER form: UTC ("Z"), seconds
/// present; GeneralizedTime may carry a fraction without trailing zeros.
pub(crate) fn decode_time(tlv: &Tlv<'_>, what: &'static str) -> Result<SystemTime, Error> {
    parse_time(tlv.tag, tlv.value).ok_or(Error::malformed(what, tlv.value_offset))
}

/// Decodes the text of a UTCTime (`tag` 0x17) or GeneralizedTime (0x18); `None` when it is
/// not in DER form or not a valid date.
pub(crate) fn parse_time(tag: u8, text: &[u8]) -> Option<SystemTime> {
    let (year, rest) = match tag {
        tag::UTC_TIME => {
            if text.len() != 13 {
                return None;
            }
            let yy = digits(text, 0, 2)?;
            // RFC 5280 §4.1.2.5.1: 50..99 are 19xx, 00..49 are 20xx.
            let year = yy.checked_add(if yy >= 50 { 1900 } else { 2000 })?;
            (year, text.get(2..)?)
        }
        tag::GENERALIZED_TIME => {
            if text.len() < 15 {
                return None;
            }
            (digits(text, 0, 4)?, text.get(4..)?)
        }
        _ => return None,
    };
    let field = |at: usize| digits(rest, at, 2).and_then(|v| u8::try_from(v).ok());
    let nanos = match rest.get(10..)? {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if tag == tag::GENERALIZED_TIME => decode_fraction(fraction)?,
        _ => return None,
    };
    let dt = der::DateTime::new(
        u16::try_from(year).ok()?,
        field(0)?,
        field(2)?,
        field(4)?,
        field(6)?,
        field(8)?,
    )
    .ok()?;
    dt.to_system_time().checked_add(Duration::from_nanos(nanos))
}

/// Encodes a GeneralizedTime's text: seconds always, a fraction only when non-zero and
/// without trailing zeros (X.690 §11.7).
pub(crate) fn format_generalized_time(time: SystemTime) -> Option<String> {
    let since_epoch = time.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    let whole = Duration::from_secs(since_epoch.as_secs());
    let dt = der::DateTime::from_unix_duration(whole).ok()?;
    let mut text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    );
    let nanos = since_epoch.subsec_nanos();
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    Some(text)
}

/// The fraction's digits, at least one, no trailing zero (X.690 §11.7.3), at most nine kept.
fn decode_fraction(fraction: &[u8]) -> Option<u64> {
    if fraction.is_empty() || fraction.last() == Some(&b'0') || fraction.len() > 64 {
        return None;
    }
    if !fraction.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut nanos: u64 = 0;
    for position in 0..9 {
        let digit = fraction
            .get(position)
            .map_or(0, |d| u64::from(d.saturating_sub(b'0')));
        nanos = nanos.checked_mul(10)?.checked_add(digit)?;
    }
    Some(nanos)
}

/// `len` ASCII digits at `at` as a number.
fn digits(text: &[u8], at: usize, len: usize) -> Option<u32> {
    let slice = text.get(at..at.checked_add(len)?)?;
    slice.iter().try_fold(0u32, |acc, &c| {
        if c.is_ascii_digit() {
            acc.checked_mul(10)?
                .checked_add(u32::from(c.saturating_sub(b'0')))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der_reader::single;
    use std::time::UNIX_EPOCH;

    fn decode(tag: u8, text: &str) -> Result<SystemTime, Error> {
        let encoded = crate::der_writer::tlv(tag, &[text.as_bytes()]);
        let tlv = single(&encoded, tag, "time").expect("tlv");
        decode_time(&tlv, "time")
    }

    fn unix(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn decodes_utc_time_in_both_centuries() {
        assert_eq!(
            decode(tag::UTC_TIME, "240610061320Z").expect("2024"),
            unix(1_718_000_000, 0)
        );
        assert_eq!(
            decode(tag::UTC_TIME, "700101000000Z").expect("1970"),
            unix(0, 0)
        );
    }

    #[test]
    fn decodes_generalized_time_with_fractional_seconds() {
        assert_eq!(
            decode(tag::GENERALIZED_TIME, "20240610061320.25Z").expect("fraction"),
            unix(1_718_000_000, 250_000_000)
        );
        assert_eq!(
            decode(tag::GENERALIZED_TIME, "20240610061320.123456789Z").expect("nanos"),
            unix(1_718_000_000, 123_456_789)
        );
        assert_eq!(
            decode(tag::GENERALIZED_TIME, "20240610061320Z").expect("whole"),
            unix(1_718_000_000, 0)
        );
    }

    #[test]
    fn formats_generalized_time_with_and_without_a_fraction() {
        let text = format_generalized_time(unix(1_718_000_000, 250_000_000)).expect("formats");
        assert_eq!(text, "20240610061320.25Z");
        let text = format_generalized_time(unix(1_718_000_000, 0)).expect("formats");
        assert_eq!(text, "20240610061320Z");
        assert!(format_generalized_time(UNIX_EPOCH - Duration::from_secs(1)).is_none());
    }

    #[test]
    fn rejects_local_times_trailing_zeros_and_garbage() {
        for text in [
            "20240610061320",
            "20240610061320.50Z",
            "20240610061320.Z",
            "20240610061320+0700",
            "2024061006132Z",
            "20241310061320Z",
            "2024061006132aZ",
        ] {
            assert!(decode(tag::GENERALIZED_TIME, text).is_err(), "{text}");
        }
        assert!(decode(tag::UTC_TIME, "240610061320.5Z").is_err());
        assert!(decode(tag::UTC_TIME, "2406100613Z").is_err());
    }
}
