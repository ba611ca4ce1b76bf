//! PKCS#11 signing against a real module: SoftHSM2, provisioned afresh for each test by
//! `scripts/softhsm-setup.sh` from a test PKI made by `fixtures/pki/make-test-pki.sh`.
//!
//! Skips (with a printed reason) when softhsm2 or OpenSC's pkcs11-tool is not installed,
//! except under `CI=true`, where a missing tool fails the test.
//!
//! PKCS#11 state is process-wide (`C_Initialize` reads `SOFTHSM2_CONF` once, login state is
//! per application and token), so the tests take a global lock and each opens the module
//! after pointing `SOFTHSM2_CONF` at its own token directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};

use kyso_keys::{
    Error, HashAlgorithm, KeyPresence, KeySelector, MechanismPlan, Pkcs11Module, SecretString,
    SignatureAlgorithm, Signer, TokenChoice,
};
use openssl::hash::MessageDigest;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use openssl::x509::X509;

const SOFTHSM_CANDIDATES: [&str; 3] = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/softhsm/libsofthsm2.so",
];
const SPY_CANDIDATES: [&str; 2] = [
    "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so",
    "/usr/lib/pkcs11/pkcs11-spy.so",
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn first_existing(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn tool_on_path(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|out| out.status.success())
}

/// The SoftHSM module, or `None` (after printing why) when the tools are missing.
/// Under `CI=true` a missing tool is a failure, not a skip.
fn softhsm_module() -> Option<PathBuf> {
    let module = first_existing(&SOFTHSM_CANDIDATES);
    let reason = match (
        &module,
        tool_on_path("pkcs11-tool"),
        tool_on_path("softhsm2-util"),
    ) {
        (None, _, _) => Some("libsofthsm2.so not found (install softhsm2)"),
        (_, false, _) => Some("pkcs11-tool not found (install opensc)"),
        (_, _, false) => Some("softhsm2-util not found (install softhsm2)"),
        _ => None,
    };
    if let Some(reason) = reason {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and {reason}"
        );
        eprintln!("skipping SoftHSM test: {reason}");
        return None;
    }
    module
}

/// The test PKI, made once per test process.
fn pki() -> &'static Path {
    static PKI: OnceLock<PathBuf> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kyso-keys-test-pki");
        let _ = std::fs::remove_dir_all(&dir);
        let status = Command::new(repo_root().join("fixtures/pki/make-test-pki.sh"))
            .arg(&dir)
            .status()
            .expect("run make-test-pki.sh");
        assert!(status.success(), "make-test-pki.sh failed");
        dir
    })
}

/// A freshly provisioned token, with the process-wide lock held for the test's duration.
struct Token {
    module: PathBuf,
    dir: tempfile::TempDir,
    _lock: MutexGuard<'static, ()>,
}

impl Token {
    fn provision() -> Option<Token> {
        static LOCK: Mutex<()> = Mutex::new(());
        let module = softhsm_module()?;
        let lock = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let dir = tempfile::tempdir().expect("temp dir");
        let out = Command::new(repo_root().join("scripts/softhsm-setup.sh"))
            .arg(pki())
            .arg(dir.path())
            .output()
            .expect("run softhsm-setup.sh");
        assert!(
            out.status.success(),
            "softhsm-setup.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::env::set_var("SOFTHSM2_CONF", dir.path().join("softhsm2.conf"));
        Some(Token {
            module,
            dir,
            _lock: lock,
        })
    }

    fn open(&self) -> Pkcs11Module {
        Pkcs11Module::open(&self.module).expect("open SoftHSM")
    }

    fn pkcs11_tool(&self, args: &[&str]) {
        let out = Command::new("pkcs11-tool")
            .arg("--module")
            .arg(&self.module)
            .args(["--token-label", "kyso-test", "--login", "--pin", "1234"])
            .args(args)
            .env("SOFTHSM2_CONF", self.dir.path().join("softhsm2.conf"))
            .output()
            .expect("run pkcs11-tool");
        assert!(out.status.success(), "pkcs11-tool {args:?} failed");
    }
}

fn pin() -> Option<SecretString> {
    Some(SecretString::from("1234".to_owned()))
}

fn label(text: &str) -> KeySelector {
    KeySelector::Label(text.to_owned())
}

fn kyso_test() -> TokenChoice {
    TokenChoice::Label("kyso-test".to_owned())
}

/// Verifies `signature` over `message` with the certificate's public key, using OpenSSL.
fn openssl_verifies(
    cert_der: &[u8],
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let cert = X509::from_der(cert_der).expect("certificate");
    let key = cert.public_key().expect("public key");
    let digest = match algorithm.hash() {
        HashAlgorithm::Sha256 => MessageDigest::sha256(),
        HashAlgorithm::Sha384 => MessageDigest::sha384(),
        HashAlgorithm::Sha512 => MessageDigest::sha512(),
    };
    let mut verifier = Verifier::new(digest, &key).expect("verifier");
    if let SignatureAlgorithm::RsaPss(hash) = algorithm {
        verifier
            .set_rsa_padding(Padding::PKCS1_PSS)
            .expect("pss padding");
        let salt = i32::try_from(hash.output_len()).expect("small");
        verifier
            .set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))
            .expect("salt length");
        verifier.set_rsa_mgf1_md(digest).expect("mgf1");
    }
    verifier.verify_oneshot(signature, message).unwrap_or(false)
}

