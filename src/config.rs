//! The configuration file: named setups, so a clerk's daily command is short
//! (`kyso sign --as vanthu incoming/*.pdf`).
//!
//! Files, later ones overriding earlier ones field by field: `~/.config/kyso/config.toml`
//! (`$XDG_CONFIG_HOME/kyso/config.toml` when set), then the first `kyso.toml` found in the
//! current folder or a parent (the project's). `--config FILE` replaces both. Relative paths in
//! a file are relative to that file's folder; `~/` is the home folder.
//!
//! ```toml
//! default = "vanthu"          # the setup used without --as (optional)
//!
//! [setup.vanthu]              # the clerk: agency token, seal
//! profile = "issue"
//! pkcs11 = "/usr/lib/fptca_v4.so"
//! key-label = "UBND tinh"
//! pin-env = "TOKEN_PIN"
//! image = "con-dau.png"
//! seal-mm = 36
//! fill-blanks = true          # print --doc-number/--doc-date into the draft's blanks
//! tsa = ["http://tsa.example/tsr"]
//! ltv = true                  # PAdES B-LT: validation data in a DSS right after signing
//! ltv-cert = ["ca-trung-gian.pem"]
//! time-format = "dd.MM.yyyy HH:mm:ss zzz"
//!
//! [setup.lanhdao]             # the leader: personal token, signature image
//! profile = "approve"
//! pkcs11 = "/usr/lib/fptca_v4.so"
//! image = "chu-ky.png"
//! ```
//!
//! A setup only fills what the command line left unset: options given on the command line win,
//! and a setup's key source is used only when the command line names none.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::ValueEnum;
use serde::Deserialize;

use crate::cli::profile::{CopyType, Profile};
use crate::cli::sign::SignArgs;
use crate::cli::Lang;
use crate::i18n::{self, Key};

/// One configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// The setup used when `--as` is not given.
    default: Option<String>,
    /// Named setups.
    #[serde(default)]
    setup: BTreeMap<String, Setup>,
}

/// A named setup: the options a signer uses every day. Keys are the `kyso sign` option names.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Setup {
    profile: Option<String>,
    pkcs11: Option<PathBuf>,
    token: Option<String>,
    slot: Option<u64>,
    key_label: Option<String>,
    key_id: Option<String>,
    cert_sha256: Option<String>,
    pin_env: Option<String>,
    pin_file: Option<PathBuf>,
    p12: Option<PathBuf>,
    pass_env: Option<String>,
    pass_file: Option<PathBuf>,
    key: Option<PathBuf>,
    cert: Option<PathBuf>,
    chain: Option<Vec<PathBuf>>,
    image: Option<PathBuf>,
    font: Option<PathBuf>,
    seal_mm: Option<f64>,
    doc_number_field: Option<String>,
    doc_date_field: Option<String>,
    fill_blanks: Option<bool>,
    time_format: Option<String>,
    agency: Option<String>,
    copy_type: Option<String>,
    reason: Option<String>,
    location: Option<String>,
    tsa: Option<Vec<String>>,
    ltv: Option<bool>,
    ltv_cert: Option<Vec<PathBuf>>,
}

/// Copies every field that `over` sets into `base`.
macro_rules! overlay {
    ($base:expr, $over:expr, $($field:ident),+) => {
        $( if $over.$field.is_some() { $base.$field = $over.$field.clone(); } )+
    };
}

impl Setup {
    fn overlay(&mut self, over: &Setup) {
        overlay!(
            self,
            over,
            profile,
            pkcs11,
            token,
            slot,
            key_label,
            key_id,
            cert_sha256,
            pin_env,
            pin_file,
            p12,
            pass_env,
            pass_file,
            key,
            cert,
            chain,
            image,
            font,
            seal_mm,
            doc_number_field,
            doc_date_field,
            fill_blanks,
            time_format,
            agency,
            copy_type,
            reason,
            location,
            tsa,
            ltv,
            ltv_cert
        );
    }

    /// Resolves the setup's paths against `base` (its file's folder) and `~/`.
    fn resolve_paths(&mut self, base: &Path, home: Option<&Path>) {
        let fix = |p: &mut PathBuf| *p = resolve_path(p, base, home);
        for path in [
            &mut self.pkcs11,
            &mut self.pin_file,
            &mut self.p12,
            &mut self.pass_file,
            &mut self.key,
            &mut self.cert,
            &mut self.image,
            &mut self.font,
        ]
        .into_iter()
        .flatten()
        {
            fix(path);
        }
        for path in self
            .chain
            .iter_mut()
            .chain(self.ltv_cert.iter_mut())
            .flatten()
        {
            fix(path);
        }
    }
}

