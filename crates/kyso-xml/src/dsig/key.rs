//! KeyInfo: the candidate verification keys a signature offers, and the signature check.

use super::algorithms::{SignatureMethod, DSIG11_NS, DSIG_MORE_NS};
use super::reference::{child, decode_base64, is_dsig, IdIndex};
use crate::Error;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey, EcPoint};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::{Padding, Rsa};
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;
use roxmltree::{Document, Node};

/// Where a verification key came from.
pub(crate) enum Candidate {
    /// An X.509 certificate (from X509Data, or the caller's pool).
    Certificate(X509),
    /// A bare public key (KeyValue): no identity, no chain.
    Bare(PKey<Public>),
}

impl Candidate {
    pub(crate) fn public_key(&self) -> Result<PKey<Public>, Error> {
        match self {
            Self::Certificate(c) => Ok(c.public_key()?),
            Self::Bare(k) => Ok(k.clone()),
        }
    }
}

/// The certificates and keys found in `key_info` (following same-document
/// RetrievalMethods), in document order.
pub(crate) fn candidates(
    doc: &Document<'_>,
    ids: &IdIndex,
    key_info: Option<Node<'_, '_>>,
) -> Result<(Vec<X509>, Vec<PKey<Public>>), Error> {
    let mut certs = Vec::new();
    let mut keys = Vec::new();
    let Some(key_info) = key_info else {
        return Ok((certs, keys));
    };
    for item in key_info.children().filter(Node::is_element) {
        if is_dsig(item, "RetrievalMethod") {
            let uri = item.attribute("URI").unwrap_or("");
            let Some(id) = uri.strip_prefix('#') else {
                return Err(Error::Unsupported {
                    feature: "RetrievalMethod:external",
                    uri: uri.to_owned(),
                });
            };
            let target = ids.resolve(doc, id, uri)?;
            collect(target, &mut certs, &mut keys)?;
        } else {
            collect(item, &mut certs, &mut keys)?;
        }
    }
    Ok((certs, keys))
}

fn collect(
    item: Node<'_, '_>,
    certs: &mut Vec<X509>,
    keys: &mut Vec<PKey<Public>>,
) -> Result<(), Error> {
    if is_dsig(item, "X509Data") {
        for c in item.children().filter(|c| is_dsig(*c, "X509Certificate")) {
            let der = decode_base64(c.text().unwrap_or("").as_bytes()).ok_or(Error::Base64 {
                element: "X509Certificate",
            })?;
            certs.push(X509::from_der(&der)?);
        }
    } else if is_dsig(item, "KeyValue") {
        for value in item.children().filter(Node::is_element) {
            if let Some(key) = key_value(value)? {
                keys.push(key);
            }
        }
    } else if is_dsig(item, "RSAKeyValue") || item.tag_name().name() == "ECKeyValue" {
        // A RetrievalMethod may point straight at the key value.
        if let Some(key) = key_value(item)? {
            keys.push(key);
        }
    } else if matches!(
        item.tag_name().name(),
        "DEREncodedKeyValue" | "KeyInfoReference"
    ) {
        return Err(Error::Unsupported {
            feature: if item.tag_name().name() == "KeyInfoReference" {
                "KeyInfoReference"
            } else {
                "DEREncodedKeyValue"
            },
            uri: item.tag_name().namespace().unwrap_or("").to_owned(),
        });
    }
    Ok(())
}

fn key_value(value: Node<'_, '_>) -> Result<Option<PKey<Public>>, Error> {
    let text_of = |parent: Node<'_, '_>, ns: &str, local: &'static str| {
        parent
            .children()
            .find(|c| {
                c.is_element()
                    && c.tag_name().name() == local
                    && c.tag_name().namespace() == Some(ns)
            })
            .and_then(|c| decode_base64(c.text().unwrap_or("").as_bytes()))
            .ok_or(Error::MissingElement {
                element: local,
                parent: "KeyValue",
            })
    };
    if is_dsig(value, "RSAKeyValue") {
        let n = BigNum::from_slice(&text_of(value, super::DSIG_NS, "Modulus")?)?;
        let e = BigNum::from_slice(&text_of(value, super::DSIG_NS, "Exponent")?)?;
        return Ok(Some(PKey::from_rsa(Rsa::from_public_components(n, e)?)?));
    }
    if value.tag_name().name() == "ECKeyValue" && value.tag_name().namespace() == Some(DSIG11_NS) {
        let curve = value
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == "NamedCurve")
            .and_then(|c| c.attribute("URI"))
            .unwrap_or("");
        let nid = match curve {
            "urn:oid:1.2.840.10045.3.1.7" => Nid::X9_62_PRIME256V1,
            "urn:oid:1.3.132.0.34" => Nid::SECP384R1,
            "urn:oid:1.3.132.0.35" => Nid::SECP521R1,
            other => {
                return Err(Error::Unsupported {
                    feature: "EC curve",
                    uri: other.to_owned(),
                })
            }
        };
        let group = EcGroup::from_curve_name(nid)?;
        let point_bytes = text_of(value, DSIG11_NS, "PublicKey")?;
        let mut ctx = openssl::bn::BigNumContext::new()?;
        let point = EcPoint::from_bytes(&group, &point_bytes, &mut ctx)?;
        return Ok(Some(PKey::from_ec_key(EcKey::from_public_key(
            &group, &point,
        )?)?));
    }
    Ok(None)
}

