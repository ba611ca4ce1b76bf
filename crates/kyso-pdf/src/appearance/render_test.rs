//! End-to-end checks of appearances: a one-page PDF drawing the form, judged by poppler
//! (`pdftoppm`, `pdftotext`, `pdffonts`) and by looking at the rendered pixels.
//!
//! The poppler tests skip with a printed reason when poppler is not installed, unless
//! `CI=true`, where they fail. Rendered pages are kept in `/tmp/kyso-appearance/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

use super::*;

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const LIBERATION_SERIF: &str = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";
/// The shared corpus sits beside the repository (`../shared` from the workspace root).
const SIG_BLUE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpora/vn-docs/sig-blue.png"
);
const SEAL_RED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpora/vn-docs/seal-red.png"
);
const OUT_DIR: &str = "/tmp/kyso-appearance";

/// Rendering resolution, dots per inch.
const DPI: f64 = 100.0;

const LINES: [&str; 3] = [
    "Người ký: Nguyễn Văn An",
    "Cơ quan: Ủy ban nhân dân tỉnh Hà Tĩnh",
    "Thời gian ký: 06.03.2020 11:27:34 +07:00",
];

/// Where the appearance sits on the test page, in points.
#[derive(Clone, Copy)]
struct Placement {
    page: (f64, f64),
    at: (f64, f64),
    size: (f64, f64),
}

fn load_font(path: &str) -> Option<Arc<Font>> {
    let bytes = std::fs::read(path).ok()?;
    Some(Arc::new(
        Font::from_bytes(Arc::from(bytes)).expect("font parses"),
    ))
}

fn load_image(path: &str) -> Option<Arc<Image>> {
    let bytes = std::fs::read(path).ok()?;
    Some(Arc::new(Image::from_png(&bytes).expect("image decodes")))
}

/// Whether the poppler tools can run; outside CI a missing poppler skips the test.
fn poppler_ready(test: &str) -> bool {
    let found = Command::new("pdftoppm").arg("-v").output().is_ok()
        && Command::new("pdftotext").arg("-v").output().is_ok()
        && Command::new("pdffonts").arg("-v").output().is_ok();
    if !found {
        skip(
            test,
            "poppler-utils (pdftoppm, pdftotext, pdffonts) is not installed",
        );
    }
    found
}

/// Skips a rendering test for a missing tool or file, with the reason printed; under
/// `CI=true` a missing prerequisite fails the test instead.
fn skip(test: &str, reason: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {reason} (required in CI)"
    );
    eprintln!("skipped {test}: {reason}");
}

/// A complete one-page PDF whose page draws the form built from `spec`.
fn one_page_pdf(spec: &AppearanceSpec, place: Placement) -> Vec<u8> {
    let mut objects = NewObjects::new(1);
    let catalog = objects.reserve();
    let pages = objects.reserve();
    let page = objects.reserve();
    let contents = objects.reserve();
    let form = build_appearance(spec, place.size.0, place.size.1, &mut objects)
        .expect("appearance builds");
    let draw = format!(
        "q 1 0 0 1 {} {} cm /X0 Do Q\n",
        num(place.at.0),
        num(place.at.1)
    );
    objects.set(contents, Object::Stream(Dict::new(), draw.into_bytes()));
    objects.set(
        page,
        Object::Dict(dict([
            ("Type", Object::name("Page")),
            ("Parent", Object::Ref(pages)),
            (
                "MediaBox",
                Object::reals(&[0.0, 0.0, place.page.0, place.page.1]),
            ),
            (
                "Resources",
                Object::Dict(dict([(
                    "XObject",
                    Object::Dict(dict([("X0", Object::Ref(form))])),
                )])),
            ),
            ("Contents", Object::Ref(contents)),
        ])),
    );
    objects.set(
        pages,
        Object::Dict(dict([
            ("Type", Object::name("Pages")),
            ("Kids", Object::Array(vec![Object::Ref(page)])),
            ("Count", Object::Int(1)),
        ])),
    );
    objects.set(
        catalog,
        Object::Dict(dict([
            ("Type", Object::name("Catalog")),
            ("Pages", Object::Ref(pages)),
        ])),
    );
    serialize(&objects, catalog)
}

