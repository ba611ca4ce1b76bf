//! What a person needs to recognise a certificate: names, serial, validity, key usage and
//! fingerprint, decoded from DER without trusting it.

use der::asn1::{Any, BitString};
use der::{Decode, Tag, Tagged};
use sha2::Digest;
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::Error;

/// OID of the keyUsage extension (RFC 5280 section 4.2.1.3).
const KEY_USAGE: &str = "2.5.29.15";

/// A certificate summarised for listings (`kyso token certs`) and error messages.
///
/// Names are rendered as RFC 4514 strings (most specific RDN first) with attribute values
/// decoded from their ASN.1 string types, so Vietnamese UTF8String and BMPString values print
/// as text. Values that cannot be decoded appear as `#` followed by the hex of their DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject distinguished name, RFC 4514 style (`UID=MST:0101234567,CN=...,C=VN`).
    pub subject: String,
    /// Issuer distinguished name, RFC 4514 style.
    pub issuer: String,
    /// The subject's commonName, if any (for one-line descriptions).
    pub common_name: Option<String>,
    /// Serial number, lowercase hex of its DER content octets.
    pub serial_hex: String,
    /// Start of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_before: String,
    /// End of validity, `YYYY-MM-DDTHH:MM:SSZ`.
    pub not_after: String,
    /// End of validity in seconds since the Unix epoch (for "expired" checks).
    pub not_after_unix: u64,
    /// Key usage bits by their RFC 5280 names; empty when the extension is absent.
    pub key_usage: Vec<&'static str>,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub sha256_hex: String,
}

impl CertificateInfo {
    /// Decodes a DER certificate. Rejects trailing data and malformed structures; never panics.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let cert = Certificate::from_der(der).map_err(Error::BadCertificate)?;
        let tbs = &cert.tbs_certificate;
        let key_usage = match tbs
            .extensions
            .iter()
            .flatten()
            .find(|ext| ext.extn_id.to_string() == KEY_USAGE)
        {
            Some(ext) => key_usage_names(ext.extn_value.as_bytes())?,
            None => Vec::new(),
        };
        Ok(Self {
            subject: rfc4514(&tbs.subject),
            issuer: rfc4514(&tbs.issuer),
            common_name: common_name(&tbs.subject),
            serial_hex: hex::encode(tbs.serial_number.as_bytes()),
            not_before: tbs.validity.not_before.to_date_time().to_string(),
            not_after: tbs.validity.not_after.to_date_time().to_string(),
            not_after_unix: tbs.validity.not_after.to_unix_duration().as_secs(),
            key_usage,
            sha256_hex: hex::encode(sha2::Sha256::digest(der)),
        })
    }

    /// A one-line description: the common name (or the subject) and the fingerprint's start.
    pub fn short_description(&self) -> String {
        let name = self.common_name.as_deref().unwrap_or(&self.subject);
        let fingerprint = self.sha256_hex.get(..16).unwrap_or(&self.sha256_hex);
        format!("{name} (sha256 {fingerprint}…)")
    }
}

/// Decodes the keyUsage BIT STRING into names, in bit order.
fn key_usage_names(extn_value: &[u8]) -> Result<Vec<&'static str>, Error> {
    const NAMES: [&str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
    let bits = BitString::from_der(extn_value).map_err(Error::BadCertificate)?;
    Ok(bits
        .bits()
        .zip(NAMES)
        .filter_map(|(set, name)| set.then_some(name))
        .collect())
}

/// The last (most specific) commonName of a name, decoded.
fn common_name(name: &Name) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid.to_string() == "2.5.4.3")
        .filter_map(|atv| decode_string(&atv.value))
        .next_back()
}

