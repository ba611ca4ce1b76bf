//! A lazy PDF reader over a borrowed byte slice (usually a memory map).
//!
//! Opening a document reads only the header, the `startxref` pointer and the chain of
//! cross-reference sections. Objects are parsed when asked for, through a bounded cache, so
//! memory stays proportional to the objects touched, not to the file: a 1 GB document with
//! one huge image costs what its catalog, page tree and form fields cost.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use memchr::memmem;

use crate::error::Error;
use crate::filter::{decode_stream, DEFAULT_DECODE_LIMIT};
use crate::object::{Dict, ObjRef, Object};
use crate::parse::{is_whitespace, parse_uint, Parser};

/// How far from the end `startxref` is looked for; trailing garbage beyond this is rejected.
const STARTXREF_WINDOW: usize = 64 * 1024;
/// Most cross-reference sections followed through /Prev (one per incremental update).
const MAX_SECTIONS: usize = 4096;
/// Objects cached at most; the cache is dropped wholesale when full.
const CACHE_ENTRIES: usize = 4096;
/// Streams larger than this are never cached (their data is copied on every `get`).
const CACHE_STREAM_BYTES: usize = 64 * 1024;
/// Decoded object streams kept at once.
const OBJSTM_CACHE: usize = 4;
/// Nodes visited at most when walking the page tree or the form field tree.
pub(crate) const MAX_TREE_NODES: usize = 1_000_000;
/// Most cross-reference entries accepted over all sections: bounds the memory a hostile
/// /Index or subsection count can make the reader allocate (about 100 bytes per entry).
pub const MAX_XREF_ENTRIES: usize = 4_000_000;
/// How far around a wrong `startxref` (or /Prev) offset the real section is looked for.
const XREF_SLACK: usize = 32;

/// Where an object lives, as a cross-reference entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XrefEntry {
    /// A free entry: the object does not exist (reads as `null`).
    Free,
    /// An uncompressed object at a byte offset.
    InFile {
        /// Byte offset of `num gen obj`.
        offset: u64,
        /// Generation number.
        gen: u16,
    },
    /// An object inside an object stream.
    InObjectStream {
        /// Object number of the object stream.
        stream: u32,
        /// Index of the object within the stream.
        index: u32,
    },
}

/// The syntax of a cross-reference section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XrefKind {
    /// A classic `xref` table followed by `trailer`.
    Table,
    /// A cross-reference stream (PDF 1.5).
    Stream,
}

/// One cross-reference section of the /Prev chain.
#[derive(Clone, Debug)]
pub struct XrefSection {
    /// Byte offset where the section starts (where it really is, if `startxref` was off).
    pub offset: u64,
    /// Table or stream.
    pub kind: XrefKind,
    /// The trailer dictionary (for a stream: the stream dictionary).
    pub trailer: Dict,
    /// Entries in the order read; for a hybrid file, the /XRefStm entries follow the table's.
    pub entries: Vec<(u32, XrefEntry)>,
    /// Offset of the hybrid-reference stream (/XRefStm), if any.
    pub hybrid_stream: Option<u64>,
}

/// A decoded object stream: its data and the object numbers with their offsets.
#[derive(Debug)]
struct ObjectStream {
    num: u32,
    data: Vec<u8>,
    first: usize,
    index: Vec<(u32, usize)>,
}

#[derive(Default)]
struct Cache {
    objects: HashMap<ObjRef, Object>,
    object_streams: Vec<Arc<ObjectStream>>,
}

/// A page with its inherited attributes resolved (ISO 32000-1 §7.7.3.4).
#[derive(Clone, Debug)]
pub struct Page {
    /// The page object.
    pub reference: ObjRef,
    /// The page dictionary as stored (without inherited attributes).
    pub dict: Dict,
    /// /MediaBox, own or inherited.
    pub media_box: Option<[f64; 4]>,
    /// /CropBox, own or inherited.
    pub crop_box: Option<[f64; 4]>,
    /// /Rotate, own or inherited (0 when absent).
    pub rotate: i64,
    /// /Resources, own or inherited (possibly a reference).
    pub resources: Option<Object>,
}

/// An opened PDF document; borrows the bytes it was opened from.
///
/// Not `Sync` (the object cache uses interior mutability); open one per thread.
pub struct Document<'a> {
    data: &'a [u8],
    startxref: u64,
    sections: Vec<XrefSection>,
    entries: HashMap<u32, XrefEntry>,
    trailer: Dict,
    revision_ends: Vec<u64>,
    reconstructed: bool,
    cache: RefCell<Cache>,
    resolving: RefCell<Vec<ObjRef>>,
    /// Object headers found by scanning the file, made on the first object the
    /// cross-reference data misplaces.
    scanned: std::cell::OnceCell<HashMap<u32, (u64, u16)>>,
    repairs: std::cell::Cell<usize>,
}

impl std::fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("len", &self.data.len())
            .field("sections", &self.sections.len())
            .field("objects", &self.entries.len())
            .finish()
    }
}

/// Raw result of loading an object: stream data stays borrowed.
enum Loaded<'a> {
    Direct(Object),
    Stream(Dict, &'a [u8]),
}

