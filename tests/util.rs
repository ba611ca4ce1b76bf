//! Test harness: a fresh temporary directory per test and a `kyso` command runner.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The path of the `kyso` binary under test.
pub fn kyso_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kyso"))
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository, where the corpora live.
pub fn shared_dir() -> PathBuf {
    repo_root().join("../shared")
}

/// True in CI, where a missing corpus or tool is a failure rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Returns `Some(path)` when `path` exists; otherwise skips (prints why) or, in CI, panics.
pub fn require_path(path: &Path) -> Option<PathBuf> {
    if path.exists() {
        return Some(path.to_path_buf());
    }
    if in_ci() {
        panic!("required test input missing in CI: {}", path.display());
    }
    eprintln!("SKIP: {} is missing", path.display());
    None
}

/// Returns true when `tool` is on PATH; otherwise skips (prints why) or, in CI, panics.
pub fn require_tool(tool: &str) -> bool {
    let found = which(tool).is_some();
    if !found {
        if in_ci() {
            panic!("required tool missing in CI: {tool}");
        }
        eprintln!("SKIP: {tool} is not installed");
    }
    found
}

/// Finds `tool` on PATH (or returns it when it is a path).
pub fn which(tool: &str) -> Option<PathBuf> {
    if tool.contains('/') {
        let p = PathBuf::from(tool);
        return p.exists().then_some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|candidate| candidate.is_file())
    })
}

/// A fresh temporary directory, removed when dropped (kept with `KYSO_KEEP_TEST_DIRS=1`).
pub struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    pub fn new(name: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("kyso-test-{name}-"))
            .tempdir()
            .expect("create temp dir");
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn create_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dir");
        }
        std::fs::write(&path, bytes).expect("write test file");
        path
    }

    /// A `kyso` command run in this directory with a clean environment for kyso's own
    /// variables (trust dir inside the test dir, English messages).
    pub fn kyso(&self) -> TestCommand {
        let mut cmd = Command::new(kyso_bin());
        cmd.current_dir(self.path())
            .env_remove("KYSO_PKCS11_MODULE")
            .env_remove("KYSO_TSA_URL")
            .env("KYSO_LANG", "en")
            .env("KYSO_TRUST_DIR", self.join("trust-store"))
            .env("HOME", self.path())
            .stdin(Stdio::null());
        TestCommand { cmd }
    }
}

/// A command under test with assertion helpers.
pub struct TestCommand {
    pub cmd: Command,
}

impl TestCommand {
    pub fn arg(&mut self, arg: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(&mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.cmd.env(key, value);
        self
    }

    pub fn output(&mut self) -> Output {
        self.cmd.output().expect("run kyso")
    }

    /// Runs, asserts exit status 0, returns stdout as text.
    pub fn stdout(&mut self) -> String {
        let out = self.output();
        assert!(
            out.status.success(),
            "kyso failed ({:?}):\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    /// Runs, asserts the exit status is `code`, returns the output.
    pub fn assert_code(&mut self, code: i32) -> Output {
        let out = self.output();
        assert_eq!(
            out.status.code(),
            Some(code),
            "unexpected exit status:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

/// Runs an external program, asserting success, returning stdout.
pub fn run_ok(program: impl AsRef<std::ffi::OsStr>, args: &[&std::ffi::OsStr]) -> String {
    let program = program.as_ref();
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program:?}: {e}"));
    assert!(
        out.status.success(),
        "{program:?} {args:?} failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
