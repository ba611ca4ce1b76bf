//! Certificate revocation lists (RFC 5280 §5, §6.3), decoded and judged for one certificate.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{BaseCrlNumber, CrlNumber, CrlReason};

use crate::cert::{tbs_range, unix, Certificate};
use crate::error::{ParseError, RevocationReason};
use crate::name::NameKey;

/// Largest CRL kyso decodes (national CAs publish CRLs of a few MiB).
pub const MAX_CRL_SIZE: usize = 64 * 1024 * 1024;

mod oids {
    use const_oid::ObjectIdentifier as O;
    pub(super) const CRL_NUMBER: O = O::new_unwrap("2.5.29.20");
    pub(super) const DELTA_CRL_INDICATOR: O = O::new_unwrap("2.5.29.27");
    pub(super) const ISSUING_DISTRIBUTION_POINT: O = O::new_unwrap("2.5.29.28");
    pub(super) const AUTHORITY_KEY_ID: O = O::new_unwrap("2.5.29.35");
    pub(super) const FRESHEST_CRL: O = O::new_unwrap("2.5.29.46");
    pub(super) const AUTHORITY_INFO_ACCESS: O = O::new_unwrap("1.3.6.1.5.5.7.1.1");
    pub(super) const REASON_CODE: O = O::new_unwrap("2.5.29.21");
}

/// A decoded CRL.
///
/// Invariant: the CRL decoded, carries a non-critical cRLNumber (RFC 5280 §5.2.3 makes it
/// mandatory), and has no repeated extension. Whether it is *usable* for a certificate
/// (signature, scope, freshness) is decided when a validation consults it.
#[derive(Clone, Debug)]
pub struct Crl {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    parsed: CertificateList,
    pub(crate) issuer_key: NameKey,
    pub(crate) this_update: i64,
    pub(crate) next_update: Option<i64>,
    pub(crate) idp: Option<IssuingDistributionPoint>,
    /// cRLNumber, big-endian without leading zeros.
    pub(crate) number: Vec<u8>,
    /// For a delta CRL, the BaseCRLNumber it completes (RFC 5280 §5.2.4).
    pub(crate) delta_base: Option<Vec<u8>>,
    pub(crate) unknown_critical: Option<ObjectIdentifier>,
}

/// What a CRL says about one serial number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CrlEntry {
    NotListed,
    /// Listed with reason removeFromCRL (in a delta CRL: the hold was released).
    Removed,
    Revoked {
        at: i64,
        reason: RevocationReason,
    },
}

impl Crl {
    /// Decodes one DER CRL.
    pub fn from_der(der: &[u8]) -> Result<Crl, ParseError> {
        if der.len() > MAX_CRL_SIZE {
            return Err(ParseError::TooLarge {
                what: "CRL",
                limit: MAX_CRL_SIZE,
            });
        }
        let parsed = CertificateList::from_der(der).map_err(ParseError::der("CRL"))?;
        let tbs = tbs_range(der)?;
        let list = &parsed.tbs_cert_list;
        if parsed.signature_algorithm != list.signature {
            return Err(ParseError::SignatureAlgorithmMismatch);
        }
        let mut idp = None;
        let mut delta_base = None;
        let mut number = Vec::new();
        let mut unknown_critical = None;
        let mut has_number = false;
        let mut seen = Vec::new();
        for e in list.crl_extensions.iter().flatten() {
            if seen.contains(&e.extn_id) {
                return Err(ParseError::DuplicateExtension { oid: e.extn_id });
            }
            seen.push(e.extn_id);
            let bad = ParseError::BadExtension { oid: e.extn_id };
            match e.extn_id {
                oids::CRL_NUMBER => {
                    // RFC 5280 §5.2.3: "this extension MUST be non-critical".
                    if e.critical {
                        return Err(bad);
                    }
                    let n = CrlNumber::from_der(e.extn_value.as_bytes()).map_err(|_| bad)?;
                    number = trim_integer(n.0.as_bytes());
                    has_number = true;
                }
                oids::DELTA_CRL_INDICATOR => {
                    // RFC 5280 §5.2.4: "This extension MUST be critical".
                    if !e.critical {
                        return Err(bad);
                    }
                    let base = BaseCrlNumber::from_der(e.extn_value.as_bytes()).map_err(|_| bad)?;
                    delta_base = Some(trim_integer(base.0.as_bytes()));
                }
                oids::ISSUING_DISTRIBUTION_POINT => {
                    idp = Some(
                        IssuingDistributionPoint::from_der(e.extn_value.as_bytes())
                            .map_err(|_| bad)?,
                    )
                }
                oids::AUTHORITY_KEY_ID | oids::FRESHEST_CRL | oids::AUTHORITY_INFO_ACCESS => {}
                other => {
                    if e.critical {
                        unknown_critical.get_or_insert(other);
                    }
                }
            }
        }
        if !has_number {
            return Err(ParseError::BadExtension {
                oid: oids::CRL_NUMBER,
            });
        }
        Ok(Crl {
            issuer_key: NameKey::of(&list.issuer),
            this_update: unix(list.this_update.to_unix_duration()),
            next_update: list.next_update.map(|t| unix(t.to_unix_duration())),
            idp,
            number,
            delta_base,
            unknown_critical,
            tbs,
            der: der.to_vec(),
            parsed,
        })
    }

