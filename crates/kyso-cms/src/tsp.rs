//! RFC 3161 time-stamp protocol structures: request, response and `TSTInfo`.
//!
//! These are kyso's own `der` types rather than a published crate's, because common TSA
//! output trips those: `genTime` with fractional seconds (RFC 3161 §2.4.2 allows
//! "YYYYMMDDhhmmss[.s...]Z") and `Accuracy`'s `[0]`/`[1]` tags, which are IMPLICIT because the
//! PKIXTSP module is `DEFINITIONS IMPLICIT TAGS`. No HTTP here: the caller posts the request
//! (`application/timestamp-query`) and hands back the body.

use std::time::SystemTime;

use der::asn1::{Any, BitString, Int, ObjectIdentifier, OctetString};
use der::{Decode, DecodeValue, Encode, EncodeValue, FixedTag, Header, Length, Sequence, Tag};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;

use crate::parse::{parse, SignedDataInfo};
use crate::time::{format_generalized_time, parse_time};
use crate::verify::{verify_signer, VerifiedSigner};
use crate::{oids, DigestAlgorithm, Error};

/// A `GeneralizedTime` that keeps fractional seconds (to nanoseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenTime(pub SystemTime);

/// Longest GeneralizedTime text accepted: 14 digits, a dot, a fraction and "Z". The bound
/// is checked before reading, so a hostile length cannot make us read far.
const MAX_GENERALIZED_TIME_LEN: u16 = 64;

impl FixedTag for GenTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

impl<'a> DecodeValue<'a> for GenTime {
    fn decode_value<R: der::Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        if header.length > Length::new(MAX_GENERALIZED_TIME_LEN) {
            return Err(Self::TAG.length_error());
        }
        let text = reader.read_slice(header.length)?;
        parse_time(0x18, text)
            .map(GenTime)
            .ok_or_else(|| Self::TAG.value_error())
    }
}

impl EncodeValue for GenTime {
    fn value_len(&self) -> der::Result<Length> {
        let text = format_generalized_time(self.0).ok_or_else(|| Self::TAG.value_error())?;
        Length::try_from(text.len())
    }

    fn encode_value(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        let text = format_generalized_time(self.0).ok_or_else(|| Self::TAG.value_error())?;
        writer.write(text.as_bytes())
    }
}

/// ```text
/// MessageImprint ::= SEQUENCE {
///     hashAlgorithm   AlgorithmIdentifier,
///     hashedMessage   OCTET STRING }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct MessageImprint {
    /// The hash algorithm.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The digest of the stamped data.
    pub hashed_message: OctetString,
}

/// RFC 3161 §2.4.1:
///
/// ```text
/// TimeStampReq ::= SEQUENCE {
///     version          INTEGER { v1(1) },
///     messageImprint   MessageImprint,
///     reqPolicy        TSAPolicyId              OPTIONAL,
///     nonce            INTEGER                  OPTIONAL,
///     certReq          BOOLEAN                  DEFAULT FALSE,
///     extensions       [0] IMPLICIT Extensions  OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampReq {
    /// Always 1.
    pub version: u8,
    /// What to stamp.
    pub message_imprint: MessageImprint,
    /// The policy asked for.
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    /// A random number the response must echo.
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    /// Asks the TSA to include its certificate in the token.
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    /// Request extensions.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// RFC 3161 §2.4.2 / RFC 4210:
///
/// ```text
/// PKIStatusInfo ::= SEQUENCE {
///     status        PKIStatus,
///     statusString  PKIFreeText     OPTIONAL,
///     failInfo      PKIFailureInfo  OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PkiStatusInfo {
    /// 0 granted, 1 granted with modifications, 2 rejection, 3 waiting, 4 revocation
    /// warning, 5 revocation notification.
    pub status: u32,
    /// Free text from the TSA.
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<String>>,
    /// Failure bits (badAlg 0, badRequest 2, badDataFormat 5, timeNotAvailable 14, ...).
    #[asn1(optional = "true")]
    pub fail_info: Option<BitString>,
}

impl PkiStatusInfo {
    /// The failure bits as a number whose bit `n` is PKIFailureInfo bit `n` (first 32 only).
    pub fn failure_bits(&self) -> Option<u32> {
        let bits = self.fail_info.as_ref()?;
        Some(
            bits.bits()
                .take(32)
                .enumerate()
                .fold(0u32, |acc, (n, set)| if set { acc | (1 << n) } else { acc }),
        )
    }
}

