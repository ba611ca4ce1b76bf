//! Validations per second of a 3-certificate chain (leaf ← ECDSA P-256 issuing CA ← RSA-2048
//! root) with an embedded OCSP response for the leaf (delegated responder) and a CRL for the
//! intermediate, revocation hard-fail, on one thread, warm caches.
//!
//!     cargo bench -p kyso-chain --bench validate
//!
//! Needs the `openssl` CLI (the PKI is built by `tests/data/make-pki.sh`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use kyso_chain::{
    validate, CertPool, Certificate, Crl, OcspResponseData, RevocationMode, RevocationSources,
    ValidationPolicy,
};

fn main() {
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => return eprintln!("tempdir: {e}"),
    };
    let dir = tmp.path();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/make-pki.sh");
    let built = Command::new("sh")
        .arg(&script)
        .arg(dir)
        .arg("http://127.0.0.1:9/ocsp")
        .arg("http://127.0.0.1:9")
        .stdout(Stdio::null())
        .status();
    if !built.is_ok_and(|s| s.success()) {
        return eprintln!("cannot build the test PKI with {}", script.display());
    }
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_default();
    let cert =
        |name: &str| Certificate::from_der(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let leaf = cert("leaf.der");
    let pool = CertPool::from_certs([cert("inter.der")]);
    let mut policy = ValidationPolicy::new(CertPool::from_certs([cert("root.der")]), Utc::now());
    policy.revocation = RevocationMode::HardFail;
    let mut sources = RevocationSources::new();
    sources.add_ocsp(
        OcspResponseData::from_der(&read("leaf.ocsp.der")).unwrap_or_else(|e| panic!("ocsp: {e}")),
    );
    sources.add_crl(Crl::from_der(&read("root.crl.der")).unwrap_or_else(|e| panic!("crl: {e}")));

    // Cold: the first validation verifies every signature.
    let start = Instant::now();
    let first = validate(&leaf, &pool, &policy, &sources);
    let cold = start.elapsed();
    if let Err(e) = first {
        panic!("the benchmark chain does not validate: {e}");
    }

    // Warm: repeat for a fixed wall time.
    let budget = Duration::from_secs(3);
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < budget {
        for _ in 0..256 {
            if validate(&leaf, &pool, &policy, &sources).is_err() {
                panic!("validation failed while warm");
            }
        }
        count += 256;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "cold validation (all signatures checked): {:.1} µs",
        cold.as_secs_f64() * 1e6
    );
    println!(
        "warm: {count} validations in {secs:.2} s = {:.0} validations/s on one thread ({:.1} µs each)",
        count as f64 / secs,
        secs * 1e6 / count as f64
    );
}
