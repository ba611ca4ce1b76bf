//! Cryptographic verification of one SignerInfo.
//!
//! The checks follow RFC 5652 §5.4 and §5.6: the signer certificate is found by its
//! identifier; with signed attributes, content-type must be present and equal the
//! encapsulated type, message-digest must equal the content digest, an ESS
//! signing-certificate(-v2) attribute must name this certificate, and the signature covers the
//! DER `SET OF` encoding of the attributes; without them, the signature covers the content.

use std::time::SystemTime;

use openssl::pkey::{Id, PKey, Public};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;

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
/// pure Ed25519 signatures made without signed attributes.
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

fn public_key(cert_der: &[u8]) -> Result<PKey<Public>, Error> {
    X509::from_der(cert_der)
        .and_then(|cert| cert.public_key())
        .map_err(|_| Error::SignerCertificateUnusable)
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
            SignatureScheme::Ecdsa(_) | SignatureScheme::Ed25519 => {}
        }
        ctx.set_signature_md(hash.md())?;
        ctx.verify(digest, signature)
    };
    attempt().unwrap_or(false)
}
