//! Visible signature appearances: text in an embedded Unicode font subset, PNG images.
//!
//! [`build_appearance`] turns an [`AppearanceSpec`] into a Form XObject (ISO 32000-1 §8.10)
//! the size of the signature widget, ready to be the widget's normal appearance (/AP /N).
//! Text is drawn with a subset of a TrueType font embedded as Type0/CIDFontType2 with a
//! /ToUnicode map, so Vietnamese diacritics display in every viewer and the text can be
//! extracted; images are PNGs with their transparency kept as a soft mask.
//!
//! Fonts and images are parsed once and shared through [`Arc`] across a batch; each call
//! embeds a subset holding only the glyphs its text uses. A [`Font`] remembers its last few
//! compressed subsets, so the documents of a batch that draw the same text (same signer,
//! same second) share the subsetting work; the output is the same either way.
//!
//! ```no_run
//! use std::sync::Arc;
//! use kyso_pdf::appearance::{build_appearance, AppearanceSpec, Font, Image};
//! use kyso_pdf::writer::NewObjects;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let font = Arc::new(Font::from_bytes(std::fs::read("DejaVuSans.ttf")?.into())?);
//! let image = Arc::new(Image::from_png(&std::fs::read("sig-blue.png")?)?);
//! let spec = AppearanceSpec {
//!     lines: vec!["Người ký: Nguyễn Văn An".into(), "Thời gian ký: 06.03.2020 11:27:34 +07:00".into()],
//!     font: Some(font),
//!     image: Some(image),
//!     ..AppearanceSpec::default()
//! };
//! let mut objects = NewObjects::new(42);
//! let form = build_appearance(&spec, 220.0, 60.0, &mut objects)?;
//! # let _ = form;
//! # Ok(())
//! # }
//! ```

mod font;
mod image;
mod layout;
mod shaping;

#[cfg(test)]
mod render_test;

use std::io::Write as _;
use std::sync::Arc;

pub use self::font::Font;
use self::font::GlyphSubset;
pub use self::image::{Image, MAX_IMAGE_PIXELS};
use self::layout::{FittedText, Rect, VerticalMetrics};
use crate::object::{dict, Dict, Name, ObjRef, Object};
use crate::writer::NewObjects;

/// Most characters of text an appearance may carry: a signature box holds a few lines, and
/// the cap bounds the work a caller's text can cause.
pub const MAX_TEXT_CHARS: usize = 4096;

/// Content streams longer than this (bytes) are compressed.
const COMPRESS_CONTENT_ABOVE: usize = 4096;

/// Largest side of an appearance box, in points (ISO 32000-1 Annex C: 14 400 units).
pub const MAX_BOX_SIDE: f64 = 14_400.0;

/// Horizontal alignment of text lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    /// Left-aligned.
    #[default]
    Left,
    /// Centred.
    Center,
    /// Right-aligned.
    Right,
}

/// Where the image goes when the appearance also has text. An image without text always
/// fills the box (aspect ratio kept, centred).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImagePlacement {
    /// A column on the left, text on the right.
    #[default]
    Left,
    /// A band at the top, text below.
    Above,
}

/// What a visible signature shows.
#[derive(Clone, Debug, Default)]
pub struct AppearanceSpec {
    /// Text lines, top to bottom. A `\n` inside a line also starts a new line; an empty line
    /// keeps its vertical space. A base letter followed by combining marks (NFD) is drawn
    /// with the font's precomposed glyph when it has one, so such text extracts in its
    /// composed (NFC) form; the text is otherwise drawn as given.
    pub lines: Vec<String>,
    /// Font for the text; required when `lines` is not empty.
    pub font: Option<Arc<Font>>,
    /// Font size in points; `None` picks the largest size (up to 12 pt) that fits.
    pub font_size: Option<f64>,
    /// Text colour, RGB in 0..=1 (values outside are clamped).
    pub text_color: [f64; 3],
    /// Alignment of the text lines.
    pub align: Align,
    /// Image drawn in the box (left part when there is text, whole box otherwise).
    pub image: Option<Arc<Image>>,
    /// Where the image goes relative to the text.
    pub image_placement: ImagePlacement,
}

