//! A decoded certificate with the facts validation needs, extracted once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use der::{Decode, Encode, Reader, SliceReader};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, InhibitAnyPolicy, KeyUsage, NameConstraints,
    PolicyConstraints, PolicyMappings, SubjectAltName, SubjectKeyIdentifier,
};

use crate::error::{KeyUsageBit, ParseError};
use crate::name::{self, NameKey};

/// Largest certificate kyso decodes. Real CA and signer certificates are under 8 KiB; the cap
/// bounds what a hostile pool can make kyso allocate and hash.
pub const MAX_CERTIFICATE_SIZE: usize = 64 * 1024;

pub(crate) mod oid {
    use const_oid::ObjectIdentifier as O;
    pub(crate) const BASIC_CONSTRAINTS: O = O::new_unwrap("2.5.29.19");
    pub(crate) const KEY_USAGE: O = O::new_unwrap("2.5.29.15");
    pub(crate) const EXT_KEY_USAGE: O = O::new_unwrap("2.5.29.37");
    pub(crate) const SUBJECT_ALT_NAME: O = O::new_unwrap("2.5.29.17");
    pub(crate) const ISSUER_ALT_NAME: O = O::new_unwrap("2.5.29.18");
    pub(crate) const NAME_CONSTRAINTS: O = O::new_unwrap("2.5.29.30");
    pub(crate) const SUBJECT_KEY_ID: O = O::new_unwrap("2.5.29.14");
    pub(crate) const AUTHORITY_KEY_ID: O = O::new_unwrap("2.5.29.35");
    pub(crate) const CERT_POLICIES: O = O::new_unwrap("2.5.29.32");
    pub(crate) const POLICY_MAPPINGS: O = O::new_unwrap("2.5.29.33");
    pub(crate) const POLICY_CONSTRAINTS: O = O::new_unwrap("2.5.29.36");
    pub(crate) const INHIBIT_ANY_POLICY: O = O::new_unwrap("2.5.29.54");
    pub(crate) const CRL_DISTRIBUTION_POINTS: O = O::new_unwrap("2.5.29.31");
    pub(crate) const FRESHEST_CRL: O = O::new_unwrap("2.5.29.46");
    pub(crate) const AUTHORITY_INFO_ACCESS: O = O::new_unwrap("1.3.6.1.5.5.7.1.1");
    pub(crate) const PRIVATE_KEY_USAGE_PERIOD: O = O::new_unwrap("2.5.29.16");
    pub(crate) const SUBJECT_DIRECTORY_ATTRIBUTES: O = O::new_unwrap("2.5.29.9");
    pub(crate) const OCSP_NOCHECK: O = O::new_unwrap("1.3.6.1.5.5.7.48.1.5");
    pub(crate) const AD_OCSP: O = O::new_unwrap("1.3.6.1.5.5.7.48.1");
    pub(crate) const AD_CA_ISSUERS: O = O::new_unwrap("1.3.6.1.5.5.7.48.2");
    pub(crate) const ANY_EKU: O = O::new_unwrap("2.5.29.37.0");
}

/// A parsed certificate. Cheap to clone (shared).
///
/// Invariant: every field below was derived from `der` and agrees with it; a `Certificate`
/// exists only if the DER decoded under the RFC 5280 profile, no extension repeats, and every
/// extension kyso understands decoded.
#[derive(Clone)]
pub struct Certificate(Arc<CertData>);

pub(crate) struct CertData {
    pub(crate) der: Vec<u8>,
    /// Byte range of the TBSCertificate TLV within `der`.
    pub(crate) tbs: std::ops::Range<usize>,
    pub(crate) parsed: x509_cert::Certificate,
    pub(crate) fingerprint: [u8; 32],
    pub(crate) subject_key: NameKey,
    pub(crate) issuer_key: NameKey,
    pub(crate) spki_der: Vec<u8>,
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    pub(crate) ext: Extensions,
}

