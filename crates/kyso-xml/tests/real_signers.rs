//! kyso-xml with kyso-keys' real signers: a PKCS#12 file key and a SoftHSM token, checked by
//! kyso, xmlsec1 and Santuario's xsec-checksig.
//!
//! The PKI comes from `fixtures/pki/make-test-pki.sh`, the token from
//! `scripts/softhsm-setup.sh` (label `kyso-test`, user PIN 1234). Missing tools skip the test
//! locally and fail it in CI (`CI=true`).

use kyso_keys::{
    FileSigner, HashAlgorithm, KeySelector, Pkcs11Module, SecretString, SignatureAlgorithm, Signer,
    TokenChoice,
};
use kyso_verdict::{Indication, Level};
use kyso_xml::dsig::{
    sign_document, verify_document, ChainOutcome, ChainValidator, SignOptions, ValidationTime,
    VerifyOptions, XadesOptions,
};
use kyso_xml::ParseLimits;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509StoreContext, X509};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::SystemTime;

const DOCUMENT: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CongVan xmlns=\"urn:example:congvan\">\
<So>123/UBND-VP</So><TrichYeu>Về việc ký số văn bản điện tử</TrichYeu></CongVan>\n";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn available(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and {tool} is missing"
    );
    found
}

/// The shared test PKI, made once per test process.
fn pki() -> &'static Path {
    static PKI: OnceLock<PathBuf> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kyso-xml-test-pki");
        let _ = std::fs::remove_dir_all(&dir);
        let status = Command::new(repo_root().join("fixtures/pki/make-test-pki.sh"))
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run make-test-pki.sh");
        assert!(status.success(), "make-test-pki.sh failed");
        dir
    })
}

/// Chain check against the test root, with the signature's certificates as the pool.
struct TestRoot;

impl ChainValidator for TestRoot {
    fn validate(&self, leaf_der: &[u8], pool: &[Vec<u8>], _at: SystemTime) -> ChainOutcome {
        let root = X509::from_pem(&std::fs::read(pki().join("root.pem")).expect("root"))
            .expect("root parses");
        let mut builder = X509StoreBuilder::new().expect("store");
        builder.add_cert(root).expect("add");
        let store = builder.build();
        let mut chain = Stack::new().expect("stack");
        for der in pool {
            chain
                .push(X509::from_der(der).expect("pool cert"))
                .expect("push");
        }
        let leaf = X509::from_der(leaf_der).expect("leaf");
        let mut ctx = X509StoreContext::new().expect("ctx");
        match ctx.init(&store, &leaf, &chain, |c| c.verify_cert()) {
            Ok(true) => ChainOutcome::Trusted,
            _ => ChainOutcome::Indeterminate {
                sub_indication: kyso_verdict::SubIndication::NoCertificateChainFound,
                reason: "no path to the test root".to_owned(),
            },
        }
    }
}

fn kyso_indication(xml: &[u8]) -> (Indication, Level) {
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        validation_time: ValidationTime::Fixed(SystemTime::now()),
        chain_validator: &TestRoot,
        certificate_pool: &[],
        accept_misspelled_exc_c14n: false,
        detached: None,
        external: None,
        timestamp_validator: None,
    };
    let reports = verify_document(xml, &options).expect("parses");
    assert_eq!(reports.len(), 1);
    (reports[0].verdict.indication, reports[0].verdict.level)
}

/// (xmlsec1 accepts, xsec-checksig accepts or is absent).
fn peers_accept(xml: &[u8], name: &str) -> (bool, bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join(name);
    std::fs::write(&file, xml).expect("write");
    let xmlsec = Command::new("xmlsec1")
        .args(["--verify", "--trusted-pem"])
        .arg(pki().join("root.pem"))
        .args([
            "--id-attr:Id",
            "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
        ])
        .arg(&file)
        .output()
        .expect("xmlsec1 runs")
        .status
        .success();
    let santuario = !available("xsec-checksig")
        || Command::new("xsec-checksig")
            .args(["--id", "Id"])
            .arg(&file)
            .output()
            .expect("xsec-checksig runs")
            .status
            .success();
    (xmlsec, santuario)
}

fn tamper(xml: &[u8]) -> Vec<u8> {
    String::from_utf8(xml.to_vec())
        .expect("utf-8")
        .replacen("123/UBND-VP", "124/UBND-VP", 1)
        .into_bytes()
}

fn check(signer: &dyn Signer, algorithm: SignatureAlgorithm, name: &str) {
    let mut options = SignOptions::enveloped(algorithm);
    options.xades = Some(XadesOptions::new(SystemTime::now()));
    let signed = sign_document(DOCUMENT.as_bytes(), signer, &options).expect("signs");
    assert_eq!(
        kyso_indication(&signed),
        (Indication::Passed, Level::BB),
        "{name}"
    );
    assert_eq!(peers_accept(&signed, name), (true, true), "{name}");
    let tampered = tamper(&signed);
    assert_eq!(kyso_indication(&tampered).0, Indication::Failed, "{name}");
    let (xmlsec, santuario) = peers_accept(&tampered, name);
    assert!(!xmlsec, "{name}: xmlsec1 accepts a tampered document");
    assert!(
        !santuario || !available("xsec-checksig"),
        "{name}: xsec-checksig accepts a tampered document"
    );
}

#[test]
fn pkcs12_file_key_signatures_verify_everywhere_and_tampering_fails_everywhere() {
    if !available("xmlsec1") {
        return;
    }
    let p12 = std::fs::read(pki().join("rsa2048.p12")).expect("p12");
    let signer =
        FileSigner::from_pkcs12(&p12, &SecretString::from("kyso".to_owned())).expect("opens");
    check(
        &signer,
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        "rsa2048.p12",
    );
    let p12 = std::fs::read(pki().join("ecp384.p12")).expect("p12");
    let signer =
        FileSigner::from_pkcs12(&p12, &SecretString::from("kyso".to_owned())).expect("opens");
    check(
        &signer,
        SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384),
        "ecp384.p12",
    );
}

#[test]
fn softhsm_token_signatures_verify_everywhere_and_tampering_fails_everywhere() {
    let module = [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file());
    let tools = available("softhsm2-util") && available("pkcs11-tool") && available("xmlsec1");
    let Some(module) = module.filter(|_| tools) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and SoftHSM is missing"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(repo_root().join("scripts/softhsm-setup.sh"))
        .arg(pki())
        .arg(dir.path())
        .output()
        .expect("run softhsm-setup.sh");
    assert!(
        out.status.success(),
        "softhsm-setup.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // This test binary holds one test touching the environment.
    std::env::set_var("SOFTHSM2_CONF", dir.path().join("softhsm2.conf"));
    let token = Pkcs11Module::open(&module).expect("opens SoftHSM");
    let pin = || Some(SecretString::from("1234".to_owned()));
    let choice = TokenChoice::Label("kyso-test".to_owned());
    let rsa = token
        .signer(&choice, &KeySelector::Label("rsa2048".to_owned()), pin())
        .expect("rsa key");
    check(
        &rsa,
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        "token rsa2048",
    );
    drop(rsa);
    let ec = token
        .signer(&choice, &KeySelector::Label("ecp256".to_owned()), pin())
        .expect("ec key");
    check(
        &ec,
        SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256),
        "token ecp256",
    );
}
