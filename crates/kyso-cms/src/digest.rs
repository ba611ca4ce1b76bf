//! Digest algorithms a CMS signer may name, and a streaming hasher over them.

use der::asn1::ObjectIdentifier;
use sha1::Digest as _;

use crate::{oids, Error};

/// A digest algorithm that may appear as a SignerInfo's `digestAlgorithm` or in a time-stamp
/// imprint. SHA-1 is here for verifying old documents; kyso never signs with it, nor with
/// SHAKE256, which only Ed448 signers use (RFC 8419).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-1 (weak; reported by verification).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHAKE256 with 512 bits of output, the digest RFC 8419 §3.1 pairs with Ed448; named by
    /// id-shake256-len with a length of 512 (RFC 8702 §3.1) or by plain id-shake256.
    Shake256,
}

/// Output length of [`DigestAlgorithm::Shake256`] in bytes (RFC 8419 §3.1: 512 bits).
const SHAKE256_LEN: usize = 64;

impl DigestAlgorithm {
    /// Looks an algorithm up by OID. id-shake256-len needs its length parameter, so it is only
    /// recognised in a whole `AlgorithmIdentifier` (e.g. [`crate::SignerInfo::digest_algorithm`]).
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, Error> {
        match *oid {
            oids::SHA1 => Ok(Self::Sha1),
            oids::SHA224 => Ok(Self::Sha224),
            oids::SHA256 => Ok(Self::Sha256),
            oids::SHA384 => Ok(Self::Sha384),
            oids::SHA512 => Ok(Self::Sha512),
            oids::SHAKE256 => Ok(Self::Shake256),
            other => Err(Error::UnsupportedAlgorithm { oid: other }),
        }
    }

    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oids::SHA1,
            Self::Sha224 => oids::SHA224,
            Self::Sha256 => oids::SHA256,
            Self::Sha384 => oids::SHA384,
            Self::Sha512 => oids::SHA512,
            Self::Shake256 => oids::SHAKE256,
        }
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
            Self::Shake256 => SHAKE256_LEN,
        }
    }

    /// A fresh streaming hasher.
    pub fn hasher(self) -> ContentHasher {
        match self {
            Self::Sha1 => ContentHasher::Sha1(sha1::Sha1::new()),
            Self::Sha224 => ContentHasher::Sha224(sha2::Sha224::new()),
            Self::Sha256 => ContentHasher::Sha256(sha2::Sha256::new()),
            Self::Sha384 => ContentHasher::Sha384(sha2::Sha384::new()),
            Self::Sha512 => ContentHasher::Sha512(sha2::Sha512::new()),
            Self::Shake256 => ContentHasher::Shake256(Shake256Hasher::new()),
        }
    }

    /// Hashes `data` in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut hasher = self.hasher();
        hasher.update(data);
        hasher.finalize()
    }

    /// The OpenSSL digest. [`crate::SignatureScheme`] never pairs SHAKE256 with a prehash
    /// scheme; were it asked to, OpenSSL would refuse and the signature would not verify.
    pub(crate) fn md(self) -> &'static openssl::md::MdRef {
        use openssl::md::Md;
        match self {
            Self::Sha1 => Md::sha1(),
            Self::Sha224 => Md::sha224(),
            Self::Sha256 => Md::sha256(),
            Self::Sha384 => Md::sha384(),
            Self::Sha512 => Md::sha512(),
            Self::Shake256 => Md::shake256(),
        }
    }

    #[cfg(test)]
    pub(crate) fn message_digest(self) -> openssl::hash::MessageDigest {
        use openssl::hash::MessageDigest;
        match self {
            Self::Sha1 => MessageDigest::sha1(),
            Self::Sha224 => MessageDigest::sha224(),
            Self::Sha256 => MessageDigest::sha256(),
            Self::Sha384 => MessageDigest::sha384(),
            Self::Sha512 => MessageDigest::sha512(),
            Self::Shake256 => MessageDigest::shake_256(),
        }
    }
}