impl<'a> Document<'a> {
    /// Opens a document: checks the header, follows `startxref` and the /Prev chain (classic
    /// tables, xref streams, hybrid /XRefStm), and refuses encrypted documents.
    ///
    /// When the `startxref` offset is slightly off the section is looked for nearby; when the
    /// cross-reference data is unusable the objects are found by scanning the file (see
    /// [`Document::is_reconstructed`]). A /Prev loop is an error, not something to repair.
    pub fn open(data: &'a [u8]) -> Result<Self, Error> {
        check_header(data)?;
        let startxref = find_startxref(data)?;
        let (sections, reconstructed) = match read_chain(data, startxref) {
            Ok(sections) => (sections, false),
            Err(
                err @ (Error::XrefLoop { .. }
                | Error::Encrypted
                | Error::TooDeep { .. }
                | Error::TooLarge { .. }),
            ) => return Err(err),
            Err(err) => match reconstruct(data) {
                Some(section) => (vec![section], true),
                None => return Err(err),
            },
        };
        let mut entries = HashMap::new();
        for section in &sections {
            for (num, entry) in &section.entries {
                entries.entry(*num).or_insert(*entry);
            }
        }
        let trailer = merged_trailer(&sections);
        if trailer.contains_key(b"Encrypt".as_slice()) {
            return Err(Error::Encrypted);
        }
        let revision_ends = if reconstructed {
            Vec::new()
        } else {
            revision_ends(data, &sections)
        };
        let doc = Self {
            data,
            startxref,
            sections,
            entries,
            trailer,
            revision_ends,
            reconstructed,
            cache: RefCell::default(),
            resolving: RefCell::default(),
            scanned: std::cell::OnceCell::new(),
            repairs: std::cell::Cell::new(0),
        };
        if reconstructed {
            // A repaired document must at least have a catalog, or the repair found nothing.
            doc.catalog()?;
        }
        Ok(doc)
    }

    /// The bytes the document was opened from.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The offset the file's last `startxref` declares.
    pub fn startxref(&self) -> u64 {
        self.startxref
    }

    /// The cross-reference sections, newest first (the first one is where `startxref` points).
    pub fn sections(&self) -> &[XrefSection] {
        &self.sections
    }

    /// Whether the cross-reference data was unusable and objects were found by scanning.
    pub fn is_reconstructed(&self) -> bool {
        self.reconstructed
    }

    /// How many objects were found by scanning because the cross-reference data misplaced
    /// them (a damaged file; verification should say so).
    pub fn repaired_objects(&self) -> usize {
        self.repairs.get()
    }

    /// The newest trailer (entries missing from it, like /Root in some broken updates, are
    /// taken from older trailers).
    pub fn trailer(&self) -> &Dict {
        &self.trailer
    }

    /// Byte offsets where each revision ends (just after its `%%EOF` and end-of-line), oldest
    /// first. A linearized file's first-page section belongs to the revision it was written
    /// with. Empty for a reconstructed document.
    pub fn revisions(&self) -> &[u64] {
        &self.revision_ends
    }

