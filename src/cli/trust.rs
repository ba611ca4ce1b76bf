//! `kyso trust`: the installed trust anchors.

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Trust subcommands.
#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Install certificates whose fingerprints the pinned manifest lists
    ///
    /// Example: kyso trust install ../shared/trust/vn/
    Install(TrustInstallArgs),
    /// Show the installed anchors and what the manifest still expects
    ///
    /// Example: kyso trust list --json
    List(TrustListArgs),
}

/// Arguments of `kyso trust install`.
#[derive(Debug, Args)]
pub struct TrustInstallArgs {
    /// Certificate files or folders (PEM or DER)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Also install certificates the manifest does not pin (dangerous)
    #[arg(long)]
    pub allow_unpinned: bool,
}

/// Arguments of `kyso trust list`.
#[derive(Debug, Args)]
pub struct TrustListArgs {
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}
