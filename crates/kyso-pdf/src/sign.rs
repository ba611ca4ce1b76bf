//! Incremental signing: the update that adds a signature placeholder, its byte ranges, the
//! digest over them, and embedding the CMS.
//!
//! The input is never modified: the output is `input ‖ update`, where the update holds the
//! signature dictionary, the new or filled signature field, the objects it changed (page,
//! form, catalog) and a cross-reference section in the style of the input's last one.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use kyso_keys::HashAlgorithm;

use crate::appearance::{self, AppearanceSpec, Font};
use crate::document::{rect_of, Document, XrefEntry, XrefKind, MAX_TREE_NODES};
use crate::error::Error;
use crate::object::{decode_text, dict, Dict, ObjRef, Object};
use crate::writer::NewObjects;

/// Width of each number in the ByteRange placeholder: up to 10 digits, 9.3 GB documents.
const BYTE_RANGE_DIGITS: usize = 10;
/// Largest /Contents reservation accepted (bytes of DER, twice that in hex digits).
pub const MAX_CONTENTS_LEN: usize = 4 * 1024 * 1024;
/// Widget annotation flags: Print (4) + Locked (128).
const WIDGET_FLAGS: i64 = 132;
/// Flags of the widgets printing text into the page: Print (4) + ReadOnly (64) + Locked (128).
const PRINTED_WIDGET_FLAGS: i64 = 196;
/// Field flag ReadOnly (bit 1, ISO 32000-1 §12.7.3.1).
const FIELD_READ_ONLY: i64 = 1;
/// Padding between a text field's border and its text, in points.
const FIELD_PADDING: f64 = 2.0;

/// One line of text the signing revision prints onto a page, outside the signature's own box:
/// the document number and date an issuing clerk puts into the draft's blanks.
///
/// It is drawn by a further widget of the new signature field (read-only, locked, printed),
/// never by changing the page content, so earlier signatures stay valid: a signature field
/// with several widgets is what validators accept as part of a new signature (pyHanko grades
/// it as form filling), where a new annotation or a new text field would not be accepted.
#[derive(Clone, Debug)]
pub struct PrintedText {
    /// Zero-based page index.
    pub page_index: usize,
    /// Start of the text's baseline, in default user space.
    pub origin: [f64; 2],
    /// The text, one line.
    pub text: String,
    /// The font, embedded as a subset.
    pub font: Arc<Font>,
    /// Font size in points.
    pub font_size: f64,
}

/// An existing form text field the signing revision fills: its value, an appearance in an
/// embedded font subset (so the text displays and extracts with its diacritics in every
/// viewer), and the read-only flag.
#[derive(Clone, Debug)]
pub struct FieldFill {
    /// Fully qualified field name.
    pub name: String,
    /// The value.
    pub value: String,
    /// The font of the appearance.
    pub font: Arc<Font>,
    /// Font size in points; `None` takes the field's /DA size, or fits the text to the widget
    /// (at most 13 pt) when /DA says 0 (auto) or nothing.
    pub font_size: Option<f64>,
}

/// Where the signature's widget goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// A zero-size widget on the first page.
    Invisible,
    /// A visible widget.
    Visible {
        /// Zero-based page index.
        page_index: usize,
        /// `[x1 y1 x2 y2]` in default user space.
        rect: [f64; 4],
    },
}

/// The /SubFilter: which signature format goes into /Contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubFilter {
    /// `ETSI.CAdES.detached` (PAdES baseline).
    EtsiCadesDetached,
    /// `adbe.pkcs7.detached` (for old verifiers).
    AdbePkcs7Detached,
    /// `ETSI.RFC3161`: a document timestamp (/Type /DocTimeStamp).
    EtsiRfc3161,
}

impl SubFilter {
    /// The PDF name.
    pub fn name(self) -> &'static str {
        match self {
            Self::EtsiCadesDetached => "ETSI.CAdES.detached",
            Self::AdbePkcs7Detached => "adbe.pkcs7.detached",
            Self::EtsiRfc3161 => "ETSI.RFC3161",
        }
    }
}

/// What to sign and how.
#[derive(Clone, Debug)]
pub struct SignatureRequest {
    /// Fill this existing, empty signature field (fully qualified name), or create a new
    /// top-level field of this name when none has it; `None` creates a new field named
    /// `SignatureN`. When filling a field, its own widget rectangle is used and `placement` is
    /// ignored.
    pub field_name: Option<String>,
    /// Where a new field's widget goes.
    pub placement: Placement,
    /// What a visible widget shows; `None` gives an empty appearance.
    pub appearance: Option<AppearanceSpec>,
    /// The signature format.
    pub sub_filter: SubFilter,
    /// /Name: the signer's name.
    pub name: Option<String>,
    /// /Reason.
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// /ContactInfo.
    pub contact_info: Option<String>,
    /// /M: the claimed signing time.
    pub signing_time: Option<DateTime<FixedOffset>>,
    /// Certification (DocMDP) with permission level P in 1..=3.
    pub certify: Option<u8>,
    /// Bytes reserved for the DER-encoded CMS (the placeholder has twice as many hex digits).
    pub contents_len: usize,
    /// Text printed onto pages by further widgets of the signature field; needs a new field
    /// (not filling an existing one).
    pub printed: Vec<PrintedText>,
    /// Form text fields filled by the signing revision.
    pub fills: Vec<FieldFill>,
}

impl SignatureRequest {
    /// An invisible PAdES signature in a new field, reserving `contents_len` bytes.
    pub fn new(contents_len: usize) -> Self {
        Self {
            field_name: None,
            placement: Placement::Invisible,
            appearance: None,
            sub_filter: SubFilter::EtsiCadesDetached,
            name: None,
            reason: None,
            location: None,
            contact_info: None,
            signing_time: None,
            certify: None,
            contents_len,
            printed: Vec::new(),
            fills: Vec::new(),
        }
    }
}

/// A signature value found in a field: the signature dictionary's coverage and contents.
#[derive(Clone, Debug)]
pub struct SignatureValue {
    /// The signature dictionary object (`None` if it is direct in the field).
    pub reference: Option<ObjRef>,
    /// The whole signature dictionary.
    pub dict: Dict,
    /// /SubFilter, if present.
    pub sub_filter: Option<String>,
    /// /ByteRange as written (validity is for the verifier to judge).
    pub byte_range: Vec<i64>,
    /// /Contents (the CMS, possibly zero-padded).
    pub contents: Vec<u8>,
}