    /// One more than the highest object number in use (the trailer's /Size, or more if the
    /// cross-reference data names higher objects).
    pub fn size(&self) -> u32 {
        let declared = self
            .trailer
            .get(b"Size".as_slice())
            .and_then(Object::as_int)
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0);
        let highest = self.entries.keys().max().map_or(0, |n| n.saturating_add(1));
        declared.max(highest)
    }

    /// Where the cross-reference data says object `num` lives.
    pub fn entry(&self, num: u32) -> Option<XrefEntry> {
        self.entries.get(&num).copied()
    }

    /// Resolves a reference. A free or missing object reads as `null` (ISO 32000-1 §7.3.10).
    /// Stream data is copied; use [`Document::get_stream`] to borrow it.
    pub fn get(&self, r: ObjRef) -> Result<Object, Error> {
        if let Some(hit) = self.cache.borrow().objects.get(&r) {
            return Ok(hit.clone());
        }
        let object = match self.load(r)? {
            Loaded::Direct(object) => object,
            Loaded::Stream(dict, data) => Object::Stream(dict, data.to_vec()),
        };
        let cacheable = match &object {
            Object::Stream(_, data) => data.len() <= CACHE_STREAM_BYTES,
            _ => true,
        };
        if cacheable {
            let mut cache = self.cache.borrow_mut();
            if cache.objects.len() >= CACHE_ENTRIES {
                cache.objects.clear();
            }
            cache.objects.insert(r, object.clone());
        }
        Ok(object)
    }

    /// A stream object's dictionary and raw (still encoded) data, borrowed from the input.
    /// `None` when the object is not a stream.
    pub fn get_stream(&self, r: ObjRef) -> Result<Option<(Dict, &'a [u8])>, Error> {
        match self.load(r)? {
            Loaded::Stream(dict, data) => Ok(Some((dict, data))),
            Loaded::Direct(_) => Ok(None),
        }
    }

    /// A stream's decoded data (FlateDecode with predictors; see [`decode_stream`]).
    pub fn decode(&self, dict: &Dict, raw: &[u8]) -> Result<Vec<u8>, Error> {
        decode_stream(dict, raw, DEFAULT_DECODE_LIMIT)
    }

    /// Follows references until a direct object (bounded; a loop is an error).
    pub fn resolve(&self, object: &Object) -> Result<Object, Error> {
        let mut current = object.clone();
        let mut seen = Vec::new();
        while let Object::Ref(r) = current {
            if seen.contains(&r) || seen.len() > 32 {
                return Err(Error::ReferenceCycle(r));
            }
            seen.push(r);
            current = self.get(r)?;
        }
        Ok(current)
    }

    /// Resolves `dict[key]`, `None` when absent or null.
    pub fn resolve_key(&self, dict: &Dict, key: &str) -> Result<Option<Object>, Error> {
        match dict.get(key.as_bytes()) {
            None => Ok(None),
            Some(value) => match self.resolve(value)? {
                Object::Null => Ok(None),
                other => Ok(Some(other)),
            },
        }
    }

    /// The reference to the document catalog (trailer /Root).
    pub fn catalog_ref(&self) -> Result<ObjRef, Error> {
        self.trailer
            .get(b"Root".as_slice())
            .and_then(Object::as_ref)
            .ok_or(Error::WrongType {
                what: "the trailer's /Root",
                expected: "a reference",
            })
    }

    /// The document catalog.
    pub fn catalog(&self) -> Result<Dict, Error> {
        match self.get(self.catalog_ref()?)? {
            Object::Dict(d) => Ok(d),
            _ => Err(Error::WrongType {
                what: "the document catalog",
                expected: "a dictionary",
            }),
        }
    }

    /// The number of pages, counted by walking the page tree (not trusting /Count).
    pub fn page_count(&self) -> Result<usize, Error> {
        let mut count = 0;
        self.walk_pages(|_| {
            count += 1;
            true
        })?;
        Ok(count)
    }

    /// The page at zero-based `index`, with inherited attributes.
    pub fn page(&self, index: usize) -> Result<Page, Error> {
        let mut seen = 0;
        let mut found = None;
        self.walk_pages(|page| {
            if seen == index {
                found = Some(page);
                return false;
            }
            seen += 1;
            true
        })?;
        found.ok_or(Error::PageOutOfRange { index, count: seen })
    }

    /// The page objects in document order.
    pub fn page_refs(&self) -> Result<Vec<ObjRef>, Error> {
        let mut refs = Vec::new();
        self.walk_pages(|page| {
            refs.push(page.reference);
            true
        })?;
        Ok(refs)
    }

    /// Visits pages in order until `visit` returns false. A node seen twice is a
    /// [`Error::ReferenceCycle`].
    fn walk_pages(&self, mut visit: impl FnMut(Page) -> bool) -> Result<(), Error> {
        let root = self
            .catalog()?
            .get(b"Pages".as_slice())
            .and_then(Object::as_ref)
            .ok_or(Error::WrongType {
                what: "the catalog's /Pages",
                expected: "a reference",
            })?;
        let mut seen = HashSet::new();
        // Stack of (node, inherited attributes); kids are pushed in reverse to keep order.
        let mut stack = vec![(root, Inherited::default())];
        while let Some((node, inherited)) = stack.pop() {
            if !seen.insert(node) {
                return Err(Error::ReferenceCycle(node));
            }
            if seen.len() > MAX_TREE_NODES {
                return Err(Error::TooLarge {
                    what: "the page tree",
                    limit: MAX_TREE_NODES,
                });
            }
            let dict = match self.get(node)? {
                Object::Dict(d) => d,
                _ => {
                    return Err(Error::WrongType {
                        what: "a page tree node",
                        expected: "a dictionary",
                    })
                }
            };
            let inherited = inherited.update(self, &dict)?;
            let is_pages = dict.get(b"Type".as_slice()).and_then(Object::as_name)
                == Some(b"Pages".as_slice())
                || dict.contains_key(b"Kids".as_slice());
            if is_pages {
                let kids = match self.resolve_key(&dict, "Kids")? {
                    Some(Object::Array(kids)) => kids,
                    _ => {
                        return Err(Error::WrongType {
                            what: "a page tree /Kids",
                            expected: "an array",
                        })
                    }
                };
                for kid in kids.iter().rev() {
                    let kid = kid.as_ref().ok_or(Error::WrongType {
                        what: "a page tree kid",
                        expected: "a reference",
                    })?;
                    stack.push((kid, inherited.clone()));
                }
            } else {
                let page = Page {
                    reference: node,
                    media_box: inherited.media_box,
                    crop_box: inherited.crop_box,
                    rotate: inherited.rotate,
                    resources: inherited.resources,
                    dict,
                };
                if !visit(page) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn load(&self, r: ObjRef) -> Result<Loaded<'a>, Error> {
        let entry = match self.entries.get(&r.num) {
            None | Some(XrefEntry::Free) => return Ok(Loaded::Direct(Object::Null)),
            Some(entry) => *entry,
        };
        {
            let mut resolving = self.resolving.borrow_mut();
            if resolving.contains(&r) {
                return Err(Error::ReferenceCycle(r));
            }
            if resolving.len() >= 16 {
                return Err(Error::TooDeep {
                    offset: 0,
                    limit: 16,
                });
            }
            resolving.push(r);
        }
        let result = match entry {
            XrefEntry::Free => Ok(Loaded::Direct(Object::Null)),
            XrefEntry::InFile { offset, gen } => {
                if gen != r.gen {
                    Ok(Loaded::Direct(Object::Null))
                } else {
                    match self.load_in_file(r, offset) {
                        Err(Error::ObjectMismatch(_)) => self.load_scanned(r),
                        other => other,
                    }
                }
            }
            XrefEntry::InObjectStream { stream, index } => {
                if r.gen != 0 {
                    Ok(Loaded::Direct(Object::Null))
                } else {
                    self.load_compressed(r, stream, index).map(Loaded::Direct)
                }
            }
        };
        self.resolving.borrow_mut().pop();
        result
    }

    /// Loads an object the cross-reference data misplaced from where a scan of the file
    /// finds its header (the last one wins, as for a reconstructed table).
    fn load_scanned(&self, r: ObjRef) -> Result<Loaded<'a>, Error> {
        let scanned = self.scanned.get_or_init(|| scan_object_headers(self.data));
        match scanned.get(&r.num) {
            Some(&(offset, gen)) if gen == r.gen => {
                let loaded = self.load_in_file(r, offset)?;
                self.repairs.set(self.repairs.get() + 1);
                Ok(loaded)
            }
            _ => Err(Error::ObjectMismatch(r)),
        }
    }

    fn load_in_file(&self, r: ObjRef, offset: u64) -> Result<Loaded<'a>, Error> {
        let offset = usize::try_from(offset).map_err(|_| Error::ObjectMismatch(r))?;
        if offset >= self.data.len() {
            return Err(Error::ObjectMismatch(r));
        }
        let mut parser = Parser::new(self.data, offset);
        let header = parser
            .read_object_header()
            .map_err(|_| Error::ObjectMismatch(r))?;
        if header != r {
            return Err(Error::ObjectMismatch(r));
        }
        let object = parser.parse_object()?;
        match object {
            Object::Dict(dict) if parser.eat_keyword(b"stream") => {
                let data = self.stream_data(&dict, parser.pos())?;
                Ok(Loaded::Stream(dict, data))
            }
            other => Ok(Loaded::Direct(other)),
        }
    }

    /// Finds a stream's data after the `stream` keyword: /Length when it leads to
    /// `endstream`, otherwise up to the next `endstream`.
    fn stream_data(&self, dict: &Dict, after_keyword: usize) -> Result<&'a [u8], Error> {
        let data = self.data;
        let start = match data.get(after_keyword..after_keyword + 2) {
            Some(b"\r\n") => after_keyword + 2,
            _ => match data.get(after_keyword) {
                Some(b'\n' | b'\r') => after_keyword + 1,
                _ => after_keyword,
            },
        };
        let declared = match dict.get(b"Length".as_slice()) {
            Some(Object::Int(n)) => usize::try_from(*n).ok(),
            Some(Object::Ref(r)) => self
                .get(*r)
                .ok()
                .and_then(|o| o.as_int())
                .and_then(|n| usize::try_from(n).ok()),
            _ => None,
        };
        if let Some(len) = declared {
            if let Some(end) = start.checked_add(len).filter(|e| *e <= data.len()) {
                let mut p = Parser::new(data, end);
                if p.eat_keyword(b"endstream") {
                    return data
                        .get(start..end)
                        .ok_or(Error::UnexpectedEof { offset: end });
                }
            }
        }
        // /Length is missing or wrong: take everything up to `endstream`.
        let rest = data.get(start..).unwrap_or_default();
        let found = memmem::find(rest, b"endstream").ok_or(Error::Syntax {
            what: "endstream",
            offset: start,
        })?;
        let mut end = start + found;
        if end > start && data.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && data.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        data.get(start..end)
            .ok_or(Error::UnexpectedEof { offset: end })
    }

    fn load_compressed(&self, r: ObjRef, stream: u32, index: u32) -> Result<Object, Error> {
        let objstm = self.object_stream(stream)?;
        let &(num, offset) = objstm
            .index
            .get(index as usize)
            .ok_or(Error::ObjectMismatch(r))?;
        if num != r.num {
            return Err(Error::ObjectMismatch(r));
        }
        let start = objstm
            .first
            .checked_add(offset)
            .ok_or(Error::ObjectMismatch(r))?;
        if start >= objstm.data.len() {
            return Err(Error::ObjectMismatch(r));
        }
        Parser::new(&objstm.data, start).parse_object()
    }

    fn object_stream(&self, num: u32) -> Result<Arc<ObjectStream>, Error> {
        if let Some(hit) = self
            .cache
            .borrow()
            .object_streams
            .iter()
            .find(|s| s.num == num)
        {
            return Ok(Arc::clone(hit));
        }
        let r = ObjRef::new(num);
        let (dict, raw) = match self.load(r)? {
            Loaded::Stream(dict, raw) => (dict, raw),
            Loaded::Direct(_) => {
                return Err(Error::WrongType {
                    what: "an object stream",
                    expected: "a stream",
                })
            }
        };
        let objstm = Arc::new(parse_object_stream(num, &dict, raw)?);
        let mut cache = self.cache.borrow_mut();
        if cache.object_streams.len() >= OBJSTM_CACHE {
            cache.object_streams.remove(0);
        }
        cache.object_streams.push(Arc::clone(&objstm));
        Ok(objstm)
    }
}

