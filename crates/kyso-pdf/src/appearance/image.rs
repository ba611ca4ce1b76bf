//! PNG images: decoded and compressed once per batch, written per document as an Image
//! XObject with its alpha channel as a soft mask (ISO 32000-1 §8.9.5, §11.6.5.3).

use std::io::Cursor;

use png::{ColorType, Decoder, Limits, Transformations, Unit};

use super::font::deflate;
use super::AppearanceError;
use crate::object::{dict, ObjRef, Object};
use crate::writer::NewObjects;

/// Largest accepted image, in pixels: a 300 dpi A4 page is about 8.7 megapixels, a seal or a
/// handwritten signature far less. Bounds the memory a hostile file can make us allocate.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// Memory the PNG decoder may allocate: the largest image as 8-bit RGBA, plus slack.
const DECODER_BYTE_LIMIT: usize = 4 * 50_000_000 + (1 << 20);

/// A PNG image decoded once and reused for a whole batch (share it through `Arc`).
///
/// Invariant: `color` holds `width × height` samples of `components` bytes each, `alpha`
/// (when present) `width × height` bytes, both already zlib-compressed; `alpha` is `None`
/// when the image is fully opaque.
#[derive(Clone)]
pub struct Image {
    width: u32,
    height: u32,
    components: u8,
    color: Vec<u8>,
    alpha: Option<Vec<u8>>,
    pixels_per_metre: Option<(u32, u32)>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("components", &self.components)
            .field("alpha", &self.alpha.is_some())
            .finish()
    }
}

