//! Cryptographic verification of one SignerInfo.
//!
//! The checks follow RFC 5652 §5.4 and §5.6: the signer certificate is found by its
//! identifier; with signed attributes, content-type must be present and equal the
//! encapsulated type, message-digest must equal the content digest, an ESS
//! signing-certificate(-v2) attribute must name this certificate, and the signature covers the
//! DER `SET OF` encoding of the attributes; without them, the signature covers the content.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use openssl::pkey::{Id, PKey, Public};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;
use sha2::{Digest, Sha256};

use crate::certificate::{same_integer, CertificateFields};
use crate::der_reader::tag;
use crate::parse::{EssCertId, SignedDataInfo, SignerIdentifier, SignerInfo};
use crate::{oids, DigestAlgorithm, Error, SignatureScheme};

/// Proof that a SignerInfo's signature verified over the content the caller digested.
///
/// Only this crate constructs it, and only after every check in [`verify_signer`] passed. It
/// says nothing about the certificate's trustworthiness: that is kyso-chain's verdict.
#[derive(Clone, Debug)]
pub struct VerifiedSigner<'a> {
    index: usize,
    certificate: &'a [u8],
    digest_algorithm: DigestAlgorithm,
    scheme: SignatureScheme,
    signing_time: Option<SystemTime>,
    has_signed_attributes: bool,
}

impl<'a> VerifiedSigner<'a> {
    /// Index of the SignerInfo in [`SignedDataInfo::signer_infos`].
    pub fn index(&self) -> usize {
        self.index
    }

    /// The signer certificate (DER), one of [`SignedDataInfo::certificates`].
    pub fn certificate(&self) -> &'a [u8] {
        self.certificate
    }

    /// The content digest algorithm.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        self.digest_algorithm
    }

    /// The signature scheme.
    pub fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    /// The signing time the signer claims (signed attribute), unproven.
    pub fn claimed_signing_time(&self) -> Option<SystemTime> {
        self.signing_time
    }

    /// True when the signature covers signed attributes (false: it covers the content).
    pub fn has_signed_attributes(&self) -> bool {
        self.has_signed_attributes
    }

    /// True when SHA-1 was used for the content digest or inside the signature scheme; such
    /// signatures are weak and a policy should say whether to accept them.
    pub fn uses_sha1(&self) -> bool {
        self.digest_algorithm == DigestAlgorithm::Sha1
            || matches!(
                self.scheme,
                SignatureScheme::RsaPkcs1v15(DigestAlgorithm::Sha1)
                    | SignatureScheme::Ecdsa(DigestAlgorithm::Sha1)
                    | SignatureScheme::RsaPss {
                        hash: DigestAlgorithm::Sha1,
                        ..
                    }
            )
    }
}

/// Verifies signer `index` of `info` over content whose digest, computed with that signer's
/// [`SignerInfo::digest_algorithm`], is `content_digest`.
///
/// Without signed attributes the signature covers the content itself; this works from the
/// digest for RSA and ECDSA when the signature hash equals the digest algorithm, and otherwise
/// fails with [`Error::ContentRequired`] (use [`verify_signer_content`]).
pub fn verify_signer<'a>(
    info: &SignedDataInfo<'a>,
    index: usize,
    content_digest: &[u8],
) -> Result<VerifiedSigner<'a>, Error> {
    verify(info, index, content_digest, None)
}

/// Like [`verify_signer`] but given the whole content, which it digests itself; also verifies
/// pure EdDSA (Ed25519, Ed448) signatures made without signed attributes.
pub fn verify_signer_content<'a>(
    info: &SignedDataInfo<'a>,
    index: usize,
    content: &[u8],
) -> Result<VerifiedSigner<'a>, Error> {
    let signer = signer_at(info, index)?;
    let digest = signer.digest_algorithm()?.digest(content);
    verify(info, index, &digest, Some(content))
}

impl<'a> SignedDataInfo<'a> {
    /// The certificate signer `index` names, without verifying anything: lets a report name
    /// the signer even when its signature fails.
    pub fn signer_certificate(&self, index: usize) -> Result<&'a [u8], Error> {
        let signer = signer_at(self, index)?;
        find_certificate(self, &signer.sid).map(|cert| cert.der)
    }
}

