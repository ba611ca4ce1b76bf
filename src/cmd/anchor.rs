//! `--anchor TEXT`: finding printed text (the signer's name) on a page, and the box between it
//! and the line above it (the title) where the signature image goes.
//!
//! Glyphs come from [`kyso_pdf::text::page_glyphs`] in drawing order; here they are grouped
//! into lines, compared in NFC and case-insensitively (a name drawn as NFD, split over two
//! fonts, or in separate `Tj` pieces still matches), and the match must stand as whole words.
//! The extracted text is only compared, never hashed or written.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use kyso_pdf::text::TextGlyph;

/// Where an anchor was found.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AnchorHit {
    /// Zero-based page index.
    pub(crate) page_index: usize,
    /// The matched text's box `[x1 y1 x2 y2]` in default user space.
    pub(crate) bbox: [f64; 4],
    /// Bottom of the nearest text above the match that overlaps it horizontally (the title
    /// line); `None` when nothing is printed above it in its column.
    pub(crate) above: Option<f64>,
}

/// The outcome of a search that could not produce a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnchorMiss {
    /// The searched pages have text, but not this.
    NotFound,
    /// The searched pages have no text at all (a scan without OCR).
    NoText,
}

/// Finds `anchor` on page `page` (zero-based) if given, else on the last page that contains
/// it, searching backwards from the last page. On the chosen page the last occurrence in
/// reading order (top to bottom, then left to right) wins: the signer block comes after any
/// mention of the same name in the body.
pub(crate) fn find(
    doc: &kyso_pdf::Document<'_>,
    anchor: &str,
    page: Option<usize>,
) -> anyhow::Result<Result<AnchorHit, AnchorMiss>> {
    let needle = normalise(anchor);
    if needle.is_empty() {
        return Ok(Err(AnchorMiss::NotFound));
    }
    let pages: Vec<usize> = match page {
        Some(p) => vec![p],
        None => (0..doc.page_count()?).rev().collect(),
    };
    let mut any_text = false;
    let mut unreadable: Option<kyso_pdf::Error> = None;
    for page_index in pages {
        // A page whose content cannot be read does not hide the name on another page; its
        // error is reported only if the name is found nowhere.
        let glyphs = match kyso_pdf::text::page_glyphs(doc, page_index) {
            Ok(glyphs) => glyphs,
            Err(err) => {
                unreadable.get_or_insert(err);
                continue;
            }
        };
        any_text |= glyphs.iter().any(|g| !g.text.trim().is_empty());
        if let Some(bbox) = last_match(&glyphs, &needle) {
            let above = nearest_above(&glyphs, bbox);
            return Ok(Ok(AnchorHit {
                page_index,
                bbox,
                above,
            }));
        }
    }
    if let Some(err) = unreadable {
        return Err(err.into());
    }
    Ok(Err(if any_text {
        AnchorMiss::NotFound
    } else {
        AnchorMiss::NoText
    }))
}

/// The box of a signature image of natural size `natural` (points) and `aspect` (width over
/// height) for `hit`: centred horizontally on the anchor, centred vertically in the free space
/// between the anchor's top and the text above it, as tall as its natural size allows but
/// never taller than that space (less a small margin). Without text above, the space is
/// [`DEFAULT_GAP`] points.
pub(crate) fn signature_box(hit: &AnchorHit, natural: (f64, f64), aspect: f64) -> [f64; 4] {
    const MARGIN: f64 = 2.0;
    let [x1, _, x2, top] = hit.bbox;
    let gap = hit
        .above
        .map(|above| above - top)
        .filter(|g| *g > 4.0 * MARGIN)
        .unwrap_or(DEFAULT_GAP);
    let aspect = if aspect.is_finite() && aspect > 0.0 {
        aspect
    } else {
        1.0
    };
    let height = natural.1.min(gap - 2.0 * MARGIN).max(1.0);
    let width = height * aspect;
    let cx = (x1 + x2) / 2.0;
    let cy = top + gap / 2.0;
    [
        cx - width / 2.0,
        cy - height / 2.0,
        cx + width / 2.0,
        cy + height / 2.0,
    ]
}

/// Space assumed for the signature when nothing is printed above the anchor: the five empty
/// lines of 14 pt that Decree 30 layouts leave between title and name.
pub(crate) const DEFAULT_GAP: f64 = 80.0;

