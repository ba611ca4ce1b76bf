//! kyso: sign, verify and timestamp PDF and XML documents.
//!
//! The binary owns the terminal: prompts, progress bars, output formats and exit codes. The
//! work happens in the crates under `crates/`.

#![deny(unsafe_code)]

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::FromArgMatches;

use crate::cli::{Cli, Lang};
use crate::i18n::Key;

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
    let args: Vec<OsString> = std::env::args_os().collect();
    // clap writes help and usage errors itself, so the language is chosen before it parses.
    let early_lang = lang::before_parsing(&args);
    let mut command = Cli::command_in(early_lang);
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .map_err(|err| err.format(&mut command));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err, early_lang),
    };
    let lang = lang::resolve(cli.lang);
    i18n::set_lang(lang);
    match cmd::dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(exit::OK);
            }
            eprintln!("kyso: {}", i18n::error_chain(&err, lang));
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Prints clap's help, version or usage error (in `lang`) and returns its exit status: 0 for
/// help and version, 2 for errors.
fn usage_error(err: &clap::Error, lang: Lang) -> ExitCode {
    let code = if err.use_stderr() {
        exit::ERROR
    } else {
        exit::OK
    };
    let shown_as_is = matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if lang == Lang::En || shown_as_is {
        // Help is already in `lang` (the command was localized before parsing).
        let _ = err.print();
    } else {
        eprint!("{}", clap_error_text(err, lang));
    }
    ExitCode::from(code)
}

/// A clap usage error in `lang`: the headline from the catalogue, a tip when clap has one,
/// the usage line and the pointer to `--help`.
fn clap_error_text(err: &clap::Error, lang: Lang) -> String {
    let string = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(list)) => Some(
            list.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = string(ContextKind::InvalidArg).unwrap_or_default();
    let value = string(ContextKind::InvalidValue).unwrap_or_default();
    let fmt = |key, args: &[(&str, &str)]| i18n::format(key, lang, args);
    // clap's own English line, without its "error: " prefix and its usage, as a last resort.
    let english = || {
        let rendered = err.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        first.strip_prefix("error: ").unwrap_or(first).to_owned()
    };
    let mut headline = match err.kind() {
        ErrorKind::UnknownArgument => fmt(Key::ClapUnknownArgument, &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => fmt(
            Key::ClapInvalidSubcommand,
            &[(
                "name",
                &string(ContextKind::InvalidSubcommand).unwrap_or_default(),
            )],
        ),
        ErrorKind::InvalidValue if value.is_empty() => fmt(Key::ClapMissingValue, &[("arg", &arg)]),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut line = fmt(Key::ClapInvalidValue, &[("arg", &arg), ("value", &value)]);
            if let Some(source) = std::error::Error::source(err) {
                // The value parser's reason: a technical detail, kept as written.
                line.push_str(&format!(": {source}"));
            }
            if let Some(values) = string(ContextKind::ValidValue) {
                line.push_str(&format!(
                    "\n  [{}]",
                    fmt(Key::ClapValidValues, &[("values", &values)])
                ));
            }
            line
        }
        ErrorKind::MissingRequiredArgument => fmt(
            Key::ClapMissingRequired,
            &[("args", &string(ContextKind::InvalidArg).unwrap_or_default())],
        ),
        ErrorKind::MissingSubcommand => {
            let mut line = fmt(
                Key::ClapMissingSubcommand,
                &[(
                    "name",
                    &string(ContextKind::InvalidSubcommand).unwrap_or_default(),
                )],
            );
            if let Some(names) = string(ContextKind::ValidSubcommand) {
                line.push_str(&format!(
                    "\n  [{}]",
                    fmt(Key::ClapValidSubcommands, &[("names", &names)])
                ));
            }
            line
        }
        ErrorKind::ArgumentConflict => match string(ContextKind::PriorArg) {
            Some(prior) if prior == arg => fmt(Key::ClapArgumentRepeated, &[("arg", &arg)]),
            Some(prior) => fmt(
                Key::ClapArgumentConflict,
                &[("arg", &arg), ("others", &format!("'{prior}'"))],
            ),
            None => fmt(Key::ClapOther, &[("detail", &english())]),
        },
        ErrorKind::NoEquals => fmt(Key::ClapNoEquals, &[("arg", &arg)]),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            fmt(Key::ClapWrongNumberOfValues, &[("arg", &arg)])
        }
        ErrorKind::InvalidUtf8 => i18n::text(Key::ClapInvalidUtf8, lang).to_owned(),
        _ => fmt(Key::ClapOther, &[("detail", &english())]),
    };
    headline.insert_str(0, &format!("{}: ", i18n::text(Key::ClapErrorLabel, lang)));

    let mut tips = Vec::new();
    if let Some(similar) = string(ContextKind::SuggestedArg) {
        tips.push(fmt(Key::ClapSimilarArgument, &[("arg", &similar)]));
    }
    if let Some(similar) = string(ContextKind::SuggestedSubcommand) {
        tips.push(fmt(Key::ClapSimilarSubcommand, &[("name", &similar)]));
    }
    if err.kind() == ErrorKind::UnknownArgument && arg.starts_with('-') {
        tips.push(fmt(Key::ClapSeparator, &[("arg", &arg)]));
    }
    let mut text = headline;
    text.push('\n');
    for tip in &tips {
        text.push_str(&format!(
            "\n  {}: {tip}",
            i18n::text(Key::ClapTipLabel, lang)
        ));
    }
    if !tips.is_empty() {
        text.push('\n');
    }
    if let Some(usage) = string(ContextKind::Usage) {
        let usage = usage
            .strip_prefix("Usage:")
            .map(|rest| format!("{}{rest}", cli::help_vi::USAGE))
            .unwrap_or(usage);
        text.push_str(&format!("\n{usage}\n"));
    }
    text.push_str(&format!("\n{}\n", i18n::text(Key::ClapMoreInfo, lang)));
    text
}