fn parse_object_stream(num: u32, dict: &Dict, raw: &[u8]) -> Result<ObjectStream, Error> {
    let bad = |reason| Error::BadObjectStream { num, reason };
    let count = dict
        .get(b"N".as_slice())
        .and_then(Object::as_int)
        .ok_or(bad("object stream without /N"))?;
    let first = dict
        .get(b"First".as_slice())
        .and_then(Object::as_int)
        .ok_or(bad("object stream without /First"))?;
    let data = decode_stream(dict, raw, DEFAULT_DECODE_LIMIT)?;
    let count = usize::try_from(count).map_err(|_| bad("negative /N"))?;
    let first = usize::try_from(first).map_err(|_| bad("negative /First"))?;
    if first > data.len() || count > data.len() / 2 + 1 {
        return Err(bad("object stream header out of range"));
    }
    let header = data.get(..first).unwrap_or_default();
    let mut parser = Parser::new(header, 0);
    let mut index = Vec::with_capacity(count);
    for _ in 0..count {
        let (Some(n), Some(off)) = (parser.read_uint(), parser.read_uint()) else {
            return Err(bad("object stream header corrupt"));
        };
        let n = u32::try_from(n).map_err(|_| bad("object number too large"))?;
        let off = usize::try_from(off).map_err(|_| bad("offset too large"))?;
        index.push((n, off));
    }
    Ok(ObjectStream {
        num,
        data,
        first,
        index,
    })
}

#[derive(Clone, Default)]
struct Inherited {
    media_box: Option<[f64; 4]>,
    crop_box: Option<[f64; 4]>,
    rotate: i64,
    resources: Option<Object>,
}

impl Inherited {
    fn update(&self, doc: &Document<'_>, dict: &Dict) -> Result<Self, Error> {
        let mut next = self.clone();
        if let Some(b) = rect_of(doc, dict, "MediaBox")? {
            next.media_box = Some(b);
        }
        if let Some(b) = rect_of(doc, dict, "CropBox")? {
            next.crop_box = Some(b);
        }
        if let Some(r) = doc.resolve_key(dict, "Rotate")?.and_then(|o| o.as_int()) {
            next.rotate = r;
        }
        if let Some(res) = dict.get(b"Resources".as_slice()) {
            next.resources = Some(res.clone());
        }
        Ok(next)
    }
}

