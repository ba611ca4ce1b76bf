//! Building detached CMS SignedData with an external [`Signer`].
//!
//! The structure is assembled around the original encodings of the certificates, so what the
//! CA signed is what the document carries, and the per-signer pieces (certificate set,
//! SignerIdentifier, ESS signing-certificate-v2) are prepared once in a [`SignerContext`] and
//! reused for every document of a batch.

use std::time::SystemTime;

use der::asn1::ObjectIdentifier;
use kyso_keys::{SignatureAlgorithm, Signer};

use crate::algorithm::{digest_algorithm_identifier, signature_algorithm_identifier};
use crate::certificate::CertificateFields;
use crate::der_reader::{single, tag, Reader};
use crate::der_writer::{oid, set_of, tlv, uint};
use crate::{oids, DigestAlgorithm, Error};

/// Which kind of PDF signature the SignedData is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// PAdES baseline (SubFilter `ETSI.CAdES.detached`): no signing-time attribute, the time
    /// belongs in the signature dictionary's /M (ETSI EN 319 142-1 §5.3).
    Cades,
    /// Classic `adbe.pkcs7.detached`: includes signing-time when one is given.
    Pkcs7,
}

/// How to build one signature.
#[derive(Clone, Debug)]
pub struct SignOptions {
    /// The signature scheme; its hash is also the SignerInfo's digest algorithm.
    pub algorithm: SignatureAlgorithm,
    /// PAdES or PKCS#7 attribute set.
    pub profile: Profile,
    /// The claimed signing time; written only with [`Profile::Pkcs7`].
    pub signing_time: Option<SystemTime>,
    /// Bytes to reserve in [`estimated_len`] for an unsigned attribute added later (the DER
    /// length of an RFC 3161 time-stamp token); the attribute's own framing is accounted for.
    pub reserve_unsigned: usize,
}

impl SignOptions {
    /// Options for `algorithm` and `profile`, no signing time and no reserve.
    pub fn new(algorithm: SignatureAlgorithm, profile: Profile) -> Self {
        Self {
            algorithm,
            profile,
            signing_time: None,
            reserve_unsigned: 0,
        }
    }

    /// Sets the claimed signing time (written only with [`Profile::Pkcs7`]).
    pub fn with_signing_time(mut self, time: SystemTime) -> Self {
        self.signing_time = Some(time);
        self
    }

    /// Reserves room for an unsigned attribute of `token_len` DER bytes in [`estimated_len`].
    pub fn with_reserve_unsigned(mut self, token_len: usize) -> Self {
        self.reserve_unsigned = token_len;
        self
    }
}

/// The parts of a SignedData that depend only on the signer, prepared once per batch.
///
/// Holds the encoded certificate set (signer certificate and chain, deduplicated, DER-sorted),
/// the `issuerAndSerialNumber` SignerIdentifier and the ESS certificate hash, all taken from
/// the certificates' original bytes.
pub struct SignerContext<'s> {
    signer: &'s dyn Signer,
    /// `[0] IMPLICIT CertificateSet`, tag included.
    certificates: Vec<u8>,
    /// `IssuerAndSerialNumber`, tag included.
    sid: Vec<u8>,
    /// `IssuerSerial` for ESS: `SEQUENCE { GeneralNames { [4] Name }, INTEGER }`.
    ess_issuer_serial: Vec<u8>,
    /// SHA-256 of the signer certificate.
    certificate_sha256: Vec<u8>,
}

impl std::fmt::Debug for SignerContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignerContext")
            .field("certificate_sha256", &hex::encode(&self.certificate_sha256))
            .finish_non_exhaustive()
    }
}

impl<'s> SignerContext<'s> {
    /// Reads the signer's certificate once. Fails when it is not a decodable certificate.
    pub fn new(signer: &'s dyn Signer) -> Result<Self, Error> {
        let cert_der = signer.certificate();
        let cert = CertificateFields::decode(cert_der).map_err(|_| Error::BadSignerCertificate)?;
        let mut certs: Vec<Vec<u8>> = vec![cert_der.to_vec()];
        for extra in signer.chain() {
            single(extra, tag::SEQUENCE, "chain certificate")
                .map_err(|_| Error::BadSignerCertificate)?;
            if !certs.iter().any(|c| c == extra) {
                certs.push(extra.clone());
            }
        }
        let set = set_of(certs);
        let certificates = tlv(
            tag::context(0),
            &[set.get(header_len(&set)..).unwrap_or(&[])],
        );
        let sid = tlv(tag::SEQUENCE, &[cert.issuer, cert.serial]);
        let general_names = tlv(tag::SEQUENCE, &[&tlv(tag::context(4), &[cert.issuer])]);
        let ess_issuer_serial = tlv(tag::SEQUENCE, &[&general_names, cert.serial]);
        Ok(Self {
            signer,
            certificates,
            sid,
            ess_issuer_serial,
            certificate_sha256: DigestAlgorithm::Sha256.digest(cert_der),
        })
    }