/// Why an appearance could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppearanceError {
    /// Text was asked for but no font given.
    #[error("visible text needs a font")]
    NoFont,
    /// The font file could not be parsed.
    #[error("not a usable TrueType font: {0}")]
    NotAFont(ttf_parser::FaceParsingError),
    /// The font has CFF (PostScript) outlines; only TrueType outlines are embedded.
    #[error("font has no TrueType outlines (glyf table); use a TrueType font")]
    FontWithoutTrueTypeOutlines,
    /// The font has no cmap subtable mapping Unicode characters to glyphs.
    #[error("font has no Unicode character map")]
    FontWithoutUnicodeCmap,
    /// The font's licence (OS/2 fsType) forbids embedding it or a subset of it.
    #[error("font licence forbids embedding a subset (OS/2 fsType)")]
    FontEmbeddingRestricted,
    /// A character of the text has no glyph in the font.
    #[error("font {font} has no glyph for {character:?} (U+{:04X})", u32::from(*character))]
    MissingGlyph {
        /// The character.
        character: char,
        /// The font's PostScript name.
        font: String,
    },
    /// The subsetter rejected the font.
    #[error("cannot subset font: {0}")]
    FontSubset(subsetter::Error),
    /// The text is longer than [`MAX_TEXT_CHARS`].
    #[error("appearance text has {chars} characters, more than the {MAX_TEXT_CHARS} allowed")]
    TextTooLong {
        /// Characters given.
        chars: usize,
    },
    /// The PNG could not be decoded.
    #[error("cannot decode PNG image: {0}")]
    ImageDecode(png::DecodingError),
    /// The PNG decoded to a pixel layout that cannot be written (not 8-bit grey or RGB).
    #[error("PNG image has an unsupported pixel layout")]
    UnsupportedImageLayout,
    /// The image has more than [`MAX_IMAGE_PIXELS`] pixels.
    #[error("PNG image of {width} × {height} pixels exceeds the {MAX_IMAGE_PIXELS}-pixel limit")]
    ImageTooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The box is not a positive, finite size up to [`MAX_BOX_SIDE`].
    #[error("appearance box {width} × {height} is not a positive size up to {MAX_BOX_SIDE} pt")]
    InvalidBox {
        /// Width asked for.
        width: f64,
        /// Height asked for.
        height: f64,
    },
    /// The font size is not positive and finite (or absurdly large).
    #[error("font size {0} is not between 0 and 1000 pt")]
    InvalidFontSize(f64),
}

/// Builds the appearance as a Form XObject of `width` × `height` points, adding it and its
/// resources (font subset, images) to `objects`, and returns the form's reference.
///
/// Nothing is added to `objects` when an error is returned.
pub fn build_appearance(
    spec: &AppearanceSpec,
    width: f64,
    height: f64,
    objects: &mut NewObjects,
) -> Result<ObjRef, AppearanceError> {
    check_box(width, height)?;
    spec.checked_font_size()?;
    let lines = split_lines(&spec.lines)?;
    let has_text = lines.iter().any(|l| !l.is_empty());
    let aspect = spec.image.as_ref().map(|i| i.aspect_ratio());
    let regions = layout::regions(width, height, has_text, aspect, spec.image_placement);

    let mut resources = Dict::new();
    let mut text_ops = Vec::new();
    let mut image_ops = Vec::new();

    // Everything that can fail happens before the first object is added.
    if let Some(text_region) = regions.text.filter(|_| has_text) {
        let plan = plan_text(spec, &lines, text_region)?;
        let font = plan.font;
        let mut subset = GlyphSubset::new(&plan.face);
        text_ops = text_operators(spec, &plan, &mut subset);
        let font_ref = font::embed(font, &subset, objects)?;
        let fonts = dict([("F0", Object::Ref(font_ref))]);
        resources.insert(Name::new("Font"), Object::Dict(fonts));
    }
    if let (Some(image), Some(place)) = (spec.image.as_deref(), regions.image) {
        let image_ref = image.add_to(objects);
        // Writing into a Vec cannot fail.
        let _ = writeln!(
            image_ops,
            "q {} 0 0 {} {} {} cm /Im0 Do Q",
            num(place.w),
            num(place.h),
            num(place.x),
            num(place.y)
        );
        let xobjects = dict([("Im0", Object::Ref(image_ref))]);
        resources.insert(Name::new("XObject"), Object::Dict(xobjects));
    }
    // The image goes under the text.
    let content = [&b"q\n"[..], &image_ops, &text_ops, b"Q\n"].concat();

    let mut form = dict([
        ("Type", Object::name("XObject")),
        ("Subtype", Object::name("Form")),
        ("FormType", Object::Int(1)),
        ("BBox", Object::reals(&[0.0, 0.0, width, height])),
        ("Resources", Object::Dict(resources)),
    ]);
    // A few lines of operators gain little from compression and starting a deflate stream
    // costs more than the rest of the form; long text is compressed.
    let content = if content.len() > COMPRESS_CONTENT_ABOVE {
        form.insert(Name::new("Filter"), Object::name("FlateDecode"));
        font::deflate(&content)
    } else {
        content
    };
    Ok(objects.add(Object::Stream(form, content)))
}

