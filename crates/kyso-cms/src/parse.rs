//! Parsing CMS SignedData from untrusted bytes.
//!
//! The parser borrows from the input and never re-encodes: signed attributes are kept as found
//! (the signature covers those bytes), certificates and revocation data are handed on as the
//! DER the producer wrote. Every length is checked against the input before use; nothing is
//! allocated from a length field, so memory stays proportional to the input.

use std::time::SystemTime;

use der::asn1::ObjectIdentifier;

use crate::algorithm::{single_inner, AlgorithmIdentifier, SignatureScheme};
use crate::der_reader::{single, tag, Reader, Tlv};
use crate::time::decode_time;
use crate::{oids, DigestAlgorithm, Error};

/// A decoded `SignedData` (RFC 5652 §5.1), borrowing from the input.
///
/// ```text
/// SignedData ::= SEQUENCE {
///   version CMSVersion,
///   digestAlgorithms DigestAlgorithmIdentifiers,
///   encapContentInfo EncapsulatedContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL,
///   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///   signerInfos SignerInfos }
/// ```
#[derive(Clone, Debug)]
pub struct SignedDataInfo<'a> {
    /// CMSVersion (1, 3, 4 or 5).
    pub version: usize,
    /// `eContentType`: id-data for PDF signatures, id-ct-TSTInfo for time-stamp tokens.
    pub content_type: ObjectIdentifier,
    /// The encapsulated content's octets, when attached (adbe.pkcs7.sha1 carries the SHA-1 of
    /// the document here; a time-stamp token carries its DER TSTInfo).
    pub content: Option<&'a [u8]>,
    /// Certificates (`CertificateChoices.certificate` only), DER, in input order.
    pub certificates: Vec<&'a [u8]>,
    /// CRLs (`RevocationInfoChoice.crl`), DER.
    pub crls: Vec<&'a [u8]>,
    /// `OtherRevocationInfoFormat` entries (e.g. OCSP responses, RFC 5940).
    pub other_revocation_info: Vec<OtherRevocationInfo<'a>>,
    /// The signers.
    pub signer_infos: Vec<SignerInfo<'a>>,
}

/// An `OtherRevocationInfoFormat` (RFC 5652 §10.2.1).
#[derive(Clone, Copy, Debug)]
pub struct OtherRevocationInfo<'a> {
    /// The format, e.g. id-ri-ocsp-response.
    pub format: ObjectIdentifier,
    /// The revocation data, DER.
    pub info: &'a [u8],
}

impl OtherRevocationInfo<'_> {
    /// True for an OCSPResponse (id-ri-ocsp-response, RFC 5940 §4.1).
    pub fn is_ocsp_response(&self) -> bool {
        self.format == oids::OCSP_RESPONSE_REVOCATION_INFO
    }
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignerIdentifier<'a> {
    /// `issuerAndSerialNumber`.
    IssuerAndSerialNumber {
        /// The issuer `Name`, DER (tag included).
        issuer: &'a [u8],
        /// The serial number's INTEGER value octets.
        serial: &'a [u8],
    },
    /// `[0] subjectKeyIdentifier`: the key identifier octets.
    SubjectKeyIdentifier(&'a [u8]),
}

/// A decoded `SignerInfo` (RFC 5652 §5.3).
#[derive(Clone, Debug)]
pub struct SignerInfo<'a> {
    /// CMSVersion: 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
    pub version: usize,
    /// Which certificate signed.
    pub sid: SignerIdentifier<'a>,
    /// `digestAlgorithm`: the hash of the content (and of the signed attributes).
    pub digest_algorithm_oid: ObjectIdentifier,
    digest_algorithm_tlv: Tlv<'a>,
    /// The signed attributes, if any.
    pub signed_attrs: Option<SignedAttributes<'a>>,
    /// `signatureAlgorithm`, DER.
    pub signature_algorithm: &'a [u8],
    signature_algorithm_tlv: Tlv<'a>,
    /// The signature value.
    pub signature: &'a [u8],
    /// Unsigned attributes, in input order.
    pub unsigned_attrs: Vec<Attribute<'a>>,
}

impl<'a> SignerInfo<'a> {
    /// The content digest algorithm, for hashing the signed content (e.g. a PDF's byte
    /// ranges) before calling [`crate::verify_signer`].
    pub fn digest_algorithm(&self) -> Result<DigestAlgorithm, Error> {
        AlgorithmIdentifier::decode(self.digest_algorithm_tlv, "digestAlgorithm")?.digest()
    }