/// The extensions validation reads, decoded.
#[derive(Default)]
pub(crate) struct Extensions {
    pub(crate) basic_constraints: Option<BasicConstraints>,
    /// KeyUsage bits (bit 0 = digitalSignature).
    pub(crate) key_usage: Option<u16>,
    pub(crate) eku: Option<Vec<ObjectIdentifier>>,
    pub(crate) eku_critical: bool,
    pub(crate) san: Vec<GeneralName>,
    pub(crate) name_constraints: Option<NameConstraints>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    pub(crate) policies: Option<CertificatePolicies>,
    pub(crate) policy_mappings: Option<PolicyMappings>,
    pub(crate) policy_constraints: Option<PolicyConstraints>,
    pub(crate) inhibit_any_policy: Option<u32>,
    pub(crate) crl_distribution_points: Option<CrlDistributionPoints>,
    pub(crate) ocsp_urls: Vec<String>,
    pub(crate) ca_issuer_urls: Vec<String>,
    pub(crate) ocsp_nocheck: bool,
    /// The first critical extension kyso does not process.
    pub(crate) unknown_critical: Option<ObjectIdentifier>,
}

/// Certificates decoded before, keyed by the SHA-256 of their DER: a batch of documents
/// embeds the same few certificates again and again, and decoding one (x509-cert, every
/// extension) costs tens of microseconds. Thread-safe; bounded by [`DECODED_CACHE_BYTES`].
struct DecodedCache {
    certs: std::collections::HashMap<[u8; 32], Certificate>,
    /// Sum of the cached certificates' DER lengths.
    bytes: usize,
}

/// DER bytes beyond which [`DecodedCache`] starts over: some 700 typical certificates, a few
/// MB once decoded.
const DECODED_CACHE_BYTES: usize = 1024 * 1024;

fn decoded_cache() -> std::sync::MutexGuard<'static, DecodedCache> {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<DecodedCache>> = std::sync::OnceLock::new();
    CACHE
        .get_or_init(|| {
            std::sync::Mutex::new(DecodedCache {
                certs: std::collections::HashMap::new(),
                bytes: 0,
            })
        })
        .lock()
        // A panic while the lock was held cannot leave a half-written entry behind.
        .unwrap_or_else(|p| p.into_inner())
}

