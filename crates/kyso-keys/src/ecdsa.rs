//! ECDSA signature encodings: PKCS#11 returns `r || s`, CMS and XMLDSig-in-CMS want DER.

use der::asn1::UintRef;
use der::{Encode, Sequence};

use crate::{Error, KeyKind};

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 section 2.2.3).
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// Converts a raw `r || s` signature (two big-endian integers of equal length, as
/// `CKM_ECDSA` returns) into a DER `Ecdsa-Sig-Value`.
///
/// Rejects an empty or odd-length input and halves longer than the curve's field.
pub fn raw_to_der(raw: &[u8], kind: KeyKind) -> Result<Vec<u8>, Error> {
    let malformed = || Error::MalformedSignature {
        what: "ECDSA",
        len: raw.len(),
    };
    let field_len = match kind {
        KeyKind::Ec { field_bits } => field_bits.div_ceil(8),
        KeyKind::Rsa { .. } => return Err(malformed()),
    };
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() / 2 > field_len {
        return Err(malformed());
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let value = EcdsaSigValue {
        r: UintRef::new(r).map_err(|_| malformed())?,
        s: UintRef::new(s).map_err(|_| malformed())?,
    };
    value.to_der().map_err(|_| malformed())
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256: KeyKind = KeyKind::Ec { field_bits: 256 };

    #[test]
    fn high_bit_halves_gain_a_zero_byte() {
        let mut raw = vec![0x80; 32];
        raw.extend_from_slice(&[0x01; 32]);
        let der = raw_to_der(&raw, P256).expect("encodes");
        // SEQUENCE, len, INTEGER 33 bytes (00 80 ..), INTEGER 32 bytes.
        assert_eq!(
            der.get(..5),
            Some([0x30, 2 + 33 + 2 + 32, 0x02, 33, 0x00].as_slice())
        );
        let sig = openssl::ecdsa::EcdsaSig::from_der(&der).expect("openssl parses it");
        assert_eq!(sig.r().to_vec(), vec![0x80; 32]);
        assert_eq!(sig.s().to_vec(), vec![0x01; 32]);
    }

    #[test]
    fn leading_zero_bytes_are_stripped() {
        let mut raw = vec![0; 64];
        if let Some(last) = raw.get_mut(31) {
            *last = 5;
        }
        if let Some(last) = raw.get_mut(63) {
            *last = 7;
        }
        let der = raw_to_der(&raw, P256).expect("encodes");
        assert_eq!(der, [0x30, 6, 0x02, 1, 5, 0x02, 1, 7]);
    }

    #[test]
    fn p521_signatures_use_a_long_form_length() {
        let raw = vec![0x01; 132];
        let der = raw_to_der(&raw, KeyKind::Ec { field_bits: 521 }).expect("encodes");
        assert_eq!(der.get(..2), Some([0x30, 0x81].as_slice()));
        assert!(der.len() <= KeyKind::Ec { field_bits: 521 }.max_signature_len());
    }

    #[test]
    fn rejects_odd_empty_and_oversized_raw_signatures() {
        assert!(raw_to_der(&[], P256).is_err());
        assert!(raw_to_der(&[1; 63], P256).is_err());
        assert!(raw_to_der(&[1; 66], P256).is_err());
        assert!(raw_to_der(&[1; 64], KeyKind::Rsa { bits: 2048 }).is_err());
    }
}
