//! PEM or DER input: one or many objects per file.

use crate::error::ParseError;

/// Largest input file read as a bag of PEM objects; bounds the work a hostile file causes.
const MAX_INPUT: usize = 16 * 1024 * 1024;

/// Splits `bytes` into DER objects: every PEM block labelled `label` (also `X509 CRL`-style
/// aliases via `alt`), or, when no PEM armour is present, the bytes as one DER object.
pub(crate) fn decode_all(
    bytes: &[u8],
    label: &str,
    what: &'static str,
) -> Result<Vec<Vec<u8>>, ParseError> {
    if bytes.len() > MAX_INPUT {
        return Err(ParseError::TooLarge {
            what,
            limit: MAX_INPUT,
        });
    }
    const BEGIN: &[u8] = b"-----BEGIN ";
    if !contains(bytes, BEGIN) {
        if bytes.is_empty() {
            return Err(ParseError::Empty { what });
        }
        return Ok(vec![bytes.to_vec()]);
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = &rest[start..];
        let Some(end_marker) = block.find("-----END ") else {
            return Err(ParseError::Der {
                what,
                kind: der::ErrorKind::Failed,
            });
        };
        let after_end = &block[end_marker..];
        // The END line runs to the next "-----" after "-----END ".
        let close = after_end
            .get(9..)
            .and_then(|s| s.find("-----"))
            .map(|i| end_marker + 9 + i + 5)
            .unwrap_or(block.len());
        let pem_block = &block[..close.min(block.len())];
        let (found, der) =
            der::pem::decode_vec(pem_block.as_bytes()).map_err(|e| ParseError::Der {
                what,
                kind: der::Error::from(e).kind(),
            })?;
        if found == label || (label == "X509 CRL" && found == "CRL") {
            out.push(der);
        }
        rest = &block[close.min(block.len())..];
    }
    if out.is_empty() {
        return Err(ParseError::Empty { what });
    }
    Ok(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