/// Writes the objects with a classic cross-reference table.
fn serialize(objects: &NewObjects, root: ObjRef) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let size = objects.next_free();
    let mut offsets = vec![None; usize::try_from(size).expect("small")];
    let mut sorted: Vec<(ObjRef, &Object)> = objects.iter().collect();
    sorted.sort_by_key(|(r, _)| r.num);
    for (r, object) in sorted {
        if let Some(slot) = offsets.get_mut(usize::try_from(r.num).expect("small")) {
            *slot = Some(out.len());
        }
        out.extend_from_slice(format!("{} {} obj\n", r.num, r.gen).as_bytes());
        object.write_to(&mut out).expect("vec write");
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets.iter().skip(1) {
        let line = match offset {
            Some(at) => format!("{at:010} 00000 n \n"),
            None => "0000000000 65535 f \n".to_owned(),
        };
        out.extend_from_slice(line.as_bytes());
    }
    let trailer = format!(
        "trailer\n<< /Size {size} /Root {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        root.num
    );
    out.extend_from_slice(trailer.as_bytes());
    out
}

fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().expect("tool runs");
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// A rendered page: 8-bit RGB(A) pixels.
struct Raster {
    width: usize,
    height: usize,
    channels: usize,
    pixels: Vec<u8>,
}

impl Raster {
    fn read(path: &Path) -> Self {
        let file = std::fs::File::open(path).expect("rendered PNG exists");
        let mut decoder = png::Decoder::new(file);
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("PNG header");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).expect("PNG data");
        let channels = info.color_type.samples();
        Self {
            width: info.width as usize,
            height: info.height as usize,
            channels,
            pixels,
        }
    }

    fn rgb(&self, x: usize, y: usize) -> Option<[u8; 3]> {
        let at = (y * self.width + x) * self.channels;
        let px = self.pixels.get(at..at + self.channels)?;
        match px {
            [g] | [g, _] => Some([*g, *g, *g]),
            [r, g, b, ..] => Some([*r, *g, *b]),
            _ => None,
        }
    }

    /// Counts pixels matching `test` inside a rectangle given in PDF points on a page of
    /// `page_height` points (PDF y grows upwards, raster y downwards).
    fn count_in(
        &self,
        rect: (f64, f64, f64, f64),
        page_height: f64,
        test: impl Fn([u8; 3]) -> bool,
    ) -> usize {
        let scale = DPI / 72.0;
        let (x0, y0, x1, y1) = rect;
        let px = |v: f64| (v * scale).round().max(0.0) as usize;
        let (left, right) = (px(x0), px(x1).min(self.width));
        let (top, bottom) = (px(page_height - y1), px(page_height - y0).min(self.height));
        (top..bottom)
            .flat_map(|y| (left..right).map(move |x| (x, y)))
            .filter_map(|(x, y)| self.rgb(x, y))
            .filter(|p| test(*p))
            .count()
    }
}

fn is_blue([r, g, b]: [u8; 3]) -> bool {
    b > 120 && b > r.saturating_add(60) && b > g.saturating_add(40)
}

fn is_red([r, g, b]: [u8; 3]) -> bool {
    r > 150 && r > g.saturating_add(80) && r > b.saturating_add(80)
}

fn is_dark([r, g, b]: [u8; 3]) -> bool {
    r < 90 && g < 90 && b < 90
}