/// ```text
/// TimeStampResp ::= SEQUENCE {
///     status          PKIStatusInfo,
///     timeStampToken  TimeStampToken  OPTIONAL }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampResp {
    /// Granted or not, and why.
    pub status: PkiStatusInfo,
    /// A `ContentInfo(SignedData)` over a TSTInfo.
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// RFC 3161 §2.4.2 (module with IMPLICIT TAGS):
///
/// ```text
/// Accuracy ::= SEQUENCE {
///     seconds        INTEGER              OPTIONAL,
///     millis     [0] INTEGER  (1..999)    OPTIONAL,
///     micros     [1] INTEGER  (1..999)    OPTIONAL  }
/// ```
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq, Sequence)]
pub struct Accuracy {
    /// Whole seconds.
    #[asn1(optional = "true")]
    pub seconds: Option<u32>,
    /// Milliseconds.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u16>,
    /// Microseconds.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u16>,
}

impl Accuracy {
    /// The accuracy as a duration (absent parts count as zero).
    pub fn as_duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.seconds.unwrap_or(0)))
            .saturating_add(std::time::Duration::from_millis(u64::from(
                self.millis.unwrap_or(0),
            )))
            .saturating_add(std::time::Duration::from_micros(u64::from(
                self.micros.unwrap_or(0),
            )))
    }
}

/// RFC 3161 §2.4.2:
///
/// ```text
/// TSTInfo ::= SEQUENCE  {
///     version          INTEGER  { v1(1) },
///     policy           TSAPolicyId,
///     messageImprint   MessageImprint,
///     serialNumber     INTEGER,
///     genTime          GeneralizedTime,
///     accuracy         Accuracy                 OPTIONAL,
///     ordering         BOOLEAN                  DEFAULT FALSE,
///     nonce            INTEGER                  OPTIONAL,
///     tsa              [0] GeneralName          OPTIONAL,
///     extensions       [1] IMPLICIT Extensions  OPTIONAL  }
/// ```
///
/// `tsa` is a tagged CHOICE and therefore EXPLICIT despite the module's IMPLICIT default
/// (X.680 §31.2.7); it is kept as the raw GeneralName.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    /// Always 1.
    pub version: u8,
    /// The TSA's policy.
    pub policy: ObjectIdentifier,
    /// What was stamped.
    pub message_imprint: MessageImprint,
    /// The token's serial number.
    pub serial_number: Int,
    /// When.
    pub gen_time: GenTime,
    /// How precisely.
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    /// Whether tokens of this TSA are ordered by genTime alone.
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    /// The request's nonce, echoed.
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    /// The TSA's name.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<Any>,
    /// Extensions.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// A time-stamp request ready to send, with what the response must match.
#[derive(Clone, Debug)]
pub struct TimeStampRequest {
    /// The structure.
    pub request: TimeStampReq,
    /// Its DER, the body of the HTTP POST.
    pub der: Vec<u8>,
}

impl TimeStampRequest {
    /// A request for `hashed_message` (the digest of the data to stamp, e.g. a signature value)
    /// made with `hash`, with a fresh 64-bit nonce and certReq set (the token must carry the
    /// TSA certificate for later validation).
    pub fn new(
        hash: DigestAlgorithm,
        hashed_message: &[u8],
        policy: Option<ObjectIdentifier>,
    ) -> Result<Self, Error> {
        if hashed_message.len() != hash.output_len() {
            return Err(Error::DigestLength {
                expected: hash.output_len(),
                actual: hashed_message.len(),
            });
        }
        let mut nonce = [0u8; 8];
        openssl::rand::rand_bytes(&mut nonce).map_err(Error::Random)?;
        // Positive and minimal: top bit clear, next bit set.
        if let Some(first) = nonce.first_mut() {
            *first = (*first & 0x7F) | 0x40;
        }
        let der_error = |source| Error::Der {
            what: "TimeStampReq",
            source,
        };
        let request = TimeStampReq {
            version: 1,
            message_imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifierOwned {
                    oid: hash.oid(),
                    parameters: None,
                },
                hashed_message: OctetString::new(hashed_message).map_err(der_error)?,
            },
            req_policy: policy,
            nonce: Some(Int::new(&nonce).map_err(der_error)?),
            cert_req: true,
            extensions: None,
        };
        let der = request.to_der().map_err(der_error)?;
        Ok(Self { request, der })
    }

    /// A request stamping `data` (for a signature time-stamp: the SignerInfo's signature
    /// value), hashed here with `hash`.
    pub fn for_data(hash: DigestAlgorithm, data: &[u8]) -> Result<Self, Error> {
        Self::new(hash, &hash.digest(data), None)
    }

    /// Checks that a token answers this request: same imprint, same nonce.
    pub fn check_token(&self, token: &TimeStampToken<'_>) -> Result<(), Error> {
        let asked = &self.request.message_imprint;
        let got = &token.tst_info.message_imprint;
        if asked.hash_algorithm.oid != got.hash_algorithm.oid
            || asked.hashed_message != got.hashed_message
        {
            return Err(Error::ImprintMismatch);
        }
        if self.request.nonce.is_some() && token.tst_info.nonce != self.request.nonce {
            return Err(Error::NonceMismatch);
        }
        Ok(())
    }
}

