//! Object identifiers kyso-cms reads or writes, each with the document that assigns it.

use der::asn1::ObjectIdentifier as Oid;

/// id-data (RFC 5652 §4).
pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-signedData (RFC 5652 §5).
pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// id-contentType (RFC 5652 §11.1).
pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest (RFC 5652 §11.2).
pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime (RFC 5652 §11.3).
pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificate (RFC 2634 §5.4).
pub const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2 (RFC 5035 §3).
pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// id-aa-signatureTimeStampToken (RFC 3161 appendix A).
pub const SIGNATURE_TIME_STAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-ct-TSTInfo (RFC 3161 §2.4.2).
pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// Adobe's revocation-information archival attribute (PDF 1.7 / ISO 32000-1 §12.8.3.3.2).
pub const ADOBE_REVOCATION_INFO_ARCHIVAL: Oid = Oid::new_unwrap("1.2.840.113583.1.1.8");
/// id-ri-ocsp-response, an OtherRevocationInfoFormat (RFC 5940 §4.1).
pub const OCSP_RESPONSE_REVOCATION_INFO: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.16.2");

/// id-sha1 (RFC 3279).
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
/// id-sha224 (RFC 5754).
pub const SHA224: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.4");
/// id-sha256 (RFC 5754).
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
/// id-sha384 (RFC 5754).
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
/// id-sha512 (RFC 5754).
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
/// id-shake256 (NIST), parameters absent. RFC 8419 §3.1 names Ed448's digest with
/// [`SHAKE256_LEN`], but signers also write this one (pyHanko accepts it): 512 bits of output.
pub const SHAKE256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.12");
/// id-shake256-len (RFC 8702 §3.1), parameter `ShakeOutputLen ::= INTEGER` (bits); RFC 8419
/// §3.1 requires it with 512 for Ed448 signers.
pub const SHAKE256_LEN: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.18");

/// rsaEncryption (RFC 8017), which real files also use as a signature algorithm.
pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// sha1WithRSAEncryption (RFC 8017).
pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
/// sha224WithRSAEncryption (RFC 8017).
pub const SHA224_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.14");
/// sha256WithRSAEncryption (RFC 8017).
pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
/// sha384WithRSAEncryption (RFC 8017).
pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
/// sha512WithRSAEncryption (RFC 8017).
pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
/// id-RSASSA-PSS (RFC 8017).
pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
/// id-mgf1 (RFC 8017).
pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
/// id-ecPublicKey (RFC 5480), used as a signature algorithm by some producers.
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// ecdsa-with-SHA1 (RFC 3279).
pub const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
/// ecdsa-with-SHA224 (RFC 5758).
pub const ECDSA_WITH_SHA224: Oid = Oid::new_unwrap("1.2.840.10045.4.3.1");
/// ecdsa-with-SHA256 (RFC 5758).
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// ecdsa-with-SHA384 (RFC 5758).
pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
/// ecdsa-with-SHA512 (RFC 5758).
pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
/// id-Ed25519 (RFC 8410).
pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
/// id-Ed448 (RFC 8410).
pub const ED448: Oid = Oid::new_unwrap("1.3.101.113");
