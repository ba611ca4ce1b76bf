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

/// A `kyso` command with no language chosen by the environment: no `KYSO_LANG`, no locale.
fn kyso_without_language(dir: &Dir) -> crate::util::TestCommand {
    let mut cmd = dir.kyso();
    cmd.cmd
        .env_remove("KYSO_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    cmd
}

fn stderr_text(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

#[test]
fn sign_help_is_vietnamese_with_lang_vi() {
    let dir = Dir::new("help-vi");
    let help = kyso_without_language(&dir)
        .args(["--lang", "vi", "sign", "--help"])
        .stdout();
    for expected in [
        // clap's own words, the usage line's placeholders too
        "Cách dùng: kyso sign [TÙY CHỌN] [PATH]...",
        "\nĐối số:\n",
        "\nTùy chọn:\n",
        "In trợ giúp",
        "In số phiên bản",
        // the section headings, the command's long help with its examples, argument help
        "\nNguồn khóa ký:\n",
        "\nChữ ký PDF:\n",
        "Ký văn bản PDF hoặc XML, từng tệp hoặc cả loạt",
        "Ví dụ:\n  kyso sign --p12 me.p12",
        "Thư mục ghi các tệp đã ký, giữ nguyên tên tệp đầu vào",
        "Đọc mã PIN của token từ biến môi trường này",
        // value-enum help and clap's "[default: …]"
        "- approve: Người có thẩm quyền ký duyệt",
        "[mặc định: ETSI.CAdES.detached]",
    ] {
        assert!(help.contains(expected), "missing {expected:?} in:\n{help}");
    }
    for english in [
        "Usage:",
        "[OPTIONS]",
        "Options:",
        "Arguments:",
        "Print help",
        "Examples:",
        "Possible values:",
        "[default:",
        "Key source",
        "Directory to write signed files into",
    ] {
        assert!(!help.contains(english), "English {english:?} in:\n{help}");
    }
}

#[test]
fn a_vietnamese_locale_gives_vietnamese_help() {
    let dir = Dir::new("help-locale");
    let help = kyso_without_language(&dir)
        .env("LANG", "vi_VN.UTF-8")
        .arg("--help")
        .stdout();
    assert!(help.contains("Cách dùng: kyso [TÙY CHỌN] <LỆNH>"), "{help}");
    assert!(help.contains("\nLệnh:\n"), "{help}");
    assert!(
        help.contains("Kiểm tra mọi chữ ký trong văn bản PDF và XML"),
        "{help}"
    );
    assert!(
        !help.contains("Usage:") && !help.contains("Commands:"),
        "{help}"
    );
}

#[test]
fn english_stays_the_default_under_the_c_locale() {
    let dir = Dir::new("help-c");
    let help = kyso_without_language(&dir)
        .env("LANG", "C")
        .arg("--help")
        .stdout();
    assert!(help.contains("Usage: kyso"), "{help}");
    assert!(
        help.contains("Commands:") && help.contains("Options:"),
        "{help}"
    );
    assert!(!help.contains("Cách dùng"), "{help}");
    // --lang wins over a Vietnamese KYSO_LANG, for the help as for everything else.
    let help = kyso_without_language(&dir)
        .env("KYSO_LANG", "vi")
        .args(["--lang", "en", "verify", "--help"])
        .stdout();
    assert!(help.contains("Usage: kyso verify"), "{help}");
}

#[test]
fn verify_errors_are_one_vietnamese_line_with_kyso_lang_vi() {
    let dir = Dir::new("verify-vi");
    let out = kyso_without_language(&dir)
        .env("KYSO_LANG", "vi")
        .args(["verify", "/nonexistent.pdf"])
        .assert_code(2);
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("/nonexistent.pdf") && l.contains("lỗi"))
        .collect();
    assert_eq!(errors.len(), 1, "{stdout}");
    assert_eq!(
        errors[0].trim(),
        "lỗi: /nonexistent.pdf: không mở được tệp: không có tệp hoặc thư mục này",
        "{stdout}"
    );
    assert!(stdout.contains("1 tệp, 0 chữ ký"), "{stdout}");
    for english in [
        "error",
        "cannot open",
        "No such file",
        "files,",
        "signatures:",
    ] {
        assert!(
            !stdout.contains(english),
            "English {english:?} in:\n{stdout}"
        );
    }
}

#[test]
fn usage_errors_are_vietnamese_and_exit_2() {
    let dir = Dir::new("usage-vi");
    let out = kyso_without_language(&dir)
        .args(["--lang", "vi", "sign", "--bogus", "a.pdf"])
        .assert_code(2);
    let stderr = stderr_text(&out);
    assert!(
        stderr.starts_with("lỗi: không nhận ra đối số '--bogus'"),
        "{stderr}"
    );
    assert!(stderr.contains("Cách dùng: kyso sign"), "{stderr}");
    assert!(
        !stderr.contains("error:") && !stderr.contains("Usage:"),
        "{stderr}"
    );

    // An invalid value, chosen in Vietnamese by the environment alone.
    let out = kyso_without_language(&dir)
        .env("KYSO_LANG", "vi")
        .args(["verify", "--format", "xls", "a.pdf"])
        .assert_code(2);
    let stderr = stderr_text(&out);
    assert!(
        stderr.starts_with("lỗi: giá trị 'xls' không hợp lệ cho '--format <FORMAT>'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("các giá trị hợp lệ: table, json"),
        "{stderr}"
    );

    // English keeps clap's own wording.
    let out = kyso_without_language(&dir)
        .args(["sign", "--bogus", "a.pdf"])
        .assert_code(2);
    assert!(
        stderr_text(&out).starts_with("error: unexpected argument '--bogus'"),
        "{}",
        stderr_text(&out)
    );
}

/// Every error message the commands raise comes from the catalogue (src/i18n.rs), so that it
/// has a Vietnamese text: no English literal in `bail!`, `anyhow!`, `.context(`,
/// `.with_context(`, `.map_err(` or `Err(`. Calls that go through the catalogue (`Key::…`) may hold literals: they
/// are placeholder names.
#[test]
fn command_errors_come_from_the_catalogue() {
    // (file, literal): kept in English on purpose.
    const ALLOWED: &[(&str, &str)] = &[
        // `kyso generate man` is hidden: a developer's tool that writes the English man pages.
        ("src/cmd/generate.rs", "creating {}"),
        ("src/cmd/generate.rs", "writing {}"),
        ("src/cmd/generate.rs", "rendering man page"),
        // The label printed on Vietnamese documents, searched for on the page: not a message.
        ("src/cmd/profile.rs", "Số:"),
    ];
    let root = repo_root();
    let mut files = vec![
        root.join("src/input.rs"),
        root.join("src/output.rs"),
        root.join("src/config.rs"),
    ];
    collect_rust_files(&root.join("src/cmd"), &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        // Unit tests (at the end of a file) may build errors as they like.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let name = file
            .strip_prefix(&root)
            .expect("under the repository")
            .to_string_lossy()
            .replace('\\', "/");
        for call in [
            "bail!(",
            "anyhow!(",
            ".context(",
            "with_context(",
            "map_err(",
            "ok_or_else(",
            "Err(",
        ] {
            for (offset, _) in code.match_indices(call) {
                let args = call_arguments(&code[offset + call.len()..]);
                if args.contains("Key::") {
                    continue;
                }
                for literal in string_literals(args) {
                    let words = without_placeholders(&literal);
                    if !words.chars().any(|c| c.is_ascii_alphabetic()) {
                        continue;
                    }
                    // Option names ("--doc-number / --doc-date") are not translated.
                    if literal
                        .split_whitespace()
                        .all(|word| word.starts_with("--") || word == "/")
                    {
                        continue;
                    }
                    if ALLOWED.contains(&(name.as_str(), literal.as_str())) {
                        continue;
                    }
                    let line = code[..offset].lines().count();
                    found.push(format!("{name}:{line}: {call}{literal:?}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "English messages outside the catalogue (add rows to src/i18n.rs and use them):\n  {}",
        found.join("\n  ")
    );
    // The allow-list stays honest: each entry is still in its file.
    for (file, literal) in ALLOWED {
        let text = std::fs::read_to_string(root.join(file)).expect("read allowed file");
        assert!(
            text.contains(&format!("{literal:?}")),
            "stale allow-list entry {file}: {literal:?}"
        );
    }
}

fn collect_rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text up to the parenthesis closing a call whose `(` was just consumed.
fn call_arguments(rest: &str) -> &str {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &rest[..i];
                }
            }
            _ => {}
        }
    }
    rest
}

/// The contents of the `"…"` literals in `code` (escapes kept as written).
fn string_literals(code: &str) -> Vec<String> {
    let mut literals = Vec::new();
    let mut current: Option<String> = None;
    let mut escaped = false;
    for c in code.chars() {
        match current.as_mut() {
            None if c == '"' => current = Some(String::new()),
            None => {}
            Some(text) => {
                if escaped {
                    escaped = false;
                    text.push(c);
                } else if c == '\\' {
                    escaped = true;
                    text.push(c);
                } else if c == '"' {
                    literals.extend(current.take());
                } else {
                    text.push(c);
                }
            }
        }
    }
    literals
}

/// `literal` without its `{…}` format placeholders.
fn without_placeholders(literal: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in literal.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_audit_finds_literals_in_calls() {
    let code = r#"anyhow::bail!("no {what} given", x); rest)"#;
    let args = call_arguments(&code["anyhow::bail!(".len()..]);
    assert_eq!(args, r#""no {what} given", x"#);
    assert_eq!(string_literals(args), vec!["no {what} given".to_owned()]);
    assert_eq!(without_placeholders("{path}: {}"), ": ");
    assert_eq!(
        string_literals(r#"format!("a \"b\" c", d)"#),
        vec![r#"a \"b\" c"#.to_owned()]
    );
}
