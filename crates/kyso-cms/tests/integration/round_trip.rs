use std::time::{Duration, UNIX_EPOCH};

use kyso_cms::{
    add_unsigned_attribute, estimated_len, oids, parse, sign_detached, verify_signer,
    DigestAlgorithm, Error, Profile, SignOptions, SignerContext, SignerIdentifier,
};
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};

use crate::pki::{KeyType, Pki, TestSigner};

const CONTENT: &[u8] = b"%PDF-1.7 pretend byte ranges\n";

fn cases() -> Vec<(KeyType, SignatureAlgorithm)> {
    use HashAlgorithm::*;
    vec![
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPkcs1v15(Sha256)),
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPkcs1v15(Sha512)),
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPss(Sha256)),
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPss(Sha384)),
        (KeyType::P256, SignatureAlgorithm::Ecdsa(Sha256)),
        (KeyType::P384, SignatureAlgorithm::Ecdsa(Sha384)),
        (KeyType::P521, SignatureAlgorithm::Ecdsa(Sha512)),
    ]
}

fn digest_for(algorithm: SignatureAlgorithm, content: &[u8]) -> Vec<u8> {
    DigestAlgorithm::from(algorithm.hash()).digest(content)
}

#[test]
fn signs_and_verifies_every_algorithm() {
    let pki = Pki::new();
    for (kind, algorithm) in cases() {
        let leaf = pki.leaf(kind, "signer");
        let signer = TestSigner::new(&leaf, vec![pki.root.cert_der.clone()]);
        let options = SignOptions::new(algorithm, Profile::Cades);
        let cms = sign_detached(&signer, &digest_for(algorithm, CONTENT), &options)
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
        assert!(
            cms.len() <= estimated_len(&signer, &options),
            "{algorithm:?}"
        );

        let info = parse(&cms).expect("parses");
        assert_eq!(info.content_type, oids::DATA);
        assert_eq!(info.content, None, "detached");
        assert_eq!(info.certificates.len(), 2);
        assert!(info.certificates.contains(&leaf.cert_der.as_slice()));
        assert!(info.certificates.contains(&pki.root.cert_der.as_slice()));
        let [signer_info] = info.signer_infos.as_slice() else {
            panic!("one signer info");
        };
        assert!(matches!(
            signer_info.sid,
            SignerIdentifier::IssuerAndSerialNumber { .. }
        ));
        let attrs = signer_info
            .signed_attrs
            .as_ref()
            .expect("signed attributes");
        assert_eq!(attrs.signing_time, None, "PAdES has no signing-time");
        assert!(attrs.signing_certificate_v2.is_some());
        let digest_alg = signer_info.digest_algorithm().expect("digest algorithm");
        let verified = verify_signer(&info, 0, &digest_alg.digest(CONTENT))
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
        assert_eq!(verified.certificate(), leaf.cert_der.as_slice());
        assert!(!verified.uses_sha1());
        assert_eq!(
            verified.scheme().hash(),
            Some(DigestAlgorithm::from(algorithm.hash()))
        );
    }
}

#[test]
fn rejects_a_different_content_digest() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::P256, "signer");
    let signer = TestSigner::new(&leaf, vec![]);
    let algorithm = SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256);
    let options = SignOptions::new(algorithm, Profile::Cades);
    let cms = sign_detached(&signer, &digest_for(algorithm, CONTENT), &options).expect("signs");
    let info = parse(&cms).expect("parses");
    let other = DigestAlgorithm::Sha256.digest(b"another document");
    assert!(matches!(
        verify_signer(&info, 0, &other),
        Err(Error::DigestMismatch)
    ));
    assert!(matches!(
        verify_signer(&info, 0, &[0u8; 20]),
        Err(Error::DigestLength {
            expected: 32,
            actual: 20
        })
    ));
}