/// A signature form field (ISO 32000-1 §12.7.4.5).
#[derive(Clone, Debug)]
pub struct SignatureField {
    /// Fully qualified field name.
    pub name: String,
    /// The field object (`None` for a direct field, which is invalid but exists).
    pub field: Option<ObjRef>,
    /// The (first) widget annotation; equals `field` for a merged field/widget.
    pub widget: Option<ObjRef>,
    /// Zero-based index of the widget's page, when the widget names one (/P) and the page
    /// tree can be walked.
    pub page_index: Option<usize>,
    /// The widget's /Rect.
    pub rect: Option<[f64; 4]>,
    /// The signature, when the field is signed.
    pub value: Option<SignatureValue>,
}

impl SignatureField {
    /// Whether the field holds a signature.
    pub fn is_signed(&self) -> bool {
        self.value.is_some()
    }
}

/// The bytes to append to a document to sign it, with the placeholder for the CMS.
///
/// Invariant: `bytes` contains exactly one /Contents placeholder at `contents_at`, of
/// `2 * contents_len + 2` bytes (`<` hex digits `>`), and the ByteRange written in `bytes`
/// equals [`PreparedUpdate::byte_range`], covering `input ‖ bytes` except that placeholder.
#[derive(Clone, Debug)]
pub struct PreparedUpdate {
    bytes: Vec<u8>,
    input_len: u64,
    byte_range: [u64; 4],
    contents_at: usize,
    contents_len: usize,
    field_name: String,
}

impl PreparedUpdate {
    /// The bytes to append to the input.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// `[0, a, b, c]`: the signed ranges `0..a` and `b..b+c` of the output.
    pub fn byte_range(&self) -> [u64; 4] {
        self.byte_range
    }

    /// Bytes reserved for the CMS.
    pub fn contents_len(&self) -> usize {
        self.contents_len
    }

    /// The name of the field the signature goes into.
    pub fn field_name(&self) -> &str {
        &self.field_name
    }

    /// Digests the signed ranges of `input ‖ update`, streaming over `input` (no copy).
    /// `input` must be the slice the update was prepared from.
    pub fn digest(&self, input: &[u8], algorithm: HashAlgorithm) -> Result<Vec<u8>, Error> {
        if input.len() as u64 != self.input_len {
            return Err(Error::InputMismatch {
                expected: self.input_len,
                actual: input.len() as u64,
            });
        }
        let gap_end = self.contents_at + 2 * self.contents_len + 2;
        let head = self.bytes.get(..self.contents_at).unwrap_or_default();
        let tail = self.bytes.get(gap_end..).unwrap_or_default();
        let parts = [input, head, tail];
        Ok(match algorithm {
            HashAlgorithm::Sha256 => hash_parts::<sha2::Sha256>(&parts),
            HashAlgorithm::Sha384 => hash_parts::<sha2::Sha384>(&parts),
            HashAlgorithm::Sha512 => hash_parts::<sha2::Sha512>(&parts),
        })
    }

    /// Like [`PreparedUpdate::digest`], but reads the input from `reader` in small chunks, so
    /// a huge file can be hashed without mapping or loading it (a memory map's touched pages
    /// count as resident memory). The reader must yield exactly the prepared input.
    pub fn digest_reader(
        &self,
        mut reader: impl std::io::Read,
        algorithm: HashAlgorithm,
    ) -> Result<Vec<u8>, Error> {
        match algorithm {
            HashAlgorithm::Sha256 => self.digest_stream::<sha2::Sha256>(&mut reader),
            HashAlgorithm::Sha384 => self.digest_stream::<sha2::Sha384>(&mut reader),
            HashAlgorithm::Sha512 => self.digest_stream::<sha2::Sha512>(&mut reader),
        }
    }

    fn digest_stream<D: sha2::Digest>(
        &self,
        reader: &mut impl std::io::Read,
    ) -> Result<Vec<u8>, Error> {
        let mut hasher = D::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Io(e)),
            };
            total += n as u64;
            if total > self.input_len {
                return Err(Error::InputMismatch {
                    expected: self.input_len,
                    actual: total,
                });
            }
            hasher.update(buf.get(..n).unwrap_or_default());
        }
        if total != self.input_len {
            return Err(Error::InputMismatch {
                expected: self.input_len,
                actual: total,
            });
        }
        let gap_end = self.contents_at + 2 * self.contents_len + 2;
        hasher.update(self.bytes.get(..self.contents_at).unwrap_or_default());
        hasher.update(self.bytes.get(gap_end..).unwrap_or_default());
        Ok(hasher.finalize().to_vec())
    }

    /// Writes the DER CMS into the /Contents placeholder (hex, zero-padded).
    pub fn embed(&mut self, cms_der: &[u8]) -> Result<(), Error> {
        if cms_der.len() > self.contents_len {
            return Err(Error::ContentsTooSmall {
                needed: cms_der.len(),
                reserved: self.contents_len,
            });
        }
        let start = self.contents_at + 1;
        let end = start + 2 * self.contents_len;
        let slot = self
            .bytes
            .get_mut(start..end)
            .ok_or(Error::ContentsTooSmall {
                needed: cms_der.len(),
                reserved: 0,
            })?;
        slot.fill(b'0');
        for (pair, byte) in slot.chunks_exact_mut(2).zip(cms_der) {
            let hex = format!("{byte:02X}");
            pair.copy_from_slice(hex.as_bytes());
        }
        Ok(())
    }
}

fn hash_parts<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = D::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