/// NFC, lower case, runs of white space as one space, trimmed.
fn normalise(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.nfc().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            if out.last().is_some_and(|l| *l != ' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    out
}

/// One character of a line: the glyph it came from (`None` for a space inferred from a gap).
type LineChar = (char, Option<usize>);

/// The box of the last whole-word occurrence of `needle` in reading order.
fn last_match(glyphs: &[TextGlyph], needle: &[char]) -> Option<[f64; 4]> {
    let mut found = None;
    for line in lines(glyphs) {
        let chars = line_chars(glyphs, &line);
        let Some(len) = needle.len().checked_sub(1) else {
            continue;
        };
        let mut start = 0;
        while let Some(window) = chars.get(start..=start + len) {
            let same = window.iter().map(|(c, _)| c).eq(needle.iter());
            let before = start
                .checked_sub(1)
                .and_then(|i| chars.get(i))
                .is_some_and(|(c, _)| c.is_alphanumeric());
            let after = chars
                .get(start + len + 1)
                .is_some_and(|(c, _)| c.is_alphanumeric());
            if same && !before && !after {
                found = union(
                    window
                        .iter()
                        .filter_map(|(_, g)| *g)
                        .filter_map(|i| glyphs.get(i)),
                );
            }
            start += 1;
        }
    }
    found
}

fn union<'a>(glyphs: impl Iterator<Item = &'a TextGlyph>) -> Option<[f64; 4]> {
    glyphs.fold(None, |acc: Option<[f64; 4]>, g| {
        let b = g.bbox;
        Some(match acc {
            None => b,
            Some(a) => [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ],
        })
    })
}

/// Glyph indices grouped into lines, top to bottom, each left to right. Glyphs share a line
/// when their baselines are within half the smaller font size.
fn lines(glyphs: &[TextGlyph]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    let y = |i: usize| glyphs.get(i).map_or(0.0, |g| g.origin[1]);
    let x = |i: usize| glyphs.get(i).map_or(0.0, |g| g.origin[0]);
    let size = |i: usize| glyphs.get(i).map_or(1.0, |g| g.size.max(1.0));
    order.sort_by(|a, b| y(*b).total_cmp(&y(*a)));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut line_y = f64::NAN;
    let mut line_size = 0.0;
    for i in order {
        let tolerance = size(i).min(line_size) / 2.0;
        match out.last_mut() {
            Some(line) if (y(i) - line_y).abs() <= tolerance => line.push(i),
            _ => {
                out.push(vec![i]);
                line_y = y(i);
                line_size = size(i);
            }
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| x(*a).total_cmp(&x(*b)));
    }
    out
}

/// A line's normalised characters. A gap wider than a quarter of the font size reads as a
/// space, one wider than three sizes (another column) as a separator no anchor can match; a
/// glyph that is only combining marks joins the glyph before it before NFC.
fn line_chars(glyphs: &[TextGlyph], line: &[usize]) -> Vec<LineChar> {
    const COLUMN_BREAK: char = '\u{1F}';
    // Merge combining-mark glyphs into their base first.
    let mut pieces: Vec<(String, usize)> = Vec::new();
    for &i in line {
        let Some(g) = glyphs.get(i) else { continue };
        let marks_only = !g.text.is_empty() && g.text.chars().all(is_combining_mark);
        match pieces.last_mut() {
            Some((text, _)) if marks_only => text.push_str(&g.text),
            _ => pieces.push((g.text.clone(), i)),
        }
    }
    let mut out: Vec<LineChar> = Vec::new();
    let mut previous: Option<&TextGlyph> = None;
    for (text, i) in &pieces {
        let Some(g) = glyphs.get(*i) else { continue };
        if let Some(p) = previous {
            let gap = g.bbox[0] - p.bbox[2];
            let size = g.size.min(p.size).max(1.0);
            if gap > 3.0 * size {
                out.push((COLUMN_BREAK, None));
            } else if gap > 0.25 * size && out.last().is_some_and(|(c, _)| *c != ' ') {
                out.push((' ', None));
            }
        }
        for c in text.nfc().flat_map(char::to_lowercase) {
            if c.is_whitespace() {
                if out.last().is_some_and(|(l, _)| *l != ' ') {
                    out.push((' ', Some(*i)));
                }
            } else {
                out.push((c, Some(*i)));
            }
        }
        previous = Some(g);
    }
    out
}

