//! Algorithm identifiers: encoding them for kyso's own signatures and decoding the signature
//! schemes found in other producers' SignerInfos.

use der::asn1::ObjectIdentifier;
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};

use crate::der_reader::{tag, Reader, Tlv};
use crate::der_writer::{oid, tlv, uint};
use crate::{oids, DigestAlgorithm, Error};

/// `AlgorithmIdentifier` for a digest, parameters absent (RFC 5754 §2: "the parameters field
/// ... SHOULD be absent").
pub(crate) fn digest_algorithm_identifier(hash: DigestAlgorithm) -> Vec<u8> {
    tlv(tag::SEQUENCE, &[&oid(&hash.oid())])
}

/// A hash `AlgorithmIdentifier` with NULL parameters, as RFC 4055 §2.1 defines
/// `sha256Identifier` and friends for use inside RSASSA-PSS-params.
fn hash_identifier_with_null(hash: DigestAlgorithm) -> Vec<u8> {
    tlv(tag::SEQUENCE, &[&oid(&hash.oid()), &[tag::NULL, 0]])
}

/// `AlgorithmIdentifier` for a signature kyso produces.
///
/// PKCS#1 v1.5 carries NULL parameters (RFC 4055 §5), ECDSA none (RFC 5758 §3.2), and
/// RSASSA-PSS the full parameters (hash, MGF1 over the same hash, salt as long as the hash,
/// trailer field default) so verifiers need not guess.
pub(crate) fn signature_algorithm_identifier(algorithm: SignatureAlgorithm) -> Vec<u8> {
    let hash = DigestAlgorithm::from(algorithm.hash());
    match algorithm {
        SignatureAlgorithm::RsaPkcs1v15(h) => {
            let id = match h {
                HashAlgorithm::Sha256 => oids::SHA256_WITH_RSA,
                HashAlgorithm::Sha384 => oids::SHA384_WITH_RSA,
                HashAlgorithm::Sha512 => oids::SHA512_WITH_RSA,
            };
            tlv(tag::SEQUENCE, &[&oid(&id), &[tag::NULL, 0]])
        }
        SignatureAlgorithm::Ecdsa(h) => {
            let id = match h {
                HashAlgorithm::Sha256 => oids::ECDSA_WITH_SHA256,
                HashAlgorithm::Sha384 => oids::ECDSA_WITH_SHA384,
                HashAlgorithm::Sha512 => oids::ECDSA_WITH_SHA512,
            };
            tlv(tag::SEQUENCE, &[&oid(&id)])
        }
        SignatureAlgorithm::RsaPss(_) => {
            let hash_id = hash_identifier_with_null(hash);
            let mgf = tlv(tag::SEQUENCE, &[&oid(&oids::MGF1), &hash_id]);
            let salt = uint(u64::try_from(hash.output_len()).unwrap_or(32));
            let params = tlv(
                tag::SEQUENCE,
                &[
                    &tlv(tag::context(0), &[&hash_id]),
                    &tlv(tag::context(1), &[&mgf]),
                    &tlv(tag::context(2), &[&salt]),
                ],
            );
            tlv(tag::SEQUENCE, &[&oid(&oids::RSASSA_PSS), &params])
        }
    }
}

/// A decoded `AlgorithmIdentifier`: the OID and the raw parameters, if any.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AlgorithmIdentifier<'a> {
    pub(crate) oid: ObjectIdentifier,
    pub(crate) params: Option<Tlv<'a>>,
}

impl<'a> AlgorithmIdentifier<'a> {
    pub(crate) fn decode(tlv: Tlv<'a>, what: &'static str) -> Result<Self, Error> {
        let tlv = tlv.expect(tag::SEQUENCE, what)?;
        let mut reader = tlv.reader();
        let oid = reader.read(tag::OID, what)?.oid(what)?;
        let params = if reader.is_empty() {
            None
        } else {
            Some(reader.read_any(what)?)
        };
        reader.finish(what)?;
        Ok(Self { oid, params })
    }