/// Prepares the incremental update that adds a signature placeholder to `doc`.
pub fn prepare(doc: &Document<'_>, request: &SignatureRequest) -> Result<PreparedUpdate, Error> {
    if request.contents_len == 0 || request.contents_len > MAX_CONTENTS_LEN {
        return Err(Error::InvalidRequest(
            "contents_len must be between 1 and 4 MiB",
        ));
    }
    if let Some(p) = request.certify {
        if !(1..=3).contains(&p) {
            return Err(Error::InvalidRequest(
                "DocMDP permission level must be 1, 2 or 3",
            ));
        }
        if request.sub_filter == SubFilter::EtsiRfc3161 {
            return Err(Error::InvalidRequest("a document timestamp cannot certify"));
        }
    }
    let catalog_ref = doc.catalog_ref()?;
    let mut catalog = doc.catalog()?;
    let mut catalog_changed = false;
    check_mdp_allows_signing(doc, &catalog, request)?;

    let mut objects = NewObjects::new(doc.size());
    let sig_ref = objects.reserve();

    let mut form = Form::load(doc, &catalog)?;
    let fields = collect_fields(doc, &form.fields)?;
    if request.certify.is_some() && fields.iter().any(|f| f.value.is_some()) {
        return Err(Error::InvalidRequest(
            "a certification signature must be the first signature",
        ));
    }

    for fill in &request.fills {
        fill_text_field(doc, &fields, fill, &mut objects)?;
    }
    if !request.fills.is_empty()
        && form.dict.get(b"NeedAppearances".as_slice()) == Some(&Object::Bool(true))
    {
        // Viewers would otherwise redraw the filled fields in a font of their own choosing.
        form.dict
            .insert("NeedAppearances".into(), Object::Bool(false));
    }
    let field_name = match &request.field_name {
        Some(name) if fields.iter().any(|f| &f.name == name) => {
            if !request.printed.is_empty() {
                return Err(Error::InvalidRequest(
                    "printed text needs a new signature field, not an existing one",
                ));
            }
            fill_existing_field(doc, &fields, name, sig_ref, request, &mut objects)?;
            name.clone()
        }
        // A name no field has yet: a new top-level field of that name. (A dotted name would
        // need its parent fields; refuse it rather than guess.)
        Some(name) if name.contains('.') || name.is_empty() => {
            return Err(Error::FieldNotFound(name.clone()));
        }
        Some(name) => {
            let field_ref = add_new_field(doc, name, sig_ref, request, &mut objects)?;
            form.fields.push(Object::Ref(field_ref));
            name.clone()
        }
        None => {
            let name = unique_field_name(&fields);
            let field_ref = add_new_field(doc, &name, sig_ref, request, &mut objects)?;
            form.fields.push(Object::Ref(field_ref));
            name
        }
    };

    form.dict.insert("SigFlags".into(), Object::Int(3));
    match form.fields_ref {
        Some(r) => objects.set(r, Object::Array(form.fields.clone())),
        None => {
            form.dict
                .insert("Fields".into(), Object::Array(form.fields.clone()));
        }
    }
    match form.reference {
        Some(r) => objects.set(r, Object::Dict(form.dict)),
        None => {
            let r = objects.add(Object::Dict(form.dict));
            catalog.insert("AcroForm".into(), Object::Ref(r));
            catalog_changed = true;
        }
    }
    if request.certify.is_some() {
        let mut perms = match doc.resolve_key(&catalog, "Perms")? {
            Some(Object::Dict(d)) => d,
            _ => Dict::new(),
        };
        perms.insert("DocMDP".into(), Object::Ref(sig_ref));
        catalog.insert("Perms".into(), Object::Dict(perms));
        catalog_changed = true;
    }
    if catalog_changed {
        objects.set(catalog_ref, Object::Dict(catalog));
    }

    let sig_dict = signature_dict(request);
    write_update(
        doc,
        objects,
        sig_ref,
        &sig_dict,
        request.contents_len,
        field_name,
    )
}

/// Refuses to add a signature where an existing certification (DocMDP P=1) forbids it.
fn check_mdp_allows_signing(
    doc: &Document<'_>,
    catalog: &Dict,
    request: &SignatureRequest,
) -> Result<(), Error> {
    let Some(Object::Dict(perms)) = doc.resolve_key(catalog, "Perms")? else {
        return Ok(());
    };
    let Some(Object::Dict(certification)) = doc.resolve_key(&perms, "DocMDP")? else {
        return Ok(());
    };
    if request.certify.is_some() {
        return Err(Error::InvalidRequest("the document is already certified"));
    }
    let Some(Object::Array(refs)) = doc.resolve_key(&certification, "Reference")? else {
        return Ok(());
    };
    for sigref in refs {
        let Object::Dict(sigref) = doc.resolve(&sigref)? else {
            continue;
        };
        let Some(Object::Dict(params)) = doc.resolve_key(&sigref, "TransformParams")? else {
            continue;
        };
        let level = doc
            .resolve_key(&params, "P")?
            .and_then(|p| p.as_int())
            .unwrap_or(2);
        if level == 1 && request.sub_filter != SubFilter::EtsiRfc3161 {
            return Err(Error::InvalidRequest(
                "the document's certification (DocMDP P=1) permits no changes",
            ));
        }
    }
    Ok(())
}

/// The signature dictionary without /ByteRange and /Contents (written as placeholders).
fn signature_dict(request: &SignatureRequest) -> Dict {
    let timestamp = request.sub_filter == SubFilter::EtsiRfc3161;
    let mut d = dict([
        (
            "Type",
            Object::name(if timestamp { "DocTimeStamp" } else { "Sig" }),
        ),
        ("Filter", Object::name("Adobe.PPKLite")),
        ("SubFilter", Object::name(request.sub_filter.name())),
    ]);
    if !timestamp {
        let texts = [
            ("Name", &request.name),
            ("Reason", &request.reason),
            ("Location", &request.location),
            ("ContactInfo", &request.contact_info),
        ];
        for (key, value) in texts {
            if let Some(text) = value {
                d.insert(key.into(), Object::text(text));
            }
        }
        if let Some(time) = &request.signing_time {
            d.insert("M".into(), Object::String(pdf_date(time).into_bytes()));
        }
    }
    if let Some(p) = request.certify {
        let params = dict([
            ("Type", Object::name("TransformParams")),
            ("P", Object::Int(i64::from(p))),
            ("V", Object::name("1.2")),
        ]);
        let sigref = dict([
            ("Type", Object::name("SigRef")),
            ("TransformMethod", Object::name("DocMDP")),
            ("TransformParams", Object::Dict(params)),
        ]);
        d.insert(
            "Reference".into(),
            Object::Array(vec![Object::Dict(sigref)]),
        );
    }
    d
}

/// A PDF date string (ISO 32000-1 §7.9.4): `D:YYYYMMDDHHmmSS+HH'mm'`.
pub fn pdf_date(time: &DateTime<FixedOffset>) -> String {
    let offset = time.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!(
        "D:{}{}{:02}'{:02}'",
        time.format("%Y%m%d%H%M%S"),
        sign,
        minutes / 60,
        minutes % 60
    )
}

/// The interactive form: its dictionary, where it lives, and its /Fields array.
struct Form {
    dict: Dict,
    reference: Option<ObjRef>,
    fields: Vec<Object>,
    fields_ref: Option<ObjRef>,
}

impl Form {
    fn load(doc: &Document<'_>, catalog: &Dict) -> Result<Self, Error> {
        let (dict, reference) = match catalog.get(b"AcroForm".as_slice()) {
            Some(Object::Ref(r)) => match doc.get(*r)? {
                Object::Dict(d) => (d, Some(*r)),
                Object::Null => (Dict::new(), None),
                _ => {
                    return Err(Error::WrongType {
                        what: "/AcroForm",
                        expected: "a dictionary",
                    })
                }
            },
            Some(Object::Dict(d)) => (d.clone(), None),
            _ => (Dict::new(), None),
        };
        let (fields, fields_ref) = match dict.get(b"Fields".as_slice()) {
            Some(Object::Ref(r)) => match doc.get(*r)? {
                Object::Array(items) => (items, Some(*r)),
                _ => (Vec::new(), None),
            },
            Some(Object::Array(items)) => (items.clone(), None),
            _ => (Vec::new(), None),
        };
        Ok(Self {
            dict,
            reference,
            fields,
            fields_ref,
        })
    }
}