    /// Decodes every CRL in `bytes` (PEM blocks `X509 CRL`, or one DER object).
    pub fn all_from_pem_or_der(bytes: &[u8]) -> Result<Vec<Crl>, ParseError> {
        crate::pem::decode_all(bytes, "X509 CRL", "CRL")?
            .iter()
            .map(|der| Crl::from_der(der))
            .collect()
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The signed part and the signature, for verification.
    pub(crate) fn signed_parts(&self) -> (&[u8], &spki::AlgorithmIdentifierOwned, &[u8]) {
        (
            self.der.get(self.tbs.clone()).unwrap_or(&[]),
            &self.parsed.signature_algorithm,
            self.parsed.signature.as_bytes().unwrap_or(&[]),
        )
    }

    /// Whether this CRL's scope (issuing distribution point) covers `cert` for all reasons.
    pub(crate) fn covers(&self, cert: &Certificate) -> bool {
        let Some(idp) = &self.idp else {
            return true;
        };
        if idp.indirect_crl || idp.only_some_reasons.is_some() || idp.only_contains_attribute_certs
        {
            return false;
        }
        if idp.only_contains_ca_certs && !cert.is_ca() {
            return false;
        }
        if idp.only_contains_user_certs && cert.is_ca() {
            return false;
        }
        match &idp.distribution_point {
            None => true,
            Some(DistributionPointName::FullName(idp_names)) => {
                let cert_dps = cert.data().ext.crl_distribution_points.as_ref();
                let Some(dps) = cert_dps else {
                    return false;
                };
                dps.0.iter().any(|dp| match &dp.distribution_point {
                    Some(DistributionPointName::FullName(names)) => names
                        .iter()
                        .any(|n| idp_names.iter().any(|m| same_general_name(n, m))),
                    _ => false,
                })
            }
            Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => false,
        }
    }

    /// Looks `cert`'s serial number up in the list.
    pub(crate) fn lookup(&self, cert: &Certificate) -> CrlEntry {
        let serial = cert.serial();
        let entries = self
            .parsed
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten();
        for entry in entries {
            if entry.serial_number.as_bytes() != serial {
                continue;
            }
            let mut reason = RevocationReason::Unspecified;
            for e in entry.crl_entry_extensions.iter().flatten() {
                if e.extn_id == oids::REASON_CODE {
                    if let Ok(r) = CrlReason::from_der(e.extn_value.as_bytes()) {
                        reason = RevocationReason::from_code(r as u32);
                    }
                }
            }
            if reason == RevocationReason::RemoveFromCrl {
                return CrlEntry::Removed;
            }
            return CrlEntry::Revoked {
                at: unix(entry.revocation_date.to_unix_duration()),
                reason,
            };
        }
        CrlEntry::NotListed
    }
}

fn same_general_name(a: &GeneralName, b: &GeneralName) -> bool {
    match (a, b) {
        (GeneralName::DirectoryName(x), GeneralName::DirectoryName(y)) => {
            NameKey::of(x) == NameKey::of(y)
        }
        _ => a == b,
    }
}

fn trim_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or(&[]).to_vec()
}

/// Orders two unsigned big-endian integers without leading zeros.
pub(crate) fn cmp_numbers(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}
