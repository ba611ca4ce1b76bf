//! Which language to speak: `--lang`, then `KYSO_LANG` (both through clap), then the locale.

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

fn from_locale(locale: Option<&str>) -> Lang {
    match locale {
        Some(l) if l.starts_with("vi") => Lang::Vi,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::{from_locale, Lang};

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
}
