//! `kyso ltv`: long-term validation data (PAdES B-LT), archive time-stamps (B-LTA) and their
//! renewal; and the evidence options shared with `kyso sign --ltv`.

use std::path::PathBuf;

use clap::Args;

use super::timestamp::TsaArgs;

/// Add long-term validation data to signed PDFs (PAdES B-LT, B-LTA)
///
/// For every signature and document time-stamp of each PDF, kyso collects the certificates of
/// the signer's chain and of the time-stamp authorities' chains, fetches their revocation
/// evidence (an OCSP response, or the CRL when there is no OCSP responder) once per distinct
/// certificate, and adds it all to the Document Security Store (DSS) with a VRI entry per
/// signature, as an incremental update: B-LT. With --archive a document time-stamp is added
/// over the DSS: B-LTA. With --renew only archives whose last time-stamp was made with a TSA
/// certificate expiring within --renew-within days get a new DSS and a fresh time-stamp
/// (--dry-run lists them and changes nothing).
///
/// PDFs are updated in place (atomically: a temporary file renamed over the original); a
/// failure leaves the file untouched. One line per file is printed.
///
/// Exit status: 0 every file done; 1 some file failed; 2 usage errors.
///
/// Examples:
///   kyso ltv signed.pdf
///   kyso ltv --archive --tsa http://tsa.example/tsr archive/*.pdf
///   kyso ltv --renew --dry-run --renew-within 180 archive/*.pdf
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LtvArgs {
    /// Signed PDFs
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<PathBuf>,

    /// Add a document time-stamp over the DSS (PAdES B-LTA); needs --tsa
    #[arg(long)]
    pub archive: bool,

    /// Re-time-stamp only archives whose last time-stamp's TSA certificate nears expiry
    #[arg(long, conflicts_with = "archive")]
    pub renew: bool,

    /// With --renew: the days before the TSA certificate's expiry when renewal is due
    #[arg(long, value_name = "DAYS", default_value_t = 365, requires = "renew")]
    pub renew_within: u32,

    /// With --renew: list what would be renewed, change nothing
    #[arg(long, requires = "renew")]
    pub dry_run: bool,

    /// Output file for a single input (default: the PDF is updated in place)
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print one JSON object per file instead of text lines
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub evidence: EvidenceArgs,

    #[command(flatten)]
    pub tsa: TsaArgs,
}

/// Where revocation evidence comes from, besides the OCSP and CRL URLs in the certificates.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Long-term validation data")]
pub struct EvidenceArgs {
    /// Extra CRL to store in the DSS (PEM or DER), e.g. the root's CRL for an intermediate
    /// without a distribution point (repeatable)
    #[arg(long, value_name = "FILE")]
    pub ltv_crl: Vec<PathBuf>,

    /// Extra certificate for building chains, e.g. an intermediate the signature lacks
    /// (repeatable)
    #[arg(long, value_name = "FILE")]
    pub ltv_cert: Vec<PathBuf>,

    /// Seconds to wait for each OCSP responder or CRL download
    #[arg(long, value_name = "SECS", default_value_t = 15)]
    pub ltv_timeout: u64,
}

/// `kyso sign --ltv`.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Long-term validation data")]
pub struct SignLtvArgs {
    /// Add the signer's and the TSA's validation data to a DSS right after signing (PAdES
    /// B-LT with --tsa)
    #[arg(long)]
    pub ltv: bool,

    #[command(flatten)]
    pub evidence: EvidenceArgs,
}
