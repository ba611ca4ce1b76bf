//! Which language to speak: `--lang`, then `KYSO_LANG` (both through clap), then the locale.
//!
//! clap's own help and errors are written before clap has parsed anything, so
//! [`before_parsing`] finds the same choice by scanning the raw arguments first.

use std::ffi::OsString;

use clap::ValueEnum;

use crate::cli::Lang;

/// The explicit choice if there is one, otherwise Vietnamese when the locale says `vi_*`.
pub(crate) fn resolve(explicit: Option<Lang>) -> Lang {
    explicit.unwrap_or_else(|| {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()));
        from_locale(locale.as_deref())
    })
}

/// The language for clap's help and errors: `--lang vi` or `--lang=vi` in `args` (the last
/// one wins, as in clap), then `KYSO_LANG`, then the locale. A value clap will reject counts
/// as absent here; clap then reports it.
pub(crate) fn before_parsing(args: &[OsString]) -> Lang {
    let from_env = || {
        std::env::var("KYSO_LANG")
            .ok()
            .and_then(|value| parse(&value))
    };
    resolve(from_args(args).or_else(from_env))
}

fn from_args(args: &[OsString]) -> Option<Lang> {
    let mut found = None;
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let Some(arg) = arg.to_str() else { continue };
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            if let Some(value) = rest.next().and_then(|v| v.to_str()) {
                found = parse(value).or(found);
            }
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            found = parse(value).or(found);
        }
    }
    found
}

fn parse(value: &str) -> Option<Lang> {
    Lang::from_str(value, false).ok()
}

fn from_locale(locale: Option<&str>) -> Lang {
    match locale {
        Some(l) if l.starts_with("vi") => Lang::Vi,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::{from_args, from_locale, Lang};

    fn args(list: &[&str]) -> Vec<std::ffi::OsString> {
        list.iter().map(Into::into).collect()
    }

    #[test]
    fn vietnamese_locales_choose_vietnamese() {
        assert_eq!(from_locale(Some("vi_VN.UTF-8")), Lang::Vi);
        assert_eq!(from_locale(Some("vi")), Lang::Vi);
    }

    #[test]
    fn other_or_missing_locales_choose_english() {
        assert_eq!(from_locale(Some("en_US.UTF-8")), Lang::En);
        assert_eq!(from_locale(Some("C")), Lang::En);
        assert_eq!(from_locale(None), Lang::En);
    }

    #[test]
    fn the_lang_option_is_found_before_parsing() {
        assert_eq!(
            from_args(&args(&["kyso", "--lang", "vi", "sign"])),
            Some(Lang::Vi)
        );
        assert_eq!(
            from_args(&args(&["kyso", "sign", "--lang=vi"])),
            Some(Lang::Vi)
        );
        assert_eq!(
            from_args(&args(&["kyso", "--lang", "vi", "verify", "--lang", "en"])),
            Some(Lang::En)
        );
        assert_eq!(from_args(&args(&["kyso", "verify", "a.pdf"])), None);
        // Not an option after "--", and not a language clap would accept.
        assert_eq!(
            from_args(&args(&["kyso", "sign", "--", "--lang", "vi"])),
            None
        );
        assert_eq!(from_args(&args(&["kyso", "--lang", "fr"])), None);
        assert_eq!(from_args(&args(&["kyso", "--lang"])), None);
    }
}
