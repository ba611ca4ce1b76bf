//! Signature verification (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/384/521, Ed25519) through
//! OpenSSL, with a cache of results keyed by what was verified.

use std::collections::HashMap;
use std::sync::Mutex;

use const_oid::ObjectIdentifier;
use der::asn1::{AnyRef, ObjectIdentifier as Oid};
use der::{Decode, Sequence, Tagged};
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

mod oids {
    use const_oid::ObjectIdentifier as O;
    pub(super) const RSA: O = O::new_unwrap("1.2.840.113549.1.1.1");
    pub(super) const RSA_PSS: O = O::new_unwrap("1.2.840.113549.1.1.10");
    pub(super) const SHA1_RSA: O = O::new_unwrap("1.2.840.113549.1.1.5");
    pub(super) const SHA224_RSA: O = O::new_unwrap("1.2.840.113549.1.1.14");
    pub(super) const SHA256_RSA: O = O::new_unwrap("1.2.840.113549.1.1.11");
    pub(super) const SHA384_RSA: O = O::new_unwrap("1.2.840.113549.1.1.12");
    pub(super) const SHA512_RSA: O = O::new_unwrap("1.2.840.113549.1.1.13");
    pub(super) const EC: O = O::new_unwrap("1.2.840.10045.2.1");
    pub(super) const ECDSA_SHA1: O = O::new_unwrap("1.2.840.10045.4.1");
    pub(super) const ECDSA_SHA224: O = O::new_unwrap("1.2.840.10045.4.3.1");
    pub(super) const ECDSA_SHA256: O = O::new_unwrap("1.2.840.10045.4.3.2");
    pub(super) const ECDSA_SHA384: O = O::new_unwrap("1.2.840.10045.4.3.3");
    pub(super) const ECDSA_SHA512: O = O::new_unwrap("1.2.840.10045.4.3.4");
    pub(super) const ED25519: O = O::new_unwrap("1.3.101.112");
    pub(super) const P256: O = O::new_unwrap("1.2.840.10045.3.1.7");
    pub(super) const P384: O = O::new_unwrap("1.3.132.0.34");
    pub(super) const P521: O = O::new_unwrap("1.3.132.0.35");
    pub(super) const SHA1: O = O::new_unwrap("1.3.14.3.2.26");
    pub(super) const SHA224: O = O::new_unwrap("2.16.840.1.101.3.4.2.4");
    pub(super) const SHA256: O = O::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub(super) const SHA384: O = O::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub(super) const SHA512: O = O::new_unwrap("2.16.840.1.101.3.4.2.3");
    pub(super) const MGF1: O = O::new_unwrap("1.2.840.113549.1.1.8");
}

/// Hash functions kyso accepts inside signature algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_oid(oid: ObjectIdentifier) -> Option<Hash> {
        match oid {
            oids::SHA1 => Some(Hash::Sha1),
            oids::SHA224 => Some(Hash::Sha224),
            oids::SHA256 => Some(Hash::Sha256),
            oids::SHA384 => Some(Hash::Sha384),
            oids::SHA512 => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn digest(self) -> MessageDigest {
        match self {
            Hash::Sha1 => MessageDigest::sha1(),
            Hash::Sha224 => MessageDigest::sha224(),
            Hash::Sha256 => MessageDigest::sha256(),
            Hash::Sha384 => MessageDigest::sha384(),
            Hash::Sha512 => MessageDigest::sha512(),
        }
    }
}

/// A decoded signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureAlgorithm {
    RsaPkcs1(Hash),
    RsaPss {
        hash: Hash,
        mgf_hash: Hash,
        salt: u32,
    },
    Ecdsa(Hash),
    Ed25519,
}

impl SignatureAlgorithm {
    pub(crate) fn hash(self) -> Option<Hash> {
        match self {
            SignatureAlgorithm::RsaPkcs1(h) | SignatureAlgorithm::Ecdsa(h) => Some(h),
            SignatureAlgorithm::RsaPss { hash, .. } => Some(hash),
            SignatureAlgorithm::Ed25519 => None,
        }
    }
}

/// Why a signature could not be checked or did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SigError {
    /// The algorithm (or its parameters, or the key type for it) is not supported.
    Unsupported(ObjectIdentifier),
    /// The key is weaker than allowed.
    WeakKey(u32),
    /// The signature is wrong.
    Invalid,
}

