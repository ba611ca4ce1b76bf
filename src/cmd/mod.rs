//! One module per subcommand: turns parsed arguments into library calls.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod anchor;
mod cert_role;
mod chain;
mod generate;
mod key_source;
mod ltv;
mod profile;
mod sign;
mod sign_messages;
mod time_pattern;
mod timestamp;
mod token;
mod trust;
mod verify;

/// Runs the parsed command line and returns the exit status.
pub(crate) fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let lang = crate::lang::resolve(cli.lang);
    match cli.command {
        Command::Sign(args) => sign::run(*args, lang),
        Command::Verify(args) => verify::run(args, lang),
        Command::Timestamp(args) => timestamp::run(args),
        Command::Ltv(args) => ltv::run(args),
        Command::Token(command) => token::run(command),
        Command::Chain(command) => chain::run(command, lang),
        Command::Trust(command) => trust::run(command, lang),
        Command::Generate(command) => generate::run(command),
    }
}