impl Certificate {
    /// Decodes one DER certificate (or returns the one decoded from the same bytes before).
    pub fn from_der(der: &[u8]) -> Result<Certificate, ParseError> {
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(ParseError::TooLarge {
                what: "certificate",
                limit: MAX_CERTIFICATE_SIZE,
            });
        }
        let fingerprint: [u8; 32] = Sha256::digest(der).into();
        if let Some(cert) = decoded_cache().certs.get(&fingerprint) {
            if cert.0.der == der {
                return Ok(cert.clone());
            }
        }
        let cert = Certificate::decode(der, fingerprint)?;
        let mut cache = decoded_cache();
        if cache.bytes.saturating_add(der.len()) > DECODED_CACHE_BYTES {
            cache.certs.clear();
            cache.bytes = 0;
        }
        if cache.certs.insert(fingerprint, cert.clone()).is_none() {
            cache.bytes = cache.bytes.saturating_add(der.len());
        }
        Ok(cert)
    }

    /// Decodes one DER certificate whose SHA-256 is `fingerprint`.
    fn decode(der: &[u8], fingerprint: [u8; 32]) -> Result<Certificate, ParseError> {
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(ParseError::TooLarge {
                what: "certificate",
                limit: MAX_CERTIFICATE_SIZE,
            });
        }
        let parsed =
            x509_cert::Certificate::from_der(der).map_err(ParseError::der("certificate"))?;
        let tbs = tbs_range(der)?;
        if parsed.signature_algorithm != parsed.tbs_certificate.signature {
            return Err(ParseError::SignatureAlgorithmMismatch);
        }
        let tbs_cert = &parsed.tbs_certificate;
        if tbs_cert.issuer.0.is_empty() {
            return Err(ParseError::BadName("empty issuer"));
        }
        let ext = Extensions::decode(tbs_cert.extensions.as_deref().unwrap_or(&[]))?;
        if tbs_cert.subject.0.is_empty() && ext.san.is_empty() {
            return Err(ParseError::BadName("empty subject without subjectAltName"));
        }
        let spki_der = tbs_cert
            .subject_public_key_info
            .to_der()
            .map_err(ParseError::der("public key"))?;
        let validity = &tbs_cert.validity;
        let data = CertData {
            fingerprint,
            subject_key: NameKey::of(&tbs_cert.subject),
            issuer_key: NameKey::of(&tbs_cert.issuer),
            not_before: unix(validity.not_before.to_unix_duration()),
            not_after: unix(validity.not_after.to_unix_duration()),
            spki_der,
            ext,
            tbs,
            der: der.to_vec(),
            parsed,
        };
        Ok(Certificate(Arc::new(data)))
    }

    /// Decodes every certificate in `bytes`: one or more PEM blocks, or a single DER object.
    pub fn all_from_pem_or_der(bytes: &[u8]) -> Result<Vec<Certificate>, ParseError> {
        crate::pem::decode_all(bytes, "CERTIFICATE", "certificate")?
            .iter()
            .map(|der| Certificate::from_der(der))
            .collect()
    }

    pub(crate) fn data(&self) -> &CertData {
        &self.0
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// SHA-256 of the DER encoding.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.0.fingerprint
    }

    /// The decoded certificate (x509-cert types).
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.0.parsed
    }

    /// The subject as one line, most specific attribute first.
    pub fn subject(&self) -> String {
        name::display(&self.0.parsed.tbs_certificate.subject)
    }

    /// The issuer as one line.
    pub fn issuer(&self) -> String {
        name::display(&self.0.parsed.tbs_certificate.issuer)
    }

    /// The serial number's bytes (big-endian, as encoded).
    pub fn serial(&self) -> &[u8] {
        self.0.parsed.tbs_certificate.serial_number.as_bytes()
    }

    /// notBefore.
    pub fn not_before(&self) -> DateTime<Utc> {
        to_datetime(self.0.not_before)
    }

    /// notAfter.
    pub fn not_after(&self) -> DateTime<Utc> {
        to_datetime(self.0.not_after)
    }

    /// Whether basicConstraints says cA=TRUE.
    pub fn is_ca(&self) -> bool {
        self.0
            .ext
            .basic_constraints
            .as_ref()
            .is_some_and(|bc| bc.ca)
    }

    /// Whether the key-usage extension is absent or has `bit`.
    pub fn allows_key_usage(&self, bit: KeyUsageBit) -> bool {
        self.0
            .ext
            .key_usage
            .is_none_or(|bits| bits & (1 << bit.position()) != 0)
    }

    /// The OCSP responder URLs of the AIA extension.
    pub fn ocsp_urls(&self) -> &[String] {
        &self.0.ext.ocsp_urls
    }

    /// The caIssuers URLs of the AIA extension.
    pub fn ca_issuer_urls(&self) -> &[String] {
        &self.0.ext.ca_issuer_urls
    }

    /// The HTTP(S) URLs of the CRL distribution points.
    pub fn crl_urls(&self) -> Vec<String> {
        let mut urls = Vec::new();
        for dp in self
            .0
            .ext
            .crl_distribution_points
            .iter()
            .flat_map(|dps| dps.0.iter())
        {
            if let Some(DistributionPointName::FullName(names)) = &dp.distribution_point {
                for gn in names {
                    if let GeneralName::UniformResourceIdentifier(uri) = gn {
                        let uri = uri.as_str();
                        if uri.starts_with("http://") || uri.starts_with("https://") {
                            urls.push(uri.to_owned());
                        }
                    }
                }
            }
        }
        urls
    }

    /// Whether subject and issuer are the same name (RFC 5280 "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.0.subject_key == self.0.issuer_key
    }
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .field("fingerprint", &hex::encode(self.0.fingerprint))
            .finish()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0.fingerprint == other.0.fingerprint
    }
}
impl Eq for Certificate {}