/// One line of text at a fixed size: what is printed into a template's blank or a form text
/// field. Its box, relative to the baseline's start, is `[0, descent, width, ascent]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineMetrics {
    /// Advance width of the line, in points.
    pub width: f64,
    /// Height of the font's ascender above the baseline, in points.
    pub ascent: f64,
    /// Depth of the font's descender, in points (negative: below the baseline).
    pub descent: f64,
}

/// The metrics of `text` drawn on one line in `font` at `size` points.
pub fn line_metrics(font: &Font, text: &str, size: f64) -> Result<LineMetrics, AppearanceError> {
    check_font_size(size)?;
    check_text_len(text)?;
    Ok(LineMetrics {
        width: font.text_width(text, size)?,
        ascent: font.ascent() * size,
        descent: font.descent() * size,
    })
}

/// Builds a Form XObject of `width` × `height` points drawing `text` on one line, black, in
/// an embedded subset of `font` at `size`, its baseline starting at `origin` (form space).
/// For form text fields, `marked` wraps the drawing in `/Tx BMC … EMC` (ISO 32000-1
/// §12.7.3.3). Nothing is added to `objects` when an error is returned.
pub fn build_text_line(
    font: &Font,
    text: &str,
    size: f64,
    (width, height): (f64, f64),
    origin: [f64; 2],
    marked: bool,
    objects: &mut NewObjects,
) -> Result<ObjRef, AppearanceError> {
    check_box(width, height)?;
    check_font_size(size)?;
    check_text_len(text)?;
    let face = font.face()?;
    let glyphs = shaping::shape_line(font, &face, text)?;
    let mut subset = GlyphSubset::new(&face);
    let mut content = Vec::new();
    if marked {
        content.extend_from_slice(b"/Tx BMC\n");
    }
    // Writing into a Vec cannot fail.
    let _ = write!(
        content,
        "q\nBT\n/F0 {} Tf\n0 g\n1 0 0 1 {} {} Tm <",
        num(size),
        num(origin[0]),
        num(origin[1])
    );
    for glyph in &glyphs {
        let cid = subset.cid(glyph.gid, &glyph.text, glyph.advance);
        let _ = write!(content, "{cid:04X}");
    }
    content.extend_from_slice(b"> Tj\nET\nQ\n");
    if marked {
        content.extend_from_slice(b"EMC\n");
    }
    let font_ref = font::embed(font, &subset, objects)?;
    let resources = dict([("Font", Object::Dict(dict([("F0", Object::Ref(font_ref))])))]);
    let form = dict([
        ("Type", Object::name("XObject")),
        ("Subtype", Object::name("Form")),
        ("FormType", Object::Int(1)),
        ("BBox", Object::reals(&[0.0, 0.0, width, height])),
        ("Resources", Object::Dict(resources)),
    ]);
    Ok(objects.add(Object::Stream(form, content)))
}

fn check_font_size(size: f64) -> Result<(), AppearanceError> {
    if size.is_finite() && size > 0.0 && size <= 1000.0 {
        Ok(())
    } else {
        Err(AppearanceError::InvalidFontSize(size))
    }
}

fn check_text_len(text: &str) -> Result<(), AppearanceError> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(AppearanceError::TextTooLong { chars });
    }
    Ok(())
}

impl AppearanceSpec {
    /// The smallest box, `(width, height)` in points, that shows the text at `font_size`
    /// (12 pt when unset) on unbroken lines, with the image beside (or above) it at the
    /// text's height (or width), so [`build_appearance`] neither shrinks nor wraps the text.
    /// An image alone gets its printed size from the PNG's pHYs chunk (a seal's true size),
    /// else one point per pixel. `(0, 0)` when there is nothing to show.
    pub fn natural_size(&self) -> Result<(f64, f64), AppearanceError> {
        let size = self.checked_font_size()?.unwrap_or(layout::MAX_AUTO_SIZE);
        let lines = split_lines(&self.lines)?;
        let text = if lines.iter().any(|l| !l.is_empty()) {
            let font = self.font.as_deref().ok_or(AppearanceError::NoFont)?;
            let face = font.face()?;
            let shaped = shape_lines(font, &face, &lines)?;
            let widest = shaped
                .iter()
                .map(|l| layout::line_units(l))
                .fold(0.0, f64::max);
            let height = vertical_metrics(font).block_height(shaped.len(), size);
            Some((widest / font.units_per_em() * size, height))
        } else {
            None
        };
        let image = self.image.as_deref().map(|image| {
            let pixels = (f64::from(image.width()), f64::from(image.height()));
            (
                image.aspect_ratio(),
                image.natural_size_pt().unwrap_or(pixels),
            )
        });
        Ok(layout::natural_box(text, image, self.image_placement))
    }

