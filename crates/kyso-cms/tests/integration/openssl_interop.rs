//! `openssl cms` accepts what kyso signs, and kyso verifies what `openssl cms` signs.

use std::path::Path;
use std::process::{Command, Output};

use kyso_cms::{
    ber_to_der, parse, sign_detached, verify_signer, DigestAlgorithm, Error, Profile, SignOptions,
    SignatureScheme, SignerIdentifier,
};
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};

use crate::pki::{Identity, KeyType, Pki, TestSigner};

const CONTENT: &[u8] = b"Noi dung van ban \xc4\x91\xc3\xa3 k\xc3\xbd\n\0binary\xff\r\n";

fn openssl(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new("openssl")
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("the openssl command runs")
}

fn openssl_verify(pki: &Pki, cms: &Path, content: &Path) -> Output {
    openssl(&[
        &"cms",
        &"-verify",
        &"-binary",
        &"-inform",
        &"DER",
        &"-in",
        &cms,
        &"-content",
        &content,
        &"-CAfile",
        &pki.root.cert_pem,
        &"-purpose",
        &"any",
        &"-out",
        &pki.path("verified.out"),
    ])
}

#[test]
fn openssl_cms_verify_accepts_kyso_signatures() {
    use HashAlgorithm::*;
    let pki = Pki::new();
    let content = pki.path("content.bin");
    std::fs::write(&content, CONTENT).expect("write content");
    let tampered = pki.path("tampered.bin");
    std::fs::write(&tampered, [CONTENT, b"!"].concat()).expect("write tampered");
    let cases = [
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPkcs1v15(Sha256)),
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPkcs1v15(Sha384)),
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPss(Sha256)),
        (KeyType::Rsa2048, SignatureAlgorithm::RsaPss(Sha512)),
        (KeyType::P256, SignatureAlgorithm::Ecdsa(Sha256)),
        (KeyType::P384, SignatureAlgorithm::Ecdsa(Sha384)),
        (KeyType::P521, SignatureAlgorithm::Ecdsa(Sha512)),
    ];
    for (kind, algorithm) in cases {
        for profile in [Profile::Cades, Profile::Pkcs7] {
            let leaf = pki.leaf(kind, "kyso-signer");
            let signer = TestSigner::new(&leaf, vec![pki.root.cert_der.clone()]);
            let mut options = SignOptions::new(algorithm, profile);
            options.signing_time = Some(std::time::SystemTime::now());
            let digest = DigestAlgorithm::from(algorithm.hash()).digest(CONTENT);
            let cms = sign_detached(&signer, &digest, &options).expect("signs");
            let cms_path = pki.path("kyso.der");
            std::fs::write(&cms_path, &cms).expect("write cms");

            let accepted = openssl_verify(&pki, &cms_path, &content);
            assert!(
                accepted.status.success(),
                "{algorithm:?} {profile:?}: {}",
                String::from_utf8_lossy(&accepted.stderr)
            );
            let rejected = openssl_verify(&pki, &cms_path, &tampered);
            assert!(
                !rejected.status.success(),
                "{algorithm:?}: openssl accepted tampered content"
            );
        }
    }
}

/// How `openssl cms -sign` is asked to sign.
#[derive(Clone, Copy, Debug)]
struct Variant {
    attached: bool,
    stream: bool,
    key_id: bool,
    no_attributes: bool,
    pss: bool,
    md: Option<&'static str>,
}

