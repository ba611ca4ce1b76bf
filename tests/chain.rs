//! `kyso chain validate` and `kyso trust`: verdicts, exit codes, JSON, Vietnamese messages,
//! the pinned manifest, and the x509-limbo document-signing suite.
//!
//! The chain tests use the revocation PKI of `crates/kyso-chain/tests/data/make-pki.sh`
//! (built once per process); the trust tests install from `../shared/trust/vn/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::util::{repo_root, require_path, require_tool, shared_dir, Dir};

/// The chain test PKI (leaf, leaf-revoked, inter, root, evil, CRLs, OCSP responses).
fn pki() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kyso-test-chain-pki-{}", std::process::id()));
        let status = Command::new("sh")
            .arg(repo_root().join("crates/kyso-chain/tests/data/make-pki.sh"))
            .arg(&dir)
            .arg("http://127.0.0.1:9/ocsp")
            .arg("http://127.0.0.1:9")
            .stdout(Stdio::null())
            .status()
            .expect("run make-pki.sh");
        assert!(status.success(), "make-pki.sh failed");
        dir
    })
}

fn p(name: &str) -> PathBuf {
    pki().join(name)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `kyso chain validate LEAF` against the test root and intermediate, offline.
fn validate(dir: &Dir, leaf: &str, extra: &[&str]) -> std::process::Output {
    dir.kyso()
        .args(["chain", "validate"])
        .arg(p(leaf))
        .arg("--trust")
        .arg(p("root.pem"))
        .arg("--untrusted")
        .arg(p("inter.pem"))
        .arg("--offline")
        .args(extra)
        .output()
}

#[test]
fn chain_validate_accepts_a_chain_with_embedded_ocsp_and_crl() {
    let dir = Dir::new("chain-valid");
    let ocsp = p("leaf.ocsp.der");
    let crl = p("root.crl");
    let out = validate(
        &dir,
        "leaf.pem",
        &[
            "--ocsp",
            ocsp.to_str().unwrap_or(""),
            "--crl",
            crl.to_str().unwrap_or(""),
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v = json(&out);
    assert_eq!(v["valid"], true);
    assert_eq!(v["path"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["revocation"][0]["source"], "ocsp");
    assert_eq!(v["revocation"][0]["status"], "good");
}

#[test]
fn chain_validate_rejects_a_revoked_leaf_with_exit_1() {
    let dir = Dir::new("chain-revoked");
    let ocsp = p("leaf-revoked.ocsp.der");
    let crl = p("root.crl");
    let out = validate(
        &dir,
        "leaf-revoked.pem",
        &[
            "--ocsp",
            ocsp.to_str().unwrap_or(""),
            "--crl",
            crl.to_str().unwrap_or(""),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["valid"], false);
    assert_eq!(v["code"], "revoked");
}

#[test]
fn chain_validate_without_evidence_for_every_certificate_fails_when_evidence_is_given() {
    let dir = Dir::new("chain-missing-evidence");
    // The leaf's OCSP response is given, the intermediate's CRL is not: hard-fail.
    let ocsp = p("leaf.ocsp.der");
    let out = validate(
        &dir,
        "leaf.pem",
        &["--ocsp", ocsp.to_str().unwrap_or(""), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["code"], "revocation-unknown");
}

#[test]
fn chain_validate_says_expired_in_vietnamese() {
    let dir = Dir::new("chain-expired-vi");
    let out = validate(&dir, "leaf.pem", &["--at", "2041-01-01T00:00:00Z"]);
    let out_vi = dir
        .kyso()
        .env("KYSO_LANG", "vi")
        .args(["chain", "validate"])
        .arg(p("leaf.pem"))
        .arg("--trust")
        .arg(p("root.pem"))
        .arg("--untrusted")
        .arg(p("inter.pem"))
        .args(["--offline", "--at", "2041-01-01T00:00:00Z"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("has expired"));
    assert_eq!(out_vi.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out_vi.stdout);
    assert!(text.contains("Chứng thư số đã hết hạn sử dụng"), "{text}");
}

#[test]
fn chain_validate_accepts_the_same_chain_inside_its_validity() {
    let dir = Dir::new("chain-in-validity");
    let out = validate(&dir, "leaf.pem", &["--at", "2030-06-01T12:00:00.250Z"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Certificate chain valid"));
}

#[test]
fn chain_validate_calls_an_unknown_root_untrusted_in_vietnamese() {
    let dir = Dir::new("chain-untrusted-vi");
    let out = dir
        .kyso()
        .env("KYSO_LANG", "vi")
        .args(["chain", "validate"])
        .arg(p("leaf.pem"))
        .arg("--trust")
        .arg(p("evil.pem"))
        .arg("--untrusted")
        .arg(p("inter.pem"))
        .args(["--offline", "--json"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["valid"], false);
    let reason = v["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("Chứng thư số không tin cậy") || reason.contains("Chữ ký"),
        "{reason}"
    );
}

#[test]
fn chain_validate_requires_the_requested_eku_and_key_usage() {
    let dir = Dir::new("chain-usage");
    let ok = validate(
        &dir,
        "leaf.pem",
        &[
            "--eku",
            "1.3.6.1.5.5.7.3.36",
            "--key-usage",
            "nonRepudiation",
        ],
    );
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let wrong_eku = validate(&dir, "leaf.pem", &["--eku", "1.3.6.1.5.5.7.3.1", "--json"]);
    assert_eq!(wrong_eku.status.code(), Some(1));
    assert_eq!(json(&wrong_eku)["code"], "eku-not-allowed");
    let wrong_ku = validate(
        &dir,
        "leaf.pem",
        &["--key-usage", "keyEncipherment", "--json"],
    );
    assert_eq!(wrong_ku.status.code(), Some(1));
    assert_eq!(json(&wrong_ku)["code"], "missing-key-usage");
}

#[test]
fn chain_validate_rejects_a_malformed_time_as_a_usage_error() {
    let dir = Dir::new("chain-bad-time");
    let out = validate(&dir, "leaf.pem", &["--at", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let ok = validate(&dir, "leaf.pem", &["--at", "2030-01-01T00:00:00+07:00"]);
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn chain_validate_uses_installed_anchors_when_no_trust_is_given() {
    let dir = Dir::new("chain-installed");
    let validate_installed = |dir: &Dir| {
        dir.kyso()
            .args(["chain", "validate"])
            .arg(p("leaf.pem"))
            .arg("--untrusted")
            .arg(p("inter.pem"))
            .arg("--offline")
            .output()
    };
    assert_eq!(
        validate_installed(&dir).status.code(),
        Some(1),
        "nothing installed yet"
    );
    dir.kyso()
        .args(["trust", "install", "--allow-unpinned"])
        .arg(p("root.pem"))
        .assert_code(0);
    assert_eq!(validate_installed(&dir).status.code(), Some(0));
}

#[test]
fn trust_install_refuses_unpinned_certificates() {
    let dir = Dir::new("trust-unpinned");
    let out = dir
        .kyso()
        .args(["trust", "install"])
        .arg(p("root.pem"))
        .assert_code(1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not pinned"));
    let list = dir.kyso().args(["trust", "list", "--json"]).stdout();
    let v: serde_json::Value = serde_json::from_str(list.trim()).unwrap_or_default();
    assert_eq!(v["installed"].as_array().map(Vec::len), Some(0));
}

#[test]
fn trust_install_of_unpinned_certificates_is_said_loudly() {
    let dir = Dir::new("trust-allow-unpinned");
    let out = dir
        .kyso()
        .args(["trust", "install", "--allow-unpinned"])
        .arg(p("root.pem"))
        .assert_code(0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("WARNING"));
    let list = dir.kyso().args(["trust", "list", "--json"]).stdout();
    let v: serde_json::Value = serde_json::from_str(list.trim()).unwrap_or_default();
    assert_eq!(v["installed"][0]["pinned"], false);
}

#[test]
fn trust_install_accepts_every_pinned_vietnamese_certificate() {
    let Some(vn) = require_path(&shared_dir().join("trust/vn")) else {
        return;
    };
    let dir = Dir::new("trust-vn");
    dir.kyso()
        .args(["trust", "install"])
        .arg(&vn)
        .assert_code(0);
    let list = dir.kyso().args(["trust", "list", "--json"]).stdout();
    let v: serde_json::Value = serde_json::from_str(list.trim()).unwrap_or_default();
    assert_eq!(v["installed"].as_array().map(Vec::len), Some(22));
    assert_eq!(v["missing"].as_array().map(Vec::len), Some(0));
    assert!(v["installed"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|c| c["pinned"] == true));
    // Installing again changes nothing.
    let again = dir.kyso().args(["trust", "install"]).arg(&vn).stdout();
    assert!(
        again.contains("0 installed, 22 already present, 0 refused"),
        "{again}"
    );
}

#[test]
fn trust_list_shows_what_the_manifest_still_expects() {
    let Some(vn) = require_path(&shared_dir().join("trust/vn")) else {
        return;
    };
    let dir = Dir::new("trust-list");
    dir.kyso()
        .args(["trust", "install"])
        .arg(vn.join("vn-nrca.pem"))
        .assert_code(0);
    let text = dir.kyso().args(["trust", "list"]).stdout();
    assert!(text.contains("vn-nrca "), "{text}");
    let v: serde_json::Value =
        serde_json::from_str(dir.kyso().args(["trust", "list", "--json"]).stdout().trim())
            .unwrap_or_default();
    assert_eq!(v["installed"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["missing"].as_array().map(Vec::len), Some(21));
}

#[test]
fn vnpt_ca_chains_to_the_installed_national_root() {
    let Some(vn) = require_path(&shared_dir().join("trust/vn")) else {
        return;
    };
    let dir = Dir::new("trust-vnpt");
    dir.kyso()
        .args(["trust", "install"])
        .arg(&vn)
        .assert_code(0);
    let out = dir
        .kyso()
        .args([
            "chain",
            "validate",
            "--offline",
            "--at",
            "2026-11-22T00:00:00Z",
        ])
        .arg(vn.join("vnpt-ca-sha2.pem"))
        .output();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn expired_mic_sub_ca_is_valid_only_in_the_past_and_only_with_sha1_allowed() {
    let Some(vn) = require_path(&shared_dir().join("trust/vn")) else {
        return;
    };
    let dir = Dir::new("trust-mic");
    dir.kyso()
        .args(["trust", "install"])
        .arg(&vn)
        .assert_code(0);
    let run = |at: &str, sha1: &str| {
        dir.kyso()
            .args([
                "chain",
                "validate",
                "--offline",
                "--json",
                "--at",
                at,
                "--sha1",
                sha1,
            ])
            .arg(vn.join("mic-viettel-ca.pem"))
            .output()
    };
    let now = run("2026-11-22T00:00:00Z", "warn");
    assert_eq!(now.status.code(), Some(1));
    assert_eq!(json(&now)["code"], "expired");
    let past = run("2018-01-01T00:00:00Z", "warn");
    assert_eq!(
        past.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&past.stdout)
    );
    assert!(
        !json(&past)["warnings"].as_array().is_none_or(Vec::is_empty),
        "SHA-1 must be reported"
    );
    let strict = run("2018-01-01T00:00:00Z", "reject");
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(json(&strict)["code"], "sha1-rejected");
}

/// The acceptance bar of issue 3: ≥ 99% of the x509-limbo document-signing subset and no
/// certificate wrongly accepted.
#[test]
fn limbo_docsign_suite_passes_with_nothing_wrongly_accepted() {
    let runner = shared_dir().join("corpora/chain/run-limbo.py");
    let Some(runner) = require_path(&runner) else {
        return;
    };
    if !require_tool("python3") {
        return;
    }
    let results = Dir::new("limbo");
    let out = Command::new("python3")
        .arg(&runner)
        .arg("--kyso")
        .arg(crate::util::kyso_bin())
        .arg("--results")
        .arg(results.join("results.json"))
        .output()
        .expect("run run-limbo.py");
    let text = String::from_utf8_lossy(&out.stdout);
    let wrongly_accepted: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("FAIL ") && l.contains("expected FAILURE, got SUCCESS"))
        .collect();
    assert!(
        wrongly_accepted.is_empty(),
        "wrongly accepted:\n{}",
        wrongly_accepted.join("\n")
    );
    let last = text.lines().last().unwrap_or("");
    let numbers: Vec<u64> = last
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    let (passed, failed) = match numbers.as_slice() {
        [passed, failed, ..] => (*passed, *failed),
        _ => panic!("unexpected runner output: {last}"),
    };
    assert!(passed * 100 >= (passed + failed) * 99, "{last}");
}

#[test]
fn chain_validate_purpose_tsa_accepts_only_a_critical_timestamping_eku() {
    let dir = Dir::new("chain-tsa");
    let tsa = validate(&dir, "tsa.pem", &["--purpose", "tsa"]);
    assert_eq!(
        tsa.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&tsa.stdout)
    );
    let signer = validate(&dir, "leaf.pem", &["--purpose", "tsa", "--json"]);
    assert_eq!(signer.status.code(), Some(1));
    assert_eq!(json(&signer)["code"], "eku-not-allowed");
}