    /// Builds a detached SignedData over content whose digest (with `options.algorithm`'s
    /// hash) is `content_digest`; see [`sign_detached`].
    pub fn sign_detached(
        &self,
        content_digest: &[u8],
        options: &SignOptions,
    ) -> Result<Vec<u8>, Error> {
        let hash = DigestAlgorithm::from(options.algorithm.hash());
        if content_digest.len() != hash.output_len() {
            return Err(Error::DigestLength {
                expected: hash.output_len(),
                actual: content_digest.len(),
            });
        }
        let signing_time = match (options.profile, options.signing_time) {
            (Profile::Pkcs7, Some(time)) => Some(encode_time(time)?),
            _ => None,
        };
        let signed_attrs = self.signed_attributes(content_digest, signing_time.as_deref());
        let signature = self
            .signer
            .sign(options.algorithm, &signed_attrs)
            .map_err(Error::Signer)?;
        Ok(self.assemble(options.algorithm, signed_attrs, &signature, None))
    }

    /// A tight upper bound of [`SignerContext::sign_detached`]'s output length, plus room for an
    /// unsigned attribute of `options.reserve_unsigned` bytes when that is non-zero.
    pub fn estimated_len(&self, options: &SignOptions) -> usize {
        let hash = DigestAlgorithm::from(options.algorithm.hash());
        let digest = vec![0u8; hash.output_len()];
        // A GeneralizedTime is two bytes longer than the UTCTime used until 2050.
        let longest_time = tlv(tag::GENERALIZED_TIME, &[&[b'0'; 15]]);
        let time = match (options.profile, options.signing_time) {
            (Profile::Pkcs7, Some(_)) => Some(longest_time.as_slice()),
            _ => None,
        };
        let signed_attrs = self.signed_attributes(&digest, time);
        let signature = vec![0u8; self.signer.key_kind().max_signature_len()];
        let reserve = (options.reserve_unsigned > 0).then(|| {
            unsigned_attributes_field(&[attribute(
                &oids::SIGNATURE_TIME_STAMP_TOKEN,
                &vec![0u8; options.reserve_unsigned],
            )])
        });
        self.assemble(options.algorithm, signed_attrs, &signature, reserve)
            .len()
    }

    /// The signed attributes as the DER `SET OF Attribute` that is signed (tag 0x31).
    fn signed_attributes(&self, content_digest: &[u8], signing_time: Option<&[u8]>) -> Vec<u8> {
        let mut attrs = vec![
            attribute(&oids::CONTENT_TYPE, &oid(&oids::DATA)),
            attribute(
                &oids::MESSAGE_DIGEST,
                &tlv(tag::OCTET_STRING, &[content_digest]),
            ),
            attribute(
                &oids::SIGNING_CERTIFICATE_V2,
                &self.signing_certificate_v2(),
            ),
        ];
        if let Some(time) = signing_time {
            attrs.push(attribute(&oids::SIGNING_TIME, time));
        }
        set_of(attrs)
    }

    /// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` with one
    /// ESSCertIDv2 whose hashAlgorithm is omitted (DEFAULT id-sha256, RFC 5035 §4, and DER
    /// forbids encoding a default).
    fn signing_certificate_v2(&self) -> Vec<u8> {
        let ess_cert_id = tlv(
            tag::SEQUENCE,
            &[
                &tlv(tag::OCTET_STRING, &[&self.certificate_sha256]),
                &self.ess_issuer_serial,
            ],
        );
        tlv(tag::SEQUENCE, &[&tlv(tag::SEQUENCE, &[&ess_cert_id])])
    }