/// A terminal form field with what signing and listing need.
struct FieldInfo {
    name: String,
    reference: Option<ObjRef>,
    dict: Dict,
    field_type: Option<Vec<u8>>,
    widgets: Vec<(Option<ObjRef>, Dict)>,
    value: Option<Object>,
}

/// Walks the field tree (ISO 32000-1 §12.7.3.1), inheriting /FT, joining /T into qualified
/// names. A field reached twice is a [`Error::ReferenceCycle`].
fn collect_fields(doc: &Document<'_>, roots: &[Object]) -> Result<Vec<FieldInfo>, Error> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack: Vec<(Object, String, Option<Vec<u8>>, usize)> = roots
        .iter()
        .rev()
        .map(|f| (f.clone(), String::new(), None, 0))
        .collect();
    while let Some((node, parent_name, inherited_ft, depth)) = stack.pop() {
        if depth > 32 {
            return Err(Error::TooDeep {
                offset: 0,
                limit: 32,
            });
        }
        let reference = node.as_ref();
        if let Some(r) = reference {
            if !seen.insert(r) {
                return Err(Error::ReferenceCycle(r));
            }
            if seen.len() > MAX_TREE_NODES {
                return Err(Error::TooLarge {
                    what: "the form field tree",
                    limit: MAX_TREE_NODES,
                });
            }
        }
        let Object::Dict(field) = doc.resolve(&node)? else {
            continue;
        };
        let partial = field
            .get(b"T".as_slice())
            .and_then(Object::as_bytes)
            .map(decode_text);
        let name = match (&partial, parent_name.is_empty()) {
            (Some(t), true) => t.clone(),
            (Some(t), false) => format!("{parent_name}.{t}"),
            (None, _) => parent_name.clone(),
        };
        let field_type = field
            .get(b"FT".as_slice())
            .and_then(Object::as_name)
            .map(<[u8]>::to_vec)
            .or(inherited_ft);
        let kids = match doc.resolve_key(&field, "Kids")? {
            Some(Object::Array(kids)) => kids,
            _ => Vec::new(),
        };
        let mut widgets = Vec::new();
        let mut child_fields = Vec::new();
        for kid in &kids {
            if let Some(r) = kid.as_ref() {
                if seen.contains(&r) {
                    return Err(Error::ReferenceCycle(r));
                }
            }
            let Object::Dict(kid_dict) = doc.resolve(kid)? else {
                continue;
            };
            if kid_dict.contains_key(b"T".as_slice()) {
                child_fields.push(kid.clone());
            } else {
                widgets.push((kid.as_ref(), kid_dict));
            }
        }
        if !child_fields.is_empty() {
            for kid in child_fields.into_iter().rev() {
                stack.push((kid, name.clone(), field_type.clone(), depth + 1));
            }
            continue;
        }
        if widgets.is_empty()
            && field.get(b"Subtype".as_slice()).and_then(Object::as_name) == Some(b"Widget")
        {
            widgets.push((reference, field.clone()));
        }
        let value = match field.get(b"V".as_slice()) {
            None | Some(Object::Null) => None,
            Some(v) => Some(v.clone()),
        };
        out.push(FieldInfo {
            name,
            reference,
            dict: field,
            field_type,
            widgets,
            value,
        });
    }
    Ok(out)
}

fn unique_field_name(fields: &[FieldInfo]) -> String {
    (1..)
        .map(|i| format!("Signature{i}"))
        .find(|candidate| !fields.iter().any(|f| &f.name == candidate))
        .unwrap_or_else(|| "Signature".to_string())
}

fn fill_existing_field(
    doc: &Document<'_>,
    fields: &[FieldInfo],
    name: &str,
    sig_ref: ObjRef,
    request: &SignatureRequest,
    objects: &mut NewObjects,
) -> Result<(), Error> {
    let field = fields
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| Error::FieldNotFound(name.to_string()))?;
    if field.field_type.as_deref() != Some(b"Sig".as_slice()) {
        return Err(Error::NotASignatureField(name.to_string()));
    }
    if field.value.is_some() {
        return Err(Error::FieldAlreadySigned(name.to_string()));
    }
    let field_ref = field.reference.ok_or(Error::WrongType {
        what: "the signature field",
        expected: "an indirect object",
    })?;
    let mut field_dict = field.dict.clone();
    field_dict.insert("V".into(), Object::Ref(sig_ref));
    if let Some((widget_ref, widget)) = field.widgets.first() {
        let rect = rect_of(doc, widget, "Rect")?.unwrap_or([0.0; 4]);
        let needs_ap = request.appearance.is_some() || !widget.contains_key(b"AP".as_slice());
        if needs_ap {
            let ap = appearance_form(request.appearance.as_ref(), rect, objects)?;
            let ap = Object::Dict(dict([("N", Object::Ref(ap))]));
            if *widget_ref == Some(field_ref) || widget_ref.is_none() {
                field_dict.insert("AP".into(), ap);
            } else if let Some(r) = widget_ref {
                let mut widget = widget.clone();
                widget.insert("AP".into(), ap);
                objects.set(*r, Object::Dict(widget));
            }
        }
    }
    objects.set(field_ref, Object::Dict(field_dict));
    Ok(())
}

fn add_new_field(
    doc: &Document<'_>,
    name: &str,
    sig_ref: ObjRef,
    request: &SignatureRequest,
    objects: &mut NewObjects,
) -> Result<ObjRef, Error> {
    let (page_index, rect) = match &request.placement {
        Placement::Invisible => (0, [0.0; 4]),
        Placement::Visible { page_index, rect } => (*page_index, normalize(*rect)),
    };
    if rect.iter().any(|v| !v.is_finite()) {
        return Err(Error::InvalidRequest("the widget rectangle must be finite"));
    }
    let page = doc.page(page_index)?;
    let ap = appearance_form(request.appearance.as_ref(), rect, objects)?;
    let mut widget = dict([
        ("Type", Object::name("Annot")),
        ("Subtype", Object::name("Widget")),
        ("Rect", Object::reals(&rect)),
        ("F", Object::Int(WIDGET_FLAGS)),
        ("P", Object::Ref(page.reference)),
        ("AP", Object::Dict(dict([("N", Object::Ref(ap))]))),
    ]);
    let field = [
        ("FT", Object::name("Sig")),
        ("T", Object::text(name)),
        ("V", Object::Ref(sig_ref)),
    ];
    if request.printed.is_empty() {
        // The usual merged field and widget.
        widget.extend(field.into_iter().map(|(k, v)| (k.into(), v)));
        let field_ref = objects.add(Object::Dict(widget));
        add_annotations(doc, &[(page_index, field_ref)], objects)?;
        return Ok(field_ref);
    }
    // A field with several widgets: the signature's own first (where later signatures look
    // for it), then one per printed text. The widgets carry no /Parent: poppler before 23.x
    // takes every kid with a /Parent for a field of its own and then reports the signature
    // as unsigned (pdfsig, Okular, Evince); the field reaches its widgets through /Kids.
    let field_ref = objects.reserve();
    let mut kids = vec![(page_index, objects.add(Object::Dict(widget)))];
    for text in &request.printed {
        let kid = printed_widget(doc, text, objects)?;
        kids.push((text.page_index, kid));
    }
    let mut field_dict: Dict = field.into_iter().map(|(k, v)| (k.into(), v)).collect();
    let kid_refs = kids.iter().map(|(_, r)| Object::Ref(*r)).collect();
    field_dict.insert("Kids".into(), Object::Array(kid_refs));
    objects.set(field_ref, Object::Dict(field_dict));
    add_annotations(doc, &kids, objects)?;
    Ok(field_ref)
}