    /// The signature scheme with its parameters.
    pub fn signature_scheme(&self) -> Result<SignatureScheme, Error> {
        let alg = AlgorithmIdentifier::decode(self.signature_algorithm_tlv, "signatureAlgorithm")?;
        SignatureScheme::decode(&alg, self.digest_algorithm()?)
    }

    /// The signature-time-stamp tokens (id-aa-signatureTimeStampToken, RFC 3161 appendix A):
    /// each a DER `ContentInfo(SignedData)` over a TSTInfo whose imprint covers
    /// [`SignerInfo::signature`].
    pub fn signature_time_stamp_tokens(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.unsigned_attrs
            .iter()
            .filter(|a| a.oid == oids::SIGNATURE_TIME_STAMP_TOKEN)
            .flat_map(|a| a.values.iter().copied())
    }
}

/// One `Attribute`: its type and its values (each a DER element).
#[derive(Clone, Debug)]
pub struct Attribute<'a> {
    /// attrType.
    pub oid: ObjectIdentifier,
    /// attrValues, each DER.
    pub values: Vec<&'a [u8]>,
}

/// The signed attributes of a SignerInfo, with the ones kyso checks decoded.
#[derive(Clone, Debug)]
pub struct SignedAttributes<'a> {
    /// The `[0] IMPLICIT` element exactly as found; the signature covers it with the tag
    /// replaced by SET (0x31).
    pub raw: &'a [u8],
    /// Every attribute, in input order.
    pub attributes: Vec<Attribute<'a>>,
    /// content-type.
    pub content_type: Option<ObjectIdentifier>,
    /// message-digest.
    pub message_digest: Option<&'a [u8]>,
    /// signing-time: the time the signer claims, not proven.
    pub signing_time: Option<SystemTime>,
    /// signing-certificate (ESS v1, SHA-1): its first ESSCertID.
    pub signing_certificate: Option<EssCertId<'a>>,
    /// signing-certificate-v2 (RFC 5035): its first ESSCertIDv2.
    pub signing_certificate_v2: Option<EssCertId<'a>>,
    /// Adobe's revocation-information archival attribute.
    pub adobe_revocation_info: Option<AdobeRevocationInfo<'a>>,
}

/// ESSCertID / ESSCertIDv2 (RFC 2634 §5.4.1, RFC 5035 §4): binds the signer certificate.
#[derive(Clone, Copy, Debug)]
pub struct EssCertId<'a> {
    /// The hash algorithm's OID (SHA-1 for v1; SHA-256 when v2 omits it).
    pub hash_algorithm: ObjectIdentifier,
    /// Hash of the whole certificate.
    pub cert_hash: &'a [u8],
    /// `IssuerSerial`, when present.
    pub issuer_serial: Option<IssuerSerial<'a>>,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`.
#[derive(Clone, Copy, Debug)]
pub struct IssuerSerial<'a> {
    /// The first directoryName among the GeneralNames, DER `Name`.
    pub issuer: Option<&'a [u8]>,
    /// The serial number's INTEGER value octets.
    pub serial: &'a [u8],
}

/// Adobe's `RevocationInfoArchival` (ISO 32000-1 §12.8.3.3.2):
///
/// ```text
/// RevocationInfoArchival ::= SEQUENCE {
///   crl [0] EXPLICIT SEQUENCE of CRLs OPTIONAL,
///   ocsp [1] EXPLICIT SEQUENCE of OCSPResponse OPTIONAL,
///   otherRevInfo [2] EXPLICIT SEQUENCE of OtherRevInfo OPTIONAL }
/// ```
#[derive(Clone, Debug, Default)]
pub struct AdobeRevocationInfo<'a> {
    /// CRLs, DER.
    pub crls: Vec<&'a [u8]>,
    /// OCSPResponses, DER.
    pub ocsp_responses: Vec<&'a [u8]>,
}

