//! Fetching over HTTP (AIA caIssuers, OCSP, CRL distribution points) with a timeout and an
//! on-disk cache in a directory the caller chooses.

use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// Largest body kyso downloads (big national CRLs are a few MiB).
pub const MAX_DOWNLOAD: u64 = 32 * 1024 * 1024;

/// Why a fetch failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Connection, DNS, TLS or timeout.
    #[error("cannot reach {url}")]
    Unreachable {
        /// The URL.
        url: String,
    },
    /// The server answered with an HTTP error status.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The body was larger than [`MAX_DOWNLOAD`] or could not be read.
    #[error("body from {url} is too large or truncated")]
    Body {
        /// The URL.
        url: String,
    },
    /// Only http and https URLs are fetched.
    #[error("unsupported URL scheme in {url}")]
    Scheme {
        /// The URL.
        url: String,
    },
}

/// An HTTP client for revocation and issuer data.
///
/// Invariant: every request ends within `timeout` (connect and read); cached bodies younger
/// than `max_age` are reused without a request.
#[derive(Clone, Debug)]
pub struct Fetcher {
    agent: ureq::Agent,
    cache_dir: Option<PathBuf>,
    max_age: Duration,
}

impl Fetcher {
    /// A fetcher with a per-request `timeout`, caching in `cache_dir` (if any) for `max_age`.
    pub fn new(timeout: Duration, cache_dir: Option<PathBuf>, max_age: Duration) -> Fetcher {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(timeout)
            .timeout(timeout)
            .build();
        Fetcher {
            agent,
            cache_dir,
            max_age,
        }
    }

    /// GETs `url` (or returns the cached body).
    pub fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        check_scheme(url)?;
        let key = cache_key(&[b"GET", url.as_bytes()]);
        if let Some(body) = self.cached(&key) {
            return Ok(body);
        }
        let response = self.agent.get(url).call();
        let body = read_response(url, response)?;
        self.store(&key, &body);
        Ok(body)
    }

    /// POSTs a DER OCSP request to `url` (or returns the cached response to the same request).
    pub fn post_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError> {
        check_scheme(url)?;
        let key = cache_key(&[b"OCSP", url.as_bytes(), request]);
        if let Some(body) = self.cached(&key) {
            return Ok(body);
        }
        let response = self
            .agent
            .post(url)
            .set("Content-Type", "application/ocsp-request")
            .send_bytes(request);
        let body = read_response(url, response)?;
        self.store(&key, &body);
        Ok(body)
    }

    fn cached(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.cache_dir.as_ref()?.join(key);
        let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
        let age = SystemTime::now()
            .duration_since(modified)
            .unwrap_or(Duration::MAX);
        if age > self.max_age {
            return None;
        }
        std::fs::read(path).ok()
    }

    /// Best effort: a cache that cannot be written only costs a refetch.
    fn store(&self, key: &str, body: &[u8]) {
        if let Some(dir) = &self.cache_dir {
            if std::fs::create_dir_all(dir).is_ok() {
                let tmp = dir.join(format!("{key}.tmp{}", std::process::id()));
                if std::fs::write(&tmp, body).is_ok() {
                    let _ = std::fs::rename(&tmp, dir.join(key));
                }
            }
        }
    }
}

fn check_scheme(url: &str) -> Result<(), FetchError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(FetchError::Scheme {
            url: url.to_owned(),
        })
    }
}

fn cache_key(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(u64::try_from(p.len()).unwrap_or(u64::MAX).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

fn read_response(
    url: &str,
    response: Result<ureq::Response, ureq::Error>,
) -> Result<Vec<u8>, FetchError> {
    let response = match response {
        Ok(r) => r,
        Err(ureq::Error::Status(status, _)) => {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status,
            })
        }
        Err(ureq::Error::Transport(_)) => {
            return Err(FetchError::Unreachable {
                url: url.to_owned(),
            })
        }
    };
    let mut body = Vec::new();
    response
        .into_reader()
        .take(MAX_DOWNLOAD.saturating_add(1))
        .read_to_end(&mut body)
        .map_err(|_| FetchError::Body {
            url: url.to_owned(),
        })?;
    if u64::try_from(body.len()).unwrap_or(u64::MAX) > MAX_DOWNLOAD {
        return Err(FetchError::Body {
            url: url.to_owned(),
        });
    }
    Ok(body)
}
