//! Unicode TrueType fonts: parsed once per batch, embedded per document as a subset.
//!
//! A document gets a Type0 font with Identity-H encoding over a CIDFontType2 descendant
//! (ISO 32000-1 §9.7). The subset's glyphs are renumbered `0..n` in order of first use
//! (`.notdef` is 0), and the CIDs written in content streams are those new glyph ids, so the
//! /CIDToGIDMap is /Identity. A /ToUnicode CMap maps every CID back to the text it stands for,
//! so the signature text can be searched and extracted.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use flate2::write::ZlibEncoder;
use flate2::Compression;
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId, Permissions};

use super::AppearanceError;
use crate::object::{dict, Dict, Name, ObjRef, Object};
use crate::writer::NewObjects;

/// Font flags (ISO 32000-1 §9.8.2, Table 123).
const FLAG_FIXED_PITCH: i64 = 1;
const FLAG_SERIF: i64 = 1 << 1;
const FLAG_SYMBOLIC: i64 = 1 << 2;
const FLAG_ITALIC: i64 = 1 << 6;

/// Entries per `beginbfchar` block: the CMap syntax allows at most 100.
const BFCHAR_BLOCK: usize = 100;

/// Compressed subsets kept per font. A batch signed within one second draws the same
/// signing-time text in every document, so even a few entries spare nearly all subsetting.
const PROGRAM_CACHE_ENTRIES: usize = 8;

/// A TrueType font parsed once and reused for a whole batch (share it through [`Arc`]).
///
/// Invariant: `data` parses as a face at `index`, has TrueType outlines (`glyf`), a Unicode
/// cmap lookup, and a licence that allows embedding a subset; checked by the constructors,
/// so embedding can only fail on a character the font lacks.
pub struct Font {
    data: Arc<[u8]>,
    index: u32,
    name: String,
    metrics: Metrics,
    /// Recently embedded subsets, most recent first, keyed by the original glyph ids in CID
    /// order: equal keys give byte-identical programs, so a hit changes no output.
    programs: Mutex<Vec<(Vec<u16>, Arc<Program>)>>,
}

/// The compressed streams of one subset: what a cache hit spares recomputing.
#[derive(Debug)]
struct Program {
    /// The subset font program, zlib-compressed for /FontFile2.
    compressed: Vec<u8>,
    /// Its uncompressed length (/Length1).
    raw_len: usize,
    /// The /CIDSet bitmap: one bit per glyph of the program (CIDs `0..n`, composite glyph
    /// components included), as PDF/A-1 asks of a subset.
    cid_set: Vec<u8>,
    /// The /ToUnicode CMap source and its compressed form.
    cmap_source: String,
    cmap: Vec<u8>,
}

