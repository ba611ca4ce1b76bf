//! Test fixtures built at test time: the test PKI (fixtures/pki/make-test-pki.sh, once per test
//! process) and SoftHSM2 tokens (scripts/softhsm-setup.sh, one per test that needs one).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::util::{in_ci, repo_root, which, Dir};

/// The test PKI's directory (see the header of fixtures/pki/make-test-pki.sh for its layout).
pub struct Pki {
    dir: PathBuf,
}

impl Pki {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    pub fn root(&self) -> PathBuf {
        self.path("root.pem")
    }
    pub fn chain(&self) -> PathBuf {
        self.path("chain.pem")
    }
}

/// The PKI shared by every test of this process.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kyso-test-pki-{}", std::process::id()));
        let status = Command::new("bash")
            .arg(repo_root().join("fixtures/pki/make-test-pki.sh"))
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run make-test-pki.sh");
        assert!(status.success(), "make-test-pki.sh failed");
        Pki { dir }
    })
}

/// A provisioned SoftHSM2 token ("kyso-test", user PIN 1234) in a test's directory.
pub struct Token {
    pub conf: PathBuf,
    pub module: PathBuf,
}

/// Provisions a token under `dir`, or returns None (skip) when SoftHSM2 is not installed
/// outside CI.
pub fn softhsm_token(dir: &Dir) -> Option<Token> {
    if which("softhsm2-util").is_none() || which("pkcs11-tool").is_none() {
        assert!(!in_ci(), "softhsm2/opensc missing in CI");
        eprintln!("SKIP: softhsm2 or opensc not installed");
        return None;
    }
    let work = dir.join("softhsm");
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/softhsm-setup.sh"))
        .arg(&pki().dir)
        .arg(&work)
        .output()
        .expect("run softhsm-setup.sh");
    assert!(
        out.status.success(),
        "softhsm-setup.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let value = |var: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("export {var}=")))
            .map(|v| PathBuf::from(v.trim().trim_matches('\'').trim_matches('"')))
            .unwrap_or_else(|| panic!("softhsm-setup.sh did not print {var}: {text}"))
    };
    Some(Token {
        conf: value("SOFTHSM2_CONF"),
        module: value("KYSO_PKCS11_MODULE"),
    })
}

/// OpenSC's PKCS#11 spy module, which logs every call of the module it wraps.
pub fn pkcs11_spy() -> Option<PathBuf> {
    [
        "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so",
        "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so",
        "/usr/lib/pkcs11-spy.so",
    ]
    .iter()
    .map(Path::new)
    .find(|p| p.exists())
    .map(Path::to_path_buf)
}

/// The committed sample documents.
pub fn sample(name: &str) -> PathBuf {
    repo_root().join("fixtures/samples").join(name)
}