pub(crate) fn unix(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

pub(crate) fn to_datetime(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Byte range of the first element (the signed part) inside an outer SEQUENCE.
pub(crate) fn tbs_range(der: &[u8]) -> Result<std::ops::Range<usize>, ParseError> {
    let err = ParseError::der("signed object");
    let mut reader = SliceReader::new(der).map_err(&err)?;
    let header = der::Header::decode(&mut reader).map_err(&err)?;
    let start = usize::try_from(reader.position()).map_err(&err)?;
    let _ = header;
    let tbs = reader.tlv_bytes().map_err(&err)?;
    let end = start.checked_add(tbs.len()).ok_or(ParseError::Der {
        what: "signed object",
        kind: der::ErrorKind::Overflow,
    })?;
    Ok(start..end)
}

impl Extensions {
    fn decode(list: &[x509_cert::ext::Extension]) -> Result<Extensions, ParseError> {
        let mut ext = Extensions::default();
        let mut seen: Vec<ObjectIdentifier> = Vec::with_capacity(list.len());
        for e in list {
            if seen.contains(&e.extn_id) {
                return Err(ParseError::DuplicateExtension { oid: e.extn_id });
            }
            seen.push(e.extn_id);
            let bad = || ParseError::BadExtension { oid: e.extn_id };
            let value = e.extn_value.as_bytes();
            match e.extn_id {
                oid::BASIC_CONSTRAINTS => {
                    ext.basic_constraints =
                        Some(BasicConstraints::from_der(value).map_err(|_| bad())?)
                }
                oid::KEY_USAGE => {
                    let ku = KeyUsage::from_der(value).map_err(|_| bad())?;
                    ext.key_usage = Some(ku.0.bits());
                }
                oid::EXT_KEY_USAGE => {
                    let eku = ExtendedKeyUsage::from_der(value).map_err(|_| bad())?;
                    if eku.0.is_empty() {
                        return Err(bad());
                    }
                    ext.eku = Some(eku.0);
                    ext.eku_critical = e.critical;
                }
                oid::SUBJECT_ALT_NAME => {
                    let san = SubjectAltName::from_der(value).map_err(|_| bad())?;
                    if san.0.is_empty() {
                        return Err(bad());
                    }
                    for gn in &san.0 {
                        check_general_name_syntax(gn).map_err(|_| bad())?;
                    }
                    ext.san = san.0;
                }
                oid::NAME_CONSTRAINTS => {
                    let nc = NameConstraints::from_der(value).map_err(|_| bad())?;
                    let empty =
                        |s: &Option<Vec<GeneralSubtree>>| s.as_ref().is_none_or(Vec::is_empty);
                    if empty(&nc.permitted_subtrees) && empty(&nc.excluded_subtrees) {
                        return Err(bad());
                    }
                    let present_but_empty =
                        |s: &Option<Vec<GeneralSubtree>>| s.as_ref().is_some_and(Vec::is_empty);
                    if present_but_empty(&nc.permitted_subtrees)
                        || present_but_empty(&nc.excluded_subtrees)
                    {
                        return Err(bad());
                    }
                    ext.name_constraints = Some(nc);
                }
                oid::SUBJECT_KEY_ID => {
                    let ski = SubjectKeyIdentifier::from_der(value).map_err(|_| bad())?;
                    ext.subject_key_id = Some(ski.0.as_bytes().to_vec());
                }
                oid::AUTHORITY_KEY_ID => {
                    let aki = AuthorityKeyIdentifier::from_der(value).map_err(|_| bad())?;
                    ext.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                oid::CERT_POLICIES => {
                    ext.policies = Some(CertificatePolicies::from_der(value).map_err(|_| bad())?)
                }
                oid::POLICY_MAPPINGS => {
                    ext.policy_mappings = Some(PolicyMappings::from_der(value).map_err(|_| bad())?)
                }
                oid::POLICY_CONSTRAINTS => {
                    let pc = PolicyConstraints::from_der(value).map_err(|_| bad())?;
                    if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                        return Err(bad());
                    }
                    ext.policy_constraints = Some(pc);
                }
                oid::INHIBIT_ANY_POLICY => {
                    ext.inhibit_any_policy =
                        Some(InhibitAnyPolicy::from_der(value).map_err(|_| bad())?.0)
                }
                oid::CRL_DISTRIBUTION_POINTS => {
                    ext.crl_distribution_points =
                        Some(CrlDistributionPoints::from_der(value).map_err(|_| bad())?)
                }
                oid::AUTHORITY_INFO_ACCESS => {
                    // RFC 5280 §4.2.2.1: conforming CAs MUST mark this extension non-critical.
                    if e.critical {
                        return Err(bad());
                    }
                    let aia = AuthorityInfoAccessSyntax::from_der(value).map_err(|_| bad())?;
                    for ad in aia.0 {
                        if let GeneralName::UniformResourceIdentifier(uri) = ad.access_location {
                            if ad.access_method == oid::AD_OCSP {
                                ext.ocsp_urls.push(uri.as_str().to_owned());
                            } else if ad.access_method == oid::AD_CA_ISSUERS {
                                ext.ca_issuer_urls.push(uri.as_str().to_owned());
                            }
                        }
                    }
                }
                oid::OCSP_NOCHECK => ext.ocsp_nocheck = true,
                oid::ISSUER_ALT_NAME
                | oid::FRESHEST_CRL
                | oid::PRIVATE_KEY_USAGE_PERIOD
                | oid::SUBJECT_DIRECTORY_ATTRIBUTES => {
                    if e.critical && e.extn_id != oid::ISSUER_ALT_NAME {
                        ext.unknown_critical.get_or_insert(e.extn_id);
                    }
                }
                other => {
                    if e.critical {
                        ext.unknown_critical.get_or_insert(other);
                    }
                }
            }
        }
        Ok(ext)
    }
}

/// RFC 5280 syntax of the SAN forms kyso checks constraints on: a dNSName is a
/// preferred-name-syntax host (a leading `*.` label allowed), an iPAddress is 4 or 16 bytes,
/// an rfc822Name is `local@domain`.
fn check_general_name_syntax(gn: &GeneralName) -> Result<(), ()> {
    match gn {
        GeneralName::DnsName(dns) => {
            let s = dns.as_str();
            let host = s.strip_prefix("*.").unwrap_or(s);
            if crate::constraints::is_dns_name(host) {
                Ok(())
            } else {
                Err(())
            }
        }
        GeneralName::IpAddress(ip) => match ip.as_bytes().len() {
            4 | 16 => Ok(()),
            _ => Err(()),
        },
        GeneralName::Rfc822Name(mail) => match mail.as_str().rsplit_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !local.contains('@')
                    && !local
                        .bytes()
                        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
                    && crate::constraints::is_dns_name(domain) =>
            {
                Ok(())
            }
            _ => Err(()),
        },
        GeneralName::UniformResourceIdentifier(uri) => {
            if is_absolute_uri(uri.as_str()) {
                Ok(())
            } else {
                Err(())
            }
        }
        _ => Ok(()),
    }
}

/// RFC 5280 §4.2.1.6: a URI name "MUST NOT be a relative URI", follows RFC 3986, has a scheme
/// and a scheme-specific part, and when it has an authority its host is a domain name or an
/// IP address.
///
/// kyso is stricter in one respect: the scheme may hold letters, digits, `+` and `-` but not
/// `.`. Schemes with dots are vanishingly rare, while a host name in the scheme position
/// (`bad.example.com:test.localhost`) is how names are smuggled past DNS constraints.
fn is_absolute_uri(uri: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b);
    if !uri.bytes().all(allowed) {
        return false;
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    let starts_alpha = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    if !starts_alpha || !scheme_bytes.all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-') {
        return false;
    }
    if rest.is_empty() {
        return false;
    }
    let Some(hier) = rest.strip_prefix("//") else {
        return true;
    };
    let authority = hier.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(v6) = host_port.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return false;
        };
        return addr.parse::<std::net::Ipv6Addr>().is_ok()
            && (after.is_empty()
                || after
                    .strip_prefix(':')
                    .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit())));
    }
    let (host, port) = match host_port.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host_port, None),
    };
    if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    host.parse::<std::net::Ipv4Addr>().is_ok() || crate::constraints::is_dns_name(host)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    use openssl::x509::{X509Name, X509};

    fn self_signed(cn: &str) -> Vec<u8> {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
        let key = PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey");
        let mut name = X509Name::builder().expect("name");
        name.append_entry_by_nid(Nid::COMMONNAME, cn).expect("cn");
        let name = name.build();
        let mut builder = X509::builder().expect("builder");
        builder.set_version(2).expect("version");
        builder.set_subject_name(&name).expect("subject");
        builder.set_issuer_name(&name).expect("issuer");
        builder.set_pubkey(&key).expect("key");
        let now = openssl::asn1::Asn1Time::days_from_now(0).expect("now");
        let later = openssl::asn1::Asn1Time::days_from_now(1).expect("later");
        builder.set_not_before(&now).expect("nb");
        builder.set_not_after(&later).expect("na");
        builder.sign(&key, MessageDigest::sha256()).expect("sign");
        builder.build().to_der().expect("der")
    }

    #[test]
    fn decoding_the_same_bytes_again_shares_the_first_decoding() {
        let der = self_signed("cache one");
        let first = Certificate::from_der(&der).expect("decodes");
        let again = Certificate::from_der(&der).expect("decodes");
        assert!(Arc::ptr_eq(&first.0, &again.0));
        assert_eq!(again.der(), der.as_slice());
        assert_eq!(first.fingerprint(), <[u8; 32]>::from(Sha256::digest(&der)));
        let other = Certificate::from_der(&self_signed("cache two")).expect("decodes");
        assert!(!Arc::ptr_eq(&first.0, &other.0));
        assert_ne!(other.subject(), first.subject());
        // Undecodable bytes stay an error every time (nothing is remembered for them).
        let mut broken = der.clone();
        broken.truncate(der.len() - 1);
        for _ in 0..2 {
            assert!(Certificate::from_der(&broken).is_err());
        }
        assert!(decoded_cache().bytes <= DECODED_CACHE_BYTES);
    }
}