/// Reads a `TimeStampResp` and returns the token's DER when the TSA granted the request.
pub fn parse_response(der: &[u8]) -> Result<Vec<u8>, Error> {
    let response = TimeStampResp::from_der(der).map_err(|source| Error::Der {
        what: "TimeStampResp",
        source,
    })?;
    match (response.status.status, response.time_stamp_token) {
        (0 | 1, Some(token)) => token.to_der().map_err(|source| Error::Der {
            what: "TimeStampToken",
            source,
        }),
        (0 | 1, None) => Err(Error::malformed("TimeStampResp without a token", 0)),
        (status, _) => Err(Error::TimeStampRejected {
            status,
            failure_info: response.status.failure_bits(),
        }),
    }
}

/// A time-stamp token: SignedData whose content is a TSTInfo.
#[derive(Clone, Debug)]
pub struct TimeStampToken<'a> {
    /// The SignedData (the TSA's certificate is normally among its certificates).
    pub signed_data: SignedDataInfo<'a>,
    /// The decoded content.
    pub tst_info: TstInfo,
}

impl<'a> TimeStampToken<'a> {
    /// Parses a token (e.g. from an id-aa-signatureTimeStampToken attribute or a document
    /// time-stamp's /Contents).
    pub fn parse(der: &'a [u8]) -> Result<Self, Error> {
        let signed_data = parse(der)?;
        if signed_data.content_type != oids::TST_INFO {
            return Err(Error::UnexpectedContentType {
                oid: signed_data.content_type,
            });
        }
        let content = signed_data
            .content
            .ok_or(Error::malformed("TimeStampToken without TSTInfo", 0))?;
        let tst_info = TstInfo::from_der(content).map_err(|source| Error::Der {
            what: "TSTInfo",
            source,
        })?;
        Ok(Self {
            signed_data,
            tst_info,
        })
    }

    /// The time the TSA vouches for.
    pub fn gen_time(&self) -> SystemTime {
        self.tst_info.gen_time.0
    }

    /// Checks that the token stamps `data` (for a signature time-stamp: the SignerInfo's
    /// signature value).
    pub fn check_imprint(&self, data: &[u8]) -> Result<(), Error> {
        let imprint = &self.tst_info.message_imprint;
        let hash = DigestAlgorithm::from_oid(&imprint.hash_algorithm.oid)?;
        if hash.digest(data) == imprint.hashed_message.as_bytes() {
            Ok(())
        } else {
            Err(Error::ImprintMismatch)
        }
    }

