//! The Document Security Store (ETSI EN 319 142-1 §5.4): certificates, CRLs and OCSP
//! responses added after signing for long-term validation.

use crate::object::{Dict, Object};
use crate::Document;

/// Most DSS entries read per array (bounds a hostile DSS).
const MAX_DSS_ENTRIES: usize = 4096;

/// Certificates and revocation data (all DER), from a CMS or the DSS.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevocationMaterial {
    /// Certificates.
    pub certificates: Vec<Vec<u8>>,
    /// CRLs.
    pub crls: Vec<Vec<u8>>,
    /// OCSP responses (OCSPResponse or BasicOCSPResponse).
    pub ocsp_responses: Vec<Vec<u8>>,
}

impl RevocationMaterial {
    /// Adds what `other` holds.
    pub fn absorb(&mut self, other: &RevocationMaterial) {
        self.certificates.extend(other.certificates.iter().cloned());
        self.crls.extend(other.crls.iter().cloned());
        self.ocsp_responses
            .extend(other.ocsp_responses.iter().cloned());
    }

    /// Whether it holds revocation data (CRLs or OCSP responses).
    pub fn has_revocation_data(&self) -> bool {
        !self.crls.is_empty() || !self.ocsp_responses.is_empty()
    }
}

/// Reads the DSS of the newest revision; unreadable entries are skipped (they only ever add
/// evidence, so skipping one can make a verdict less certain, never wrongly positive).
pub(crate) fn read(doc: &Document<'_>) -> RevocationMaterial {
    let dss = doc
        .catalog()
        .ok()
        .and_then(|catalog| doc.resolve_key(&catalog, "DSS").ok().flatten());
    let Some(Object::Dict(dss)) = dss else {
        return RevocationMaterial::default();
    };
    RevocationMaterial {
        certificates: streams(doc, &dss, "Certs"),
        crls: streams(doc, &dss, "CRLs"),
        ocsp_responses: streams(doc, &dss, "OCSPs"),
    }
}

fn streams(doc: &Document<'_>, dss: &Dict, key: &str) -> Vec<Vec<u8>> {
    let Ok(Some(Object::Array(items))) = doc.resolve_key(dss, key) else {
        return Vec::new();
    };
    items
        .iter()
        .take(MAX_DSS_ENTRIES)
        .filter_map(Object::as_ref)
        .filter_map(|r| doc.get_stream(r).ok().flatten())
        .filter_map(|(dict, raw)| doc.decode(&dict, raw).ok())
        .collect()
}