    /// True when the parameters are absent or NULL.
    fn params_absent_or_null(&self) -> bool {
        match self.params {
            None => true,
            Some(p) => p.tag == tag::NULL && p.value.is_empty(),
        }
    }

    /// Decodes a digest algorithm identifier: parameters absent or NULL, except
    /// id-shake256-len, whose parameter is the output length in bits (RFC 8702 §3.1); only
    /// the 512 bits RFC 8419 prescribes for Ed448 are supported.
    pub(crate) fn digest(&self) -> Result<DigestAlgorithm, Error> {
        const SHAKE256_BITS: usize = 512;
        let unsupported = || Error::UnsupportedAlgorithm { oid: self.oid };
        if self.oid == oids::SHAKE256_LEN {
            let bits = self.params.ok_or_else(unsupported)?;
            return match bits.small_uint("ShakeOutputLen") {
                Ok(SHAKE256_BITS) => Ok(DigestAlgorithm::Shake256),
                _ => Err(unsupported()),
            };
        }
        let alg = DigestAlgorithm::from_oid(&self.oid)?;
        if self.params_absent_or_null() {
            Ok(alg)
        } else {
            Err(unsupported())
        }
    }
}

/// A signature scheme with every parameter a verifier needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 with the given hash.
    RsaPkcs1v15(DigestAlgorithm),
    /// RSASSA-PSS.
    RsaPss {
        /// The message hash.
        hash: DigestAlgorithm,
        /// The hash inside MGF1.
        mgf1_hash: DigestAlgorithm,
        /// Salt length in bytes.
        salt_len: u32,
    },
    /// ECDSA with the given hash; the curve comes from the certificate.
    Ecdsa(DigestAlgorithm),
    /// Pure Ed25519 (RFC 8419): signs the message itself, no prehash.
    Ed25519,
    /// Pure Ed448 (RFC 8419): signs the message itself, no prehash.
    Ed448,
}

impl SignatureScheme {
    /// Decodes a SignerInfo's `signatureAlgorithm`; `digest` is its `digestAlgorithm`, used when
    /// the signature algorithm names no hash (rsaEncryption, id-ecPublicKey), and checked
    /// against the one RFC 8419 §3 allows for EdDSA (SHA-512 with Ed25519, SHAKE256 with
    /// Ed448).
    pub(crate) fn decode(
        alg: &AlgorithmIdentifier<'_>,
        digest: DigestAlgorithm,
    ) -> Result<Self, Error> {
        use DigestAlgorithm::*;
        let unsupported = || Error::UnsupportedAlgorithm { oid: alg.oid };
        let eddsa = |scheme, required: DigestAlgorithm| {
            if alg.params.is_some() {
                Err(unsupported())
            } else if digest != required {
                Err(Error::DigestNotAllowed {
                    signature: alg.oid,
                    digest: digest.oid(),
                })
            } else {
                Ok(scheme)
            }
        };
        let pkcs1 = |hash| {
            if alg.params_absent_or_null() {
                Ok(Self::RsaPkcs1v15(hash))
            } else {
                Err(unsupported())
            }
        };
        // RFC 5758 §3.2 says the parameters MUST be absent, but real signers (e.g. the
        // A-Trust card of the ETSI plugtests) write NULL; DSS and pyHanko accept it, and it
        // changes nothing in what is verified.
        let ecdsa = |hash| {
            if alg.params_absent_or_null() {
                Ok(Self::Ecdsa(hash))
            } else {
                Err(unsupported())
            }
        };
        match alg.oid {
            oids::RSA_ENCRYPTION => pkcs1(prehash(digest, alg.oid)?),
            oids::SHA1_WITH_RSA => pkcs1(Sha1),
            oids::SHA224_WITH_RSA => pkcs1(Sha224),
            oids::SHA256_WITH_RSA => pkcs1(Sha256),
            oids::SHA384_WITH_RSA => pkcs1(Sha384),
            oids::SHA512_WITH_RSA => pkcs1(Sha512),
            oids::EC_PUBLIC_KEY => Ok(Self::Ecdsa(prehash(digest, alg.oid)?)),
            oids::ECDSA_WITH_SHA1 => ecdsa(Sha1),
            oids::ECDSA_WITH_SHA224 => ecdsa(Sha224),
            oids::ECDSA_WITH_SHA256 => ecdsa(Sha256),
            oids::ECDSA_WITH_SHA384 => ecdsa(Sha384),
            oids::ECDSA_WITH_SHA512 => ecdsa(Sha512),
            oids::ED25519 => eddsa(Self::Ed25519, Sha512),
            oids::ED448 => eddsa(Self::Ed448, Shake256),
            oids::RSASSA_PSS => decode_pss_params(alg),
            _ => Err(unsupported()),
        }
    }