/// Renders a distinguished name per RFC 4514: RDNs in reverse order separated by `,`,
/// multi-valued RDNs joined by `+`, special characters escaped.
pub fn rfc4514(name: &Name) -> String {
    let rdns: Vec<String> = name
        .0
        .iter()
        .rev()
        .map(|rdn| {
            rdn.0
                .iter()
                .map(|atv| {
                    let oid = atv.oid.to_string();
                    match (short_name(&oid), decode_string(&atv.value)) {
                        (Some(short), Some(text)) => format!("{short}={}", escape_value(&text)),
                        (Some(short), None) => format!("{short}=#{}", any_hex(&atv.value)),
                        (None, _) => format!("{oid}=#{}", any_hex(&atv.value)),
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.join(",")
}

/// RFC 4514 / RFC 4519 short names of the attributes seen in Vietnamese certificates.
fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.42" => "GN",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => return None,
    })
}

/// Decodes a directory string value to text, or `None` for types that are not text or bytes
/// that do not decode.
pub(crate) fn decode_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String => std::str::from_utf8(bytes).ok().map(str::to_owned),
        Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => bytes
            .is_ascii()
            .then(|| String::from_utf8_lossy(bytes).into_owned()),
        // T.61 in theory; Latin-1 in practice.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
                .map(u16::from_be_bytes)
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// Hex of the whole DER encoding of a value (RFC 4514 section 2.4 `#hexstring`).
fn any_hex(value: &Any) -> String {
    use der::Encode;
    value.to_der().map(hex::encode).unwrap_or_default()
}

/// Escapes an attribute value per RFC 4514 section 2.4.
fn escape_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let last = text.chars().count().saturating_sub(1);
    for (i, ch) in text.chars().enumerate() {
        match ch {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_pem_cert(path: &str) -> Option<Vec<u8>> {
        let pem = std::fs::read(path).ok()?;
        let cert = openssl::x509::X509::from_pem(&pem).ok()?;
        cert.to_der().ok()
    }

    fn demo(name: &str) -> Vec<u8> {
        let path = format!("{}/../../fixtures/demo/{name}", env!("CARGO_MANIFEST_DIR"));
        read_pem_cert(&path).unwrap_or_else(|| panic!("demo fixture {path} is missing"))
    }

    #[test]
    fn vietnamese_subjects_print_as_utf8_with_uid() {
        let info = CertificateInfo::from_der(&demo("signer.pem")).expect("parses");
        assert_eq!(
            info.subject,
            "UID=CCCD:001190000001,CN=Trần Thị Bình,L=Hà Nội,C=VN"
        );
        assert_eq!(info.common_name.as_deref(), Some("Trần Thị Bình"));
        assert_eq!(info.issuer, "CN=kyso Test Issuing CA,O=kyso test,C=VN");
        assert_eq!(info.key_usage, ["digitalSignature", "nonRepudiation"]);
        assert_eq!(info.sha256_hex.len(), 64);
    }

    #[test]
    fn ca_certificates_report_their_own_key_usage() {
        let info = CertificateInfo::from_der(&demo("root.pem")).expect("parses");
        assert_eq!(info.key_usage, ["keyCertSign", "cRLSign"]);
        assert_eq!(info.subject, info.issuer);
    }

    #[test]
    fn rejects_every_truncation_of_a_certificate() {
        let der = demo("signer.pem");
        for len in 0..der.len() {
            assert!(
                CertificateInfo::from_der(der.get(..len).unwrap_or_default()).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }

    #[test]
    fn rejects_trailing_bytes_after_a_certificate() {
        let mut der = demo("signer.pem");
        der.push(0);
        assert!(CertificateInfo::from_der(&der).is_err());
    }

    #[test]
    fn bmp_strings_decode_as_utf16() {
        let bytes: Vec<u8> = "Hà Tĩnh"
            .encode_utf16()
            .flat_map(|unit| unit.to_be_bytes())
            .collect();
        let value = Any::new(Tag::BmpString, bytes).expect("valid any");
        assert_eq!(decode_string(&value).as_deref(), Some("Hà Tĩnh"));
    }

    #[test]
    fn odd_length_bmp_strings_are_not_text() {
        let value = Any::new(Tag::BmpString, vec![0, 0x41, 0]).expect("valid any");
        assert_eq!(decode_string(&value), None);
    }

    #[test]
    fn invalid_utf8_strings_are_not_text() {
        let value = Any::new(Tag::Utf8String, vec![0xc3]).expect("valid any");
        assert_eq!(decode_string(&value), None);
    }

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(escape_value("#a, b+c "), "\\#a\\, b\\+c\\ ");
        assert_eq!(escape_value("Nguyễn Văn An"), "Nguyễn Văn An");
    }
}
