//! XAdES (ETSI EN 319 132-1) signed properties: checking them on verification, building them
//! for B-B signatures.

use super::algorithms::DigestAlgorithm;
use super::reference::{child, decode_base64};
use kyso_verdict::{Indication, Level, Reason, SignatureVerdict, SubIndication};
use roxmltree::Node;

/// The XAdES 1.3.2 namespace.
pub const XADES_NS: &str = "http://uri.etsi.org/01903/v1.3.2#";
/// The `Reference/@Type` that marks the reference to SignedProperties.
pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";

fn xades_child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| {
        c.is_element() && c.tag_name().name() == local && c.tag_name().namespace() == Some(XADES_NS)
    })
}

/// Checks a signed (digest-verified) `xades:SignedProperties` against the certificate whose
/// key verified the signature: the signing-certificate reference must name it. Records the
/// claimed signing time and the level reached.
pub(crate) fn check_signed_properties(
    props: Node<'_, '_>,
    signer_der: &[u8],
    verdict: &mut SignatureVerdict,
) {
    let Some(ssp) = xades_child(props, "SignedSignatureProperties") else {
        return;
    };
    if let Some(t) = xades_child(ssp, "SigningTime").and_then(|t| t.text()) {
        // Shown like the PDF verifier's times; a text that is no xsd:dateTime stays as written.
        verdict.signing_time =
            Some(parse_date_time(t).map_or_else(|| t.trim().to_owned(), vietnam_date_time));
    }
    let policy = xades_child(ssp, "SignaturePolicyIdentifier")
        .and_then(|p| xades_child(p, "SignaturePolicyId"))
        .and_then(|p| xades_child(p, "SigPolicyId"))
        .and_then(|p| xades_child(p, "Identifier"))
        .and_then(|i| i.text());
    if let Some(policy) = policy {
        verdict.reasons.push(Reason {
            code: "signature-policy".to_owned(),
            message: format!("signed under policy {} (not evaluated)", policy.trim()),
        });
    }
    let signing_cert =
        xades_child(ssp, "SigningCertificateV2").or_else(|| xades_child(ssp, "SigningCertificate"));
    let Some(signing_cert) = signing_cert else {
        verdict.reasons.push(Reason {
            code: "xades-no-signing-certificate".to_owned(),
            message: "SignedProperties carry no SigningCertificate(V2)".to_owned(),
        });
        return;
    };
    let matches = signing_cert
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Cert")
        .filter_map(|cert| xades_child(cert, "CertDigest"))
        .any(|digest| {
            let algorithm = child(digest, "DigestMethod")
                .and_then(|m| m.attribute("Algorithm"))
                .and_then(DigestAlgorithm::from_uri);
            let value = child(digest, "DigestValue")
                .and_then(|v| decode_base64(v.text().unwrap_or("").as_bytes()));
            match (algorithm, value) {
                (Some(a), Some(v)) => a.digest(signer_der).is_ok_and(|d| d == v),
                _ => false,
            }
        });
    if matches {
        if verdict.level < Level::BB {
            verdict.level = Level::BB;
        }
    } else {
        if verdict.indication == Indication::Passed {
            verdict.indication = Indication::Indeterminate;
            verdict.sub_indication = Some(SubIndication::NoSigningCertificateFound);
        }
        verdict.reasons.push(Reason {
            code: "xades-signing-certificate-mismatch".to_owned(),
            message: "SigningCertificate does not name the certificate that verified the \
                      signature"
                .to_owned(),
        });
    }
}

