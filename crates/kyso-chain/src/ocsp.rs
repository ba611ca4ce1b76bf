//! OCSP responses (RFC 6960): decoding, matching a certificate, checking who signed them.

use der::asn1::OctetString;
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspResponse, OcspResponseStatus, ResponderId,
};

use crate::cert::{tbs_range, unix, Certificate};
use crate::error::{ParseError, RevocationReason};

/// Largest OCSP response kyso decodes.
pub const MAX_OCSP_SIZE: usize = 1024 * 1024;

const BASIC: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");

/// A decoded, successful, basic OCSP response.
///
/// Invariant: `responseStatus` was successful and the body is id-pkix-ocsp-basic; every
/// certificate it carries decoded.
#[derive(Clone, Debug)]
pub struct OcspResponseData {
    der: Vec<u8>,
    basic_der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    pub(crate) basic: BasicOcspResponse,
    pub(crate) certs: Vec<Certificate>,
    pub(crate) produced_at: i64,
}

/// What a response says about one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SingleStatus {
    pub(crate) status: OcspCertStatus,
    pub(crate) this_update: i64,
    pub(crate) next_update: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OcspCertStatus {
    Good,
    Revoked { at: i64, reason: RevocationReason },
    Unknown,
}

impl OcspResponseData {
    /// Decodes a DER OCSPResponse.
    pub fn from_der(der: &[u8]) -> Result<OcspResponseData, ParseError> {
        if der.len() > MAX_OCSP_SIZE {
            return Err(ParseError::TooLarge {
                what: "OCSP response",
                limit: MAX_OCSP_SIZE,
            });
        }
        let response = OcspResponse::from_der(der).map_err(ParseError::der("OCSP response"))?;
        if response.response_status != OcspResponseStatus::Successful {
            return Err(ParseError::OcspStatus(response.response_status as u8));
        }
        let bytes = response.response_bytes.ok_or(ParseError::OcspNotBasic)?;
        if bytes.response_type != BASIC {
            return Err(ParseError::OcspNotBasic);
        }
        let basic_der = bytes.response.as_bytes().to_vec();
        let basic = BasicOcspResponse::from_der(&basic_der)
            .map_err(ParseError::der("OCSP basic response"))?;
        let tbs = tbs_range(&basic_der)?;
        let mut certs = Vec::new();
        for c in basic.certs.iter().flatten() {
            let cder = c
                .to_der()
                .map_err(ParseError::der("OCSP responder certificate"))?;
            certs.push(Certificate::from_der(&cder)?);
        }
        let produced_at = unix(basic.tbs_response_data.produced_at.0.to_unix_duration());
        Ok(OcspResponseData {
            der: der.to_vec(),
            basic_der,
            tbs,
            basic,
            certs,
            produced_at,
        })
    }

    /// The DER encoding of the whole OCSPResponse.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub(crate) fn signed_parts(&self) -> (&[u8], &spki::AlgorithmIdentifierOwned, &[u8]) {
        (
            self.basic_der.get(self.tbs.clone()).unwrap_or(&[]),
            &self.basic.signature_algorithm,
            self.basic.signature.as_bytes().unwrap_or(&[]),
        )
    }

    /// The status of `cert` (issued by `issuer`), if the response speaks about it.
    pub(crate) fn status_of(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Option<SingleStatus> {
        for single in &self.basic.tbs_response_data.responses {
            if !cert_id_matches(&single.cert_id, cert, issuer) {
                continue;
            }
            let status = match &single.cert_status {
                CertStatus::Good(_) => OcspCertStatus::Good,
                CertStatus::Revoked(info) => OcspCertStatus::Revoked {
                    at: unix(info.revocation_time.0.to_unix_duration()),
                    reason: info
                        .revocation_reason
                        .map(|r| RevocationReason::from_code(r as u32))
                        .unwrap_or(RevocationReason::Unspecified),
                },
                CertStatus::Unknown(_) => OcspCertStatus::Unknown,
            };
            return Some(SingleStatus {
                status,
                this_update: unix(single.this_update.0.to_unix_duration()),
                next_update: single.next_update.map(|t| unix(t.0.to_unix_duration())),
            });
        }
        None
    }

    /// Whether the responder named in the response is `cert` (by name or by key hash).
    pub(crate) fn responder_is(&self, cert: &Certificate) -> bool {
        match &self.basic.tbs_response_data.responder_id {
            ResponderId::ByName(name) => crate::name::NameKey::of(name) == cert.data().subject_key,
            ResponderId::ByKey(hash) => {
                hash.as_bytes() == Sha1::digest(public_key_bits(cert)).as_slice()
            }
        }
    }
}

/// The subjectPublicKey BIT STRING contents (what OCSP key hashes cover).
pub(crate) fn public_key_bits(cert: &Certificate) -> &[u8] {
    cert.x509()
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes()
}

fn hash_with(alg: &const_oid::ObjectIdentifier, data: &[u8]) -> Option<Vec<u8>> {
    match alg.to_string().as_str() {
        "1.3.14.3.2.26" => Some(Sha1::digest(data).to_vec()),
        "2.16.840.1.101.3.4.2.1" => Some(Sha256::digest(data).to_vec()),
        "2.16.840.1.101.3.4.2.2" => Some(Sha384::digest(data).to_vec()),
        "2.16.840.1.101.3.4.2.3" => Some(Sha512::digest(data).to_vec()),
        _ => None,
    }
}

fn cert_id_matches(id: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    if id.serial_number.as_bytes() != cert.serial() {
        return false;
    }
    let Ok(issuer_name) = cert.x509().tbs_certificate.issuer.to_der() else {
        return false;
    };
    let alg = &id.hash_algorithm.oid;
    match (
        hash_with(alg, &issuer_name),
        hash_with(alg, public_key_bits(issuer)),
    ) {
        (Some(name_hash), Some(key_hash)) => {
            id.issuer_name_hash.as_bytes() == name_hash.as_slice()
                && id.issuer_key_hash.as_bytes() == key_hash.as_slice()
        }
        _ => false,
    }
}

/// A DER OCSPRequest for `cert` issued by `issuer` (SHA-1 CertID, as responders expect).
pub fn request_der(cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, ParseError> {
    let err = ParseError::der("OCSP request");
    let issuer_name = cert.x509().tbs_certificate.issuer.to_der().map_err(&err)?;
    let cert_id = CertId {
        hash_algorithm: spki::AlgorithmIdentifierOwned {
            oid: const_oid::ObjectIdentifier::new_unwrap("1.3.14.3.2.26"),
            parameters: Some(der::Any::null()),
        },
        issuer_name_hash: OctetString::new(Sha1::digest(&issuer_name).to_vec()).map_err(&err)?,
        issuer_key_hash: OctetString::new(Sha1::digest(public_key_bits(issuer)).to_vec())
            .map_err(&err)?,
        serial_number: cert.x509().tbs_certificate.serial_number.clone(),
    };
    let request = x509_ocsp::OcspRequest {
        tbs_request: x509_ocsp::TbsRequest {
            version: x509_ocsp::Version::V1,
            requestor_name: None,
            request_list: vec![x509_ocsp::Request {
                req_cert: cert_id,
                single_request_extensions: None,
            }],
            request_extensions: None,
        },
        optional_signature: None,
    };
    request.to_der().map_err(&err)
}
