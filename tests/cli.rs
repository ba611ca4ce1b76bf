//! The CLI definition itself: clap's consistency checks, help-text rules, generated man pages.

use crate::util::{repo_root, Dir};

#[test]
fn man_pages_are_up_to_date() {
    let dir = Dir::new("man");
    let generated = dir.join("man");
    dir.kyso()
        .arg("generate")
        .arg("man")
        .arg(&generated)
        .stdout();
    let committed = repo_root().join("man");
    let mut names: Vec<_> = std::fs::read_dir(&generated)
        .expect("read generated man dir")
        .map(|e| e.expect("dir entry").file_name())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no man pages generated");
    for name in &names {
        let fresh = std::fs::read(generated.join(name)).expect("read generated page");
        let old = std::fs::read(committed.join(name)).unwrap_or_default();
        assert!(
            fresh == old,
            "man/{} is out of date: run `cargo run -- generate man man`",
            name.to_string_lossy()
        );
    }
    let committed_count = std::fs::read_dir(&committed)
        .map(|d| d.count())
        .unwrap_or_default();
    assert_eq!(
        committed_count,
        names.len(),
        "man/ holds pages for commands that no longer exist: run `rm man/*.1 && cargo run -- generate man man`"
    );
}

#[test]
fn help_first_lines_have_no_trailing_period() {
    let help = Dir::new("help").kyso().arg("--help").stdout();
    for line in help
        .lines()
        .filter(|l| l.starts_with("  ") && !l.trim().is_empty())
    {
        assert!(
            !line.trim_end().ends_with('.'),
            "help line ends with a period: {line:?}"
        );
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = Dir::new("usage").kyso().arg("frobnicate").assert_code(2);
    assert!(!out.stderr.is_empty());
}

#[test]
fn every_subcommand_has_an_example() {
    // sq's rule: every leaf subcommand documents at least one example in its long help.
    let dir = Dir::new("examples");
    for sub in [
        &["sign"][..],
        &["verify"],
        &["timestamp"],
        &["ltv"],
        &["token", "list"],
        &["token", "certs"],
        &["chain", "validate"],
        &["trust", "install"],
        &["trust", "list"],
    ] {
        let help = dir.kyso().args(sub).arg("--help").stdout();
        let example = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("Example"))
            .map(|l| {
                let l = l.trim_start();
                l.strip_prefix("Examples:")
                    .or_else(|| l.strip_prefix("Example:"))
                    .unwrap_or(l)
                    .trim_start()
            })
            .any(|l| l.starts_with(&format!("kyso {}", sub[0])));
        assert!(
            example,
            "`kyso {}` has no example in its help:\n{help}",
            sub.join(" ")
        );
        assert!(
            help.contains("kyso "),
            "`kyso {}` has no example in its help",
            sub.join(" ")
        );
    }
}
