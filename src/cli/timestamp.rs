//! `kyso timestamp`: RFC 3161 time-stamps for any file, document time-stamps for PDFs; and the
//! time-stamp authority options shared with `kyso sign` and `kyso ltv`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Time-stamp files with an RFC 3161 time-stamp authority, or check such time-stamps
///
/// Any file gets a detached time-stamp FILE.tsr beside it (the TSA's whole TimeStampResp, as
/// `openssl ts -verify -in FILE.tsr -data FILE` reads it). A PDF gets a document time-stamp
/// (ETSI.RFC3161) as an incremental update instead, unless --detached is given; the PDF is
/// replaced atomically and only once the time-stamp is in hand, so a failing TSA leaves every
/// input untouched. One line per file is printed.
///
/// With --verify, checks FILE against FILE.tsr (or the .tsr given after it): the message
/// imprint, the TSA's signature, the TSA certificate's chain to a trust anchor with a critical
/// id-kp-timeStamping extended key usage, validated at the time-stamp's genTime (so genTime lies
/// inside the certificate's validity), and with --query the nonce of the original request.
///
/// Exit status: 0 every file time-stamped (or verified); 1 some file failed; 2 usage errors.
///
/// Examples:
///   kyso timestamp --tsa http://tsa.example/tsr report.zip invoice.xml
///   kyso timestamp --tsa http://tsa.example/tsr contract.pdf
///   kyso timestamp --verify --trust tsa-root.pem report.zip report.zip.tsr
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct TimestampArgs {
    /// Files to time-stamp (or, with --verify, FILE [FILE.tsr] pairs or files with a .tsr beside
    /// them)
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Check existing time-stamps instead of requesting new ones
    #[arg(long)]
    pub verify: bool,

    /// For PDFs too, write a detached FILE.tsr instead of a document time-stamp
    #[arg(long)]
    pub detached: bool,

    /// Output file for a single PDF (default: the PDF is updated in place)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Overwrite existing .tsr files and outputs
    #[arg(long)]
    pub force: bool,

    /// Trust anchors for --verify (file, PEM or DER; default: the installed trust store)
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,

    /// The TimeStampReq (.tsq) the token answers, to check its nonce with --verify
    #[arg(long, value_name = "TSQ", requires = "verify")]
    pub query: Option<PathBuf>,

    /// Print one JSON object per file instead of text lines
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub tsa: TsaArgs,
}

/// How to reach the time-stamp authority (shared by sign, timestamp and ltv).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Time-stamp authority")]
pub struct TsaArgs {
    /// RFC 3161 time-stamp authority URL; repeat for fallbacks tried in order
    #[arg(
        long = "tsa",
        value_name = "URL",
        env = "KYSO_TSA_URL",
        value_delimiter = ','
    )]
    pub tsa_urls: Vec<String>,

    /// Hash of the time-stamp's message imprint
    #[arg(long, value_enum, default_value_t = TsaHash::Sha256, value_name = "HASH")]
    pub tsa_hash: TsaHash,

    /// TSA policy OID to request (reqPolicy)
    #[arg(long, value_name = "OID")]
    pub tsa_policy: Option<String>,

    /// User name for HTTP basic authentication to the TSA
    #[arg(long, value_name = "USER", requires = "tsa_pass_env")]
    pub tsa_user: Option<String>,

    /// Environment variable holding the TSA password for basic authentication
    #[arg(long, value_name = "VAR", requires = "tsa_user")]
    pub tsa_pass_env: Option<String>,

    /// Extra HTTP header for the TSA, "Name: value" (repeatable)
    #[arg(long, value_name = "HEADER")]
    pub tsa_header: Vec<String>,

    /// Environment variable holding a bearer token sent as "Authorization: Bearer TOKEN"
    #[arg(long, value_name = "VAR")]
    pub tsa_token_env: Option<String>,

    /// Seconds to wait for each TSA before trying the next
    #[arg(long, value_name = "SECS", default_value_t = 15)]
    pub tsa_timeout: u64,
}

/// Message-imprint hash algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TsaHash {
    /// SHA-256
    Sha256,
    /// SHA-384
    Sha384,
    /// SHA-512
    Sha512,
    /// SHA-1 (legacy TSAs only; not for document time-stamps)
    Sha1,
}