/// Reads a rectangle `[x1 y1 x2 y2]` from `dict[key]`, resolving references.
pub(crate) fn rect_of(
    doc: &Document<'_>,
    dict: &Dict,
    key: &str,
) -> Result<Option<[f64; 4]>, Error> {
    let Some(Object::Array(items)) = doc.resolve_key(dict, key)? else {
        return Ok(None);
    };
    if items.len() != 4 {
        return Ok(None);
    }
    let mut out = [0.0; 4];
    for (slot, item) in out.iter_mut().zip(&items) {
        match doc.resolve(item)?.as_f64() {
            Some(v) => *slot = v,
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

fn check_header(data: &[u8]) -> Result<(), Error> {
    let head = data.get(..data.len().min(1024)).unwrap_or_default();
    let at = memmem::find(head, b"%PDF-").ok_or(Error::NotPdf)?;
    match head.get(at + 5..at + 8) {
        Some([major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => Ok(()),
        _ => Err(Error::NotPdf),
    }
}

/// Finds the offset after the last `startxref` keyword near the end of the file.
fn find_startxref(data: &[u8]) -> Result<u64, Error> {
    let window_start = data.len().saturating_sub(STARTXREF_WINDOW);
    let tail = data.get(window_start..).unwrap_or_default();
    let at = memmem::rfind(tail, b"startxref").ok_or(Error::StartXrefNotFound)?;
    let mut parser = Parser::new(data, window_start + at + b"startxref".len());
    let offset = parser.read_uint().ok_or(Error::StartXrefNotFound)?;
    // Only `%%EOF` (or another comment) or the end of the data may follow; anything else
    // (e.g. a second number) makes the offset ambiguous. Whatever follows %%EOF is not ours
    // to judge.
    let mut pos = parser.pos();
    while data.get(pos).is_some_and(|b| is_whitespace(*b)) {
        pos += 1;
    }
    match data.get(pos) {
        None | Some(b'%') => Ok(offset),
        Some(_) => Err(Error::StartXrefNotFound),
    }
}

/// Reads the chain of sections from `start` through /Prev, newest first.
fn read_chain(data: &[u8], start: u64) -> Result<Vec<XrefSection>, Error> {
    let mut sections: Vec<XrefSection> = Vec::new();
    let mut visited = HashSet::new();
    let mut next = Some(start);
    let mut total_entries = 0usize;
    while let Some(offset) = next {
        if !visited.insert(offset) || sections.len() >= MAX_SECTIONS {
            return Err(Error::XrefLoop { offset });
        }
        let section = read_section_near(data, offset)?;
        total_entries += section.entries.len();
        if total_entries > MAX_XREF_ENTRIES {
            return Err(Error::TooLarge {
                what: "the cross-reference data",
                limit: MAX_XREF_ENTRIES,
            });
        }
        if section.offset != offset && !visited.insert(section.offset) {
            return Err(Error::XrefLoop {
                offset: section.offset,
            });
        }
        next = match section.trailer.get(b"Prev".as_slice()) {
            None | Some(Object::Null) => None,
            Some(prev) => {
                let prev =
                    prev.as_int()
                        .and_then(|p| u64::try_from(p).ok())
                        .ok_or(Error::BadXref {
                            offset,
                            reason: "/Prev is not an offset",
                        })?;
                Some(prev)
            }
        };
        sections.push(section);
    }
    Ok(sections)
}

/// Reads the section at `offset`, or, when nothing parses there, the nearest one within
/// [`XREF_SLACK`] bytes (files whose `startxref` is off by a few bytes are common).
fn read_section_near(data: &[u8], offset: u64) -> Result<XrefSection, Error> {
    let first_error = match read_section(data, offset) {
        Ok(section) => return Ok(section),
        Err(err @ Error::XrefLoop { .. }) => return Err(err),
        Err(err) => err,
    };
    let Ok(center) = usize::try_from(offset) else {
        return Err(first_error);
    };
    for distance in 1..=XREF_SLACK {
        for candidate in [center.checked_sub(distance), center.checked_add(distance)] {
            let Some(candidate) = candidate else { continue };
            let starts_token =
                candidate == 0 || data.get(candidate - 1).is_some_and(|b| is_whitespace(*b));
            let plausible = matches!(data.get(candidate), Some(b'x' | b'0'..=b'9'));
            if starts_token && plausible {
                if let Ok(section) = read_section(data, candidate as u64) {
                    return Ok(section);
                }
            }
        }
    }
    Err(first_error)
}

fn read_section(data: &[u8], offset: u64) -> Result<XrefSection, Error> {
    let pos = usize::try_from(offset)
        .ok()
        .filter(|p| *p < data.len())
        .ok_or(Error::BadXref {
            offset,
            reason: "offset outside the file",
        })?;
    let mut parser = Parser::new(data, pos);
    if parser.eat_keyword(b"xref") {
        let mut section = read_table(data, &mut parser, offset)?;
        if let Some(stm) = section
            .trailer
            .get(b"XRefStm".as_slice())
            .and_then(Object::as_int)
        {
            let stm = u64::try_from(stm).map_err(|_| Error::BadXref {
                offset,
                reason: "bad /XRefStm",
            })?;
            if stm == offset {
                return Err(Error::XrefLoop { offset });
            }
            let hidden = read_xref_stream(data, stm)?;
            section.entries.extend(hidden.entries);
            section.hybrid_stream = Some(stm);
        }
        Ok(section)
    } else {
        read_xref_stream(data, offset)
    }
}

fn read_table(data: &[u8], parser: &mut Parser<'_>, offset: u64) -> Result<XrefSection, Error> {
    let bad = |reason| Error::BadXref { offset, reason };
    let mut entries = Vec::new();
    loop {
        if parser.eat_keyword(b"trailer") {
            break;
        }
        let start = parser
            .read_uint()
            .ok_or(bad("expected a subsection header or trailer"))?;
        let count = parser
            .read_uint()
            .ok_or(bad("expected a subsection count"))?;
        // Each entry takes at least 5 bytes ("0 0 n"); refuse counts the data cannot hold.
        let remaining = (data.len() - parser.pos().min(data.len())) as u64;
        if count > remaining / 5 + 1 {
            return Err(bad("subsection count exceeds the data"));
        }
        for i in 0..count {
            let pos = parser.read_uint().ok_or(bad("expected an entry offset"))?;
            let gen = parser
                .read_uint()
                .ok_or(bad("expected an entry generation"))?;
            let num = start
                .checked_add(i)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(bad("object number too large"))?;
            let gen = u16::try_from(gen).unwrap_or(u16::MAX);
            let entry = if parser.eat_keyword(b"n") {
                XrefEntry::InFile { offset: pos, gen }
            } else if parser.eat_keyword(b"f") {
                XrefEntry::Free
            } else {
                return Err(bad("expected n or f"));
            };
            // A "n" entry at offset 0 is a broken writer's free entry.
            let entry = match entry {
                XrefEntry::InFile { offset: 0, .. } => XrefEntry::Free,
                e => e,
            };
            if entries.len() >= MAX_XREF_ENTRIES {
                return Err(Error::TooLarge {
                    what: "a cross-reference section",
                    limit: MAX_XREF_ENTRIES,
                });
            }
            entries.push((num, entry));
        }
    }
    let trailer = match parser.parse_object()? {
        Object::Dict(d) => d,
        _ => return Err(bad("trailer is not a dictionary")),
    };
    Ok(XrefSection {
        offset,
        kind: XrefKind::Table,
        trailer,
        entries,
        hybrid_stream: None,
    })
}

fn read_xref_stream(data: &[u8], offset: u64) -> Result<XrefSection, Error> {
    let bad = |reason| Error::BadXref { offset, reason };
    let pos = usize::try_from(offset)
        .ok()
        .filter(|p| *p < data.len())
        .ok_or(bad("offset outside the file"))?;
    let mut parser = Parser::new(data, pos);
    parser
        .read_object_header()
        .map_err(|_| bad("neither xref nor an xref stream"))?;
    let dict = match parser.parse_object()? {
        Object::Dict(d) => d,
        _ => return Err(bad("xref stream is not a dictionary")),
    };
    if dict.get(b"Type".as_slice()).and_then(Object::as_name) != Some(b"XRef".as_slice()) {
        return Err(bad("object is not an xref stream"));
    }
    if !parser.eat_keyword(b"stream") {
        return Err(bad("xref stream without stream data"));
    }
    let raw =
        xref_stream_data(data, &dict, parser.pos()).ok_or(bad("xref stream data out of range"))?;
    let decoded = decode_stream(&dict, raw, DEFAULT_DECODE_LIMIT)?;
    let widths: Vec<usize> = match dict.get(b"W".as_slice()) {
        Some(Object::Array(w)) if w.len() == 3 => w
            .iter()
            .map(|v| {
                v.as_int()
                    .and_then(|i| usize::try_from(i).ok())
                    .filter(|i| *i <= 8)
            })
            .collect::<Option<_>>()
            .ok_or(bad("/W entries must be 0..=8"))?,
        _ => return Err(bad("/W must have three entries")),
    };
    let &[w0, w1, w2] = widths.as_slice() else {
        return Err(bad("/W must have three entries"));
    };
    let row = w0 + w1 + w2;
    if row == 0 {
        return Err(bad("/W is all zeros"));
    }
    let size = dict
        .get(b"Size".as_slice())
        .and_then(Object::as_int)
        .ok_or(bad("missing /Size"))?;
    let index: Vec<i64> = match dict.get(b"Index".as_slice()) {
        Some(Object::Array(items)) => items
            .iter()
            .map(Object::as_int)
            .collect::<Option<_>>()
            .ok_or(bad("bad /Index"))?,
        _ => vec![0, size],
    };
    let mut entries = Vec::new();
    let mut rows = decoded.chunks_exact(row);
    for pair in index.chunks(2) {
        let [start, count] = pair else {
            return Err(bad("/Index has an odd length"));
        };
        let start = u32::try_from(*start).map_err(|_| bad("bad /Index start"))?;
        let count = u64::try_from(*count).map_err(|_| bad("bad /Index count"))?;
        for i in 0..count {
            let Some(fields) = rows.next() else {
                return Err(bad("xref stream data shorter than /Index says"));
            };
            let (f0, rest) = fields.split_at(w0);
            let (f1, f2) = rest.split_at(w1);
            let kind = if w0 == 0 { 1 } else { be(f0) };
            let num =
                u32::try_from(u64::from(start) + i).map_err(|_| bad("object number too large"))?;
            let entry = match kind {
                0 => XrefEntry::Free,
                1 => XrefEntry::InFile {
                    offset: be(f1),
                    gen: u16::try_from(be(f2)).unwrap_or(u16::MAX),
                },
                2 => XrefEntry::InObjectStream {
                    stream: u32::try_from(be(f1))
                        .map_err(|_| bad("object stream number too large"))?,
                    index: u32::try_from(be(f2))
                        .map_err(|_| bad("object stream index too large"))?,
                },
                // Unknown types are to be treated as null references (ISO 32000-1 §7.5.8.3).
                _ => XrefEntry::Free,
            };
            if entries.len() >= MAX_XREF_ENTRIES {
                return Err(Error::TooLarge {
                    what: "a cross-reference section",
                    limit: MAX_XREF_ENTRIES,
                });
            }
            entries.push((num, entry));
        }
    }
    Ok(XrefSection {
        offset,
        kind: XrefKind::Stream,
        trailer: dict,
        entries,
        hybrid_stream: None,
    })
}

/// Stream data without object lookups: an xref stream's /Length must be direct (ISO 32000-1
/// §7.5.8.2), and a repair scan has no table to look /Length up in; a missing or wrong length
/// falls back to the next `endstream`.
fn xref_stream_data<'a>(data: &'a [u8], dict: &Dict, after_keyword: usize) -> Option<&'a [u8]> {
    let start = match data.get(after_keyword..after_keyword + 2) {
        Some(b"\r\n") => after_keyword + 2,
        _ => match data.get(after_keyword) {
            Some(b'\n' | b'\r') => after_keyword + 1,
            _ => after_keyword,
        },
    };
    if let Some(len) = dict.get(b"Length".as_slice()).and_then(Object::as_int) {
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| start.checked_add(l))?;
        if end <= data.len() && Parser::new(data, end).eat_keyword(b"endstream") {
            return data.get(start..end);
        }
    }
    let found = memmem::find(data.get(start..)?, b"endstream")?;
    data.get(start..start + found)
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b))
}

