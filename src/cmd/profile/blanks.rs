//! `--fill-blanks`: the blanks a draft leaves for the number and the date of issue.
//!
//! A Decree 30 draft is approved with its number and date left empty — `Số:       /QĐ-UBND`
//! and `Lam Giang, ngày    tháng    năm 2026` — and the clerk fills them when issuing. Here the
//! blanks are found in page 1's text: the lines are grouped from the glyphs of
//! [`kyso_pdf::text::page_glyphs`] and split into words at white space and at gaps, and a blank
//! is the empty space between the words around it. Only the geometry is found here; what is
//! printed where is the caller's decision.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use kyso_pdf::text::TextGlyph;

/// A gap between glyphs wider than this many font sizes separates words.
const WORD_GAP: f64 = 0.2;
/// A gap at least this many font sizes wide is a blank left for writing in (a typed space is
/// about a quarter of a size; the corpus leaves 1.5 to 2.5 sizes).
const MIN_BLANK: f64 = 1.0;
/// A year further than this many sizes after "năm" belongs to something else.
const YEAR_REACH: f64 = 3.0;

/// The blank after "Số:".
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NumberBlank {
    /// Where the blank starts: the end of "Số:".
    pub(crate) start: f64,
    /// Where the blank ends: the start of the next word on the line, if any.
    pub(crate) end: Option<f64>,
    /// The word right after the blank when it starts with '/': the symbol the template
    /// prints (e.g. "/QĐ-UBND").
    pub(crate) symbol: Option<String>,
    /// Baseline of "Số:".
    pub(crate) baseline: f64,
    /// Font size of "Số:".
    pub(crate) size: f64,
}

/// The blanks of "ngày    tháng    năm 2026".
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DateBlanks {
    /// Between "ngày" and "tháng".
    pub(crate) day: (f64, f64),
    /// Between "tháng" and "năm".
    pub(crate) month: (f64, f64),
    /// What follows "năm".
    pub(crate) year: YearSlot,
    /// Baseline of "ngày".
    pub(crate) baseline: f64,
    /// Font size of "ngày".
    pub(crate) size: f64,
}

/// The year after "năm": printed by the template, or left blank too.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum YearSlot {
    /// The digits the template prints.
    Printed(String),
    /// Nothing printed; the blank starts at the end of "năm".
    Blank {
        /// The end of "năm".
        start: f64,
    },
}

/// A word of a line: NFC text, horizontal extent, baseline and size of its first glyph.
#[derive(Clone, Debug, PartialEq)]
struct Word {
    text: String,
    x1: f64,
    x2: f64,
    baseline: f64,
    size: f64,
}

impl Word {
    fn is(&self, lower: &str) -> bool {
        self.text.to_lowercase() == lower
    }
}

/// Every "Số:" on the page followed by a blank, in reading order.
pub(crate) fn number_blanks(glyphs: &[TextGlyph]) -> Vec<NumberBlank> {
    let mut out = Vec::new();
    for words in lines(glyphs) {
        for (i, word) in words.iter().enumerate() {
            if !word.is("số:") {
                continue;
            }
            let next = words.get(i + 1);
            if next.is_some_and(|n| n.x1 - word.x2 < MIN_BLANK * word.size) {
                continue; // filled in already, or not a blank
            }
            out.push(NumberBlank {
                start: word.x2,
                end: next.map(|n| n.x1),
                symbol: next
                    .filter(|n| n.text.starts_with('/'))
                    .map(|n| n.text.clone()),
                baseline: word.baseline,
                size: word.size,
            });
        }
    }
    out
}

/// Every "ngày … tháng … năm" on the page with blanks for the day and month, in reading
/// order.
pub(crate) fn date_blanks(glyphs: &[TextGlyph]) -> Vec<DateBlanks> {
    let mut out = Vec::new();
    for words in lines(glyphs) {
        for (i, day) in words.iter().enumerate() {
            let (Some(month), Some(year)) = (words.get(i + 1), words.get(i + 2)) else {
                continue;
            };
            if !(day.is("ngày") && month.is("tháng") && year.is("năm")) {
                continue;
            }
            let min = MIN_BLANK * day.size;
            if month.x1 - day.x2 < min || year.x1 - month.x2 < min {
                continue;
            }
            let printed = words
                .get(i + 3)
                .filter(|w| w.x1 - year.x2 < YEAR_REACH * day.size)
                .map(|w| w.text.trim_end_matches(|c: char| !c.is_alphanumeric()))
                .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()));
            out.push(DateBlanks {
                day: (day.x2, month.x1),
                month: (month.x2, year.x1),
                year: match printed {
                    Some(digits) => YearSlot::Printed(digits.to_owned()),
                    None => YearSlot::Blank { start: year.x2 },
                },
                baseline: day.baseline,
                size: day.size,
            });
        }
    }
    out
}

