//! Text extraction with positions: which characters a page shows, and where.
//!
//! [`page_glyphs`] interprets a page's content streams (and the Form XObjects they draw) far
//! enough to know, for every glyph shown, its Unicode text and its box in default user space
//! (ISO 32000-1 §9.4: `Tj`, `TJ`, `'`, `"`, the text matrices `Tm`/`Td`/`TD`/`T*`, `cm`,
//! `q`/`Q`). Fonts are read the way real Vietnamese PDFs need: `/ToUnicode` CMaps (`bfchar`
//! and `bfrange`, one code to several characters as in NFD text), Type0 fonts with two-byte
//! codes (Identity-H), simple fonts with WinAnsi/Standard encodings and `/Differences`.
//!
//! The result is what was drawn, glyph by glyph, in drawing order: grouping glyphs into words
//! and lines, and normalising Unicode, is the caller's job. Nothing here panics on a malformed
//! content stream: unknown operators are skipped, missing operands ignored, and the work a
//! page can cause is bounded ([`MAX_GLYPHS`], [`MAX_OPERATIONS`], [`MAX_FORM_DEPTH`]).

use std::collections::HashMap;

use crate::document::Document;
use crate::error::Error;
use crate::object::{Dict, ObjRef, Object};

/// Most glyphs collected from one page: a dense page has a few thousand; the cap bounds memory
/// a hostile content stream can claim.
pub const MAX_GLYPHS: usize = 1_000_000;
/// Most content-stream operations interpreted for one page, Form XObjects included.
pub const MAX_OPERATIONS: usize = 10_000_000;
/// Deepest nesting of Form XObjects followed (a form drawing a form…).
pub const MAX_FORM_DEPTH: usize = 8;
/// Deepest `q` nesting kept; further saves are ignored (their `Q` then restores an outer
/// state, which only shifts text positions of a malformed stream).
const MAX_SAVED_STATES: usize = 256;
/// Most entries one `bfrange` may expand to, so a CMap cannot ask for unbounded work.
const MAX_RANGE_LEN: u32 = 0x1_0000;

/// One glyph drawn on a page.
#[derive(Clone, Debug, PartialEq)]
pub struct TextGlyph {
    /// The glyph's Unicode text from the font (often one character; a ligature or an NFD
    /// mapping gives several; empty when the font does not say).
    pub text: String,
    /// Axis-aligned box `[x1 y1 x2 y2]` in default user space (origin lower-left), from the
    /// glyph's advance width and the font's ascent and descent.
    pub bbox: [f64; 4],
    /// Baseline origin of the glyph in default user space.
    pub origin: [f64; 2],
    /// Effective font size in points (text size scaled by the text and graphics matrices).
    pub size: f64,
}

/// The glyphs shown on the page at zero-based `page_index`, in drawing order.
pub fn page_glyphs(doc: &Document<'_>, page_index: usize) -> Result<Vec<TextGlyph>, Error> {
    let page = doc.page(page_index)?;
    let resources = match &page.resources {
        Some(r) => match doc.resolve(r)? {
            Object::Dict(d) => d,
            _ => Dict::new(),
        },
        None => Dict::new(),
    };
    let content = match doc.resolve_key(&page.dict, "Contents")? {
        None => return Ok(Vec::new()),
        Some(object) => content_bytes(doc, page.dict.get(b"Contents".as_slice()), &object)?,
    };
    let mut interpreter = Interpreter {
        doc,
        glyphs: Vec::new(),
        operations: 0,
        fonts: HashMap::new(),
    };
    interpreter.run(&content, &resources, IDENTITY, 0)?;
    Ok(interpreter.glyphs)
}

/// The decoded bytes of /Contents: one stream, or an array of streams joined by white space.
fn content_bytes(
    doc: &Document<'_>,
    raw: Option<&Object>,
    resolved: &Object,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    match resolved {
        Object::Stream(..) => {
            if let Some(r) = raw.and_then(Object::as_ref) {
                append_stream(doc, r, &mut out)?;
            }
        }
        Object::Array(items) => {
            for item in items {
                if let Some(r) = item.as_ref() {
                    append_stream(doc, r, &mut out)?;
                    out.push(b'\n');
                }
            }
        }
        _ => {}
    }
    Ok(out)
}

fn append_stream(doc: &Document<'_>, r: ObjRef, out: &mut Vec<u8>) -> Result<(), Error> {
    if let Some((dict, raw)) = doc.get_stream(r)? {
        out.extend_from_slice(&doc.decode(&dict, raw)?);
    }
    Ok(())
}