fn resolve_path(path: &Path, base: &Path, home: Option<&Path>) -> PathBuf {
    if let (Ok(rest), Some(home)) = (path.strip_prefix("~"), home) {
        return home.join(rest);
    }
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// The configuration files found, in the order they apply.
fn config_files(explicit: Option<&Path>) -> Vec<PathBuf> {
    if let Some(path) = explicit {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    let user_dir = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home_dir().map(|h| h.join(".config")));
    if let Some(dir) = user_dir {
        files.push(dir.join("kyso/config.toml"));
    }
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(project) = cwd
            .ancestors()
            .map(|d| d.join("kyso.toml"))
            .find(|p| p.is_file())
        {
            files.push(project);
        }
    }
    files
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The merged configuration.
#[derive(Debug, Default)]
struct Merged {
    files: Vec<PathBuf>,
    default: Option<String>,
    setups: BTreeMap<String, Setup>,
}

fn load(explicit: Option<&Path>, lang: Lang) -> anyhow::Result<Merged> {
    let mut merged = Merged::default();
    let home = home_dir();
    for path in config_files(explicit) {
        if explicit.is_none() && !path.is_file() {
            continue;
        }
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .with_context(|| i18n::format(Key::ConfigUnreadable, lang, &[("path", &shown)]))?;
        let file = parse(&text).map_err(|err| {
            anyhow::anyhow!(i18n::format(
                Key::ConfigInvalid,
                lang,
                &[("path", &shown), ("detail", &err.to_string())]
            ))
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if file.default.is_some() {
            merged.default = file.default;
        }
        for (name, mut setup) in file.setup {
            setup.resolve_paths(&base, home.as_deref());
            merged.setups.entry(name).or_default().overlay(&setup);
        }
        merged.files.push(path);
    }
    Ok(merged)
}

fn parse(text: &str) -> Result<ConfigFile, toml::de::Error> {
    toml::from_str(text)
}

/// Applies the chosen setup (`--as NAME`, else the configuration's `default`) to `args`:
/// unset options are filled from it. Without a setup to apply, `args` is left as it was.
pub(crate) fn apply(args: &mut SignArgs, lang: Lang) -> anyhow::Result<()> {
    let merged = load(args.profile.config.as_deref(), lang)?;
    let Some(name) = args
        .profile
        .setup
        .clone()
        .or_else(|| merged.default.clone())
    else {
        return Ok(());
    };
    let files = if merged.files.is_empty() {
        config_files(args.profile.config.as_deref())
    } else {
        merged.files.clone()
    };
    let shown: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    if merged.files.is_empty() {
        anyhow::bail!(i18n::format(
            Key::ConfigNoFile,
            lang,
            &[("name", &name), ("files", &shown.join(", "))]
        ));
    }
    let Some(setup) = merged.setups.get(&name) else {
        let known: Vec<&str> = merged.setups.keys().map(String::as_str).collect();
        anyhow::bail!(i18n::format(
            Key::ConfigSetupUnknown,
            lang,
            &[
                ("name", &name),
                ("files", &shown.join(", ")),
                ("known", &known.join(", "))
            ]
        ));
    };
    fill(args, setup, &name, lang)
}

fn fill(args: &mut SignArgs, setup: &Setup, name: &str, lang: Lang) -> anyhow::Result<()> {
    let key = &mut args.key;
    let names_a_key = key.pkcs11.is_some() || key.p12.is_some() || key.key.is_some();
    if !names_a_key {
        key.pkcs11.clone_from(&setup.pkcs11);
        key.p12.clone_from(&setup.p12);
        key.key.clone_from(&setup.key);
        key.cert.clone_from(&setup.cert);
    }
    fill_option(&mut key.token, &setup.token);
    fill_option(&mut key.slot, &setup.slot);
    fill_option(&mut key.key_label, &setup.key_label);
    fill_option(&mut key.key_id, &setup.key_id);
    fill_option(&mut key.cert_sha256, &setup.cert_sha256);
    let names_a_pin = key.pin_env.is_some() || key.pin_file.is_some() || key.pin_stdin;
    if !names_a_pin {
        key.pin_env.clone_from(&setup.pin_env);
        key.pin_file.clone_from(&setup.pin_file);
    }
    if key.pass_env.is_none() && key.pass_file.is_none() {
        key.pass_env.clone_from(&setup.pass_env);
        key.pass_file.clone_from(&setup.pass_file);
    }
    if key.chain.is_empty() {
        key.chain = setup.chain.clone().unwrap_or_default();
    }
    if args.tsa.tsa_urls.is_empty() {
        args.tsa.tsa_urls = setup.tsa.clone().unwrap_or_default();
    }
    if setup.ltv == Some(true) {
        args.ltv.ltv = true;
    }
    if args.ltv.evidence.ltv_cert.is_empty() {
        args.ltv.evidence.ltv_cert = setup.ltv_cert.clone().unwrap_or_default();
    }
    let pdf = &mut args.pdf;
    fill_option(&mut pdf.image, &setup.image);
    fill_option(&mut pdf.font, &setup.font);
    fill_option(&mut pdf.reason, &setup.reason);
    fill_option(&mut pdf.location, &setup.location);
    let profile = &mut args.profile;
    if profile.profile.is_none() {
        profile.profile = choice::<Profile>(name, "profile", setup.profile.as_deref(), lang)?;
    }
    // Role options apply only to the roles that use them, so one setup can serve several.
    let role = profile.profile;
    if role == Some(Profile::Issue) {
        fill_option(&mut profile.seal_mm, &setup.seal_mm);
        fill_option(&mut profile.doc_number_field, &setup.doc_number_field);
        fill_option(&mut profile.doc_date_field, &setup.doc_date_field);
        profile.fill_blanks |= setup.fill_blanks == Some(true);
    }
    if matches!(role, Some(Profile::Attach | Profile::Copy)) {
        fill_option(&mut profile.time_format, &setup.time_format);
    }
    if role == Some(Profile::Copy) {
        fill_option(&mut profile.agency, &setup.agency);
        if profile.copy_type.is_none() {
            profile.copy_type =
                choice::<CopyType>(name, "copy-type", setup.copy_type.as_deref(), lang)?;
        }
    }
    Ok(())
}

fn fill_option<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
    if slot.is_none() {
        slot.clone_from(value);
    }
}

/// A `ValueEnum` from its command-line spelling, or an error listing the choices.
fn choice<T: ValueEnum>(
    setup: &str,
    key: &str,
    value: Option<&str>,
    lang: Lang,
) -> anyhow::Result<Option<T>> {
    let Some(value) = value else {
        return Ok(None);
    };
    match T::from_str(value, true) {
        Ok(v) => Ok(Some(v)),
        Err(_) => {
            let choices: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
                .collect();
            anyhow::bail!(i18n::format(
                Key::ConfigBadValue,
                lang,
                &[
                    ("name", setup),
                    ("key", key),
                    ("value", value),
                    ("choices", &choices.join(", "))
                ]
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setups_parse_with_command_line_names() {
        let file = parse(
            "default = \"vanthu\"\n[setup.vanthu]\nprofile = \"issue\"\nkey-label = \"UBND\"\n\
             seal-mm = 36\ntsa = [\"http://tsa.example\"]\n",
        )
        .expect("valid configuration");
        assert_eq!(file.default.as_deref(), Some("vanthu"));
        let setup = file.setup.get("vanthu").expect("setup");
        assert_eq!(setup.key_label.as_deref(), Some("UBND"));
        assert_eq!(setup.seal_mm, Some(36.0));
    }

    #[test]
    fn issue_setups_carry_the_number_and_date_options() {
        let mut args = sign_args(&["kyso", "sign", "--profile", "issue", "x.pdf"]);
        let setup: Setup = toml::from_str(
            "doc-number-field = \"So\"\ndoc-date-field = \"Ngay\"\nfill-blanks = true\n",
        )
        .expect("parses");
        fill(&mut args, &setup, "vanthu", Lang::En).expect("fills");
        assert_eq!(args.profile.doc_number_field.as_deref(), Some("So"));
        assert_eq!(args.profile.doc_date_field.as_deref(), Some("Ngay"));
        assert!(args.profile.fill_blanks);
        let mut approve = sign_args(&["kyso", "sign", "--profile", "approve", "x.pdf"]);
        fill(&mut approve, &setup, "vanthu", Lang::En).expect("fills");
        assert!(
            !approve.profile.fill_blanks,
            "issue options stay with issue"
        );
    }

    #[test]
    fn unknown_keys_are_refused_rather_than_ignored() {
        assert!(parse("[setup.a]\nkey_lable = \"x\"\n").is_err());
        assert!(parse("colour = 1\n").is_err());
    }

    #[test]
    fn later_files_override_field_by_field() {
        let mut base = Setup {
            profile: Some("approve".into()),
            image: Some("a.png".into()),
            ..Setup::default()
        };
        base.overlay(&Setup {
            image: Some("b.png".into()),
            ..Setup::default()
        });
        assert_eq!(base.profile.as_deref(), Some("approve"));
        assert_eq!(base.image, Some(PathBuf::from("b.png")));
    }

    #[test]
    fn relative_and_home_paths_resolve_and_absolute_ones_stay() {
        let base = Path::new("/etc/kyso");
        let home = Some(Path::new("/home/vanthu"));
        assert_eq!(
            resolve_path(Path::new("seal.png"), base, home),
            PathBuf::from("/etc/kyso/seal.png")
        );
        assert_eq!(
            resolve_path(Path::new("~/seal.png"), base, home),
            PathBuf::from("/home/vanthu/seal.png")
        );
        assert_eq!(
            resolve_path(Path::new("/opt/seal.png"), base, home),
            PathBuf::from("/opt/seal.png")
        );
    }

    fn sign_args(argv: &[&str]) -> SignArgs {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(argv).expect("valid command line");
        match cli.command {
            crate::cli::Command::Sign(args) => *args,
            _ => panic!("not a sign command"),
        }
    }

    fn clerk() -> Setup {
        parse(
            "[setup.vanthu]\nprofile = \"issue\"\np12 = \"/etc/kyso/agency.p12\"\n\
             pass-env = \"P\"\nimage = \"/etc/kyso/seal.png\"\nseal-mm = 36\n\
             tsa = [\"http://tsa.example\"]\nltv = true\ntime-format = \"dd.MM.yyyy zzz\"\n",
        )
        .expect("valid")
        .setup
        .remove("vanthu")
        .expect("setup")
    }

    #[test]
    fn a_setup_fills_what_the_command_line_left_unset() {
        let mut args = sign_args(&["kyso", "sign", "in.pdf"]);
        fill(&mut args, &clerk(), "vanthu", Lang::En).expect("fills");
        assert_eq!(args.profile.profile, Some(Profile::Issue));
        assert_eq!(args.key.p12, Some(PathBuf::from("/etc/kyso/agency.p12")));
        assert_eq!(args.key.pass_env.as_deref(), Some("P"));
        assert_eq!(args.pdf.image, Some(PathBuf::from("/etc/kyso/seal.png")));
        assert_eq!(args.profile.seal_mm, Some(36.0));
        assert_eq!(args.tsa.tsa_urls, vec!["http://tsa.example".to_owned()]);
        assert!(args.ltv.ltv);
        // time-format belongs to attach and copy: not applied to an issue signature.
        assert_eq!(args.profile.time_format, None);
    }

    #[test]
    fn the_command_line_wins_over_a_setup() {
        let mut args = sign_args(&[
            "kyso",
            "sign",
            "--key",
            "me.key",
            "--cert",
            "me.pem",
            "--profile",
            "approve",
            "--image",
            "sig.png",
            "in.pdf",
        ]);
        fill(&mut args, &clerk(), "vanthu", Lang::En).expect("fills");
        assert_eq!(args.profile.profile, Some(Profile::Approve));
        assert_eq!(args.pdf.image, Some(PathBuf::from("sig.png")));
        assert_eq!(
            args.key.p12, None,
            "a key source on the command line excludes the setup's"
        );
        assert_eq!(args.profile.seal_mm, None, "seal-mm is for issue only");
    }

    #[test]
    fn choices_accept_cli_spellings_and_refuse_others() {
        assert_eq!(
            choice::<Profile>("a", "profile", Some("issue"), Lang::En).ok(),
            Some(Some(Profile::Issue))
        );
        assert_eq!(
            choice::<CopyType>("a", "copy-type", Some("sao-luc"), Lang::En).ok(),
            Some(Some(CopyType::SaoLuc))
        );
        assert!(choice::<Profile>("a", "profile", Some("seal"), Lang::Vi).is_err());
    }
}
