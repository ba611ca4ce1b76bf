//! The RFC 3161 time-stamp client: HTTP POST of a `TimeStampReq` (`application/timestamp-query`,
//! RFC 3161 §3.4) to one or more time-stamp authorities, tried in order.
//!
//! Invariants of [`TsaClient::stamp_data`] and [`TsaClient::stamp_digest`]:
//! - every HTTP exchange ends within the configured timeout (connect, and the whole response);
//! - a returned [`Stamp`] answers the request it was made for: the TSA granted it, the token's
//!   imprint is the one asked for, its nonce echoes the request's, and the TSA's signature over
//!   the TSTInfo verifies under the certificate the token carries. Whether that certificate is
//!   a trustworthy TSA (chain, critical id-kp-timeStamping, validity at genTime) is
//!   kyso-chain's question, asked by the caller.
//!
//! The library reads no environment: URLs, credentials and headers come from the caller.

use std::io::Read;
use std::time::Duration;

use base64::Engine as _;
use der::asn1::ObjectIdentifier;

use crate::tsp::{parse_response, TimeStampRequest, TimeStampToken};
use crate::{DigestAlgorithm, Error};

/// The media type of a request (RFC 3161 §3.4).
pub const QUERY_CONTENT_TYPE: &str = "application/timestamp-query";
/// The media type of a response (RFC 3161 §3.4).
pub const REPLY_CONTENT_TYPE: &str = "application/timestamp-reply";
/// Largest response body read. A token with a long certificate chain is a few KiB; the cap
/// bounds what a hostile or broken server can make kyso allocate.
pub const MAX_RESPONSE_LEN: u64 = 1024 * 1024;
/// The timeout used when the caller gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// HTTP basic credentials for a TSA (RFC 7617). The password never appears in `Debug`.
#[derive(Clone)]
pub struct BasicAuth {
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// How to reach the time-stamp authorities.
#[derive(Clone)]
pub struct Tsa {
    /// TSA URLs (http or https), tried in order until one answers with a usable token.
    pub urls: Vec<String>,
    /// The hash of the message imprint.
    pub hash: DigestAlgorithm,
    /// The TSA policy to ask for (reqPolicy), if any.
    pub policy: Option<ObjectIdentifier>,
    /// HTTP basic authentication, if the TSA requires it.
    pub basic_auth: Option<BasicAuth>,
    /// Extra request headers, e.g. `("Authorization", "Bearer …")` or an API key. Their values
    /// never appear in `Debug`.
    pub headers: Vec<(String, String)>,
    /// Per-exchange timeout (connect, and the whole request/response).
    pub timeout: Duration,
}

impl std::fmt::Debug for Tsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Tsa")
            .field("urls", &self.urls)
            .field("hash", &self.hash)
            .field("policy", &self.policy)
            .field("basic_auth", &self.basic_auth)
            .field("headers", &header_names)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Tsa {
    /// One TSA URL, SHA-256 imprints, no policy, no credentials, [`DEFAULT_TIMEOUT`].
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_urls(vec![url.into()])
    }