/// The document's trailer: every key of the newest section's trailer, with the keys it lacks
/// taken from older sections (newest wins, as ISO 32000-1 §7.5.6 has an update's trailer
/// repeat the previous one's entries). Per-section keys (/Prev, /XRefStm) are dropped, and so
/// are the keys that describe a cross-reference *stream* (/Type, /W, /Index, /Length,
/// /Filter...), which belong to that stream, not to the document. Unknown keys are kept.
fn merged_trailer(sections: &[XrefSection]) -> Dict {
    const PER_SECTION: &[&[u8]] = &[b"Prev", b"XRefStm"];
    const STREAM_ONLY: &[&[u8]] = &[
        b"Type",
        b"W",
        b"Index",
        b"Length",
        b"Filter",
        b"DecodeParms",
        b"F",
        b"FFilter",
        b"FDecodeParms",
        b"DL",
    ];
    let mut trailer = Dict::new();
    for section in sections {
        // A reconstructed section's trailer may be an xref stream's dictionary too.
        let from_stream = section.kind == XrefKind::Stream
            || section
                .trailer
                .get(b"Type".as_slice())
                .and_then(Object::as_name)
                == Some(b"XRef");
        for (key, value) in &section.trailer {
            let name = key.0.as_slice();
            let dropped =
                PER_SECTION.contains(&name) || (from_stream && STREAM_ONLY.contains(&name));
            if !dropped && !trailer.contains_key(key) {
                trailer.insert(key.clone(), value.clone());
            }
        }
    }
    trailer
}

