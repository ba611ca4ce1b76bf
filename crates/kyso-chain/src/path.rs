//! Path building (depth-first with backtracking over every candidate issuer) and RFC 5280 §6
//! validation of each complete candidate path.

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;

use crate::cert::{oid, to_datetime, Certificate};
use crate::constraints::{self, NcError, NAME_CONSTRAINT_BUDGET};
use crate::error::{ChainError, KeyUsageBit, RevocationProblem};
use crate::policy::{eku, LeafProfile, RevocationMode, Sha1Policy, ValidationPolicy};
use crate::pool::CertPool;
use crate::revocation::{self, RevocationSources, RevocationStatus};
use crate::signature::{Hash, SigError};

/// Signature checks one validation may make (cache hits included). A real pool needs a
/// handful; the cap ends hostile pools (cycles, thousands of same-named CAs) quickly.
const SIGNATURE_BUDGET: usize = 256;
/// Candidate issuers one validation may try.
const NODE_BUDGET: usize = 2048;

/// A path that validated: leaf first, trust anchor last.
///
/// Invariant: only [`validate`] constructs it, after every check of RFC 5280 §6.1 that kyso
/// implements passed for `certificates()` at the policy's time.
#[derive(Clone, Debug)]
pub struct ValidatedPath {
    certs: Vec<Certificate>,
    revocation: Vec<RevocationStatus>,
    warnings: Vec<Warning>,
}

impl ValidatedPath {
    /// The path: leaf, intermediates, anchor.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// The leaf.
    pub fn leaf(&self) -> Option<&Certificate> {
        self.certs.first()
    }

    /// The trust anchor the path ends at.
    pub fn anchor(&self) -> Option<&Certificate> {
        self.certs.last()
    }

    /// The revocation status found for each certificate below the anchor (leaf first);
    /// empty when revocation checking was off.
    pub fn revocation(&self) -> &[RevocationStatus] {
        &self.revocation
    }

    /// What passed but deserves a mention (SHA-1 accepted, revocation unknown in soft-fail).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Something that did not fail the path but a report should show.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A certificate is signed with SHA-1 and the policy accepted it.
    Sha1Signature {
        /// The certificate.
        subject: String,
    },
    /// The revocation status could not be established (soft-fail).
    RevocationUnknown {
        /// The certificate.
        subject: String,
        /// Why.
        why: RevocationProblem,
    },
}

/// Builds a path from `leaf` through `pool` to one of `policy.anchors` and validates it at
/// `policy.time`, checking revocation as `policy.revocation` says with `sources`.
///
/// Every candidate path is tried (cross-certificates, re-keyed or expired duplicates) until
/// one validates; the error returned is the one of the most complete path that failed.
pub fn validate(
    leaf: &Certificate,
    pool: &CertPool,
    policy: &ValidationPolicy,
    sources: &RevocationSources,
) -> Result<ValidatedPath, ChainError> {
    let mut search = Search {
        pool,
        policy,
        sources,
        at: policy.time.timestamp(),
        signatures_left: SIGNATURE_BUDGET,
        nodes_left: NODE_BUDGET,
        best_error: None,
        fetched: CertPool::new(),
    };
    let mut path = vec![leaf.clone()];
    match search.extend(&mut path)? {
        Some(found) => Ok(found),
        None => {
            Err(search
                .best_error
                .map(|(_, e)| e)
                .unwrap_or_else(|| ChainError::UnknownIssuer {
                    subject: leaf.subject(),
                }))
        }
    }
}

struct Search<'a> {
    pool: &'a CertPool,
    policy: &'a ValidationPolicy,
    sources: &'a RevocationSources,
    at: i64,
    signatures_left: usize,
    nodes_left: usize,
    /// The error to report, ranked: complete paths beat partial ones.
    best_error: Option<(u8, ChainError)>,
    /// Issuers fetched through AIA caIssuers during this validation.
    fetched: CertPool,
}

const RANK_PARTIAL: u8 = 1;
const RANK_COMPLETE: u8 = 2;