    /// Several TSA URLs tried in order, otherwise as [`Tsa::new`].
    pub fn with_urls(urls: Vec<String>) -> Self {
        Self {
            urls,
            hash: DigestAlgorithm::Sha256,
            policy: None,
            basic_auth: None,
            headers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Why no time-stamp could be obtained from a TSA.
///
/// Each variant names the URL it concerns and the condition; none carries free text from the
/// server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TsaError {
    /// The configuration names no TSA URL.
    #[error("no time-stamp authority URL configured")]
    NoUrl,
    /// Only http and https URLs are used.
    #[error("unsupported URL scheme in {url}")]
    Scheme {
        /// The URL.
        url: String,
    },
    /// Connection refused, DNS failure, TLS failure or a connection cut short.
    #[error("cannot reach the time-stamp authority at {url}")]
    Unreachable {
        /// The URL.
        url: String,
    },
    /// The TSA did not answer within the timeout.
    #[error("the time-stamp authority at {url} did not answer within {timeout:?}")]
    Timeout {
        /// The URL.
        url: String,
        /// The timeout.
        timeout: Duration,
    },
    /// The TSA answered with an HTTP error status.
    #[error("the time-stamp authority at {url} answered HTTP {status}")]
    HttpStatus {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The response is not `application/timestamp-reply`.
    #[error("the time-stamp authority at {url} answered with content type {content_type:?}, not application/timestamp-reply")]
    ContentType {
        /// The URL.
        url: String,
        /// The content type received.
        content_type: String,
    },
    /// The body exceeds [`MAX_RESPONSE_LEN`] or could not be read to its end.
    #[error("the response from {url} is too large or truncated")]
    Body {
        /// The URL.
        url: String,
    },
    /// The TSA refused the request (PKIStatus rejection, waiting, revocation).
    #[error("the time-stamp authority at {url} rejected the request (status {status}{})", failure_text(*failure_info))]
    Rejected {
        /// The URL.
        url: String,
        /// PKIStatus.
        status: u32,
        /// PKIFailureInfo bits, if sent.
        failure_info: Option<u32>,
    },
    /// The token stamps something other than what was asked.
    #[error("the token from {url} stamps a different message imprint")]
    ImprintMismatch {
        /// The URL.
        url: String,
    },
    /// The token does not echo the request's nonce (a replayed or misrouted answer).
    #[error("the token from {url} does not carry the request's nonce")]
    NonceMismatch {
        /// The URL.
        url: String,
    },
    /// The response is not a well-formed TimeStampResp, or its token does not verify.
    #[error("the response from {url} is not a valid time-stamp")]
    BadResponse {
        /// The URL.
        url: String,
        /// What was wrong with it.
        source: Error,
    },
    /// Building the request failed (wrong digest length, no randomness).
    #[error("cannot build the time-stamp request")]
    Request(#[source] Error),
    /// Every configured TSA failed; one error per URL, in the order tried.
    #[error("all {} time-stamp authorities failed: {}", .0.len(), join_errors(.0))]
    AllFailed(Vec<TsaError>),
}

fn failure_text(bits: Option<u32>) -> String {
    bits.map(|b| format!(", failure bits {b:#x}"))
        .unwrap_or_default()
}

fn join_errors(errors: &[TsaError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A granted time-stamp, checked against its request.
#[derive(Clone, Debug)]
pub struct Stamp {
    /// The URL that granted it.
    pub url: String,
    /// The request sent (with its nonce).
    pub request: TimeStampRequest,
    /// The whole `TimeStampResp` as received (what a `.tsr` file holds).
    pub response: Vec<u8>,
    /// The `TimeStampToken` (`ContentInfo(SignedData)`), DER.
    pub token: Vec<u8>,
}

impl Stamp {
    /// The token, parsed.
    pub fn parsed(&self) -> Result<TimeStampToken<'_>, Error> {
        TimeStampToken::parse(&self.token)
    }
}

/// A blocking RFC 3161 client over one HTTP agent (connections are reused across a batch).
#[derive(Clone, Debug)]
pub struct TsaClient {
    config: Tsa,
    agent: ureq::Agent,
}

impl TsaClient {
    /// A client for `config`. Fails when no URL is configured or a URL is not http(s).
    pub fn new(config: Tsa) -> Result<Self, TsaError> {
        if config.urls.is_empty() {
            return Err(TsaError::NoUrl);
        }
        if let Some(url) = config
            .urls
            .iter()
            .find(|u| !(u.starts_with("http://") || u.starts_with("https://")))
        {
            return Err(TsaError::Scheme { url: url.clone() });
        }
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(config.timeout)
            .timeout(config.timeout)
            .redirects(0)
            .build();
        Ok(Self { config, agent })
    }

    /// The configuration.
    pub fn config(&self) -> &Tsa {
        &self.config
    }

    /// The imprint hash.
    pub fn hash(&self) -> DigestAlgorithm {
        self.config.hash
    }

    /// Stamps `data` (hashed here with the configured hash). For a PAdES signature
    /// time-stamp, `data` is the SignerInfo's signature value.
    pub fn stamp_data(&self, data: &[u8]) -> Result<Stamp, TsaError> {
        self.stamp_digest(&self.config.hash.digest(data))
    }

    /// Stamps a digest made with the configured hash, trying each URL in order.
    pub fn stamp_digest(&self, digest: &[u8]) -> Result<Stamp, TsaError> {
        let request = TimeStampRequest::new(self.config.hash, digest, self.config.policy)
            .map_err(TsaError::Request)?;
        let mut errors = Vec::new();
        for url in &self.config.urls {
            match self.exchange(url, &request) {
                Ok(stamp) => return Ok(stamp),
                Err(err) => errors.push(err),
            }
        }
        if errors.len() == 1 {
            if let Some(only) = errors.pop() {
                return Err(only);
            }
        }
        Err(TsaError::AllFailed(errors))
    }

    /// One POST to one URL, and the checks on its answer.
    fn exchange(&self, url: &str, request: &TimeStampRequest) -> Result<Stamp, TsaError> {
        let mut http = self
            .agent
            .post(url)
            .set("Content-Type", QUERY_CONTENT_TYPE)
            .set("Accept", REPLY_CONTENT_TYPE);
        if let Some(auth) = &self.config.basic_auth {
            let pair = format!("{}:{}", auth.user, auth.password);
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            http = http.set("Authorization", &format!("Basic {encoded}"));
        }
        for (name, value) in &self.config.headers {
            http = http.set(name, value);
        }
        let response = http
            .send_bytes(&request.der)
            .map_err(|err| self.http_error(url, err))?;
        let content_type = response.content_type().to_ascii_lowercase();
        if content_type != REPLY_CONTENT_TYPE {
            return Err(TsaError::ContentType {
                url: url.to_owned(),
                content_type,
            });
        }
        let body = read_body(url, response, self.config.timeout)?;
        check_reply(url, request, body)
    }

    fn http_error(&self, url: &str, err: ureq::Error) -> TsaError {
        match err {
            ureq::Error::Status(status, _) => TsaError::HttpStatus {
                url: url.to_owned(),
                status,
            },
            ureq::Error::Transport(transport) => {
                if is_timeout(&transport) {
                    TsaError::Timeout {
                        url: url.to_owned(),
                        timeout: self.config.timeout,
                    }
                } else {
                    TsaError::Unreachable {
                        url: url.to_owned(),
                    }
                }
            }
        }
    }
}

/// Parses a TSA's reply to `request` and checks it: granted, same imprint, same nonce, and the
/// token's own signature verifies.
pub fn check_reply(
    url: &str,
    request: &TimeStampRequest,
    response: Vec<u8>,
) -> Result<Stamp, TsaError> {
    let bad = |source| TsaError::BadResponse {
        url: url.to_owned(),
        source,
    };
    let token = match parse_response(&response) {
        Ok(token) => token,
        Err(Error::TimeStampRejected {
            status,
            failure_info,
        }) => {
            return Err(TsaError::Rejected {
                url: url.to_owned(),
                status,
                failure_info,
            })
        }
        Err(other) => return Err(bad(other)),
    };
    let parsed = TimeStampToken::parse(&token).map_err(bad)?;
    match request.check_token(&parsed) {
        Ok(()) => {}
        Err(Error::NonceMismatch) => {
            return Err(TsaError::NonceMismatch {
                url: url.to_owned(),
            })
        }
        Err(Error::ImprintMismatch) => {
            return Err(TsaError::ImprintMismatch {
                url: url.to_owned(),
            })
        }
        Err(other) => return Err(bad(other)),
    }
    parsed.verify().map_err(bad)?;
    drop(parsed);
    Ok(Stamp {
        url: url.to_owned(),
        request: request.clone(),
        response,
        token,
    })
}

fn is_timeout(transport: &ureq::Transport) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> =
        std::error::Error::source(transport);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        source = cause.source();
    }
    false
}

fn read_body(url: &str, response: ureq::Response, timeout: Duration) -> Result<Vec<u8>, TsaError> {
    let mut body = Vec::new();
    let read = response
        .into_reader()
        .take(MAX_RESPONSE_LEN.saturating_add(1))
        .read_to_end(&mut body);
    match read {
        Ok(_) => {}
        Err(err)
            if matches!(
                err.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            return Err(TsaError::Timeout {
                url: url.to_owned(),
                timeout,
            })
        }
        Err(_) => {
            return Err(TsaError::Body {
                url: url.to_owned(),
            })
        }
    }
    if u64::try_from(body.len()).unwrap_or(u64::MAX) > MAX_RESPONSE_LEN {
        return Err(TsaError::Body {
            url: url.to_owned(),
        });
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_needs_at_least_one_http_url() {
        assert!(matches!(
            TsaClient::new(Tsa::with_urls(Vec::new())),
            Err(TsaError::NoUrl)
        ));
        assert!(matches!(
            TsaClient::new(Tsa::new("ftp://tsa.example/")),
            Err(TsaError::Scheme { .. })
        ));
        assert!(TsaClient::new(Tsa::new("http://127.0.0.1:9/")).is_ok());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let mut tsa = Tsa::new("http://127.0.0.1:9/");
        tsa.basic_auth = Some(BasicAuth {
            user: "alice".into(),
            password: "hunter2".into(),
        });
        tsa.headers
            .push(("Authorization".into(), "Bearer s3cret".into()));
        let text = format!("{tsa:?}");
        assert!(text.contains("alice") && text.contains("Authorization"));
        assert!(!text.contains("hunter2") && !text.contains("s3cret"));
    }

    #[test]
    fn a_closed_port_is_unreachable_not_a_timeout() {
        // Bind then drop: the port is very likely closed for the instant of the test.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let client = TsaClient::new(Tsa::new(format!("http://127.0.0.1:{port}/"))).unwrap();
        let digest = DigestAlgorithm::Sha256.digest(b"x");
        assert!(matches!(
            client.stamp_digest(&digest),
            Err(TsaError::Unreachable { .. })
        ));
    }

    #[test]
    fn garbage_replies_are_bad_responses_and_rejections_are_named() {
        let digest = DigestAlgorithm::Sha256.digest(b"x");
        let request = TimeStampRequest::new(DigestAlgorithm::Sha256, &digest, None).unwrap();
        assert!(matches!(
            check_reply("u", &request, b"<html>oops</html>".to_vec()),
            Err(TsaError::BadResponse { .. })
        ));
        // TimeStampResp { status { 2 (rejection), failInfo badAlg } }
        let rejected = vec![
            0x30, 0x09, 0x30, 0x07, 0x02, 0x01, 0x02, 0x03, 0x02, 0x07, 0x80,
        ];
        assert!(matches!(
            check_reply("u", &request, rejected),
            Err(TsaError::Rejected {
                status: 2,
                failure_info: Some(1),
                ..
            })
        ));
    }
}
