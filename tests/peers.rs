//! The independent validators kyso's output must satisfy: pyHanko, poppler's pdfsig, qpdf.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{in_ci, repo_root, which};

/// pyHanko's CLI from the test venv (scripts/install-test-deps.sh), or from PATH.
pub fn pyhanko() -> Option<PathBuf> {
    let venv = std::env::var_os("KYSO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv"));
    let candidate = venv.join("bin/pyhanko");
    if candidate.exists() {
        return Some(candidate);
    }
    which("pyhanko")
}

/// Skips (or fails in CI) when a peer is missing.
pub fn require_peers() -> bool {
    let missing: Vec<&str> = [
        ("pyhanko", pyhanko().is_some()),
        ("pdfsig", which("pdfsig").is_some()),
        ("qpdf", which("qpdf").is_some()),
        ("certutil", which("certutil").is_some()),
    ]
    .into_iter()
    .filter(|(_, found)| !found)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(!in_ci(), "interop peers missing in CI: {missing:?}");
    eprintln!("SKIP: interop peers missing: {missing:?} (run scripts/install-test-deps.sh)");
    false
}

/// pyHanko's one-line summaries, one per signature: `FIELD:FINGERPRINT:INTACT:TRUSTED,...`.
pub fn pyhanko_validate(pdf: &Path, trust_root: &Path) -> Vec<String> {
    let pyhanko = pyhanko().expect("pyhanko available");
    let out = Command::new(pyhanko)
        .args([
            "sign",
            "validate",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
        ])
        .arg(trust_root)
        .arg(pdf)
        .output()
        .expect("run pyhanko");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "pyHanko rejects {}:\n{stdout}\n{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout.lines().map(str::to_owned).collect()
}

/// Asserts pyHanko judges every signature intact and trusted, and returns how many there were.
pub fn assert_pyhanko_valid(pdf: &Path, trust_root: &Path) -> usize {
    let lines = pyhanko_validate(pdf, trust_root);
    assert!(
        !lines.is_empty(),
        "pyHanko found no signature in {}",
        pdf.display()
    );
    for line in &lines {
        assert!(
            line.contains(":INTACT:TRUSTED"),
            "pyHanko: {} not intact and trusted: {line}",
            pdf.display()
        );
    }
    lines.len()
}

/// An NSS database holding `root` as a trusted CA, for pdfsig.
pub fn nss_db(dir: &Path, root: &Path) -> PathBuf {
    let db = dir.join("nssdb");
    std::fs::create_dir_all(&db).expect("create nss dir");
    let spec = format!("sql:{}", db.display());
    let status = Command::new("certutil")
        .args(["-N", "--empty-password", "-d", &spec])
        .status()
        .expect("run certutil -N");
    assert!(status.success(), "certutil -N failed");
    let status = Command::new("certutil")
        .args([
            "-A",
            "-n",
            "kyso-test-root",
            "-t",
            "CT,C,C",
            "-d",
            &spec,
            "-i",
        ])
        .arg(root)
        .status()
        .expect("run certutil -A");
    assert!(status.success(), "certutil -A failed");
    db
}

/// pdfsig's verdicts: asserts every signature is valid and its certificate trusted.
pub fn assert_pdfsig_valid(pdf: &Path, nss: &Path) -> usize {
    let out = Command::new("pdfsig")
        .arg("-nssdir")
        .arg(format!("sql:{}", nss.display()))
        .arg(pdf)
        .output()
        .expect("run pdfsig");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let valid = text
        .matches("Signature Validation: Signature is Valid.")
        .count();
    let trusted = text
        .matches("Certificate Validation: Certificate is Trusted.")
        .count();
    let signatures = text.matches("Signature #").count();
    assert!(
        signatures > 0,
        "pdfsig found no signature in {}:\n{text}",
        pdf.display()
    );
    assert_eq!(
        valid,
        signatures,
        "pdfsig: not every signature valid in {}:\n{text}",
        pdf.display()
    );
    assert_eq!(
        trusted,
        signatures,
        "pdfsig: not every certificate trusted in {}:\n{text}",
        pdf.display()
    );
    signatures
}

/// `qpdf --check` finds no error (exit 0; 3 means warnings only, also accepted by qpdf's docs
/// as a readable file, but kyso's output must not cause warnings either).
pub fn assert_qpdf_clean(pdf: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("run qpdf");
    assert_eq!(
        out.status.code(),
        Some(0),
        "qpdf --check on {}:\n{}\n{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts `prefix` is a byte prefix of `whole` (an incremental update kept the input intact).
pub fn assert_prefix(input: &Path, output: &Path) {
    let a = std::fs::read(input).expect("read input");
    let b = std::fs::read(output).expect("read output");
    assert!(
        b.len() > a.len(),
        "{} is not longer than its input",
        output.display()
    );
    assert!(
        b.starts_with(&a),
        "{} does not start with its input's bytes",
        output.display()
    );
}

/// pyHanko adds a signature (PEM key, unencrypted) to `input`, writing `output`.
pub fn pyhanko_sign(
    input: &Path,
    output: &Path,
    key: &Path,
    cert: &Path,
    chain: &Path,
    field: &str,
) {
    let out = Command::new(pyhanko().expect("pyhanko available"))
        .args([
            "sign",
            "addsig",
            "--field",
            field,
            "pemder",
            "--no-pass",
            "--key",
        ])
        .arg(key)
        .arg("--cert")
        .arg(cert)
        .arg("--chain")
        .arg(chain)
        .arg(input)
        .arg(output)
        .output()
        .expect("run pyhanko sign");
    assert!(
        out.status.success(),
        "pyHanko could not sign {}: {}",
        input.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The input kinds the interop matrix covers, derived from one classic-xref sample with qpdf.
pub fn input_kinds(dir: &Path, classic: &Path) -> Vec<(&'static str, PathBuf)> {
    let xref_stream = dir.join("input-xref-stream.pdf");
    let linearized = dir.join("input-linearized.pdf");
    let status = Command::new("qpdf")
        .args(["--object-streams=generate"])
        .arg(classic)
        .arg(&xref_stream)
        .status()
        .expect("qpdf object streams");
    assert!(status.success());
    let status = Command::new("qpdf")
        .arg("--linearize")
        .arg(classic)
        .arg(&linearized)
        .status()
        .expect("qpdf linearize");
    assert!(status.success());
    vec![
        ("classic", classic.to_path_buf()),
        ("xref-stream", xref_stream),
        ("linearized", linearized),
    ]
}