/// A closed pipe downstream (`kyso verify ... | head`) is not an error worth reporting.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_for(args: &[&str]) -> clap::Error {
        let mut command = Cli::command_in(Lang::Vi);
        command
            .try_get_matches_from_mut(args)
            .expect_err("a usage error")
            .format(&mut command)
    }

    #[test]
    fn unknown_argument_is_reported_in_vietnamese() {
        let text = clap_error_text(&error_for(&["kyso", "sign", "--bogus", "a.pdf"]), Lang::Vi);
        assert!(
            text.starts_with("lỗi: không nhận ra đối số '--bogus'"),
            "{text}"
        );
        assert!(text.contains("Cách dùng: kyso sign"), "{text}");
        assert!(
            !text.contains("Usage:") && !text.contains("error:"),
            "{text}"
        );
    }

    #[test]
    fn invalid_value_lists_the_valid_ones_in_vietnamese() {
        let text = clap_error_text(
            &error_for(&["kyso", "verify", "--format", "xls", "a.pdf"]),
            Lang::Vi,
        );
        assert!(
            text.contains("giá trị 'xls' không hợp lệ cho '--format <FORMAT>'"),
            "{text}"
        );
        assert!(text.contains("các giá trị hợp lệ: table"), "{text}");
    }

    #[test]
    fn missing_required_argument_and_conflicts_are_in_vietnamese() {
        let text = clap_error_text(&error_for(&["kyso", "sign"]), Lang::Vi);
        assert!(
            text.contains("thiếu các đối số bắt buộc sau: <PATH>"),
            "{text}"
        );
        let text = clap_error_text(
            &error_for(&["kyso", "sign", "-o", "x.pdf", "--out-dir", "d", "a.pdf"]),
            Lang::Vi,
        );
        assert!(text.contains("không thể dùng đối số"), "{text}");
    }

    #[test]
    fn value_validation_keeps_the_technical_reason() {
        let text = clap_error_text(
            &error_for(&["kyso", "sign", "--certify", "7", "a.pdf"]),
            Lang::Vi,
        );
        assert!(
            text.contains("giá trị '7' không hợp lệ cho '--certify <P>'"),
            "{text}"
        );
        assert!(text.contains("1..=3"), "{text}");
    }
}
