//! The few facts kyso-cms needs from an X.509 certificate, read from its original bytes.
//!
//! Certificates are never re-encoded: the ESS hash, the issuer name in a SignerIdentifier and
//! the bytes embedded in SignedData all come from the encoding the CA signed.

use crate::der_reader::{single, tag, Tlv};
use crate::Error;

/// id-ce-subjectKeyIdentifier (RFC 5280 §4.2.1.2).
const SUBJECT_KEY_IDENTIFIER: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.29.14");

/// Borrowed views of a certificate's identifying fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CertificateFields<'a> {
    /// The whole certificate.
    pub(crate) der: &'a [u8],
    /// The issuer `Name`, tag and length included.
    pub(crate) issuer: &'a [u8],
    /// The serialNumber `INTEGER`, tag and length included.
    pub(crate) serial: &'a [u8],
    /// The value octets of the serial number.
    pub(crate) serial_value: &'a [u8],
    /// The subject key identifier extension's key identifier, if present.
    pub(crate) subject_key_identifier: Option<&'a [u8]>,
}

impl<'a> CertificateFields<'a> {
    /// Reads the fields of a DER certificate; the rest of it is not validated here (that is
    /// kyso-chain's job).
    pub(crate) fn decode(der: &'a [u8]) -> Result<Self, Error> {
        const WHAT: &str = "certificate";
        let cert = single(der, tag::SEQUENCE, WHAT)?;
        let mut outer = cert.reader();
        let tbs = outer.read(tag::SEQUENCE, WHAT)?;
        let mut fields = tbs.reader();
        fields.read_optional(tag::context(0), WHAT)?;
        let serial = fields.read(tag::INTEGER, WHAT)?;
        fields.read(tag::SEQUENCE, WHAT)?;
        let issuer = fields.read(tag::SEQUENCE, WHAT)?;
        fields.read(tag::SEQUENCE, WHAT)?; // validity
        fields.read(tag::SEQUENCE, WHAT)?; // subject
        fields.read(tag::SEQUENCE, WHAT)?; // subjectPublicKeyInfo
        fields.read_optional(tag::context_primitive(1), WHAT)?;
        fields.read_optional(tag::context_primitive(2), WHAT)?;
        let subject_key_identifier = match fields.read_optional(tag::context(3), WHAT)? {
            Some(extensions) => find_subject_key_identifier(extensions)?,
            None => None,
        };
        Ok(Self {
            der,
            issuer: issuer.raw,
            serial: serial.raw,
            serial_value: serial.value,
            subject_key_identifier,
        })
    }
}

fn find_subject_key_identifier(explicit: Tlv<'_>) -> Result<Option<&[u8]>, Error> {
    const WHAT: &str = "certificate extensions";
    let mut outer = explicit.reader();
    let list = outer.read(tag::SEQUENCE, WHAT)?;
    outer.finish(WHAT)?;
    let mut extensions = list.reader();
    while !extensions.is_empty() {
        let extension = extensions.read(tag::SEQUENCE, WHAT)?;
        let mut fields = extension.reader();
        let id = fields.read(tag::OID, WHAT)?.oid(WHAT)?;
        fields.read_optional(tag::BOOLEAN, WHAT)?;
        let value = fields.read(tag::OCTET_STRING, WHAT)?;
        if id == SUBJECT_KEY_IDENTIFIER {
            let key_id = single(value.value, tag::OCTET_STRING, WHAT)?;
            return Ok(Some(key_id.value));
        }
    }
    Ok(None)
}

/// Compares two INTEGER value encodings as numbers, tolerating a redundant leading zero octet
/// that some producers write in IssuerSerial.
pub(crate) fn same_integer(a: &[u8], b: &[u8]) -> bool {
    fn trim(v: &[u8]) -> &[u8] {
        let zeros = v.iter().take_while(|b| **b == 0).count();
        v.get(zeros..).unwrap_or(&[])
    }
    trim(a) == trim(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::x509::extension::SubjectKeyIdentifier as SkiExtension;

    fn certificate(with_ski: bool) -> openssl::x509::X509 {
        let key = openssl::pkey::PKey::from_ec_key(
            openssl::ec::EcKey::generate(
                &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1)
                    .expect("curve"),
            )
            .expect("key"),
        )
        .expect("pkey");
        let mut name = openssl::x509::X509Name::builder().expect("name");
        name.append_entry_by_text("CN", "Nguyễn Văn A").expect("cn");
        let name = name.build();
        let mut builder = openssl::x509::X509::builder().expect("builder");
        builder.set_version(2).expect("version");
        let serial = openssl::bn::BigNum::from_hex_str("00C0FFEE")
            .and_then(|bn| bn.to_asn1_integer())
            .expect("serial");
        builder.set_serial_number(&serial).expect("serial");
        builder.set_subject_name(&name).expect("subject");
        builder.set_issuer_name(&name).expect("issuer");
        builder.set_pubkey(&key).expect("pubkey");
        let now = openssl::asn1::Asn1Time::days_from_now(0).expect("now");
        builder.set_not_before(&now).expect("nb");
        builder.set_not_after(&now).expect("na");
        if with_ski {
            let ski = SkiExtension::new()
                .build(&builder.x509v3_context(None, None))
                .expect("ski");
            builder.append_extension(ski).expect("ski");
        }
        builder
            .sign(&key, openssl::hash::MessageDigest::sha256())
            .expect("sign");
        builder.build()
    }

    #[test]
    fn reads_issuer_serial_and_key_identifier_as_encoded() {
        let cert = certificate(true);
        let der = cert.to_der().expect("der");
        let fields = CertificateFields::decode(&der).expect("decodes");
        assert_eq!(fields.issuer, cert.issuer_name().to_der().expect("name"));
        assert_eq!(fields.serial_value, [0x00, 0xC0, 0xFF, 0xEE]);
        let ski = cert.subject_key_id().expect("ski").as_slice().to_vec();
        assert_eq!(fields.subject_key_identifier, Some(ski.as_slice()));
        let without = certificate(false).to_der().expect("der");
        let fields = CertificateFields::decode(&without).expect("decodes");
        assert_eq!(fields.subject_key_identifier, None);
    }

    #[test]
    fn rejects_truncated_certificates() {
        let der = certificate(true).to_der().expect("der");
        for len in 0..der.len() {
            assert!(CertificateFields::decode(&der[..len]).is_err(), "{len}");
        }
    }

    #[test]
    fn integers_compare_as_numbers_despite_padding() {
        assert!(same_integer(&[0x00, 0xC0], &[0xC0]));
        assert!(same_integer(&[0x01, 0x00], &[0x01, 0x00]));
        assert!(!same_integer(&[0x01, 0x00], &[0x01]));
    }
}