/// A 2-D affine matrix `[a b c d e f]` (ISO 32000-1 §8.3.3).
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m1 × m2`: apply `m1`, then `m2`.
fn multiply(m1: Matrix, m2: Matrix) -> Matrix {
    let [a1, b1, c1, d1, e1, f1] = m1;
    let [a2, b2, c2, d2, e2, f2] = m2;
    [
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    ]
}

fn apply(m: Matrix, x: f64, y: f64) -> [f64; 2] {
    let [a, b, c, d, e, f] = m;
    [a * x + c * y + e, b * x + d * y + f]
}

fn translate(tx: f64, ty: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// The graphics-state part that text positions depend on.
#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<FontKey>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    leading: f64,
    rise: f64,
}

impl GraphicsState {
    fn new(ctm: Matrix) -> Self {
        Self {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Fonts are cached by their object (a direct font dictionary by its resource name and the
/// form depth, which is unique enough within one page).
#[derive(Clone, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjRef),
    Direct(Vec<u8>, usize),
}

struct Interpreter<'d, 'a> {
    doc: &'d Document<'a>,
    glyphs: Vec<TextGlyph>,
    operations: usize,
    fonts: HashMap<FontKey, FontInfo>,
}

/// A content-stream operand.
#[derive(Clone, Debug)]
enum Operand {
    Number(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Operand>),
    Other,
}

impl Operand {
    fn number(&self) -> Option<f64> {
        match self {
            Self::Number(n) if n.is_finite() => Some(*n),
            _ => None,
        }
    }
}

impl Interpreter<'_, '_> {
    fn run(
        &mut self,
        content: &[u8],
        resources: &Dict,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), Error> {
        let mut lexer = Lexer::new(content);
        let mut operands: Vec<Operand> = Vec::new();
        let mut state = GraphicsState::new(ctm);
        let mut stack: Vec<GraphicsState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        while let Some(token) = lexer.next_operand_or_operator(&mut operands) {
            let Token::Operator(op) = token else {
                continue;
            };
            self.operations = self.operations.saturating_add(1);
            if self.operations > MAX_OPERATIONS || self.glyphs.len() >= MAX_GLYPHS {
                break;
            }
            let nums: Vec<f64> = operands.iter().filter_map(Operand::number).collect();
            match op.as_slice() {
                b"q" if stack.len() < MAX_SAVED_STATES => stack.push(state.clone()),
                b"Q" => {
                    if let Some(saved) = stack.pop() {
                        state = saved;
                    }
                }
                b"cm" => {
                    if let Ok(m) = <[f64; 6]>::try_from(nums.as_slice()) {
                        state.ctm = multiply(m, state.ctm);
                    }
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"Tf" => {
                    if let (Some(Operand::Name(name)), Some(size)) =
                        (operands.first(), operands.get(1).and_then(Operand::number))
                    {
                        state.font = self.load_font(resources, name, depth);
                        state.size = size;
                    }
                }
                b"Tc" => set_first(&nums, &mut state.char_spacing),
                b"Tw" => set_first(&nums, &mut state.word_spacing),
                b"Tz" => {
                    if let Some(v) = nums.first() {
                        state.horizontal_scale = v / 100.0;
                    }
                }
                b"TL" => set_first(&nums, &mut state.leading),
                b"Ts" => set_first(&nums, &mut state.rise),
                b"Td" | b"TD" => {
                    if let [tx, ty] = nums.as_slice() {
                        if op.as_slice() == b"TD" {
                            state.leading = -ty;
                        }
                        tlm = multiply(translate(*tx, *ty), tlm);
                        tm = tlm;
                    }
                }
                b"Tm" => {
                    if let Ok(m) = <[f64; 6]>::try_from(nums.as_slice()) {
                        tlm = m;
                        tm = m;
                    }
                }
                b"T*" => {
                    tlm = multiply(translate(0.0, -state.leading), tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op.as_slice() == b"\"" {
                        if let [aw, ac, ..] = nums.as_slice() {
                            state.word_spacing = *aw;
                            state.char_spacing = *ac;
                        }
                    }
                    if op.as_slice() != b"Tj" {
                        tlm = multiply(translate(0.0, -state.leading), tlm);
                        tm = tlm;
                    }
                    if let Some(Operand::Str(bytes)) = operands.last() {
                        self.show(bytes, &state, &mut tm);
                    }
                }
                b"TJ" => {
                    if let Some(Operand::Array(items)) = operands.last() {
                        for item in items {
                            match item {
                                Operand::Str(bytes) => self.show(bytes, &state, &mut tm),
                                Operand::Number(n) if n.is_finite() => {
                                    let tx = -n / 1000.0 * state.size * state.horizontal_scale;
                                    tm = multiply(translate(tx, 0.0), tm);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(Operand::Name(name)) = operands.first() {
                        self.draw_form(resources, name, state.ctm, depth)?;
                    }
                }
                _ => {}
            }
            operands.clear();
        }
        Ok(())
    }

    /// Interprets the Form XObject `/name` of `resources`, if it is one.
    fn draw_form(
        &mut self,
        resources: &Dict,
        name: &[u8],
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), Error> {
        if depth >= MAX_FORM_DEPTH {
            return Ok(());
        }
        let Some(Object::Dict(xobjects)) = self.doc.resolve_key(resources, "XObject")? else {
            return Ok(());
        };
        let Some(r) = xobjects.get(name).and_then(Object::as_ref) else {
            return Ok(());
        };
        let Some((dict, raw)) = self.doc.get_stream(r)? else {
            return Ok(());
        };
        if dict.get(b"Subtype".as_slice()).and_then(Object::as_name) != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let matrix = match self.doc.resolve_key(&dict, "Matrix")? {
            Some(Object::Array(items)) => {
                let values: Vec<f64> = items.iter().filter_map(Object::as_f64).collect();
                <[f64; 6]>::try_from(values.as_slice()).unwrap_or(IDENTITY)
            }
            _ => IDENTITY,
        };
        let form_resources = match self.doc.resolve_key(&dict, "Resources")? {
            Some(Object::Dict(d)) => d,
            _ => resources.clone(),
        };
        let content = self.doc.decode(&dict, raw)?;
        self.run(
            &content,
            &form_resources,
            multiply(matrix, ctm),
            depth.saturating_add(1),
        )
    }

    fn load_font(&mut self, resources: &Dict, name: &[u8], depth: usize) -> Option<FontKey> {
        let fonts = match self.doc.resolve_key(resources, "Font") {
            Ok(Some(Object::Dict(d))) => d,
            _ => return None,
        };
        let entry = fonts.get(name)?;
        let key = match entry.as_ref() {
            Some(r) => FontKey::Object(r),
            None => FontKey::Direct(name.to_vec(), depth),
        };
        if !self.fonts.contains_key(&key) {
            let info = match self.doc.resolve(entry) {
                Ok(Object::Dict(dict)) => FontInfo::load(self.doc, &dict),
                _ => FontInfo::fallback(),
            };
            self.fonts.insert(key.clone(), info);
        }
        Some(key)
    }

    /// Shows a string: one glyph per code, advancing the text matrix.
    fn show(&mut self, bytes: &[u8], state: &GraphicsState, tm: &mut Matrix) {
        let fallback;
        let font = match state.font.as_ref().and_then(|k| self.fonts.get(k)) {
            Some(f) => f,
            None => {
                fallback = FontInfo::fallback();
                &fallback
            }
        };
        let size = state.size;
        let scale = state.horizontal_scale;
        let mut rest = bytes;
        while !rest.is_empty() {
            let (code, len) = font.next_code(rest);
            rest = rest.get(len..).unwrap_or_default();
            let w0 = font.width(code);
            let trm = multiply(
                [size * scale, 0.0, 0.0, size, 0.0, state.rise],
                multiply(*tm, state.ctm),
            );
            let text = font.text(code);
            if !text.is_empty() && self.glyphs.len() < MAX_GLYPHS {
                let corners = [
                    apply(trm, 0.0, font.descent),
                    apply(trm, w0, font.descent),
                    apply(trm, 0.0, font.ascent),
                    apply(trm, w0, font.ascent),
                ];
                let xs = corners.map(|p| p[0]);
                let ys = corners.map(|p| p[1]);
                let bbox = [
                    xs.iter().copied().fold(f64::INFINITY, f64::min),
                    ys.iter().copied().fold(f64::INFINITY, f64::min),
                    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ];
                let up = apply(trm, 0.0, 1.0);
                let origin = apply(trm, 0.0, 0.0);
                let effective = (up[0] - origin[0]).hypot(up[1] - origin[1]);
                if bbox.iter().all(|v| v.is_finite()) {
                    self.glyphs.push(TextGlyph {
                        text,
                        bbox,
                        origin,
                        size: effective,
                    });
                }
            }
            let word = if len == 1 && code == 32 {
                state.word_spacing
            } else {
                0.0
            };
            let tx = (w0 * size + state.char_spacing + word) * scale;
            *tm = multiply(translate(tx, 0.0), *tm);
        }
    }
}

fn set_first(nums: &[f64], slot: &mut f64) {
    if let Some(v) = nums.first() {
        *slot = *v;
    }
}

/// What text extraction needs of a font: code lengths, widths, Unicode, vertical extent.
struct FontInfo {
    /// Type0 fonts use two-byte codes (Identity-H and the common CJK CMaps).
    two_byte: bool,
    to_unicode: Option<ToUnicode>,
    /// Simple fonts: the encoding's character for each code.
    encoding: Option<Box<[Option<char>; 256]>>,
    /// Advance widths in text space units (glyph width / 1000 for most fonts).
    widths: HashMap<u32, f64>,
    default_width: f64,
    ascent: f64,
    descent: f64,
}

impl FontInfo {
    fn fallback() -> Self {
        Self {
            two_byte: false,
            to_unicode: None,
            encoding: Some(Box::new(win_ansi())),
            widths: HashMap::new(),
            default_width: 0.5,
            ascent: 0.8,
            descent: -0.2,
        }
    }

    /// Reads what it can of a font dictionary; whatever is missing or malformed falls back to
    /// defaults (text extraction is best effort, never a reason to refuse a document).
    fn load(doc: &Document<'_>, font: &Dict) -> Self {
        let mut info = Self::fallback();
        let subtype = name_of(font, "Subtype");
        info.to_unicode = match font.get(b"ToUnicode".as_slice()).and_then(Object::as_ref) {
            Some(r) => stream_data(doc, r).map(|data| ToUnicode::parse(&data)),
            None => None,
        };
        let descriptor_holder;
        if subtype.as_deref() == Some(b"Type0".as_slice()) {
            info.two_byte = true;
            info.encoding = None;
            info.default_width = 1.0;
            let descendant = match doc.resolve_key(font, "DescendantFonts") {
                Ok(Some(Object::Array(items))) => items
                    .first()
                    .and_then(|d| doc.resolve(d).ok())
                    .and_then(|d| d.as_dict().cloned()),
                _ => None,
            };
            descriptor_holder = descendant.unwrap_or_default();
            if let Ok(Some(dw)) = doc.resolve_key(&descriptor_holder, "DW") {
                if let Some(dw) = dw.as_f64() {
                    info.default_width = dw / 1000.0;
                }
            }
            if let Ok(Some(Object::Array(w))) = doc.resolve_key(&descriptor_holder, "W") {
                info.widths = cid_widths(doc, &w);
            }
        } else {
            descriptor_holder = font.clone();
            let scale = font_matrix_scale(doc, font, subtype.as_deref());
            let first = doc
                .resolve_key(font, "FirstChar")
                .ok()
                .flatten()
                .and_then(|v| v.as_int())
                .unwrap_or(0);
            if let Ok(Some(Object::Array(widths))) = doc.resolve_key(font, "Widths") {
                for (i, w) in widths.iter().enumerate().take(256) {
                    let code = first.saturating_add(i64::try_from(i).unwrap_or(0));
                    if let (Ok(code), Some(w)) = (
                        u32::try_from(code),
                        doc.resolve(w).ok().and_then(|w| w.as_f64()),
                    ) {
                        info.widths.insert(code, w * scale);
                    }
                }
            }
            info.encoding = Some(Box::new(simple_encoding(doc, font)));
        }
        if let Ok(Some(Object::Dict(descriptor))) =
            doc.resolve_key(&descriptor_holder, "FontDescriptor")
        {
            let metric = |key: &str| {
                doc.resolve_key(&descriptor, key)
                    .ok()
                    .flatten()
                    .and_then(|v| v.as_f64())
                    .map(|v| v / 1000.0)
            };
            if let Some(a) = metric("Ascent").filter(|a| *a > 0.1 && *a < 2.0) {
                info.ascent = a;
            }
            if let Some(d) = metric("Descent").filter(|d| *d < 0.0 && *d > -1.0) {
                info.descent = d;
            }
            if !info.two_byte {
                if let Some(missing) = metric("MissingWidth").filter(|w| *w > 0.0) {
                    info.default_width = missing;
                }
            }
        }
        info
    }

    /// The next character code of `bytes` and its length in bytes (at least 1).
    fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        match (self.two_byte, bytes) {
            (true, [hi, lo, ..]) => (u32::from(*hi) << 8 | u32::from(*lo), 2),
            (_, [b, ..]) => (u32::from(*b), 1),
            (_, []) => (0, 1),
        }
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .filter(|w| w.is_finite())
            .unwrap_or(self.default_width)
    }

    fn text(&self, code: u32) -> String {
        if let Some(text) = self.to_unicode.as_ref().and_then(|m| m.get(code)) {
            return text;
        }
        match &self.encoding {
            Some(table) => usize::try_from(code)
                .ok()
                .and_then(|i| table.get(i).copied().flatten())
                .map(String::from)
                .unwrap_or_default(),
            None => String::new(),
        }
    }
}

fn name_of(dict: &Dict, key: &str) -> Option<Vec<u8>> {
    dict.get(key.as_bytes())
        .and_then(Object::as_name)
        .map(<[u8]>::to_vec)
}

fn stream_data(doc: &Document<'_>, r: ObjRef) -> Option<Vec<u8>> {
    let (dict, raw) = doc.get_stream(r).ok()??;
    doc.decode(&dict, raw).ok()
}

/// Glyph space to text space: 1/1000 for every font but Type3, whose /FontMatrix says.
fn font_matrix_scale(doc: &Document<'_>, font: &Dict, subtype: Option<&[u8]>) -> f64 {
    if subtype == Some(b"Type3".as_slice()) {
        if let Ok(Some(Object::Array(m))) = doc.resolve_key(font, "FontMatrix") {
            if let Some(a) = m.first().and_then(Object::as_f64) {
                if a.is_finite() && a != 0.0 {
                    return a.abs();
                }
            }
        }
    }
    0.001
}

/// A CIDFont's /W array: `c [w1 w2 …]` and `c_first c_last w` entries.
fn cid_widths(doc: &Document<'_>, w: &[Object]) -> HashMap<u32, f64> {
    let mut out = HashMap::new();
    let mut i = 0usize;
    let value = |o: Option<&Object>| o.and_then(|o| doc.resolve(o).ok());
    while let Some(first) = value(w.get(i)).and_then(|o| o.as_int()) {
        let Ok(first) = u32::try_from(first) else {
            break;
        };
        match value(w.get(i.saturating_add(1))) {
            Some(Object::Array(list)) => {
                for (k, width) in list.iter().enumerate().take(MAX_RANGE_LEN as usize) {
                    let cid = first.saturating_add(u32::try_from(k).unwrap_or(0));
                    if let Some(width) = width.as_f64() {
                        out.insert(cid, width / 1000.0);
                    }
                }
                i = i.saturating_add(2);
            }
            Some(last) => {
                let last = last.as_int().and_then(|l| u32::try_from(l).ok());
                let width = value(w.get(i.saturating_add(2))).and_then(|o| o.as_f64());
                let (Some(last), Some(width)) = (last, width) else {
                    break;
                };
                let last = last.min(first.saturating_add(MAX_RANGE_LEN));
                for cid in first..=last {
                    out.insert(cid, width / 1000.0);
                }
                i = i.saturating_add(3);
            }
            None => break,
        }
        if out.len() > 1_000_000 {
            break;
        }
    }
    out
}

/// A simple font's code → character table: its base encoding, then /Differences.
fn simple_encoding(doc: &Document<'_>, font: &Dict) -> [Option<char>; 256] {
    let encoding = doc.resolve_key(font, "Encoding").ok().flatten();
    let mut table = win_ansi();
    let differences = match &encoding {
        Some(Object::Dict(d)) => doc.resolve_key(d, "Differences").ok().flatten(),
        _ => None,
    };
    if let Some(Object::Array(items)) = differences {
        let mut code: Option<usize> = None;
        for item in items {
            match item {
                Object::Int(n) => code = usize::try_from(n).ok(),
                Object::Name(name) => {
                    if let Some(c) = code {
                        if let Some(slot) = table.get_mut(c) {
                            *slot = glyph_name_char(&name.0);
                        }
                        code = c.checked_add(1);
                    }
                }
                _ => {}
            }
        }
    }
    table
}

/// WinAnsiEncoding (ISO 32000-1 Annex D): Latin-1 with the Windows-1252 additions in
/// 0x80–0x9F. Used also for Standard and unknown encodings: they agree on ASCII letters.
fn win_ansi() -> [Option<char>; 256] {
    const HIGH: [u16; 32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
        0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ];
    let mut table = [None; 256];
    for (code, slot) in table.iter_mut().enumerate() {
        let Ok(byte) = u8::try_from(code) else {
            continue;
        };
        *slot = match byte {
            0x20..=0x7e | 0xa0..=0xff => Some(char::from(byte)),
            0x80..=0x9f => HIGH
                .get(usize::from(byte - 0x80))
                .copied()
                .filter(|u| *u != 0)
                .and_then(|u| char::from_u32(u32::from(u))),
            _ => None,
        };
    }
    table
}

/// The character a glyph name stands for: `uniXXXX`, `uXXXX[XX]`, single letters and digits,
/// and the common punctuation names. Unknown names give `None`.
fn glyph_name_char(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next().unwrap_or(name);
    if let Some(hex) = base.strip_prefix("uni").filter(|h| h.len() == 4) {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    if let Some(hex) = base
        .strip_prefix('u')
        .filter(|h| (4..=6).contains(&h.len()))
    {
        if let Ok(v) = u32::from_str_radix(hex, 16) {
            return char::from_u32(v);
        }
    }
    let mut chars = base.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_ascii_alphabetic().then_some(c);
    }
    const NAMES: &[(&str, char)] = &[
        ("space", ' '),
        ("period", '.'),
        ("comma", ','),
        ("colon", ':'),
        ("semicolon", ';'),
        ("hyphen", '-'),
        ("slash", '/'),
        ("parenleft", '('),
        ("parenright", ')'),
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("quotesingle", '\''),
        ("quotedbl", '"'),
        ("underscore", '_'),
        ("endash", '\u{2013}'),
        ("emdash", '\u{2014}'),
    ];
    NAMES.iter().find(|(n, _)| *n == base).map(|(_, c)| *c)
}

/// A /ToUnicode CMap: single codes (`bfchar`) and ranges (`bfrange`).
#[derive(Debug, Default)]
struct ToUnicode {
    chars: HashMap<u32, String>,
    ranges: Vec<(u32, u32, RangeTarget)>,
}

#[derive(Debug)]
enum RangeTarget {
    /// The destination of the range's first code; later codes increment its last unit.
    Start(Vec<u16>),
    /// One destination per code.
    List(Vec<String>),
}

impl ToUnicode {
    fn parse(data: &[u8]) -> Self {
        let mut map = Self::default();
        let mut lexer = Lexer::new(data);
        let mut operands = Vec::new();
        while let Some(token) = lexer.next_operand_or_operator(&mut operands) {
            let Token::Operator(op) = token else {
                continue;
            };
            match op.as_slice() {
                b"endbfchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Operand::Str(src), Operand::Str(dst)] = pair {
                            map.chars.insert(code_of(src), utf16_text(dst));
                        }
                    }
                }
                b"endbfrange" => {
                    for triple in operands.chunks_exact(3) {
                        map.add_range(triple);
                    }
                }
                _ => {}
            }
            operands.clear();
        }
        map
    }

    fn add_range(&mut self, triple: &[Operand]) {
        let [Operand::Str(lo), Operand::Str(hi), target] = triple else {
            return;
        };
        let (lo, hi) = (code_of(lo), code_of(hi));
        if hi < lo || hi - lo > MAX_RANGE_LEN || self.ranges.len() > 100_000 {
            return;
        }
        let target = match target {
            Operand::Str(dst) => RangeTarget::Start(utf16_units(dst)),
            Operand::Array(items) => RangeTarget::List(
                items
                    .iter()
                    .map(|i| match i {
                        Operand::Str(s) => utf16_text(s),
                        _ => String::new(),
                    })
                    .collect(),
            ),
            _ => return,
        };
        self.ranges.push((lo, hi, target));
    }

    fn get(&self, code: u32) -> Option<String> {
        if let Some(text) = self.chars.get(&code) {
            return Some(text.clone());
        }
        let (lo, _, target) = self
            .ranges
            .iter()
            .rev()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))?;
        let offset = code - lo;
        match target {
            RangeTarget::Start(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(u16::try_from(offset).ok()?);
                Some(String::from_utf16_lossy(&units))
            }
            RangeTarget::List(list) => list.get(usize::try_from(offset).ok()?).cloned(),
        }
    }
}

/// A big-endian code from a CMap hex string (at most 4 bytes).
fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, b| acc << 8 | u32::from(*b))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| match c {
            [hi, lo] => u16::from_be_bytes([*hi, *lo]),
            [b] => u16::from(*b),
            _ => 0,
        })
        .collect()
}

fn utf16_text(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

/// A content-stream token.
enum Token {
    /// An operand was pushed onto the caller's operand list.
    Operand,
    /// An operator keyword.
    Operator(Vec<u8>),
}

/// A tolerant content-stream lexer (ISO 32000-1 §7.2, §7.8.2).
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Arrays nested deeper than this in a content stream are flattened into [`Operand::Other`].
const MAX_ARRAY_DEPTH: usize = 32;

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(b) = self.peek() {
                    if b == b'\n' || b == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Reads the next token; an operand is pushed onto `operands`. `None` at the end.
    fn next_operand_or_operator(&mut self, operands: &mut Vec<Operand>) -> Option<Token> {
        self.skip_space();
        let b = self.peek()?;
        if b == b']'
            || b == b')'
            || b == b'}'
            || b == b'>' && self.data.get(self.pos + 1) != Some(&b'>')
        {
            // Stray closing delimiter: skip it.
            self.pos += 1;
            return Some(Token::Operand);
        }
        if let Some(operand) = self.operand(0) {
            if operands.len() < 4096 {
                operands.push(operand);
            }
            return Some(Token::Operand);
        }
        let word = self.word();
        if word.is_empty() {
            self.pos += 1;
            return Some(Token::Operand);
        }
        if word == b"BI" {
            self.skip_inline_image();
            return Some(Token::Operand);
        }
        Some(Token::Operator(word.to_vec()))
    }

    /// An operand at the current position, or `None` when a keyword starts there.
    fn operand(&mut self, depth: usize) -> Option<Operand> {
        self.skip_space();
        let b = self.peek()?;
        match b {
            b'/' => {
                self.pos += 1;
                Some(Operand::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Some(Operand::Str(self.literal_string()))
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                self.skip_dict(depth);
                Some(Operand::Other)
            }
            b'<' => {
                self.pos += 1;
                Some(Operand::Str(self.hex_string()))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => break,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        Some(_) => {
                            if depth >= MAX_ARRAY_DEPTH {
                                self.pos += 1;
                                continue;
                            }
                            match self.operand(depth + 1) {
                                Some(item) => items.push(item),
                                None => {
                                    // A keyword inside an array (malformed): skip it.
                                    if self.word().is_empty() {
                                        self.pos += 1;
                                    }
                                }
                            }
                        }
                    }
                }
                Some(Operand::Array(items))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                let word = self.word();
                let text = std::str::from_utf8(word).ok()?;
                Some(Operand::Number(text.parse::<f64>().unwrap_or(0.0)))
            }
            _ => None,
        }
    }

    /// A regular-character run (a keyword or number).
    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_space(b) || is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        self.data.get(start..self.pos).unwrap_or_default()
    }

    fn name(&mut self) -> Vec<u8> {
        let raw = self.word();
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while let Some(&b) = raw.get(i) {
            if b == b'#' {
                let hex = raw.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                if let Some(v) = hex {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
        out
    }

    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(u8::try_from(value & 0xff).unwrap_or(0));
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let Some(v) = (b as char).to_digit(16).and_then(|v| u8::try_from(v).ok()) else {
                continue;
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    /// Skips an inline dictionary `<< … >>` (e.g. marked-content properties).
    fn skip_dict(&mut self, depth: usize) {
        loop {
            self.skip_space();
            match self.peek() {
                None => return,
                Some(b'>') if self.data.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return;
                }
                Some(_) => {
                    let skipped = depth < MAX_ARRAY_DEPTH && self.operand(depth + 1).is_some();
                    if !skipped && self.word().is_empty() {
                        self.pos += 1;
                    }
                }
            }
        }
    }

    /// Skips an inline image: its dictionary up to `ID`, then its data up to `EI`.
    fn skip_inline_image(&mut self) {
        loop {
            self.skip_space();
            if self.peek().is_none() {
                return;
            }
            if self.operand(0).is_none() {
                let word = self.word();
                if word == b"ID" {
                    break;
                }
                if word.is_empty() {
                    self.pos += 1;
                }
            }
        }
        // One white-space byte follows ID; the data ends at white space + "EI" + delimiter.
        self.pos += 1;
        while self.pos < self.data.len() {
            let here = self.data.get(self.pos..).unwrap_or_default();
            if let [s, b'E', b'I', rest @ ..] = here {
                if is_space(*s)
                    && rest
                        .first()
                        .is_none_or(|b| is_space(*b) || is_delimiter(*b))
                {
                    self.pos += 3;
                    return;
                }
            }
            self.pos += 1;
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0c | 0)
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(glyphs: &[TextGlyph]) -> String {
        glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    #[test]
    fn tounicode_maps_bfchar_and_both_bfrange_forms() {
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0010> <0065 0323 0302> endbfchar\n\
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<1EC7> <0110>] endbfrange";
        let map = ToUnicode::parse(cmap);
        assert_eq!(map.get(0x03).as_deref(), Some(" "));
        assert_eq!(map.get(0x10).as_deref(), Some("e\u{323}\u{302}"));
        assert_eq!(map.get(0x21).as_deref(), Some("B"));
        assert_eq!(map.get(0x31).as_deref(), Some("Đ"));
        assert_eq!(map.get(0x23), None);
    }

    #[test]
    fn tounicode_refuses_inverted_and_oversized_ranges() {
        let map = ToUnicode::parse(
            b"2 beginbfrange <0022> <0020> <0041> <0000> <FFFFFF> <0041> endbfrange",
        );
        assert!(map.ranges.is_empty());
        assert_eq!(map.get(0x21), None);
    }

    #[test]
    fn lexer_reads_tj_arrays_and_skips_inline_images() {
        let mut lexer = Lexer::new(b"BT [(A) -250 <0042>] TJ ET BI /W 1 /H 1 ID \x00EI\xff EI Q");
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        while let Some(token) = lexer.next_operand_or_operator(&mut operands) {
            if let Token::Operator(op) = token {
                if op == b"TJ" {
                    assert!(
                        matches!(operands.as_slice(), [Operand::Array(items)] if items.len() == 3)
                    );
                }
                ops.push(op);
                operands.clear();
            }
        }
        assert_eq!(
            ops,
            vec![
                b"BT".to_vec(),
                b"TJ".to_vec(),
                b"ET".to_vec(),
                b"Q".to_vec()
            ]
        );
    }

    #[test]
    fn lexer_survives_every_truncation() {
        let content = b"q 1 0 0 1 5 5 cm BT /F1 12 Tf (a\\(b) Tj <414> Tj [(x) 10] TJ ET Q";
        for end in 0..content.len() {
            let mut lexer = Lexer::new(content.get(..end).unwrap_or_default());
            let mut operands = Vec::new();
            let mut steps = 0;
            while lexer.next_operand_or_operator(&mut operands).is_some() {
                steps += 1;
                assert!(steps < 1000, "lexer loops on a {end}-byte prefix");
            }
        }
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scaled_then_moved = multiply([2.0, 0.0, 0.0, 2.0, 0.0, 0.0], translate(10.0, 20.0));
        assert_eq!(apply(scaled_then_moved, 1.0, 1.0), [12.0, 22.0]);
        let moved_then_scaled = multiply(translate(10.0, 20.0), [2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        assert_eq!(apply(moved_then_scaled, 1.0, 1.0), [22.0, 42.0]);
    }

    #[test]
    fn glyph_names_resolve_unicode_forms_and_refuse_unknown_ones() {
        assert_eq!(glyph_name_char(b"uni1EC7"), Some('ệ'));
        assert_eq!(glyph_name_char(b"u1EC7"), Some('ệ'));
        assert_eq!(glyph_name_char(b"a"), Some('a'));
        assert_eq!(glyph_name_char(b"space"), Some(' '));
        assert_eq!(glyph_name_char(b"g123"), None);
    }

    /// A one-page PDF whose page content is `content`, with font /F1 (Helvetica, WinAnsi,
    /// every width 500) and /F2 (Type0 Identity-H with a ToUnicode map: 0001 → "ệ" in NFD,
    /// 0002 → "N", width 600).
    fn one_page_pdf(content: &[u8]) -> Vec<u8> {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
            1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0001> <0065 0323 0302> <0002> <004E> endbfchar\n\
            endcmap end end";
        let widths = vec!["500"; 224].join(" ");
        let objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R \
               /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>"
                .to_vec(),
            [
                format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(),
                content,
                b"\nendstream",
            ]
            .concat(),
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding \
                 /FirstChar 32 /LastChar 255 /Widths [{widths}] >>"
            )
            .into_bytes(),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H \
               /DescendantFonts [8 0 R] /ToUnicode 7 0 R >>"
                .to_vec(),
            [
                format!("<< /Length {} >>\nstream\n", cmap.len()).as_bytes(),
                cmap.as_slice(),
                b"\nendstream",
            ]
            .concat(),
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /DW 600 \
               /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
                .to_vec(),
        ];
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            pdf.extend_from_slice(body);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        let xref = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        pdf
    }

    #[test]
    fn glyphs_carry_text_and_positions_from_tj_arrays_and_matrices() {
        let pdf = one_page_pdf(
            b"q 1 0 0 1 100 0 cm BT /F1 10 Tf 1 0 0 1 0 700 Tm [(A) -1000 (B)] TJ \
              0 -20 Td /F2 20 Tf <00020001> Tj ET Q",
        );
        let doc = Document::open(&pdf).expect("test PDF opens");
        let glyphs = page_glyphs(&doc, 0).expect("glyphs");
        assert_eq!(texts(&glyphs), "ABNe\u{323}\u{302}");
        let origins: Vec<[f64; 2]> = glyphs.iter().map(|g| g.origin).collect();
        // A at 100; B after A's 5 pt advance and the 10 pt (one em) TJ adjustment.
        assert_eq!(
            origins,
            vec![
                [100.0, 700.0],
                [115.0, 700.0],
                [100.0, 680.0],
                [112.0, 680.0]
            ]
        );
        assert!(glyphs.iter().take(2).all(|g| (g.size - 10.0).abs() < 1e-9));
        let n = glyphs.get(2).expect("N");
        assert!(n.bbox[1] < 680.0 && n.bbox[3] > 680.0 && (n.bbox[2] - 112.0).abs() < 1e-9);
    }

    #[test]
    fn glyphs_of_a_page_without_text_are_none_and_garbage_content_is_no_error() {
        let pdf = one_page_pdf(b"q 0 0 1 rg 0 0 10 10 re f Q");
        let doc = Document::open(&pdf).expect("test PDF opens");
        assert!(page_glyphs(&doc, 0).expect("glyphs").is_empty());
        let pdf = one_page_pdf(b"BT /F1 Tf ) ] >> Tj [(x TJ ET BI ID");
        let doc = Document::open(&pdf).expect("test PDF opens");
        assert!(page_glyphs(&doc, 0).is_ok());
        assert!(page_glyphs(&doc, 1).is_err());
    }

    /// Every page of the Vietnamese corpus (LibreOffice, cairo Type0/Identity-H, Ghostscript,
    /// NFD ToUnicode maps) extracts, and each signer's name is on its manifest page.
    #[test]
    fn corpus_pages_extract_and_show_each_signer_name() {
        use unicode_normalization::UnicodeNormalization;
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpora/vn-docs");
        let Ok(manifest) = std::fs::read_to_string(corpus.join("manifest.tsv")) else {
            eprintln!("SKIP: the vn-docs corpus is not beside the repository");
            return;
        };
        let squeeze = |t: &str| -> String { t.nfc().filter(|c| !c.is_whitespace()).collect() };
        let mut names_found = 0;
        for row in manifest.lines().skip(1) {
            let cols: Vec<&str> = row.split('\t').collect();
            let (Some(file), Some(names), Some(pages)) = (cols.first(), cols.get(9), cols.get(10))
            else {
                continue;
            };
            let data = std::fs::read(corpus.join(file)).expect("corpus file");
            let doc = Document::open(&data).expect("corpus PDF opens");
            let count = doc.page_count().expect("pages");
            let mut text_by_page = Vec::new();
            for page in 0..count {
                let glyphs = page_glyphs(&doc, page).expect("page extracts");
                text_by_page.push(squeeze(&texts(&glyphs)));
            }
            for (name, page) in names.split(';').zip(pages.split(';')) {
                let Ok(page) = page.parse::<usize>() else {
                    continue;
                };
                let text = text_by_page.get(page - 1).expect("manifest page exists");
                assert!(
                    text.contains(&squeeze(name)),
                    "{file}: {name} not on page {page}"
                );
                names_found += 1;
            }
        }
        assert_eq!(names_found, 12);
    }

    #[test]
    fn two_byte_fonts_read_two_bytes_and_simple_fonts_one() {
        let mut font = FontInfo::fallback();
        assert_eq!(font.next_code(&[0x12, 0x34]), (0x12, 1));
        font.two_byte = true;
        assert_eq!(font.next_code(&[0x12, 0x34]), (0x1234, 2));
        // A truncated two-byte code still makes progress.
        assert_eq!(font.next_code(&[0x12]), (0x12, 1));
    }
}