/// Parses a DER `ContentInfo` holding `SignedData` (a PDF /Contents value without its zero
/// padding, or an RFC 3161 time-stamp token).
///
/// Trailing bytes after the ContentInfo are rejected; PDF callers strip the placeholder's
/// zero padding first (see [`strip_zero_padding`]).
pub fn parse(der: &[u8]) -> Result<SignedDataInfo<'_>, Error> {
    const WHAT: &str = "ContentInfo";
    let content_info = single(der, tag::SEQUENCE, WHAT)?;
    let mut ci = content_info.reader();
    let content_type = ci.read(tag::OID, WHAT)?.oid(WHAT)?;
    if content_type != oids::SIGNED_DATA {
        return Err(Error::UnexpectedContentType { oid: content_type });
    }
    let explicit = ci.read(tag::context(0), WHAT)?;
    ci.finish(WHAT)?;
    let signed_data = single_inner(explicit, "SignedData")?.expect(tag::SEQUENCE, "SignedData")?;
    parse_signed_data(signed_data)
}

/// The DER ContentInfo at the start of a PDF /Contents value: drops the zero bytes that pad
/// the placeholder, using the outer length (so a signature ending in zero bytes is kept whole).
pub fn strip_zero_padding(contents: &[u8]) -> Result<&[u8], Error> {
    let mut reader = Reader::new(contents);
    let tlv = reader.read(tag::SEQUENCE, "ContentInfo")?;
    let rest = contents.get(tlv.raw.len()..).unwrap_or(&[]);
    if rest.iter().all(|b| *b == 0) {
        Ok(tlv.raw)
    } else {
        Err(Error::malformed("ContentInfo padding", tlv.raw.len()))
    }
}

