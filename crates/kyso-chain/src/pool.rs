//! A bag of certificates indexed by subject, with the signature cache of the validations run
//! against it.

use std::collections::HashMap;

use crate::cert::Certificate;
use crate::name::NameKey;
use crate::signature::SignatureCache;

/// Candidate certificates (intermediates or anchors), found by subject name.
///
/// Invariant: no two entries have the same fingerprint; insertion order is kept, so path
/// building is deterministic.
#[derive(Debug, Default)]
pub struct CertPool {
    certs: Vec<Certificate>,
    by_subject: HashMap<NameKey, Vec<usize>>,
    cache: SignatureCache,
}

impl CertPool {
    /// An empty pool.
    pub fn new() -> CertPool {
        CertPool::default()
    }

    /// A pool holding `certs` (duplicates dropped).
    pub fn from_certs(certs: impl IntoIterator<Item = Certificate>) -> CertPool {
        let mut pool = CertPool::new();
        for cert in certs {
            pool.add(cert);
        }
        pool
    }

    /// Adds a certificate; returns false if it was already present.
    pub fn add(&mut self, cert: Certificate) -> bool {
        if self.contains(&cert) {
            return false;
        }
        let index = self.certs.len();
        self.by_subject
            .entry(cert.data().subject_key.clone())
            .or_default()
            .push(index);
        self.certs.push(cert);
        true
    }

    /// Whether a certificate with the same DER is present.
    pub fn contains(&self, cert: &Certificate) -> bool {
        self.by_subject
            .get(&cert.data().subject_key)
            .is_some_and(|list| {
                list.iter()
                    .filter_map(|&i| self.certs.get(i))
                    .any(|c| c == cert)
            })
    }

    /// Every certificate, in insertion order.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Certificates whose subject is the issuer of `cert`.
    pub(crate) fn issuers_of<'a>(
        &'a self,
        cert: &Certificate,
    ) -> impl Iterator<Item = &'a Certificate> + 'a {
        self.by_subject
            .get(&cert.data().issuer_key)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.certs.get(i))
    }

    /// The cache of signature checks made against this pool.
    pub fn signature_cache(&self) -> &SignatureCache {
        &self.cache
    }
}
