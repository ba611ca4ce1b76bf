//! One module per subcommand: turns parsed arguments into library calls.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod chain;
mod generate;
mod key_source;
mod sign;
mod token;
mod trust;

/// Runs the parsed command line and returns the exit status.
pub(crate) fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Sign(args) => sign::run(args),
        Command::Token(command) => token::run(command),
        Command::Chain(command) => chain::run(command),
        Command::Trust(command) => trust::run(command),
        Command::Generate(command) => generate::run(command),
    }
}
