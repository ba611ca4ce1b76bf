//! Revocation status from CRLs and OCSP responses: supplied by the caller (embedded in a
//! signature, a PDF's DSS, files) or fetched online.

use chrono::{DateTime, Utc};

use crate::cert::{to_datetime, Certificate};
use crate::crl::{cmp_numbers, Crl, CrlEntry};
use crate::error::{KeyUsageBit, RevocationProblem, RevocationReason};
use crate::fetch::Fetcher;
use crate::ocsp::{OcspCertStatus, OcspResponseData};
use crate::policy::ValidationPolicy;
use crate::pool::CertPool;

/// How long an OCSP response without nextUpdate stays usable after its thisUpdate.
pub const OCSP_MAX_AGE_SECS: i64 = 7 * 24 * 3600;

/// Revocation evidence available to a validation.
#[derive(Debug, Default)]
pub struct RevocationSources {
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponseData>,
    online: Option<Fetcher>,
}

impl RevocationSources {
    /// No evidence and no network.
    pub fn new() -> RevocationSources {
        RevocationSources::default()
    }

    /// Adds a decoded CRL.
    pub fn add_crl(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    /// Adds a decoded OCSP response.
    pub fn add_ocsp(&mut self, response: OcspResponseData) {
        self.ocsp.push(response);
    }

    /// Adds a DER CRL (e.g. from a CMS `crls` field or a DSS stream).
    pub fn add_crl_der(&mut self, der: &[u8]) -> Result<(), crate::ParseError> {
        self.crls.push(Crl::from_der(der)?);
        Ok(())
    }

    /// Adds a DER OCSPResponse (e.g. from an adbe-revocationInfoArchival attribute).
    pub fn add_ocsp_der(&mut self, der: &[u8]) -> Result<(), crate::ParseError> {
        self.ocsp.push(OcspResponseData::from_der(der)?);
        Ok(())
    }

    /// Allows fetching: AIA caIssuers, OCSP responders and CRL distribution points.
    pub fn set_online(&mut self, fetcher: Fetcher) {
        self.online = Some(fetcher);
    }

    /// The fetcher, when online.
    pub fn online(&self) -> Option<&Fetcher> {
        self.online.as_ref()
    }

    /// Whether no evidence was supplied and nothing may be fetched.
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsp.is_empty() && self.online.is_none()
    }
}

/// Where a status came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// A CRL.
    Crl,
    /// An OCSP response.
    Ocsp,
}

/// The revocation status of one certificate at the validation time.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Not revoked at the validation time (possibly revoked later).
    Good {
        /// The evidence.
        source: EvidenceKind,
        /// Its thisUpdate.
        this_update: DateTime<Utc>,
    },
    /// Revoked at or before the validation time.
    Revoked {
        /// The evidence.
        source: EvidenceKind,
        /// Revocation time.
        at: DateTime<Utc>,
        /// Reason code.
        reason: RevocationReason,
    },
    /// No usable evidence.
    Unknown {
        /// Why (the most specific problem met).
        why: RevocationProblem,
    },
}

/// The status of `cert`, issued by `issuer`, at `policy.time`.
pub(crate) fn status(
    cert: &Certificate,
    issuer: &Certificate,
    policy: &ValidationPolicy,
    sources: &RevocationSources,
    pool: &CertPool,
) -> RevocationStatus {
    let mut why = RevocationProblem::NoEvidence;
    let check = Check {
        cert,
        issuer,
        policy,
        pool,
        at: policy.time.timestamp(),
    };
    for response in &sources.ocsp {
        match check.ocsp(response) {
            Ok(Some(status)) => return status,
            Ok(None) => {}
            Err(problem) => why = problem,
        }
    }
    for crl in &sources.crls {
        match check.crl(crl, &sources.crls) {
            Ok(Some(status)) => return status,
            Ok(None) => {}
            Err(problem) => why = problem,
        }
    }
    if let Some(fetcher) = &sources.online {
        match check.online(fetcher) {
            Ok(status) => return status,
            Err(problem) => why = problem,
        }
    }
    RevocationStatus::Unknown { why }
}

struct Check<'a> {
    cert: &'a Certificate,
    issuer: &'a Certificate,
    policy: &'a ValidationPolicy,
    pool: &'a CertPool,
    at: i64,
}

