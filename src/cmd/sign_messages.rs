//! The sign path's errors in the user's language.
//!
//! Library errors (`kyso_pdf::Error`, `kyso_keys::Error`) print in English through their
//! `Display`; [`i18n::error_chain`] maps each condition a clerk meets to a catalogue row, so
//! `--lang vi` reads Vietnamese from the token prompt to the last result line. Conditions only a
//! developer can act on (a broken cross-reference table) get a Vietnamese heading with the
//! English detail. English output is left exactly as the libraries write it. (`main` renders
//! every other command's errors through the same function.)

use crate::cli::Lang;
use crate::i18n;

/// The error and its causes, as one line in `lang` (see [`i18n::error_chain`]).
pub(crate) fn localize(err: &anyhow::Error, lang: Lang) -> String {
    i18n::error_chain(err, lang)
}

/// `err` re-worded in `lang` (unchanged in English).
pub(crate) fn in_lang(err: anyhow::Error, lang: Lang) -> anyhow::Error {
    match lang {
        Lang::En => err,
        Lang::Vi => anyhow::anyhow!(localize(&err, lang)),
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