fn signer_at<'i, 'a>(
    info: &'i SignedDataInfo<'a>,
    index: usize,
) -> Result<&'i SignerInfo<'a>, Error> {
    info.signer_infos
        .get(index)
        .ok_or(Error::NoSuchSigner { index })
}

fn verify<'a>(
    info: &SignedDataInfo<'a>,
    index: usize,
    content_digest: &[u8],
    content: Option<&[u8]>,
) -> Result<VerifiedSigner<'a>, Error> {
    let signer = signer_at(info, index)?;
    let digest_algorithm = signer.digest_algorithm()?;
    if content_digest.len() != digest_algorithm.output_len() {
        return Err(Error::DigestLength {
            expected: digest_algorithm.output_len(),
            actual: content_digest.len(),
        });
    }
    let certificate = find_certificate(info, &signer.sid)?;
    let scheme = signer.signature_scheme()?;
    let key = public_key(certificate.der)?;

    let signing_time = match &signer.signed_attrs {
        Some(attrs) => {
            let content_type = attrs.content_type.ok_or(Error::MissingSignedAttribute {
                name: "content-type",
            })?;
            if content_type != info.content_type {
                return Err(Error::ContentTypeMismatch {
                    attribute: content_type,
                    encapsulated: info.content_type,
                });
            }
            let message_digest = attrs.message_digest.ok_or(Error::MissingSignedAttribute {
                name: "message-digest",
            })?;
            if message_digest != content_digest {
                return Err(Error::DigestMismatch);
            }
            if let Some(ess) = &attrs.signing_certificate_v2 {
                check_binding(ess, &certificate)?;
            }
            if let Some(ess) = &attrs.signing_certificate {
                check_binding(ess, &certificate)?;
            }
            // The signature covers the attributes' DER with the SET OF tag (RFC 5652 §5.4).
            let mut message = attrs.raw.to_vec();
            if let Some(first) = message.first_mut() {
                *first = tag::SET;
            }
            check_signature(&key, scheme, Message::Whole(&message), signer.signature)?;
            attrs.signing_time
        }
        None => {
            // RFC 5652 §5.3: signed attributes MUST be present unless the content is id-data.
            if info.content_type != oids::DATA {
                return Err(Error::MissingSignedAttribute {
                    name: "content-type",
                });
            }
            let message = match content {
                Some(whole) => Message::Whole(whole),
                None if scheme.hash() == Some(digest_algorithm) => Message::Digest(content_digest),
                None => return Err(Error::ContentRequired),
            };
            check_signature(&key, scheme, message, signer.signature)?;
            None
        }
    };
    Ok(VerifiedSigner {
        index,
        certificate: certificate.der,
        digest_algorithm,
        scheme,
        signing_time,
        has_signed_attributes: signer.signed_attrs.is_some(),
    })
}

/// The certificate the SignerIdentifier names; undecodable certificates are skipped.
fn find_certificate<'a>(
    info: &SignedDataInfo<'a>,
    sid: &SignerIdentifier<'_>,
) -> Result<CertificateFields<'a>, Error> {
    info.certificates
        .iter()
        .filter_map(|der| CertificateFields::decode(der).ok())
        .find(|cert| match sid {
            SignerIdentifier::IssuerAndSerialNumber { issuer, serial } => {
                cert.issuer == *issuer && same_integer(cert.serial_value, serial)
            }
            SignerIdentifier::SubjectKeyIdentifier(id) => cert.subject_key_identifier == Some(*id),
        })
        .ok_or(Error::SignerCertificateNotFound)
}

/// ESS: the hash of the certificate matches, and so do issuer and serial when given.
fn check_binding(ess: &EssCertId<'_>, cert: &CertificateFields<'_>) -> Result<(), Error> {
    let hash = DigestAlgorithm::from_oid(&ess.hash_algorithm)?;
    if hash.digest(cert.der) != ess.cert_hash {
        return Err(Error::SigningCertificateMismatch);
    }
    if let Some(issuer_serial) = &ess.issuer_serial {
        let issuer_matches = issuer_serial.issuer.is_none_or(|name| name == cert.issuer);
        if !issuer_matches || !same_integer(issuer_serial.serial, cert.serial_value) {
            return Err(Error::SigningCertificateMismatch);
        }
    }
    Ok(())
}