/// Signs with `algorithm`, checks the mechanism used, verifies the signature with OpenSSL,
/// and checks that the same signature does not verify over another message.
fn sign_and_verify(signer: &dyn Signer, algorithm: SignatureAlgorithm) {
    let message = "Quyết định số 12/QĐ-UBND".as_bytes();
    let signature = signer.sign(algorithm, message).expect("token signs");
    assert!(
        openssl_verifies(signer.certificate(), algorithm, message, &signature),
        "{algorithm:?} signature does not verify"
    );
    assert!(
        !openssl_verifies(signer.certificate(), algorithm, b"tampered", &signature),
        "{algorithm:?} signature verifies over another message"
    );
}

#[test]
fn rsa_pkcs1v15_signs_through_the_combined_mechanism() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let signer = module
        .signer(&kyso_test(), &label("rsa2048"), pin())
        .expect("signer");
    for hash in [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        let algorithm = SignatureAlgorithm::RsaPkcs1v15(hash);
        assert_eq!(
            signer.mechanism_for(algorithm).ok(),
            Some(MechanismPlan::RsaPkcsHashAndSign(hash))
        );
        sign_and_verify(&signer, algorithm);
    }
}

#[test]
fn rsa_pkcs1v15_signs_through_the_digest_info_fallback() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let mut signer = module
        .signer(&kyso_test(), &label("rsa2048"), pin())
        .expect("signer");
    signer.disable_combined_mechanisms();
    for hash in [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ] {
        let algorithm = SignatureAlgorithm::RsaPkcs1v15(hash);
        assert_eq!(
            signer.mechanism_for(algorithm).ok(),
            Some(MechanismPlan::RsaPkcsOverDigestInfo(hash))
        );
        sign_and_verify(&signer, algorithm);
    }
}

#[test]
fn rsa_pss_signs_with_a_salt_as_long_as_the_hash_on_both_paths() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let mut signer = module
        .signer(&kyso_test(), &label("rsa2048"), pin())
        .expect("signer");
    let algorithm = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256);
    assert_eq!(
        signer.mechanism_for(algorithm).ok(),
        Some(MechanismPlan::RsaPssHashAndSign(HashAlgorithm::Sha256))
    );
    sign_and_verify(&signer, algorithm);
    signer.disable_combined_mechanisms();
    let algorithm = SignatureAlgorithm::RsaPss(HashAlgorithm::Sha384);
    assert_eq!(
        signer.mechanism_for(algorithm).ok(),
        Some(MechanismPlan::RsaPssOverDigest(HashAlgorithm::Sha384))
    );
    sign_and_verify(&signer, algorithm);
}

#[test]
fn ecdsa_signs_with_a_der_signature() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let signer = module
        .signer(&kyso_test(), &label("ecp256"), pin())
        .expect("signer");
    assert_eq!(
        signer.key_kind(),
        kyso_keys::KeyKind::Ec { field_bits: 256 }
    );
    let algorithm = signer.default_algorithm();
    assert_eq!(algorithm, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256));
    sign_and_verify(&signer, algorithm);
    let signature = signer.sign(algorithm, b"x").expect("signs");
    assert_eq!(signature.first(), Some(&0x30), "DER SEQUENCE");
    assert!(openssl::ecdsa::EcdsaSig::from_der(&signature).is_ok());
}

#[test]
fn ecdsa_refuses_rsa_algorithms() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let signer = module
        .signer(&kyso_test(), &label("ecp256"), pin())
        .expect("signer");
    let err = signer
        .sign(SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256), b"x")
        .expect_err("must be refused");
    assert!(matches!(err, Error::AlgorithmMismatch { .. }), "{err:?}");
}

