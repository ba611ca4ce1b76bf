//! PEM or DER input: one or many objects per file.

use crate::error::ParseError;

/// Largest input file read as a bag of PEM objects; bounds the work a hostile file causes.
const MAX_INPUT: usize = 16 * 1024 * 1024;

/// Splits `bytes` into DER objects: every PEM block labelled `label` (`CRL` is accepted for
/// `X509 CRL`; blocks with other labels are skipped), or, when no PEM armour is present, the
/// bytes as one DER object.
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
    let malformed = ParseError::Der {
        what,
        kind: der::ErrorKind::Failed,
    };
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let block = rest.get(start..).ok_or(malformed)?;
        let end_marker = block.find("-----END ").ok_or(malformed)?;
        // The END line closes with the next "-----" after "-----END ".
        let after = end_marker.checked_add(9).ok_or(malformed)?;
        let close = block
            .get(after..)
            .and_then(|s| s.find("-----"))
            .and_then(|i| after.checked_add(i)?.checked_add(5))
            .ok_or(malformed)?;
        let pem_block = block.get(..close).ok_or(malformed)?;
        let (found, der) =
            der::pem::decode_vec(pem_block.as_bytes()).map_err(|e| ParseError::Der {
                what,
                kind: der::Error::from(e).kind(),
            })?;
        if found == label || (label == "X509 CRL" && found == "CRL") {
            out.push(der);
        }
        rest = block.get(close..).unwrap_or("");
    }
    if out.is_empty() {
        return Err(ParseError::Empty { what });
    }
    Ok(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";

    #[test]
    fn reads_every_block_with_the_label_and_skips_others() {
        let text = format!("junk\n{BLOCK}-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n{BLOCK}");
        let objects = decode_all(text.as_bytes(), "CERTIFICATE", "certificate");
        assert_eq!(objects, Ok(vec![vec![0x30, 0x03, 0x02, 0x01, 0x01]; 2]));
    }

    #[test]
    fn rejects_an_unterminated_block_and_empty_input() {
        let cut = BLOCK.get(..40).unwrap_or("");
        assert!(decode_all(cut.as_bytes(), "CERTIFICATE", "certificate").is_err());
        assert!(decode_all(b"", "CERTIFICATE", "certificate").is_err());
    }

    #[test]
    fn bytes_without_armour_are_one_der_object() {
        assert_eq!(
            decode_all(&[0x30, 0x00], "CERTIFICATE", "certificate"),
            Ok(vec![vec![0x30, 0x00]])
        );
    }
}
