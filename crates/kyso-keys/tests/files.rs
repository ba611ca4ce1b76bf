//! File keys (PKCS#12 and PEM) from the test PKI of `fixtures/pki/make-test-pki.sh`; every
//! signature is checked by the `openssl` command-line tool, an independent verifier.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use kyso_keys::{
    Error, FileSigner, HashAlgorithm, KeyKind, SecretString, SignatureAlgorithm, Signer,
};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The test PKI, made once per test process (PKCS#12 password `kyso`).
fn pki() -> &'static Path {
    static PKI: OnceLock<PathBuf> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kyso-keys-files-pki");
        let _ = std::fs::remove_dir_all(&dir);
        let status = Command::new(repo_root().join("fixtures/pki/make-test-pki.sh"))
            .arg(&dir)
            .status()
            .expect("run make-test-pki.sh");
        assert!(status.success(), "make-test-pki.sh failed");
        dir
    })
}

fn read(name: &str) -> Vec<u8> {
    let path = pki().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

fn p12(name: &str) -> FileSigner {
    FileSigner::from_pkcs12(&read(name), &secret("kyso")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Verifies with `openssl dgst -verify` against the public key of the signer's certificate.
fn openssl_cli_verifies(
    signer: &dyn Signer,
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = openssl::x509::X509::from_der(signer.certificate()).expect("certificate");
    let public = cert
        .public_key()
        .expect("key")
        .public_key_to_pem()
        .expect("pem");
    std::fs::write(dir.path().join("pub.pem"), public).expect("write");
    std::fs::write(dir.path().join("msg"), message).expect("write");
    std::fs::write(dir.path().join("sig"), signature).expect("write");
    let hash = match algorithm.hash() {
        HashAlgorithm::Sha256 => "-sha256",
        HashAlgorithm::Sha384 => "-sha384",
        HashAlgorithm::Sha512 => "-sha512",
    };
    let mut cmd = Command::new("openssl");
    cmd.current_dir(dir.path())
        .args(["dgst", hash, "-verify", "pub.pem", "-signature", "sig"]);
    if let SignatureAlgorithm::RsaPss(_) = algorithm {
        let mgf1 = format!("rsa_mgf1_md:{}", hash.trim_start_matches('-'));
        cmd.args([
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:digest",
        ])
        .args(["-sigopt", &mgf1]);
    }
    cmd.arg("msg");
    cmd.output().expect("run openssl").status.success()
}

fn signs_and_verifies(signer: &dyn Signer, algorithm: SignatureAlgorithm) {
    let message = "Ủy ban nhân dân tỉnh Hà Tĩnh".as_bytes();
    let signature = signer.sign(algorithm, message).expect("signs");
    assert!(
        openssl_cli_verifies(signer, algorithm, message, &signature),
        "openssl rejects the {algorithm:?} signature"
    );
    assert!(
        !openssl_cli_verifies(signer, algorithm, b"other", &signature),
        "openssl accepts the {algorithm:?} signature over another message"
    );
}

#[test]
fn rsa_pkcs12_signatures_verify_with_openssl_for_every_hash_and_padding() {
    let signer = p12("rsa2048.p12");
    assert_eq!(signer.key_kind(), KeyKind::Rsa { bits: 2048 });
    for hash in [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        signs_and_verifies(&signer, SignatureAlgorithm::RsaPkcs1v15(hash));
        signs_and_verifies(&signer, SignatureAlgorithm::RsaPss(hash));
    }
}

#[test]
fn legacy_rc2_3des_pkcs12_files_open() {
    let signer = p12("rsa2048.legacy.p12");
    assert_eq!(signer.chain().len(), 2);
    signs_and_verifies(&signer, signer.default_algorithm());
}

#[test]
fn legacy_pkcs12_files_refuse_a_wrong_password() {
    let err = FileSigner::from_pkcs12(&read("rsa2048.legacy.p12"), &secret("nope"))
        .expect_err("wrong password");
    assert!(matches!(err, Error::WrongPassword { .. }), "{err:?}");
}

#[test]
fn ecdsa_p256_and_p384_signatures_verify_with_openssl() {
    let p256 = p12("ecp256.p12");
    assert_eq!(p256.key_kind(), KeyKind::Ec { field_bits: 256 });
    signs_and_verifies(&p256, p256.default_algorithm());
    let p384 = p12("ecp384.p12");
    assert_eq!(
        p384.default_algorithm(),
        SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384)
    );
    signs_and_verifies(&p384, p384.default_algorithm());
}

#[test]
fn rsa3072_pem_keys_sign() {
    let signer = FileSigner::from_pem(
        &read("rsa3072.key.pem"),
        None,
        &read("rsa3072.pem"),
        &[read("chain.pem")],
    )
    .expect("opens");
    assert_eq!(signer.key_kind(), KeyKind::Rsa { bits: 3072 });
    signs_and_verifies(&signer, signer.default_algorithm());
}

#[test]
fn encrypted_pem_keys_open_with_their_password() {
    let signer = FileSigner::from_pem(
        &read("agency.enc.key.pem"),
        Some(&secret("kyso")),
        &read("agency.pem"),
        &[] as &[Vec<u8>],
    )
    .expect("opens");
    signs_and_verifies(&signer, signer.default_algorithm());
}

#[test]
fn encrypted_pem_keys_without_a_password_ask_for_one() {
    let err = FileSigner::from_pem(
        &read("agency.enc.key.pem"),
        None,
        &read("agency.pem"),
        &[] as &[Vec<u8>],
    )
    .expect_err("needs a password");
    assert!(matches!(err, Error::PasswordRequired), "{err:?}");
}

#[test]
fn encrypted_pem_keys_refuse_a_wrong_password() {
    let err = FileSigner::from_pem(
        &read("agency.enc.key.pem"),
        Some(&secret("wrong")),
        &read("agency.pem"),
        &[] as &[Vec<u8>],
    )
    .expect_err("wrong password");
    assert!(matches!(err, Error::WrongPassword { .. }), "{err:?}");
}

#[test]
fn a_pem_key_with_another_signers_certificate_is_refused() {
    let err = FileSigner::from_pem(
        &read("ecp256.key.pem"),
        None,
        &read("rsa2048.pem"),
        &[] as &[Vec<u8>],
    )
    .expect_err("mismatch");
    assert!(matches!(err, Error::KeyCertificateMismatch), "{err:?}");
}

#[test]
fn garbage_files_are_refused_without_panicking() {
    let garbage = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert!(FileSigner::from_pem(garbage, None, &read("rsa2048.pem"), &[] as &[Vec<u8>]).is_err());
    assert!(FileSigner::from_pkcs12(garbage, &secret("kyso")).is_err());
    let p12 = read("rsa2048.p12");
    for len in [0, 1, 10, p12.len() / 2, p12.len() - 1] {
        let prefix = p12.get(..len).unwrap_or_default();
        assert!(
            FileSigner::from_pkcs12(prefix, &secret("kyso")).is_err(),
            "prefix {len}"
        );
    }
}