/// Face-wide values in font units, read once.
#[derive(Clone, Copy, Debug)]
struct Metrics {
    units_per_em: f64,
    ascender: f64,
    descender: f64,
    cap_height: f64,
    bbox: [f64; 4],
    italic_angle: f64,
    stem_v: f64,
    flags: i64,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.name)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl Font {
    /// Parses a TrueType font file (`.ttf`, or the first face of a `.ttc`).
    pub fn from_bytes(data: Arc<[u8]>) -> Result<Self, AppearanceError> {
        Self::from_collection(data, 0)
    }

    /// Parses face `index` of a font collection (`.ttc`); index 0 for a plain font file.
    pub fn from_collection(data: Arc<[u8]>, index: u32) -> Result<Self, AppearanceError> {
        let face = Face::parse(&data, index).map_err(AppearanceError::NotAFont)?;
        if face.tables().glyf.is_none() {
            return Err(AppearanceError::FontWithoutTrueTypeOutlines);
        }
        // OS/2 fsType: a restricted licence, no subsetting, or bitmaps only (we embed
        // outlines) all forbid what we do. A font without OS/2 states no restriction.
        let restricted = face.tables().os2.is_some_and(|os2| {
            os2.permissions() == Some(Permissions::Restricted)
                || !os2.is_subsetting_allowed()
                || !os2.is_outline_embedding_allowed()
        });
        if restricted {
            return Err(AppearanceError::FontEmbeddingRestricted);
        }
        let has_unicode_cmap = face
            .tables()
            .cmap
            .is_some_and(|cmap| cmap.subtables.into_iter().any(|s| s.is_unicode()));
        if !has_unicode_cmap {
            return Err(AppearanceError::FontWithoutUnicodeCmap);
        }
        let name = postscript_name(&face);
        let metrics = Metrics::read(&face, &name);
        Ok(Self {
            data,
            index,
            name,
            metrics,
            programs: Mutex::new(Vec::new()),
        })
    }

    /// The font's PostScript name (sanitized for use as a PDF name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the font can draw `c` (a glyph other than `.notdef`).
    pub fn has_char(&self, c: char) -> bool {
        self.face()
            .ok()
            .is_some_and(|face| glyph_of(&face, c).is_some())
    }

    /// The width of `text` in points at `size`, as it would be drawn (after mapping
    /// decomposed sequences to the font's precomposed glyphs).
    pub fn text_width(&self, text: &str, size: f64) -> Result<f64, AppearanceError> {
        let face = self.face()?;
        let glyphs = super::shaping::shape_line(self, &face, text)?;
        let units: f64 = glyphs.iter().map(|g| f64::from(g.advance)).sum();
        Ok(units / self.metrics.units_per_em * size)
    }

    /// Parses the face again: cheap (the table directory only), and keeps `Font` free of
    /// self-references.
    pub(crate) fn face(&self) -> Result<Face<'_>, AppearanceError> {
        Face::parse(&self.data, self.index).map_err(AppearanceError::NotAFont)
    }

    pub(crate) fn units_per_em(&self) -> f64 {
        self.metrics.units_per_em
    }

    /// Ascender as a fraction of the em.
    pub(crate) fn ascent(&self) -> f64 {
        self.metrics.ascender / self.metrics.units_per_em
    }

    /// Descender as a fraction of the em (negative below the baseline).
    pub(crate) fn descent(&self) -> f64 {
        self.metrics.descender / self.metrics.units_per_em
    }

    /// The compressed subset program and /ToUnicode CMap for `subset`, from the cache or
    /// made now.
    fn program(&self, subset: &GlyphSubset) -> Result<Arc<Program>, AppearanceError> {
        let key: Vec<u16> = subset.remapper.remapped_gids().collect();
        let cmap_source = to_unicode_cmap(subset);
        // A poisoned lock only means another thread panicked mid-update: skip the cache.
        if let Ok(mut cache) = self.programs.lock() {
            let hit = cache
                .iter()
                .position(|(k, p)| *k == key && p.cmap_source == cmap_source);
            if let Some(at) = hit {
                let entry = cache.remove(at);
                let program = entry.1.clone();
                cache.insert(0, entry);
                return Ok(program);
            }
        }
        let raw = subsetter::subset(&self.data, self.index, &subset.remapper)
            .map_err(AppearanceError::FontSubset)?;
        let program = Arc::new(Program {
            compressed: deflate(&raw),
            raw_len: raw.len(),
            cid_set: cid_set(&raw),
            cmap: deflate(cmap_source.as_bytes()),
            cmap_source,
        });
        if let Ok(mut cache) = self.programs.lock() {
            cache.insert(0, (key, program.clone()));
            cache.truncate(PROGRAM_CACHE_ENTRIES);
        }
        Ok(program)
    }

    /// Converts font units to PDF glyph space (thousandths of the em).
    fn to_glyph_space(&self, units: f64) -> f64 {
        units * 1000.0 / self.metrics.units_per_em
    }
}

/// The glyph drawing `c`, or `None` when the font maps it to nothing or to `.notdef`.
pub(crate) fn glyph_of(face: &Face<'_>, c: char) -> Option<GlyphId> {
    face.glyph_index(c).filter(|g| g.0 != 0)
}

