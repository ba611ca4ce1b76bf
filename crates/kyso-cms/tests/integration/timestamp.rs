//! RFC 3161 against `openssl ts -reply`: kyso's request is answered, kyso reads the response
//! (fractional genTime, IMPLICIT Accuracy), checks imprint and nonce, verifies the token and
//! embeds it as a signature time-stamp.

use std::process::Command;
use std::time::UNIX_EPOCH;

use kyso_cms::tsp::{parse_response, Accuracy, TimeStampRequest, TimeStampToken};
use kyso_cms::{
    add_unsigned_attribute, oids, parse, sign_detached, verify_signer, DigestAlgorithm, Error,
    Profile, SignOptions,
};
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};

use crate::pki::{KeyType, Pki, TestSigner};

fn ts_config(pki: &Pki, ess_cert_id_alg: &str) -> std::path::PathBuf {
    let serial = pki.path("tsaserial");
    std::fs::write(&serial, "01\n").expect("serial file");
    let config = format!(
        "[ tsa ]\n\
         default_tsa = tsa_config1\n\
         [ tsa_config1 ]\n\
         serial = {}\n\
         crypto_device = builtin\n\
         signer_digest = sha256\n\
         default_policy = 1.2.3.4.1\n\
         other_policies = 1.2.3.4.5.6\n\
         digests = sha1, sha256, sha384, sha512\n\
         accuracy = secs:1, millisecs:500, microsecs:100\n\
         clock_precision_digits = 6\n\
         ordering = yes\n\
         tsa_name = yes\n\
         ess_cert_id_chain = no\n\
         ess_cert_id_alg = {}\n",
        serial.display(),
        ess_cert_id_alg
    );
    let path = pki.path("ts.cnf");
    std::fs::write(&path, config).expect("config");
    path
}

/// Sends `request` to `openssl ts -reply` and returns the response DER.
fn openssl_tsa(pki: &Pki, request: &TimeStampRequest) -> Vec<u8> {
    openssl_tsa_with(pki, request, "sha256")
}

/// The same with the ESS certificate identifier's hash chosen: `sha1` makes openssl write a
/// version 1 signing-certificate attribute, anything else version 2.
fn openssl_tsa_with(pki: &Pki, request: &TimeStampRequest, ess_cert_id_alg: &str) -> Vec<u8> {
    let tsa = pki.tsa("tsa");
    let query = pki.path("request.tsq");
    std::fs::write(&query, &request.der).expect("write query");
    let reply = pki.path("reply.tsr");
    let output = Command::new("openssl")
        .args(["ts", "-reply", "-queryfile"])
        .arg(&query)
        .arg("-signer")
        .arg(&tsa.cert_pem)
        .arg("-inkey")
        .arg(&tsa.key_pem)
        .arg("-config")
        .arg(ts_config(pki, ess_cert_id_alg))
        .arg("-out")
        .arg(&reply)
        .output()
        .expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl ts -reply: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // openssl also checks the exchange end to end with kyso's request.
    let verify = Command::new("openssl")
        .args(["ts", "-verify", "-in"])
        .arg(&reply)
        .arg("-queryfile")
        .arg(&query)
        .arg("-CAfile")
        .arg(&pki.root.cert_pem)
        .arg("-untrusted")
        .arg(&tsa.cert_pem)
        .output()
        .expect("openssl runs");
    assert!(
        verify.status.success(),
        "openssl ts -verify: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    std::fs::read(reply).expect("read reply")
}

#[test]
fn stamps_a_kyso_signature_with_an_openssl_tsa_and_embeds_the_token() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::P256, "signer");
    let signer = TestSigner::new(&leaf, vec![pki.root.cert_der.clone()]);
    let algorithm = SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256);
    let content_digest = DigestAlgorithm::Sha256.digest(b"document");
    let options = SignOptions::new(algorithm, Profile::Cades).with_reserve_unsigned(8192);
    let cms = sign_detached(&signer, &content_digest, &options).expect("signs");
    let signature = parse(&cms).expect("parses").signer_infos[0]
        .signature
        .to_vec();

    let request = TimeStampRequest::for_data(DigestAlgorithm::Sha256, &signature).expect("request");
    let response = openssl_tsa(&pki, &request);
    let token_der = parse_response(&response).expect("granted");
    let token = TimeStampToken::parse(&token_der).expect("token parses");

    request.check_token(&token).expect("answers our request");
    token
        .check_imprint(&signature)
        .expect("stamps the signature");
    let tsa_signer = token.verify().expect("TSA signature verifies");
    assert!(!tsa_signer.uses_sha1());
    assert_eq!(
        token.tst_info.accuracy,
        Some(Accuracy {
            seconds: Some(1),
            millis: Some(500),
            micros: Some(100)
        })
    );
    assert!(token.tst_info.ordering);
    assert!(token.tst_info.tsa.is_some());
    let age = std::time::SystemTime::now()
        .duration_since(token.gen_time())
        .expect("genTime in the past");
    assert!(age.as_secs() < 600, "genTime is now-ish");
    // clock_precision_digits = 6: genTime carries microseconds (zero only once in a million).
    let since_epoch = token
        .gen_time()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    assert_ne!(since_epoch.subsec_nanos(), 0, "fractional genTime decoded");
    assert_eq!(
        since_epoch.subsec_nanos() % 1000,
        0,
        "microsecond precision"
    );

    let stamped = add_unsigned_attribute(&cms, &oids::SIGNATURE_TIME_STAMP_TOKEN, &token_der)
        .expect("embeds");
    assert!(stamped.len() <= kyso_cms::estimated_len(&signer, &options));
    let info = parse(&stamped).expect("parses");
    let embedded: Vec<&[u8]> = info.signer_infos[0].signature_time_stamp_tokens().collect();
    assert_eq!(embedded, vec![token_der.as_slice()]);
    verify_signer(&info, 0, &content_digest).expect("signature still verifies");
}

