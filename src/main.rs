//! kyso: sign, verify and timestamp PDF and XML documents.
//!
//! The binary owns the terminal: prompts, progress bars, output formats and exit codes. The
//! work happens in the crates under `crates/`.

#![deny(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;
mod config;
mod i18n;
mod input;
mod lang;
mod output;
mod report;

/// Exit statuses, one table for every subcommand (also in the man page).
pub(crate) mod exit {
    /// Everything succeeded.
    pub(crate) const OK: u8 = 0;
    /// Some item failed: a file not signed, a signature failed, a chain invalid.
    pub(crate) const FAILED: u8 = 1;
    /// Usage or I/O error.
    pub(crate) const ERROR: u8 = 2;
    /// Verification only indeterminate.
    #[allow(dead_code)]
    pub(crate) const INDETERMINATE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cmd::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(exit::OK);
            }
            eprintln!("kyso: {err:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// A closed pipe downstream (`kyso verify ... | head`) is not an error worth reporting.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