impl Metrics {
    fn read(face: &Face<'_>, name: &str) -> Self {
        let units_per_em = f64::from(face.units_per_em().max(1));
        let ascender = f64::from(face.ascender());
        let bbox = face.global_bounding_box();
        let weight = f64::from(face.weight().to_number());
        let mut flags = FLAG_SYMBOLIC;
        if face.is_monospaced() {
            flags |= FLAG_FIXED_PITCH;
        }
        if face.is_italic() {
            flags |= FLAG_ITALIC;
        }
        // OS/2 sFamilyClass is not exposed by ttf-parser; the name is a fair guess and the
        // flag only guides substitution, which never happens for an embedded font.
        if name.contains("Serif") && !name.contains("Sans") {
            flags |= FLAG_SERIF;
        }
        Self {
            units_per_em,
            ascender,
            descender: f64::from(face.descender()),
            // OS/2 before version 2 has no sCapHeight: measure 'H' instead.
            cap_height: face
                .capital_height()
                .filter(|h| *h > 0)
                .or_else(|| {
                    let h = glyph_of(face, 'H')?;
                    face.glyph_bounding_box(h).map(|b| b.y_max)
                })
                .map_or(ascender * 0.7, f64::from),
            bbox: [
                f64::from(bbox.x_min),
                f64::from(bbox.y_min),
                f64::from(bbox.x_max),
                f64::from(bbox.y_max),
            ],
            italic_angle: f64::from(face.italic_angle()),
            // The usual estimate from the weight class (as typst and others do): the font
            // program carries no stem width.
            stem_v: 10.0 + 0.244 * (weight - 50.0),
            flags,
        }
    }
}

/// The PostScript name (name id 6) reduced to characters a PDF name and a /BaseFont can carry.
fn postscript_name(face: &Face<'_>) -> String {
    let raw = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_default();
    let clean: String = raw
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .take(63)
        .collect();
    if clean.is_empty() {
        "Font".to_owned()
    } else {
        clean
    }
}

/// One glyph kept in a document's subset.
#[derive(Debug, Clone)]
struct SubsetGlyph {
    /// The text this glyph stands for (first use wins), for /ToUnicode.
    text: String,
    /// Horizontal advance in font units.
    advance: u16,
}

/// The glyphs one document uses from one font, numbered as the subset will number them.
///
/// Invariant: `glyphs[i]` describes the glyph whose CID (= new glyph id) is `i`, in the same
/// order as `remapper`, so CID `i` is what the content stream writes for it.
#[derive(Debug)]
pub(crate) struct GlyphSubset {
    remapper: GlyphRemapper,
    glyphs: Vec<SubsetGlyph>,
}

impl GlyphSubset {
    pub(crate) fn new(face: &Face<'_>) -> Self {
        let notdef = SubsetGlyph {
            text: String::new(),
            advance: advance(face, GlyphId(0)),
        };
        Self {
            remapper: GlyphRemapper::new(),
            glyphs: vec![notdef],
        }
    }

    /// Adds (or finds) the glyph `gid` standing for `text`, and returns its CID.
    pub(crate) fn cid(&mut self, gid: GlyphId, text: &str, advance: u16) -> u16 {
        let cid = self.remapper.remap(gid.0);
        if usize::from(cid) == self.glyphs.len() {
            self.glyphs.push(SubsetGlyph {
                text: text.to_owned(),
                advance,
            });
        }
        cid
    }

    /// Number of glyphs, `.notdef` included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.glyphs.len()
    }

    /// Six uppercase letters derived from the font and the glyph set (ISO 32000-1 §9.6.4):
    /// equal subsets get equal tags, different subsets of one font almost surely differ.
    fn tag(&self, font: &Font) -> String {
        // FNV-1a, 64 bits: stable across runs and platforms, unlike `DefaultHasher`.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        feed(font.name.as_bytes());
        for gid in self.remapper.remapped_gids() {
            feed(&gid.to_be_bytes());
        }
        let mut tag = String::with_capacity(7);
        for _ in 0..6 {
            let letter = b'A' + (hash % 26) as u8;
            tag.push(char::from(letter));
            hash /= 26;
        }
        tag
    }
}

/// The advance of `gid` in font units (0 when the font has none).
pub(crate) fn advance(face: &Face<'_>, gid: GlyphId) -> u16 {
    face.glyph_hor_advance(gid).unwrap_or(0)
}

