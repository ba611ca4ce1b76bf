//! `kyso chain`: certificate path building and validation.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// Chain subcommands.
#[derive(Debug, Subcommand)]
pub enum ChainCommand {
    /// Build a path from a certificate to a trust anchor and validate it (RFC 5280)
    ///
    /// Example: kyso chain validate signer.pem --trust root.pem --untrusted ca.pem --json
    Validate(ChainValidateArgs),
}

/// Arguments of `kyso chain validate`.
#[derive(Debug, Args)]
pub struct ChainValidateArgs {
    /// The end-entity certificate (PEM or DER)
    #[arg(value_name = "LEAF")]
    pub leaf: PathBuf,

    /// Trust anchor certificates (file or folder, PEM or DER); default: the installed set
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,

    /// Candidate intermediate certificates (any order, decoys allowed)
    #[arg(long, value_name = "FILE")]
    pub untrusted: Vec<PathBuf>,

    /// Validation time, RFC 3339 (default: now)
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,

    /// Extended key usage the leaf must allow (dotted OID; repeat for alternatives)
    #[arg(long, value_name = "OID")]
    pub eku: Vec<String>,

    /// Key usage bit the leaf must have (RFC 5280 name, e.g. digitalSignature)
    #[arg(long, value_name = "NAME")]
    pub key_usage: Vec<String>,

    /// Maximum number of intermediate CAs between the leaf and the anchor
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,

    /// CRL files to check revocation against
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,

    /// DER OCSP responses to check revocation against
    #[arg(long, value_name = "FILE")]
    pub ocsp: Vec<PathBuf>,

    /// Fetch nothing from the network (AIA, CRL distribution points, OCSP)
    #[arg(long)]
    pub offline: bool,

    /// Revocation checking (default: hard-fail when --crl or --ocsp is given, soft-fail when
    /// online, off when offline without evidence)
    #[arg(long, value_enum, value_name = "MODE")]
    pub revocation: Option<RevocationArg>,

    /// What the leaf is for: document-signer needs digitalSignature or nonRepudiation, tsa a
    /// critical timeStamping-only extended key usage
    #[arg(long, value_enum, value_name = "PURPOSE", default_value = "any")]
    pub purpose: PurposeArg,

    /// What to do with SHA-1 signatures on certificates
    #[arg(long, value_enum, value_name = "RULE", default_value = "warn")]
    pub sha1: Sha1Arg,

    /// Seconds to wait for each network request (online only)
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,

    /// Print a JSON object instead of text
    #[arg(long)]
    pub json: bool,
}

/// Revocation checking mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RevocationArg {
    /// Do not check revocation
    Off,
    /// Check; accept with a warning when no status can be found
    SoftFail,
    /// Check; fail when no status can be found
    HardFail,
}

/// SHA-1 rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Sha1Arg {
    /// Refuse certificates signed with SHA-1
    Reject,
    /// Accept them and say so (old archives, VGCA G1 until 2030)
    Warn,
}

/// Leaf purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PurposeArg {
    /// No rule beyond --eku and --key-usage
    Any,
    /// A document signer
    DocumentSigner,
    /// A time-stamping authority (RFC 3161)
    Tsa,
}