#[test]
fn wrong_pin_gives_the_typed_error_with_the_tries_flags() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let err = module
        .signer(
            &kyso_test(),
            &label("rsa2048"),
            Some(SecretString::from("9999".to_owned())),
        )
        .expect_err("must be refused");
    match &err {
        Error::WrongPin { token, tries } => {
            assert_eq!(token, "kyso-test");
            // SoftHSM raises CKF_USER_PIN_COUNT_LOW after a failure and never locks.
            assert!(tries.count_low, "{tries:?}");
            assert!(!tries.locked);
        }
        other => panic!("expected WrongPin, got {other:?}"),
    }
    assert!(err.to_string().starts_with("wrong PIN for token kyso-test"));
}

#[test]
fn right_pin_after_a_wrong_one_still_signs() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let wrong = Some(SecretString::from("0000".to_owned()));
    assert!(module
        .signer(&kyso_test(), &label("rsa2048"), wrong)
        .is_err());
    let signer = module
        .signer(&kyso_test(), &label("rsa2048"), pin())
        .expect("signer");
    sign_and_verify(&signer, signer.default_algorithm());
}

#[test]
fn no_pin_and_no_pin_pad_is_refused_before_any_login() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let err = module
        .signer(&kyso_test(), &label("rsa2048"), None)
        .expect_err("must be refused");
    assert!(matches!(err, Error::PinRequired { .. }), "{err:?}");
}

#[test]
fn keys_are_selected_by_label_id_and_fingerprint() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let ecp256_der = X509::from_pem(&std::fs::read(pki().join("ecp256.pem")).expect("read"))
        .and_then(|c| c.to_der())
        .expect("ecp256 certificate");
    let fingerprint = hex::encode(openssl::sha::sha256(&ecp256_der));
    for selector in [
        label("ecp256"),
        KeySelector::id_from_hex("02").expect("hex"),
        KeySelector::cert_sha256_from_hex(&fingerprint).expect("hex"),
    ] {
        let signer = module
            .signer(&kyso_test(), &selector, pin())
            .unwrap_or_else(|e| panic!("{selector}: {e}"));
        assert_eq!(signer.certificate(), ecp256_der.as_slice(), "{selector}");
        drop(signer);
    }
}

#[test]
fn unknown_labels_are_refused_listing_the_candidates() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let err = module
        .signer(&kyso_test(), &label("nobody"), pin())
        .expect_err("must be refused");
    let message = err.to_string();
    assert!(matches!(err, Error::KeyNotFound { .. }), "{err:?}");
    assert!(
        message.contains("rsa2048") && message.contains("ecp256"),
        "{message}"
    );
}

#[test]
fn automatic_selection_is_refused_when_two_keys_could_sign() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let err = module
        .signer(&kyso_test(), &KeySelector::Auto, pin())
        .expect_err("must be refused");
    match &err {
        Error::AmbiguousKey { candidates } => assert_eq!(candidates.len(), 2, "{candidates:?}"),
        other => panic!("expected AmbiguousKey, got {other:?}"),
    }
}

#[test]
fn automatic_selection_takes_the_only_key() {
    let Some(token) = Token::provision() else {
        return;
    };
    token.pkcs11_tool(&["--delete-object", "--type", "privkey", "--id", "02"]);
    let module = token.open();
    let signer = module
        .signer(&TokenChoice::Only, &KeySelector::Auto, pin())
        .expect("the RSA key is the only one left");
    assert_eq!(signer.key_kind(), kyso_keys::KeyKind::Rsa { bits: 2048 });
    assert_eq!(
        signer.chain().len(),
        2,
        "the EC certificate and the CA stay as chain"
    );
}

#[test]
fn a_certificate_without_a_private_key_cannot_sign() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let err = module
        .signer(
            &kyso_test(),
            &KeySelector::id_from_hex("a0").expect("hex"),
            pin(),
        )
        .expect_err("must be refused");
    assert!(matches!(err, Error::NoPrivateKey { .. }), "{err:?}");
}

#[test]
fn unknown_tokens_are_refused_listing_those_present() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let err = module
        .signer(
            &TokenChoice::Label("other".to_owned()),
            &KeySelector::Auto,
            pin(),
        )
        .expect_err("must be refused");
    assert!(matches!(err, Error::TokenNotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("kyso-test"));
}

#[test]
fn tokens_are_found_by_slot_and_listed_with_their_flags() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let info = module.module_info().expect("C_GetInfo");
    assert!(info.manufacturer.contains("SoftHSM"), "{info:?}");
    let slots = module.slots().expect("slots");
    let (slot, description) = module.find_token(&kyso_test()).expect("token");
    assert_eq!(description.model, "SoftHSM v2");
    assert!(description.login_required);
    assert!(!description.protected_authentication_path);
    assert!(slots.iter().any(|s| s.id == slot && s.token.is_some()));
    let (again, _) = module
        .find_token(&TokenChoice::Slot(slot))
        .expect("by slot");
    assert_eq!(again, slot);
}