/// Bottom of the nearest text above `bbox` that overlaps it horizontally.
fn nearest_above(glyphs: &[TextGlyph], bbox: [f64; 4]) -> Option<f64> {
    let [x1, _, x2, top] = bbox;
    glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .filter(|g| g.bbox[2] > x1 && g.bbox[0] < x2 && g.origin[1] > top)
        .map(|g| g.bbox[1])
        .fold(None, |acc: Option<f64>, y| {
            Some(acc.map_or(y, |a| a.min(y)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` at 10 pt, 6 pt apart, starting at (x, y).
    fn word(text: &str, x: f64, y: f64) -> Vec<TextGlyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let gx = x + 6.0 * i as f64;
                TextGlyph {
                    text: c.to_string(),
                    bbox: [gx, y - 2.0, gx + 6.0, y + 8.0],
                    origin: [gx, y],
                    size: 10.0,
                }
            })
            .collect()
    }

    #[test]
    fn nfd_text_in_two_pieces_matches_an_nfc_anchor() {
        // "Nguyễn" drawn as "Nguy" then "e" + two combining marks as separate glyphs, then "n".
        let mut glyphs = word("Nguy", 100.0, 500.0);
        glyphs.extend(word("e", 124.0, 500.0));
        glyphs.push(TextGlyph {
            text: "\u{302}\u{303}".into(),
            bbox: [124.0, 498.0, 130.0, 508.0],
            origin: [124.0, 500.0],
            size: 10.0,
        });
        glyphs.extend(word("n", 130.0, 500.0));
        glyphs.extend(word("Văn", 142.0, 500.0));
        let hit = last_match(&glyphs, &normalise("NGUYỄN văn")).expect("found");
        assert_eq!(hit, [100.0, 498.0, 160.0, 508.0]);
    }

    #[test]
    fn partial_words_and_other_names_do_not_match() {
        let glyphs = word("Trần Quang Huyền", 100.0, 500.0);
        assert_eq!(last_match(&glyphs, &normalise("Trần Quang Huy")), None);
        assert_eq!(last_match(&glyphs, &normalise("Lê Quốc Dũng")), None);
    }

    #[test]
    fn the_last_occurrence_in_reading_order_wins_and_its_title_is_found() {
        let mut glyphs = word("ông Lê An, Phó Giám đốc", 80.0, 700.0);
        glyphs.extend(word("PHÓ GIÁM ĐỐC", 380.0, 600.0));
        glyphs.extend(word("Nơi nhận:", 80.0, 600.0));
        glyphs.extend(word("Lê An", 390.0, 520.0));
        let hit = last_match(&glyphs, &normalise("Lê An")).expect("found");
        assert_eq!(hit[1], 518.0);
        assert_eq!(nearest_above(&glyphs, hit), Some(598.0));
    }

    #[test]
    fn columns_far_apart_do_not_join_into_one_anchor() {
        let mut glyphs = word("Lê", 80.0, 500.0);
        glyphs.extend(word("An", 400.0, 500.0));
        assert_eq!(last_match(&glyphs, &normalise("Lê An")), None);
        assert!(last_match(&glyphs, &normalise("An")).is_some());
    }

    #[test]
    fn the_image_is_centred_between_title_and_name_and_shrinks_to_fit() {
        let hit = AnchorHit {
            page_index: 0,
            bbox: [400.0, 500.0, 480.0, 518.0],
            above: Some(598.0),
        };
        let [x1, y1, x2, y2] = signature_box(&hit, (240.0, 120.0), 2.0);
        assert!((x1 + x2 - 880.0).abs() < 1e-9, "centred on the name");
        assert!(
            (y1 + y2 - (518.0 + 598.0)).abs() < 1e-9,
            "centred in the gap"
        );
        assert!(
            y2 - y1 <= 76.0 && y1 > 518.0 && y2 < 598.0,
            "inside the gap"
        );
        assert!(((x2 - x1) / (y2 - y1) - 2.0).abs() < 1e-9, "aspect kept");
        let small = signature_box(&hit, (40.0, 20.0), 2.0);
        assert!((small[3] - small[1] - 20.0).abs() < 1e-9, "never enlarged");
    }

    #[test]
    fn an_empty_anchor_matches_nothing() {
        let glyphs = word("Lê An", 80.0, 500.0);
        assert_eq!(last_match(&glyphs, &normalise("  ")), None);
    }
}