/// Writes the PDF, renders it and returns (pdf path, png path).
fn render(name: &str, pdf: &[u8]) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(OUT_DIR).expect("output dir");
    let pdf_path = Path::new(OUT_DIR).join(format!("{name}.pdf"));
    std::fs::write(&pdf_path, pdf).expect("write PDF");
    let prefix = Path::new(OUT_DIR).join(name);
    let dpi = DPI.to_string();
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            &dpi,
            "-singlefile",
            path_str(&pdf_path),
            path_str(&prefix),
        ],
    );
    (pdf_path, prefix.with_extension("png"))
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// The rows of `pdffonts` after its two header lines.
fn font_rows(pdf: &Path) -> Vec<String> {
    run("pdffonts", &[path_str(pdf)])
        .lines()
        .skip(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn renders_vietnamese_text_in_an_embedded_subset_beside_the_blue_signature() {
    let test = "renders_vietnamese_text_in_an_embedded_subset_beside_the_blue_signature";
    if !poppler_ready(test) {
        return;
    }
    let (Some(font), Some(image)) = (load_font(DEJAVU), load_image(SIG_BLUE)) else {
        return skip(test, &format!("{DEJAVU} or {SIG_BLUE} missing"));
    };
    let place = Placement {
        page: (420.0, 200.0),
        at: (40.0, 60.0),
        size: (340.0, 80.0),
    };
    let spec = AppearanceSpec {
        lines: LINES.iter().map(|l| (*l).to_owned()).collect(),
        font: Some(font),
        image: Some(image.clone()),
        ..AppearanceSpec::default()
    };
    let (pdf, png) = render("vietnamese-with-signature", &one_page_pdf(&spec, place));

    let text = run("pdftotext", &[path_str(&pdf), "-"]);
    for line in LINES {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{line:?} not extracted from {text:?}"
        );
    }

    let rows = font_rows(&pdf);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = rows.first().map(String::as_str).unwrap_or_default();
    let cols: Vec<&str> = row.split_whitespace().collect();
    let name = cols.first().copied().unwrap_or_default();
    assert!(
        name.ends_with("+DejaVuSans") && name.find('+') == Some(6),
        "{row}"
    );
    assert!(
        row.contains("CID TrueType") && row.contains("Identity-H"),
        "{row}"
    );
    // Columns: name, type (two words), encoding, emb, sub, uni, object, id.
    assert_eq!(
        cols.get(4..7),
        Some(&["yes", "yes", "yes"][..]),
        "emb/sub/uni: {row}"
    );

    // Geometry from the layout: the image takes the left column, the text the rest.
    let raster = Raster::read(&png);
    let (x, y) = place.at;
    let (w, h) = place.size;
    let column = (h * image.aspect_ratio()).min(w / 2.0);
    let blue = raster.count_in((x, y, x + column, y + h), place.page.1, is_blue);
    let blue_right = raster.count_in((x + column, y, x + w, y + h), place.page.1, is_blue);
    let dark = raster.count_in((x + column, y, x + w, y + h), place.page.1, is_dark);
    let dark_left = raster.count_in((x, y, x + column, y + h), place.page.1, is_dark);
    let outside = raster.count_in((0.0, 0.0, place.page.0, y - 2.0), place.page.1, |p| {
        p != [255; 3]
    });
    assert!(blue > 300, "only {blue} blue pixels where the signature is");
    assert_eq!(blue_right, 0, "blue pixels in the text column");
    assert!(dark > 500, "only {dark} dark pixels where the text is");
    assert_eq!(dark_left, 0, "dark pixels in the image column");
    assert_eq!(outside, 0, "ink below the appearance box");
    eprintln!("rendered {} (blue {blue}, dark {dark})", png.display());
}

#[test]
fn renders_nfd_input_in_liberation_serif_at_ten_points_right_aligned() {
    let test = "renders_nfd_input_in_liberation_serif_at_ten_points_right_aligned";
    if !poppler_ready(test) {
        return;
    }
    let Some(font) = load_font(LIBERATION_SERIF) else {
        return skip(test, &format!("{LIBERATION_SERIF} missing"));
    };
    let nfd: Vec<String> = LINES.iter().map(|l| l.nfd().collect()).collect();
    assert_ne!(
        nfd.first().map(String::as_str),
        LINES.first().copied(),
        "input must be NFD"
    );
    let place = Placement {
        page: (420.0, 200.0),
        at: (160.0, 120.0),
        size: (250.0, 60.0),
    };
    let spec = AppearanceSpec {
        lines: nfd,
        font: Some(font),
        font_size: Some(10.0),
        align: Align::Right,
        ..AppearanceSpec::default()
    };
    let (pdf, png) = render("nfd-liberation-serif", &one_page_pdf(&spec, place));

    // Decomposed input is drawn (and so extracted) through the precomposed glyphs.
    let text = run("pdftotext", &[path_str(&pdf), "-"]);
    for line in LINES {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{line:?} not extracted from {text:?}"
        );
    }
    let rows = font_rows(&pdf);
    let row = rows.first().map(String::as_str).unwrap_or_default();
    assert!(row.contains("+LiberationSerif "), "{row}");

    let raster = Raster::read(&png);
    let (x, y) = place.at;
    let (w, h) = place.size;
    let right_half = raster.count_in((x + w / 2.0, y, x + w, y + h), place.page.1, is_dark);
    let left_strip = raster.count_in((x, y, x + 20.0, y + h), place.page.1, is_dark);
    assert!(
        right_half > 300,
        "right-aligned text missing: {right_half} dark pixels"
    );
    assert_eq!(left_strip, 0, "right-aligned text reaches the left edge");
}