fn openssl_sign(pki: &Pki, leaf: &Identity, content: &Path, variant: Variant) -> Vec<u8> {
    let out = pki.path("openssl.der");
    let mut args: Vec<Box<dyn AsRef<std::ffi::OsStr>>> = vec![
        Box::new("cms"),
        Box::new("-sign"),
        Box::new("-binary"),
        Box::new("-in"),
        Box::new(content.to_path_buf()),
        Box::new("-signer"),
        Box::new(leaf.cert_pem.clone()),
        Box::new("-inkey"),
        Box::new(leaf.key_pem.clone()),
        Box::new("-outform"),
        Box::new("DER"),
        Box::new("-out"),
        Box::new(out.clone()),
    ];
    if variant.attached {
        args.push(Box::new("-nodetach"));
    }
    if variant.key_id {
        args.push(Box::new("-keyid"));
    }
    if variant.stream {
        args.push(Box::new("-stream"));
    }
    if variant.no_attributes {
        args.push(Box::new("-noattr"));
    }
    if variant.pss {
        args.push(Box::new("-keyopt"));
        args.push(Box::new("rsa_padding_mode:pss"));
    }
    if let Some(md) = variant.md {
        args.push(Box::new("-md"));
        args.push(Box::new(md));
    }
    let refs: Vec<&dyn AsRef<std::ffi::OsStr>> = args.iter().map(|a| a.as_ref() as _).collect();
    let output = openssl(&refs);
    assert!(
        output.status.success(),
        "openssl cms -sign {variant:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(out).expect("read openssl output")
}

#[test]
fn kyso_verifies_openssl_signatures_and_rejects_other_content() {
    let pki = Pki::new();
    let content = pki.path("content.bin");
    std::fs::write(&content, CONTENT).expect("write content");
    let plain = Variant {
        attached: false,
        stream: false,
        key_id: false,
        no_attributes: false,
        pss: false,
        md: None,
    };
    let mut cases = Vec::new();
    for kind in [
        KeyType::Rsa2048,
        KeyType::P256,
        KeyType::P384,
        KeyType::P521,
    ] {
        for attached in [false, true] {
            for no_attributes in [false, true] {
                cases.push((
                    kind,
                    Variant {
                        attached,
                        no_attributes,
                        ..plain
                    },
                ));
            }
        }
    }
    for md in ["sha1", "sha224", "sha384", "sha512"] {
        cases.push((
            KeyType::Rsa2048,
            Variant {
                md: Some(md),
                ..plain
            },
        ));
        cases.push((
            KeyType::P256,
            Variant {
                md: Some(md),
                ..plain
            },
        ));
    }
    for kind in [KeyType::Rsa2048, KeyType::P384] {
        cases.push((
            kind,
            Variant {
                key_id: true,
                ..plain
            },
        ));
    }
    for no_attributes in [false, true] {
        for md in [None, Some("sha512")] {
            cases.push((
                KeyType::Rsa2048,
                Variant {
                    pss: true,
                    no_attributes,
                    md,
                    ..plain
                },
            ));
        }
    }
    for (kind, variant) in cases {
        let leaf = pki.leaf(kind, "openssl-signer");
        let der = openssl_sign(&pki, &leaf, &content, variant);
        let info = parse(&der).unwrap_or_else(|e| panic!("{kind:?} {variant:?}: {e}"));
        if variant.attached {
            assert_eq!(info.content, Some(CONTENT), "{variant:?}");
        } else {
            assert_eq!(info.content, None, "{variant:?}");
        }
        let signer_info = &info.signer_infos[0];
        assert_eq!(signer_info.signed_attrs.is_none(), variant.no_attributes);
        assert_eq!(
            matches!(signer_info.sid, SignerIdentifier::SubjectKeyIdentifier(_)),
            variant.key_id,
            "{variant:?}"
        );
        let digest_alg = signer_info.digest_algorithm().expect("digest algorithm");
        let verified = verify_signer(&info, 0, &digest_alg.digest(CONTENT))
            .unwrap_or_else(|e| panic!("{kind:?} {variant:?}: {e}"));
        assert_eq!(verified.certificate(), leaf.cert_der.as_slice());
        assert_eq!(
            verified.uses_sha1(),
            variant.md == Some("sha1"),
            "{variant:?}"
        );
        if variant.pss {
            assert!(matches!(verified.scheme(), SignatureScheme::RsaPss { .. }));
        }

        let other = digest_alg.digest(b"some other content");
        let expected_failure = verify_signer(&info, 0, &other);
        if variant.no_attributes {
            assert!(
                matches!(expected_failure, Err(Error::BadSignature)),
                "{kind:?} {variant:?}: {expected_failure:?}"
            );
        } else {
            assert!(
                matches!(expected_failure, Err(Error::DigestMismatch)),
                "{kind:?} {variant:?}: {expected_failure:?}"
            );
        }
    }
}

#[test]
fn legacy_rsa_encryption_signature_algorithm_verifies() {
    // Many real PDF signatures name rsaEncryption instead of sha256WithRSAEncryption;
    // rewrite an OpenSSL signature that way (the OIDs have the same length).
    let pki = Pki::new();
    let content = pki.path("content.bin");
    std::fs::write(&content, CONTENT).expect("write content");
    let leaf = pki.leaf(KeyType::Rsa2048, "legacy");
    let variant = Variant {
        attached: false,
        stream: false,
        key_id: false,
        no_attributes: false,
        pss: false,
        md: None,
    };
    let mut der = openssl_sign(&pki, &leaf, &content, variant);
    let sha256_with_rsa = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
    ];
    let rsa_encryption = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    // The last occurrence is the SignerInfo's (certificates come first).
    let at = der
        .windows(sha256_with_rsa.len())
        .rposition(|w| w == sha256_with_rsa)
        .expect("signature algorithm present");
    let digest = DigestAlgorithm::Sha256.digest(CONTENT);
    let before = parse(&der).expect("parses");
    let original_scheme = before.signer_infos[0].signature_scheme().expect("scheme");
    der[at..at + rsa_encryption.len()].copy_from_slice(&rsa_encryption);
    let info = parse(&der).expect("parses");
    let scheme = info.signer_infos[0].signature_scheme().expect("scheme");
    assert_eq!(original_scheme, scheme, "same scheme either way");
    verify_signer(&info, 0, &digest).expect("verifies");
    assert!(matches!(
        verify_signer(&info, 0, &DigestAlgorithm::Sha256.digest(b"x")),
        Err(Error::DigestMismatch)
    ));
}

