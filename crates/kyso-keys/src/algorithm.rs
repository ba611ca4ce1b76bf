//! Hash and signature algorithm identifiers shared by every kyso crate.

/// A message digest algorithm kyso signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// The algorithm's OID in dotted form.
    pub fn oid(self) -> &'static str {
        match self {
            Self::Sha256 => "2.16.840.1.101.3.4.2.1",
            Self::Sha384 => "2.16.840.1.101.3.4.2.2",
            Self::Sha512 => "2.16.840.1.101.3.4.2.3",
        }
    }

    /// The DER encoding of a PKCS#1 `DigestInfo` up to (excluding) the digest bytes:
    /// `SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING (len) }` (RFC 8017 section 9.2, note 1).
    pub fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            Self::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Self::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            Self::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }

    /// The DER `DigestInfo` of `data`: what a raw RSA PKCS#1 v1.5 mechanism must be given.
    pub fn digest_info(self, data: &[u8]) -> Vec<u8> {
        let mut out = self.digest_info_prefix().to_vec();
        out.extend_from_slice(&self.digest(data));
        out
    }

    /// Hashes `data` in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// The kind of a private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// ECDSA on a named curve; `field_bits` is 256, 384 or 521.
    Ec {
        /// Size of the curve's field in bits.
        field_bits: usize,
    },
}

impl KeyKind {
    /// Upper bound of the encoded signature length in bytes (RSA: the modulus; ECDSA: the DER
    /// `Ecdsa-Sig-Value` with both integers at full length plus sign bytes).
    pub fn max_signature_len(self) -> usize {
        match self {
            Self::Rsa { bits } => bits.div_ceil(8),
            Self::Ec { field_bits } => 2 * (field_bits.div_ceil(8) + 1) + 9,
        }
    }

    /// PKCS#1 v1.5 with SHA-256 for RSA; ECDSA with the hash matching the curve.
    pub fn default_algorithm(self) -> SignatureAlgorithm {
        match self {
            Self::Rsa { .. } => SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            Self::Ec { field_bits } if field_bits > 384 => {
                SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha512)
            }
            Self::Ec { field_bits } if field_bits > 256 => {
                SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384)
            }
            Self::Ec { .. } => SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256),
        }
    }
}

/// A signature scheme with its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1v15(HashAlgorithm),
    /// RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
    RsaPss(HashAlgorithm),
    /// ECDSA.
    Ecdsa(HashAlgorithm),
}

impl SignatureAlgorithm {
    /// The hash the scheme signs with.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::RsaPkcs1v15(h) | Self::RsaPss(h) | Self::Ecdsa(h) => h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_prefixes_announce_the_digest_length() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let info = hash.digest_info(b"kyso");
            assert_eq!(
                info.len(),
                hash.digest_info_prefix().len() + hash.output_len()
            );
            // Outer SEQUENCE length covers everything after its two header bytes.
            assert_eq!(info.get(1).copied(), Some((info.len() - 2) as u8));
            assert_eq!(info.get(18).copied(), Some(hash.output_len() as u8));
        }
    }

    #[test]
    fn digest_info_prefixes_name_their_own_oid() {
        // The last OID byte is the arc of SHA-256/384/512 under 2.16.840.1.101.3.4.2.
        assert_eq!(HashAlgorithm::Sha256.digest_info_prefix().get(14), Some(&1));
        assert_eq!(HashAlgorithm::Sha384.digest_info_prefix().get(14), Some(&2));
        assert_eq!(HashAlgorithm::Sha512.digest_info_prefix().get(14), Some(&3));
        assert_ne!(
            HashAlgorithm::Sha256.digest_info_prefix(),
            HashAlgorithm::Sha512.digest_info_prefix()
        );
    }
}
