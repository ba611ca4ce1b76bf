//! The algorithm URIs kyso understands, and the ones it recognises only to name them.

use openssl::hash::MessageDigest;

/// The XMLDSig namespace.
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The XMLDSig 1.1 namespace (ECKeyValue).
pub const DSIG11_NS: &str = "http://www.w3.org/2009/xmldsig11#";
/// The RFC 6931 namespace of RSAPSSParams.
pub const DSIG_MORE_NS: &str = "http://www.w3.org/2007/05/xmldsig-more#";
/// The enveloped-signature transform.
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// The base64 transform.
pub const BASE64: &str = "http://www.w3.org/2000/09/xmldsig#base64";
/// The XPath 1.0 transform (only the enveloped idiom is accepted).
pub const XPATH: &str = "http://www.w3.org/TR/1999/REC-xpath-19991116";

/// A digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestAlgorithm {
    /// SHA-1: accepted for verification only, reported as legacy.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-224.
    Sha3_224,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
}

impl DigestAlgorithm {
    /// The DigestMethod URI.
    pub fn uri(self) -> &'static str {
        match self {
            Self::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
            Self::Sha224 => "http://www.w3.org/2001/04/xmldsig-more#sha224",
            Self::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
            Self::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
            Self::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
            Self::Sha3_224 => "http://www.w3.org/2007/05/xmldsig-more#sha3-224",
            Self::Sha3_256 => "http://www.w3.org/2007/05/xmldsig-more#sha3-256",
            Self::Sha3_384 => "http://www.w3.org/2007/05/xmldsig-more#sha3-384",
            Self::Sha3_512 => "http://www.w3.org/2007/05/xmldsig-more#sha3-512",
        }
    }

    /// The algorithm a DigestMethod URI names.
    pub fn from_uri(uri: &str) -> Option<Self> {
        ALL_DIGESTS.iter().copied().find(|d| d.uri() == uri)
    }

    /// The OpenSSL digest.
    pub fn message_digest(self) -> MessageDigest {
        match self {
            Self::Sha1 => MessageDigest::sha1(),
            Self::Sha224 => MessageDigest::sha224(),
            Self::Sha256 => MessageDigest::sha256(),
            Self::Sha384 => MessageDigest::sha384(),
            Self::Sha512 => MessageDigest::sha512(),
            Self::Sha3_224 => MessageDigest::sha3_224(),
            Self::Sha3_256 => MessageDigest::sha3_256(),
            Self::Sha3_384 => MessageDigest::sha3_384(),
            Self::Sha3_512 => MessageDigest::sha3_512(),
        }
    }

    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        self.message_digest().size()
    }

    /// Hashes `data`.
    pub fn digest(self, data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        openssl::hash::hash(self.message_digest(), data).map(|d| d.to_vec())
    }

    /// Whether the algorithm is only acceptable as legacy (SHA-1, SHA-224).
    pub fn is_legacy(self) -> bool {
        matches!(self, Self::Sha1)
    }
}

const ALL_DIGESTS: [DigestAlgorithm; 9] = [
    DigestAlgorithm::Sha1,
    DigestAlgorithm::Sha224,
    DigestAlgorithm::Sha256,
    DigestAlgorithm::Sha384,
    DigestAlgorithm::Sha512,
    DigestAlgorithm::Sha3_224,
    DigestAlgorithm::Sha3_256,
    DigestAlgorithm::Sha3_384,
    DigestAlgorithm::Sha3_512,
];

/// A signature algorithm (SignatureMethod).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureMethod {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(DigestAlgorithm),
    /// RSASSA-PSS with MGF1 over the same digest (RFC 6931 §2.3.10).
    RsaPss(DigestAlgorithm),
    /// ECDSA, SignatureValue = r || s.
    Ecdsa(DigestAlgorithm),
    /// Ed25519 (RFC 9231 `eddsa-ed25519`).
    Ed25519,
}

