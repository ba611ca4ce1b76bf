//! kyso's command-line interface: clap definitions only.
//!
//! This module is self-contained (no kyso library types), so the man-page generator and the
//! CLI registry tests can build it alone. Turning parsed arguments into library calls is the
//! job of `src/cmd/`.

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

pub mod chain;
pub mod help_vi;
pub mod keys;
pub mod ltv;
pub mod profile;
pub mod sign;
pub mod timestamp;
pub mod token;
pub mod trust;
pub mod verify;

/// Sign, verify and timestamp PDF and XML documents with USB tokens (PKCS#11) and key files
///
/// Exit status: 0 success (all signed, all signatures passed, chain valid); 1 some item failed
/// (a file not signed, a signature failed, a chain invalid); 2 usage or I/O error; 3 verification
/// only indeterminate (no trust anchor, revocation unknown). A broken pipe exits quietly.
#[derive(Debug, Parser)]
#[command(name = "kyso", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Language of messages and reports
    #[arg(
        long,
        global = true,
        value_enum,
        env = "KYSO_LANG",
        value_name = "LANG"
    )]
    pub lang: Option<Lang>,

    /// What to do
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The clap command in `lang`: the derive's English as is, or with every help text in
    /// Vietnamese (see [`help_vi`]). Parse with it, then convert with `from_arg_matches`.
    pub fn command_in(lang: Lang) -> clap::Command {
        match lang {
            Lang::En => Self::command(),
            Lang::Vi => help_vi::localize(Self::command()),
        }
    }
}

/// Message language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Vietnamese
    Vi,
    /// English
    En,
}

/// kyso's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    // Sign, Verify, Timestamp and Ltv take their help from their argument structs' doc
    // comments (a variant's own doc comment would replace it, examples and all).
    Sign(Box<sign::SignArgs>),
    Verify(verify::VerifyArgs),
    Timestamp(timestamp::TimestampArgs),
    Ltv(ltv::LtvArgs),
    /// Inspect PKCS#11 tokens: modules, slots, certificates
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Build and validate certificate chains
    #[command(subcommand)]
    Chain(chain::ChainCommand),
    /// Manage the trust anchors kyso validates against
    #[command(subcommand)]
    Trust(trust::TrustCommand),
    /// Write generated files (man pages)
    #[command(hide = true, subcommand)]
    Generate(GenerateCommand),
}

/// Generators.
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write the man pages into a directory
    Man {
        /// Directory to write kyso.1 and kyso-*.1 into
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_value_argument_names_its_value() {
        fn check(command: &clap::Command, path: &str) {
            for arg in command.get_arguments() {
                let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
                if takes_value && !arg.is_positional() {
                    assert!(
                        arg.get_value_names().is_some() || !arg.get_possible_values().is_empty(),
                        "{path} --{} takes a value but has no value_name",
                        arg.get_id()
                    );
                }
                assert!(
                    arg.get_help().is_some(),
                    "{path} {} has no help",
                    arg.get_id()
                );
            }
            for sub in command.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        let mut command = Cli::command();
        command.build();
        check(&command, "kyso");
    }
}