    /// The hash the signature itself is computed with (`None` for pure EdDSA).
    pub fn hash(self) -> Option<DigestAlgorithm> {
        match self {
            Self::RsaPkcs1v15(h) | Self::Ecdsa(h) => Some(h),
            Self::RsaPss { hash, .. } => Some(hash),
            Self::Ed25519 | Self::Ed448 => None,
        }
    }
}

/// `hash` as the prehash of an RSA or ECDSA scheme (`scheme`: its OID): SHAKE256 is a digest
/// for EdDSA's signed attributes only; RSA and ECDSA are not defined with it under these
/// identifiers (RFC 8702's SHAKE variants have identifiers of their own).
fn prehash(hash: DigestAlgorithm, scheme: ObjectIdentifier) -> Result<DigestAlgorithm, Error> {
    if hash == DigestAlgorithm::Shake256 {
        Err(Error::UnsupportedAlgorithm { oid: scheme })
    } else {
        Ok(hash)
    }
}

/// RSASSA-PSS-params (RFC 8017 appendix A.2.3):
///
/// ```text
/// RSASSA-PSS-params ::= SEQUENCE {
///     hashAlgorithm      [0] HashAlgorithm      DEFAULT sha1,
///     maskGenAlgorithm   [1] MaskGenAlgorithm   DEFAULT mgf1SHA1,
///     saltLength         [2] INTEGER            DEFAULT 20,
///     trailerField       [3] TrailerField       DEFAULT trailerFieldBC }
/// ```
fn decode_pss_params(alg: &AlgorithmIdentifier<'_>) -> Result<SignatureScheme, Error> {
    const WHAT: &str = "RSASSA-PSS-params";
    let params = alg
        .params
        .ok_or(Error::UnsupportedAlgorithm { oid: alg.oid })?
        .expect(tag::SEQUENCE, WHAT)?;
    let mut reader = params.reader();
    let hash = match reader.read_optional(tag::context(0), WHAT)? {
        Some(explicit) => {
            AlgorithmIdentifier::decode(single_inner(explicit, WHAT)?, WHAT)?.digest()?
        }
        None => DigestAlgorithm::Sha1,
    };
    let mgf1_hash = match reader.read_optional(tag::context(1), WHAT)? {
        Some(explicit) => {
            let mgf = AlgorithmIdentifier::decode(single_inner(explicit, WHAT)?, WHAT)?;
            if mgf.oid != oids::MGF1 {
                return Err(Error::UnsupportedAlgorithm { oid: mgf.oid });
            }
            let inner = mgf
                .params
                .ok_or(Error::malformed(WHAT, params.value_offset))?;
            AlgorithmIdentifier::decode(inner, WHAT)?.digest()?
        }
        None => DigestAlgorithm::Sha1,
    };
    let salt_len = match reader.read_optional(tag::context(2), WHAT)? {
        Some(explicit) => {
            let n = single_inner(explicit, WHAT)?.small_uint(WHAT)?;
            u32::try_from(n).map_err(|_| Error::malformed(WHAT, explicit.value_offset))?
        }
        None => 20,
    };
    if let Some(explicit) = reader.read_optional(tag::context(3), WHAT)? {
        if single_inner(explicit, WHAT)?.small_uint(WHAT)? != 1 {
            return Err(Error::UnsupportedAlgorithm { oid: alg.oid });
        }
    }
    reader.finish(WHAT)?;
    Ok(SignatureScheme::RsaPss {
        hash: prehash(hash, alg.oid)?,
        mgf1_hash: prehash(mgf1_hash, alg.oid)?,
        salt_len,
    })
}