/// Embeds the subset of `font` holding `subset`'s glyphs and returns the Type0 font.
pub(crate) fn embed(
    font: &Font,
    subset: &GlyphSubset,
    objects: &mut NewObjects,
) -> Result<ObjRef, AppearanceError> {
    let program = font.program(subset)?;
    let base_font = format!("{}+{}", subset.tag(font), font.name);
    let m = &font.metrics;

    let font_file = Object::Stream(
        dict([
            ("Filter", Object::name("FlateDecode")),
            (
                "Length1",
                Object::Int(i64::try_from(program.raw_len).unwrap_or(i64::MAX)),
            ),
        ]),
        program.compressed.clone(),
    );
    let font_file = objects.add(font_file);

    let cid_set_ref = objects.add(Object::Stream(Dict::new(), program.cid_set.clone()));
    let descriptor = dict([
        ("Type", Object::name("FontDescriptor")),
        ("FontName", Object::name(&base_font)),
        ("Flags", Object::Int(m.flags)),
        (
            "FontBBox",
            Object::reals(&m.bbox.map(|v| font.to_glyph_space(v))),
        ),
        ("ItalicAngle", Object::Real(m.italic_angle)),
        ("Ascent", Object::Real(font.to_glyph_space(m.ascender))),
        ("Descent", Object::Real(font.to_glyph_space(m.descender))),
        ("CapHeight", Object::Real(font.to_glyph_space(m.cap_height))),
        ("StemV", Object::Real(m.stem_v.round())),
        ("FontFile2", Object::Ref(font_file)),
        ("CIDSet", Object::Ref(cid_set_ref)),
    ]);
    let descriptor = objects.add(Object::Dict(descriptor));

    let widths: Vec<Object> = subset
        .glyphs
        .iter()
        .map(|g| Object::Real(font.to_glyph_space(f64::from(g.advance))))
        .collect();
    let notdef_width = subset.glyphs.first().map_or(0, |g| g.advance);
    let cid_font = dict([
        ("Type", Object::name("Font")),
        ("Subtype", Object::name("CIDFontType2")),
        ("BaseFont", Object::name(&base_font)),
        (
            "CIDSystemInfo",
            Object::Dict(dict([
                ("Registry", Object::String(b"Adobe".to_vec())),
                ("Ordering", Object::String(b"Identity".to_vec())),
                ("Supplement", Object::Int(0)),
            ])),
        ),
        ("FontDescriptor", Object::Ref(descriptor)),
        (
            "DW",
            Object::Real(font.to_glyph_space(f64::from(notdef_width))),
        ),
        (
            "W",
            Object::Array(vec![Object::Int(0), Object::Array(widths)]),
        ),
        ("CIDToGIDMap", Object::name("Identity")),
    ]);
    let cid_font = objects.add(Object::Dict(cid_font));

    let to_unicode = Object::Stream(
        dict([("Filter", Object::name("FlateDecode"))]),
        program.cmap.clone(),
    );
    let to_unicode = objects.add(to_unicode);

    let type0 = dict([
        ("Type", Object::name("Font")),
        ("Subtype", Object::name("Type0")),
        ("BaseFont", Object::Name(Name::new(&base_font))),
        ("Encoding", Object::name("Identity-H")),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Ref(cid_font)]),
        ),
        ("ToUnicode", Object::Ref(to_unicode)),
    ]);
    Ok(objects.add(Object::Dict(type0)))
}

/// The /CIDSet of a subset program whose CIDs are its glyph ids: bits set, most significant
/// first, for CIDs `0..number_of_glyphs`.
fn cid_set(program: &[u8]) -> Vec<u8> {
    let glyphs = Face::parse(program, 0).map_or(0, |face| face.number_of_glyphs());
    let glyphs = usize::from(glyphs);
    let mut bits = vec![0xffu8; glyphs / 8];
    if glyphs % 8 != 0 {
        bits.push(0xffu8 << (8 - glyphs % 8));
    }
    bits
}