#[test]
fn certificates_are_listed_with_their_key_presence() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let certs = module.certificates(&kyso_test(), pin()).expect("list");
    assert_eq!(certs.len(), 3);
    let presence = |label: &str| {
        certs
            .iter()
            .find(|c| c.label == label)
            .map(|c| c.private_key)
    };
    assert_eq!(presence("rsa2048"), Some(KeyPresence::Present));
    assert_eq!(presence("ecp256"), Some(KeyPresence::Present));
    assert_eq!(presence("kyso Test Issuing CA"), Some(KeyPresence::Absent));
    let ec = certs.iter().find(|c| c.label == "ecp256").expect("ecp256");
    let info = ec.info.as_ref().expect("parses");
    assert!(
        info.subject.contains("CN=Nguyễn Văn An"),
        "{}",
        info.subject
    );
}

#[test]
fn certificates_listed_without_login_do_not_claim_absent_keys() {
    let Some(token) = Token::provision() else {
        return;
    };
    let module = token.open();
    let certs = module.certificates(&kyso_test(), None).expect("list");
    assert_eq!(certs.len(), 3);
    assert!(certs.iter().all(|c| c.private_key != KeyPresence::Absent));
}

#[test]
fn fifty_signatures_need_exactly_one_login() {
    let Some(token) = Token::provision() else {
        return;
    };
    let Some(spy) = first_existing(&SPY_CANDIDATES) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and pkcs11-spy.so not found"
        );
        eprintln!("skipping: OpenSC's pkcs11-spy.so not found");
        return;
    };
    let log = token.dir.path().join("spy.log");
    std::env::set_var("PKCS11SPY", &token.module);
    std::env::set_var("PKCS11SPY_OUTPUT", &log);
    let module = Pkcs11Module::open(&spy).expect("open the spy");
    let signer = module
        .signer(&kyso_test(), &label("rsa2048"), pin())
        .expect("signer");
    for i in 0..50 {
        let message = format!("document {i}");
        let algorithm = signer.default_algorithm();
        let signature = signer.sign(algorithm, message.as_bytes()).expect("signs");
        assert!(openssl_verifies(
            signer.certificate(),
            algorithm,
            message.as_bytes(),
            &signature
        ));
    }
    drop(signer);
    drop(module);
    let text = std::fs::read_to_string(&log).expect("spy log");
    let count = |function: &str| {
        text.lines()
            .filter(|line| {
                line.split_once(": ")
                    .is_some_and(|(n, f)| n.chars().all(|c| c.is_ascii_digit()) && f == function)
            })
            .count()
    };
    assert_eq!(count("C_Login"), 1, "C_Login calls");
    // cryptoki calls C_Sign twice per signature (length, then value): count the inits.
    assert_eq!(count("C_SignInit"), 50, "C_SignInit calls");
    assert_eq!(count("C_Logout"), 1, "C_Logout calls (on drop)");
}

#[test]
fn a_wrong_pin_is_tried_exactly_once() {
    let Some(token) = Token::provision() else {
        return;
    };
    let Some(spy) = first_existing(&SPY_CANDIDATES) else {
        eprintln!("skipping: OpenSC's pkcs11-spy.so not found");
        return;
    };
    let log = token.dir.path().join("spy-wrong.log");
    std::env::set_var("PKCS11SPY", &token.module);
    std::env::set_var("PKCS11SPY_OUTPUT", &log);
    let module = Pkcs11Module::open(&spy).expect("open the spy");
    let wrong = Some(SecretString::from("4321".to_owned()));
    assert!(module
        .signer(&kyso_test(), &label("rsa2048"), wrong)
        .is_err());
    drop(module);
    let text = std::fs::read_to_string(&log).expect("spy log");
    let logins = text.lines().filter(|l| l.ends_with(": C_Login")).count();
    assert_eq!(logins, 1);
}

#[test]
fn a_module_opened_twice_is_initialised_once_and_outlives_either_handle() {
    let Some(token) = Token::provision() else {
        return;
    };
    let first = token.open();
    let second = token.open();
    drop(first);
    // Had the first handle finalised the module, the second would now fail.
    let signer = second
        .signer(&kyso_test(), &label("ecp256"), pin())
        .expect("signer through the second handle");
    sign_and_verify(&signer, signer.default_algorithm());
}
