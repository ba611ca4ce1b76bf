//! Options that choose a signing key: a PKCS#11 token or key files. Shared by every command
//! that signs.

use std::path::PathBuf;

use clap::Args;

/// Where the signing key lives and how to unlock it.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Key source")]
pub struct KeySourceArgs {
    /// PKCS#11 module of the USB token (e.g. /usr/lib/softhsm/libsofthsm2.so); without it, and
    /// without --p12 or --key, the module named by KYSO_PKCS11_MODULE is used
    #[arg(long, value_name = "MODULE", conflicts_with_all = ["p12", "key"])]
    pub pkcs11: Option<PathBuf>,

    /// Token to use, by label (default: the only token present)
    #[arg(long, value_name = "LABEL", conflicts_with = "slot")]
    pub token: Option<String>,

    /// Token to use, by slot ID
    #[arg(long, value_name = "N")]
    pub slot: Option<u64>,

    /// Key to use, by its CKA_LABEL
    #[arg(long, value_name = "LABEL")]
    pub key_label: Option<String>,

    /// Key to use, by its CKA_ID in hex
    #[arg(long, value_name = "HEX")]
    pub key_id: Option<String>,

    /// Key to use, by the SHA-256 fingerprint of its certificate, in hex
    #[arg(long, value_name = "HEX")]
    pub cert_sha256: Option<String>,

    /// Read the token PIN from this environment variable
    #[arg(long, value_name = "VAR", group = "pin_source")]
    pub pin_env: Option<String>,

    /// Read the token PIN from the first line of this file
    #[arg(long, value_name = "FILE", group = "pin_source")]
    pub pin_file: Option<PathBuf>,

    /// Read the token PIN from the first line of standard input
    #[arg(long, group = "pin_source")]
    pub pin_stdin: bool,

    /// PKCS#12 file (.p12, .pfx) holding the key and its certificate
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    pub p12: Option<PathBuf>,

    /// Read the PKCS#12 or PEM key password from this environment variable
    #[arg(long, value_name = "VAR", group = "pass_source")]
    pub pass_env: Option<String>,

    /// Read the PKCS#12 or PEM key password from the first line of this file
    #[arg(long, value_name = "FILE", group = "pass_source")]
    pub pass_file: Option<PathBuf>,

    /// PEM private key file (use with --cert)
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// PEM certificate of the key in --key
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// PEM file of further certificates to embed (intermediates)
    #[arg(long, value_name = "FILE")]
    pub chain: Vec<PathBuf>,

    /// Sign with RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys)
    #[arg(long)]
    pub pss: bool,
}
