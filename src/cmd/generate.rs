//! `kyso generate`: files generated from the CLI definition (man pages).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, GenerateCommand};

pub(crate) fn run(command: GenerateCommand) -> anyhow::Result<ExitCode> {
    match command {
        GenerateCommand::Man { dir } => {
            write_man_pages(&dir)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes `kyso.1` and one page per (nested) subcommand, `kyso-sign.1`, `kyso-token-list.1`, …
pub(crate) fn write_man_pages(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let command = Cli::command();
    for (name, page) in man_pages(command)? {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Renders every man page as (file stem, roff text), skipping hidden commands.
pub(crate) fn man_pages(command: clap::Command) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut pages = Vec::new();
    collect(command.name("kyso"), "kyso".to_owned(), &mut pages)?;
    Ok(pages)
}

fn collect(
    command: clap::Command,
    stem: String,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> anyhow::Result<()> {
    let mut command = command;
    command.build();
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command.clone().name(stem.clone()))
        .render(&mut buffer)
        .context("rendering man page")?;
    pages.push((stem.clone(), buffer));
    for sub in command.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        collect(sub.clone(), format!("{stem}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}