/// Finds `needle` in `haystack` (once) and returns its offset.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn rejects_a_flipped_signature_byte() {
    let pki = Pki::new();
    for (kind, algorithm) in cases() {
        let leaf = pki.leaf(kind, "signer");
        let signer = TestSigner::new(&leaf, vec![]);
        let options = SignOptions::new(algorithm, Profile::Cades);
        let digest = digest_for(algorithm, CONTENT);
        let mut cms = sign_detached(&signer, &digest, &options).expect("signs");
        let signature = parse(&cms).expect("parses").signer_infos[0]
            .signature
            .to_vec();
        let at = find(&cms, &signature) + signature.len() / 2;
        cms[at] ^= 0x01;
        let info = parse(&cms).expect("still well-formed");
        assert!(
            matches!(verify_signer(&info, 0, &digest), Err(Error::BadSignature)),
            "{algorithm:?}"
        );
    }
}

#[test]
fn rejects_a_signer_whose_certificate_is_missing() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Rsa2048, "signer");
    let stranger = pki.leaf(KeyType::Rsa2048, "stranger");
    let algorithm = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
    let options = SignOptions::new(algorithm, Profile::Cades);
    let digest = digest_for(algorithm, CONTENT);
    let cms = sign_detached(&TestSigner::new(&leaf, vec![]), &digest, &options).expect("signs");
    let mut info = parse(&cms).expect("parses");
    assert!(verify_signer(&info, 0, &digest).is_ok());
    assert_eq!(
        info.signer_certificate(0).expect("named"),
        leaf.cert_der.as_slice()
    );
    info.certificates = vec![stranger.cert_der.as_slice(), pki.root.cert_der.as_slice()];
    assert!(matches!(
        info.signer_certificate(0),
        Err(Error::SignerCertificateNotFound)
    ));
    assert!(matches!(
        verify_signer(&info, 0, &digest),
        Err(Error::SignerCertificateNotFound)
    ));
    assert!(matches!(
        verify_signer(&info, 1, &digest),
        Err(Error::NoSuchSigner { index: 1 })
    ));
}

#[test]
fn rejects_a_certificate_that_differs_from_the_ess_hash() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Rsa2048, "signer");
    let algorithm = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
    let options = SignOptions::new(algorithm, Profile::Cades);
    let digest = digest_for(algorithm, CONTENT);
    let mut cms = sign_detached(&TestSigner::new(&leaf, vec![]), &digest, &options).expect("signs");
    // Same issuer, serial and key, different bytes: flip the last byte of the CA's signature
    // on the certificate.
    let cert_end = find(&cms, &leaf.cert_der) + leaf.cert_der.len();
    cms[cert_end - 1] ^= 0x01;
    let info = parse(&cms).expect("parses");
    assert!(matches!(
        verify_signer(&info, 0, &digest),
        Err(Error::SigningCertificateMismatch)
    ));
}

#[test]
fn pkcs7_profile_carries_the_signing_time_and_cades_does_not() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::P256, "signer");
    let signer = TestSigner::new(&leaf, vec![]);
    let algorithm = SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256);
    let time = UNIX_EPOCH + Duration::from_secs(1_718_000_000);
    let digest = digest_for(algorithm, CONTENT);
    for (profile, expected) in [(Profile::Pkcs7, Some(time)), (Profile::Cades, None)] {
        let mut options = SignOptions::new(algorithm, profile);
        options.signing_time = Some(time);
        let cms = sign_detached(&signer, &digest, &options).expect("signs");
        assert!(cms.len() <= estimated_len(&signer, &options));
        let info = parse(&cms).expect("parses");
        let attrs = info.signer_infos[0].signed_attrs.as_ref().expect("attrs");
        assert_eq!(attrs.signing_time, expected, "{profile:?}");
        let verified = verify_signer(&info, 0, &digest).expect("verifies");
        assert_eq!(verified.claimed_signing_time(), expected);
    }
}