impl Search<'_> {
    fn note(&mut self, rank: u8, error: ChainError) {
        if self.best_error.as_ref().is_none_or(|(r, _)| *r < rank) {
            self.best_error = Some((rank, error));
        }
    }

    /// Tries to finish `path` (leaf first) at an anchor, then to extend it by one
    /// intermediate and recurse. `Err` only when the work budget runs out.
    fn extend(&mut self, path: &mut Vec<Certificate>) -> Result<Option<ValidatedPath>, ChainError> {
        let Some(top) = path.last().cloned() else {
            return Ok(None);
        };
        let anchors: Vec<Certificate> =
            ordered(self.policy.anchors.issuers_of(&top), &top, self.at);
        for anchor in anchors {
            if !self.signed_by(&top, &anchor)? {
                continue;
            }
            path.push(anchor);
            let outcome = check_path(path, self.policy, self.sources, self.pool);
            path.pop();
            match outcome {
                Ok(found) => return Ok(Some(found)),
                Err(e) => self.note(RANK_COMPLETE, e),
            }
        }
        let intermediates_so_far = path.len().saturating_sub(1);
        if intermediates_so_far >= self.policy.max_depth {
            self.note(
                RANK_PARTIAL,
                ChainError::MaxDepthExceeded {
                    max_depth: self.policy.max_depth,
                },
            );
            return Ok(None);
        }
        let mut candidates: Vec<Certificate> = ordered(self.pool.issuers_of(&top), &top, self.at);
        if candidates.is_empty() {
            candidates = self.fetch_issuers(&top);
        }
        for candidate in candidates {
            if path.contains(&candidate) {
                continue;
            }
            self.nodes_left = self
                .nodes_left
                .checked_sub(1)
                .ok_or(ChainError::BudgetExceeded)?;
            if !candidate.is_ca() {
                self.note(
                    RANK_PARTIAL,
                    ChainError::NotACa {
                        subject: candidate.subject(),
                    },
                );
                continue;
            }
            if !self.signed_by(&top, &candidate)? {
                continue;
            }
            path.push(candidate);
            let found = self.extend(path)?;
            path.pop();
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// Whether `issuer`'s key verifies `cert`'s signature (spending budget).
    fn signed_by(&mut self, cert: &Certificate, issuer: &Certificate) -> Result<bool, ChainError> {
        self.signatures_left = self
            .signatures_left
            .checked_sub(1)
            .ok_or(ChainError::BudgetExceeded)?;
        match verify_cert_signature(cert, issuer, self.policy, self.pool) {
            Ok(_) => Ok(true),
            Err(e) => {
                // A namesake whose key is of another type (an RSA CA of the same name as the
                // ECDSA one that signed) is not an issuer at all: nothing worth reporting.
                let spki_alg = issuer
                    .data()
                    .parsed
                    .tbs_certificate
                    .subject_public_key_info
                    .algorithm
                    .oid;
                if crate::signature::key_fits(&cert.data().parsed.signature_algorithm, spki_alg) {
                    self.note(RANK_PARTIAL, e);
                }
                Ok(false)
            }
        }
    }

    fn fetch_issuers(&mut self, cert: &Certificate) -> Vec<Certificate> {
        let Some(fetcher) = self.sources.online() else {
            return Vec::new();
        };
        for url in cert.ca_issuer_urls() {
            if let Ok(bytes) = fetcher.get(url) {
                let found = Certificate::all_from_pem_or_der(&bytes)
                    .or_else(|_| crate::pkcs7::certificates(&bytes))
                    .unwrap_or_default();
                for c in found {
                    self.fetched.add(c);
                }
            }
        }
        ordered(self.fetched.issuers_of(cert), cert, self.at)
    }
}

/// Candidates in the order most likely to succeed: AKI/SKI match first, then those valid at
/// the validation time, then the rest; stable otherwise.
fn ordered<'a>(
    candidates: impl Iterator<Item = &'a Certificate>,
    child: &Certificate,
    at: i64,
) -> Vec<Certificate> {
    let aki = child.data().ext.authority_key_id.as_deref();
    let mut list: Vec<(u8, Certificate)> = candidates
        .map(|c| {
            let d = c.data();
            let key_match = match (aki, d.ext.subject_key_id.as_deref()) {
                (Some(a), Some(s)) => a == s,
                _ => true,
            };
            let valid_now = d.not_before <= at && at <= d.not_after;
            let rank = u8::from(!key_match) * 2 + u8::from(!valid_now);
            (rank, c.clone())
        })
        .collect();
    list.sort_by_key(|(rank, _)| *rank);
    list.into_iter().map(|(_, c)| c).collect()
}