/// The /ToUnicode CMap (Adobe Technical Note #5411): a 2-byte codespace and one `bfchar`
/// entry per CID that stands for text, the text written as UTF-16BE.
fn to_unicode_cmap(subset: &GlyphSubset) -> String {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(usize, &str)> = subset
        .glyphs
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.text.is_empty())
        .map(|(cid, g)| (cid, g.text.as_str()))
        .collect();
    for block in entries.chunks(BFCHAR_BLOCK) {
        // Writing into a String cannot fail.
        let _ = writeln!(out, "{} beginbfchar", block.len());
        for (cid, text) in block {
            let _ = write!(out, "<{cid:04X}> <");
            for unit in text.encode_utf16() {
                let _ = write!(out, "{unit:04X}");
            }
            out.push_str(">\n");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

/// zlib-compresses `data` for a /FlateDecode stream.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 2), Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appearance::shaping::shape_line;

    pub(crate) const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    fn dejavu() -> Option<Font> {
        let bytes = std::fs::read(DEJAVU).ok()?;
        Some(Font::from_bytes(Arc::from(bytes)).expect("DejaVu Sans parses"))
    }

    fn inflate(data: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut out)
            .expect("valid zlib");
        out
    }

    fn subset_of(font: &Font, text: &str) -> GlyphSubset {
        let face = font.face().expect("face");
        let mut subset = GlyphSubset::new(&face);
        for g in shape_line(font, &face, text).expect("shapes") {
            subset.cid(g.gid, &g.text, g.advance);
        }
        subset
    }

    #[test]
    fn parses_dejavu_and_reads_its_postscript_name() {
        let Some(font) = dejavu() else {
            return eprintln!("skipped: {DEJAVU} not installed");
        };
        assert_eq!(font.name(), "DejaVuSans");
        assert!(font.has_char('ễ'));
        assert!(font.ascent() > 0.5 && font.descent() < 0.0);
        // DejaVu's OS/2 table is version 1 (no sCapHeight): measured from 'H', 1493/2048.
        let cap = font.to_glyph_space(font.metrics.cap_height);
        assert!((cap - 729.0).abs() < 1.0, "cap height {cap}");
    }

    #[test]
    fn rejects_bytes_that_are_not_a_font() {
        let err = Font::from_bytes(Arc::from(&b"%PDF-1.7\nnot a font at all"[..]))
            .expect_err("must be refused");
        assert!(matches!(err, AppearanceError::NotAFont(_)), "{err:?}");
    }

    #[test]
    fn rejects_a_truncated_font() {
        let Ok(bytes) = std::fs::read(DEJAVU) else {
            return;
        };
        for len in [0, 4, 12, 100, 1000] {
            let cut = bytes.get(..len).unwrap_or_default();
            assert!(
                Font::from_bytes(Arc::from(cut)).is_err(),
                "prefix of {len} bytes accepted"
            );
        }
    }

    /// DejaVu Sans with its OS/2 fsType replaced by `fs_type`.
    fn dejavu_with_fs_type(fs_type: u16) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(DEJAVU).ok()?;
        let raw = ttf_parser::RawFace::parse(&bytes, 0).ok()?;
        let os2 = raw
            .table_records
            .into_iter()
            .find(|r| &r.tag.to_bytes() == b"OS/2")?;
        let at = usize::try_from(os2.offset).ok()? + 8;
        bytes
            .get_mut(at..at + 2)?
            .copy_from_slice(&fs_type.to_be_bytes());
        Some(bytes)
    }

    #[test]
    fn accepts_a_font_whose_licence_allows_embedding() {
        // 0x0000 installable, 0x0004 preview & print, 0x0008 editable.
        for fs_type in [0x0000, 0x0004, 0x0008] {
            let Some(bytes) = dejavu_with_fs_type(fs_type) else {
                return;
            };
            assert!(
                Font::from_bytes(Arc::from(bytes)).is_ok(),
                "fsType {fs_type:#06x}"
            );
        }
    }

    #[test]
    fn refuses_a_font_whose_licence_forbids_embedding_or_subsetting() {
        // 0x0002 restricted licence (DejaVu's OS/2 table is version 1, where the
        // no-subsetting and bitmap-only bits do not exist yet).
        for fs_type in [0x0002, 0x0002 | 0x0100] {
            let Some(bytes) = dejavu_with_fs_type(fs_type) else {
                return;
            };
            let err = Font::from_bytes(Arc::from(bytes)).expect_err("must be refused");
            assert!(
                matches!(err, AppearanceError::FontEmbeddingRestricted),
                "fsType {fs_type:#06x}: {err:?}"
            );
        }
    }

    #[test]
    fn text_width_matches_the_hmtx_advances() {
        let Some(font) = dejavu() else { return };
        let face = font.face().expect("face");
        let a = f64::from(advance(&face, glyph_of(&face, 'A').expect("A")));
        let expected = 2.0 * a / font.units_per_em() * 10.0;
        let width = font.text_width("AA", 10.0).expect("width");
        assert!((width - expected).abs() < 1e-9, "{width} vs {expected}");
    }

    #[test]
    fn text_width_rejects_a_character_the_font_lacks() {
        let Some(font) = dejavu() else { return };
        let err = font.text_width("ký 漢", 10.0).expect_err("must be refused");
        assert!(
            matches!(
                err,
                AppearanceError::MissingGlyph {
                    character: '漢',
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn subset_numbers_glyphs_in_order_of_first_use_after_notdef() {
        let Some(font) = dejavu() else { return };
        let subset = subset_of(&font, "abba");
        assert_eq!(subset.len(), 3);
        let texts: Vec<&str> = subset.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, ["", "a", "b"]);
    }

    #[test]
    fn subset_program_is_a_valid_smaller_font_with_the_used_glyphs() {
        let Some(font) = dejavu() else { return };
        let subset = subset_of(&font, "Nguyễn Văn An");
        let program =
            subsetter::subset(&font.data, 0, &subset.remapper).expect("subsetter accepts");
        assert!(
            program.len() * 10 < font.data.len(),
            "subset not smaller: {}",
            program.len()
        );
        let face = Face::parse(&program, 0).expect("subset parses");
        // CID i is new glyph i: its advance in the subset equals the original advance.
        for (cid, g) in subset.glyphs.iter().enumerate() {
            let cid = u16::try_from(cid).expect("small");
            assert_eq!(
                face.glyph_hor_advance(GlyphId(cid)),
                Some(g.advance),
                "CID {cid}"
            );
        }
    }

    #[test]
    fn cached_program_is_reused_only_for_the_same_glyphs() {
        let Some(font) = dejavu() else { return };
        let first = font
            .program(&subset_of(&font, "11:27:34"))
            .expect("program");
        let again = font
            .program(&subset_of(&font, "11:27:34"))
            .expect("program");
        let other = font
            .program(&subset_of(&font, "11:27:35"))
            .expect("program");
        assert!(
            Arc::ptr_eq(&first, &again),
            "same glyphs must hit the cache"
        );
        assert!(!Arc::ptr_eq(&first, &other), "other glyphs must not");
        let raw = subsetter::subset(&font.data, 0, &subset_of(&font, "11:27:35").remapper)
            .expect("subset");
        assert_eq!(inflate(&other.compressed), raw);
        assert_eq!(other.raw_len, raw.len());
    }

    #[test]
    fn cid_set_marks_every_glyph_of_the_program() {
        let Some(font) = dejavu() else { return };
        // "Hà": H, a-grave, and a-grave's components in DejaVu (a, grave) come after them.
        let program = font.program(&subset_of(&font, "Hà")).expect("program");
        let raw =
            subsetter::subset(&font.data, 0, &subset_of(&font, "Hà").remapper).expect("subset");
        let glyphs = Face::parse(&raw, 0).expect("parses").number_of_glyphs();
        let set_bits: u32 = program.cid_set.iter().map(|b| b.count_ones()).sum();
        assert_eq!(set_bits, u32::from(glyphs));
        assert_eq!(program.cid_set.len(), usize::from(glyphs).div_ceil(8));
        assert!(glyphs >= 3, "notdef, H and à at least");
    }

    #[test]
    fn cid_set_of_an_unparsable_program_is_empty() {
        assert!(cid_set(b"not a font").is_empty());
    }

    #[test]
    fn program_cache_keeps_a_bounded_number_of_subsets() {
        let Some(font) = dejavu() else { return };
        for c in 'a'..='z' {
            font.program(&subset_of(&font, &c.to_string()))
                .expect("program");
        }
        let len = font.programs.lock().map(|c| c.len()).unwrap_or_default();
        assert_eq!(len, PROGRAM_CACHE_ENTRIES);
    }

    #[test]
    fn subset_tag_is_six_uppercase_letters_and_depends_on_the_glyphs() {
        let Some(font) = dejavu() else { return };
        let one = subset_of(&font, "Người ký").tag(&font);
        let same = subset_of(&font, "Người ký").tag(&font);
        let other = subset_of(&font, "Cơ quan").tag(&font);
        assert_eq!(one.len(), 6);
        assert!(one.bytes().all(|b| b.is_ascii_uppercase()), "{one}");
        assert_eq!(one, same);
        assert_ne!(one, other);
    }

    #[test]
    fn to_unicode_maps_each_cid_to_its_utf16_text() {
        let Some(font) = dejavu() else { return };
        let cmap = to_unicode_cmap(&subset_of(&font, "Ký ễ"));
        // CID 1 = 'K', 2 = 'ý' (U+00FD), 3 = space, 4 = 'ễ' (U+1EC5).
        assert!(cmap.contains("4 beginbfchar"), "{cmap}");
        assert!(cmap.contains("<0001> <004B>"), "{cmap}");
        assert!(cmap.contains("<0002> <00FD>"), "{cmap}");
        assert!(cmap.contains("<0004> <1EC5>"), "{cmap}");
        assert!(!cmap.contains("<0000>  "), "notdef must not map to text");
    }

    #[test]
    fn to_unicode_splits_blocks_at_one_hundred_entries() {
        let Some(font) = dejavu() else { return };
        let text: String = ('!'..='~').chain('À'..='ÿ').collect();
        let subset = subset_of(&font, &text);
        assert!(subset.len() > 101);
        let cmap = to_unicode_cmap(&subset);
        assert!(cmap.contains("100 beginbfchar"), "{cmap}");
        let blocks = cmap.matches("endbfchar").count();
        assert_eq!(blocks, (subset.len() - 1).div_ceil(100));
    }

    #[test]
    fn embedded_font_declares_widths_descriptor_and_identity_maps() {
        let Some(font) = dejavu() else { return };
        let subset = subset_of(&font, "Hà Tĩnh");
        let mut objects = NewObjects::new(1);
        let type0 = embed(&font, &subset, &mut objects).expect("embeds");
        let bodies: Vec<(ObjRef, Vec<u8>)> =
            objects.iter().map(|(r, o)| (r, o.to_bytes())).collect();
        let text_of = |r: ObjRef| {
            let body = bodies.iter().find(|(x, _)| *x == r).map(|(_, b)| b.clone());
            String::from_utf8_lossy(&body.expect("object exists")).into_owned()
        };
        let type0_text = text_of(type0);
        assert!(type0_text.contains("/Subtype /Type0"), "{type0_text}");
        assert!(type0_text.contains("/Encoding /Identity-H"), "{type0_text}");
        let all: String = bodies
            .iter()
            .map(|(_, b)| String::from_utf8_lossy(b))
            .collect();
        assert!(all.contains("/CIDToGIDMap /Identity"));
        assert!(all.contains("/Subtype /CIDFontType2"));
        assert!(all.contains("/FontFile2 "));
        assert!(all.contains("/Length1 "));
        assert!(all.contains("/CIDSet "));
        let tag = subset.tag(&font);
        assert!(
            all.contains(&format!("/FontName /{tag}+DejaVuSans")),
            "{all}"
        );
        // 'H' is CID 1; its width is its advance in thousandths of the em.
        let face = font.face().expect("face");
        let h = advance(&face, glyph_of(&face, 'H').expect("H"));
        let w = font.to_glyph_space(f64::from(h));
        let w_text = String::from_utf8_lossy(&Object::Real(w).to_bytes()).into_owned();
        assert!(all.contains("/W [0 ["), "{all}");
        assert!(all.contains(&w_text), "width {w_text} missing");
        // The ToUnicode stream inflates to the CMap.
        let cmap = objects.iter().find_map(|(_, o)| match o {
            Object::Stream(d, data) if d.contains_key(&Name::new("Filter")) => {
                let text = String::from_utf8(inflate(data)).ok()?;
                text.starts_with("/CIDInit").then_some(text)
            }
            _ => None,
        });
        let cmap = cmap.expect("ToUnicode stream");
        assert!(cmap.contains("<0001> <0048>"), "{cmap}");
    }
}