/// The signer certificate's public key, from the process-wide [`KeyCache`]: decoding a
/// certificate and its key with OpenSSL costs more than verifying the signature, and a batch
/// of documents is usually signed by a handful of certificates.
fn public_key(cert_der: &[u8]) -> Result<PKey<Public>, Error> {
    static KEYS: OnceLock<KeyCache> = OnceLock::new();
    KEYS.get_or_init(KeyCache::default).get(cert_der)
}

/// Most certificates whose keys [`KeyCache`] keeps; beyond that it starts over.
const KEY_CACHE_LIMIT: usize = 1024;
/// Most bytes of certificate DER [`KeyCache`] holds (each entry keeps its certificate to
/// confirm a hit); beyond that it starts over, so memory stays bounded whatever the batch.
const KEY_CACHE_BYTES: usize = 4 * 1024 * 1024;
/// Certificates larger than this are decoded every time, never cached: a real signer
/// certificate is a few KB, and one huge certificate must not flush the cache.
const KEY_CACHE_MAX_CERTIFICATE: usize = 64 * 1024;

/// Public keys decoded from certificates, keyed by the SHA-256 of the certificate's DER and
/// confirmed by comparing the whole DER, so a hit is exactly the certificate decoded before.
/// Bounded by entries and by bytes. Thread-safe; a certificate OpenSSL cannot decode is not
/// remembered.
#[derive(Default)]
struct KeyCache {
    keys: Mutex<CachedKeys>,
}

#[derive(Default)]
struct CachedKeys {
    /// SHA-256 of the DER → (the DER, its public key).
    entries: HashMap<[u8; 32], (Vec<u8>, PKey<Public>)>,
    /// Sum of the cached certificates' DER lengths.
    bytes: usize,
}

impl KeyCache {
    fn get(&self, cert_der: &[u8]) -> Result<PKey<Public>, Error> {
        let fingerprint: [u8; 32] = Sha256::digest(cert_der).into();
        if let Some((der, key)) = self.lock().entries.get(&fingerprint) {
            if der.as_slice() == cert_der {
                return Ok(key.clone());
            }
        }
        let key = X509::from_der(cert_der)
            .and_then(|cert| cert.public_key())
            .map_err(|_| Error::SignerCertificateUnusable)?;
        self.remember(fingerprint, cert_der, &key);
        Ok(key)
    }

