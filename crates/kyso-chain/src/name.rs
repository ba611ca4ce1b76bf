//! Distinguished names: comparison as RFC 5280 §7.1 asks (case-insensitive, whitespace
//! folded) and a one-line rendering for messages.

use der::{Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// A distinguished name in comparable form: each RDN a sorted list of normalised attributes.
///
/// Two names with equal keys are "the same name" for chaining and for directoryName
/// constraints; string attributes compare after RFC 4518-style folding (case, outer and
/// repeated whitespace), other values byte for byte.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub(crate) struct NameKey(pub(crate) Vec<Vec<Vec<u8>>>);

impl NameKey {
    pub(crate) fn of(name: &Name) -> NameKey {
        NameKey(
            name.0
                .iter()
                .map(|rdn| {
                    let mut atvs: Vec<Vec<u8>> = rdn.0.iter().map(atv_key).collect();
                    atvs.sort();
                    atvs
                })
                .collect(),
        )
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `self` lies within the subtree rooted at `base` (base's RDNs are a prefix).
    pub(crate) fn within(&self, base: &NameKey) -> bool {
        self.0.len() >= base.0.len() && self.0.iter().zip(base.0.iter()).all(|(a, b)| a == b)
    }
}

fn atv_key(atv: &AttributeTypeAndValue) -> Vec<u8> {
    let mut key = atv.oid.as_bytes().to_vec();
    key.push(0);
    match string_value(atv) {
        Some(text) => {
            key.push(b's');
            let folded: Vec<&str> = text.split_whitespace().collect();
            key.extend_from_slice(folded.join(" ").to_lowercase().as_bytes());
        }
        None => {
            key.push(b'b');
            key.extend_from_slice(atv.value.value());
        }
    }
    key
}

/// The text of a string-typed attribute value, if it is one kyso can read.
pub(crate) fn string_value(atv: &AttributeTypeAndValue) -> Option<String> {
    let bytes = atv.value.value();
    match atv.value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(bytes).ok().map(str::to_owned)
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| match pair {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0,
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// One-line rendering such as `CN=VNPT-CA SHA2, O=…, C=VN` (most specific first).
pub(crate) fn display(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.0.iter().rev() {
        for atv in rdn.0.iter() {
            let label = short_label(&atv.oid.to_string());
            let value = string_value(atv).unwrap_or_else(|| {
                atv.value
                    .to_der()
                    .map(|d| format!("#{}", hex::encode(d)))
                    .unwrap_or_default()
            });
            parts.push(format!("{label}={value}"));
        }
    }
    if parts.is_empty() {
        "(empty name)".to_owned()
    } else {
        parts.join(", ")
    }
}

fn short_label(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "CN".into(),
        "2.5.4.6" => "C".into(),
        "2.5.4.7" => "L".into(),
        "2.5.4.8" => "ST".into(),
        "2.5.4.10" => "O".into(),
        "2.5.4.11" => "OU".into(),
        "2.5.4.5" => "serialNumber".into(),
        "0.9.2342.19200300.100.1.1" => "UID".into(),
        "1.2.840.113549.1.9.1" => "emailAddress".into(),
        other => other.into(),
    }
}

/// The emailAddress attributes of a subject (checked against rfc822Name constraints).
pub(crate) fn email_attributes(name: &Name) -> Vec<String> {
    const EMAIL: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == EMAIL)
        .filter_map(string_value)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn names_differing_only_in_case_and_spaces_are_equal() {
        let a = Name::from_str("CN=Co quan  chung thuc,O=Ban Co yeu,C=VN").ok();
        let b = Name::from_str("CN=co QUAN chung thuc ,O=ban co yeu,C=vn").ok();
        assert!(a.is_some() && b.is_some());
        if let (Some(a), Some(b)) = (a, b) {
            assert_eq!(NameKey::of(&a), NameKey::of(&b));
        }
    }

    #[test]
    fn names_with_different_values_are_not_equal() {
        let a = Name::from_str("CN=A,C=VN").ok();
        let b = Name::from_str("CN=B,C=VN").ok();
        assert!(a.is_some() && b.is_some(), "test names did not parse");
        if let (Some(a), Some(b)) = (a, b) {
            assert_ne!(NameKey::of(&a), NameKey::of(&b));
        }
    }

    #[test]
    fn subtree_membership_requires_a_prefix() {
        let base = Name::from_str("O=Ban Co yeu,C=VN").ok();
        let inside = Name::from_str("CN=x,O=Ban Co yeu,C=VN").ok();
        let outside = Name::from_str("CN=x,O=Other,C=VN").ok();
        assert!(base.is_some() && inside.is_some() && outside.is_some());
        if let (Some(base), Some(inside), Some(outside)) = (base, inside, outside) {
            assert!(NameKey::of(&inside).within(&NameKey::of(&base)));
            assert!(!NameKey::of(&outside).within(&NameKey::of(&base)));
        }
    }
}
