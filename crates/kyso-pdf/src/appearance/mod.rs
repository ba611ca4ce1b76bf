//! Visible signature appearances: text in an embedded Unicode font subset, PNG images.
//!
//! (Placeholder API agreed between the signing and appearance modules; the appearance
//! owner replaces the bodies.)

use std::sync::Arc;

use crate::object::ObjRef;
use crate::writer::NewObjects;

/// A TrueType/OpenType font parsed once and reused for a whole batch.
#[derive(Debug)]
pub struct Font {
    _data: Arc<[u8]>,
}

/// A PNG image decoded once and reused for a whole batch.
#[derive(Debug)]
pub struct Image {
    _width: u32,
}

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

/// What a visible signature shows.
#[derive(Clone, Debug, Default)]
pub struct AppearanceSpec {
    /// Text lines, top to bottom.
    pub lines: Vec<String>,
    /// Font for the text; required when `lines` is not empty.
    pub font: Option<Arc<Font>>,
    /// Font size in points; `None` picks the largest size (up to 12 pt) that fits.
    pub font_size: Option<f64>,
    /// Text colour, RGB in 0..=1.
    pub text_color: [f64; 3],
    /// Alignment of the text lines.
    pub align: Align,
    /// Image drawn in the box (left part when there is text, whole box otherwise).
    pub image: Option<Arc<Image>>,
}

/// Why an appearance could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppearanceError {
    /// Text was asked for but no font given.
    #[error("visible text needs a font")]
    NoFont,
}

/// Builds the appearance as a Form XObject of `width` × `height` points, adding it and its
/// resources (font subset, images) to `objects`, and returns the form's reference.
pub fn build_appearance(
    spec: &AppearanceSpec,
    width: f64,
    height: f64,
    objects: &mut NewObjects,
) -> Result<ObjRef, AppearanceError> {
    let _ = (width, height, objects);
    if !spec.lines.is_empty() && spec.font.is_none() {
        return Err(AppearanceError::NoFont);
    }
    Err(AppearanceError::NoFont)
}
