//! Minimal DER encoding by concatenation.
//!
//! The builder assembles SignedData from pieces whose bytes must survive unchanged (the
//! signer's certificate, its issuer name), so it writes TLVs around existing encodings
//! instead of re-encoding decoded values.

/// The length octets for a value of `len` bytes (definite, shortest form).
pub(crate) fn length_octets(len: usize) -> Vec<u8> {
    if len < 0x80 {
        // Fits in one octet: checked by the branch.
        return vec![u8::try_from(len).unwrap_or(0)];
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or(&[]);
    let mut out = Vec::with_capacity(significant.len().saturating_add(1));
    out.push(0x80 | u8::try_from(significant.len()).unwrap_or(0));
    out.extend_from_slice(significant);
    out
}

/// Encodes one element whose value is the concatenation of `parts`.
pub(crate) fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let header = length_octets(len);
    let mut out = Vec::with_capacity(len.saturating_add(header.len()).saturating_add(1));
    out.push(tag);
    out.extend_from_slice(&header);
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

/// Encodes an OBJECT IDENTIFIER.
pub(crate) fn oid(oid: &der::asn1::ObjectIdentifier) -> Vec<u8> {
    tlv(crate::der_reader::tag::OID, &[oid.as_bytes()])
}

/// Encodes a non-negative INTEGER.
pub(crate) fn uint(value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
    let significant = bytes.get(skip..).unwrap_or(&[0]);
    if significant.first().is_some_and(|b| b & 0x80 != 0) {
        tlv(crate::der_reader::tag::INTEGER, &[&[0], significant])
    } else {
        tlv(crate::der_reader::tag::INTEGER, &[significant])
    }
}

/// Encodes a SET OF from already-encoded elements, sorted as DER requires (X.690 §11.6:
/// ascending order of the encodings, shorter first when one is a prefix of the other).
pub(crate) fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    elements.sort();
    let parts: Vec<&[u8]> = elements.iter().map(Vec::as_slice).collect();
    tlv(crate::der_reader::tag::SET, &parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_use_the_shortest_form() {
        assert_eq!(length_octets(0), [0]);
        assert_eq!(length_octets(127), [127]);
        assert_eq!(length_octets(128), [0x81, 0x80]);
        assert_eq!(length_octets(256), [0x82, 1, 0]);
        assert_eq!(length_octets(0x01_00_00), [0x83, 1, 0, 0]);
    }

    #[test]
    fn integers_get_a_sign_octet_only_when_needed() {
        assert_eq!(uint(0), [2, 1, 0]);
        assert_eq!(uint(127), [2, 1, 127]);
        assert_eq!(uint(128), [2, 2, 0, 128]);
        assert_eq!(uint(256), [2, 2, 1, 0]);
    }

    #[test]
    fn set_of_sorts_by_encoding_and_matches_der_crate() {
        use der::Encode;
        let a = vec![0x04, 0x01, 0x02];
        let b = vec![0x04, 0x01, 0x01];
        let ours = set_of(vec![a, b]);
        let reference = der::asn1::SetOfVec::try_from(vec![
            der::asn1::OctetString::new(vec![2u8]).expect("octets"),
            der::asn1::OctetString::new(vec![1u8]).expect("octets"),
        ])
        .expect("set")
        .to_der()
        .expect("encode");
        assert_eq!(ours, reference);
    }
}