/// The one element inside an EXPLICIT tag.
pub(crate) fn single_inner<'a>(explicit: Tlv<'a>, what: &'static str) -> Result<Tlv<'a>, Error> {
    let mut reader: Reader<'a> = explicit.reader();
    let inner = reader.read_any(what)?;
    reader.finish(what)?;
    Ok(inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der_reader::single;

    fn round_trip(algorithm: SignatureAlgorithm) -> SignatureScheme {
        let encoded = signature_algorithm_identifier(algorithm);
        let tlv = single(&encoded, tag::SEQUENCE, "alg").expect("one element");
        let decoded = AlgorithmIdentifier::decode(tlv, "alg").expect("decodes");
        SignatureScheme::decode(&decoded, DigestAlgorithm::Sha256).expect("known scheme")
    }

    #[test]
    fn encoded_identifiers_decode_to_the_same_scheme() {
        use HashAlgorithm::*;
        assert_eq!(
            round_trip(SignatureAlgorithm::RsaPkcs1v15(Sha384)),
            SignatureScheme::RsaPkcs1v15(DigestAlgorithm::Sha384)
        );
        assert_eq!(
            round_trip(SignatureAlgorithm::Ecdsa(Sha512)),
            SignatureScheme::Ecdsa(DigestAlgorithm::Sha512)
        );
        assert_eq!(
            round_trip(SignatureAlgorithm::RsaPss(Sha256)),
            SignatureScheme::RsaPss {
                hash: DigestAlgorithm::Sha256,
                mgf1_hash: DigestAlgorithm::Sha256,
                salt_len: 32
            }
        );
    }

    #[test]
    fn pss_identifier_matches_openssl_encoding() {
        // What `openssl cms -sign -keyopt rsa_padding_mode:pss` writes for SHA-256, salt 32.
        let expected = hex::decode(concat!(
            "303d06092a864886f70d01010a3030a00d300b0609608648016503040201",
            "a11a301806092a864886f70d010108300b0609608648016503040201a203020120"
        ))
        .expect("hex");
        let ours =
            signature_algorithm_identifier(SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256));
        // OpenSSL omits the NULL inside the hash identifiers; both forms are legal (RFC 4055
        // §2.1), so compare the decoded scheme rather than bytes.
        let theirs = AlgorithmIdentifier::decode(
            single(&expected, tag::SEQUENCE, "alg").expect("tlv"),
            "alg",
        )
        .expect("decodes");
        let ours_decoded =
            AlgorithmIdentifier::decode(single(&ours, tag::SEQUENCE, "alg").expect("tlv"), "alg")
                .expect("decodes");
        assert_eq!(
            SignatureScheme::decode(&theirs, DigestAlgorithm::Sha256).expect("theirs"),
            SignatureScheme::decode(&ours_decoded, DigestAlgorithm::Sha256).expect("ours")
        );
    }

    #[test]
    fn pss_defaults_are_sha1_and_salt_20_and_other_trailers_are_refused() {
        let empty_params = hex::decode("300d06092a864886f70d01010a3000").expect("hex");
        let alg = AlgorithmIdentifier::decode(
            single(&empty_params, tag::SEQUENCE, "alg").expect("tlv"),
            "alg",
        )
        .expect("decodes");
        assert_eq!(
            SignatureScheme::decode(&alg, DigestAlgorithm::Sha256).expect("defaults"),
            SignatureScheme::RsaPss {
                hash: DigestAlgorithm::Sha1,
                mgf1_hash: DigestAlgorithm::Sha1,
                salt_len: 20
            }
        );
        let trailer_2 = hex::decode("301206092a864886f70d01010a3005a303020102").expect("hex");
        let alg = AlgorithmIdentifier::decode(
            single(&trailer_2, tag::SEQUENCE, "alg").expect("tlv"),
            "alg",
        )
        .expect("decodes");
        assert!(matches!(
            SignatureScheme::decode(&alg, DigestAlgorithm::Sha256),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }

    fn decode_hex(der_hex: &str) -> Result<DigestAlgorithm, Error> {
        let der = hex::decode(der_hex).expect("hex");
        AlgorithmIdentifier::decode(single(&der, tag::SEQUENCE, "alg").expect("tlv"), "alg")
            .expect("decodes")
            .digest()
    }

    #[test]
    fn shake256_is_named_with_or_without_its_output_length() {
        // id-shake256, no parameters (pyHanko's ed448-shake256-nolen.pdf).
        assert_eq!(
            decode_hex("300b060960864801650304020c").expect("nolen"),
            DigestAlgorithm::Shake256
        );
        // id-shake256-len with ShakeOutputLen 512, as pyHanko signs with Ed448.
        assert_eq!(
            decode_hex("300f060960864801650304021202020200").expect("len 512"),
            DigestAlgorithm::Shake256
        );
        // Other lengths, and id-shake256-len without its length, are not supported.
        for other in [
            "300e06096086480165030402120201ff",
            "300f060960864801650304021202020100",
            "300b0609608648016503040212",
        ] {
            assert!(
                matches!(decode_hex(other), Err(Error::UnsupportedAlgorithm { oid }) if oid == oids::SHAKE256_LEN),
                "{other}"
            );
        }
    }

    #[test]
    fn eddsa_takes_only_the_digest_rfc_8419_pairs_it_with() {
        let ed25519 = hex::decode("300506032b6570").expect("hex");
        let ed448 = hex::decode("300506032b6571").expect("hex");
        let decode = |der: &[u8], digest| {
            let alg =
                AlgorithmIdentifier::decode(single(der, tag::SEQUENCE, "alg").expect("tlv"), "alg")
                    .expect("decodes");
            SignatureScheme::decode(&alg, digest)
        };
        use DigestAlgorithm::*;
        assert_eq!(
            decode(&ed25519, Sha512).expect("ed25519"),
            SignatureScheme::Ed25519
        );
        assert_eq!(
            decode(&ed448, Shake256).expect("ed448"),
            SignatureScheme::Ed448
        );
        assert_eq!(SignatureScheme::Ed448.hash(), None);
        // pyHanko's ed448-disallowed-hash.pdf: Ed448 with SHA-512.
        assert!(matches!(
            decode(&ed448, Sha512),
            Err(Error::DigestNotAllowed { signature, digest })
                if signature == oids::ED448 && digest == oids::SHA512
        ));
        assert!(matches!(
            decode(&ed25519, Sha256),
            Err(Error::DigestNotAllowed { .. })
        ));
        // RFC 8410 §3: no parameters, not even NULL.
        let ed448_null = hex::decode("300706032b65710500").expect("hex");
        assert!(matches!(
            decode(&ed448_null, Shake256),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
        // SHAKE256 is no prehash for RSA or ECDSA.
        let rsa = hex::decode("300d06092a864886f70d0101010500").expect("hex");
        assert!(matches!(
            decode(&rsa, Shake256),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }

    #[test]
    fn rsa_encryption_takes_the_digest_algorithm_and_md5_is_refused() {
        let rsa = hex::decode("300d06092a864886f70d0101010500").expect("hex");
        let alg =
            AlgorithmIdentifier::decode(single(&rsa, tag::SEQUENCE, "alg").expect("tlv"), "alg")
                .expect("decodes");
        assert_eq!(
            SignatureScheme::decode(&alg, DigestAlgorithm::Sha1).expect("rsa"),
            SignatureScheme::RsaPkcs1v15(DigestAlgorithm::Sha1)
        );
        let md5_rsa = hex::decode("300d06092a864886f70d0101040500").expect("hex");
        let alg = AlgorithmIdentifier::decode(
            single(&md5_rsa, tag::SEQUENCE, "alg").expect("tlv"),
            "alg",
        )
        .expect("decodes");
        assert!(matches!(
            SignatureScheme::decode(&alg, DigestAlgorithm::Sha256),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }
}
