//! Writing the Document Security Store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2 §12.8.4.3) as an
//! incremental update: certificates, CRLs and OCSP responses for long-term validation (PAdES
//! B-LT), with a VRI entry per signature.
//!
//! Invariants of [`dss_update`]:
//! - the input is a byte prefix of `input ‖ update`, and no signed byte changes;
//! - what the DSS held before is kept (the new /Certs, /CRLs and /OCSPs arrays start with the
//!   old references, in order); a blob already in the DSS is not stored twice;
//! - each VRI key is the uppercase hex SHA-1 of the signature's /Contents string (the whole
//!   hex-decoded value, padding included), as ETSI EN 319 142-1 §5.4.2.2 prescribes.

use std::collections::BTreeMap;

use crate::document::Document;
use crate::error::Error;
use crate::object::{Dict, Name, ObjRef, Object};
use crate::sign::finish_update;
use crate::writer::NewObjects;

/// Most entries taken from an existing DSS array (bounds a hostile DSS).
const MAX_EXISTING_ENTRIES: usize = 65_536;

/// Validation data for one signature (or document time-stamp), all DER.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignatureEvidence {
    /// The signature's /Contents bytes as stored (hex-decoded, padding included): the VRI key
    /// is their SHA-1. Empty to add the data without a VRI entry.
    pub contents: Vec<u8>,
    /// Certificates (signer and TSA chains, OCSP responders).
    pub certificates: Vec<Vec<u8>>,
    /// CRLs.
    pub crls: Vec<Vec<u8>>,
    /// OCSPResponse structures.
    pub ocsp_responses: Vec<Vec<u8>>,
}

/// The VRI key of a signature whose /Contents string holds `contents`.
pub fn vri_key(contents: &[u8]) -> String {
    hex::encode_upper(kyso_cms::DigestAlgorithm::Sha1.digest(contents))
}

/// Builds the incremental update that adds `evidence` to the DSS of `doc` (creating the DSS
/// when there is none). Returns the bytes to append to `doc.data()`.
pub fn dss_update(doc: &Document<'_>, evidence: &[SignatureEvidence]) -> Result<Vec<u8>, Error> {
    let catalog_ref = doc.catalog_ref()?;
    let mut catalog = doc.catalog()?;
    let mut objects = NewObjects::new(doc.size());

    let (dss_ref, mut dss) = match catalog.get(b"DSS".as_slice()) {
        Some(Object::Ref(r)) => match doc.get(*r)? {
            Object::Dict(d) => (Some(*r), d),
            _ => (Some(*r), Dict::new()),
        },
        Some(Object::Dict(d)) => (None, d.clone()),
        _ => (None, Dict::new()),
    };

    let mut stores = [
        Store::load(doc, &dss, "Certs"),
        Store::load(doc, &dss, "CRLs"),
        Store::load(doc, &dss, "OCSPs"),
    ];
    let mut vri = match doc.resolve_key(&dss, "VRI")? {
        Some(Object::Dict(d)) => d,
        _ => Dict::new(),
    };
    for item in evidence {
        let [certs, crls, ocsps] = &mut stores;
        let cert_refs = certs.add_all(&item.certificates, &mut objects);
        let crl_refs = crls.add_all(&item.crls, &mut objects);
        let ocsp_refs = ocsps.add_all(&item.ocsp_responses, &mut objects);
        if item.contents.is_empty() {
            continue;
        }
        let mut entry = Dict::new();
        for (key, refs) in [("Cert", cert_refs), ("CRL", crl_refs), ("OCSP", ocsp_refs)] {
            if !refs.is_empty() {
                entry.insert(
                    key.into(),
                    Object::Array(refs.into_iter().map(Object::Ref).collect()),
                );
            }
        }
        vri.insert(Name::new(&vri_key(&item.contents)), Object::Dict(entry));
    }

    for (store, key) in stores.iter().zip(["Certs", "CRLs", "OCSPs"]) {
        if !store.refs.is_empty() {
            dss.insert(
                key.into(),
                Object::Array(store.refs.iter().copied().map(Object::Ref).collect()),
            );
        }
    }
    if !vri.is_empty() {
        dss.insert("VRI".into(), Object::Dict(vri));
    }
    dss.insert("Type".into(), Object::name("DSS"));
    match dss_ref {
        Some(r) => objects.set(r, Object::Dict(dss)),
        None => {
            let r = objects.add(Object::Dict(dss));
            catalog.insert("DSS".into(), Object::Ref(r));
            add_esic_extension(doc, &mut catalog)?;
            objects.set(catalog_ref, Object::Dict(catalog));
        }
    }
    write(doc, objects)
}

/// Declares the ETSI extension (`/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 5
/// >> >>`, ETSI EN 319 142-1 §5.4.1) unless the catalog already names one.
fn add_esic_extension(doc: &Document<'_>, catalog: &mut Dict) -> Result<(), Error> {
    let mut extensions = match doc.resolve_key(catalog, "Extensions")? {
        Some(Object::Dict(d)) => d,
        _ => Dict::new(),
    };
    if extensions.contains_key(b"ESIC".as_slice()) {
        return Ok(());
    }
    let mut esic = Dict::new();
    esic.insert("BaseVersion".into(), Object::name("1.7"));
    esic.insert("ExtensionLevel".into(), Object::Int(5));
    extensions.insert("ESIC".into(), Object::Dict(esic));
    catalog.insert("Extensions".into(), Object::Dict(extensions));
    Ok(())
}

