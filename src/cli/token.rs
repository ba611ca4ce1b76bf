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

    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}