#[test]
fn rejects_a_token_for_other_data_or_another_request() {
    let pki = Pki::new();
    let data = b"signature bytes";
    let request = TimeStampRequest::new(
        DigestAlgorithm::Sha384,
        &DigestAlgorithm::Sha384.digest(data),
        None,
    )
    .expect("request");
    let response = openssl_tsa(&pki, &request);
    let token_der = parse_response(&response).expect("granted");
    let token = TimeStampToken::parse(&token_der).expect("parses");
    token.check_imprint(data).expect("right data");
    assert!(matches!(
        token.check_imprint(b"other bytes"),
        Err(Error::ImprintMismatch)
    ));
    let other_nonce = TimeStampRequest::new(
        DigestAlgorithm::Sha384,
        &DigestAlgorithm::Sha384.digest(data),
        None,
    )
    .expect("request");
    assert!(matches!(
        other_nonce.check_token(&token),
        Err(Error::NonceMismatch)
    ));
    let other_data = TimeStampRequest::new(
        DigestAlgorithm::Sha384,
        &DigestAlgorithm::Sha384.digest(b"x"),
        None,
    )
    .expect("request");
    assert!(matches!(
        other_data.check_token(&token),
        Err(Error::ImprintMismatch)
    ));
    // A token is not a PDF signature: its content type says so.
    assert_eq!(token.signed_data.content_type, oids::TST_INFO);
    // And a PDF signature is not a token.
    let leaf = pki.leaf(KeyType::P256, "signer");
    let cms = sign_detached(
        &TestSigner::new(&leaf, vec![]),
        &DigestAlgorithm::Sha256.digest(data),
        &SignOptions::new(
            SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256),
            Profile::Cades,
        ),
    )
    .expect("signs");
    assert!(matches!(
        TimeStampToken::parse(&cms),
        Err(Error::UnexpectedContentType { oid }) if oid == oids::DATA
    ));
}

#[test]
fn a_tampered_token_fails_verification() {
    let pki = Pki::new();
    let data = b"signature bytes";
    let request = TimeStampRequest::new(
        DigestAlgorithm::Sha256,
        &DigestAlgorithm::Sha256.digest(data),
        None,
    )
    .expect("request");
    let token_der = parse_response(&openssl_tsa(&pki, &request)).expect("granted");
    let token = TimeStampToken::parse(&token_der).expect("parses");
    token.verify().expect("untouched token verifies");
    // Change one byte of the hashed message inside the TSTInfo.
    let imprint = DigestAlgorithm::Sha256.digest(data);
    let at = token_der
        .windows(imprint.len())
        .position(|w| w == imprint.as_slice())
        .expect("imprint inside");
    let mut tampered = token_der.clone();
    tampered[at] ^= 0x01;
    let token = TimeStampToken::parse(&tampered).expect("still parses");
    assert!(matches!(token.verify(), Err(Error::DigestMismatch)));
    for len in 0..token_der.len() {
        assert!(TimeStampToken::parse(&token_der[..len]).is_err());
    }
}

#[test]
fn binds_the_tsa_certificate_through_ess_v1_and_v2() {
    let pki = Pki::new();
    let data = b"signature bytes";
    for (alg, v1) in [("sha1", true), ("sha256", false), ("sha512", false)] {
        let request = TimeStampRequest::new(
            DigestAlgorithm::Sha256,
            &DigestAlgorithm::Sha256.digest(data),
            None,
        )
        .expect("request");
        let token_der = parse_response(&openssl_tsa_with(&pki, &request, alg)).expect("granted");
        let token = TimeStampToken::parse(&token_der).expect("parses");
        let attrs = token.signed_data.signer_infos[0]
            .signed_attrs
            .as_ref()
            .expect("signed attributes");
        assert_eq!(attrs.signing_certificate.is_some(), v1, "{alg}");
        assert_eq!(attrs.signing_certificate_v2.is_some(), !v1, "{alg}");
        token.verify().expect("verifies");

        // A different certificate with the same issuer and serial is not the one the ESS
        // attribute names: swap in a copy whose CA signature has one byte flipped.
        let tsa_cert = token.signed_data.certificates[0].to_vec();
        let at = token_der
            .windows(tsa_cert.len())
            .position(|w| w == tsa_cert.as_slice())
            .expect("certificate inside")
            + tsa_cert.len()
            - 1;
        let mut swapped = token_der.clone();
        swapped[at] ^= 0x01;
        let token = TimeStampToken::parse(&swapped).expect("parses");
        assert!(
            matches!(token.verify(), Err(Error::SigningCertificateMismatch)),
            "{alg}"
        );
    }
}
