//! One module per subcommand: turns parsed arguments into library calls.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod chain;
mod generate;
mod key_source;
mod sign;
mod token;
mod trust;
mod verify;

/// Runs the parsed command line and returns the exit status.
pub(crate) fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = crate::lang::resolve(cli.lang);
    match cli.command {
        Command::Sign(args) => sign::run(args, lang),
        Command::Verify(args) => verify::run(args, lang),
        Command::Token(command) => token::run(command),
        Command::Chain(command) => chain::run(command),
        Command::Trust(command) => trust::run(command),
        Command::Generate(command) => generate::run(command),
    }
}