/// RSASSA-PSS-params (RFC 4055 §3.1).
#[derive(Sequence)]
struct PssParams<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mgf: Option<AlgorithmIdentifierRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u32>,
}

#[derive(Sequence)]
struct AlgorithmIdentifierRef<'a> {
    oid: Oid,
    params: Option<AnyRef<'a>>,
}

fn params_absent_or_null(alg: &AlgorithmIdentifierOwned) -> bool {
    match &alg.parameters {
        None => true,
        Some(any) => any.tag() == der::Tag::Null && any.value().is_empty(),
    }
}

/// Decodes a signature AlgorithmIdentifier.
pub(crate) fn decode_algorithm(
    alg: &AlgorithmIdentifierOwned,
) -> Result<SignatureAlgorithm, SigError> {
    let unsupported = SigError::Unsupported(alg.oid);
    let pkcs1 = |h| {
        if params_absent_or_null(alg) {
            Ok(SignatureAlgorithm::RsaPkcs1(h))
        } else {
            Err(unsupported)
        }
    };
    let ecdsa = |h| {
        if alg.parameters.is_none() {
            Ok(SignatureAlgorithm::Ecdsa(h))
        } else {
            Err(unsupported)
        }
    };
    match alg.oid {
        oids::SHA1_RSA => pkcs1(Hash::Sha1),
        oids::SHA224_RSA => pkcs1(Hash::Sha224),
        oids::SHA256_RSA => pkcs1(Hash::Sha256),
        oids::SHA384_RSA => pkcs1(Hash::Sha384),
        oids::SHA512_RSA => pkcs1(Hash::Sha512),
        oids::ECDSA_SHA1 => ecdsa(Hash::Sha1),
        oids::ECDSA_SHA224 => ecdsa(Hash::Sha224),
        oids::ECDSA_SHA256 => ecdsa(Hash::Sha256),
        oids::ECDSA_SHA384 => ecdsa(Hash::Sha384),
        oids::ECDSA_SHA512 => ecdsa(Hash::Sha512),
        oids::ED25519 if alg.parameters.is_none() => Ok(SignatureAlgorithm::Ed25519),
        oids::RSA_PSS => {
            let any = alg.parameters.as_ref().ok_or(unsupported)?;
            let der = der::Encode::to_der(any).map_err(|_| unsupported)?;
            let params = PssParams::from_der(&der).map_err(|_| unsupported)?;
            let hash = match &params.hash {
                None => Hash::Sha1,
                Some(h) => Hash::from_oid(h.oid).ok_or(unsupported)?,
            };
            let mgf_hash = match &params.mgf {
                None => Hash::Sha1,
                Some(m) if m.oid == oids::MGF1 => {
                    let inner = m.params.ok_or(unsupported)?;
                    let inner: AlgorithmIdentifierRef<'_> =
                        inner.decode_as().map_err(|_| unsupported)?;
                    Hash::from_oid(inner.oid).ok_or(unsupported)?
                }
                Some(_) => return Err(unsupported),
            };
            if params.trailer.is_some_and(|t| t != 1) {
                return Err(unsupported);
            }
            Ok(SignatureAlgorithm::RsaPss {
                hash,
                mgf_hash,
                salt: params.salt.unwrap_or(20),
            })
        }
        _ => Err(unsupported),
    }
}

/// Decodes a public key, refusing key types and curves kyso does not accept (explicit EC
/// parameters included).
pub(crate) fn decode_key(spki_der: &[u8], min_rsa_bits: u32) -> Result<PKey<Public>, SigError> {
    let spki = SubjectPublicKeyInfoOwned::from_der(spki_der)
        .map_err(|_| SigError::Unsupported(oids::RSA))?;
    let alg = &spki.algorithm;
    let unsupported = SigError::Unsupported(alg.oid);
    match alg.oid {
        oids::RSA | oids::RSA_PSS => {}
        oids::EC => {
            let curve = alg
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<Oid>().ok())
                .ok_or(unsupported)?;
            if ![oids::P256, oids::P384, oids::P521].contains(&curve) {
                return Err(SigError::Unsupported(curve));
            }
        }
        oids::ED25519 => {}
        _ => return Err(unsupported),
    }
    let key = PKey::public_key_from_der(spki_der).map_err(|_| unsupported)?;
    if (key.id() == Id::RSA || key.id() == Id::RSA_PSS) && key.bits() < min_rsa_bits {
        return Err(SigError::WeakKey(key.bits()));
    }
    Ok(key)
}

