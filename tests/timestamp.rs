//! Time-stamps (issue 5): `kyso timestamp` against a real TSA on loopback (`openssl ts -reply`
//! behind a small HTTP server), `kyso sign --tsa` (PAdES B-T) and PDF document time-stamps,
//! checked by openssl, pyHanko and pdfsig; and the TSA failures that must leave inputs alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixtures::{pki, sample};
use crate::peers::{pyhanko, require_peers};
use crate::util::{require_tool, Dir};

#[path = "tsa_server.rs"]
pub(crate) mod tsa_server;

use tsa_server::{start, ts_config, Behaviour, Server};

/// A TSA signing with `name`.pem / `name`.key.pem from the test PKI (or a certificate made
/// for the test), with the intermediate and root as extra certificates.
fn tsa_with(dir: &Dir, cert: &Path, key: &Path, behaviour: Behaviour) -> Server {
    let work = dir.join(&format!("tsa-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("tsa dir");
    let config = ts_config(&work, cert, key, &pki().chain());
    start(&work, &config, behaviour)
}

fn tsa(dir: &Dir, behaviour: Behaviour) -> Server {
    let pki = pki();
    tsa_with(
        dir,
        &pki.path("tsa.pem"),
        &pki.path("tsa.key.pem"),
        behaviour,
    )
}

/// The test venv's Python (with pyHanko), or a skip.
fn venv_python() -> Option<PathBuf> {
    let python = pyhanko()?.with_file_name("python");
    if python.exists() {
        Some(python)
    } else {
        assert!(!crate::util::in_ci(), "the test venv's python is missing");
        eprintln!("SKIP: no python beside pyhanko");
        None
    }
}

/// Validates every document time-stamp of a PDF with pyHanko's API (its CLI validates only
/// signatures): prints `SUMMARY field intact|broken valid|invalid trusted|untrusted`, exits 0
/// when there is at least one and all are intact, valid and trusted.
const PYHANKO_DOC_TIMESTAMPS: &str = r#"
import sys
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext
from pyhanko.keys import load_cert_from_pemder
vc = ValidationContext(trust_roots=[load_cert_from_pemder(sys.argv[2])])
with open(sys.argv[1], 'rb') as f:
    r = PdfFileReader(f)
    ts = r.embedded_timestamp_signatures
    ok = len(ts) > 0
    for t in ts:
        st = validate_pdf_timestamp(t, validation_context=vc)
        print("SUMMARY", t.field_name, "intact" if st.intact else "broken",
              "valid" if st.valid else "invalid", "trusted" if st.trusted else "untrusted",
              st.coverage.name, st.timestamp.isoformat())
        ok = ok and st.intact and st.valid and st.trusted
sys.exit(0 if ok else 1)
"#;

fn pyhanko_doc_timestamps(pdf: &Path, root: &Path) -> (bool, String) {
    let python = venv_python().expect("python");
    let out = Command::new(python)
        .args(["-c", PYHANKO_DOC_TIMESTAMPS])
        .arg(pdf)
        .arg(root)
        .output()
        .expect("run python");
    (out.status.success(), text(&out))
}

fn openssl_ts_verify(data: &Path, tsr: &Path) -> std::process::Output {
    let pki = pki();
    Command::new("openssl")
        .args(["ts", "-verify", "-data"])
        .arg(data)
        .arg("-in")
        .arg(tsr)
        .arg("-CAfile")
        .arg(pki.root())
        .arg("-untrusted")
        .arg(pki.path("intermediate.pem"))
        .output()
        .expect("run openssl ts -verify")
}

fn timestamp(dir: &Dir, url: &str, files: &[&Path], extra: &[&str]) -> std::process::Output {
    dir.kyso()
        .arg("timestamp")
        .arg("--tsa")
        .arg(url)
        .args(extra)
        .args(files)
        .output()
}

fn verify(dir: &Dir, file: &Path) -> std::process::Output {
    dir.kyso()
        .arg("timestamp")
        .arg("--verify")
        .arg("--trust")
        .arg(pki().root())
        .arg(file)
        .output()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn detached_tsr_is_accepted_by_openssl_ts_verify_and_by_kyso() {
    if !require_tool("openssl") {
        return;
    }
    let dir = Dir::new("ts-detached");
    let server = tsa(&dir, Behaviour::Reply("plain"));
    let a = dir.create_bytes("a.zip", b"first file");
    let b = dir.create_bytes("b.xml", b"<b/>");
    let out = timestamp(&dir, &server.url, &[&a, &b], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "one line per file: {stdout}");
    for file in [&a, &b] {
        let tsr = PathBuf::from(format!("{}.tsr", file.display()));
        let check = openssl_ts_verify(file, &tsr);
        assert!(
            String::from_utf8_lossy(&check.stdout).contains("Verification: OK"),
            "openssl ts -verify: {}",
            text(&check)
        );
        let out = verify(&dir, file);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(text(&out).contains("valid"), "{}", text(&out));
    }
}

#[test]
fn a_tsr_for_other_data_is_rejected_by_kyso_and_openssl() {
    let dir = Dir::new("ts-other-data");
    let server = tsa(&dir, Behaviour::Reply("plain"));
    let a = dir.create_bytes("a.txt", b"original");
    let out = timestamp(&dir, &server.url, &[&a], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::write(&a, b"tampered").expect("tamper");
    let out = verify(&dir, &a);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("imprint mismatch"), "{}", text(&out));
    let tsr = dir.join("a.txt.tsr");
    assert!(!String::from_utf8_lossy(&openssl_ts_verify(&a, &tsr).stdout).contains("OK"));
}

#[test]
fn fractional_gen_time_fine_accuracy_and_sha1_imprints_verify() {
    let dir = Dir::new("ts-variants");
    for (section, hash) in [("fine", "sha256"), ("millis", "sha512"), ("plain", "sha1")] {
        let server = tsa(&dir, Behaviour::Reply(section));
        let file = dir.create_bytes(&format!("{section}-{hash}.bin"), section.as_bytes());
        let out = timestamp(&dir, &server.url, &[&file], &["--tsa-hash", hash]);
        assert_eq!(out.status.code(), Some(0), "{section}: {}", text(&out));
        let tsr = PathBuf::from(format!("{}.tsr", file.display()));
        let reply = Command::new("openssl")
            .args(["ts", "-reply", "-text", "-in"])
            .arg(&tsr)
            .output()
            .expect("openssl ts -reply -text");
        let shown = String::from_utf8_lossy(&reply.stdout).into_owned();
        match section {
            "fine" => {
                assert!(
                    shown.contains("Accuracy: 0x01 seconds, 0x01F4 millis, 0x64 micros"),
                    "{shown}"
                );
                assert!(
                    shown
                        .lines()
                        .any(|l| l.starts_with("Time stamp:") && l.contains('.')),
                    "fractional genTime expected: {shown}"
                );
            }
            "millis" => assert!(shown.contains("0xFA millis"), "{shown}"),
            _ => assert!(shown.contains("Hash Algorithm: sha1"), "{shown}"),
        }
        let out = verify(&dir, &file);
        assert_eq!(out.status.code(), Some(0), "{section}: {}", text(&out));
        assert!(openssl_ts_verify(&file, &tsr).status.success());
    }
}

#[test]
fn a_tsa_certificate_without_the_critical_eku_is_rejected() {
    let dir = Dir::new("ts-noncrit");
    let Some(python) = venv_python() else {
        return;
    };
    let pki = pki();
    // `openssl ts -reply` refuses such a certificate, pyHanko's test TSA does not.
    let behaviour = |name: &str| Behaviour::PyHanko {
        python: python.clone(),
        cert: pki.path(&format!("{name}.pem")),
        key: pki.path(&format!("{name}.key.pem")),
        chain: pki.chain(),
    };
    let twin = tsa(&dir, behaviour("tsa"));
    let file = dir.create_bytes("twin.txt", b"data");
    let out = timestamp(&dir, &twin.url, &[&file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = verify(&dir, &file);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let server = tsa(&dir, behaviour("tsa-noncrit"));
    let file = dir.create_bytes("doc.txt", b"data");
    let out = timestamp(&dir, &server.url, &[&file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = verify(&dir, &file);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("not valid for time-stamping"),
        "{}",
        text(&out)
    );
}

/// A TSA certificate that expired years ago, issued from a private copy of the intermediate's
/// `openssl ca` directory (so the shared PKI's index is never touched).
fn expired_tsa_cert(dir: &Dir) -> (PathBuf, PathBuf) {
    let pki = pki();
    let ca = dir.join("ca-copy");
    let status = Command::new("cp")
        .arg("-r")
        .arg(pki.path("ca/intermediate"))
        .arg(&ca)
        .status()
        .expect("copy CA dir");
    assert!(status.success());
    let csr = dir.join("old-tsa.csr");
    let cert = dir.join("old-tsa.pem");
    let key = pki.path("tsa.key.pem");
    let run = |cmd: &mut Command| {
        let out = cmd.output().expect("run openssl");
        assert!(out.status.success(), "{}", text(&out));
    };
    run(Command::new("openssl")
        .args(["req", "-new", "-subj", "/CN=kyso Expired TSA", "-key"])
        .arg(&key)
        .arg("-out")
        .arg(&csr));
    run(Command::new("openssl")
        .env("CADIR", &ca)
        .args(["ca", "-batch", "-notext", "-config"])
        .arg(pki.path("openssl.cnf"))
        .args([
            "-extensions",
            "ext_tsa",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-in",
        ])
        .arg(&csr)
        .arg("-out")
        .arg(&cert));
    (cert, key)
}

#[test]
fn a_token_dated_outside_the_tsa_certificate_validity_is_rejected() {
    let dir = Dir::new("ts-expired");
    let (cert, key) = expired_tsa_cert(&dir);
    let server = tsa_with(&dir, &cert, &key, Behaviour::Reply("plain"));
    let file = dir.create_bytes("doc.txt", b"data");
    let out = timestamp(&dir, &server.url, &[&file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = verify(&dir, &file);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("outside the TSA certificate's validity"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_tsa_that_is_down_slow_or_broken_fails_clearly_and_leaves_inputs_untouched() {
    let dir = Dir::new("ts-failures");
    let pdf_bytes = std::fs::read(sample("cong-van.pdf")).expect("sample");
    let cases: Vec<(String, Option<Server>, &str)> = vec![
        (tsa_server::down_url(), None, "cannot reach"),
        {
            let s = tsa(&dir, Behaviour::Slow);
            (s.url.clone(), Some(s), "did not answer within")
        },
        {
            let s = tsa(&dir, Behaviour::Garbage);
            (s.url.clone(), Some(s), "not a valid time-stamp")
        },
        {
            let s = tsa(&dir, Behaviour::WrongContentType);
            (s.url.clone(), Some(s), "content type")
        },
        {
            let s = tsa(&dir, Behaviour::ServerError);
            (s.url.clone(), Some(s), "HTTP 500")
        },
        {
            let s = tsa(&dir, Behaviour::NoCerts);
            (s.url.clone(), Some(s), "not a valid time-stamp")
        },
    ];
    for (n, (url, _server, expected)) in cases.iter().enumerate() {
        let file = dir.create_bytes(&format!("f{n}.txt"), b"payload");
        let pdf = dir.create_bytes(&format!("d{n}.pdf"), &pdf_bytes);
        let out = timestamp(&dir, url, &[&file, &pdf], &["--tsa-timeout", "1"]);
        assert_eq!(out.status.code(), Some(1), "{url}: {}", text(&out));
        let shown = text(&out);
        assert_eq!(shown.matches("error:").count(), 2, "{shown}");
        assert!(shown.contains(expected), "{expected:?} not in {shown}");
        assert!(!dir.join(&format!("f{n}.txt.tsr")).exists());
        assert_eq!(std::fs::read(&pdf).expect("pdf"), pdf_bytes, "PDF changed");
    }
}

#[test]
fn fallback_tsa_urls_are_tried_in_order() {
    let dir = Dir::new("ts-fallback");
    let good = tsa(&dir, Behaviour::Reply("plain"));
    let broken = tsa(&dir, Behaviour::Garbage);
    let file = dir.create_bytes("doc.txt", b"data");
    let urls = format!("{},{},{}", tsa_server::down_url(), broken.url, good.url);
    let out = timestamp(&dir, &urls, &[&file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(broken.requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    let out = verify(&dir, &file);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // And when every one fails, each failure is named.
    let file = dir.create_bytes("other.txt", b"data");
    let urls = format!("{},{}", tsa_server::down_url(), broken.url);
    let out = timestamp(&dir, &urls, &[&file], &[]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out);
    assert!(
        shown.contains("all 2 time-stamp authorities failed"),
        "{shown}"
    );
}

#[test]
fn the_tsa_url_comes_from_the_environment_too() {
    let dir = Dir::new("ts-env");
    let server = tsa(&dir, Behaviour::Reply("plain"));
    let file = dir.create_bytes("doc.txt", b"data");
    let out = dir
        .kyso()
        .env("KYSO_TSA_URL", &server.url)
        .arg("timestamp")
        .arg(&file)
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Without it there is nothing to ask, and kyso says so.
    let out = dir.kyso().arg("timestamp").arg(&file).output();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("KYSO_TSA_URL"), "{}", text(&out));
}

/// pyHanko's validation of a PDF, pretty-printed, with the test root trusted.
fn pyhanko_pretty(pdf: &Path, extra: &[&str]) -> (bool, String) {
    let out = Command::new(pyhanko().expect("pyhanko"))
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ])
        .arg(pki().root())
        .args(extra)
        .arg(pdf)
        .output()
        .expect("run pyhanko");
    (out.status.success(), text(&out))
}

#[test]
fn a_pdf_gets_a_document_timestamp_that_pyhanko_and_pdfsig_accept() {
    if !require_peers() {
        return;
    }
    let dir = Dir::new("ts-doc");
    let server = tsa(&dir, Behaviour::Reply("plain"));
    let original = sample("cong-van.pdf");
    let pdf = dir.join("doc.pdf");
    std::fs::copy(&original, &pdf).expect("copy");
    let out = timestamp(&dir, &server.url, &[&pdf], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    crate::peers::assert_prefix(&original, &pdf);
    crate::peers::assert_qpdf_clean(&pdf);
    let (ok, shown) = pyhanko_doc_timestamps(&pdf, &pki().root());
    assert!(ok, "{shown}");
    assert!(
        shown.contains("intact valid trusted ENTIRE_FILE"),
        "{shown}"
    );
    // poppler lists document time-stamps but cannot validate them ("Signature Type: unknown").
    let listed = Command::new("pdfsig").arg(&pdf).output().expect("pdfsig");
    let listed = text(&listed);
    assert!(
        listed.contains("Signer Certificate Common Name: kyso Test TSA"),
        "{listed}"
    );
    assert!(listed.contains("Total document signed"), "{listed}");

    // The twin: a byte changed in the time-stamped revision breaks it for pyHanko.
    let mut bytes = std::fs::read(&pdf).expect("read");
    let at = bytes
        .windows(7)
        .position(|w| w == b"/Author")
        .or_else(|| bytes.windows(5).position(|w| w == b"/Type"))
        .expect("a key to alter");
    bytes[at + 1] ^= 0x20;
    let broken = dir.create_bytes("broken.pdf", &bytes);
    let (ok, shown) = pyhanko_doc_timestamps(&broken, &pki().root());
    assert!(!ok, "{shown}");
}

#[test]
fn sign_with_tsa_makes_a_pades_b_t_signature_pyhanko_reports() {
    if !require_peers() {
        return;
    }
    let dir = Dir::new("ts-sign-bt");
    let server = tsa(&dir, Behaviour::Reply("fine"));
    let pki = pki();
    let out_pdf = dir.join("signed.pdf");
    let out = dir
        .kyso()
        .arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(&out_pdf)
        .arg("--p12")
        .arg(pki.path("rsa2048.p12"))
        .args(["--pass-env", "KYSO_TEST_PASS", "--tsa", &server.url])
        .env("KYSO_TEST_PASS", "kyso")
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (ok, shown) = pyhanko_pretty(&out_pdf, &["--no-revocation-check"]);
    assert!(ok, "{shown}");
    assert!(
        shown.contains("Signature timestamp token:")
            && shown.contains("The timestamp token is cryptographically sound.")
            && shown.contains("The TSA certificate is trusted."),
        "pyHanko reports no good signature time-stamp:\n{shown}"
    );

    // The twin: without --tsa pyHanko sees no time-stamp.
    let plain = dir.join("plain.pdf");
    let out = dir
        .kyso()
        .arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(&plain)
        .arg("--p12")
        .arg(pki.path("rsa2048.p12"))
        .args(["--pass-env", "KYSO_TEST_PASS"])
        .env("KYSO_TEST_PASS", "kyso")
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (ok, shown) = pyhanko_pretty(&plain, &["--no-revocation-check"]);
    assert!(ok, "{shown}");
    assert!(!shown.contains("Signature timestamp token:"), "{shown}");
}

#[test]
fn sign_with_an_unreachable_tsa_writes_nothing() {
    let dir = Dir::new("ts-sign-down");
    let pki = pki();
    let out_pdf = dir.join("signed.pdf");
    let out = dir
        .kyso()
        .arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(&out_pdf)
        .arg("--p12")
        .arg(pki.path("rsa2048.p12"))
        .args([
            "--pass-env",
            "KYSO_TEST_PASS",
            "--tsa",
            &tsa_server::down_url(),
        ])
        .env("KYSO_TEST_PASS", "kyso")
        .output();
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("cannot reach"), "{}", text(&out));
    assert!(!out_pdf.exists());
}

/// A test PKI whose signer and TSA certificates point at a real OCSP responder and a CRL
/// server on loopback, with a TSA of that PKI: what B-LT and B-LTA need.
pub(crate) struct LtvWorld {
    pub(crate) dir: Dir,
    ocsp: Option<Server>,
    crl: Option<Server>,
    pub(crate) tsa: Server,
}

impl LtvWorld {
    pub(crate) fn new(name: &str) -> Self {
        Self::with_pki_env(name, &[])
    }

    /// As [`LtvWorld::new`], with extra environment for `make-test-pki.sh` (e.g. `PKI_DAYS`).
    fn with_pki_env(name: &str, pki_env: &[(&str, &str)]) -> Self {
        let dir = Dir::new(name);
        let pki = dir.join("pki");
        let ocsp_work = dir.join("ocsp-work");
        let crl_root = dir.join("crl");
        std::fs::create_dir_all(&ocsp_work).expect("dir");
        std::fs::create_dir_all(&crl_root).expect("dir");
        let ocsp = start(
            &ocsp_work,
            &ocsp_work.join("unused"),
            Behaviour::Ocsp {
                index: pki.join("ca/intermediate/index.txt"),
                ca: pki.join("intermediate.pem"),
                rsigner: pki.join("ocsp.pem"),
                rkey: pki.join("ocsp.key.pem"),
            },
        );
        let crl = start(
            &crl_root,
            &crl_root.join("unused"),
            Behaviour::Files(crl_root.clone()),
        );
        let crl_url = crl.url.replace("/tsa", "/intermediate.crl");
        let out = Command::new("bash")
            .arg(crate::util::repo_root().join("fixtures/pki/make-test-pki.sh"))
            .arg(&pki)
            .env("PKI_OCSP_URL", &ocsp.url)
            .env("PKI_CRL_URL", &crl_url)
            .envs(pki_env.iter().copied())
            .output()
            .expect("run make-test-pki.sh");
        assert!(out.status.success(), "{}", text(&out));
        let status = Command::new("openssl")
            .args(["crl", "-outform", "DER", "-in"])
            .arg(pki.join("intermediate.crl.pem"))
            .arg("-out")
            .arg(crl_root.join("intermediate.crl"))
            .status()
            .expect("openssl crl");
        assert!(status.success());
        let ts_work = dir.join("tsa-work");
        std::fs::create_dir_all(&ts_work).expect("dir");
        let config = ts_config(
            &ts_work,
            &pki.join("tsa.pem"),
            &pki.join("tsa.key.pem"),
            &pki.join("chain.pem"),
        );
        let tsa = start(&ts_work, &config, Behaviour::Reply("plain"));
        Self {
            dir,
            ocsp: Some(ocsp),
            crl: Some(crl),
            tsa,
        }
    }

    /// OCSP requests answered so far.
    pub(crate) fn ocsp_requests(&self) -> usize {
        self.ocsp
            .as_ref()
            .map_or(0, |s| s.requests.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Stops the OCSP responder and the CRL server: what follows can only use the DSS.
    pub(crate) fn go_offline(&mut self) {
        self.ocsp = None;
        self.crl = None;
    }

    pub(crate) fn pki(&self, name: &str) -> PathBuf {
        self.dir.join("pki").join(name)
    }

    /// `kyso sign` with this PKI's RSA signer and the sample document.
    fn sign(&self, output: &Path, extra: &[&str]) -> std::process::Output {
        self.dir
            .kyso()
            .arg("sign")
            .arg(sample("cong-van.pdf"))
            .arg("-o")
            .arg(output)
            .arg("--p12")
            .arg(self.pki("rsa2048.p12"))
            .args(["--pass-env", "KYSO_TEST_PASS"])
            .env("KYSO_TEST_PASS", "kyso")
            .args(extra)
            .output()
    }

    /// pyHanko's AdES validation (`adesverify`, revocation information required).
    fn pyhanko_ltv(&self, pdf: &Path) -> (bool, String) {
        let out = Command::new(pyhanko().expect("pyhanko"))
            .args(["sign", "adesverify", "--pretty-print"])
            .args(["--trust-replace", "--trust"])
            .arg(self.pki("root.pem"))
            .arg(pdf)
            .output()
            .expect("run pyhanko");
        (out.status.success(), text(&out))
    }
}

/// `kyso verify --offline --json`: (field, indication, level) per signature.
fn kyso_levels(world: &LtvWorld, pdf: &Path) -> Vec<(String, String, String)> {
    kyso_levels_with(world, pdf, &[]).0
}

/// `kyso verify --offline --json` with `extra` arguments: (field, indication, level) per
/// signature, and the whole report for assertion messages.
fn kyso_levels_with(
    world: &LtvWorld,
    pdf: &Path,
    extra: &[&str],
) -> (Vec<(String, String, String)>, String) {
    let out = world
        .dir
        .kyso()
        .args(["verify", "--offline", "--json", "--trust"])
        .arg(world.pki("root.pem"))
        .args(extra)
        .arg(pdf)
        .output();
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
    let levels = report["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .map(|s| {
            let field = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
            (field("id"), field("indication"), field("level"))
        })
        .collect();
    (levels, text(&out))
}

fn root_crl(world: &LtvWorld) -> String {
    world.pki("root.crl.pem").display().to_string()
}

#[test]
fn sign_ltv_with_tsa_makes_b_lt_that_pyhanko_adesverify_judges_valid() {
    if !require_peers() {
        return;
    }
    let mut world = LtvWorld::new("ltv-sign");
    let blt = world.dir.join("blt.pdf");
    let root_crl = root_crl(&world);
    let out = world.sign(
        &blt,
        &["--tsa", &world.tsa.url, "--ltv", "--ltv-crl", &root_crl],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // One OCSP request per certificate with a responder: the signer's and the TSA's.
    assert_eq!(world.ocsp_requests(), 2);
    let (ok, shown) = world.pyhanko_ltv(&blt);
    assert!(ok, "{shown}");
    assert!(shown.contains("The signature is judged VALID."), "{shown}");
    assert!(shown.contains("The TSA certificate is trusted."), "{shown}");

    // The twin: the same B-T signature without the DSS lacks the intermediate's revocation
    // data, which no responder serves, and pyHanko refuses it.
    let bt = world.dir.join("bt.pdf");
    let out = world.sign(&bt, &["--tsa", &world.tsa.url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (ok, shown) = world.pyhanko_ltv(&bt);
    assert!(!ok, "{shown}");
    assert!(shown.contains("no revocation information"), "{shown}");

    // kyso's own verifier, offline, reads the levels from the DSS and the time-stamps.
    world.go_offline();
    let levels = kyso_levels(&world, &blt);
    assert_eq!(
        levels,
        [("Signature1".into(), "PASSED".into(), "B-LT".into())]
    );
    let levels = kyso_levels(&world, &bt);
    assert_eq!(
        levels.first().map(|l| l.2.as_str()),
        Some("B-T"),
        "{levels:?}"
    );
}

#[test]
fn ltv_archive_turns_b_t_into_b_lta_and_renew_refreshes_it() {
    if !require_peers() {
        return;
    }
    let world = LtvWorld::new("ltv-archive");
    let pdf = world.dir.join("doc.pdf");
    let out = world.sign(&pdf, &["--tsa", &world.tsa.url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signed = std::fs::read(&pdf).expect("read");
    let root_crl = root_crl(&world);

    let out = world
        .dir
        .kyso()
        .args([
            "ltv",
            "--archive",
            "--tsa",
            &world.tsa.url,
            "--ltv-crl",
            &root_crl,
        ])
        .arg(&pdf)
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = text(&out);
    assert!(shown.starts_with("archived "), "{shown}");
    assert!(shown.contains("2 OCSP responses, 1 CRLs"), "{shown}");
    assert!(std::fs::read(&pdf).expect("read").starts_with(&signed));
    let (ok, shown) = world.pyhanko_ltv(&pdf);
    assert!(ok, "{shown}");
    assert!(shown.contains("The signature is judged VALID."), "{shown}");
    let (ok, shown) = pyhanko_doc_timestamps(&pdf, &world.pki("root.pem"));
    assert!(ok, "{shown}");
    assert_eq!(shown.matches("SUMMARY").count(), 1, "{shown}");

    // --renew --dry-run: due within 100 years, not due within 0 days; nothing changes.
    let before = std::fs::read(&pdf).expect("read");
    let renew = |extra: &[&str]| {
        world
            .dir
            .kyso()
            .args([
                "ltv",
                "--renew",
                "--tsa",
                &world.tsa.url,
                "--ltv-crl",
                &root_crl,
            ])
            .args(extra)
            .arg(&pdf)
            .output()
    };
    let out = renew(&["--dry-run", "--renew-within", "36500"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).starts_with("would-renew "), "{}", text(&out));
    let out = renew(&["--dry-run", "--renew-within", "0"]);
    assert!(text(&out).starts_with("up-to-date "), "{}", text(&out));
    let out = renew(&["--renew-within", "0"]);
    assert!(text(&out).starts_with("up-to-date "), "{}", text(&out));
    assert_eq!(std::fs::read(&pdf).expect("read"), before);

    // --renew when due: a new DSS and a second archive time-stamp, still valid.
    let out = renew(&["--renew-within", "36500"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).starts_with("renewed "), "{}", text(&out));
    assert!(std::fs::read(&pdf).expect("read").starts_with(&before));
    let (ok, shown) = pyhanko_doc_timestamps(&pdf, &world.pki("root.pem"));
    assert!(ok, "{shown}");
    assert_eq!(shown.matches("SUMMARY").count(), 2, "{shown}");
    let (ok, shown) = world.pyhanko_ltv(&pdf);
    assert!(ok, "{shown}");
    let levels = kyso_levels(&world, &pdf);
    assert_eq!(
        levels.first(),
        Some(&("Signature1".into(), "PASSED".into(), "B-LTA".into())),
        "{levels:?}"
    );

    // A signed PDF without any document time-stamp is not an archive to renew.
    let plain = world.dir.create_bytes("plain.pdf", &signed);
    let out = world
        .dir
        .kyso()
        .args(["ltv", "--renew", "--dry-run"])
        .arg(&plain)
        .output();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no document time-stamp"),
        "{}",
        text(&out)
    );
}

/// `--at` for `kyso verify`: now plus `days`, RFC 3339.
fn days_from_now(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339()
}

#[test]
fn a_b_lta_archive_passes_after_the_signers_certificate_expired() {
    // The signer's certificate lives 2 days, the TSA's 7300, and it is verified ten years on: the archive time-stamp proves
    // the signature and the DSS existed while the signer's certificate was valid.
    let mut world = LtvWorld::with_pki_env(
        "ltv-long-term",
        &[("PKI_DAYS", "2"), ("PKI_TSA_DAYS", "7300")],
    );
    let root_crl = root_crl(&world);
    let blt = world.dir.join("blt.pdf");
    let out = world.sign(
        &blt,
        &["--tsa", &world.tsa.url, "--ltv", "--ltv-crl", &root_crl],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let blta = world.dir.join("blta.pdf");
    std::fs::copy(&blt, &blta).expect("copy");
    let out = world
        .dir
        .kyso()
        .args([
            "ltv",
            "--archive",
            "--tsa",
            &world.tsa.url,
            "--ltv-crl",
            &root_crl,
        ])
        .arg(&blta)
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    world.go_offline();

    let later = days_from_now(3650);
    let (levels, shown) = kyso_levels_with(&world, &blta, &["--at", &later]);
    assert_eq!(
        levels.first(),
        Some(&("Signature1".into(), "PASSED".into(), "B-LTA".into())),
        "{shown}"
    );
    assert!(shown.contains("proven-existence"), "{shown}");
    assert!(shown.contains("proven to exist at"), "{shown}");
}

#[test]
fn a_b_lt_file_without_the_archive_time_stamp_is_not_passed_after_the_signers_expiry() {
    let mut world = LtvWorld::with_pki_env(
        "ltv-long-term-no-archive",
        &[("PKI_DAYS", "2"), ("PKI_TSA_DAYS", "3650")],
    );
    let root_crl = root_crl(&world);
    let blt = world.dir.join("blt.pdf");
    let out = world.sign(
        &blt,
        &["--tsa", &world.tsa.url, "--ltv", "--ltv-crl", &root_crl],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    world.go_offline();
    let (levels, shown) = kyso_levels_with(&world, &blt, &[]);
    assert_eq!(
        levels.first(),
        Some(&("Signature1".into(), "PASSED".into(), "B-LT".into())),
        "{shown}"
    );
    let (levels, shown) = kyso_levels_with(&world, &blt, &["--at", &days_from_now(30)]);
    assert_eq!(
        levels.first().map(|l| l.1.as_str()),
        Some("INDETERMINATE"),
        "{shown}"
    );
    assert!(!shown.contains("proven-existence"), "{shown}");
}

#[test]
fn a_b_lta_archive_is_not_passed_after_its_tsa_certificate_expired() {
    let mut world = LtvWorld::with_pki_env(
        "ltv-long-term-tsa-expired",
        &[("PKI_DAYS", "2"), ("PKI_TSA_DAYS", "60")],
    );
    let root_crl = root_crl(&world);
    let pdf = world.dir.join("blta.pdf");
    let out = world.sign(
        &pdf,
        &["--tsa", &world.tsa.url, "--ltv", "--ltv-crl", &root_crl],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = world
        .dir
        .kyso()
        .args([
            "ltv",
            "--archive",
            "--tsa",
            &world.tsa.url,
            "--ltv-crl",
            &root_crl,
        ])
        .arg(&pdf)
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    world.go_offline();
    // Within the TSA's validity the archive still proves the signature...
    let (levels, shown) = kyso_levels_with(&world, &pdf, &["--at", &days_from_now(30)]);
    assert_eq!(
        levels.first().map(|l| l.1.as_str()),
        Some("PASSED"),
        "{shown}"
    );
    // ...after it, nothing is proven any more (renewal was due).
    let (levels, shown) = kyso_levels_with(&world, &pdf, &["--at", &days_from_now(90)]);
    assert!(levels.iter().all(|l| l.1 == "INDETERMINATE"), "{shown}");
    assert!(!shown.contains("proven-existence"), "{shown}");
}

#[test]
fn ltv_with_the_ocsp_responder_down_fails_and_leaves_the_file_untouched() {
    let mut world = LtvWorld::new("ltv-down");
    let pdf = world.dir.join("doc.pdf");
    let out = world.sign(&pdf, &["--tsa", &world.tsa.url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let before = std::fs::read(&pdf).expect("read");
    world.go_offline();
    let out = world
        .dir
        .kyso()
        .args(["ltv", "--ltv-timeout", "2"])
        .arg(&pdf)
        .output();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("cannot fetch revocation data"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(&pdf).expect("read"), before);
    // And an unsigned PDF has nothing to add.
    let out = world
        .dir
        .kyso()
        .arg("ltv")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(world.dir.join("x.pdf"))
        .output();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no signature"), "{}", text(&out));
}

#[test]
fn verify_checks_the_nonce_of_the_request_when_given() {
    if !require_tool("curl") {
        return;
    }
    let dir = Dir::new("ts-nonce");
    let server = tsa(&dir, Behaviour::Reply("plain"));
    let data = dir.create_bytes("data.bin", b"nonce test");
    let query = |name: &str| {
        let tsq = dir.join(name);
        let out = Command::new("openssl")
            .args(["ts", "-query", "-sha256", "-cert", "-data"])
            .arg(&data)
            .arg("-out")
            .arg(&tsq)
            .output()
            .expect("openssl ts -query");
        assert!(out.status.success(), "{}", text(&out));
        tsq
    };
    let asked = query("asked.tsq");
    let other = query("other.tsq");
    let tsr = dir.join("data.bin.tsr");
    let out = Command::new("curl")
        .args([
            "-sf",
            "-H",
            "Content-Type: application/timestamp-query",
            "--data-binary",
        ])
        .arg(format!("@{}", asked.display()))
        .arg("-o")
        .arg(&tsr)
        .arg(&server.url)
        .output()
        .expect("curl");
    assert!(out.status.success(), "{}", text(&out));
    let check = |tsq: &Path| {
        dir.kyso()
            .args(["timestamp", "--verify", "--trust"])
            .arg(pki().root())
            .arg("--query")
            .arg(tsq)
            .arg(&data)
            .arg(&tsr)
            .output()
    };
    let out = check(&asked);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The twin: the same data asked again has another nonce; this token does not answer it.
    let out = check(&other);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("(nonce)"), "{}", text(&out));
}

#[test]
fn xml_signatures_with_tsa_become_xades_b_t_and_ltv_without_tsa_is_refused() {
    let dir = Dir::new("ts-xml");
    let server = tsa(&dir, Behaviour::Reply("plain"));
    let xml = dir.create_bytes(
        "doc.xml",
        "<?xml version=\"1.0\"?><doc>Công văn số 1</doc>".as_bytes(),
    );
    let pki = pki();
    let sign = |output: &str, extra: &[&str]| {
        dir.kyso()
            .arg("sign")
            .arg(&xml)
            .arg("-o")
            .arg(dir.join(output))
            .arg("--p12")
            .arg(pki.path("rsa2048.p12"))
            .args(["--pass-env", "KYSO_TEST_PASS"])
            .env("KYSO_TEST_PASS", "kyso")
            .args(extra)
            .output()
    };
    let out = sign("b-t.xml", &["--tsa", &server.url]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signed = std::fs::read_to_string(dir.join("b-t.xml")).expect("read");
    assert!(
        signed.contains("SignedProperties"),
        "no XAdES properties:\n{signed}"
    );
    assert!(
        signed.contains("SignatureTimeStamp") && signed.contains("EncapsulatedTimeStamp"),
        "no time-stamp:\n{signed}"
    );
    // The time-stamp's imprint covers the SignatureValue: kyso verify checks the signature
    // (the time-stamp sits in unsigned properties, so it must not break the signature).
    let out = dir
        .kyso()
        .args(["verify", "--offline", "--json", "--trust"])
        .arg(pki.root())
        .arg(dir.join("b-t.xml"))
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let signature = &report["signatures"][0];
    assert_eq!(signature["indication"], "PASSED", "{report:#}");
    assert_eq!(signature["level"], "B-T", "{report:#}");
    assert!(
        signature["timestamp"].is_string(),
        "no proven time: {report:#}"
    );
    if require_tool("xmlsec1") {
        let out = Command::new("xmlsec1")
            .args([
                "--verify",
                "--enabled-reference-uris",
                "empty,same-doc",
                "--trusted-pem",
            ])
            .arg(pki.root())
            .arg("--untrusted-pem")
            .arg(pki.path("intermediate.pem"))
            .arg(dir.join("b-t.xml"))
            .output()
            .expect("xmlsec1");
        assert!(
            out.status.success(),
            "xmlsec1: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The twin: XAdES B-LT builds on B-T, so --ltv without --tsa is refused, writing nothing
    // (B-LT itself is tested in tests/xml.rs).
    let out = sign("b-lt.xml", &["--ltv"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("needs --tsa"), "{}", text(&out));
    assert!(!dir.join("b-lt.xml").exists());
}

#[test]
fn kyso_verifies_pyhankos_own_b_lta_offline() {
    if !require_peers() {
        return;
    }
    let mut world = LtvWorld::new("ltv-pyhanko");
    let theirs = world.dir.join("pyhanko-blta.pdf");
    let out = Command::new(pyhanko().expect("pyhanko"))
        .args([
            "sign",
            "addsig",
            "--use-pades-lta",
            "--with-validation-info",
        ])
        .arg("--timestamp-url")
        .arg(&world.tsa.url)
        .args(["--trust-replace", "--trust"])
        .arg(world.pki("root.pem"))
        .args(["--field", "Sig1", "pemder", "--no-pass", "--key"])
        .arg(world.pki("rsa2048.key.pem"))
        .arg("--cert")
        .arg(world.pki("rsa2048.pem"))
        .arg("--chain")
        .arg(world.pki("chain.pem"))
        .arg(sample("cong-van.pdf"))
        .arg(&theirs)
        .output()
        .expect("pyhanko addsig");
    assert!(out.status.success(), "{}", text(&out));
    world.go_offline();
    let levels = kyso_levels(&world, &theirs);
    assert_eq!(
        levels.first(),
        Some(&("Sig1".into(), "PASSED".into(), "B-LTA".into())),
        "{levels:?}"
    );
    // The twin: a byte of the signed revision changed, and the same file fails.
    let mut bytes = std::fs::read(&theirs).expect("read");
    let at = bytes
        .windows(5)
        .position(|w| w == b"/Type")
        .expect("a key to alter");
    bytes[at + 1] ^= 0x20;
    let broken = world.dir.create_bytes("broken.pdf", &bytes);
    let levels = kyso_levels(&world, &broken);
    assert_eq!(
        levels.first().map(|l| l.1.as_str()),
        Some("FAILED"),
        "{levels:?}"
    );
}