impl SignatureMethod {
    /// The SignatureMethod URI.
    pub fn uri(self) -> &'static str {
        use DigestAlgorithm::*;
        match self {
            Self::RsaPkcs1(Sha1) => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            Self::RsaPkcs1(Sha224) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224",
            Self::RsaPkcs1(Sha256) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            Self::RsaPkcs1(Sha384) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            Self::RsaPkcs1(Sha512) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            Self::RsaPkcs1(Sha3_224) => "http://www.w3.org/2007/05/xmldsig-more#sha3-224-rsa",
            Self::RsaPkcs1(Sha3_256) => "http://www.w3.org/2007/05/xmldsig-more#sha3-256-rsa",
            Self::RsaPkcs1(Sha3_384) => "http://www.w3.org/2007/05/xmldsig-more#sha3-384-rsa",
            Self::RsaPkcs1(Sha3_512) => "http://www.w3.org/2007/05/xmldsig-more#sha3-512-rsa",
            Self::RsaPss(Sha1) => "http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1",
            Self::RsaPss(Sha224) => "http://www.w3.org/2007/05/xmldsig-more#sha224-rsa-MGF1",
            Self::RsaPss(Sha256) => "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
            Self::RsaPss(Sha384) => "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
            Self::RsaPss(Sha512) => "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
            Self::RsaPss(Sha3_224) => "http://www.w3.org/2007/05/xmldsig-more#sha3-224-rsa-MGF1",
            Self::RsaPss(Sha3_256) => "http://www.w3.org/2007/05/xmldsig-more#sha3-256-rsa-MGF1",
            Self::RsaPss(Sha3_384) => "http://www.w3.org/2007/05/xmldsig-more#sha3-384-rsa-MGF1",
            Self::RsaPss(Sha3_512) => "http://www.w3.org/2007/05/xmldsig-more#sha3-512-rsa-MGF1",
            Self::Ecdsa(Sha1) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1",
            Self::Ecdsa(Sha224) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224",
            Self::Ecdsa(Sha256) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            Self::Ecdsa(Sha384) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            Self::Ecdsa(Sha512) => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
            Self::Ecdsa(Sha3_224) => "http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-224",
            Self::Ecdsa(Sha3_256) => "http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-256",
            Self::Ecdsa(Sha3_384) => "http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-384",
            Self::Ecdsa(Sha3_512) => "http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-512",
            Self::Ed25519 => "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519",
        }
    }

    /// The method a SignatureMethod URI names.
    pub fn from_uri(uri: &str) -> Option<Self> {
        let mut all = Vec::with_capacity(28);
        for d in ALL_DIGESTS {
            all.push(Self::RsaPkcs1(d));
            all.push(Self::RsaPss(d));
            all.push(Self::Ecdsa(d));
        }
        all.push(Self::Ed25519);
        all.into_iter().find(|m| m.uri() == uri)
    }

    /// The digest the method signs with (`None` for pure EdDSA).
    pub fn digest(self) -> Option<DigestAlgorithm> {
        match self {
            Self::RsaPkcs1(d) | Self::RsaPss(d) | Self::Ecdsa(d) => Some(d),
            Self::Ed25519 => None,
        }
    }
}

/// Names the feature behind an algorithm URI kyso does not implement, for the
/// "unsupported: …" report.
pub fn unsupported_feature(uri: &str) -> &'static str {
    let u = uri.to_ascii_lowercase();
    if u.contains("hmac") {
        "HMAC"
    } else if u.contains("dsa-sha") && !u.contains("ecdsa") {
        "DSA"
    } else if u.contains("ml-dsa") {
        "ML-DSA"
    } else if u.contains("slh-dsa") {
        "SLH-DSA"
    } else if u.contains("ml-kem") {
        "ML-KEM"
    } else if u.contains("gost") {
        "GOST"
    } else if u.contains("eddsa") {
        "EdDSA"
    } else if u.contains("md5") {
        "MD5"
    } else if u.contains("ripemd") {
        "RIPEMD160"
    } else if u.contains("xslt") {
        "XSLT"
    } else if u.contains("xmldsig-filter2") {
        "XPath-Filter2"
    } else if u.contains("xpath") {
        "XPath"
    } else if u.contains("xptr") {
        "XPointer"
    } else if u.contains("relationshiptransform") {
        "OPC-Relationship"
    } else if u.contains("xml-exc-c14n") {
        "bad-exc-c14n-URI"
    } else {
        "unknown algorithm"
    }
}