fn parse_signed_data(signed_data: Tlv<'_>) -> Result<SignedDataInfo<'_>, Error> {
    const WHAT: &str = "SignedData";
    let mut sd = signed_data.reader();
    let version = sd.read(tag::INTEGER, WHAT)?.small_uint("CMSVersion")?;
    sd.read(tag::SET, "digestAlgorithms")?;
    let (content_type, content) = parse_encapsulated_content(sd.read(tag::SEQUENCE, WHAT)?)?;

    let mut certificates = Vec::new();
    if let Some(set) = sd.read_optional(tag::context(0), "certificates")? {
        let mut reader = set.reader();
        while !reader.is_empty() {
            let choice = reader.read_any("CertificateChoices")?;
            // Attribute certificates and other formats ([1]..[3]) do not identify signers.
            if choice.tag == tag::SEQUENCE {
                certificates.push(choice.raw);
            }
        }
    }

    let mut crls = Vec::new();
    let mut other_revocation_info = Vec::new();
    if let Some(set) = sd.read_optional(tag::context(1), "crls")? {
        let mut reader = set.reader();
        while !reader.is_empty() {
            let choice = reader.read_any("RevocationInfoChoice")?;
            match choice.tag {
                tag::SEQUENCE => crls.push(choice.raw),
                t if t == tag::context(1) => {
                    let mut other = choice.reader();
                    let format = other.read(tag::OID, "OtherRevocationInfoFormat")?;
                    let info = other.read_any("OtherRevocationInfoFormat")?;
                    other.finish("OtherRevocationInfoFormat")?;
                    other_revocation_info.push(OtherRevocationInfo {
                        format: format.oid("OtherRevocationInfoFormat")?,
                        info: info.raw,
                    });
                }
                _ => {
                    return Err(Error::malformed(
                        "RevocationInfoChoice",
                        choice.value_offset,
                    ))
                }
            }
        }
    }

    let infos = sd.read(tag::SET, "SignerInfos")?;
    sd.finish(WHAT)?;
    let mut reader = infos.reader();
    let mut signer_infos = Vec::new();
    while !reader.is_empty() {
        signer_infos.push(parse_signer_info(
            reader.read(tag::SEQUENCE, "SignerInfo")?,
        )?);
    }
    Ok(SignedDataInfo {
        version,
        content_type,
        content,
        certificates,
        crls,
        other_revocation_info,
        signer_infos,
    })
}

/// `EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING
/// OPTIONAL }`.
fn parse_encapsulated_content(tlv: Tlv<'_>) -> Result<(ObjectIdentifier, Option<&[u8]>), Error> {
    const WHAT: &str = "EncapsulatedContentInfo";
    let mut reader = tlv.reader();
    let content_type = reader.read(tag::OID, WHAT)?.oid(WHAT)?;
    let content = match reader.read_optional(tag::context(0), WHAT)? {
        Some(explicit) => Some(
            single_inner(explicit, WHAT)?
                .expect(tag::OCTET_STRING, "eContent")?
                .value,
        ),
        None => None,
    };
    reader.finish(WHAT)?;
    Ok((content_type, content))
}

fn parse_signer_info(tlv: Tlv<'_>) -> Result<SignerInfo<'_>, Error> {
    const WHAT: &str = "SignerInfo";
    let mut reader = tlv.reader();
    let version = reader.read(tag::INTEGER, WHAT)?.small_uint("CMSVersion")?;
    let sid_tlv = reader.read_any("SignerIdentifier")?;
    let sid = match sid_tlv.tag {
        tag::SEQUENCE => {
            let mut fields = sid_tlv.reader();
            let issuer = fields.read(tag::SEQUENCE, "IssuerAndSerialNumber")?;
            let serial = fields.read(tag::INTEGER, "IssuerAndSerialNumber")?;
            fields.finish("IssuerAndSerialNumber")?;
            SignerIdentifier::IssuerAndSerialNumber {
                issuer: issuer.raw,
                serial: serial.value,
            }
        }
        t if t == tag::context_primitive(0) => {
            SignerIdentifier::SubjectKeyIdentifier(sid_tlv.value)
        }
        _ => return Err(Error::malformed("SignerIdentifier", sid_tlv.value_offset)),
    };
    let digest_algorithm_tlv = reader.read(tag::SEQUENCE, "digestAlgorithm")?;
    let digest_algorithm_oid =
        AlgorithmIdentifier::decode(digest_algorithm_tlv, "digestAlgorithm")?.oid;
    let signed_attrs = match reader.read_optional(tag::context(0), "signedAttrs")? {
        Some(attrs) => Some(parse_signed_attributes(attrs)?),
        None => None,
    };
    let signature_algorithm_tlv = reader.read(tag::SEQUENCE, "signatureAlgorithm")?;
    AlgorithmIdentifier::decode(signature_algorithm_tlv, "signatureAlgorithm")?;
    let signature = reader.read(tag::OCTET_STRING, "signature")?.value;
    let unsigned_attrs = match reader.read_optional(tag::context(1), "unsignedAttrs")? {
        Some(attrs) => parse_attributes(attrs)?,
        None => Vec::new(),
    };
    reader.finish(WHAT)?;
    Ok(SignerInfo {
        version,
        sid,
        digest_algorithm_oid,
        digest_algorithm_tlv,
        signed_attrs,
        signature_algorithm: signature_algorithm_tlv.raw,
        signature_algorithm_tlv,
        signature,
        unsigned_attrs,
    })
}

fn parse_attributes(set: Tlv<'_>) -> Result<Vec<Attribute<'_>>, Error> {
    const WHAT: &str = "Attribute";
    let mut reader = set.reader();
    let mut attributes = Vec::new();
    while !reader.is_empty() {
        let attribute = reader.read(tag::SEQUENCE, WHAT)?;
        let mut fields = attribute.reader();
        let oid = fields.read(tag::OID, WHAT)?.oid(WHAT)?;
        let values_set = fields.read(tag::SET, WHAT)?;
        fields.finish(WHAT)?;
        let mut values_reader = values_set.reader();
        let mut values = Vec::new();
        while !values_reader.is_empty() {
            values.push(values_reader.read_any(WHAT)?.raw);
        }
        attributes.push(Attribute { oid, values });
    }
    Ok(attributes)
}

fn parse_signed_attributes(tlv: Tlv<'_>) -> Result<SignedAttributes<'_>, Error> {
    let attributes = parse_attributes(tlv)?;
    let mut out = SignedAttributes {
        raw: tlv.raw,
        attributes: Vec::new(),
        content_type: None,
        message_digest: None,
        signing_time: None,
        signing_certificate: None,
        signing_certificate_v2: None,
        adobe_revocation_info: None,
    };
    for attribute in &attributes {
        let name = match attribute.oid {
            oids::CONTENT_TYPE => "content-type",
            oids::MESSAGE_DIGEST => "message-digest",
            oids::SIGNING_TIME => "signing-time",
            oids::SIGNING_CERTIFICATE => "signing-certificate",
            oids::SIGNING_CERTIFICATE_V2 => "signing-certificate-v2",
            oids::ADOBE_REVOCATION_INFO_ARCHIVAL => "adobe-revocation-info-archival",
            _ => continue,
        };
        // RFC 5652 §11 and RFC 5035 §3: exactly one value, attribute present at most once.
        let [value] = attribute.values.as_slice() else {
            return Err(Error::DuplicateSignedAttribute { name });
        };
        let value_tlv = single(value, value.first().copied().unwrap_or(0), name)?;
        let duplicate = match attribute.oid {
            oids::CONTENT_TYPE => out.content_type.replace(value_tlv.oid(name)?).is_some(),
            oids::MESSAGE_DIGEST => out
                .message_digest
                .replace(value_tlv.expect(tag::OCTET_STRING, name)?.value)
                .is_some(),
            oids::SIGNING_TIME => out
                .signing_time
                .replace(decode_time(&value_tlv, name)?)
                .is_some(),
            oids::SIGNING_CERTIFICATE => out
                .signing_certificate
                .replace(parse_signing_certificate(value_tlv, false)?)
                .is_some(),
            oids::SIGNING_CERTIFICATE_V2 => out
                .signing_certificate_v2
                .replace(parse_signing_certificate(value_tlv, true)?)
                .is_some(),
            _ => out
                .adobe_revocation_info
                .replace(parse_adobe_revocation_info(value_tlv)?)
                .is_some(),
        };
        if duplicate {
            return Err(Error::DuplicateSignedAttribute { name });
        }
    }
    out.attributes = attributes;
    Ok(out)
}

/// `SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies ... }`;
/// returns the first ESSCertID, which identifies the signer certificate (RFC 5035 §3).
fn parse_signing_certificate(tlv: Tlv<'_>, v2: bool) -> Result<EssCertId<'_>, Error> {
    const WHAT: &str = "SigningCertificate";
    let mut outer = tlv.expect(tag::SEQUENCE, WHAT)?.reader();
    let certs = outer.read(tag::SEQUENCE, WHAT)?;
    let mut ids = certs.reader();
    let first = ids.read(tag::SEQUENCE, "ESSCertID")?;
    let mut fields = first.reader();
    let hash_algorithm = if v2 {
        match fields.read_optional(tag::SEQUENCE, "ESSCertIDv2")? {
            Some(alg) => AlgorithmIdentifier::decode(alg, "ESSCertIDv2")?.oid,
            None => oids::SHA256,
        }
    } else {
        oids::SHA1
    };
    let cert_hash = fields.read(tag::OCTET_STRING, "ESSCertID")?.value;
    let issuer_serial = match fields.read_optional(tag::SEQUENCE, "IssuerSerial")? {
        Some(issuer_serial) => Some(parse_issuer_serial(issuer_serial)?),
        None => None,
    };
    fields.finish("ESSCertID")?;
    Ok(EssCertId {
        hash_algorithm,
        cert_hash,
        issuer_serial,
    })
}

fn parse_issuer_serial(tlv: Tlv<'_>) -> Result<IssuerSerial<'_>, Error> {
    const WHAT: &str = "IssuerSerial";
    let mut fields = tlv.reader();
    let general_names = fields.read(tag::SEQUENCE, WHAT)?;
    let serial = fields.read(tag::INTEGER, WHAT)?.value;
    // issuerUID may follow; it is not used.
    let mut names = general_names.reader();
    let mut issuer = None;
    while !names.is_empty() {
        let name = names.read_any(WHAT)?;
        if name.tag == tag::context(4) && issuer.is_none() {
            issuer = Some(single_inner(name, WHAT)?.expect(tag::SEQUENCE, WHAT)?.raw);
        }
    }
    Ok(IssuerSerial { issuer, serial })
}

fn parse_adobe_revocation_info(tlv: Tlv<'_>) -> Result<AdobeRevocationInfo<'_>, Error> {
    const WHAT: &str = "RevocationInfoArchival";
    let mut fields = tlv.expect(tag::SEQUENCE, WHAT)?.reader();
    let mut info = AdobeRevocationInfo::default();
    if let Some(crls) = fields.read_optional(tag::context(0), WHAT)? {
        info.crls = sequence_elements(single_inner(crls, WHAT)?, WHAT)?;
    }
    if let Some(ocsp) = fields.read_optional(tag::context(1), WHAT)? {
        info.ocsp_responses = sequence_elements(single_inner(ocsp, WHAT)?, WHAT)?;
    }
    // otherRevInfo [2] is not used by any verifier kyso knows of; skip it.
    fields.read_optional(tag::context(2), WHAT)?;
    fields.finish(WHAT)?;
    Ok(info)
}

/// The raw elements of a `SEQUENCE OF`.
fn sequence_elements<'a>(tlv: Tlv<'a>, what: &'static str) -> Result<Vec<&'a [u8]>, Error> {
    let mut reader = tlv.expect(tag::SEQUENCE, what)?.reader();
    let mut out = Vec::new();
    while !reader.is_empty() {
        out.push(reader.read_any(what)?.raw);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der_writer::{oid, tlv};

    fn attribute(id: &ObjectIdentifier, values: &[&[u8]]) -> Vec<u8> {
        tlv(tag::SEQUENCE, &[&oid(id), &tlv(tag::SET, values)])
    }

    fn signed_attributes(attributes: &[&[u8]]) -> Result<SignedAttributes<'static>, Error> {
        let encoded = tlv(tag::context(0), attributes);
        let leaked: &'static [u8] = Box::leak(encoded.into_boxed_slice());
        parse_signed_attributes(single(leaked, tag::context(0), "attrs")?)
    }

    #[test]
    fn reads_adobe_revocation_info_archival() {
        let crl = tlv(tag::SEQUENCE, &[&[0x02, 0x01, 0x01]]);
        let ocsp = tlv(tag::SEQUENCE, &[&[0x0A, 0x01, 0x00]]);
        let archival = tlv(
            tag::SEQUENCE,
            &[
                &tlv(tag::context(0), &[&tlv(tag::SEQUENCE, &[&crl])]),
                &tlv(tag::context(1), &[&tlv(tag::SEQUENCE, &[&ocsp, &ocsp])]),
            ],
        );
        let attrs = signed_attributes(&[&attribute(
            &oids::ADOBE_REVOCATION_INFO_ARCHIVAL,
            &[&archival],
        )])
        .expect("parses");
        let info = attrs.adobe_revocation_info.expect("present");
        assert_eq!(info.crls, vec![crl.as_slice()]);
        assert_eq!(info.ocsp_responses, vec![ocsp.as_slice(), ocsp.as_slice()]);
    }

    #[test]
    fn rejects_a_malformed_adobe_revocation_info_archival() {
        let not_a_sequence = tlv(tag::OCTET_STRING, &[b"x"]);
        assert!(signed_attributes(&[&attribute(
            &oids::ADOBE_REVOCATION_INFO_ARCHIVAL,
            &[&not_a_sequence],
        )])
        .is_err());
        let wrong_order = tlv(
            tag::SEQUENCE,
            &[
                &tlv(tag::context(1), &[&tlv(tag::SEQUENCE, &[])]),
                &tlv(tag::context(0), &[&tlv(tag::SEQUENCE, &[])]),
            ],
        );
        assert!(signed_attributes(&[&attribute(
            &oids::ADOBE_REVOCATION_INFO_ARCHIVAL,
            &[&wrong_order],
        )])
        .is_err());
    }

    #[test]
    fn accepts_one_message_digest_and_rejects_two() {
        let digest = tlv(tag::OCTET_STRING, &[&[1; 32]]);
        let one = attribute(&oids::MESSAGE_DIGEST, &[&digest]);
        let attrs = signed_attributes(&[&one]).expect("one is fine");
        assert_eq!(attrs.message_digest, Some(&[1u8; 32][..]));
        assert!(matches!(
            signed_attributes(&[&one, &one]),
            Err(Error::DuplicateSignedAttribute {
                name: "message-digest"
            })
        ));
        let two_values = attribute(&oids::MESSAGE_DIGEST, &[&digest, &digest]);
        assert!(matches!(
            signed_attributes(&[&two_values]),
            Err(Error::DuplicateSignedAttribute {
                name: "message-digest"
            })
        ));
    }

    #[test]
    fn keeps_unknown_attributes_and_rejects_a_non_oid_content_type() {
        let unknown = attribute(&ObjectIdentifier::new_unwrap("1.2.3.4"), &[&[0x05, 0x00]]);
        let attrs = signed_attributes(&[&unknown]).expect("unknown attributes are kept");
        assert_eq!(attrs.attributes.len(), 1);
        let bad_type = attribute(&oids::CONTENT_TYPE, &[&[0x05, 0x00]]);
        assert!(matches!(
            signed_attributes(&[&bad_type]),
            Err(Error::Malformed { .. })
        ));
    }
}