/// Revision ends: for each section, the first `%%EOF` after the furthest section at or below
/// it in the chain (so a linearized file's first-page section, which sits before the main
/// section, joins the main section's revision).
fn revision_ends(data: &[u8], sections: &[XrefSection]) -> Vec<u64> {
    let mut ends = Vec::new();
    let mut furthest = 0u64;
    for section in sections.iter().rev() {
        furthest = furthest
            .max(section.offset)
            .max(section.hybrid_stream.unwrap_or(0));
        let from = usize::try_from(furthest)
            .unwrap_or(data.len())
            .min(data.len());
        let end = match memmem::find(data.get(from..).unwrap_or_default(), b"%%EOF") {
            Some(at) => {
                let mut end = from + at + 5;
                if data.get(end) == Some(&b'\r') {
                    end += 1;
                }
                if data.get(end) == Some(&b'\n') {
                    end += 1;
                }
                end as u64
            }
            None => data.len() as u64,
        };
        if ends.last() != Some(&end) {
            ends.push(end);
        }
    }
    ends.sort_unstable();
    ends.dedup();
    ends
}

/// Rebuilds a cross-reference section by scanning for `num gen obj` headers; the last
/// occurrence of an object wins. The trailer is the last `trailer` dictionary with a /Root,
/// or a reconstructed one naming the last catalog found.
fn reconstruct(data: &[u8]) -> Option<XrefSection> {
    let found = scan_object_headers(data);
    if found.is_empty() {
        return None;
    }
    let mut entries: Vec<(u32, XrefEntry)> = found
        .iter()
        .map(|(num, (offset, gen))| {
            let entry = XrefEntry::InFile {
                offset: *offset,
                gen: *gen,
            };
            (*num, entry)
        })
        .collect();
    entries.extend(object_stream_entries(data, &found));
    entries.sort_by_key(|(num, _)| *num);
    let trailer_dict = memmem::rfind_iter(data, b"trailer").find_map(|at| {
        let mut parser = Parser::new(data, at + b"trailer".len());
        match parser.parse_object() {
            Ok(Object::Dict(d)) if d.contains_key(b"Root".as_slice()) => Some(d),
            _ => None,
        }
    });
    let trailer = match trailer_dict {
        Some(t) => t,
        None => {
            // Find the newest catalog (or xref stream naming one) among the objects found.
            let mut by_offset: Vec<_> = found.iter().collect();
            by_offset.sort_by_key(|(_, (offset, _))| std::cmp::Reverse(*offset));
            let mut trailer = None;
            for (num, (offset, gen)) in by_offset.into_iter().take(10_000) {
                let mut parser = Parser::new(data, *offset as usize);
                if parser.read_object_header().is_err() {
                    continue;
                }
                let Ok(Object::Dict(d)) = parser.parse_object() else {
                    continue;
                };
                match d.get(b"Type".as_slice()).and_then(Object::as_name) {
                    Some(b"XRef") if d.contains_key(b"Root".as_slice()) => {
                        trailer = Some(d);
                        break;
                    }
                    Some(b"Catalog") => {
                        let mut t = Dict::new();
                        t.insert(
                            "Root".into(),
                            Object::Ref(ObjRef {
                                num: *num,
                                gen: *gen,
                            }),
                        );
                        trailer = Some(t);
                        break;
                    }
                    _ => {}
                }
            }
            trailer?
        }
    };
    let mut trailer = trailer;
    trailer.remove(b"Prev".as_slice());
    trailer.remove(b"XRefStm".as_slice());
    Some(XrefSection {
        offset: 0,
        kind: XrefKind::Table,
        trailer,
        entries,
        hybrid_stream: None,
    })
}

/// Entries for the objects inside the object streams among `found`, for numbers that have no
/// uncompressed copy (an uncompressed object found by the scan wins).
fn object_stream_entries(data: &[u8], found: &HashMap<u32, (u64, u16)>) -> Vec<(u32, XrefEntry)> {
    let mut extra = Vec::new();
    for (num, (offset, _)) in found {
        let Ok(at) = usize::try_from(*offset) else {
            continue;
        };
        // Cheap filter before parsing: the dictionary must mention /ObjStm near the header.
        let head = data
            .get(at..data.len().min(at.saturating_add(512)))
            .unwrap_or_default();
        if memmem::find(head, b"/ObjStm").is_none() {
            continue;
        }
        let mut parser = Parser::new(data, at);
        if parser.read_object_header().is_err() {
            continue;
        }
        let Ok(Object::Dict(dict)) = parser.parse_object() else {
            continue;
        };
        if !parser.eat_keyword(b"stream") {
            continue;
        }
        let Some(raw) = xref_stream_data(data, &dict, parser.pos()) else {
            continue;
        };
        let Ok(objstm) = parse_object_stream(*num, &dict, raw) else {
            continue;
        };
        for (index, (inner, _)) in objstm.index.iter().enumerate() {
            let Ok(index) = u32::try_from(index) else {
                break;
            };
            if !found.contains_key(inner) && extra.len() < MAX_XREF_ENTRIES {
                extra.push((
                    *inner,
                    XrefEntry::InObjectStream {
                        stream: *num,
                        index,
                    },
                ));
            }
        }
    }
    extra.sort_by_key(|(n, _)| *n);
    extra.dedup_by_key(|(n, _)| *n);
    extra
}