/// Verifies `signature` over `message` with `key`.
pub(crate) fn verify_raw(
    key: &PKey<Public>,
    alg: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
    alg_oid: ObjectIdentifier,
) -> Result<(), SigError> {
    let unsupported = SigError::Unsupported(alg_oid);
    let id = key.id();
    let mut verifier = match alg {
        SignatureAlgorithm::RsaPkcs1(h) => {
            if id != Id::RSA {
                return Err(unsupported);
            }
            let mut v = Verifier::new(h.digest(), key).map_err(|_| unsupported)?;
            v.set_rsa_padding(Padding::PKCS1).map_err(|_| unsupported)?;
            v
        }
        SignatureAlgorithm::RsaPss {
            hash,
            mgf_hash,
            salt,
        } => {
            if id != Id::RSA && id != Id::RSA_PSS {
                return Err(unsupported);
            }
            let mut v = Verifier::new(hash.digest(), key).map_err(|_| unsupported)?;
            v.set_rsa_padding(Padding::PKCS1_PSS)
                .map_err(|_| unsupported)?;
            v.set_rsa_mgf1_md(mgf_hash.digest())
                .map_err(|_| unsupported)?;
            let salt = i32::try_from(salt).map_err(|_| unsupported)?;
            v.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))
                .map_err(|_| unsupported)?;
            v
        }
        SignatureAlgorithm::Ecdsa(h) => {
            if id != Id::EC {
                return Err(unsupported);
            }
            Verifier::new(h.digest(), key).map_err(|_| unsupported)?
        }
        SignatureAlgorithm::Ed25519 => {
            if id != Id::ED25519 {
                return Err(unsupported);
            }
            let mut v = Verifier::new_without_digest(key).map_err(|_| unsupported)?;
            return match v.verify_oneshot(signature, message) {
                Ok(true) => Ok(()),
                _ => Err(SigError::Invalid),
            };
        }
    };
    verifier.update(message).map_err(|_| unsupported)?;
    match verifier.verify(signature) {
        Ok(true) => Ok(()),
        _ => Err(SigError::Invalid),
    }
}

/// Remembers signature checks: the same issuer key over the same signed bytes with the same
/// signature always gives the same answer, so a warm cache turns repeated validations of a
/// chain into hash lookups.
///
/// Invariant: an entry maps SHA-256(key ‖ algorithm ‖ signature ‖ message) to the result of
/// verifying that signature under the same minimum RSA size; the key covers every input.
#[derive(Default)]
pub struct SignatureCache {
    results: Mutex<HashMap<[u8; 32], Result<(), SigError>>>,
}

/// Entries beyond which the cache is cleared rather than grown (bounded memory in batches).
const CACHE_LIMIT: usize = 100_000;

impl SignatureCache {
    /// An empty cache.
    pub fn new() -> SignatureCache {
        SignatureCache::default()
    }

    /// Verifies `signature` (made with `alg`) over `message` by the key in `spki_der`.
    pub(crate) fn verify(
        &self,
        spki_der: &[u8],
        alg: &AlgorithmIdentifierOwned,
        message: &[u8],
        signature: &[u8],
        min_rsa_bits: u32,
    ) -> Result<SignatureAlgorithm, SigError> {
        let decoded = decode_algorithm(alg)?;
        let alg_der = der::Encode::to_der(alg).map_err(|_| SigError::Unsupported(alg.oid))?;
        let mut h = Sha256::new();
        for part in [spki_der, &alg_der, signature, message] {
            h.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            h.update(part);
        }
        h.update(min_rsa_bits.to_be_bytes());
        let key: [u8; 32] = h.finalize().into();
        if let Some(hit) = self.lock().get(&key) {
            return hit.map(|()| decoded);
        }
        let result = decode_key(spki_der, min_rsa_bits)
            .and_then(|pkey| verify_raw(&pkey, decoded, message, signature, alg.oid));
        let mut map = self.lock();
        if map.len() >= CACHE_LIMIT {
            map.clear();
        }
        map.insert(key, result);
        result.map(|()| decoded)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Result<(), SigError>>> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still a
        // valid cache (entries are whole values).
        self.results.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for SignatureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureCache")
            .field("entries", &self.lock().len())
            .finish()
    }
}