/// Checks `cert`'s signature with `issuer`'s key, under the policy's algorithm rules.
pub(crate) fn verify_cert_signature(
    cert: &Certificate,
    issuer: &Certificate,
    policy: &ValidationPolicy,
    pool: &CertPool,
) -> Result<Option<Hash>, ChainError> {
    let d = cert.data();
    let message = d.der.get(d.tbs.clone()).unwrap_or(&[]);
    let signature = d.parsed.signature.as_bytes().unwrap_or(&[]);
    let subject = || cert.subject();
    let alg = pool
        .signature_cache()
        .verify(
            &issuer.data().spki_der,
            &d.parsed.signature_algorithm,
            message,
            signature,
            policy.min_rsa_bits,
        )
        .map_err(|e| sig_error(e, subject(), d.parsed.signature_algorithm.oid))?;
    Ok(alg.hash())
}

pub(crate) fn sig_error(e: SigError, subject: String, alg: ObjectIdentifier) -> ChainError {
    match e {
        SigError::Invalid => ChainError::BadSignature { subject },
        SigError::WeakKey(bits) => ChainError::WeakKey { subject, bits },
        SigError::Unsupported(oid) => ChainError::UnsupportedAlgorithm {
            subject,
            oid: if oid == alg { alg } else { oid },
        },
    }
}

fn at_time(at: i64) -> DateTime<Utc> {
    to_datetime(at)
}

/// RFC 5280 §6.1 over a complete path (`path[0]` the leaf, the last element the anchor).
/// Signatures were verified while building; they are re-read from the cache here for the
/// algorithm policy.
fn check_path(
    path: &[Certificate],
    policy: &ValidationPolicy,
    sources: &RevocationSources,
    pool: &CertPool,
) -> Result<ValidatedPath, ChainError> {
    let at = policy.time.timestamp();
    let n = path.len().saturating_sub(1);
    let intermediates = n.saturating_sub(1);
    if intermediates > policy.max_depth {
        return Err(ChainError::MaxDepthExceeded {
            max_depth: policy.max_depth,
        });
    }
    let Some(anchor) = path.last() else {
        return Err(ChainError::BudgetExceeded);
    };
    let mut warnings = Vec::new();
    let mut nc_budget = NAME_CONSTRAINT_BUDGET;
    // Remaining CA certificates allowed below the current one (the anchor's own
    // pathLenConstraint counts, as in webpki and pyca).
    let mut path_len_left: Option<(u8, String)> = anchor
        .data()
        .ext
        .basic_constraints
        .as_ref()
        .and_then(|bc| bc.path_len_constraint)
        .map(|len| (len, anchor.subject()));

    for i in (0..n).rev() {
        let (Some(cert), Some(issuer)) = (path.get(i), path.get(i + 1)) else {
            continue;
        };
        let d = cert.data();
        let is_leaf = i == 0;
        let hash = verify_cert_signature(cert, issuer, policy, pool)?;
        if hash == Some(Hash::Sha1) {
            match policy.sha1 {
                Sha1Policy::Reject => {
                    return Err(ChainError::Sha1Rejected {
                        subject: cert.subject(),
                    })
                }
                Sha1Policy::Warn => warnings.push(Warning::Sha1Signature {
                    subject: cert.subject(),
                }),
            }
        }
        if at < d.not_before {
            return Err(ChainError::NotYetValid {
                subject: cert.subject(),
                at: at_time(at),
                not_before: to_datetime(d.not_before),
            });
        }
        if at > d.not_after {
            return Err(ChainError::Expired {
                subject: cert.subject(),
                at: at_time(at),
                not_after: to_datetime(d.not_after),
            });
        }
        if let Some(oid) = d.ext.unknown_critical {
            return Err(ChainError::UnknownCriticalExtension {
                subject: cert.subject(),
                oid,
            });
        }
        if is_leaf || !cert.is_self_issued() {
            for ca in path.iter().skip(i + 1) {
                if let Some(nc) = &ca.data().ext.name_constraints {
                    let result = constraints::check_syntax(nc)
                        .and_then(|()| constraints::check(cert, nc, &mut nc_budget));
                    match result {
                        Ok(()) => {}
                        Err(NcError::Budget) => return Err(ChainError::BudgetExceeded),
                        Err(NcError::Violation(name) | NcError::Malformed(name)) => {
                            return Err(ChainError::NameConstraintViolation {
                                subject: cert.subject(),
                                name,
                            })
                        }
                    }
                }
            }
        }
        if is_leaf {
            check_leaf_usage(cert, policy)?;
        } else {
            if !cert.is_ca() {
                return Err(ChainError::NotACa {
                    subject: cert.subject(),
                });
            }
            if !cert.allows_key_usage(KeyUsageBit::KeyCertSign) {
                return Err(ChainError::MissingKeyUsage {
                    subject: cert.subject(),
                    usage: KeyUsageBit::KeyCertSign,
                });
            }
            if !cert.is_self_issued() {
                if let Some((left, by)) = &mut path_len_left {
                    if *left == 0 {
                        return Err(ChainError::PathLenExceeded {
                            subject: by.clone(),
                        });
                    }
                    *left -= 1;
                }
            }
            if let Some(len) = d
                .ext
                .basic_constraints
                .as_ref()
                .and_then(|bc| bc.path_len_constraint)
            {
                if path_len_left.as_ref().is_none_or(|(left, _)| len < *left) {
                    path_len_left = Some((len, cert.subject()));
                }
            }
        }
    }
    crate::policy_tree::check(path)?;

    let mut statuses = Vec::new();
    if policy.revocation != RevocationMode::Off {
        for i in 0..n {
            let (Some(cert), Some(issuer)) = (path.get(i), path.get(i + 1)) else {
                continue;
            };
            let status = revocation::status(cert, issuer, policy, sources, pool);
            match &status {
                RevocationStatus::Revoked { at, reason, .. } => {
                    return Err(ChainError::Revoked {
                        subject: cert.subject(),
                        at: *at,
                        reason: *reason,
                    })
                }
                RevocationStatus::Unknown { why } => match policy.revocation {
                    RevocationMode::HardFail => {
                        return Err(ChainError::RevocationUnknown {
                            subject: cert.subject(),
                            why: *why,
                        })
                    }
                    _ => warnings.push(Warning::RevocationUnknown {
                        subject: cert.subject(),
                        why: *why,
                    }),
                },
                RevocationStatus::Good { .. } => {}
            }
            statuses.push(status);
        }
    }
    Ok(ValidatedPath {
        certs: path.to_vec(),
        revocation: statuses,
        warnings,
    })
}