/// A read-only, locked widget drawing `text` with its baseline where the text asks; its
/// rectangle is the text's box.
fn printed_widget(
    doc: &Document<'_>,
    text: &PrintedText,
    objects: &mut NewObjects,
) -> Result<ObjRef, Error> {
    let page = doc.page(text.page_index)?;
    let metrics = appearance::line_metrics(&text.font, &text.text, text.font_size)?;
    let [x, y] = text.origin;
    let rect = [
        x,
        y + metrics.descent,
        x + metrics.width,
        y + metrics.ascent,
    ];
    if rect.iter().any(|v| !v.is_finite()) {
        return Err(Error::InvalidRequest(
            "printed text must have a finite position",
        ));
    }
    let size = (rect[2] - rect[0], rect[3] - rect[1]);
    let ap = appearance::build_text_line(
        &text.font,
        &text.text,
        text.font_size,
        size,
        [0.0, -metrics.descent],
        false,
        objects,
    )?;
    let widget = dict([
        ("Type", Object::name("Annot")),
        ("Subtype", Object::name("Widget")),
        ("Rect", Object::reals(&rect)),
        ("F", Object::Int(PRINTED_WIDGET_FLAGS)),
        ("P", Object::Ref(page.reference)),
        ("AP", Object::Dict(dict([("N", Object::Ref(ap))]))),
    ]);
    Ok(objects.add(Object::Dict(widget)))
}

/// Appends annotations to their pages' /Annots: `(page index, annotation)`, each page
/// updated once.
fn add_annotations(
    doc: &Document<'_>,
    annots: &[(usize, ObjRef)],
    objects: &mut NewObjects,
) -> Result<(), Error> {
    let mut pages: Vec<usize> = annots.iter().map(|(p, _)| *p).collect();
    pages.sort_unstable();
    pages.dedup();
    for page_index in pages {
        let added = annots
            .iter()
            .filter(|(p, _)| *p == page_index)
            .map(|(_, r)| Object::Ref(*r));
        let page = doc.page(page_index)?;
        let mut page_dict = page.dict;
        match page_dict.get(b"Annots".as_slice()) {
            Some(Object::Ref(annots_ref)) => {
                let annots_ref = *annots_ref;
                let mut items = match doc.get(annots_ref)? {
                    Object::Array(items) => items,
                    _ => Vec::new(),
                };
                items.extend(added);
                objects.set(annots_ref, Object::Array(items));
            }
            Some(Object::Array(items)) => {
                let mut items = items.clone();
                items.extend(added);
                page_dict.insert("Annots".into(), Object::Array(items));
                objects.set(page.reference, Object::Dict(page_dict));
            }
            _ => {
                page_dict.insert("Annots".into(), Object::Array(added.collect()));
                objects.set(page.reference, Object::Dict(page_dict));
            }
        }
    }
    Ok(())
}

/// Fills the text field `fill` names: /V, an appearance per widget, and the read-only flag.
fn fill_text_field(
    doc: &Document<'_>,
    fields: &[FieldInfo],
    fill: &FieldFill,
    objects: &mut NewObjects,
) -> Result<(), Error> {
    let field = fields
        .iter()
        .find(|f| f.name == fill.name)
        .ok_or_else(|| Error::FieldNotFound(fill.name.clone()))?;
    if field.field_type.as_deref() != Some(b"Tx".as_slice()) {
        return Err(Error::WrongType {
            what: "the field to fill",
            expected: "a text field (/FT /Tx)",
        });
    }
    let field_ref = field.reference.ok_or(Error::WrongType {
        what: "the field to fill",
        expected: "an indirect object",
    })?;
    let mut field_dict = field.dict.clone();
    let flags = doc
        .resolve_key(&field_dict, "Ff")?
        .and_then(|f| f.as_int())
        .unwrap_or(0);
    if flags & FIELD_READ_ONLY != 0 && field.value.is_some() {
        // Filled and locked by someone before: not ours to overwrite.
        return Err(Error::WrongType {
            what: "the field to fill",
            expected: "a field not yet filled read-only",
        });
    }
    field_dict.insert("V".into(), Object::text(&fill.value));
    field_dict.insert("Ff".into(), Object::Int(flags | FIELD_READ_ONLY));
    let da_size = match doc.resolve_key(&field_dict, "DA")? {
        Some(da) => da.as_bytes().and_then(da_font_size),
        None => None,
    };
    let quadding = doc
        .resolve_key(&field_dict, "Q")?
        .and_then(|q| q.as_int())
        .unwrap_or(0);
    for (widget_ref, widget) in &field.widgets {
        let [x1, y1, x2, y2] = normalize(rect_of(doc, widget, "Rect")?.unwrap_or([0.0; 4]));
        let (width, height) = (x2 - x1, y2 - y1);
        if !(width > 0.0 && height > 0.0) {
            continue;
        }
        let size = fill
            .font_size
            .or(da_size)
            .map_or_else(|| auto_field_size(fill, width, height), Ok)?;
        let metrics = appearance::line_metrics(&fill.font, &fill.value, size)?;
        let x = match quadding {
            1 => (width - metrics.width) / 2.0,
            2 => width - FIELD_PADDING - metrics.width,
            _ => FIELD_PADDING,
        };
        let y = (height - (metrics.ascent - metrics.descent)) / 2.0 - metrics.descent;
        let ap = appearance::build_text_line(
            &fill.font,
            &fill.value,
            size,
            (width, height),
            [x, y],
            true,
            objects,
        )?;
        let ap = Object::Dict(dict([("N", Object::Ref(ap))]));
        match widget_ref {
            Some(r) if *r != field_ref => {
                let mut widget = widget.clone();
                widget.insert("AP".into(), ap);
                objects.set(*r, Object::Dict(widget));
            }
            _ => {
                field_dict.insert("AP".into(), ap);
            }
        }
    }
    objects.set(field_ref, Object::Dict(field_dict));
    Ok(())
}