    /// ContentInfo { signedData, SignedData { ... } } around one SignerInfo.
    fn assemble(
        &self,
        algorithm: SignatureAlgorithm,
        signed_attrs: Vec<u8>,
        signature: &[u8],
        unsigned_attrs: Option<Vec<u8>>,
    ) -> Vec<u8> {
        let digest_alg = digest_algorithm_identifier(DigestAlgorithm::from(algorithm.hash()));
        let mut signed_attrs_implicit = signed_attrs;
        if let Some(first) = signed_attrs_implicit.first_mut() {
            *first = tag::context(0);
        }
        let signer_info = tlv(
            tag::SEQUENCE,
            &[
                &uint(1),
                &self.sid,
                &digest_alg,
                &signed_attrs_implicit,
                &signature_algorithm_identifier(algorithm),
                &tlv(tag::OCTET_STRING, &[signature]),
                unsigned_attrs.as_deref().unwrap_or(&[]),
            ],
        );
        let signed_data = tlv(
            tag::SEQUENCE,
            &[
                &uint(1),
                &tlv(tag::SET, &[&digest_alg]),
                &tlv(tag::SEQUENCE, &[&oid(&oids::DATA)]),
                &self.certificates,
                &tlv(tag::SET, &[&signer_info]),
            ],
        );
        tlv(
            tag::SEQUENCE,
            &[
                &oid(&oids::SIGNED_DATA),
                &tlv(tag::context(0), &[&signed_data]),
            ],
        )
    }
}

/// Builds a detached CMS `ContentInfo(SignedData)` for a PDF signature.
///
/// `content_digest` is the digest of the signed content (the PDF byte ranges) with the hash of
/// `options.algorithm`. The result holds: the signer certificate and `signer.chain()`; one
/// SignerInfo identified by issuer and serial number; signed attributes content-type (id-data),
/// message-digest, signing-certificate-v2 and, for [`Profile::Pkcs7`] with a time, signing-time.
/// The signer signs the DER `SET OF` encoding of the signed attributes.
///
/// For many documents with one signer, build a [`SignerContext`] once instead.
pub fn sign_detached(
    signer: &dyn Signer,
    content_digest: &[u8],
    options: &SignOptions,
) -> Result<Vec<u8>, Error> {
    SignerContext::new(signer)?.sign_detached(content_digest, options)
}

/// An upper bound of [`sign_detached`]'s output length for sizing a PDF /Contents placeholder
/// (in bytes of DER; the hex string is twice as long). Includes `options.reserve_unsigned`.
pub fn estimated_len(signer: &dyn Signer, options: &SignOptions) -> usize {
    match SignerContext::new(signer) {
        Ok(context) => context.estimated_len(options),
        // sign_detached fails the same way; any size will do, keep it generous.
        Err(_) => signer
            .chain()
            .iter()
            .map(Vec::len)
            .fold(signer.certificate().len(), usize::saturating_add)
            .saturating_add(signer.key_kind().max_signature_len())
            .saturating_add(options.reserve_unsigned)
            .saturating_add(4096),
    }
}

