//! Diagnostics: the octets each reference digests and the canonical SignedInfo, like
//! `xmlsec1 --store-references --store-signatures`. Used to compare kyso's canonicalization
//! with other implementations on real signatures.

use super::reference::{child, dereference, inclusive_prefixes, is_dsig, IdIndex, Tolerance};
use crate::c14n::{canonicalize, C14nMode, Subtree};
use crate::parse::ParseLimits;
use crate::Error;
use roxmltree::{Document, Node};

/// One intermediate buffer.
#[derive(Debug)]
pub struct PreDigest {
    /// Which buffer: `signature 0 reference 3`, `signature 0 manifest reference 0`,
    /// `signature 0 SignedInfo`.
    pub label: String,
    /// The octets, or why they could not be produced (unsupported transform, …).
    pub octets: Result<Vec<u8>, Error>,
}

/// Every reference's pre-digest octets and every canonical SignedInfo, in document order.
pub fn pre_digest_buffers(doc: &Document<'_>, limits: &ParseLimits) -> Vec<PreDigest> {
    let ids = IdIndex::new(doc);
    let mut out = Vec::new();
    for (i, signature) in doc
        .descendants()
        .filter(|n| is_dsig(*n, "Signature"))
        .enumerate()
    {
        let Some(signed_info) = child(signature, "SignedInfo") else {
            continue;
        };
        let references = signed_info.children().filter(|c| is_dsig(*c, "Reference"));
        for (k, reference) in references.enumerate() {
            out.push(buffer(
                doc,
                &ids,
                signature,
                reference,
                limits,
                format!("signature {i} reference {k}"),
            ));
        }
        let manifest_references = signature
            .descendants()
            .filter(|n| is_dsig(*n, "Manifest"))
            .flat_map(|m| m.children().filter(|c| is_dsig(*c, "Reference")));
        for (k, reference) in manifest_references.enumerate() {
            out.push(buffer(
                doc,
                &ids,
                signature,
                reference,
                limits,
                format!("signature {i} manifest reference {k}"),
            ));
        }
        let method = child(signed_info, "CanonicalizationMethod");
        let mode = method
            .and_then(|m| m.attribute("Algorithm"))
            .and_then(C14nMode::from_uri);
        let octets = match mode {
            Some(mode) => {
                let mut bytes = Vec::new();
                let prefixes = method.map(inclusive_prefixes).unwrap_or_default();
                canonicalize(
                    doc,
                    &Subtree::of(signed_info, &[]),
                    mode,
                    &prefixes,
                    &mut bytes,
                );
                Ok(bytes)
            }
            None => Err(Error::Unsupported {
                feature: "CanonicalizationMethod",
                uri: method
                    .and_then(|m| m.attribute("Algorithm"))
                    .unwrap_or("")
                    .to_owned(),
            }),
        };
        out.push(PreDigest {
            label: format!("signature {i} SignedInfo"),
            octets,
        });
    }
    out
}

fn buffer(
    doc: &Document<'_>,
    ids: &IdIndex,
    signature: Node<'_, '_>,
    reference: Node<'_, '_>,
    limits: &ParseLimits,
    label: String,
) -> PreDigest {
    PreDigest {
        label,
        octets: dereference(doc, ids, signature, reference, Tolerance::default(), limits)
            .map(|d| d.octets),
    }
}
