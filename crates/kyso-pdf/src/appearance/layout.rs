//! Where things go in the appearance box: the image's place, the text's size, its line
//! breaks and its baselines. Pure geometry, in points, with the origin at the box's
//! lower-left corner.

use super::shaping::ShapedGlyph;
use super::{Align, ImagePlacement};

/// Largest automatic font size.
pub(crate) const MAX_AUTO_SIZE: f64 = 12.0;

/// Below this automatic size, wrapping at a larger size is tried first.
pub(crate) const MIN_UNWRAPPED_SIZE: f64 = 6.0;

/// Step between the sizes tried when wrapping.
const WRAP_SIZE_STEP: f64 = 0.5;

/// Baseline-to-baseline distance as a multiple of the font size.
pub(crate) const LEADING: f64 = 1.2;

/// Share of the box an image may take beside (or above) the text.
const IMAGE_SHARE: f64 = 0.5;

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

impl Rect {
    /// The rectangle shrunk by `by` on every side (never below zero size).
    fn inset(self, by: f64) -> Self {
        let dx = by.min(self.w / 2.0);
        let dy = by.min(self.h / 2.0);
        Self {
            x: self.x + dx,
            y: self.y + dy,
            w: self.w - 2.0 * dx,
            h: self.h - 2.0 * dy,
        }
    }

    /// The largest rectangle of aspect ratio `aspect` (width / height) inside `self`,
    /// centred.
    pub(crate) fn fit(self, aspect: f64) -> Self {
        let aspect = if aspect.is_finite() && aspect > 0.0 {
            aspect
        } else {
            1.0
        };
        let (w, h) = if self.w / self.h.max(f64::MIN_POSITIVE) > aspect {
            (self.h * aspect, self.h)
        } else {
            (self.w, self.w / aspect)
        };
        Self {
            x: self.x + (self.w - w) / 2.0,
            y: self.y + (self.h - h) / 2.0,
            w,
            h,
        }
    }
}

/// The regions of a box of `width` × `height`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Regions {
    /// Where the image is drawn (already fitted to its aspect ratio).
    pub(crate) image: Option<Rect>,
    /// Where the text goes (padding applied).
    pub(crate) text: Option<Rect>,
}

/// Splits the box between image and text: the image alone fills the box (aspect kept,
/// centred); with text it takes a column on the left (or a band at the top) of at most half
/// the box, and the text gets the rest.
pub(crate) fn regions(
    width: f64,
    height: f64,
    has_text: bool,
    image_aspect: Option<f64>,
    placement: ImagePlacement,
) -> Regions {
    let whole = Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: height,
    };
    let pad = padding(width, height);
    match (has_text, image_aspect) {
        (false, None) => Regions {
            image: None,
            text: None,
        },
        (true, None) => Regions {
            image: None,
            text: Some(whole.inset(pad)),
        },
        (false, Some(aspect)) => Regions {
            image: Some(whole.fit(aspect)),
            text: None,
        },
        (true, Some(aspect)) => match placement {
            ImagePlacement::Left => {
                let column = (height * aspect).min(width * IMAGE_SHARE);
                let image = Rect { w: column, ..whole }.fit(aspect);
                let text = Rect {
                    x: column,
                    w: width - column,
                    ..whole
                }
                .inset(pad);
                Regions {
                    image: Some(image),
                    text: Some(text),
                }
            }
            ImagePlacement::Above => {
                let band = (width / aspect).min(height * IMAGE_SHARE);
                let image = Rect {
                    y: height - band,
                    h: band,
                    ..whole
                }
                .fit(aspect);
                let text = Rect {
                    h: height - band,
                    ..whole
                }
                .inset(pad);
                Regions {
                    image: Some(image),
                    text: Some(text),
                }
            }
        },
    }
}

/// Slack added to a natural box so rounding never makes the text shrink.
const NATURAL_SLACK: f64 = 0.01;

/// The smallest box for text of `text` = (width, height) points and an image of
/// `image` = (aspect ratio, natural size): the inverse of [`regions`], so the text region of
/// the result is at least `text`. Image alone: its natural size.
pub(crate) fn natural_box(
    text: Option<(f64, f64)>,
    image: Option<(f64, (f64, f64))>,
    placement: ImagePlacement,
) -> (f64, f64) {
    let Some((tw, th)) = text else {
        return image.map_or((0.0, 0.0), |(_, natural)| natural);
    };
    let (tw, th) = (tw + NATURAL_SLACK, th + NATURAL_SLACK);
    // The padding depends on the box and the box on the padding; the map has slope at most
    // 0.1, so iterating converges fast.
    let mut pad = padding(tw, th);
    let mut size = (tw, th);
    for _ in 0..16 {
        let (w, h) = (tw + 2.0 * pad, th + 2.0 * pad);
        size = match image {
            None => (w, h),
            // regions() gives the image min(h × aspect, half the box): with the text region
            // w wide, that is min(h × aspect, w).
            Some((aspect, _)) => match placement {
                ImagePlacement::Left => (w + (h * aspect).min(w), h),
                ImagePlacement::Above => (w, h + (w / aspect.max(f64::MIN_POSITIVE)).min(h)),
            },
        };
        pad = padding(size.0, size.1);
    }
    size
}