/// Adds an unsigned attribute (e.g. id-aa-signatureTimeStampToken with an RFC 3161 token) to
/// the only SignerInfo of a DER `ContentInfo(SignedData)`.
///
/// `value_der` must be one DER element; it becomes the attribute's single value. Everything
/// else is copied byte for byte, so the signature stays valid.
pub fn add_unsigned_attribute(
    cms_der: &[u8],
    attr_oid: &ObjectIdentifier,
    value_der: &[u8],
) -> Result<Vec<u8>, Error> {
    const WHAT: &str = "ContentInfo";
    let mut value_reader = Reader::new(value_der);
    value_reader.read_any("attribute value")?;
    value_reader.finish("attribute value")?;

    let content_info = single(cms_der, tag::SEQUENCE, WHAT)?;
    let mut ci = content_info.reader();
    let content_type = ci.read(tag::OID, WHAT)?.oid(WHAT)?;
    if content_type != oids::SIGNED_DATA {
        return Err(Error::UnexpectedContentType { oid: content_type });
    }
    let explicit = ci.read(tag::context(0), WHAT)?;
    ci.finish(WHAT)?;
    let signed_data = crate::algorithm::single_inner(explicit, "SignedData")?
        .expect(tag::SEQUENCE, "SignedData")?;
    // SignerInfos is the last element of SignedData; keep everything before it verbatim.
    let mut sd = signed_data.reader();
    let mut signer_infos = None;
    while !sd.is_empty() {
        signer_infos = Some(sd.read_any("SignedData")?);
    }
    let signer_infos = signer_infos
        .ok_or(Error::malformed("SignedData", signed_data.value_offset))?
        .expect(tag::SET, "SignerInfos")?;
    let prefix_len = signer_infos
        .value_offset
        .saturating_sub(signed_data.value_offset)
        .saturating_sub(
            signer_infos
                .raw
                .len()
                .saturating_sub(signer_infos.value.len()),
        );
    let prefix = signed_data
        .value
        .get(..prefix_len)
        .ok_or(Error::malformed("SignedData", signed_data.value_offset))?;

    let mut infos = signer_infos.reader();
    let mut all = Vec::new();
    while !infos.is_empty() {
        all.push(infos.read(tag::SEQUENCE, "SignerInfo")?);
    }
    let [signer_info] = all.as_slice() else {
        return Err(Error::SignerCount { count: all.len() });
    };

    let mut fields = signer_info.reader();
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut unsigned: Vec<Vec<u8>> = Vec::new();
    while !fields.is_empty() {
        let field = fields.read_any("SignerInfo")?;
        if field.tag == tag::context(1) {
            let mut existing = field.reader();
            while !existing.is_empty() {
                unsigned.push(
                    existing
                        .read(tag::SEQUENCE, "unsigned attribute")?
                        .raw
                        .to_vec(),
                );
            }
        } else {
            kept.push(field.raw);
        }
    }
    unsigned.push(attribute(attr_oid, value_der));
    let unsigned_field = unsigned_attributes_field(&unsigned);
    kept.push(&unsigned_field);

    let new_signer_info = tlv(tag::SEQUENCE, &kept);
    let new_signed_data = tlv(
        tag::SEQUENCE,
        &[prefix, &tlv(tag::SET, &[&new_signer_info])],
    );
    Ok(tlv(
        tag::SEQUENCE,
        &[
            &oid(&oids::SIGNED_DATA),
            &tlv(tag::context(0), &[&new_signed_data]),
        ],
    ))
}

/// `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }` with one value.
fn attribute(id: &ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &[&oid(id), &tlv(tag::SET, &[value])])
}

/// `[1] IMPLICIT SET OF Attribute`, sorted as DER requires.
fn unsigned_attributes_field(attributes: &[Vec<u8>]) -> Vec<u8> {
    let set = set_of(attributes.to_vec());
    tlv(
        tag::context(1),
        &[set.get(header_len(&set)..).unwrap_or(&[])],
    )
}

/// Length of the identifier and length octets of a DER element we encoded ourselves.
fn header_len(encoded: &[u8]) -> usize {
    match encoded.get(1) {
        Some(&first) if first >= 0x80 => 2usize.saturating_add(usize::from(first & 0x7F)),
        _ => 2,
    }
}

/// `Time` for signing-time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5652 §11.3).
fn encode_time(time: SystemTime) -> Result<Vec<u8>, Error> {
    let dt = der::DateTime::from_system_time(time).map_err(|_| Error::TimeOutOfRange)?;
    let rest = format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    );
    if dt.year() < 2050 {
        let text = format!("{:02}{rest}", dt.year() % 100);
        Ok(tlv(tag::UTC_TIME, &[text.as_bytes()]))
    } else {
        let text = format!("{:04}{rest}", dt.year());
        Ok(tlv(tag::GENERALIZED_TIME, &[text.as_bytes()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn signing_time_is_utc_time_until_2049_and_generalized_after() {
        let t2024 = UNIX_EPOCH + Duration::from_secs(1_718_000_000);
        let encoded = encode_time(t2024).expect("2024");
        assert_eq!(encoded.first(), Some(&tag::UTC_TIME));
        assert_eq!(encoded.get(2..).expect("value"), b"240610061320Z");
        let t2050 = UNIX_EPOCH + Duration::from_secs(2_524_608_000);
        let encoded = encode_time(t2050).expect("2050");
        assert_eq!(encoded.first(), Some(&tag::GENERALIZED_TIME));
        assert_eq!(encoded.get(2..).expect("value"), b"20500101000000Z");
    }

    #[test]
    fn times_before_1970_are_refused() {
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert!(matches!(encode_time(before), Err(Error::TimeOutOfRange)));
    }
}
