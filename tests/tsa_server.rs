//! A real RFC 3161 time-stamp authority on loopback for the tests: a small HTTP server thread
//! on 127.0.0.1:0 that answers each POSTed request with `openssl ts -reply` run on it, and a
//! plain file server for CRLs. Variants misbehave on purpose (garbage, slow, wrong content
//! type, no certificates).
//!
//! Bounded: the thread stops when the handle is dropped, and in any case after
//! [`MAX_LIFETIME`]; a slow answer sleeps at most [`SLOW_DELAY`].

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use der::{Decode, Encode};

/// The longest a server thread lives, whatever the test does.
pub const MAX_LIFETIME: Duration = Duration::from_secs(600);
/// How long the slow variant waits before answering (tests use a shorter client timeout).
pub const SLOW_DELAY: Duration = Duration::from_secs(4);

/// How the TSA behaves.
#[derive(Clone, Debug, PartialEq)]
pub enum Behaviour {
    /// `openssl ts -reply` with the given config section (see [`ts_config`]).
    Reply(&'static str),
    /// Like `Reply`, but the request's certReq is cleared first, so the token carries no
    /// certificate.
    NoCerts,
    /// 200 with `application/timestamp-reply` and bytes that are no TimeStampResp.
    Garbage,
    /// 200 with `text/html`.
    WrongContentType,
    /// Waits [`SLOW_DELAY`], then replies.
    Slow,
    /// 500.
    ServerError,
    /// Serves files from a directory by name (GET), for CRLs.
    Files(PathBuf),
    /// An OCSP responder: `openssl ocsp -index` in responder mode on each POSTed request,
    /// signing with a delegated responder certificate.
    Ocsp {
        /// The CA's `index.txt`.
        index: PathBuf,
        /// The issuing CA's certificate.
        ca: PathBuf,
        /// Responder certificate.
        rsigner: PathBuf,
        /// Responder key.
        rkey: PathBuf,
    },
    /// pyHanko's `DummyTimeStamper` signing with this certificate and key: a TSA that, unlike
    /// `openssl ts -reply`, signs with any certificate (e.g. one whose EKU is not critical).
    PyHanko {
        /// Python with pyHanko.
        python: PathBuf,
        /// TSA certificate (PEM).
        cert: PathBuf,
        /// TSA key (PEM).
        key: PathBuf,
        /// Certificates to embed (PEM).
        chain: PathBuf,
    },
}

/// The pyHanko TSA: `python - CERT KEY CHAIN QUERY OUT`.
const PYHANKO_TSA: &str = r#"
import sys
from asn1crypto import tsp
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder, load_certs_from_pemder
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
cert = load_cert_from_pemder(sys.argv[1])
key = load_private_key_from_pemder(sys.argv[2], None)
chain = list(load_certs_from_pemder([sys.argv[3]]))
ts = DummyTimeStamper(tsa_cert=cert, tsa_key=key, certs_to_embed=chain)
req = tsp.TimeStampReq.load(open(sys.argv[4], 'rb').read())
open(sys.argv[5], 'wb').write(ts.request_tsa_response(req).dump())
"#;

/// A running server; stops when dropped.
pub struct Server {
    pub url: String,
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A URL on which nothing listens (a port bound, then released).
pub fn down_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a port");
    format!("http://127.0.0.1:{port}/tsa")
}

/// The openssl `ts` configuration for the TSA whose certificate and key are `signer` and
/// `key` (chain certificates in `certs`), writing serials into `dir`. Sections:
/// - `plain`: SHA-256 signer digest, accuracy in seconds only, whole-second genTime;
/// - `fine`: accuracy secs/millis/micros and genTime with three fractional digits;
/// - `millis`: accuracy in milliseconds only.
pub fn ts_config(dir: &Path, signer: &Path, key: &Path, certs: &Path) -> PathBuf {
    let common = format!(
        "dir = {dir}\nserial = {dir}/tsaserial\ncrypto_device = builtin\n\
         signer_cert = {signer}\ncerts = {certs}\nsigner_key = {key}\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.5\n\
         digests = sha1, sha256, sha384, sha512\nordering = yes\ntsa_name = yes\n\
         ess_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        dir = dir.display(),
        signer = signer.display(),
        certs = certs.display(),
        key = key.display(),
    );
    let text = format!(
        "[ tsa ]\ndefault_tsa = plain\n\
         [ plain ]\n{common}accuracy = secs:1\nclock_precision_digits = 0\n\
         [ fine ]\n{common}accuracy = secs:1, millisecs:500, microsecs:100\nclock_precision_digits = 3\n\
         [ millis ]\n{common}accuracy = millisecs:250\nclock_precision_digits = 0\n"
    );
    std::fs::write(dir.join("tsaserial"), "01\n").expect("write serial");
    let path = dir.join("ts.cnf");
    std::fs::write(&path, text).expect("write ts.cnf");
    path
}

/// Starts a server in `dir` (its scratch directory) behaving as `behaviour`; `config` is a
/// [`ts_config`] file (unused by `Files`).
pub fn start(dir: &Path, config: &Path, behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("address").port();
    let stop = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let (stop2, requests2) = (stop.clone(), requests.clone());
    let dir = dir.to_path_buf();
    let config = config.to_path_buf();
    let thread = std::thread::spawn(move || {
        let started = Instant::now();
        let mut n = 0usize;
        while !stop2.load(Ordering::SeqCst) && started.elapsed() < MAX_LIFETIME {
            match listener.accept() {
                Ok((stream, _)) => {
                    n += 1;
                    requests2.fetch_add(1, Ordering::SeqCst);
                    let _ = serve(stream, &dir, &config, &behaviour, n, &stop2);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => break,
            }
        }
    });
    Server {
        url: format!("http://127.0.0.1:{port}/tsa"),
        requests,
        stop,
        thread: Some(thread),
    }
}

/// Reads one HTTP/1.x request: (method, path, body). Bounded sizes, bounded time.
fn read_request(stream: &mut TcpStream) -> std::io::Result<(String, String, Vec<u8>)> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        if data.len() > 64 * 1024 {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default().to_owned();
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(1 << 20);
    let mut body = data[header_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    body.truncate(length);
    Ok((method, path, body))
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn serve(
    mut stream: TcpStream,
    dir: &Path,
    config: &Path,
    behaviour: &Behaviour,
    n: usize,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let (method, path, body) = read_request(&mut stream)?;
    match behaviour {
        Behaviour::Files(root) => {
            let name = path.rsplit('/').next().unwrap_or_default();
            match std::fs::read(root.join(name)) {
                Ok(bytes) if method == "GET" && !name.is_empty() => {
                    respond(&mut stream, "200 OK", "application/pkix-crl", &bytes)
                }
                _ => respond(&mut stream, "404 Not Found", "text/plain", b"not found"),
            }
        }
        Behaviour::Garbage => respond(
            &mut stream,
            "200 OK",
            "application/timestamp-reply",
            b"\x30\x82\xff\xffnot a time-stamp response",
        ),
        Behaviour::WrongContentType => {
            respond(&mut stream, "200 OK", "text/html", b"<html>login</html>")
        }
        Behaviour::ServerError => respond(
            &mut stream,
            "500 Internal Server Error",
            "text/plain",
            b"down",
        ),
        Behaviour::Slow => {
            let until = Instant::now() + SLOW_DELAY;
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            reply_with_openssl(&mut stream, dir, config, "plain", &body, n);
        }
        Behaviour::NoCerts => {
            let mut request =
                kyso_cms::tsp::TimeStampReq::from_der(&body).map_err(std::io::Error::other)?;
            request.cert_req = false;
            let body = request.to_der().map_err(std::io::Error::other)?;
            reply_with_openssl(&mut stream, dir, config, "plain", &body, n);
        }
        Behaviour::Reply(section) => {
            reply_with_openssl(&mut stream, dir, config, section, &body, n)
        }
        Behaviour::Ocsp {
            index,
            ca,
            rsigner,
            rkey,
        } => {
            let req = dir.join(format!("ocsp-{n}.req"));
            let resp = dir.join(format!("ocsp-{n}.resp"));
            std::fs::write(&req, &body)?;
            let out = Command::new("openssl")
                .arg("ocsp")
                .arg("-index")
                .arg(index)
                .arg("-CA")
                .arg(ca)
                .arg("-rsigner")
                .arg(rsigner)
                .arg("-rkey")
                .arg(rkey)
                .args(["-ndays", "7", "-reqin"])
                .arg(&req)
                .arg("-respout")
                .arg(&resp)
                .output();
            match (out, std::fs::read(&resp)) {
                (Ok(o), Ok(bytes)) if o.status.success() => {
                    respond(&mut stream, "200 OK", "application/ocsp-response", &bytes)
                }
                _ => respond(
                    &mut stream,
                    "500 Internal Server Error",
                    "text/plain",
                    b"ocsp",
                ),
            }
            let _ = std::fs::remove_file(&req);
            let _ = std::fs::remove_file(&resp);
        }
        Behaviour::PyHanko {
            python,
            cert,
            key,
            chain,
        } => {
            let tsq = dir.join(format!("req-{n}.tsq"));
            let tsr = dir.join(format!("req-{n}.tsr"));
            std::fs::write(&tsq, &body)?;
            let out = Command::new(python)
                .args(["-c", PYHANKO_TSA])
                .args([cert, key, chain, &tsq, &tsr])
                .output();
            match (out, std::fs::read(&tsr)) {
                (Ok(o), Ok(bytes)) if o.status.success() => {
                    respond(&mut stream, "200 OK", "application/timestamp-reply", &bytes)
                }
                _ => respond(
                    &mut stream,
                    "500 Internal Server Error",
                    "text/plain",
                    b"py",
                ),
            }
        }
    }
    Ok(())
}

fn reply_with_openssl(
    stream: &mut TcpStream,
    dir: &Path,
    config: &Path,
    section: &str,
    query: &[u8],
    n: usize,
) {
    let tsq = dir.join(format!("req-{n}.tsq"));
    let tsr = dir.join(format!("req-{n}.tsr"));
    if std::fs::write(&tsq, query).is_err() {
        respond(stream, "500 Internal Server Error", "text/plain", b"disk");
        return;
    }
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(config)
        .args(["-section", section, "-queryfile"])
        .arg(&tsq)
        .arg("-out")
        .arg(&tsr)
        .output();
    match (out, std::fs::read(&tsr)) {
        (Ok(o), Ok(bytes)) if o.status.success() => {
            respond(stream, "200 OK", "application/timestamp-reply", &bytes)
        }
        _ => respond(
            stream,
            "500 Internal Server Error",
            "text/plain",
            b"openssl",
        ),
    }
    let _ = std::fs::remove_file(&tsq);
    let _ = std::fs::remove_file(&tsr);
}