/// The page's words, line by line (top to bottom), each line left to right. Glyphs share a
/// line when their baselines are within a third of the smaller size (a heading's two columns
/// on one baseline make one line; their words stay apart by the gap between them).
fn lines(glyphs: &[TextGlyph]) -> Vec<Vec<Word>> {
    let mut order: Vec<&TextGlyph> = glyphs.iter().filter(|g| g.size > 0.0).collect();
    order.sort_by(|a, b| b.origin[1].total_cmp(&a.origin[1]));
    let mut rows: Vec<Vec<&TextGlyph>> = Vec::new();
    for g in order {
        match rows.last_mut() {
            Some(row)
                if row.first().is_some_and(|first| {
                    (first.origin[1] - g.origin[1]).abs() <= first.size.min(g.size) / 3.0
                }) =>
            {
                row.push(g)
            }
            _ => rows.push(vec![g]),
        }
    }
    rows.into_iter()
        .map(|mut row| {
            row.sort_by(|a, b| a.origin[0].total_cmp(&b.origin[0]));
            words(&row)
        })
        .collect()
}

/// Splits a line's glyphs (left to right) into words at white space and at gaps.
fn words(row: &[&TextGlyph]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut open = false;
    for g in row {
        if g.text.chars().all(char::is_whitespace) && !g.text.is_empty() {
            open = false;
            continue;
        }
        let marks_only = !g.text.is_empty() && g.text.chars().all(is_combining_mark);
        let joins = match out.last() {
            Some(last) if open => marks_only || g.bbox[0] - last.x2 <= WORD_GAP * g.size,
            _ => false,
        };
        match out.last_mut() {
            Some(last) if joins => {
                last.text.push_str(&g.text);
                last.x2 = last.x2.max(g.bbox[2]);
            }
            _ => out.push(Word {
                text: g.text.clone(),
                x1: g.bbox[0],
                x2: g.bbox[2],
                baseline: g.origin[1],
                size: g.size,
            }),
        }
        open = true;
    }
    for word in &mut out {
        word.text = word.text.nfc().collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` at `size`, 0.5 size apart per character, from (x, y); spaces give no
    /// glyph, like LibreOffice's output.
    fn line(parts: &[(&str, f64)], y: f64, size: f64) -> Vec<TextGlyph> {
        let mut out = Vec::new();
        for (text, x) in parts {
            for (i, c) in text.chars().enumerate() {
                let gx = x + 0.5 * size * i as f64;
                out.push(TextGlyph {
                    text: c.to_string(),
                    bbox: [gx, y - 0.2 * size, gx + 0.5 * size, y + 0.9 * size],
                    origin: [gx, y],
                    size,
                });
            }
        }
        out
    }

    #[test]
    fn the_number_blank_of_a_draft_ends_at_the_printed_symbol() {
        let mut glyphs = line(&[("Số:", 120.0), ("/QĐ-UBND", 166.0)], 740.0, 13.0);
        glyphs.extend(line(&[("Lam", 294.0), ("Giang,", 322.0)], 740.0, 14.0));
        let blanks = number_blanks(&glyphs);
        assert_eq!(blanks.len(), 1);
        let blank = &blanks[0];
        assert_eq!(blank.start, 120.0 + 1.5 * 13.0);
        assert_eq!(blank.end, Some(166.0));
        assert_eq!(blank.symbol.as_deref(), Some("/QĐ-UBND"));
        assert_eq!((blank.baseline, blank.size), (740.0, 13.0));
    }

    #[test]
    fn a_filled_number_is_no_blank() {
        let glyphs = line(&[("Số:", 120.0), ("15/QĐ-UBND", 143.0)], 740.0, 13.0);
        assert!(number_blanks(&glyphs).is_empty());
    }

    #[test]
    fn date_blanks_lie_between_the_words_and_the_year_is_read() {
        let glyphs = line(
            &[
                ("Lam", 294.0),
                ("ngày", 365.0),
                ("tháng", 413.0),
                ("năm", 470.0),
                ("2026", 496.0),
            ],
            740.0,
            14.0,
        );
        let blanks = date_blanks(&glyphs);
        assert_eq!(blanks.len(), 1);
        assert_eq!(blanks[0].day, (365.0 + 28.0, 413.0));
        assert_eq!(blanks[0].month, (413.0 + 35.0, 470.0));
        assert_eq!(blanks[0].year, YearSlot::Printed("2026".into()));
    }

    #[test]
    fn a_filled_date_in_the_body_is_no_blank() {
        let glyphs = line(
            &[
                ("ngày", 100.0),
                ("05", 130.0),
                ("tháng", 146.0),
                ("6", 184.0),
                ("năm", 194.0),
            ],
            500.0,
            14.0,
        );
        assert!(date_blanks(&glyphs).is_empty());
    }

    #[test]
    fn nfd_text_and_capitals_still_match() {
        let glyphs = line(&[("Sô\u{301}:", 120.0), ("/TB", 170.0)], 700.0, 13.0);
        assert_eq!(number_blanks(&glyphs).len(), 1);
    }
}