fn check_leaf_usage(leaf: &Certificate, policy: &ValidationPolicy) -> Result<(), ChainError> {
    let d = leaf.data();
    match policy.leaf_profile {
        LeafProfile::Generic => {}
        LeafProfile::DocumentSigner => {
            if !leaf.allows_key_usage(KeyUsageBit::DigitalSignature)
                && !leaf.allows_key_usage(KeyUsageBit::ContentCommitment)
            {
                return Err(ChainError::MissingKeyUsage {
                    subject: leaf.subject(),
                    usage: KeyUsageBit::DigitalSignature,
                });
            }
        }
        LeafProfile::TimeStampingAuthority => {
            let only_timestamping = d.ext.eku.as_deref() == Some(&[eku::TIME_STAMPING][..]);
            if !only_timestamping || !d.ext.eku_critical {
                return Err(ChainError::EkuNotAllowed {
                    subject: leaf.subject(),
                    required: vec![eku::TIME_STAMPING],
                });
            }
        }
    }
    if !policy.required_ekus.is_empty() {
        if let Some(ekus) = &d.ext.eku {
            let allowed = ekus.iter().any(|e| {
                policy.required_ekus.contains(e) || (policy.any_eku_satisfies && *e == oid::ANY_EKU)
            });
            if !allowed {
                return Err(ChainError::EkuNotAllowed {
                    subject: leaf.subject(),
                    required: policy.required_ekus.clone(),
                });
            }
        }
    }
    let missing: Vec<KeyUsageBit> = policy
        .required_key_usages
        .iter()
        .copied()
        .filter(|bit| !leaf.allows_key_usage(*bit))
        .collect();
    let fails = if policy.key_usage_any_of {
        !policy.required_key_usages.is_empty() && missing.len() == policy.required_key_usages.len()
    } else {
        !missing.is_empty()
    };
    if fails {
        if let Some(usage) = missing.first() {
            return Err(ChainError::MissingKeyUsage {
                subject: leaf.subject(),
                usage: *usage,
            });
        }
    }
    Ok(())
}