/// One DSS array: its references, and the data already stored (to avoid duplicates).
struct Store {
    refs: Vec<ObjRef>,
    known: BTreeMap<Vec<u8>, ObjRef>,
}

impl Store {
    fn load(doc: &Document<'_>, dss: &Dict, key: &str) -> Self {
        let mut store = Self {
            refs: Vec::new(),
            known: BTreeMap::new(),
        };
        let Ok(Some(Object::Array(items))) = doc.resolve_key(dss, key) else {
            return store;
        };
        for r in items
            .iter()
            .take(MAX_EXISTING_ENTRIES)
            .filter_map(Object::as_ref)
        {
            store.refs.push(r);
            if let Ok(Some((dict, raw))) = doc.get_stream(r) {
                if let Ok(data) = doc.decode(&dict, raw) {
                    store.known.entry(data).or_insert(r);
                }
            }
        }
        store
    }

    /// Adds each blob not yet stored as a new stream; returns the references of all of them.
    fn add_all(&mut self, blobs: &[Vec<u8>], objects: &mut NewObjects) -> Vec<ObjRef> {
        let mut refs = Vec::new();
        for blob in blobs {
            let r = match self.known.get(blob) {
                Some(r) => *r,
                None => {
                    let r = objects.add(Object::Stream(Dict::new(), blob.clone()));
                    self.known.insert(blob.clone(), r);
                    self.refs.push(r);
                    r
                }
            };
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        refs
    }
}

fn write(doc: &Document<'_>, objects: NewObjects) -> Result<Vec<u8>, Error> {
    let input = doc.data();
    let base = input.len() as u64;
    let mut out = Vec::new();
    if !matches!(input.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets = Vec::new();
    for (r, object) in objects.iter() {
        offsets.push((r, base + out.len() as u64));
        out.extend_from_slice(format!("{} {} obj\n", r.num, r.gen).as_bytes());
        // Writing into a Vec cannot fail.
        let _ = object.write_to(&mut out);
        out.extend_from_slice(b"\nendobj\n");
    }
    finish_update(doc, objects, &mut out, offsets, base)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal_pdf() -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        let objects = [
            "<</Type/Catalog/Pages 2 0 R>>",
            "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>",
        ];
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f\r\n");
        for o in offsets {
            pdf.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        pdf
    }

    fn dss_of(data: &[u8]) -> (Dict, Document<'_>) {
        let doc = Document::open(data).expect("reopen");
        let catalog = doc.catalog().expect("catalog");
        let Some(Object::Dict(dss)) = doc.resolve_key(&catalog, "DSS").expect("dss") else {
            panic!("no DSS");
        };
        (dss, doc)
    }

    fn array_len(doc: &Document<'_>, dss: &Dict, key: &str) -> usize {
        match doc.resolve_key(dss, key).expect("key") {
            Some(Object::Array(a)) => a.len(),
            _ => 0,
        }
    }

    #[test]
    fn a_dss_is_added_with_vri_and_merged_without_duplicates() {
        let pdf = minimal_pdf();
        let doc = Document::open(&pdf).expect("open");
        let first = SignatureEvidence {
            contents: b"signature one".to_vec(),
            certificates: vec![b"cert A".to_vec(), b"cert B".to_vec()],
            crls: vec![b"crl".to_vec()],
            ocsp_responses: vec![b"ocsp 1".to_vec()],
        };
        let update = dss_update(&doc, std::slice::from_ref(&first)).expect("update");
        let mut once = pdf.clone();
        once.extend_from_slice(&update);
        assert!(once.starts_with(&pdf));
        let (dss, doc) = dss_of(&once);
        assert_eq!(array_len(&doc, &dss, "Certs"), 2);
        assert_eq!(array_len(&doc, &dss, "CRLs"), 1);
        assert_eq!(array_len(&doc, &dss, "OCSPs"), 1);
        let Some(Object::Dict(vri)) = doc.resolve_key(&dss, "VRI").expect("vri") else {
            panic!("no VRI");
        };
        let key = vri_key(b"signature one");
        assert_eq!(key.len(), 40);
        assert!(key
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert!(vri.contains_key(key.as_bytes()));

        // A second round with one known and one new certificate keeps the first round's data.
        let second = SignatureEvidence {
            contents: b"signature two".to_vec(),
            certificates: vec![b"cert B".to_vec(), b"cert C".to_vec()],
            ..SignatureEvidence::default()
        };
        let update = dss_update(&doc, &[second]).expect("second update");
        let mut twice = once.clone();
        twice.extend_from_slice(&update);
        let (dss, doc) = dss_of(&twice);
        assert_eq!(array_len(&doc, &dss, "Certs"), 3);
        assert_eq!(array_len(&doc, &dss, "OCSPs"), 1);
        let Some(Object::Dict(vri)) = doc.resolve_key(&dss, "VRI").expect("vri") else {
            panic!("no VRI");
        };
        assert_eq!(vri.len(), 2);
    }

    #[test]
    fn evidence_without_contents_adds_no_vri_entry() {
        let pdf = minimal_pdf();
        let doc = Document::open(&pdf).expect("open");
        let evidence = SignatureEvidence {
            certificates: vec![b"cert".to_vec()],
            ..SignatureEvidence::default()
        };
        let mut out = pdf.clone();
        out.extend_from_slice(&dss_update(&doc, &[evidence]).expect("update"));
        let (dss, doc) = dss_of(&out);
        assert_eq!(array_len(&doc, &dss, "Certs"), 1);
        assert!(doc.resolve_key(&dss, "VRI").expect("vri").is_none());
    }
}