    fn checked_font_size(&self) -> Result<Option<f64>, AppearanceError> {
        match self.font_size {
            Some(size) if !(size.is_finite() && size > 0.0 && size <= 1000.0) => {
                Err(AppearanceError::InvalidFontSize(size))
            }
            other => Ok(other),
        }
    }
}

/// Text shaped and fitted into its region, ready to draw.
struct TextPlan<'a> {
    font: &'a Font,
    face: ttf_parser::Face<'a>,
    fitted: FittedText,
    metrics: VerticalMetrics,
    region: Rect,
}

fn plan_text<'a>(
    spec: &'a AppearanceSpec,
    lines: &[&str],
    region: Rect,
) -> Result<TextPlan<'a>, AppearanceError> {
    let font = spec.font.as_deref().ok_or(AppearanceError::NoFont)?;
    let face = font.face()?;
    let shaped = shape_lines(font, &face, lines)?;
    let metrics = vertical_metrics(font);
    let fitted = layout::fit_text(
        &shaped,
        font.units_per_em(),
        metrics,
        region,
        spec.font_size,
    );
    Ok(TextPlan {
        font,
        face,
        fitted,
        metrics,
        region,
    })
}

fn shape_lines(
    font: &Font,
    face: &ttf_parser::Face<'_>,
    lines: &[&str],
) -> Result<Vec<Vec<shaping::ShapedGlyph>>, AppearanceError> {
    lines
        .iter()
        .map(|line| shaping::shape_line(font, face, line))
        .collect()
}

fn vertical_metrics(font: &Font) -> VerticalMetrics {
    VerticalMetrics {
        ascent: font.ascent(),
        descent: font.descent(),
    }
}

fn check_box(width: f64, height: f64) -> Result<(), AppearanceError> {
    let ok = |v: f64| v.is_finite() && v > 0.0 && v <= MAX_BOX_SIDE;
    if ok(width) && ok(height) {
        Ok(())
    } else {
        Err(AppearanceError::InvalidBox { width, height })
    }
}

/// The spec's lines with embedded line breaks split out; enforces [`MAX_TEXT_CHARS`].
fn split_lines(lines: &[String]) -> Result<Vec<&str>, AppearanceError> {
    let chars: usize = lines.iter().map(|l| l.chars().count()).sum();
    if chars > MAX_TEXT_CHARS {
        return Err(AppearanceError::TextTooLong { chars });
    }
    Ok(lines
        .iter()
        .flat_map(|line| {
            let parts: Vec<&str> = line.lines().collect();
            if parts.is_empty() {
                vec![""]
            } else {
                parts
            }
        })
        .collect())
}

/// The BT…ET block drawing the fitted lines, registering each glyph in `subset` as it goes
/// (so CIDs are numbered in drawing order).
fn text_operators(spec: &AppearanceSpec, plan: &TextPlan<'_>, subset: &mut GlyphSubset) -> Vec<u8> {
    let TextPlan {
        font,
        fitted,
        metrics,
        region,
        ..
    } = plan;
    let mut out = Vec::new();
    let [r, g, b] = spec.text_color.map(|c| {
        if c.is_finite() {
            c.clamp(0.0, 1.0)
        } else {
            0.0
        }
    });
    let size = fitted.size;
    // Writing into a Vec cannot fail.
    let _ = write!(
        out,
        "BT\n/F0 {} Tf\n{} {} {} rg\n",
        num(size),
        num(r),
        num(g),
        num(b)
    );
    let baselines = layout::baselines(fitted.lines.len(), size, *metrics, *region);
    for (line, baseline) in fitted.lines.iter().zip(baselines) {
        if line.is_empty() {
            continue;
        }
        let line_width = layout::line_units(line) / font.units_per_em() * size;
        let x = layout::line_start(spec.align, line_width, *region);
        let _ = write!(out, "1 0 0 1 {} {} Tm <", num(x), num(baseline));
        for glyph in line {
            let cid = subset.cid(glyph.gid, &glyph.text, glyph.advance);
            let _ = write!(out, "{cid:04X}");
        }
        out.extend_from_slice(b"> Tj\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

/// A number as content-stream text (the object serializer's format).
fn num(value: f64) -> String {
    String::from_utf8_lossy(&Object::Real(value).to_bytes()).into_owned()
}