/// Finds every `num gen obj` header in the file; for a number seen twice the later wins.
fn scan_object_headers(data: &[u8]) -> HashMap<u32, (u64, u16)> {
    let mut found = HashMap::new();
    for at in memmem::find_iter(data, b"obj") {
        if data
            .get(at + 3)
            .is_some_and(|b| !is_whitespace(*b) && !b"<[/(%".contains(b))
        {
            continue;
        }
        if let Some((start, r)) = header_before(data, at) {
            if found.len() >= MAX_XREF_ENTRIES && !found.contains_key(&r.num) {
                continue;
            }
            found.insert(r.num, (start as u64, r.gen));
        }
    }
    found
}

/// Parses `num gen ` backwards from the `obj` keyword at `at`.
fn header_before(data: &[u8], at: usize) -> Option<(usize, ObjRef)> {
    let mut p = at;
    let skip_ws_back = |p: &mut usize| {
        let before = *p;
        while *p > 0 && data.get(*p - 1).is_some_and(|b| is_whitespace(*b)) {
            *p -= 1;
        }
        *p < before
    };
    let digits_back = |p: &mut usize| {
        let end = *p;
        while *p > 0 && data.get(*p - 1).is_some_and(u8::is_ascii_digit) && end - *p < 10 {
            *p -= 1;
        }
        parse_uint(data.get(*p..end)?)
    };
    if !skip_ws_back(&mut p) {
        return None;
    }
    let gen = digits_back(&mut p)?;
    if !skip_ws_back(&mut p) {
        return None;
    }
    let num = digits_back(&mut p)?;
    if p > 0 && data.get(p - 1).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some((
        p,
        ObjRef {
            num: u32::try_from(num).ok()?,
            gen: u16::try_from(gen).ok()?,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::Document;
    use crate::object::Object;

    /// A one-page PDF with a classic xref table and `extra` in its trailer.
    fn base(extra: &str) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for body in [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        ] {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", offsets.len()).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f\r\n");
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size 4 /Root 1 0 R {extra} >>\nstartxref\n{xref}\n%%EOF\n")
                .as_bytes(),
        );
        out
    }

    /// Appends an update redefining the page, with `extra` in its trailer.
    fn update(mut pdf: Vec<u8>, extra: &str) -> Vec<u8> {
        let prev = Document::open(&pdf).expect("opens").startxref();
        let at = pdf.len();
        pdf.extend_from_slice(
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 20 20] >>\nendobj\n",
        );
        let xref = pdf.len();
        pdf.extend_from_slice(format!("xref\n3 1\n{at:010} 00000 n\r\n").as_bytes());
        pdf.extend_from_slice(
            format!(
                "trailer\n<< /Size 4 /Root 1 0 R /Prev {prev} {extra} >>\nstartxref\n{xref}\n%%EOF\n"
            )
            .as_bytes(),
        );
        pdf
    }

    /// The same one-page PDF with an (uncompressed) cross-reference stream.
    fn with_xref_stream() -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for body in [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        ] {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", offsets.len()).as_bytes());
        }
        let at = out.len();
        offsets.push(at);
        let mut rows = vec![0u8, 0, 0, 0, 0, 0xff, 0xff];
        for offset in offsets {
            rows.push(1);
            rows.extend_from_slice(&u32::try_from(offset).expect("small").to_be_bytes());
            rows.extend_from_slice(&[0, 0]);
        }
        out.extend_from_slice(
            format!(
                "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Private /Yes /Length {} >>\nstream\n",
                rows.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&rows);
        out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
        out
    }

    #[test]
    fn an_xref_stream_trailer_keeps_document_keys_and_drops_the_stream_s_own() {
        let pdf = with_xref_stream();
        let doc = Document::open(&pdf).expect("opens");
        assert!(!doc.is_reconstructed());
        let trailer = doc.trailer();
        assert_eq!(
            trailer.get(b"Private".as_slice()).and_then(Object::as_name),
            Some(b"Yes".as_slice())
        );
        assert!(trailer.contains_key(b"Root".as_slice()));
        for key in ["Type", "W", "Length"] {
            assert!(
                !trailer.contains_key(key.as_bytes()),
                "/{key} is the stream's"
            );
        }
        assert!(doc.page(0).is_ok());
    }

    #[test]
    fn trailer_keeps_unknown_keys() {
        let pdf = base("/DocChecksum /ABC123 /Info 1 0 R");
        let doc = Document::open(&pdf).expect("opens");
        let trailer = doc.trailer();
        assert_eq!(
            trailer
                .get(b"DocChecksum".as_slice())
                .and_then(Object::as_name),
            Some(b"ABC123".as_slice())
        );
        assert!(trailer.contains_key(b"Info".as_slice()));
        assert!(trailer.contains_key(b"Size".as_slice()));
    }

    #[test]
    fn trailer_keys_from_the_newest_section_win_and_older_ones_fill_in() {
        let pdf = update(base("/Private /Old /OnlyOld 1"), "/Private /New /OnlyNew 2");
        let doc = Document::open(&pdf).expect("opens");
        let trailer = doc.trailer();
        assert_eq!(
            trailer.get(b"Private".as_slice()).and_then(Object::as_name),
            Some(b"New".as_slice())
        );
        assert_eq!(
            trailer.get(b"OnlyOld".as_slice()).and_then(Object::as_int),
            Some(1)
        );
        assert_eq!(
            trailer.get(b"OnlyNew".as_slice()).and_then(Object::as_int),
            Some(2)
        );
        assert!(!trailer.contains_key(b"Prev".as_slice()), "per-section key");
        // The lazy reader still resolves through the merged sections.
        let page = doc.page(0).expect("page");
        assert_eq!(
            page.dict.get(b"MediaBox".as_slice()),
            Some(&Object::Array(vec![
                Object::Int(0),
                Object::Int(0),
                Object::Int(20),
                Object::Int(20)
            ]))
        );
    }
}
