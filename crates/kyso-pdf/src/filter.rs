//! Stream decoding (ISO 32000-1 §7.4): FlateDecode with PNG predictors.
//!
//! Decoded output is bounded by a caller-given limit, so a decompression bomb costs at most
//! that much memory.

use std::io::Read;

use crate::error::Error;
use crate::object::{Dict, Object};

/// The default limit on decoded stream size: larger than any cross-reference or object stream
/// a real document has, small enough to keep signing a 1 GB file under 100 MB of memory.
pub const DEFAULT_DECODE_LIMIT: usize = 64 * 1024 * 1024;

/// Decodes stream data according to the stream dictionary's /Filter and /DecodeParms.
///
/// Supports no filter and FlateDecode (with PNG predictors 10–15 or predictor 1); every other
/// filter is an [`Error::UnsupportedFilter`]. The output never exceeds `limit` bytes.
pub fn decode_stream(dict: &Dict, raw: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let filters: Vec<&Object> = match dict.get(b"Filter".as_slice()) {
        None | Some(Object::Null) => Vec::new(),
        Some(Object::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    };
    let params: Vec<Option<&Dict>> = match dict.get(b"DecodeParms".as_slice()) {
        Some(Object::Array(items)) => items.iter().map(Object::as_dict).collect(),
        Some(other) => vec![other.as_dict()],
        None => Vec::new(),
    };
    if filters.is_empty() {
        if raw.len() > limit {
            return Err(Error::StreamTooLarge { limit });
        }
        return Ok(raw.to_vec());
    }
    let mut data: Option<Vec<u8>> = None;
    for (i, filter) in filters.iter().enumerate() {
        let name = filter.as_name().ok_or(Error::WrongType {
            what: "a stream filter",
            expected: "a name",
        })?;
        let input = data.as_deref().unwrap_or(raw);
        let decoded = match name {
            b"FlateDecode" | b"Fl" => {
                let inflated = inflate(input, limit)?;
                match params.get(i).copied().flatten() {
                    Some(p) => apply_predictor(inflated, p)?,
                    None => inflated,
                }
            }
            other => {
                return Err(Error::UnsupportedFilter(
                    String::from_utf8_lossy(other).into(),
                ))
            }
        };
        data = Some(decoded);
    }
    Ok(data.unwrap_or_default())
}

/// Inflates zlib data, tolerating a missing or corrupt checksum after valid data (common in
/// the wild), but never producing more than `limit` bytes.
fn inflate(input: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let mut decoder = flate2::read::ZlibDecoder::new(input);
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => {
                if out.len() + n > limit {
                    return Err(Error::StreamTooLarge { limit });
                }
                out.extend_from_slice(buf.get(..n).unwrap_or_default());
            }
            Err(_) if !out.is_empty() => return Ok(out),
            Err(_) => return Err(Error::Decompress),
        }
    }
}

fn param_int(params: &Dict, key: &str, default: i64) -> i64 {
    params
        .get(key.as_bytes())
        .and_then(Object::as_int)
        .unwrap_or(default)
}

/// Undoes a PNG predictor (ISO 32000-1 §7.4.4.4, RFC 2083 §6).
fn apply_predictor(data: Vec<u8>, params: &Dict) -> Result<Vec<u8>, Error> {
    let predictor = param_int(params, "Predictor", 1);
    if predictor == 1 {
        return Ok(data);
    }
    if !(10..=15).contains(&predictor) {
        return Err(Error::UnsupportedPredictor(predictor));
    }
    let colors = param_int(params, "Colors", 1);
    let bpc = param_int(params, "BitsPerComponent", 8);
    let columns = param_int(params, "Columns", 1);
    let bad = Error::WrongType {
        what: "predictor parameters",
        expected: "in range",
    };
    if !(1..=32).contains(&colors) || ![1, 2, 4, 8, 16].contains(&bpc) {
        return Err(bad);
    }
    if !(1..=1 << 24).contains(&columns) {
        return Err(bad);
    }
    // All three are small positive numbers checked above.
    let bits_per_pixel = (colors * bpc) as usize;
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    let row_len = (bits_per_pixel * columns as usize).div_ceil(8);
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row_len];
    for chunk in data.chunks(row_len + 1) {
        let Some((&kind, row)) = chunk.split_first() else {
            break;
        };
        let mut cur = row.to_vec();
        cur.resize(row_len, 0);
        for i in 0..row_len {
            let left = if i >= bpp {
                cur.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let up = prev.get(i).copied().unwrap_or(0);
            let up_left = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let value = cur.get(i).copied().unwrap_or(0);
            let decoded = match kind {
                0 => value,
                1 => value.wrapping_add(left),
                2 => value.wrapping_add(up),
                3 => value.wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => value.wrapping_add(paeth(left, up, up_left)),
                _ => {
                    return Err(Error::WrongType {
                        what: "a PNG row filter",
                        expected: "0..=4",
                    })
                }
            };
            if let Some(slot) = cur.get_mut(i) {
                *slot = decoded;
            }
        }
        out.extend_from_slice(cur.get(..row.len()).unwrap_or_default());
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let pa = (p - i16::from(a)).abs();
    let pb = (p - i16::from(b)).abs();
    let pc = (p - i16::from(c)).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::dict;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).expect("in memory");
        enc.finish().expect("in memory")
    }

    #[test]
    fn decodes_flate_with_png_up_predictor() {
        // Two rows of 3 columns, filter type 2 (Up).
        let encoded = deflate(&[2, 1, 2, 3, 2, 1, 1, 1]);
        let d = dict([
            ("Filter", Object::name("FlateDecode")),
            (
                "DecodeParms",
                Object::Dict(dict([
                    ("Predictor", Object::Int(12)),
                    ("Columns", Object::Int(3)),
                ])),
            ),
        ]);
        let out = decode_stream(&d, &encoded, 1024).expect("decodes");
        assert_eq!(out, vec![1, 2, 3, 2, 3, 4]);
    }

    #[test]
    fn rejects_output_beyond_the_limit() {
        let encoded = deflate(&vec![0u8; 100_000]);
        let d = dict([("Filter", Object::name("FlateDecode"))]);
        assert!(matches!(
            decode_stream(&d, &encoded, 1000),
            Err(Error::StreamTooLarge { limit: 1000 })
        ));
        assert_eq!(
            decode_stream(&d, &encoded, 100_000).expect("fits").len(),
            100_000
        );
    }

    #[test]
    fn rejects_unknown_filters_by_name() {
        let d = dict([("Filter", Object::name("LZWDecode"))]);
        assert!(
            matches!(decode_stream(&d, b"x", 10), Err(Error::UnsupportedFilter(f)) if f == "LZWDecode")
        );
    }

    #[test]
    fn rejects_corrupt_flate_data() {
        let d = dict([("Filter", Object::name("FlateDecode"))]);
        assert!(matches!(
            decode_stream(&d, b"not zlib at all", 1000),
            Err(Error::Decompress)
        ));
    }
}