    /// Keeps `key` for the certificate `cert_der` whose SHA-256 is `fingerprint`, starting
    /// over when the cache would exceed its bounds; oversized certificates are not kept.
    fn remember(&self, fingerprint: [u8; 32], cert_der: &[u8], key: &PKey<Public>) {
        if cert_der.len() > KEY_CACHE_MAX_CERTIFICATE {
            return;
        }
        let mut cache = self.lock();
        if cache.entries.len() >= KEY_CACHE_LIMIT
            || cache.bytes.saturating_add(cert_der.len()) > KEY_CACHE_BYTES
        {
            cache.entries.clear();
            cache.bytes = 0;
        }
        let replaced = cache
            .entries
            .insert(fingerprint, (cert_der.to_vec(), key.clone()));
        let freed = replaced.map_or(0, |(der, _)| der.len());
        cache.bytes = cache
            .bytes
            .saturating_sub(freed)
            .saturating_add(cert_der.len());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CachedKeys> {
        // A panic while the lock was held cannot leave a half-written entry behind.
        self.keys.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the signature is checked against.
enum Message<'m> {
    /// The signed bytes themselves.
    Whole(&'m [u8]),
    /// Their digest with the scheme's hash.
    Digest(&'m [u8]),
}

fn check_signature(
    key: &PKey<Public>,
    scheme: SignatureScheme,
    message: Message<'_>,
    signature: &[u8],
) -> Result<(), Error> {
    let key_fits = match scheme {
        SignatureScheme::RsaPkcs1v15(_) | SignatureScheme::RsaPss { .. } => {
            key.id() == Id::RSA || key.id() == Id::RSA_PSS
        }
        SignatureScheme::Ecdsa(_) => key.id() == Id::EC,
        SignatureScheme::Ed25519 => key.id() == Id::ED25519,
        SignatureScheme::Ed448 => key.id() == Id::ED448,
    };
    if !key_fits {
        return Err(Error::SignerCertificateUnusable);
    }
    let verified = match (scheme.hash(), message) {
        (None, Message::Whole(whole)) => Verifier::new_without_digest(key)
            .and_then(|mut v| v.verify_oneshot(signature, whole))
            .unwrap_or(false),
        (None, Message::Digest(_)) => return Err(Error::ContentRequired),
        (Some(hash), Message::Whole(whole)) => {
            verify_prehashed(key, scheme, hash, &hash.digest(whole), signature)
        }
        (Some(hash), Message::Digest(digest)) => {
            verify_prehashed(key, scheme, hash, digest, signature)
        }
    };
    if verified {
        Ok(())
    } else {
        Err(Error::BadSignature)
    }
}

/// `EVP_PKEY_verify` over a digest; any OpenSSL error counts as a failed verification (the
/// inputs are the signer's, not ours).
fn verify_prehashed(
    key: &PKey<Public>,
    scheme: SignatureScheme,
    hash: DigestAlgorithm,
    digest: &[u8],
    signature: &[u8],
) -> bool {
    let attempt = || -> Result<bool, openssl::error::ErrorStack> {
        let mut ctx = PkeyCtx::new(key)?;
        ctx.verify_init()?;
        match scheme {
            SignatureScheme::RsaPkcs1v15(_) => ctx.set_rsa_padding(Padding::PKCS1)?,
            SignatureScheme::RsaPss {
                mgf1_hash,
                salt_len,
                ..
            } => {
                ctx.set_rsa_padding(Padding::PKCS1_PSS)?;
                ctx.set_rsa_mgf1_md(mgf1_hash.md())?;
                let salt = i32::try_from(salt_len).unwrap_or(i32::MAX);
                ctx.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))?;
            }
            SignatureScheme::Ecdsa(_) | SignatureScheme::Ed25519 | SignatureScheme::Ed448 => {}
        }
        ctx.set_signature_md(hash.md())?;
        ctx.verify(digest, signature)
    };
    attempt().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der_reader::Reader;
    use crate::der_writer::tlv;
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::Private;
    use openssl::x509::X509Name;

    const CONTENT: &[u8] = b"the signed bytes of a document";
    /// ecdsa-with-SHA256 as OpenSSL writes it (RFC 5758: no parameters) and with NULL.
    const ECDSA_SHA256: &[u8] = &[
        0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02,
    ];
    const ECDSA_SHA256_NULL: &[u8] = &[
        0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02, 0x05, 0x00,
    ];

    /// A self-signed certificate signed with `digest` (`MessageDigest::null()` for EdDSA,
    /// which signs without a separate digest).
    fn self_signed_with(key: &PKey<Private>, digest: MessageDigest) -> X509 {
        let mut name = X509Name::builder().expect("name");
        name.append_entry_by_nid(Nid::COMMONNAME, "kyso CMS test")
            .expect("cn");
        let name = name.build();
        let mut builder = X509::builder().expect("builder");
        builder.set_version(2).expect("version");
        let serial = openssl::bn::BigNum::from_u32(7)
            .and_then(|n| n.to_asn1_integer())
            .expect("serial");
        builder.set_serial_number(&serial).expect("serial");
        builder.set_subject_name(&name).expect("subject");
        builder.set_issuer_name(&name).expect("issuer");
        builder.set_pubkey(key).expect("key");
        let now = openssl::asn1::Asn1Time::days_from_now(0).expect("now");
        let later = openssl::asn1::Asn1Time::days_from_now(30).expect("later");
        builder.set_not_before(&now).expect("nb");
        builder.set_not_after(&later).expect("na");
        builder.sign(key, digest).expect("sign");
        builder.build()
    }

    fn self_signed(key: &PKey<Private>) -> X509 {
        self_signed_with(key, MessageDigest::sha256())
    }

    /// A detached CMS over [`CONTENT`] signed by OpenSSL with a fresh key on `curve`.
    fn openssl_ecdsa_cms(curve: Nid) -> Vec<u8> {
        let group = EcGroup::from_curve_name(curve).expect("curve");
        let key = PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey");
        let cert = self_signed(&key);
        let flags = CMSOptions::DETACHED | CMSOptions::BINARY;
        CmsContentInfo::sign(Some(&cert), Some(&key), None, Some(CONTENT), flags)
            .and_then(|cms| cms.to_der())
            .expect("cms")
    }

    /// Re-encodes `der` with every element equal to `from` replaced by `to` (lengths of the
    /// enclosing elements fixed up).
    fn replace(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut reader = Reader::new(der);
        while !reader.is_empty() {
            let element = reader.read_any("test").expect("der");
            if element.raw == from {
                out.extend_from_slice(to);
            } else if element.tag & 0x20 != 0 {
                out.extend(tlv(element.tag, &[&replace(element.value, from, to)]));
            } else {
                out.extend_from_slice(element.raw);
            }
        }
        out
    }

    fn verify_der(der: &[u8]) -> Result<SignatureScheme, Error> {
        let info = crate::parse(der)?;
        let digest = DigestAlgorithm::Sha256.digest(CONTENT);
        verify_signer(&info, 0, &digest).map(|v| v.scheme())
    }

    #[test]
    fn ecdsa_signatures_verify_on_every_curve_openssl_signs_with() {
        for curve in [
            Nid::X9_62_PRIME256V1,
            Nid::SECP384R1,
            Nid::SECP521R1,
            Nid::BRAINPOOL_P256R1,
            Nid::BRAINPOOL_P384R1,
            Nid::BRAINPOOL_P512R1,
        ] {
            let der = openssl_ecdsa_cms(curve);
            assert!(
                der.windows(ECDSA_SHA256.len()).any(|w| w == ECDSA_SHA256),
                "{curve:?}: OpenSSL names ecdsa-with-SHA256"
            );
            assert_eq!(
                verify_der(&der).expect("verifies"),
                SignatureScheme::Ecdsa(DigestAlgorithm::Sha256),
                "{curve:?}"
            );
            let info = crate::parse(&der).expect("parses");
            let other = DigestAlgorithm::Sha256.digest(b"other bytes");
            assert!(matches!(
                verify_signer(&info, 0, &other),
                Err(Error::DigestMismatch)
            ));
        }
    }

    #[test]
    fn ecdsa_with_null_parameters_verifies_like_without() {
        // The ETSI plugtest file IT_ADO-1 (an A-Trust card) writes ecdsa-with-SHA256 with NULL.
        let der = openssl_ecdsa_cms(Nid::X9_62_PRIME256V1);
        let with_null = replace(&der, ECDSA_SHA256, ECDSA_SHA256_NULL);
        assert_ne!(with_null, der);
        assert_eq!(
            verify_der(&with_null).expect("verifies"),
            SignatureScheme::Ecdsa(DigestAlgorithm::Sha256)
        );
        // Other parameters are not ECDSA's: an OID there is refused as unsupported.
        let with_oid = replace(
            &der,
            ECDSA_SHA256,
            &tlv(
                tag::SEQUENCE,
                &[&ECDSA_SHA256[2..], &[0x06, 0x03, 0x2B, 0x81, 0x04]],
            ),
        );
        assert!(matches!(
            verify_der(&with_oid),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }

    #[test]
    fn id_ec_public_key_as_signature_algorithm_takes_the_digest_algorithm() {
        let der = openssl_ecdsa_cms(Nid::SECP384R1);
        // id-ecPublicKey (1.2.840.10045.2.1) in place of ecdsa-with-SHA256.
        let ec_public_key = [
            0x30, 0x09, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
        ];
        let rewritten = replace(&der, ECDSA_SHA256, &ec_public_key);
        assert_eq!(
            verify_der(&rewritten).expect("verifies"),
            SignatureScheme::Ecdsa(DigestAlgorithm::Sha256)
        );
    }

    /// A detached SignedData over [`CONTENT`] with an RFC 8419 SignerInfo: `digest_alg` is the
    /// DER digestAlgorithm, `digest` the content digest it names, the signature made by OpenSSL
    /// over the signed attributes (or over the content itself without them).
    fn eddsa_cms(
        key: &PKey<Private>,
        signature_oid: &der::asn1::ObjectIdentifier,
        digest_alg: &[u8],
        digest: &[u8],
        with_attributes: bool,
    ) -> Vec<u8> {
        use crate::der_writer::{oid, set_of};
        let cert = self_signed_with(key, MessageDigest::null());
        let sign = |message: &[u8]| {
            openssl::sign::Signer::new_without_digest(key)
                .and_then(|mut s| s.sign_oneshot_to_vec(message))
                .expect("EdDSA signs")
        };
        let issuer = cert.issuer_name().to_der().expect("issuer");
        let serial = cert.serial_number().to_bn().expect("bn").to_vec();
        let sid = tlv(tag::SEQUENCE, &[&issuer, &tlv(tag::INTEGER, &[&serial])]);
        let attribute = |id: &der::asn1::ObjectIdentifier, value: &[u8]| {
            tlv(tag::SEQUENCE, &[&oid(id), &tlv(tag::SET, &[value])])
        };
        let attrs = set_of(vec![
            attribute(&oids::CONTENT_TYPE, &oid(&oids::DATA)),
            attribute(&oids::MESSAGE_DIGEST, &tlv(tag::OCTET_STRING, &[digest])),
        ]);
        let (signed_attrs, signature) = if with_attributes {
            let mut implicit = attrs.clone();
            implicit[0] = tag::context(0);
            (implicit, sign(&attrs))
        } else {
            (Vec::new(), sign(CONTENT))
        };
        let signer_info = tlv(
            tag::SEQUENCE,
            &[
                &[tag::INTEGER, 1, 1],
                &sid,
                digest_alg,
                &signed_attrs,
                &tlv(tag::SEQUENCE, &[&oid(signature_oid)]),
                &tlv(tag::OCTET_STRING, &[&signature]),
            ],
        );
        let signed_data = tlv(
            tag::SEQUENCE,
            &[
                &[tag::INTEGER, 1, 1],
                &tlv(tag::SET, &[digest_alg]),
                &tlv(tag::SEQUENCE, &[&oid(&oids::DATA)]),
                &tlv(tag::context(0), &[&cert.to_der().expect("der")]),
                &tlv(tag::SET, &[&signer_info]),
            ],
        );
        tlv(
            tag::SEQUENCE,
            &[
                &oid(&oids::SIGNED_DATA),
                &tlv(tag::context(0), &[&signed_data]),
            ],
        )
    }

    #[test]
    fn ed448_verifies_with_shake256_named_with_or_without_its_length() {
        let key = PKey::generate_ed448().expect("ed448");
        let digest = DigestAlgorithm::Shake256.digest(CONTENT);
        // id-shake256-len with 512 (RFC 8419 §3.1, what pyHanko writes) and plain id-shake256.
        let with_len = hex::decode("300f060960864801650304021202020200").expect("hex");
        let nolen = hex::decode("300b060960864801650304020c").expect("hex");
        for digest_alg in [&with_len, &nolen] {
            let der = eddsa_cms(&key, &oids::ED448, digest_alg, &digest, true);
            let info = crate::parse(&der).expect("parses");
            assert_eq!(
                info.signer_infos[0].digest_algorithm().expect("digest"),
                DigestAlgorithm::Shake256
            );
            let verified = verify_signer(&info, 0, &digest).expect("verifies");
            assert_eq!(verified.scheme(), SignatureScheme::Ed448);
            assert_eq!(verified.digest_algorithm(), DigestAlgorithm::Shake256);
            let other = DigestAlgorithm::Shake256.digest(b"other bytes");
            assert!(matches!(
                verify_signer(&info, 0, &other),
                Err(Error::DigestMismatch)
            ));
        }
        // Pure Ed448 over the content itself needs the content.
        let der = eddsa_cms(&key, &oids::ED448, &with_len, &digest, false);
        let info = crate::parse(&der).expect("parses");
        assert!(matches!(
            verify_signer(&info, 0, &digest),
            Err(Error::ContentRequired)
        ));
        let verified = verify_signer_content(&info, 0, CONTENT).expect("verifies");
        assert!(!verified.has_signed_attributes());
        assert!(matches!(
            verify_signer_content(&info, 0, b"other bytes"),
            Err(Error::BadSignature)
        ));
    }

    #[test]
    fn eddsa_with_a_digest_rfc_8419_does_not_pair_it_with_is_refused() {
        let sha512 = hex::decode("300b0609608648016503040203").expect("hex");
        let digest = DigestAlgorithm::Sha512.digest(CONTENT);
        // pyHanko's ed448-disallowed-hash.pdf: Ed448 with SHA-512, correctly signed.
        let ed448 = PKey::generate_ed448().expect("ed448");
        let der = eddsa_cms(&ed448, &oids::ED448, &sha512, &digest, true);
        let info = crate::parse(&der).expect("parses");
        assert!(matches!(
            verify_signer(&info, 0, &digest),
            Err(Error::DigestNotAllowed { signature, digest })
                if signature == oids::ED448 && digest == oids::SHA512
        ));
        // Ed25519 with SHA-512 is the pairing RFC 8419 wants; an Ed448 key does not fit it.
        let ed25519 = PKey::generate_ed25519().expect("ed25519");
        let der = eddsa_cms(&ed25519, &oids::ED25519, &sha512, &digest, true);
        let info = crate::parse(&der).expect("parses");
        assert_eq!(
            verify_signer(&info, 0, &digest).expect("verifies").scheme(),
            SignatureScheme::Ed25519
        );
        let der = eddsa_cms(&ed448, &oids::ED25519, &sha512, &digest, true);
        let info = crate::parse(&der).expect("parses");
        assert!(matches!(
            verify_signer(&info, 0, &digest),
            Err(Error::SignerCertificateUnusable)
        ));
    }

    fn fingerprint(der: &[u8]) -> [u8; 32] {
        Sha256::digest(der).into()
    }

    #[test]
    fn the_key_cache_returns_the_certificates_key_and_stays_bounded() {
        let cache = KeyCache::default();
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
        let new_key = || PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey");
        let mut certs = Vec::new();
        for _ in 0..3 {
            let key = new_key();
            certs.push((self_signed(&key).to_der().expect("der"), key));
        }
        for _ in 0..2 {
            for (der, key) in &certs {
                let cached = cache.get(der).expect("key");
                assert!(cached.public_eq(key));
            }
        }
        let held: usize = certs.iter().map(|(der, _)| der.len()).sum();
        assert_eq!(cache.lock().entries.len(), 3);
        assert_eq!(cache.lock().bytes, held);
        assert!(matches!(
            cache.get(b"not a certificate"),
            Err(Error::SignerCertificateUnusable)
        ));
        assert_eq!(cache.lock().entries.len(), 3);

        // A hit needs the same DER, not only the same fingerprint: an entry filed under the
        // first certificate's fingerprint but holding another certificate is not returned.
        let (der0, key0) = &certs[0];
        let (der1, _) = &certs[1];
        let other = cache.get(der1).expect("key");
        cache
            .lock()
            .entries
            .insert(fingerprint(der0), (der1.clone(), other));
        assert!(cache.get(der0).expect("key").public_eq(key0));

        // Filled up by count, the next new certificate starts the cache over.
        let pkey = cache.get(der0).expect("key");
        {
            let mut keys = cache.lock();
            for i in 0..KEY_CACHE_LIMIT - keys.entries.len() {
                keys.entries
                    .insert(fingerprint(&i.to_be_bytes()), (Vec::new(), pkey.clone()));
            }
            assert_eq!(keys.entries.len(), KEY_CACHE_LIMIT);
        }
        let fresh = new_key();
        let fresh_der = self_signed(&fresh).to_der().expect("der");
        assert!(cache.get(&fresh_der).expect("key").public_eq(&fresh));
        assert_eq!(cache.lock().entries.len(), 1);
        assert_eq!(cache.lock().bytes, fresh_der.len());

        // Filled up by bytes (a few large certificates), it starts over too: the bytes held
        // never exceed the bound.
        let big = vec![0x30; KEY_CACHE_MAX_CERTIFICATE];
        for i in 0..2 * KEY_CACHE_BYTES / KEY_CACHE_MAX_CERTIFICATE {
            let mut der = big.clone();
            der[..8].copy_from_slice(&i.to_be_bytes());
            cache.remember(fingerprint(&der), &der, &pkey);
            let keys = cache.lock();
            assert!(keys.bytes <= KEY_CACHE_BYTES, "{} bytes", keys.bytes);
            let counted: usize = keys.entries.values().map(|(d, _)| d.len()).sum();
            assert_eq!(keys.bytes, counted);
        }
        assert!(cache.lock().entries.len() <= KEY_CACHE_BYTES / KEY_CACHE_MAX_CERTIFICATE);

        // An oversized certificate is never cached (and does not flush the others).
        let before = cache.lock().entries.len();
        let huge = vec![0x30; KEY_CACHE_MAX_CERTIFICATE + 1];
        cache.remember(fingerprint(&huge), &huge, &pkey);
        let keys = cache.lock();
        assert!(!keys.entries.contains_key(&fingerprint(&huge)));
        assert_eq!(keys.entries.len(), before);
    }
}