/// The largest size up to 13 pt at which `fill`'s value fits its widget on one line.
fn auto_field_size(fill: &FieldFill, width: f64, height: f64) -> Result<f64, Error> {
    const MAX_AUTO: f64 = 13.0;
    let unit = appearance::line_metrics(&fill.font, &fill.value, 1.0)?;
    let by_height = (height - 2.0 * FIELD_PADDING) / (unit.ascent - unit.descent);
    let by_width = if unit.width > 0.0 {
        (width - 2.0 * FIELD_PADDING) / unit.width
    } else {
        MAX_AUTO
    };
    Ok(by_height.min(by_width).clamp(1.0, MAX_AUTO))
}

/// The font size of a default appearance string (`/Helv 12 Tf 0 g`), when it is positive.
fn da_font_size(da: &[u8]) -> Option<f64> {
    let text = String::from_utf8_lossy(da);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let at = tokens.iter().rposition(|t| *t == "Tf")?;
    let size: f64 = tokens.get(at.checked_sub(1)?)?.parse().ok()?;
    (size.is_finite() && size > 0.0 && size <= 1000.0).then_some(size)
}

fn normalize([x1, y1, x2, y2]: [f64; 4]) -> [f64; 4] {
    [x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)]
}

/// The widget's normal appearance: the appearance module's form for a spec, otherwise an
/// empty form of the widget's size (PDF/A wants an appearance even for invisible widgets).
fn appearance_form(
    spec: Option<&AppearanceSpec>,
    rect: [f64; 4],
    objects: &mut NewObjects,
) -> Result<ObjRef, Error> {
    let [x1, y1, x2, y2] = normalize(rect);
    let (width, height) = (x2 - x1, y2 - y1);
    if let Some(spec) = spec.filter(|_| width > 0.0 && height > 0.0) {
        return Ok(appearance::build_appearance(spec, width, height, objects)?);
    }
    let form = dict([
        ("Type", Object::name("XObject")),
        ("Subtype", Object::name("Form")),
        ("BBox", Object::reals(&[0.0, 0.0, width, height])),
        ("Resources", Object::Dict(Dict::new())),
    ]);
    Ok(objects.add(Object::Stream(form, Vec::new())))
}

/// Serializes the update: objects, the signature dictionary with its placeholders, and a
/// cross-reference section in the input's style; then fills in the ByteRange.
fn write_update(
    doc: &Document<'_>,
    objects: NewObjects,
    sig_ref: ObjRef,
    sig_dict: &Dict,
    contents_len: usize,
    field_name: String,
) -> Result<PreparedUpdate, Error> {
    let input = doc.data();
    let base = input.len() as u64;
    let mut out = Vec::with_capacity(4096 + 2 * contents_len);
    if !matches!(input.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjRef, u64)> = Vec::new();

    offsets.push((sig_ref, base + out.len() as u64));
    out.extend_from_slice(format!("{} {} obj\n<</ByteRange ", sig_ref.num, sig_ref.gen).as_bytes());
    let byte_range_at = out.len();
    let placeholder_len = 4 + 3 * BYTE_RANGE_DIGITS + 2;
    out.extend(std::iter::repeat_n(b' ', placeholder_len));
    out.extend_from_slice(b"/Contents ");
    let contents_at = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', 2 * contents_len));
    out.push(b'>');
    let rest = Object::Dict(sig_dict.clone()).to_bytes();
    out.extend_from_slice(rest.get(2..).unwrap_or_default());
    out.extend_from_slice(b"\nendobj\n");

    for (r, object) in objects.iter() {
        offsets.push((r, base + out.len() as u64));
        out.extend_from_slice(format!("{} {} obj\n", r.num, r.gen).as_bytes());
        // Writing into a Vec cannot fail.
        let _ = object.write_to(&mut out);
        out.extend_from_slice(b"\nendobj\n");
    }

    finish_update(doc, objects, &mut out, offsets, base)?;

    let gap_start = base + contents_at as u64;
    let gap_end = gap_start + 2 * contents_len as u64 + 2;
    let total = base + out.len() as u64;
    let byte_range = [0, gap_start, gap_end, total - gap_end];
    let text = format!("[0 {} {} {}]", byte_range[1], byte_range[2], byte_range[3]);
    if text.len() > placeholder_len {
        return Err(Error::DocumentTooLarge);
    }
    if let Some(slot) = out.get_mut(byte_range_at..byte_range_at + text.len()) {
        slot.copy_from_slice(text.as_bytes());
    }
    Ok(PreparedUpdate {
        bytes: out,
        input_len: base,
        byte_range,
        contents_at,
        contents_len,
        field_name,
    })
}

/// Appends the cross-reference section (in the style of the input's newest one, or an xref
/// stream for a reconstructed input), the trailer and `%%EOF` to an update whose objects are
/// already in `out` at the file offsets listed in `offsets`; `base` is the input's length.
pub(crate) fn finish_update(
    doc: &Document<'_>,
    mut objects: NewObjects,
    out: &mut Vec<u8>,
    mut offsets: Vec<(ObjRef, u64)>,
    base: u64,
) -> Result<(), Error> {
    let newest = doc.sections().first().ok_or(Error::BadXref {
        offset: 0,
        reason: "no section",
    })?;
    let mut trailer = doc.trailer().clone();
    trailer.remove(b"Encrypt".as_slice());
    if !doc.is_reconstructed() {
        trailer.insert("Prev".into(), Object::Int(newest.offset as i64));
    }
    // A reconstructed input's own cross-reference data is unusable: the update lists every
    // object found, so it repairs the file for every reader instead of chaining to it. Objects
    // recovered from object streams need an xref stream to be listed.
    let compressed = if doc.is_reconstructed() {
        add_reconstructed_entries(doc, &mut offsets)
    } else {
        Vec::new()
    };
    let kind = if compressed.is_empty() {
        newest.kind
    } else {
        XrefKind::Stream
    };
    let xref_offset = match kind {
        XrefKind::Table => {
            trailer.insert(
                "Size".into(),
                Object::Int(i64::from(objects.next_free().max(doc.size()))),
            );
            let xref_offset = base + out.len() as u64;
            out.extend_from_slice(b"xref\n");
            if doc.is_reconstructed() {
                out.extend_from_slice(b"0 1\n0000000000 65535 f\r\n");
            }
            write_xref_rows(out, &mut offsets);
            out.extend_from_slice(b"trailer\n");
            let _ = Object::Dict(trailer).write_to(out);
            out.push(b'\n');
            xref_offset
        }
        XrefKind::Stream => {
            let xref_ref = objects.reserve();
            let xref_offset = base + out.len() as u64;
            offsets.push((xref_ref, xref_offset));
            trailer.insert(
                "Size".into(),
                Object::Int(i64::from(objects.next_free().max(doc.size()))),
            );
            let stream = xref_stream(trailer, &offsets, &compressed, doc.is_reconstructed());
            out.extend_from_slice(format!("{} {} obj\n", xref_ref.num, xref_ref.gen).as_bytes());
            let _ = stream.write_to(out);
            out.extend_from_slice(b"\nendobj\n");
            xref_offset
        }
    };
    out.extend_from_slice(format!("startxref\n{xref_offset}\n%%EOF\n").as_bytes());
    Ok(())
}

