//! From text to glyphs: one glyph per character, with decomposed sequences drawn through the
//! font's precomposed glyphs.
//!
//! Vietnamese text reaches us in NFC ("ễ" = U+1EC5) or NFD ("e" + U+0302 + U+0303); both
//! occur in certificates and user input. Stacking combining marks with their advances alone
//! (no GPOS) draws them badly, so a base character followed by combining marks is drawn as
//! its canonical composition when the font has every glyph of it; otherwise the characters
//! are drawn as given. Nothing else in the text is changed. There is no kerning and no
//! complex shaping: the signature lines are Latin-script text.

use ttf_parser::{Face, GlyphId};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::font::{advance, glyph_of, Font};
use super::AppearanceError;

/// One glyph to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShapedGlyph {
    /// Glyph id in the original font.
    pub(crate) gid: GlyphId,
    /// Horizontal advance in font units.
    pub(crate) advance: u16,
    /// The character(s) the glyph stands for.
    pub(crate) text: String,
    /// A space: a place where a line may wrap, dropped at the start and end of a wrapped line.
    pub(crate) is_space: bool,
    /// A combining mark drawn on its own glyph: never separated from the glyph before it.
    pub(crate) joins_previous: bool,
}

/// Maps one line of text to glyphs of `font`.
///
/// Fails with [`AppearanceError::MissingGlyph`] naming the first character the font cannot
/// draw (neither as given nor through a precomposed form).
pub(crate) fn shape_line(
    font: &Font,
    face: &Face<'_>,
    line: &str,
) -> Result<Vec<ShapedGlyph>, AppearanceError> {
    let mut glyphs = Vec::with_capacity(line.len());
    let mut cluster = String::new();
    for c in line.chars() {
        if !cluster.is_empty() && !is_combining_mark(c) {
            shape_cluster(font, face, &cluster, &mut glyphs)?;
            cluster.clear();
        }
        cluster.push(c);
    }
    if !cluster.is_empty() {
        shape_cluster(font, face, &cluster, &mut glyphs)?;
    }
    Ok(glyphs)
}

/// Shapes a base character and the combining marks after it.
fn shape_cluster(
    font: &Font,
    face: &Face<'_>,
    cluster: &str,
    out: &mut Vec<ShapedGlyph>,
) -> Result<(), AppearanceError> {
    let has_marks = cluster.chars().nth(1).is_some();
    if has_marks {
        let composed: String = cluster.nfc().collect();
        if composed != cluster && composed.chars().all(|c| glyph_of(face, c).is_some()) {
            push_chars(face, &composed, out);
            return Ok(());
        }
    }
    if let Some(missing) = cluster.chars().find(|c| glyph_of(face, *c).is_none()) {
        return Err(AppearanceError::MissingGlyph {
            character: missing,
            font: font.name().to_owned(),
        });
    }
    push_chars(face, cluster, out);
    Ok(())
}

/// Pushes one glyph per character of `text`; every character has a glyph (checked above).
fn push_chars(face: &Face<'_>, text: &str, out: &mut Vec<ShapedGlyph>) {
    for c in text.chars() {
        if let Some(gid) = glyph_of(face, c) {
            out.push(ShapedGlyph {
                gid,
                advance: advance(face, gid),
                text: c.to_string(),
                is_space: c == ' ',
                joins_previous: is_combining_mark(c),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    fn dejavu() -> Option<Font> {
        let bytes = std::fs::read(DEJAVU).ok()?;
        Font::from_bytes(Arc::from(bytes)).ok()
    }

    fn texts(glyphs: &[ShapedGlyph]) -> String {
        glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn draws_nfd_vietnamese_through_precomposed_glyphs() {
        let Some(font) = dejavu() else {
            return eprintln!("skipped: {DEJAVU} not installed");
        };
        let face = font.face().expect("face");
        let nfd = "Nguye\u{302}\u{303}n Va\u{306}n An";
        let glyphs = shape_line(&font, &face, nfd).expect("shapes");
        assert_eq!(texts(&glyphs), "Nguyễn Văn An");
        let nfc = shape_line(&font, &face, "Nguyễn Văn An").expect("shapes");
        assert_eq!(glyphs, nfc);
    }

    #[test]
    fn composes_marks_given_out_of_canonical_order() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        // "ậ" written as a + circumflex + dot below (canonical order puts the dot first).
        let glyphs = shape_line(&font, &face, "a\u{302}\u{323}").expect("shapes");
        assert_eq!(texts(&glyphs), "ậ");
    }

    #[test]
    fn keeps_marks_without_a_precomposed_form_as_their_own_glyphs() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        // q + combining tilde has no precomposed character.
        let glyphs = shape_line(&font, &face, "q\u{303}").expect("shapes");
        assert_eq!(glyphs.len(), 2);
        assert!(glyphs.get(1).is_some_and(|g| g.joins_previous));
        assert_eq!(texts(&glyphs), "q\u{303}");
    }

    #[test]
    fn leaves_precomposed_and_compatibility_characters_alone() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        // U+212B ANGSTROM SIGN has a canonical singleton decomposition; it is not a
        // combining sequence, so it stays as given.
        let glyphs = shape_line(&font, &face, "\u{212B}ǅ").expect("shapes");
        assert_eq!(texts(&glyphs), "\u{212B}ǅ");
    }

    #[test]
    fn rejects_a_character_missing_from_the_font_by_name() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        let err = shape_line(&font, &face, "Ký: 署名").expect_err("must be refused");
        match err {
            AppearanceError::MissingGlyph { character, font } => {
                assert_eq!(character, '署');
                assert_eq!(font, "DejaVuSans");
            }
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn rejects_a_control_character() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        let err = shape_line(&font, &face, "a\u{7}b").expect_err("must be refused");
        assert!(matches!(
            err,
            AppearanceError::MissingGlyph {
                character: '\u{7}',
                ..
            }
        ));
    }

    #[test]
    fn marks_spaces_as_break_opportunities() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        let glyphs = shape_line(&font, &face, "a b").expect("shapes");
        let spaces: Vec<bool> = glyphs.iter().map(|g| g.is_space).collect();
        assert_eq!(spaces, [false, true, false]);
    }
}