#[test]
fn renders_the_red_seal_alone_without_any_font() {
    let test = "renders_the_red_seal_alone_without_any_font";
    if !poppler_ready(test) {
        return;
    }
    let Some(seal) = load_image(SEAL_RED) else {
        return skip(test, &format!("{SEAL_RED} missing"));
    };
    let (w, h) = seal.natural_size_pt().expect("seal states its DPI");
    let place = Placement {
        page: (300.0, 200.0),
        at: (50.0, 40.0),
        size: (w, h),
    };
    let spec = AppearanceSpec {
        image: Some(seal),
        ..AppearanceSpec::default()
    };
    let (pdf, png) = render("seal-only", &one_page_pdf(&spec, place));
    assert!(font_rows(&pdf).is_empty(), "a seal needs no font");
    let raster = Raster::read(&png);
    let (x, y) = place.at;
    let red = raster.count_in((x, y, x + w, y + h), place.page.1, is_red);
    let red_outside = raster.count_in(
        (x + w + 2.0, 0.0, place.page.0, place.page.1),
        place.page.1,
        is_red,
    );
    assert!(red > 1000, "only {red} red pixels in the seal box");
    assert_eq!(red_outside, 0);
}

#[test]
fn renders_the_seal_above_centred_text() {
    let test = "renders_the_seal_above_centred_text";
    if !poppler_ready(test) {
        return;
    }
    let (Some(font), Some(seal)) = (load_font(LIBERATION_SERIF), load_image(SEAL_RED)) else {
        return skip(test, &format!("{LIBERATION_SERIF} or {SEAL_RED} missing"));
    };
    let lines = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"];
    let place = Placement {
        page: (300.0, 260.0),
        at: (50.0, 30.0),
        size: (200.0, 200.0),
    };
    let spec = AppearanceSpec {
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        font: Some(font),
        align: Align::Center,
        image: Some(seal),
        image_placement: ImagePlacement::Above,
        ..AppearanceSpec::default()
    };
    let (pdf, png) = render("seal-above-text", &one_page_pdf(&spec, place));
    let text = run("pdftotext", &[path_str(&pdf), "-"]);
    for line in lines {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "{line:?} not extracted from {text:?}"
        );
    }
    let raster = Raster::read(&png);
    let (x, y) = place.at;
    let (w, h) = place.size;
    let top = (x, y + h / 2.0, x + w, y + h);
    let bottom = (x, y, x + w, y + h / 2.0);
    let red_top = raster.count_in(top, place.page.1, is_red);
    let red_bottom = raster.count_in(bottom, place.page.1, is_red);
    let dark_bottom = raster.count_in(bottom, place.page.1, is_dark);
    let dark_top = raster.count_in(top, place.page.1, is_dark);
    assert!(
        red_top > 1000 && red_bottom == 0,
        "seal: {red_top} red above, {red_bottom} below"
    );
    assert!(
        dark_bottom > 200 && dark_top == 0,
        "text: {dark_bottom} below, {dark_top} above"
    );
    // Centred: about as much ink left of the middle as right of it.
    let mid = x + w / 2.0;
    let left = raster.count_in((x, y, mid, y + h / 2.0), place.page.1, is_dark) as f64;
    let right = raster.count_in((mid, y, x + w, y + h / 2.0), place.page.1, is_dark) as f64;
    assert!(
        (left - right).abs() < 0.25 * (left + right),
        "left {left}, right {right}"
    );
}