/// Consecutive runs of object numbers: `(first, count)`.
fn runs(offsets: &[(ObjRef, u64)]) -> Vec<(u32, usize)> {
    let mut runs: Vec<(u32, usize)> = Vec::new();
    for (r, _) in offsets {
        match runs.last_mut() {
            Some((start, count)) if u64::from(*start) + *count as u64 == u64::from(r.num) => {
                *count += 1
            }
            _ => runs.push((r.num, 1)),
        }
    }
    runs
}

/// Adds the uncompressed objects of a reconstructed document that the update does not
/// override; returns the compressed ones as `(num, object stream, index)`.
fn add_reconstructed_entries(
    doc: &Document<'_>,
    offsets: &mut Vec<(ObjRef, u64)>,
) -> Vec<(u32, u32, u32)> {
    let written: std::collections::HashSet<u32> = offsets.iter().map(|(r, _)| r.num).collect();
    let mut compressed = Vec::new();
    for section in doc.sections() {
        for (num, entry) in &section.entries {
            if *num == 0 || written.contains(num) {
                continue;
            }
            match entry {
                XrefEntry::InFile { offset, gen } => {
                    offsets.push((
                        ObjRef {
                            num: *num,
                            gen: *gen,
                        },
                        *offset,
                    ));
                }
                XrefEntry::InObjectStream { stream, index } => {
                    compressed.push((*num, *stream, *index));
                }
                XrefEntry::Free => {}
            }
        }
    }
    compressed
}

/// Writes the subsections of a classic table for `offsets` (after the `xref` keyword).
fn write_xref_rows(out: &mut Vec<u8>, offsets: &mut [(ObjRef, u64)]) {
    offsets.sort_by_key(|(r, _)| r.num);
    let mut entries = offsets.iter();
    for (start, count) in runs(offsets) {
        out.extend_from_slice(format!("{start} {count}\n").as_bytes());
        for (r, offset) in entries.by_ref().take(count) {
            out.extend_from_slice(format!("{offset:010} {:05} n\r\n", r.gen).as_bytes());
        }
    }
}

/// An xref stream: type 1 rows for `offsets`, type 2 rows for `compressed`, and the free
/// head of the free list (object 0) when `free_zero`.
fn xref_stream(
    mut dict: Dict,
    offsets: &[(ObjRef, u64)],
    compressed: &[(u32, u32, u32)],
    free_zero: bool,
) -> Object {
    // (num, type, field 2, field 3)
    let mut rows: Vec<(u32, u8, u64, u64)> = offsets
        .iter()
        .map(|(r, offset)| (r.num, 1, *offset, u64::from(r.gen)))
        .chain(
            compressed
                .iter()
                .map(|(n, s, i)| (*n, 2, u64::from(*s), u64::from(*i))),
        )
        .collect();
    if free_zero {
        rows.push((0, 0, 0, 65535));
    }
    rows.sort_by_key(|row| row.0);
    rows.dedup_by_key(|row| row.0);
    let bytes_for = |max: u64| {
        (1..=8usize)
            .find(|w| *w == 8 || max < 1u64 << (8 * w))
            .unwrap_or(8)
    };
    let w1 = bytes_for(rows.iter().map(|row| row.2).max().unwrap_or(0));
    let w2 = bytes_for(rows.iter().map(|row| row.3).max().unwrap_or(0)).max(2);
    let mut data = Vec::with_capacity(rows.len() * (1 + w1 + w2));
    for (_, kind, f1, f2) in &rows {
        data.push(*kind);
        data.extend_from_slice(f1.to_be_bytes().get(8 - w1..).unwrap_or_default());
        data.extend_from_slice(f2.to_be_bytes().get(8 - w2..).unwrap_or_default());
    }
    let nums: Vec<(ObjRef, u64)> = rows.iter().map(|row| (ObjRef::new(row.0), 0)).collect();
    let index = runs(&nums)
        .into_iter()
        .flat_map(|(start, count)| [Object::Int(i64::from(start)), Object::Int(count as i64)])
        .collect();
    dict.insert("Type".into(), Object::name("XRef"));
    let widths = [1, w1, w2].map(|w| Object::Int(w as i64));
    dict.insert("W".into(), Object::Array(widths.to_vec()));
    dict.insert("Index".into(), Object::Array(index));
    Object::Stream(dict, data)
}

/// The fully qualified names of the document's text fields (/FT /Tx), in field-tree order.
pub fn text_field_names(doc: &Document<'_>) -> Result<Vec<String>, Error> {
    let catalog = doc.catalog()?;
    let form = Form::load(doc, &catalog)?;
    Ok(collect_fields(doc, &form.fields)?
        .into_iter()
        .filter(|f| f.field_type.as_deref() == Some(b"Tx".as_slice()))
        .map(|f| f.name)
        .collect())
}

/// Lists the document's signature fields, signed or empty, in field-tree order.
pub fn signature_fields(doc: &Document<'_>) -> Result<Vec<SignatureField>, Error> {
    let catalog = doc.catalog()?;
    let form = Form::load(doc, &catalog)?;
    let fields = collect_fields(doc, &form.fields)?;
    let mut pages: Option<Vec<ObjRef>> = None;
    let mut out = Vec::new();
    for field in fields {
        if field.field_type.as_deref() != Some(b"Sig".as_slice()) {
            continue;
        }
        let (widget, widget_dict) = match field.widgets.first() {
            Some((r, d)) => (*r, Some(d)),
            None => (None, None),
        };
        let rect = match widget_dict {
            Some(d) => rect_of(doc, d, "Rect")?,
            None => None,
        };
        let page_ref = widget_dict
            .and_then(|d| d.get(b"P".as_slice()))
            .and_then(Object::as_ref);
        let page_index = match page_ref {
            Some(p) => {
                if pages.is_none() {
                    // A broken page tree only loses the page index, not the listing.
                    pages = Some(doc.page_refs().unwrap_or_default());
                }
                pages
                    .as_ref()
                    .and_then(|all| all.iter().position(|r| *r == p))
            }
            None => None,
        };
        let value = match &field.value {
            Some(v) => signature_value(doc, v)?,
            None => None,
        };
        out.push(SignatureField {
            name: field.name,
            field: field.reference,
            widget,
            page_index,
            rect,
            value,
        });
    }
    Ok(out)
}