impl From<kyso_keys::HashAlgorithm> for DigestAlgorithm {
    fn from(hash: kyso_keys::HashAlgorithm) -> Self {
        match hash {
            kyso_keys::HashAlgorithm::Sha256 => Self::Sha256,
            kyso_keys::HashAlgorithm::Sha384 => Self::Sha384,
            kyso_keys::HashAlgorithm::Sha512 => Self::Sha512,
        }
    }
}

/// A running digest, fed piece by piece (e.g. the byte ranges of a PDF).
#[derive(Clone, Debug)]
pub enum ContentHasher {
    /// SHA-1.
    Sha1(sha1::Sha1),
    /// SHA-224.
    Sha224(sha2::Sha224),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-384.
    Sha384(sha2::Sha384),
    /// SHA-512.
    Sha512(sha2::Sha512),
    /// SHAKE256, 512 bits of output.
    Shake256(Shake256Hasher),
}

impl ContentHasher {
    /// Feeds more content.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha224(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
            Self::Shake256(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Self::Sha1(h) => h.finalize().to_vec(),
            Self::Sha224(h) => h.finalize().to_vec(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
            Self::Shake256(h) => h.finalize(),
        }
    }
}

/// A streaming SHAKE256 with 512 bits of output, computed by OpenSSL; used through
/// [`ContentHasher`].
///
/// OpenSSL reports errors from every call, though with a built-in XOF only allocation can
/// fail; after a failure the hasher is spent and [`ContentHasher::finalize`] returns no bytes,
/// which matches no digest (callers compare lengths, see [`crate::Error::DigestLength`]).
#[derive(Clone)]
pub struct Shake256Hasher {
    hasher: Option<openssl::hash::Hasher>,
}

impl Shake256Hasher {
    fn new() -> Self {
        Self {
            hasher: openssl::hash::Hasher::new(openssl::hash::MessageDigest::shake_256()).ok(),
        }
    }

    fn update(&mut self, data: &[u8]) {
        if let Some(hasher) = &mut self.hasher {
            if hasher.update(data).is_err() {
                self.hasher = None;
            }
        }
    }

    fn finalize(self) -> Vec<u8> {
        let Some(mut hasher) = self.hasher else {
            return Vec::new();
        };
        let mut out = vec![0; SHAKE256_LEN];
        match hasher.finish_xof(&mut out) {
            Ok(()) => out,
            Err(_) => Vec::new(),
        }
    }
}

impl std::fmt::Debug for Shake256Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shake256Hasher")
            .field("usable", &self.hasher.is_some())
            .finish()
    }
}

impl std::io::Write for ContentHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [DigestAlgorithm; 6] = [
        DigestAlgorithm::Sha1,
        DigestAlgorithm::Sha224,
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
        DigestAlgorithm::Shake256,
    ];

    #[test]
    fn streaming_equals_one_shot_and_openssl() {
        for alg in ALL {
            let mut hasher = alg.hasher();
            hasher.update(b"hello ");
            hasher.update(b"world");
            let streamed = hasher.finalize();
            assert_eq!(streamed, alg.digest(b"hello world"));
            let reference = if alg == DigestAlgorithm::Shake256 {
                let mut h = openssl::hash::Hasher::new(alg.message_digest()).expect("hasher");
                h.update(b"hello world").expect("update");
                let mut out = vec![0; 64];
                h.finish_xof(&mut out).expect("xof");
                out
            } else {
                openssl::hash::hash(alg.message_digest(), b"hello world")
                    .expect("openssl hash")
                    .to_vec()
            };
            assert_eq!(streamed, reference);
            assert_eq!(streamed.len(), alg.output_len());
        }
    }

    #[test]
    fn shake256_matches_the_fips_202_test_vector() {
        // SHAKE256("") with 512 bits of output (NIST's published example values).
        let expected = concat!(
            "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f",
            "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"
        );
        assert_eq!(hex::encode(DigestAlgorithm::Shake256.digest(b"")), expected);
    }

    #[test]
    fn oids_round_trip_and_unknown_oids_are_rejected() {
        for alg in ALL {
            assert_eq!(DigestAlgorithm::from_oid(&alg.oid()).expect("known"), alg);
        }
        let md5 = ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
        assert!(matches!(
            DigestAlgorithm::from_oid(&md5),
            Err(Error::UnsupportedAlgorithm { oid }) if oid == md5
        ));
    }
}
