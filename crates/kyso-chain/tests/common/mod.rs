//! A throw-away test PKI (built by `data/make-pki.sh` with the OpenSSL CLI), a tiny HTTP
//! server for CRLs and a real OCSP responder (`openssl ocsp -port`) on loopback.
//!
//! Everything is built once per test binary. The responder runs under a shell that kills it
//! when the test process is gone, so no process outlives the tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use kyso_chain::{CertPool, Certificate, Crl, OcspResponseData};

pub struct Pki {
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Pki {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn cert(&self, name: &str) -> Certificate {
        let bytes = std::fs::read(self.path(&format!("{name}.pem"))).unwrap_or_default();
        let mut certs = Certificate::all_from_pem_or_der(&bytes).unwrap_or_default();
        assert_eq!(certs.len(), 1, "{name}.pem should hold one certificate");
        certs.remove(0)
    }

    pub fn crl(&self, name: &str) -> Crl {
        let bytes = std::fs::read(self.path(name)).unwrap_or_default();
        match Crl::from_der(&bytes) {
            Ok(crl) => crl,
            Err(e) => panic!("{name}: {e}"),
        }
    }

    pub fn ocsp(&self, name: &str) -> OcspResponseData {
        let bytes = std::fs::read(self.path(name)).unwrap_or_default();
        match OcspResponseData::from_der(&bytes) {
            Ok(r) => r,
            Err(e) => panic!("{name}: {e}"),
        }
    }

    pub fn anchors(&self) -> CertPool {
        CertPool::from_certs([self.cert("root")])
    }

    pub fn intermediates(&self) -> CertPool {
        CertPool::from_certs([self.cert("inter")])
    }
}

/// Picks a loopback port that is free now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// The shared PKI with its CRL server and OCSP responder running.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let dir = tmp.path().to_path_buf();
        let crl_listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
        let crl_port = crl_listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let ocsp_port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/make-pki.sh");
        let status = Command::new("sh")
            .arg(&script)
            .arg(&dir)
            .arg(format!("http://127.0.0.1:{ocsp_port}/ocsp"))
            .arg(format!("http://127.0.0.1:{crl_port}"))
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(status.success(), "make-pki.sh failed");
        serve_files(crl_listener, dir.clone());
        start_ocsp_responder(&dir, ocsp_port);
        Pki { dir, _tmp: tmp }
    })
}

/// Serves `GET /NAME` from `dir` (NAME.der if present, else NAME as is) forever.
fn serve_files(listener: TcpListener, dir: PathBuf) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir));
        }
    });
}

fn answer(mut stream: TcpStream, dir: &Path) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let name = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/');
    let name = name.replace("..", "");
    let der = dir.join(format!("{name}.der"));
    let body = std::fs::read(&der).or_else(|_| std::fs::read(dir.join(&name)));
    let response = match body {
        Ok(body) => {
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        Err(_) => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = stream.write_all(&response);
}

/// Starts `openssl ocsp` as the delegated responder of `inter` on `port` and waits until it
/// accepts connections.
fn start_ocsp_responder(dir: &Path, port: u16) {
    let parent = std::process::id();
    let script = format!(
        "cd '{}' && openssl ocsp -index inter.index -CA inter.pem -rsigner ocsp.pem -rkey ocsp.key \
         -port {port} -ndays 7 -ignore_err >ocsp-{port}.log 2>&1 & child=$!; \
         while kill -0 {parent} 2>/dev/null; do sleep 0.5; done; kill $child",
        dir.display()
    );
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    assert!(spawned.is_ok(), "cannot start openssl ocsp");
    // Wait for its "ACCEPT" line: a probe connection would stall the single-threaded
    // responder until it times out.
    let log = dir.join(format!("ocsp-{port}.log"));
    for _ in 0..200 {
        if std::fs::read_to_string(&log).is_ok_and(|text| text.contains("ACCEPT")) {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("openssl ocsp did not start on port {port}");
}

/// Reads a whole stream (helper for ad-hoc HTTP checks).
pub fn read_all(mut r: impl Read) -> Vec<u8> {
    let mut v = Vec::new();
    let _ = r.read_to_end(&mut v);
    v
}