#[test]
fn estimate_is_tight_and_covers_a_reserved_timestamp() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Rsa2048, "signer");
    let signer = TestSigner::new(&leaf, vec![pki.root.cert_der.clone()]);
    let algorithm = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
    let mut options = SignOptions::new(algorithm, Profile::Cades);
    let digest = digest_for(algorithm, CONTENT);
    let cms = sign_detached(&signer, &digest, &options).expect("signs");
    let plain_estimate = estimated_len(&signer, &options);
    // RSA signatures have a fixed length: the estimate is exact.
    assert_eq!(cms.len(), plain_estimate);

    options.reserve_unsigned = 6000;
    let reserved_estimate = estimated_len(&signer, &options);
    assert!(reserved_estimate > plain_estimate + 6000);
    // A stand-in token of exactly the reserved size: an OCTET STRING of 6000 bytes in all.
    let mut token = vec![0x04, 0x82, 0x17, 0x6C];
    token.resize(6000, 0xAB);
    let stamped =
        add_unsigned_attribute(&cms, &oids::SIGNATURE_TIME_STAMP_TOKEN, &token).expect("adds");
    assert_eq!(stamped.len(), reserved_estimate);
    assert!(stamped.len() > reserved_estimate - 16, "tight");

    let info = parse(&stamped).expect("parses");
    let tokens: Vec<&[u8]> = info.signer_infos[0].signature_time_stamp_tokens().collect();
    assert_eq!(tokens, vec![token.as_slice()]);
    verify_signer(&info, 0, &digest).expect("the signature survives the added attribute");
}

#[test]
fn add_unsigned_attribute_rejects_values_that_are_not_one_der_element() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::P256, "signer");
    let algorithm = SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256);
    let options = SignOptions::new(algorithm, Profile::Cades);
    let cms = sign_detached(
        &TestSigner::new(&leaf, vec![]),
        &digest_for(algorithm, CONTENT),
        &options,
    )
    .expect("signs");
    for bad in [
        &[][..],
        &[0x04, 0x02, 0x00][..],
        &[0x05, 0x00, 0x05, 0x00][..],
    ] {
        assert!(matches!(
            add_unsigned_attribute(&cms, &oids::SIGNATURE_TIME_STAMP_TOKEN, bad),
            Err(Error::Malformed { .. })
        ));
    }
    assert!(add_unsigned_attribute(&cms[..cms.len() - 1], &oids::DATA, &[0x05, 0x00]).is_err());
    // Two attributes accumulate, sorted, and both are reported.
    let once = add_unsigned_attribute(&cms, &oids::SIGNATURE_TIME_STAMP_TOKEN, &[0x05, 0x00])
        .expect("first");
    let twice = add_unsigned_attribute(&once, &oids::SIGNATURE_TIME_STAMP_TOKEN, &[0x04, 0x00])
        .expect("second");
    let info = parse(&twice).expect("parses");
    assert_eq!(info.signer_infos[0].unsigned_attrs.len(), 2);
    assert_eq!(
        info.signer_infos[0].signature_time_stamp_tokens().count(),
        2
    );
}

#[test]
fn one_context_signs_a_batch_identically_to_the_free_function() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Rsa2048, "signer");
    let signer = TestSigner::new(&leaf, vec![pki.root.cert_der.clone()]);
    let algorithm = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256);
    let options = SignOptions::new(algorithm, Profile::Cades);
    let context = SignerContext::new(&signer).expect("context");
    for i in 0..20u8 {
        let digest = digest_for(algorithm, &[i; 100]);
        let from_context = context.sign_detached(&digest, &options).expect("signs");
        // PKCS#1 v1.5 is deterministic, so both paths give the same bytes.
        assert_eq!(
            from_context,
            sign_detached(&signer, &digest, &options).expect("signs")
        );
        verify_signer(&parse(&from_context).expect("parses"), 0, &digest).expect("verifies");
    }
}

#[test]
fn refuses_an_algorithm_the_key_cannot_do_and_a_short_digest() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Rsa2048, "signer");
    let signer = TestSigner::new(&leaf, vec![]);
    let ecdsa = SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256);
    let options = SignOptions::new(ecdsa, Profile::Cades);
    assert!(matches!(
        sign_detached(&signer, &[0u8; 32], &options),
        Err(Error::Signer(_))
    ));
    let rsa = SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384);
    let options = SignOptions::new(rsa, Profile::Cades);
    assert!(matches!(
        sign_detached(&signer, &[0u8; 32], &options),
        Err(Error::DigestLength {
            expected: 48,
            actual: 32
        })
    ));
}