#[test]
fn refuses_text_with_a_missing_glyph_and_adds_no_object() {
    let Some(font) = load_font(DEJAVU) else {
        return eprintln!("skipped: {DEJAVU} missing");
    };
    let spec = AppearanceSpec {
        lines: vec!["Người ký: Nguyễn Văn An".into(), "印章".into()],
        font: Some(font),
        image: load_image(SIG_BLUE),
        ..AppearanceSpec::default()
    };
    let mut objects = NewObjects::new(10);
    let err = build_appearance(&spec, 200.0, 60.0, &mut objects).expect_err("must be refused");
    assert!(
        matches!(
            err,
            AppearanceError::MissingGlyph {
                character: '印',
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "font DejaVuSans has no glyph for '印' (U+5370)"
    );
    assert_eq!(objects.next_free(), 10);
    assert_eq!(objects.iter().count(), 0);
}

#[test]
fn builds_text_with_a_font_and_refuses_text_without_one() {
    let spec = AppearanceSpec {
        lines: vec!["Người ký".into()],
        ..AppearanceSpec::default()
    };
    let mut objects = NewObjects::new(1);
    let err = build_appearance(&spec, 100.0, 30.0, &mut objects).expect_err("must be refused");
    assert!(matches!(err, AppearanceError::NoFont), "{err:?}");
    let Some(font) = load_font(DEJAVU) else {
        return;
    };
    let spec = AppearanceSpec {
        font: Some(font),
        ..spec
    };
    let form = build_appearance(&spec, 100.0, 30.0, &mut objects).expect("builds");
    let body = objects
        .iter()
        .find(|(r, _)| *r == form)
        .map(|(_, o)| o.to_bytes());
    let body = String::from_utf8_lossy(&body.expect("form added")).into_owned();
    assert!(
        body.contains("/Subtype /Form") && body.contains("/BBox [0 0 100 30]"),
        "{body}"
    );
    assert!(body.contains("/Font <</F0 "), "{body}");
}

#[test]
fn refuses_a_box_that_is_not_a_positive_finite_size() {
    let spec = AppearanceSpec::default();
    for (w, h) in [
        (0.0, 10.0),
        (10.0, -1.0),
        (f64::NAN, 10.0),
        (10.0, f64::INFINITY),
        (20_000.0, 10.0),
    ] {
        let err =
            build_appearance(&spec, w, h, &mut NewObjects::new(1)).expect_err("must be refused");
        assert!(
            matches!(err, AppearanceError::InvalidBox { .. }),
            "{w} × {h}: {err:?}"
        );
    }
    assert!(build_appearance(&spec, 10.0, 10.0, &mut NewObjects::new(1)).is_ok());
}

#[test]
fn refuses_a_font_size_that_is_not_positive_and_finite() {
    let Some(font) = load_font(DEJAVU) else {
        return;
    };
    for size in [0.0, -3.0, f64::NAN, 5000.0] {
        let spec = AppearanceSpec {
            lines: vec!["a".into()],
            font: Some(font.clone()),
            font_size: Some(size),
            ..AppearanceSpec::default()
        };
        let err = build_appearance(&spec, 50.0, 20.0, &mut NewObjects::new(1))
            .expect_err("must be refused");
        assert!(
            matches!(err, AppearanceError::InvalidFontSize(_)),
            "{size}: {err:?}"
        );
    }
}

#[test]
fn refuses_text_beyond_the_character_cap() {
    let Some(font) = load_font(DEJAVU) else {
        return;
    };
    let spec = AppearanceSpec {
        lines: vec!["a".repeat(MAX_TEXT_CHARS + 1)],
        font: Some(font),
        ..AppearanceSpec::default()
    };
    let err =
        build_appearance(&spec, 50.0, 20.0, &mut NewObjects::new(1)).expect_err("must be refused");
    assert!(
        matches!(err, AppearanceError::TextTooLong { .. }),
        "{err:?}"
    );
}

#[test]
fn refuses_a_file_that_is_not_a_font() {
    let Ok(bytes) = std::fs::read(SIG_BLUE) else {
        return;
    };
    let err = Font::from_bytes(Arc::from(bytes)).expect_err("must be refused");
    assert!(matches!(err, AppearanceError::NotAFont(_)), "{err:?}");
}

/// Per-appearance cost with a font and an image shared across the batch, as the signer uses
/// them. "same time" is a batch signed within one second (every document draws the same
/// text, so the font subset comes from the cache); "new time" gives every document a
/// different time (the subset is made and compressed each time). Run:
/// `cargo test -p kyso-pdf --release appearance_build_time -- --ignored --nocapture`.
#[test]
#[ignore = "timing, not a check"]
fn appearance_build_time() {
    let (Some(font), Some(image)) = (load_font(DEJAVU), load_image(SIG_BLUE)) else {
        return skip(
            "appearance_build_time",
            &format!("{DEJAVU} or {SIG_BLUE} missing"),
        );
    };
    let runs = 1000u32;
    let cases = [
        ("text + image, same time", true, true, false),
        ("text + image, new time", true, true, true),
        ("text only, same time", true, false, false),
        ("text only, new time", true, false, true),
        ("image only", false, true, false),
    ];
    for (label, with_text, with_image, new_time) in cases {
        let start = std::time::Instant::now();
        let mut bytes = 0usize;
        for i in 0..runs {
            let i = if new_time { i } else { 0 };
            let time = format!(
                "Thời gian ký: 06.03.2020 {:02}:{:02}:{:02} +07:00",
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            );
            let lines = [LINES[0], LINES[1], time.as_str()];
            let spec = AppearanceSpec {
                lines: if with_text {
                    lines.map(str::to_owned).to_vec()
                } else {
                    Vec::new()
                },
                font: Some(font.clone()),
                image: with_image.then(|| image.clone()),
                ..AppearanceSpec::default()
            };
            let mut objects = NewObjects::new(100);
            build_appearance(&spec, 340.0, 80.0, &mut objects).expect("builds");
            bytes += objects
                .iter()
                .map(|(_, o)| o.to_bytes().len())
                .sum::<usize>();
        }
        let per = start.elapsed() / runs;
        eprintln!(
            "{label}: {per:?} per appearance, {} bytes of objects",
            bytes / runs as usize
        );
    }
}

/// xorshift64: a deterministic byte-position generator for corruption tests.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn survives_corrupted_font_bytes_without_panicking() {
    let Ok(original) = std::fs::read(DEJAVU) else {
        return eprintln!("skipped: no {DEJAVU}");
    };
    // Corrupt the table directory and the tables parsing and subsetting read.
    let raw = ttf_parser::RawFace::parse(&original, 0).expect("font");
    let mut regions: Vec<(usize, usize)> = vec![(0, 332)];
    for record in raw.table_records {
        let tag = record.tag.to_bytes();
        let wanted: [&[u8; 4]; 9] = [
            b"head", b"hhea", b"maxp", b"loca", b"cmap", b"hmtx", b"glyf", b"name", b"post",
        ];
        if wanted.contains(&&tag) {
            let start = usize::try_from(record.offset).unwrap_or(0);
            let len = usize::try_from(record.length).unwrap_or(0);
            // For glyf, only the start (where the basic Latin glyphs tend to be).
            regions.push((
                start,
                if &tag == b"glyf" {
                    len.min(60_000)
                } else {
                    len
                },
            ));
        }
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut built = 0;
    let rounds = 400;
    for round in 0..rounds {
        let mut bytes = original.clone();
        let (start, len) = regions
            .get(round % regions.len())
            .copied()
            .unwrap_or((0, 1));
        for _ in 0..8 {
            let at = start + usize::try_from(xorshift(&mut state) % len.max(1) as u64).unwrap_or(0);
            if let Some(b) = bytes.get_mut(at) {
                *b ^= u8::try_from(xorshift(&mut state) & 0xff).unwrap_or(1) | 1;
            }
        }
        let Ok(font) = Font::from_bytes(Arc::from(bytes)) else {
            continue;
        };
        let spec = AppearanceSpec {
            lines: LINES.iter().map(|l| (*l).to_owned()).collect(),
            font: Some(Arc::new(font)),
            ..AppearanceSpec::default()
        };
        if build_appearance(&spec, 200.0, 60.0, &mut NewObjects::new(1)).is_ok() {
            built += 1;
        }
    }
    eprintln!("{built} of {rounds} corrupted fonts still built an appearance");
    // Reaching here means no panic; both outcomes must have occurred for that to mean much.
    assert!(built > 0 && built < rounds, "{built} of {rounds} built");
}

#[test]
fn survives_corrupted_png_bytes_without_panicking() {
    let Ok(original) = std::fs::read(SIG_BLUE) else {
        return eprintln!("skipped: no {SIG_BLUE}");
    };
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut refused = 0;
    for _ in 0..300 {
        let mut bytes = original.clone();
        for _ in 0..4 {
            let at = usize::try_from(xorshift(&mut state) % bytes.len() as u64).unwrap_or(0);
            if let Some(b) = bytes.get_mut(at) {
                *b ^= u8::try_from(xorshift(&mut state) & 0xff).unwrap_or(1) | 1;
            }
        }
        if Image::from_png(&bytes).is_err() {
            refused += 1;
        }
    }
    // CRCs cover every chunk: nearly every corruption is caught.
    assert!(
        refused > 250,
        "only {refused} of 300 corrupted PNGs refused"
    );
}

/// The size and line count `build_appearance` would draw the spec's text with in a box.
fn planned(spec: &AppearanceSpec, (w, h): (f64, f64)) -> (f64, usize) {
    let lines = split_lines(&spec.lines).expect("lines");
    let aspect = spec.image.as_ref().map(|i| i.aspect_ratio());
    let region = layout::regions(w, h, true, aspect, spec.image_placement)
        .text
        .expect("text");
    let plan = plan_text(spec, &lines, region).expect("plan");
    (plan.fitted.size, plan.fitted.lines.len())
}

#[test]
fn natural_size_shows_the_text_at_full_size_on_unbroken_lines() {
    let (Some(font), Some(image)) = (load_font(LIBERATION_SERIF), load_image(SIG_BLUE)) else {
        return eprintln!("skipped: {LIBERATION_SERIF} or {SIG_BLUE} missing");
    };
    let lines: Vec<String> = LINES.iter().map(|l| (*l).to_owned()).collect();
    for (font_size, image, placement) in [
        (Some(10.0), None, ImagePlacement::Left),
        (None, None, ImagePlacement::Left),
        (None, Some(image.clone()), ImagePlacement::Left),
        (Some(9.0), Some(image), ImagePlacement::Above),
    ] {
        let spec = AppearanceSpec {
            lines: lines.clone(),
            font: Some(font.clone()),
            font_size,
            image,
            image_placement: placement,
            ..AppearanceSpec::default()
        };
        let natural = spec.natural_size().expect("natural size");
        let (size, count) = planned(&spec, natural);
        let wanted = font_size.unwrap_or(12.0);
        assert!(
            (size - wanted).abs() < 1e-6,
            "{font_size:?} {placement:?}: drawn at {size}"
        );
        assert_eq!(count, 3, "{font_size:?} {placement:?}: lines were wrapped");
        // One point narrower and the text no longer fits as it is.
        let (smaller, wrapped) = planned(&spec, (natural.0 - 1.0, natural.1));
        assert!(
            smaller < wanted - 1e-6 || wrapped > 3,
            "{font_size:?} {placement:?}"
        );
    }
}

#[test]
fn natural_size_refuses_text_it_cannot_draw() {
    let spec = AppearanceSpec {
        lines: vec!["Người ký".into()],
        ..AppearanceSpec::default()
    };
    let err = spec.natural_size().expect_err("must be refused");
    assert!(matches!(err, AppearanceError::NoFont), "{err:?}");
    let Some(font) = load_font(LIBERATION_SERIF) else {
        return;
    };
    let spec = AppearanceSpec {
        lines: vec!["Ký 印".into()],
        font: Some(font),
        ..spec
    };
    let err = spec.natural_size().expect_err("must be refused");
    assert!(
        matches!(
            err,
            AppearanceError::MissingGlyph {
                character: '印',
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn natural_size_of_the_seal_alone_is_its_true_size() {
    let Some(seal) = load_image(SEAL_RED) else {
        return eprintln!("skipped: no {SEAL_RED}");
    };
    let spec = AppearanceSpec {
        image: Some(seal),
        ..AppearanceSpec::default()
    };
    let (w, h) = spec.natural_size().expect("size");
    // 425 px at 300 dpi = 36 mm = 102 pt.
    assert!(
        (w - 102.0).abs() < 0.5 && (h - 102.0).abs() < 0.5,
        "{w} × {h}"
    );
}

#[test]
fn fonts_and_images_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Font>();
    shared::<Image>();
    shared::<AppearanceSpec>();
}