/// Checks `signature_value` over `signed_octets` with `key` under `method`.
///
/// Returns `Ok(false)` for a well-formed signature that does not verify, and for a key of
/// the wrong type for the method.
pub(crate) fn verify_signature(
    method: SignatureMethod,
    method_element: Node<'_, '_>,
    key: &PKey<Public>,
    signed_octets: &[u8],
    signature_value: &[u8],
) -> Result<bool, Error> {
    match method {
        SignatureMethod::RsaPkcs1(d) => {
            if key.id() != Id::RSA {
                return Ok(false);
            }
            let mut v = Verifier::new(d.message_digest(), key)?;
            v.set_rsa_padding(Padding::PKCS1)?;
            v.update(signed_octets)?;
            Ok(v.verify(signature_value).unwrap_or(false))
        }
        SignatureMethod::RsaPss(d) => {
            if key.id() != Id::RSA {
                return Ok(false);
            }
            let salt = pss_salt_length(method_element).unwrap_or(d.output_len());
            let salt = i32::try_from(salt).map_err(|_| Error::BadSignatureValue {
                reason: "PSS salt length out of range",
            })?;
            let mut v = Verifier::new(d.message_digest(), key)?;
            v.set_rsa_padding(Padding::PKCS1_PSS)?;
            v.set_rsa_mgf1_md(d.message_digest())?;
            v.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))?;
            v.update(signed_octets)?;
            Ok(v.verify(signature_value).unwrap_or(false))
        }
        SignatureMethod::Ecdsa(d) => {
            if key.id() != Id::EC {
                return Ok(false);
            }
            let der = raw_ecdsa_to_der(signature_value)?;
            let mut v = Verifier::new(d.message_digest(), key)?;
            v.update(signed_octets)?;
            Ok(v.verify(&der).unwrap_or(false))
        }
        SignatureMethod::Ed25519 => {
            if key.id() != Id::ED25519 {
                return Ok(false);
            }
            let mut v = Verifier::new_without_digest(key)?;
            Ok(v.verify_oneshot(signature_value, signed_octets)
                .unwrap_or(false))
        }
    }
}

/// `RSAPSSParams/SaltLength` (RFC 6931 §2.3.10), when present.
fn pss_salt_length(method_element: Node<'_, '_>) -> Option<usize> {
    let params = method_element.children().find(|c| {
        c.is_element()
            && c.tag_name().name() == "RSAPSSParams"
            && c.tag_name().namespace() == Some(DSIG_MORE_NS)
    })?;
    params
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "SaltLength")
        .and_then(|c| c.text())
        .and_then(|t| t.trim().parse().ok())
}

/// XMLDSig ECDSA values are `r || s`, each half the value (RFC 4050 §3.3).
pub(crate) fn raw_ecdsa_to_der(raw: &[u8]) -> Result<Vec<u8>, Error> {
    if EcdsaSig::from_der(raw).is_ok_and(|sig| sig.to_der().is_ok_and(|d| d == raw)) {
        // Some producers write the DER Ecdsa-Sig-Value: not XMLDSig, refused by name.
        return Err(Error::Unsupported {
            feature: "ECDSA-DER-SignatureValue",
            uri: String::new(),
        });
    }
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(Error::BadSignatureValue {
            reason: "ECDSA value is not two equal halves",
        });
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let sig = EcdsaSig::from_private_components(BigNum::from_slice(r)?, BigNum::from_slice(s)?)?;
    Ok(sig.to_der()?)
}

/// A DER `Ecdsa-Sig-Value` to `r || s`, each padded to the field size.
pub(crate) fn der_ecdsa_to_raw(der: &[u8], field_bytes: usize) -> Result<Vec<u8>, Error> {
    let sig = EcdsaSig::from_der(der)?;
    let r = sig
        .r()
        .to_vec_padded(i32::try_from(field_bytes).unwrap_or(i32::MAX))?;
    let s = sig
        .s()
        .to_vec_padded(i32::try_from(field_bytes).unwrap_or(i32::MAX))?;
    Ok([r, s].concat())
}

/// The `ds:KeyInfo` child of a signature.
pub(crate) fn key_info<'a, 'i>(signature: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    child(signature, "KeyInfo")
}