fn signature_value(doc: &Document<'_>, value: &Object) -> Result<Option<SignatureValue>, Error> {
    let Object::Dict(dict) = doc.resolve(value)? else {
        return Ok(None);
    };
    let byte_range = match doc.resolve_key(&dict, "ByteRange")? {
        Some(Object::Array(items)) => items.iter().filter_map(Object::as_int).collect(),
        _ => Vec::new(),
    };
    let contents = doc
        .resolve_key(&dict, "Contents")?
        .and_then(|c| c.as_bytes().map(<[u8]>::to_vec))
        .unwrap_or_default();
    let sub_filter = dict
        .get(b"SubFilter".as_slice())
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned());
    Ok(Some(SignatureValue {
        reference: value.as_ref(),
        dict,
        sub_filter,
        byte_range,
        contents,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One page with a text field "So" (merged field and widget, auto size, centred) in a form
    /// asking viewers to make appearances.
    fn pdf_with_text_field() -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        let objects = [
            "<</Type/Catalog/Pages 2 0 R/AcroForm 5 0 R>>",
            "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots[4 0 R]>>",
            "<</Type/Annot/Subtype/Widget/FT/Tx/T(So)/Rect[100 700 250 720]/F 4\
             /DA(/Helv 0 Tf 0 g)/Q 1/P 3 0 R>>",
            "<</Fields[4 0 R]/NeedAppearances true>>",
        ];
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(b"xref\n0 6\n0000000000 65535 f\r\n");
        for o in offsets {
            pdf.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        pdf
    }

    fn liberation_serif() -> Option<Arc<Font>> {
        let path = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf";
        let Ok(data) = std::fs::read(path) else {
            eprintln!("SKIP: {path} not installed");
            return None;
        };
        Some(Arc::new(Font::from_bytes(data.into()).expect("font")))
    }

    fn dict_of(doc: &Document<'_>, r: ObjRef) -> Dict {
        match doc.get(r).expect("object") {
            Object::Dict(d) => d,
            other => panic!("{r:?} is {other:?}"),
        }
    }

    #[test]
    fn printed_texts_become_widgets_of_the_new_signature_field_and_fields_are_filled() {
        let Some(font) = liberation_serif() else {
            return;
        };
        let input = pdf_with_text_field();
        let doc = Document::open(&input).expect("open");
        let mut request = SignatureRequest::new(64);
        request.placement = Placement::Visible {
            page_index: 0,
            rect: [300.0, 100.0, 400.0, 160.0],
        };
        request.printed.push(PrintedText {
            page_index: 0,
            origin: [150.0, 750.0],
            text: "Số 15".into(),
            font: font.clone(),
            font_size: 13.0,
        });
        request.fills.push(FieldFill {
            name: "So".into(),
            value: "15/QĐ-UBND".into(),
            font: font.clone(),
            font_size: None,
        });
        let update = prepare(&doc, &request).expect("prepare");
        let output = [input.as_slice(), update.bytes()].concat();
        let signed = Document::open(&output).expect("reopen");

        // The signature field: its own widget first (the one later signatures find), then the
        // printed text's, neither with a /Parent (see add_new_field).
        let fields = signature_fields(&signed).expect("fields");
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].rect, Some([300.0, 100.0, 400.0, 160.0]));
        let field = dict_of(&signed, fields[0].field.expect("indirect"));
        let Some(Object::Array(kids)) = field.get(b"Kids".as_slice()) else {
            panic!("no /Kids: {field:?}");
        };
        assert_eq!(kids.len(), 2);
        let printed = dict_of(&signed, kids[1].as_ref().expect("ref"));
        assert!(!printed.contains_key(b"Parent".as_slice()));
        assert_eq!(
            printed.get(b"F".as_slice()),
            Some(&Object::Int(PRINTED_WIDGET_FLAGS))
        );
        // Its box is the text's: from the descender below the baseline to the ascender.
        let rect = rect_of(&signed, &printed, "Rect")
            .expect("rect")
            .expect("some");
        assert_eq!(rect[0], 150.0);
        assert!(
            rect[1] < 750.0 && rect[1] > 745.0 && rect[3] > 760.0,
            "{rect:?}"
        );
        let page = signed.page(0).expect("page");
        let Some(Object::Array(annots)) = page.dict.get(b"Annots".as_slice()) else {
            panic!("no /Annots");
        };
        assert_eq!(
            annots.len(),
            3,
            "the text field, the signature and its text"
        );
        assert!(
            !page.dict.contains_key(b"Contents".as_slice()),
            "content untouched"
        );

        // The text field: value, read-only, an appearance of its own size.
        assert_eq!(text_field_names(&signed).expect("names"), ["So"]);
        let text_field = dict_of(&signed, ObjRef::new(4));
        assert_eq!(
            text_field.get(b"V".as_slice()),
            Some(&Object::text("15/QĐ-UBND"))
        );
        assert_eq!(text_field.get(b"Ff".as_slice()), Some(&Object::Int(1)));
        let Some(Object::Dict(ap)) = text_field.get(b"AP".as_slice()) else {
            panic!("no /AP");
        };
        let ap = ap
            .get(b"N".as_slice())
            .and_then(Object::as_ref)
            .expect("/N");
        let Some((form, content)) = signed.get_stream(ap).expect("stream") else {
            panic!("/N is not a stream");
        };
        assert_eq!(
            rect_of(&signed, &form, "BBox").expect("bbox"),
            Some([0.0, 0.0, 150.0, 20.0])
        );
        let content = String::from_utf8_lossy(content);
        assert!(content.starts_with("/Tx BMC"), "{content}");
        let form_dict = signed.catalog().expect("catalog");
        let Some(Object::Dict(acroform)) =
            signed.resolve_key(&form_dict, "AcroForm").expect("form")
        else {
            panic!("no form");
        };
        assert_eq!(
            acroform.get(b"NeedAppearances".as_slice()),
            Some(&Object::Bool(false))
        );

        // Printing needs a new field: an existing signature field is refused.
        let mut existing = request.clone();
        existing.field_name = Some(fields[0].name.clone());
        assert!(prepare(&signed, &existing).is_err());
        // A field filled read-only before is not overwritten.
        let mut again = SignatureRequest::new(64);
        again.fills = request.fills.clone();
        assert!(matches!(
            prepare(&signed, &again),
            Err(Error::WrongType { .. })
        ));
    }

    #[test]
    fn the_default_appearance_gives_its_positive_font_size_only() {
        assert_eq!(da_font_size(b"/Helv 12 Tf 0 g"), Some(12.0));
        assert_eq!(da_font_size(b"0 g /TiRo 9.5 Tf"), Some(9.5));
        assert_eq!(da_font_size(b"/Helv 0 Tf 0 g"), None, "0 means auto");
        assert_eq!(da_font_size(b"Tf"), None);
        assert_eq!(da_font_size(b"/Helv x Tf"), None);
        assert_eq!(da_font_size(b""), None);
    }
}