/// Space kept between the text and the box's edges.
fn padding(width: f64, height: f64) -> f64 {
    (width.min(height) * 0.05).clamp(0.5, 3.0)
}

/// Text fitted into a region: the lines as drawn and the font size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FittedText {
    pub(crate) lines: Vec<Vec<ShapedGlyph>>,
    pub(crate) size: f64,
}

/// The font's vertical extent, as fractions of the em.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VerticalMetrics {
    pub(crate) ascent: f64,
    pub(crate) descent: f64,
}

impl VerticalMetrics {
    /// Height of `lines` lines at `size`: the leading between baselines plus one line's
    /// ascent and descent.
    pub(crate) fn block_height(self, lines: usize, size: f64) -> f64 {
        let gaps = lines.saturating_sub(1) as f64;
        (gaps * LEADING + (self.ascent - self.descent)) * size
    }
}

/// Chooses the size and line breaks. With `size` given, lines are wrapped to the region's
/// width at that size. Otherwise the largest size up to [`MAX_AUTO_SIZE`] at which every line
/// fits unbroken is used; if that is below [`MIN_UNWRAPPED_SIZE`], the largest size at which
/// the wrapped text fits is preferred; if nothing fits, the unbroken text shrinks to fit.
pub(crate) fn fit_text(
    lines: &[Vec<ShapedGlyph>],
    units_per_em: f64,
    metrics: VerticalMetrics,
    region: Rect,
    size: Option<f64>,
) -> FittedText {
    let width_at = |size: f64| region.w * units_per_em / size;
    if let Some(size) = size {
        return FittedText {
            lines: wrap_all(lines, width_at(size)),
            size,
        };
    }
    let widest = lines.iter().map(|l| line_units(l)).fold(0.0, f64::max);
    let by_width = if widest > 0.0 {
        region.w * units_per_em / widest
    } else {
        f64::INFINITY
    };
    let by_height = region.h / metrics.block_height(lines.len(), 1.0);
    let unbroken = MAX_AUTO_SIZE.min(by_width).min(by_height);
    if unbroken >= MIN_UNWRAPPED_SIZE {
        return FittedText {
            lines: lines.to_vec(),
            size: unbroken,
        };
    }
    let mut size = MAX_AUTO_SIZE;
    while size >= MIN_UNWRAPPED_SIZE {
        let wrapped = wrap_all(lines, width_at(size));
        let fits_width = wrapped
            .iter()
            .all(|l| line_units(l) * size / units_per_em <= region.w);
        if fits_width && metrics.block_height(wrapped.len(), size) <= region.h {
            return FittedText {
                lines: wrapped,
                size,
            };
        }
        size -= WRAP_SIZE_STEP;
    }
    FittedText {
        lines: lines.to_vec(),
        size: unbroken.max(f64::MIN_POSITIVE),
    }
}

/// Baselines of `count` lines at `size`, top to bottom, centring the block in `region`.
pub(crate) fn baselines(
    count: usize,
    size: f64,
    metrics: VerticalMetrics,
    region: Rect,
) -> impl Iterator<Item = f64> {
    let block = metrics.block_height(count, size);
    let top = region.y + region.h - (region.h - block) / 2.0;
    let first = top - metrics.ascent * size;
    (0..count).map(move |i| first - i as f64 * LEADING * size)
}

/// The x where a line of `line_width` points starts in `region`.
pub(crate) fn line_start(align: Align, line_width: f64, region: Rect) -> f64 {
    match align {
        Align::Left => region.x,
        Align::Center => region.x + (region.w - line_width) / 2.0,
        Align::Right => region.x + region.w - line_width,
    }
}

/// Width of a line in font units.
pub(crate) fn line_units(line: &[ShapedGlyph]) -> f64 {
    line.iter().map(|g| f64::from(g.advance)).sum()
}

fn wrap_all(lines: &[Vec<ShapedGlyph>], max_units: f64) -> Vec<Vec<ShapedGlyph>> {
    lines
        .iter()
        .flat_map(|line| wrap(line, max_units))
        .collect()
}