impl Image {
    /// Decodes a PNG of any colour type and bit depth: palettes and low bit depths are
    /// expanded, 16-bit samples reduced to 8, a tRNS chunk turned into an alpha channel.
    pub fn from_png(bytes: &[u8]) -> Result<Self, AppearanceError> {
        let mut decoder = Decoder::new_with_limits(
            Cursor::new(bytes),
            Limits {
                bytes: DECODER_BYTE_LIMIT,
            },
        );
        decoder.set_transformations(Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(AppearanceError::ImageDecode)?;
        let (width, height) = (reader.info().width, reader.info().height);
        if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
            return Err(AppearanceError::ImageTooLarge { width, height });
        }
        let pixels_per_metre = reader
            .info()
            .pixel_dims
            .filter(|d| d.unit == Unit::Meter && d.xppu > 0 && d.yppu > 0)
            .map(|d| (d.xppu, d.yppu));
        let mut buffer = vec![0; reader.output_buffer_size()];
        let frame = reader
            .next_frame(&mut buffer)
            .map_err(AppearanceError::ImageDecode)?;
        let pixels = buffer.get(..frame.buffer_size()).unwrap_or_default();
        let (components, has_alpha) = match frame.color_type {
            ColorType::Grayscale => (1, false),
            ColorType::GrayscaleAlpha => (1, true),
            ColorType::Rgb => (3, false),
            ColorType::Rgba => (3, true),
            // normalize_to_color8 expands palettes; a decoder that did not is a format error.
            ColorType::Indexed => return Err(AppearanceError::UnsupportedImageLayout),
        };
        let (color, alpha) = split_alpha(pixels, components, has_alpha);
        let alpha = alpha.filter(|a| a.iter().any(|&v| v != u8::MAX));
        Ok(Self {
            width,
            height,
            components,
            color: deflate(&color),
            alpha: alpha.map(|a| deflate(&a)),
            pixels_per_metre,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Whether some pixel is not fully opaque (the image gets a soft mask).
    pub fn has_transparency(&self) -> bool {
        self.alpha.is_some()
    }

    /// Width over height.
    pub fn aspect_ratio(&self) -> f64 {
        f64::from(self.width) / f64::from(self.height.max(1))
    }

    /// The printed size in points (1/72 in) from the PNG's physical pixel size (pHYs in pixels
    /// per metre), or `None` when the file does not state one: a seal's true size.
    pub fn natural_size_pt(&self) -> Option<(f64, f64)> {
        let (x, y) = self.pixels_per_metre?;
        let points_per_metre = 72.0 / 0.0254;
        Some((
            f64::from(self.width) / f64::from(x) * points_per_metre,
            f64::from(self.height) / f64::from(y) * points_per_metre,
        ))
    }

    /// Adds the image (and its soft mask) to `objects`; returns the image XObject.
    pub(crate) fn add_to(&self, objects: &mut NewObjects) -> ObjRef {
        let smask = self
            .alpha
            .as_ref()
            .map(|alpha| objects.add(Object::Stream(self.image_dict("DeviceGray"), alpha.clone())));
        let colour_space = if self.components == 1 {
            "DeviceGray"
        } else {
            "DeviceRGB"
        };
        let mut image = self.image_dict(colour_space);
        if let Some(smask) = smask {
            image.insert("SMask".into(), Object::Ref(smask));
        }
        objects.add(Object::Stream(image, self.color.clone()))
    }

    fn image_dict(&self, colour_space: &str) -> crate::object::Dict {
        dict([
            ("Type", Object::name("XObject")),
            ("Subtype", Object::name("Image")),
            ("Width", Object::Int(i64::from(self.width))),
            ("Height", Object::Int(i64::from(self.height))),
            ("ColorSpace", Object::name(colour_space)),
            ("BitsPerComponent", Object::Int(8)),
            ("Filter", Object::name("FlateDecode")),
        ])
    }
}

/// Splits interleaved 8-bit pixels into colour samples and, when present, alpha samples.
fn split_alpha(pixels: &[u8], components: u8, has_alpha: bool) -> (Vec<u8>, Option<Vec<u8>>) {
    if !has_alpha {
        return (pixels.to_vec(), None);
    }
    let colour = usize::from(components);
    let stride = colour + 1;
    let count = pixels.len() / stride;
    let mut color = Vec::with_capacity(count * colour);
    let mut alpha = Vec::with_capacity(count);
    for pixel in pixels.chunks_exact(stride) {
        let (c, a) = pixel.split_at(colour);
        color.extend_from_slice(c);
        alpha.extend_from_slice(a);
    }
    (color, Some(alpha))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(
        width: u32,
        height: u32,
        setup: impl FnOnce(&mut png::Encoder<'_, &mut Vec<u8>>),
        data: &[u8],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            setup(&mut encoder);
            let mut writer = encoder.write_header().expect("header");
            writer.write_image_data(data).expect("data");
        }
        out
    }

    fn inflate(data: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut out)
            .expect("valid zlib");
        out
    }

    #[test]
    fn decodes_rgba_into_colour_and_soft_mask() {
        let png = encode(
            2,
            1,
            |e| {
                e.set_color(ColorType::Rgba);
                e.set_depth(png::BitDepth::Eight);
            },
            &[0, 0, 255, 255, 10, 20, 30, 0],
        );
        let image = Image::from_png(&png).expect("decodes");
        assert_eq!((image.width(), image.height()), (2, 1));
        assert!(image.has_transparency());
        assert_eq!(inflate(&image.color), [0, 0, 255, 10, 20, 30]);
        assert_eq!(inflate(image.alpha.as_deref().expect("alpha")), [255, 0]);
    }

    #[test]
    fn drops_the_soft_mask_of_a_fully_opaque_image() {
        let png = encode(
            1,
            1,
            |e| {
                e.set_color(ColorType::Rgba);
                e.set_depth(png::BitDepth::Eight);
            },
            &[1, 2, 3, 255],
        );
        let image = Image::from_png(&png).expect("decodes");
        assert!(!image.has_transparency());
    }

    #[test]
    fn expands_a_palette_with_trns_to_rgb_and_alpha() {
        let png = encode(
            2,
            1,
            |e| {
                e.set_color(ColorType::Indexed);
                e.set_depth(png::BitDepth::Eight);
                e.set_palette(vec![255, 0, 0, 0, 0, 255]);
                e.set_trns(vec![0, 255]);
            },
            &[0, 1],
        );
        let image = Image::from_png(&png).expect("decodes");
        assert_eq!(image.components, 3);
        assert_eq!(inflate(&image.color), [255, 0, 0, 0, 0, 255]);
        assert_eq!(inflate(image.alpha.as_deref().expect("alpha")), [0, 255]);
    }

    #[test]
    fn reduces_sixteen_bit_grey_to_eight_bits() {
        let png = encode(
            2,
            1,
            |e| {
                e.set_color(ColorType::Grayscale);
                e.set_depth(png::BitDepth::Sixteen);
            },
            &[0xff, 0xff, 0x80, 0x00],
        );
        let image = Image::from_png(&png).expect("decodes");
        assert_eq!(image.components, 1);
        assert_eq!(inflate(&image.color), [0xff, 0x80]);
        assert!(!image.has_transparency());
    }

    #[test]
    fn expands_one_bit_grey() {
        let png = encode(
            8,
            1,
            |e| {
                e.set_color(ColorType::Grayscale);
                e.set_depth(png::BitDepth::One);
            },
            &[0b1010_0000],
        );
        let image = Image::from_png(&png).expect("decodes");
        assert_eq!(inflate(&image.color), [255, 0, 255, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn reads_the_physical_size_from_phys() {
        // 100 px at 3937 px/m (100 dpi) is one inch: 72 pt.
        let png = encode(
            100,
            50,
            |e| {
                e.set_color(ColorType::Grayscale);
                e.set_depth(png::BitDepth::Eight);
                e.set_pixel_dims(Some(png::PixelDimensions {
                    xppu: 3937,
                    yppu: 3937,
                    unit: Unit::Meter,
                }));
            },
            &[0; 5000],
        );
        let image = Image::from_png(&png).expect("decodes");
        let (w, h) = image.natural_size_pt().expect("pHYs");
        assert!(
            (w - 72.0).abs() < 0.1 && (h - 36.0).abs() < 0.1,
            "{w} × {h}"
        );
    }

    #[test]
    fn has_no_physical_size_without_phys() {
        let png = encode(1, 1, |e| e.set_color(ColorType::Grayscale), &[0]);
        assert_eq!(
            Image::from_png(&png).expect("decodes").natural_size_pt(),
            None
        );
    }

    #[test]
    fn decodes_the_shared_signature_and_seal_images() {
        for name in ["sig-blue.png", "seal-red.png"] {
            // The shared corpus sits beside the repository.
            let path = format!(
                "{}/../../../shared/corpora/vn-docs/{name}",
                env!("CARGO_MANIFEST_DIR")
            );
            let Ok(bytes) = std::fs::read(&path) else {
                return eprintln!("skipped: no {path}");
            };
            let image = Image::from_png(&bytes).expect("decodes");
            assert!(image.has_transparency(), "{name} should be transparent");
        }
    }

    #[test]
    fn rejects_a_corrupt_png() {
        let err =
            Image::from_png(b"\x89PNG\r\n\x1a\nthis is not a png").expect_err("must be refused");
        assert!(matches!(err, AppearanceError::ImageDecode(_)), "{err:?}");
    }

    #[test]
    fn rejects_every_truncation_of_a_valid_png() {
        let png = encode(3, 2, |e| e.set_color(ColorType::Rgb), &[7; 18]);
        assert!(Image::from_png(&png).is_ok());
        for len in 0..png.len() - 12 {
            let cut = png.get(..len).unwrap_or_default();
            assert!(
                Image::from_png(cut).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }

    #[test]
    fn rejects_an_image_beyond_the_pixel_cap() {
        // A header claiming 100000 × 100000 pixels: refused before any allocation.
        let mut png = encode(1, 1, |e| e.set_color(ColorType::Grayscale), &[0]);
        let ihdr = 16;
        if let Some(dims) = png.get_mut(ihdr..ihdr + 8) {
            dims.copy_from_slice(&[0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0]);
        }
        // Fix the IHDR CRC so the decoder reaches the dimension check.
        let crc = crc32(png.get(12..29).expect("ihdr"));
        if let Some(slot) = png.get_mut(29..33) {
            slot.copy_from_slice(&crc.to_be_bytes());
        }
        let err = Image::from_png(&png).expect_err("must be refused");
        assert!(
            matches!(
                err,
                AppearanceError::ImageTooLarge {
                    width: 100_000,
                    height: 100_000
                }
            ),
            "{err:?}"
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        crc.sum()
    }
}
