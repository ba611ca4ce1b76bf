//! The sign path's errors in the user's language.
//!
//! Library errors (`kyso_pdf::Error`, `kyso_keys::Error`) print in English through their
//! `Display`; here each condition a clerk meets is mapped to a catalogue row, so `--lang vi`
//! reads Vietnamese from the token prompt to the last result line. Conditions only a developer
//! can act on (a broken cross-reference table) get a Vietnamese heading with the English detail.
//! English output is left exactly as the libraries write it.

use crate::cli::Lang;
use crate::i18n::{self, Key};

/// The error and its causes, as one line in `lang`.
pub(crate) fn localize(err: &anyhow::Error, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("{err:#}");
    }
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = if let Some(pdf) = cause.downcast_ref::<kyso_pdf::Error>() {
            pdf_error(pdf, lang)
        } else if let Some(keys) = cause.downcast_ref::<kyso_keys::Error>() {
            keys_error(keys, lang)
        } else {
            cause.to_string()
        };
        // A library error's Display often repeats its source; keep each text once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        if cause.downcast_ref::<kyso_pdf::Error>().is_some()
            || cause.downcast_ref::<kyso_keys::Error>().is_some()
        {
            // The mapped text already says what the sources would.
            break;
        }
    }
    parts.join(": ")
}

/// `err` re-worded in `lang` (unchanged in English).
pub(crate) fn in_lang(err: anyhow::Error, lang: Lang) -> anyhow::Error {
    match lang {
        Lang::En => err,
        Lang::Vi => anyhow::anyhow!(localize(&err, lang)),
    }
}

fn pdf_error(err: &kyso_pdf::Error, lang: Lang) -> String {
    use kyso_pdf::Error as E;
    let detail = err.to_string();
    match err {
        E::NotPdf => i18n::text(Key::PdfNotPdf, lang).to_owned(),
        E::Encrypted => i18n::text(Key::PdfEncrypted, lang).to_owned(),
        E::StartXrefNotFound => i18n::text(Key::PdfTruncated, lang).to_owned(),
        E::PageOutOfRange { index, count } => i18n::format(
            Key::PdfPageMissing,
            lang,
            &[
                ("page", &index.saturating_add(1).to_string()),
                ("pages", &count.to_string()),
            ],
        ),
        E::FieldNotFound(name) => i18n::format(Key::PdfFieldNotFound, lang, &[("name", name)]),
        E::NotASignatureField(name) => {
            i18n::format(Key::PdfNotASignatureField, lang, &[("name", name)])
        }
        E::FieldAlreadySigned(name) => {
            i18n::format(Key::PdfFieldAlreadySigned, lang, &[("name", name)])
        }
        E::InvalidRequest(why) => i18n::format(Key::PdfRefused, lang, &[("detail", why)]),
        E::Appearance(inner) => {
            i18n::format(Key::PdfAppearance, lang, &[("detail", &inner.to_string())])
        }
        E::Io(inner) => i18n::format(Key::PdfUnreadable, lang, &[("detail", &inner.to_string())]),
        _ => i18n::format(Key::PdfMalformed, lang, &[("detail", &detail)]),
    }
}

fn keys_error(err: &kyso_keys::Error, lang: Lang) -> String {
    use kyso_keys::Error as E;
    match err {
        E::NoToken => i18n::text(Key::KeysNoToken, lang).to_owned(),
        E::WrongPin { token, tries } => {
            let tries = if tries.locked {
                i18n::text(Key::KeysPinNowLocked, lang)
            } else if tries.final_try {
                i18n::text(Key::KeysPinFinalTry, lang)
            } else if tries.count_low {
                i18n::text(Key::KeysPinCountLow, lang)
            } else {
                ""
            };
            i18n::format(
                Key::KeysWrongPin,
                lang,
                &[("token", token), ("tries", tries)],
            )
        }
        E::PinLocked { token } => i18n::format(Key::KeysPinLocked, lang, &[("token", token)]),
        E::PinRequired { token } => i18n::format(Key::KeysPinRequired, lang, &[("token", token)]),
        E::ModuleNotFound { path } => i18n::format(
            Key::KeysModuleNotFound,
            lang,
            &[("path", &path.display().to_string())],
        ),
        E::ModuleWrongArchitecture {
            path,
            module,
            process,
        } => i18n::format(
            Key::KeysModuleArchitecture,
            lang,
            &[
                ("path", &path.display().to_string()),
                ("module", module),
                ("process", process),
            ],
        ),
        E::PasswordRequired => i18n::text(Key::KeysPasswordRequired, lang).to_owned(),
        E::WrongPassword { .. } => i18n::text(Key::KeysWrongPassword, lang).to_owned(),
        other => i18n::format(Key::KeysOther, lang, &[("detail", &other.to_string())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_names_the_pdf_condition_and_keeps_context() {
        let err = anyhow::Error::new(kyso_pdf::Error::Encrypted).context("in.pdf");
        let text = localize(&err, Lang::Vi);
        assert!(text.starts_with("in.pdf: "), "{text}");
        assert!(text.contains("mã hóa"), "{text}");
    }

    #[test]
    fn english_is_left_as_the_libraries_write_it() {
        let err = anyhow::Error::new(kyso_pdf::Error::Encrypted).context("in.pdf");
        assert_eq!(
            localize(&err, Lang::En),
            "in.pdf: the document is encrypted"
        );
    }

    #[test]
    fn a_wrong_pin_says_how_many_tries_remain_in_vietnamese() {
        let err = anyhow::Error::new(kyso_keys::Error::WrongPin {
            token: "VNPT-CA".into(),
            tries: kyso_keys::PinTries {
                count_low: true,
                final_try: true,
                locked: false,
            },
        });
        let text = localize(&err, Lang::Vi);
        assert!(
            text.contains("Sai mã PIN") && text.contains("VNPT-CA"),
            "{text}"
        );
        assert!(text.contains("LẦN THỬ CUỐI"), "{text}");
    }

    #[test]
    fn unmapped_conditions_keep_their_english_detail_under_a_vietnamese_heading() {
        let err = anyhow::Error::new(kyso_pdf::Error::XrefLoop { offset: 42 });
        let text = localize(&err, Lang::Vi);
        assert!(
            text.contains("lỗi cấu trúc") && text.contains("42"),
            "{text}"
        );
    }
}