/// Breaks one line greedily at spaces so each piece is at most `max_units` wide; a word
/// wider than that is broken between characters (a combining mark stays with its base).
/// Spaces at a break are dropped. Always yields at least one (possibly empty) line.
fn wrap(line: &[ShapedGlyph], max_units: f64) -> Vec<Vec<ShapedGlyph>> {
    if line_units(line) <= max_units {
        return vec![line.to_vec()];
    }
    let mut out: Vec<Vec<ShapedGlyph>> = Vec::new();
    let mut current: Vec<ShapedGlyph> = Vec::new();
    for (spaces, word) in segments(line) {
        let extra = line_units(spaces) + line_units(word);
        if !current.is_empty() && line_units(&current) + extra <= max_units {
            current.extend_from_slice(spaces);
            current.extend_from_slice(word);
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        } else if out.is_empty() {
            // Leading spaces of the first line are the caller's; keep them.
            current.extend_from_slice(spaces);
        }
        for glyph in word {
            let fits = line_units(&current) + f64::from(glyph.advance) <= max_units;
            if !fits && !glyph.joins_previous && current.iter().any(|g| !g.is_space) {
                out.push(std::mem::take(&mut current));
            }
            current.push(glyph.clone());
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

/// Splits a line into (spaces, word) pairs; the last pair may have an empty word (trailing
/// spaces).
fn segments(line: &[ShapedGlyph]) -> Vec<(&[ShapedGlyph], &[ShapedGlyph])> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let space_end = rest.iter().position(|g| !g.is_space).unwrap_or(rest.len());
        let (spaces, after) = rest.split_at(space_end);
        let word_end = after.iter().position(|g| g.is_space).unwrap_or(after.len());
        let (word, after) = after.split_at(word_end);
        out.push((spaces, word));
        rest = after;
    }
    out
}

#[cfg(test)]
mod tests {
    use ttf_parser::GlyphId;

    use super::*;

    const METRICS: VerticalMetrics = VerticalMetrics {
        ascent: 0.8,
        descent: -0.2,
    };

    /// A monospaced fake: every glyph 500 units of a 1000-unit em.
    fn shaped(text: &str) -> Vec<ShapedGlyph> {
        text.chars()
            .map(|c| ShapedGlyph {
                gid: GlyphId(1),
                advance: 500,
                text: c.to_string(),
                is_space: c == ' ',
                joins_previous: false,
            })
            .collect()
    }

    fn text(line: &[ShapedGlyph]) -> String {
        line.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn image_alone_fills_the_box_keeping_its_aspect_ratio() {
        let r = regions(200.0, 100.0, false, Some(1.0), ImagePlacement::Left);
        assert_eq!(
            r.image,
            Some(Rect {
                x: 50.0,
                y: 0.0,
                w: 100.0,
                h: 100.0
            })
        );
        assert_eq!(r.text, None);
    }

    #[test]
    fn image_goes_left_of_the_text_in_at_most_half_the_box() {
        let r = regions(200.0, 60.0, true, Some(3.0), ImagePlacement::Left);
        let image = r.image.expect("image");
        let text = r.text.expect("text");
        assert!((image.w - 100.0).abs() < 1e-9 && (image.w / image.h - 3.0).abs() < 1e-9);
        assert!(text.x >= image.x + image.w, "text overlaps the image");
        assert!(text.x + text.w <= 200.0);
    }

    #[test]
    fn image_above_takes_a_top_band_and_text_the_rest() {
        let r = regions(100.0, 100.0, true, Some(2.0), ImagePlacement::Above);
        let image = r.image.expect("image");
        let text = r.text.expect("text");
        assert!((image.y + image.h - 100.0).abs() < 1e-9);
        assert!(text.y + text.h <= image.y + 1e-9);
    }

    #[test]
    fn text_alone_is_inset_from_the_edges() {
        let r = regions(100.0, 40.0, true, None, ImagePlacement::Left);
        let text = r.text.expect("text");
        assert!(text.x > 0.0 && text.y > 0.0 && text.x + text.w < 100.0);
        assert_eq!(r.image, None);
    }

    #[test]
    fn natural_box_gives_the_text_region_back() {
        let (tw, th) = (150.0, 40.0);
        for image in [None, Some((2.0, (1.0, 1.0))), Some((0.5, (1.0, 1.0)))] {
            for placement in [ImagePlacement::Left, ImagePlacement::Above] {
                let (w, h) = natural_box(Some((tw, th)), image, placement);
                let aspect = image.map(|(a, _)| a);
                let text = regions(w, h, true, aspect, placement).text.expect("text");
                assert!(
                    text.w >= tw && text.w < tw + 0.1,
                    "{image:?} {placement:?}: {text:?}"
                );
                assert!(
                    text.h >= th && text.h < th + 0.1,
                    "{image:?} {placement:?}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn natural_box_of_an_image_alone_is_its_natural_size() {
        let size = natural_box(None, Some((1.0, (102.0, 102.0))), ImagePlacement::Left);
        assert_eq!(size, (102.0, 102.0));
        assert_eq!(natural_box(None, None, ImagePlacement::Left), (0.0, 0.0));
    }

    #[test]
    fn auto_size_is_capped_at_twelve_points() {
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 1000.0,
            h: 1000.0,
        };
        let fitted = fit_text(&[shaped("ab")], 1000.0, METRICS, region, None);
        assert_eq!(fitted.size, MAX_AUTO_SIZE);
    }

    #[test]
    fn auto_size_shrinks_so_the_longest_line_fits() {
        // 20 glyphs × 0.5 em = 10 em; 80 pt wide → 8 pt.
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 80.0,
            h: 100.0,
        };
        let lines = [shaped("short"), shaped("twenty characters!!!")];
        let fitted = fit_text(&lines, 1000.0, METRICS, region, None);
        assert!((fitted.size - 8.0).abs() < 1e-9, "{}", fitted.size);
        assert_eq!(fitted.lines.len(), 2);
    }

    #[test]
    fn auto_size_shrinks_so_all_lines_fit_the_height() {
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 1000.0,
            h: 22.0,
        };
        let lines = [shaped("a"), shaped("b")];
        let fitted = fit_text(&lines, 1000.0, METRICS, region, None);
        // (1 × 1.2 + 1.0) × size = 22 → size 10.
        assert!((fitted.size - 10.0).abs() < 1e-9, "{}", fitted.size);
    }

    #[test]
    fn wraps_rather_than_shrinking_below_six_points() {
        // 40 glyphs need 20 em; 60 pt wide would mean 3 pt unbroken.
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 60.0,
            h: 100.0,
        };
        let long = shaped("aaaa bbbb cccc dddd eeee ffff gggg hhhh");
        let fitted = fit_text(&[long], 1000.0, METRICS, region, None);
        assert!(fitted.size >= MIN_UNWRAPPED_SIZE, "{}", fitted.size);
        assert!(fitted.lines.len() > 1);
        for line in &fitted.lines {
            assert!(
                line_units(line) * fitted.size / 1000.0 <= 60.0 + 1e-9,
                "{}",
                text(line)
            );
            assert!(
                !line.first().is_some_and(|g| g.is_space),
                "line starts with a space"
            );
        }
    }

    #[test]
    fn given_size_is_kept_and_lines_wrap_at_spaces() {
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 30.0,
            h: 100.0,
        };
        // At 10 pt a glyph is 5 pt: 6 glyphs per line.
        let fitted = fit_text(
            &[shaped("abc def ghi")],
            1000.0,
            METRICS,
            region,
            Some(10.0),
        );
        assert_eq!(fitted.size, 10.0);
        let lines: Vec<String> = fitted.lines.iter().map(|l| text(l)).collect();
        assert_eq!(lines, ["abc", "def", "ghi"]);
    }

    #[test]
    fn given_size_does_not_wrap_a_line_that_fits() {
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        let fitted = fit_text(
            &[shaped("abc def ghi")],
            1000.0,
            METRICS,
            region,
            Some(10.0),
        );
        assert_eq!(fitted.lines.len(), 1);
    }

    #[test]
    fn a_word_wider_than_the_line_breaks_between_characters() {
        let pieces = wrap(&shaped("abcdefgh"), 1500.0);
        let pieces: Vec<String> = pieces.iter().map(|l| text(l)).collect();
        assert_eq!(pieces, ["abc", "def", "gh"]);
    }

    #[test]
    fn a_combining_mark_is_never_separated_from_its_base() {
        let mut line = shaped("ab");
        line.insert(
            1,
            ShapedGlyph {
                gid: GlyphId(2),
                advance: 0,
                text: "\u{303}".into(),
                is_space: false,
                joins_previous: true,
            },
        );
        let pieces = wrap(&line, 500.0);
        let pieces: Vec<String> = pieces.iter().map(|l| text(l)).collect();
        assert_eq!(pieces, ["a\u{303}", "b"]);
    }

    #[test]
    fn baselines_centre_the_block_vertically() {
        let region = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        };
        let lines: Vec<f64> = baselines(2, 10.0, METRICS, region).collect();
        // Block 22 pt tall, from 61 to 39; first baseline 61 - 8 = 53, then 41.
        assert_eq!(lines.len(), 2);
        assert!(
            (lines.first().copied().unwrap_or_default() - 53.0).abs() < 1e-9,
            "{lines:?}"
        );
        assert!(
            (lines.get(1).copied().unwrap_or_default() - 41.0).abs() < 1e-9,
            "{lines:?}"
        );
    }

    #[test]
    fn alignment_places_the_line_start() {
        let region = Rect {
            x: 10.0,
            y: 0.0,
            w: 100.0,
            h: 10.0,
        };
        assert_eq!(line_start(Align::Left, 40.0, region), 10.0);
        assert_eq!(line_start(Align::Center, 40.0, region), 40.0);
        assert_eq!(line_start(Align::Right, 40.0, region), 70.0);
    }
}
