//! `kyso token`: inspect PKCS#11 modules, tokens and their certificates.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Token subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// List the module, its slots and the tokens present
    ///
    /// Example: kyso token list --pkcs11 /usr/lib/softhsm/libsofthsm2.so
    List(TokenListArgs),
    /// List the certificates on a token and whether a private key matches each
    ///
    /// Example: kyso token certs --pkcs11 /usr/lib/softhsm/libsofthsm2.so --token kyso-test
    Certs(TokenCertsArgs),
}

/// Arguments of `kyso token list`.
#[derive(Debug, Args)]
pub struct TokenListArgs {
    /// PKCS#11 module of the USB token
    #[arg(long, env = "KYSO_PKCS11_MODULE", value_name = "MODULE")]
    pub pkcs11: PathBuf,

    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `kyso token certs`.
#[derive(Debug, Args)]
pub struct TokenCertsArgs {
    /// PKCS#11 module of the USB token
    #[arg(long, env = "KYSO_PKCS11_MODULE", value_name = "MODULE")]
    pub pkcs11: PathBuf,

    /// Token to use, by label (default: the only token present)
    #[arg(long, value_name = "LABEL", conflicts_with = "slot")]
    pub token: Option<String>,

    /// Token to use, by slot ID
    #[arg(long, value_name = "N")]
    pub slot: Option<u64>,

    /// Log in with the PIN in this environment variable, to see private keys the token hides
    /// before login
    #[arg(long, value_name = "VAR", group = "pin_source")]
    pub pin_env: Option<String>,

    /// Log in with the PIN on the first line of this file
    #[arg(long, value_name = "FILE", group = "pin_source")]
    pub pin_file: Option<PathBuf>,

    /// Log in with the PIN on the first line of standard input
    #[arg(long, group = "pin_source")]
    pub pin_stdin: bool,

    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}
