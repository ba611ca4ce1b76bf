//! Signature verification (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/384/521, Ed25519, Ed448) through
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
    pub(super) const ED448: O = O::new_unwrap("1.3.101.113");
    pub(super) const P256: O = O::new_unwrap("1.2.840.10045.3.1.7");
    pub(super) const P384: O = O::new_unwrap("1.3.132.0.34");
    pub(super) const P521: O = O::new_unwrap("1.3.132.0.35");
    pub(super) const P224: O = O::new_unwrap("1.3.132.0.33");
    pub(super) const SECP256K1: O = O::new_unwrap("1.3.132.0.10");
    pub(super) const BRAINPOOL_P224R1: O = O::new_unwrap("1.3.36.3.3.2.8.1.1.5");
    pub(super) const BRAINPOOL_P256R1: O = O::new_unwrap("1.3.36.3.3.2.8.1.1.7");
    pub(super) const BRAINPOOL_P320R1: O = O::new_unwrap("1.3.36.3.3.2.8.1.1.9");
    pub(super) const BRAINPOOL_P384R1: O = O::new_unwrap("1.3.36.3.3.2.8.1.1.11");
    pub(super) const BRAINPOOL_P512R1: O = O::new_unwrap("1.3.36.3.3.2.8.1.1.13");
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
    Ed448,
}