    /// Verifies the TSA's signature over the TSTInfo (exactly one signer, with signed
    /// attributes including signing-certificate(-v2), RFC 3161 §2.4.2 and RFC 5816).
    pub fn verify(&self) -> Result<VerifiedSigner<'a>, Error> {
        let [signer] = self.signed_data.signer_infos.as_slice() else {
            return Err(Error::SignerCount {
                count: self.signed_data.signer_infos.len(),
            });
        };
        let attrs = signer
            .signed_attrs
            .as_ref()
            .ok_or(Error::MissingSignedAttribute {
                name: "content-type",
            })?;
        if attrs.signing_certificate.is_none() && attrs.signing_certificate_v2.is_none() {
            return Err(Error::MissingSignedAttribute {
                name: "signing-certificate",
            });
        }
        let content = self.signed_data.content.unwrap_or(&[]);
        let digest = signer.digest_algorithm()?.digest(content);
        verify_signer(&self.signed_data, 0, &digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der_writer::{oid, tlv, uint};

    /// A TSTInfo as TSAs write it, assembled byte by byte: genTime with a fraction and
    /// Accuracy with IMPLICIT `[0]` millis and `[1]` micros.
    fn tst_info(gen_time: &str, accuracy: &[u8]) -> Vec<u8> {
        let imprint = tlv(
            0x30,
            &[
                &tlv(0x30, &[&oid(&oids::SHA256)]),
                &tlv(0x04, &[&[0xAB; 32]]),
            ],
        );
        tlv(
            0x30,
            &[
                &uint(1),
                &oid(&ObjectIdentifier::new_unwrap("1.2.3.4.1")),
                &imprint,
                &uint(0x1234),
                &tlv(0x18, &[gen_time.as_bytes()]),
                accuracy,
                &uint(42),
            ],
        )
    }

    #[test]
    fn decodes_fractional_gen_time_and_implicit_accuracy() {
        let accuracy = tlv(
            0x30,
            &[&uint(1), &[0x80, 0x02, 0x01, 0xF4], &[0x81, 0x01, 0x64]],
        );
        let der = tst_info("20240610061320.123456Z", &accuracy);
        let info = TstInfo::from_der(&der).expect("decodes");
        let since = info
            .gen_time
            .0
            .duration_since(SystemTime::UNIX_EPOCH)
            .expect("after 1970");
        assert_eq!(since.as_secs(), 1_718_000_000);
        assert_eq!(since.subsec_nanos(), 123_456_000);
        assert_eq!(
            info.accuracy,
            Some(Accuracy {
                seconds: Some(1),
                millis: Some(500),
                micros: Some(100)
            })
        );
        assert_eq!(
            info.accuracy.map(|a| a.as_duration()),
            Some(std::time::Duration::from_micros(1_500_100))
        );
        assert_eq!(info.nonce.as_ref().map(Int::as_bytes), Some(&[42u8][..]));
        // And it re-encodes to the same bytes.
        assert_eq!(info.to_der().expect("encodes"), der);
    }

    #[test]
    fn rejects_explicit_accuracy_tags_and_bad_fractions() {
        // `[0] EXPLICIT INTEGER` is what a module without IMPLICIT TAGS would produce.
        let explicit = tlv(0x30, &[&[0xA0, 0x03, 0x02, 0x01, 0x05]]);
        assert!(TstInfo::from_der(&tst_info("20240610061320Z", &explicit)).is_err());
        let fine = tlv(0x30, &[&[0x80, 0x01, 0x05]]);
        assert!(TstInfo::from_der(&tst_info("20240610061320Z", &fine)).is_ok());
        for bad in ["20240610061320.10Z", "20240610061320.Z", "20240610061320"] {
            assert!(TstInfo::from_der(&tst_info(bad, &fine)).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_round_trips_with_a_positive_nonce_and_cert_req() {
        let digest = DigestAlgorithm::Sha256.digest(b"x");
        let request =
            TimeStampRequest::new(DigestAlgorithm::Sha256, &digest, None).expect("request");
        let decoded = TimeStampReq::from_der(&request.der).expect("decodes");
        assert_eq!(decoded, request.request);
        assert!(decoded.cert_req);
        let nonce = decoded.nonce.expect("nonce");
        assert_eq!(nonce.as_bytes().len(), 8);
        assert!(nonce.as_bytes().first().is_some_and(|b| b & 0x80 == 0));
        assert!(matches!(
            TimeStampRequest::new(DigestAlgorithm::Sha256, &digest[..20], None),
            Err(Error::DigestLength { .. })
        ));
    }

    #[test]
    fn a_rejection_reports_status_and_failure_bits() {
        // status 2 (rejection), failInfo badAlg (bit 0) and badDataFormat (bit 5).
        let status = tlv(0x30, &[&uint(2), &[0x03, 0x02, 0x02, 0x84]]);
        let response = tlv(0x30, &[&status]);
        assert!(matches!(
            parse_response(&response),
            Err(Error::TimeStampRejected {
                status: 2,
                failure_info: Some(0b10_0001)
            })
        ));
        let granted_without_token = tlv(0x30, &[&tlv(0x30, &[&uint(0)])]);
        assert!(matches!(
            parse_response(&granted_without_token),
            Err(Error::Malformed { .. })
        ));
        assert!(matches!(
            parse_response(&response[..response.len() - 1]),
            Err(Error::Der { .. })
        ));
    }
}