/// The `ds:Object` holding `xades:QualifyingProperties` for a B-B signature: SigningTime and
/// SigningCertificateV2 (digest of the signer's certificate and its IssuerSerialV2).
pub(crate) fn qualifying_properties_xml(
    signature_id: &str,
    properties_id: &str,
    content_reference_id: &str,
    options: &super::sign::XadesOptions,
    certificate_der: &[u8],
    digest: DigestAlgorithm,
) -> Result<String, crate::Error> {
    let cert_digest = super::sign::b64(&digest.digest(certificate_der)?);
    let issuer_serial = super::sign::b64(&issuer_serial_v2(certificate_der)?);
    let policy = options.policy.as_ref().map_or_else(String::new, |p| {
        let qualifier = p.uri.as_ref().map_or_else(String::new, |uri| {
            format!(
                "<xades:SigPolicyQualifiers><xades:SigPolicyQualifier><xades:SPURI>{}\
                 </xades:SPURI></xades:SigPolicyQualifier></xades:SigPolicyQualifiers>",
                escape_text(uri)
            )
        });
        format!(
            "<xades:SignaturePolicyIdentifier><xades:SignaturePolicyId><xades:SigPolicyId>\
             <xades:Identifier>{id}</xades:Identifier></xades:SigPolicyId><xades:SigPolicyHash>\
             <ds:DigestMethod Algorithm=\"{alg}\"/><ds:DigestValue>{hash}</ds:DigestValue>\
             </xades:SigPolicyHash>{qualifier}</xades:SignaturePolicyId>\
             </xades:SignaturePolicyIdentifier>",
            id = escape_text(&p.identifier),
            alg = p.digest.uri(),
            hash = super::sign::b64(&p.hash),
        )
    });
    let data_object = options.mime_type.as_ref().map_or_else(String::new, |mime| {
        format!(
            "<xades:SignedDataObjectProperties><xades:DataObjectFormat \
             ObjectReference=\"#{content_reference_id}\"><xades:MimeType>{}</xades:MimeType>\
             </xades:DataObjectFormat></xades:SignedDataObjectProperties>",
            escape_text(mime)
        )
    });
    Ok(format!(
        "<ds:Object><xades:QualifyingProperties xmlns:xades=\"{XADES_NS}\" \
         Target=\"#{signature_id}\"><xades:SignedProperties Id=\"{properties_id}\">\
         <xades:SignedSignatureProperties><xades:SigningTime>{time}</xades:SigningTime>\
         <xades:SigningCertificateV2><xades:Cert><xades:CertDigest>\
         <ds:DigestMethod Algorithm=\"{digest_uri}\"/><ds:DigestValue>{cert_digest}</ds:DigestValue>\
         </xades:CertDigest><xades:IssuerSerialV2>{issuer_serial}</xades:IssuerSerialV2>\
         </xades:Cert></xades:SigningCertificateV2>{policy}</xades:SignedSignatureProperties>\
         {data_object}</xades:SignedProperties></xades:QualifyingProperties></ds:Object>",
        time = utc_date_time(options.signing_time),
        digest_uri = digest.uri(),
    ))
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// DER of `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }`
/// (RFC 5035), the issuer as one `directoryName`.
fn issuer_serial_v2(certificate_der: &[u8]) -> Result<Vec<u8>, crate::Error> {
    use der::{Decode, Encode};
    let cert = x509_cert::Certificate::from_der(certificate_der).map_err(|_| {
        crate::Error::BadCertificate {
            reason: "signer certificate is not DER X.509",
        }
    })?;
    let tbs = &cert.tbs_certificate;
    let name = tbs
        .issuer
        .to_der()
        .map_err(|_| crate::Error::BadCertificate {
            reason: "issuer name does not encode",
        })?;
    let serial = tbs
        .serial_number
        .to_der()
        .map_err(|_| crate::Error::BadCertificate {
            reason: "serial number does not encode",
        })?;
    let directory_name = der_wrap(0xA4, &name);
    let general_names = der_wrap(0x30, &directory_name);
    Ok(der_wrap(0x30, &[general_names, serial].concat()))
}

fn der_wrap(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// Vietnam's offset from UTC (UTC+7, no daylight saving time).
const VIETNAM_OFFSET_SECS: u64 = 7 * 3600;

/// `YYYY-MM-DDThh:mm:ss+07:00`: a time as kyso's verdicts show it (the PDF verifier's format,
/// Vietnam time, whole seconds).
pub fn vietnam_date_time(t: std::time::SystemTime) -> String {
    let shifted = t
        .checked_add(std::time::Duration::from_secs(VIETNAM_OFFSET_SECS))
        .unwrap_or(t);
    let utc = utc_date_time(shifted);
    let wall = utc.strip_suffix('Z').unwrap_or(&utc);
    format!("{wall}+07:00")
}

/// `YYYY-MM-DDThh:mm:ssZ` for a system time (before 1970 clamps to the epoch).
pub(crate) fn utc_date_time(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc_date_time;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn parses_xsd_date_times_with_zones() {
        use super::parse_date_time;
        let t = UNIX_EPOCH + Duration::from_secs(1_583_468_854);
        assert_eq!(parse_date_time("2020-03-06T04:27:34Z"), Some(t));
        assert_eq!(parse_date_time("2020-03-06T11:27:34+07:00"), Some(t));
        assert_eq!(parse_date_time("2020-03-06T04:27:34.250Z"), Some(t));
        assert_eq!(parse_date_time(&utc_date_time(t)), Some(t));
        assert_eq!(parse_date_time("2020-13-06T04:27:34Z"), None);
        assert_eq!(parse_date_time("yesterday"), None);
        assert_eq!(parse_date_time("1960-01-01T00:00:00Z"), None);
        // Leap days exist only in leap years; the last second of 9999 is the latest time.
        assert!(parse_date_time("2024-02-29T00:00:00Z").is_some());
        assert_eq!(parse_date_time("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_date_time("2024-04-31T00:00:00Z"), None);
        assert_eq!(
            parse_date_time("9999-12-31T23:59:59-14:00"),
            Some(UNIX_EPOCH + Duration::from_secs(253_402_300_799 + 14 * 3600))
        );
        assert_eq!(
            parse_date_time("2020-03-06T18:27:34+14:00"),
            Some(UNIX_EPOCH + Duration::from_secs(1_583_468_854))
        );
    }

    #[test]
    fn hostile_date_times_are_refused_without_overflowing() {
        use super::parse_date_time;
        for hostile in [
            // Years, zone hours and fields far past their widths (these overflowed i64).
            "9223372036854775807-01-01T00:00:00Z",
            "999999999999999999-12-31T23:59:59Z",
            "1000000000000000000-01-01T00:00:00Z",
            "2020-01-01T00:00:00+9223372036854775807:00",
            "2020-01-01T00:00:00-999999999999999999:00",
            "2020-01-01T00:00:00+00:9223372036854775807",
            "2020-01-01T00:00:00+15:00",
            "2020-01-01T00:00:00+14:30",
            "2020-01-01T00:00:00+07:60",
            "2020-0000000000000000001-01T00:00:00Z",
            "2020-01-0000000000000000001T00:00:00Z",
            // Widths other than 4 and 2.
            "20201-01-01T00:00:00Z",
            "202-01-01T00:00:00Z",
            "2020-1-01T00:00:00Z",
            "2020-01-1T00:00:00Z",
            "2020-01-01T0:00:000Z",
            "2020-01-01T00:00:00+7:00",
            "2020-01-01T00:00:00+07:0",
            "+2020-01-01T00:00:00Z",
            "-2020-01-01T00:00:00Z",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00+07",
            "2020-01-01T24:00:00Z",
            "2020-00-01T00:00:00Z",
            "2020-01-00T00:00:00Z",
            "2020-01-01T00:00",
            "2020-01-01Tthe time",
            "2020-01-01T00:00:\u{e9}0Z",
            "",
            "T",
        ] {
            assert_eq!(parse_date_time(hostile), None, "{hostile}");
        }
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(utc_date_time(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_583_468_854);
        assert_eq!(utc_date_time(t), "2020-03-06T04:27:34Z");
        assert_ne!(utc_date_time(t), "2020-03-06T11:27:34Z");
    }

    #[test]
    fn formats_vietnam_times_that_read_back_as_the_same_instant() {
        use super::{parse_date_time, vietnam_date_time};
        let t = UNIX_EPOCH + Duration::from_secs(1_583_468_854);
        assert_eq!(vietnam_date_time(t), "2020-03-06T11:27:34+07:00");
        assert_eq!(parse_date_time(&vietnam_date_time(t)), Some(t));
        // Across midnight and the new year in Hanoi.
        let eve = UNIX_EPOCH + Duration::from_secs(1_609_455_600); // 2020-12-31T23:00:00Z
        assert_eq!(vietnam_date_time(eve), "2021-01-01T06:00:00+07:00");
    }
}

/// The result of checking an RFC 3161 timestamp token, produced by the caller's
/// [`TimestampValidator`] (kyso-cms in the CLI).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimestampOutcome {
    /// The token is valid, its imprint matches the data, and it proves `gen_time`.
    Valid {
        /// The proven time (genTime): shown in the verdict, and the signer's chain is
        /// validated at it.
        gen_time: std::time::SystemTime,
        /// The TSA's certificate (DER), when the token names it: the B-LT check looks for
        /// the revocation data of its chain.
        tsa_certificate: Option<Vec<u8>>,
        /// The certificates the token carries (DER), for building the TSA's path.
        certificates: Vec<Vec<u8>>,
    },
    /// The token does not verify or does not cover the data.
    Invalid {
        /// Why, for the report.
        reason: String,
    },
}

/// Checks XAdES signature timestamps: the seam where the CLI plugs in kyso-cms.
pub trait TimestampValidator {
    /// Validates the DER `TimeStampToken` over `data` (the canonicalized SignatureValue).
    fn validate(&self, token_der: &[u8], data: &[u8]) -> TimestampOutcome;
}

/// The canonicalization a SignatureTimeStamp names (XAdES default: C14N 1.0).
fn timestamp_c14n(timestamp: Node<'_, '_>) -> Option<crate::c14n::C14nMode> {
    match child(timestamp, "CanonicalizationMethod").and_then(|m| m.attribute("Algorithm")) {
        Some(uri) => crate::c14n::C14nMode::from_uri(uri),
        None => crate::c14n::C14nMode::from_uri(crate::c14n::C14N10),
    }
}

/// The octets a SignatureTimeStamp covers: the canonical `ds:SignatureValue` element.
pub(crate) fn signature_value_octets(
    signature: Node<'_, '_>,
    mode: crate::c14n::C14nMode,
) -> Option<Vec<u8>> {
    let value = child(signature, "SignatureValue")?;
    let mut out = Vec::new();
    crate::c14n::canonicalize(
        signature.document(),
        &crate::c14n::Subtree::of(value, &[]),
        mode,
        &[],
        &mut out,
    );
    Some(out)
}

/// What a valid signature time-stamp proves: the time, and who stamped it.
#[derive(Clone, Debug)]
pub(crate) struct ProvenTime {
    /// genTime.
    pub(crate) at: std::time::SystemTime,
    /// The TSA's certificate (DER).
    pub(crate) tsa_certificate: Option<Vec<u8>>,
    /// The certificates the token carries (DER).
    pub(crate) certificates: Vec<Vec<u8>>,
}

/// Checks the `xades:SignatureTimeStamp`s of a signature whose SignedProperties verified.
/// A valid one proves the time and lifts the level to B-T; the earliest proven time is
/// returned.
pub(crate) fn check_signature_timestamps(
    signature: Node<'_, '_>,
    validator: Option<&dyn TimestampValidator>,
    verdict: &mut SignatureVerdict,
) -> Option<ProvenTime> {
    let mut proven: Option<ProvenTime> = None;
    let timestamps: Vec<Node<'_, '_>> = signature
        .descendants()
        .filter(|n| {
            n.is_element()
                && n.tag_name().name() == "SignatureTimeStamp"
                && n.tag_name().namespace() == Some(XADES_NS)
        })
        .collect();
    for ts in timestamps {
        let token = xades_child(ts, "EncapsulatedTimeStamp")
            .and_then(|t| decode_base64(t.text().unwrap_or("").as_bytes()));
        let data = timestamp_c14n(ts).and_then(|mode| signature_value_octets(signature, mode));
        let (Some(token), Some(data)) = (token, data) else {
            verdict.reasons.push(Reason {
                code: "signature-timestamp-malformed".to_owned(),
                message: "SignatureTimeStamp without a readable token or canonicalization"
                    .to_owned(),
            });
            continue;
        };
        let Some(validator) = validator else {
            verdict.reasons.push(Reason {
                code: "signature-timestamp-not-checked".to_owned(),
                message: "a SignatureTimeStamp is present but no timestamp validator was given"
                    .to_owned(),
            });
            continue;
        };
        match validator.validate(&token, &data) {
            TimestampOutcome::Valid {
                gen_time,
                tsa_certificate,
                certificates,
            } => {
                if verdict.level == Level::BB {
                    verdict.level = Level::BT;
                }
                if proven.as_ref().is_none_or(|p| gen_time < p.at) {
                    verdict.timestamp = Some(vietnam_date_time(gen_time));
                    proven = Some(ProvenTime {
                        at: gen_time,
                        tsa_certificate,
                        certificates,
                    });
                }
            }
            TimestampOutcome::Invalid { reason } => verdict.reasons.push(Reason {
                code: "signature-timestamp-invalid".to_owned(),
                message: reason,
            }),
        }
    }
    proven
}

/// The validation data a XAdES B-LT signature carries in its unsigned signature properties:
/// `xades:CertificateValues` and `xades:RevocationValues` (ETSI EN 319 132-1 §5.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationData {
    /// `EncapsulatedX509Certificate` values (DER).
    pub certificates: Vec<Vec<u8>>,
    /// `CRLValues/EncapsulatedCRLValue` values (DER).
    pub crls: Vec<Vec<u8>>,
    /// `OCSPValues/EncapsulatedOCSPValue` values (DER OCSPResponse).
    pub ocsp_responses: Vec<Vec<u8>>,
}

impl ValidationData {
    /// Whether there is any CRL or OCSP response.
    pub fn has_revocation_data(&self) -> bool {
        !self.crls.is_empty() || !self.ocsp_responses.is_empty()
    }

    /// Whether there is nothing at all.
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty() && !self.has_revocation_data()
    }
}

/// Reads the `xades:CertificateValues` and `xades:RevocationValues` of `signature`'s
/// `UnsignedSignatureProperties`. Values that are not base64 are reported and skipped.
pub(crate) fn validation_data(
    signature: Node<'_, '_>,
    verdict: &mut SignatureVerdict,
) -> ValidationData {
    let mut data = ValidationData::default();
    let usp = signature
        .descendants()
        .filter(|n| {
            n.is_element()
                && n.tag_name().name() == "UnsignedSignatureProperties"
                && n.tag_name().namespace() == Some(XADES_NS)
        })
        .filter(|n| {
            // Only this signature's properties, not those of a signature nested in an Object.
            n.ancestors()
                .find(|a| super::reference::is_dsig(*a, "Signature"))
                == Some(signature)
        });
    let mut bad = 0usize;
    for usp in usp {
        for element in usp.children().filter(|c| c.is_element()) {
            if element.tag_name().namespace() != Some(XADES_NS) {
                continue;
            }
            let mut take = |nodes: Vec<Node<'_, '_>>, into: &mut Vec<Vec<u8>>| {
                for node in nodes {
                    match decode_base64(node.text().unwrap_or("").as_bytes()) {
                        Some(der) if !into.contains(&der) => into.push(der),
                        Some(_) => {}
                        None => bad += 1,
                    }
                }
            };
            match element.tag_name().name() {
                "CertificateValues" => take(
                    values(element, "", "EncapsulatedX509Certificate"),
                    &mut data.certificates,
                ),
                "RevocationValues" => {
                    take(
                        values(element, "CRLValues", "EncapsulatedCRLValue"),
                        &mut data.crls,
                    );
                    take(
                        values(element, "OCSPValues", "EncapsulatedOCSPValue"),
                        &mut data.ocsp_responses,
                    );
                }
                _ => {}
            }
        }
    }
    if bad > 0 {
        verdict.reasons.push(Reason {
            code: "validation-data-malformed".to_owned(),
            message: format!("{bad} embedded certificate or revocation value(s) are not base64"),
        });
    }
    data
}

/// The `item` children of `parent`'s `list` children (of `parent` itself when `list` is
/// empty), all in the XAdES namespace.
fn values<'a, 'i>(parent: Node<'a, 'i>, list: &str, item: &str) -> Vec<Node<'a, 'i>> {
    let lists: Vec<Node<'a, 'i>> = if list.is_empty() {
        vec![parent]
    } else {
        parent
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == list)
            .filter(|c| c.tag_name().namespace() == Some(XADES_NS))
            .collect()
    };
    lists
        .into_iter()
        .flat_map(|l| {
            l.children()
                .filter(|c| c.is_element() && c.tag_name().name() == item)
                .filter(|c| c.tag_name().namespace() == Some(XADES_NS))
        })
        .collect()
}

/// Parses an `xsd:dateTime` (`YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm]`, no zone read as UTC),
/// as XAdES SigningTime carries it. `None` for anything else or a time before 1970.
///
/// The fields have their fixed widths (a four-digit year, two digits for the others, a zone
/// of at most ±14:00), the day must exist in its month, so the arithmetic below stays far
/// from overflowing whatever the text holds.
pub(crate) fn parse_date_time(text: &str) -> Option<std::time::SystemTime> {
    /// Exactly `width` ASCII digits.
    fn field(s: &str, width: usize) -> Option<i64> {
        if s.len() != width || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
    let t = text.trim();
    let (date, rest) = t.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (year, month, day) = (
        field(d.next()?, 4)?,
        field(d.next()?, 2)?,
        field(d.next()?, 2)?,
    );
    let mut tp = rest.get(..8)?.splitn(3, ':');
    let (hour, minute, second) = (
        field(tp.next()?, 2)?,
        field(tp.next()?, 2)?,
        field(tp.next()?, 2)?,
    );
    let mut zone = rest.get(8..)?;
    if let Some(frac) = zone.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        zone = frac.get(digits..)?;
    }
    let offset = match zone {
        "" | "Z" => 0,
        z => {
            let sign = match z.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let (h, m) = z.get(1..)?.split_once(':')?;
            let (h, m) = (field(h, 2)?, field(m, 2)?);
            if h > 14 || m > 59 || (h == 14 && m != 0) {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm); the year is at most 9999.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let secs = u64::try_from(secs).ok()?;
    std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
}