impl SignatureAlgorithm {
    pub(crate) fn hash(self) -> Option<Hash> {
        match self {
            SignatureAlgorithm::RsaPkcs1(h) | SignatureAlgorithm::Ecdsa(h) => Some(h),
            SignatureAlgorithm::RsaPss { hash, .. } => Some(hash),
            SignatureAlgorithm::Ed25519 | SignatureAlgorithm::Ed448 => None,
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
    // RFC 5758 §3.2: the parameters MUST be absent; some CAs and signers write NULL, which
    // BouncyCastle (DSS) and pyca/cryptography (pyHanko) accept, and which changes nothing.
    let ecdsa = |h| {
        if params_absent_or_null(alg) {
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
        // RFC 8410 §3: the parameters MUST be absent.
        oids::ED25519 if alg.parameters.is_none() => Ok(SignatureAlgorithm::Ed25519),
        oids::ED448 if alg.parameters.is_none() => Ok(SignatureAlgorithm::Ed448),
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

/// The named curves accepted for ECDSA keys: NIST P-224 to P-521, secp256k1 and the
/// Brainpool r1 curves (RFC 5639, used by European signature cards), all of which OpenSSL
/// implements. Explicit curve parameters are refused (RFC 5480 §2.1.1: namedCurve only).
const NAMED_CURVES: [ObjectIdentifier; 10] = [
    oids::P224,
    oids::P256,
    oids::P384,
    oids::P521,
    oids::SECP256K1,
    oids::BRAINPOOL_P224R1,
    oids::BRAINPOOL_P256R1,
    oids::BRAINPOOL_P320R1,
    oids::BRAINPOOL_P384R1,
    oids::BRAINPOOL_P512R1,
];

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
            if !NAMED_CURVES.contains(&curve) {
                return Err(SigError::Unsupported(curve));
            }
        }
        oids::ED25519 | oids::ED448 => {}
        _ => return Err(unsupported),
    }
    let key = PKey::public_key_from_der(spki_der).map_err(|_| unsupported)?;
    if (key.id() == Id::RSA || key.id() == Id::RSA_PSS) && key.bits() < min_rsa_bits {
        return Err(SigError::WeakKey(key.bits()));
    }
    Ok(key)
}

/// Whether a key of type `key_algorithm` (a SubjectPublicKeyInfo algorithm OID) can have made
/// a signature with `alg`: an RSA key cannot make an ECDSA signature, so an issuer candidate
/// with such a key is simply not the issuer.
pub(crate) fn key_fits(alg: &AlgorithmIdentifierOwned, key_algorithm: ObjectIdentifier) -> bool {
    match decode_algorithm(alg) {
        Ok(SignatureAlgorithm::RsaPkcs1(_)) => key_algorithm == oids::RSA,
        Ok(SignatureAlgorithm::RsaPss { .. }) => {
            key_algorithm == oids::RSA || key_algorithm == oids::RSA_PSS
        }
        Ok(SignatureAlgorithm::Ecdsa(_)) => key_algorithm == oids::EC,
        Ok(SignatureAlgorithm::Ed25519) => key_algorithm == oids::ED25519,
        Ok(SignatureAlgorithm::Ed448) => key_algorithm == oids::ED448,
        // An algorithm kyso does not support fits no key; the caller reports it.
        Err(_) => true,
    }
}

/// Verifies `signature` over `message` with `key`; a key of another type than the algorithm
/// needs gives [`SigError::Invalid`] (that key did not make this signature).
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
                return Err(SigError::Invalid);
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
                return Err(SigError::Invalid);
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
                return Err(SigError::Invalid);
            }
            Verifier::new(h.digest(), key).map_err(|_| unsupported)?
        }
        SignatureAlgorithm::Ed25519 | SignatureAlgorithm::Ed448 => {
            let key_id = if alg == SignatureAlgorithm::Ed25519 {
                Id::ED25519
            } else {
                Id::ED448
            };
            if id != key_id {
                return Err(SigError::Invalid);
            }
            // Pure EdDSA: the whole message goes into one verification, no prehash.
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

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use der::asn1::Any;
    use openssl::ec::{Asn1Flag, EcGroup, EcKey};
    use openssl::nid::Nid;
    use openssl::pkey::Private;
    use openssl::sign::Signer;

    fn ec_key(curve: Nid) -> PKey<Private> {
        let group = EcGroup::from_curve_name(curve).expect("curve");
        PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey")
    }

    fn sign(key: &PKey<Private>, message: &[u8]) -> Vec<u8> {
        let mut signer = Signer::new(MessageDigest::sha256(), key).expect("signer");
        signer.update(message).expect("update");
        signer.sign_to_vec().expect("sign")
    }

    fn ecdsa_sha256(null_params: bool) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: oids::ECDSA_SHA256,
            parameters: null_params.then(|| Any::from(der::asn1::Null)),
        }
    }

    #[test]
    fn ecdsa_verifies_on_nist_and_brainpool_curves_with_or_without_null_parameters() {
        let message = b"to be signed";
        for curve in [
            Nid::X9_62_PRIME256V1,
            Nid::SECP384R1,
            Nid::SECP521R1,
            Nid::BRAINPOOL_P256R1,
            Nid::BRAINPOOL_P384R1,
            Nid::BRAINPOOL_P512R1,
        ] {
            let key = ec_key(curve);
            let spki = key.public_key_to_der().expect("spki");
            let signature = sign(&key, message);
            for null_params in [false, true] {
                let cache = SignatureCache::new();
                let alg = ecdsa_sha256(null_params);
                assert_eq!(
                    cache.verify(&spki, &alg, message, &signature, 2048),
                    Ok(SignatureAlgorithm::Ecdsa(Hash::Sha256)),
                    "{curve:?} null={null_params}"
                );
                assert_eq!(
                    cache.verify(&spki, &alg, b"other message", &signature, 2048),
                    Err(SigError::Invalid),
                    "{curve:?} null={null_params}"
                );
            }
        }
    }

    #[test]
    fn a_key_of_another_type_did_not_make_the_signature() {
        let message = b"to be signed";
        let ec = ec_key(Nid::X9_62_PRIME256V1);
        let signature = sign(&ec, message);
        let rsa = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).expect("rsa")).expect("pkey");
        let rsa_spki = rsa.public_key_to_der().expect("spki");
        let cache = SignatureCache::new();
        // An RSA namesake of the ECDSA issuer: not the signer, rather than "unsupported".
        assert_eq!(
            cache.verify(&rsa_spki, &ecdsa_sha256(false), message, &signature, 2048),
            Err(SigError::Invalid)
        );
        assert!(key_fits(&ecdsa_sha256(true), oids::EC));
        assert!(!key_fits(&ecdsa_sha256(false), oids::RSA));
        let sha256_rsa = AlgorithmIdentifierOwned {
            oid: oids::SHA256_RSA,
            parameters: Some(Any::from(der::asn1::Null)),
        };
        assert!(key_fits(&sha256_rsa, oids::RSA));
        assert!(!key_fits(&sha256_rsa, oids::EC));
        // An algorithm kyso does not know is left for the verification to report.
        let unknown = AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.3.4"),
            parameters: None,
        };
        assert!(key_fits(&unknown, oids::RSA));
    }

    #[test]
    fn eddsa_signatures_verify_with_their_own_key_type_only() {
        let message = b"tbsCertificate bytes";
        let ed25519 = PKey::generate_ed25519().expect("ed25519");
        let ed448 = PKey::generate_ed448().expect("ed448");
        let cases = [
            (&ed25519, oids::ED25519, SignatureAlgorithm::Ed25519),
            (&ed448, oids::ED448, SignatureAlgorithm::Ed448),
        ];
        for (key, oid, expected) in cases {
            let signature = Signer::new_without_digest(key)
                .and_then(|mut s| s.sign_oneshot_to_vec(message))
                .expect("sign");
            let spki = key.public_key_to_der().expect("spki");
            let alg = AlgorithmIdentifierOwned {
                oid,
                parameters: None,
            };
            let cache = SignatureCache::new();
            assert_eq!(
                cache.verify(&spki, &alg, message, &signature, 2048),
                Ok(expected)
            );
            assert_eq!(
                cache.verify(&spki, &alg, b"other bytes", &signature, 2048),
                Err(SigError::Invalid)
            );
            assert!(key_fits(&alg, oid));
            assert!(!key_fits(&alg, oids::EC));
            // RFC 8410 §3: parameters MUST be absent.
            let with_null = AlgorithmIdentifierOwned {
                oid,
                parameters: Some(Any::from(der::asn1::Null)),
            };
            assert_eq!(
                decode_algorithm(&with_null),
                Err(SigError::Unsupported(oid))
            );
        }
        // An Ed25519 key did not make an Ed448 signature.
        let signature = Signer::new_without_digest(&ed448)
            .and_then(|mut s| s.sign_oneshot_to_vec(message))
            .expect("sign");
        let alg = AlgorithmIdentifierOwned {
            oid: oids::ED448,
            parameters: None,
        };
        let ed25519_spki = ed25519.public_key_to_der().expect("spki");
        assert_eq!(
            SignatureCache::new().verify(&ed25519_spki, &alg, message, &signature, 2048),
            Err(SigError::Invalid)
        );
    }

    #[test]
    fn ecdsa_parameters_other_than_null_and_explicit_curves_are_refused() {
        let with_oid = AlgorithmIdentifierOwned {
            oid: oids::ECDSA_SHA256,
            parameters: Some(Any::from(oids::P256)),
        };
        assert_eq!(
            decode_algorithm(&with_oid),
            Err(SigError::Unsupported(oids::ECDSA_SHA256))
        );
        let mut group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
        group.set_asn1_flag(Asn1Flag::EXPLICIT_CURVE);
        let key = EcKey::generate(&group).expect("key");
        let spki = PKey::from_ec_key(key)
            .expect("pkey")
            .public_key_to_der()
            .expect("spki");
        assert!(matches!(
            decode_key(&spki, 2048),
            Err(SigError::Unsupported(_))
        ));
    }
}