#[test]
fn streamed_ber_from_openssl_verifies_after_conversion() {
    let pki = Pki::new();
    let content = pki.path("content.bin");
    std::fs::write(&content, CONTENT).expect("write content");
    for (kind, attached) in [(KeyType::Rsa2048, true), (KeyType::P256, false)] {
        let leaf = pki.leaf(kind, "streaming");
        let variant = Variant {
            attached,
            stream: true,
            key_id: false,
            no_attributes: false,
            pss: false,
            md: None,
        };
        let ber = openssl_sign(&pki, &leaf, &content, variant);
        assert_eq!(
            ber.get(1),
            Some(&0x80),
            "openssl -stream writes indefinite lengths"
        );
        assert!(matches!(parse(&ber), Err(Error::Malformed { .. })));
        let mut padded = ber.clone();
        padded.resize(ber.len() + 64, 0);
        let der = ber_to_der(&padded).expect("converts");
        let info = parse(&der).expect("parses");
        if attached {
            assert_eq!(info.content, Some(CONTENT));
        }
        let digest_alg = info.signer_infos[0].digest_algorithm().expect("digest");
        verify_signer(&info, 0, &digest_alg.digest(CONTENT)).expect("verifies");
        assert!(matches!(
            verify_signer(&info, 0, &digest_alg.digest(b"other")),
            Err(Error::DigestMismatch)
        ));
    }
}

#[test]
fn reads_certificates_and_crls_of_a_degenerate_signed_data_from_crl2pkcs7() {
    let pki = Pki::new();
    let dir = pki.dir.path();
    std::fs::write(dir.join("index.txt"), "").expect("index");
    std::fs::write(dir.join("crlnumber"), "01\n").expect("crlnumber");
    let config = format!(
        "[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = {}\ncrlnumber = {}\n\
         default_md = sha256\ndefault_crl_days = 30\n",
        dir.join("index.txt").display(),
        dir.join("crlnumber").display()
    );
    std::fs::write(dir.join("ca.cnf"), config).expect("config");
    let crl = openssl(&[
        &"ca",
        &"-gencrl",
        &"-config",
        &dir.join("ca.cnf"),
        &"-keyfile",
        &pki.root.key_pem,
        &"-cert",
        &pki.root.cert_pem,
        &"-out",
        &dir.join("crl.pem"),
    ]);
    assert!(
        crl.status.success(),
        "{}",
        String::from_utf8_lossy(&crl.stderr)
    );
    let p7 = openssl(&[
        &"crl2pkcs7",
        &"-in",
        &dir.join("crl.pem"),
        &"-certfile",
        &pki.root.cert_pem,
        &"-outform",
        &"DER",
        &"-out",
        &dir.join("bundle.p7b"),
    ]);
    assert!(
        p7.status.success(),
        "{}",
        String::from_utf8_lossy(&p7.stderr)
    );
    let der = std::fs::read(dir.join("bundle.p7b")).expect("read bundle");
    let info = parse(&der).expect("parses");
    assert_eq!(info.certificates, vec![pki.root.cert_der.as_slice()]);
    assert_eq!(info.crls.len(), 1);
    assert!(info.signer_infos.is_empty());
    let crl_der =
        openssl::x509::X509Crl::from_pem(&std::fs::read(dir.join("crl.pem")).expect("read crl"))
            .expect("crl")
            .to_der()
            .expect("der");
    assert_eq!(info.crls[0], crl_der.as_slice());
    assert!(matches!(
        verify_signer(&info, 0, &[0; 32]),
        Err(Error::NoSuchSigner { index: 0 })
    ));
}