impl Check<'_> {
    /// `Ok(None)`: the CRL is not about this certificate. `Err`: it is, but unusable.
    /// A usable full CRL is completed by any usable delta CRL in `all` based on it.
    fn crl(&self, crl: &Crl, all: &[Crl]) -> Result<Option<RevocationStatus>, RevocationProblem> {
        if crl.delta_base.is_some() || !self.speaks_about(crl) {
            return Ok(None);
        }
        self.usable(crl)?;
        let mut entry = crl.lookup(self.cert);
        let mut this_update = crl.this_update;
        let deltas = all.iter().filter(|d| {
            d.delta_base
                .as_deref()
                .is_some_and(|base| cmp_numbers(base, &crl.number).is_le())
                && cmp_numbers(&d.number, &crl.number).is_gt()
                && self.speaks_about(d)
                && self.usable(d).is_ok()
        });
        for delta in deltas {
            match delta.lookup(self.cert) {
                CrlEntry::NotListed => {}
                listed => entry = listed,
            }
            this_update = this_update.max(delta.this_update);
        }
        Ok(Some(match entry {
            CrlEntry::Revoked { at, reason } if at <= self.at => RevocationStatus::Revoked {
                source: EvidenceKind::Crl,
                at: to_datetime(at),
                reason,
            },
            _ => RevocationStatus::Good {
                source: EvidenceKind::Crl,
                this_update: to_datetime(this_update),
            },
        }))
    }

    /// Whether the CRL is issued by the certificate's issuer and its scope covers it.
    fn speaks_about(&self, crl: &Crl) -> bool {
        crl.issuer_key == self.cert.data().issuer_key && crl.covers(self.cert)
    }

    /// Signature by the issuer's key (which may sign CRLs), no unknown critical extension,
    /// and fresh at the validation time.
    fn usable(&self, crl: &Crl) -> Result<(), RevocationProblem> {
        let (message, alg, signature) = crl.signed_parts();
        if self
            .pool
            .signature_cache()
            .verify(
                &self.issuer.data().spki_der,
                alg,
                message,
                signature,
                self.policy.min_rsa_bits,
            )
            .is_err()
        {
            return Err(RevocationProblem::CrlSignature);
        }
        if !self.issuer.allows_key_usage(KeyUsageBit::CrlSign) {
            return Err(RevocationProblem::CrlIssuerNotAllowed);
        }
        if crl.unknown_critical.is_some() {
            return Err(RevocationProblem::CrlUnknownCriticalExtension);
        }
        let fresh =
            crl.this_update >= self.at || crl.next_update.is_none_or(|next| next >= self.at);
        if !fresh {
            return Err(RevocationProblem::CrlStale);
        }
        if crl.this_update > self.at && self.cert.data().not_after < crl.this_update {
            // Expired certificates may be dropped from later CRLs (RFC 5280 §3.3).
            return Err(RevocationProblem::CrlAfterExpiry);
        }
        Ok(())
    }

    fn ocsp(
        &self,
        response: &OcspResponseData,
    ) -> Result<Option<RevocationStatus>, RevocationProblem> {
        let Some(single) = response.status_of(self.cert, self.issuer) else {
            return Ok(None);
        };
        self.check_responder(response)?;
        let fresh = single.this_update >= self.at
            || match single.next_update {
                Some(next) => next >= self.at,
                None => self.at.saturating_sub(single.this_update) <= OCSP_MAX_AGE_SECS,
            };
        if !fresh {
            return Err(RevocationProblem::OcspStale);
        }
        match single.status {
            OcspCertStatus::Good => Ok(Some(RevocationStatus::Good {
                source: EvidenceKind::Ocsp,
                this_update: to_datetime(single.this_update),
            })),
            OcspCertStatus::Revoked { at, reason } if at <= self.at => {
                Ok(Some(RevocationStatus::Revoked {
                    source: EvidenceKind::Ocsp,
                    at: to_datetime(at),
                    reason,
                }))
            }
            OcspCertStatus::Revoked { .. } => Ok(Some(RevocationStatus::Good {
                source: EvidenceKind::Ocsp,
                this_update: to_datetime(single.this_update),
            })),
            OcspCertStatus::Unknown => Err(RevocationProblem::OcspUnknownCertificate),
        }
    }

    /// The response must be signed by the issuing CA or by a responder it delegated to
    /// (RFC 6960 §4.2.2.2: issued by the CA, with id-kp-OCSPSigning).
    fn check_responder(&self, response: &OcspResponseData) -> Result<(), RevocationProblem> {
        let (message, alg, signature) = response.signed_parts();
        let cache = self.pool.signature_cache();
        let min = self.policy.min_rsa_bits;
        if response.responder_is(self.issuer) {
            return cache
                .verify(&self.issuer.data().spki_der, alg, message, signature, min)
                .map(|_| ())
                .map_err(|_| RevocationProblem::OcspSignature);
        }
        let delegated = response
            .certs
            .iter()
            .filter(|c| response.responder_is(c))
            .find(|responder| {
                let d = responder.data();
                d.issuer_key == self.issuer.data().subject_key
                    && crate::path::verify_cert_signature(
                        responder,
                        self.issuer,
                        self.policy,
                        self.pool,
                    )
                    .is_ok()
                    && d.ext
                        .eku
                        .as_ref()
                        .is_some_and(|ekus| ekus.contains(&crate::policy::eku::OCSP_SIGNING))
                    && d.not_before <= response.produced_at
                    && response.produced_at <= d.not_after
            });
        if let Some(responder) = delegated {
            return cache
                .verify(&responder.data().spki_der, alg, message, signature, min)
                .map(|_| ())
                .map_err(|_| RevocationProblem::OcspSignature);
        }
        Err(RevocationProblem::OcspUnauthorisedResponder)
    }

    fn online(&self, fetcher: &Fetcher) -> Result<RevocationStatus, RevocationProblem> {
        let mut why = RevocationProblem::NoEvidence;
        if let Ok(request) = crate::ocsp::request_der(self.cert, self.issuer) {
            for url in self.cert.ocsp_urls() {
                let Ok(body) = fetcher.post_ocsp(url, &request) else {
                    why = RevocationProblem::OcspUnreachable;
                    continue;
                };
                match OcspResponseData::from_der(&body) {
                    Ok(response) => match self.ocsp(&response) {
                        Ok(Some(status)) => return Ok(status),
                        Ok(None) => why = RevocationProblem::OcspUnusable,
                        Err(problem) => why = problem,
                    },
                    Err(_) => why = RevocationProblem::OcspUnusable,
                }
            }
        }
        for url in self.cert.crl_urls() {
            let Ok(body) = fetcher.get(&url) else {
                why = RevocationProblem::CrlUnreachable;
                continue;
            };
            match Crl::all_from_pem_or_der(&body) {
                Ok(crls) => {
                    for crl in &crls {
                        match self.crl(crl, &crls) {
                            Ok(Some(status)) => return Ok(status),
                            Ok(None) => why = RevocationProblem::CrlUnusable,
                            Err(problem) => why = problem,
                        }
                    }
                }
                Err(_) => why = RevocationProblem::CrlUnusable,
            }
        }
        Err(why)
    }
}
