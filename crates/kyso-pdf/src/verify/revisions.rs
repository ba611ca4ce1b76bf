//! Revision analysis: what the incremental updates appended after a signed revision change.
//!
//! Each later revision is compared with the one before it (both opened from prefixes of the
//! same bytes). Objects added by a revision are harmless on their own: they only show when an
//! existing object is changed to reach them. So every *changed or deleted* existing object is
//! classified by the roles it plays in the older revision (found by walking the object graph
//! from the trailer, the way pyHanko's difference analysis assigns structural paths), and a
//! change is allowed only if it is allowed in *every* role the object plays: an appearance
//! stream that is also drawn by a page, or an /Extensions dictionary also reachable from
//! elsewhere, may not be overwritten (the "sneaky" cases of pyHanko's tests).
//!
//! Allowed: DSS/VRI, XMP metadata and /Info, /Extensions, document timestamps and new
//! signatures filling existing or new signature fields (with their widgets and appearances),
//! form filling and annotations as the certification level (DocMDP P) permits. Everything
//! else — page content, resources, the page tree, a replaced catalog, a filled signature's
//! value, hybrid cross-reference disagreements, objects hidden outside the cross-reference
//! data or placed in a signature's unsigned gap — is a finding that fails the signature.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::object::{Dict, ObjRef, Object};
use crate::{Document, XrefEntry};

use super::{Certification, CoverageFacts, Finding, FindingKind, Severity};
use crate::object::decode_text;

/// Most (object, role) pairs visited when walking one revision's object graph.
const MAX_WALK: usize = 400_000;
/// Most changed objects classified in one revision.
const MAX_CHANGED: usize = 200_000;
/// Most revisions after a signed one that are analysed (each costs a walk of the document).
const MAX_REVISIONS_ANALYSED: usize = 256;
/// Most findings listed per revision (the rest are summarised).
const MAX_LISTED: usize = 8;

/// The role an object plays in a revision, by the path that reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Role {
    Catalog,
    Info,
    PageNode,
    PageKids,
    AnnotsArray,
    Annotation,
    AcroForm,
    FieldsArray,
    Field,
    /// Part of the appearance of the widget or annotation with this object number (0: the
    /// form's default resources).
    Appearance(u32),
    FieldValue,
    Dss,
    Metadata,
    Extensions,
    StructTree,
    Other,
}

/// The analysis of a document's revisions, computed once per revision (and permission level)
/// and shared by every signature (a signature on revision k collects the findings of
/// revisions k+1..).
pub(crate) struct Analysis<'d, 'a> {
    doc: &'d Document<'a>,
    certification: Option<Certification>,
    gaps: Vec<(u64, u64)>,
    per_revision: HashMap<(usize, u8, Restriction), RevisionOutcome>,
}

/// What restricts the changes allowed after a signature: nothing beyond the general rules,
/// the document's certification (DocMDP), or the PDF 2.0 /P of the signature's field lock
/// when that is stricter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Restriction {
    None,
    Certification,
    FieldLock,
}

impl Restriction {
    /// How the findings name what does not permit a change.
    fn authority(self) -> &'static str {
        match self {
            Self::FieldLock => "the field lock",
            Self::None | Self::Certification => "the certification",
        }
    }
}

/// What one revision changes.
#[derive(Clone, Debug, Default)]
struct RevisionOutcome {
    /// The findings (disallowed changes, or a note listing the allowed ones).
    findings: Vec<Finding>,
    /// Fully qualified names of the existing fields whose value or appearance the revision
    /// changes (what field locks protect); document timestamps filling an empty signature
    /// field excluded.
    touched_fields: Vec<String>,
    /// Fully qualified names of the signature fields the revision adds visibly or signs in
    /// (a lock over their names forbids them too, as pyHanko and Acrobat read /All).
    added_fields: Vec<String>,
    /// More fields changed than [`MAX_TOUCHED`]: the list is incomplete.
    touched_truncated: bool,
}

/// What a field lock covers (ISO 32000-1 Table 233, /Action).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockAction {
    /// Every field.
    All,
    /// The listed fields.
    Include,
    /// Every field but the listed ones.
    Exclude,
}

/// A field lock (FieldMDP): a signature field's /Lock dictionary, or a signature's /Reference
/// with /TransformMethod /FieldMDP. After the signature, the value and appearance of the
/// fields it covers may not change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldLock {
    /// Which fields.
    pub action: LockAction,
    /// Fully qualified field names (a non-terminal name covers its descendants).
    pub fields: Vec<String>,
    /// PDF 2.0 /P in /Lock: the DocMDP permissions granted after this signature.
    pub permissions: Option<u8>,
}

impl FieldLock {
    /// Whether the field `name` (fully qualified) is locked.
    pub fn covers(&self, name: &str) -> bool {
        let listed = self.fields.iter().any(|f| {
            name == f
                || name
                    .strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        });
        match self.action {
            LockAction::All => true,
            LockAction::Include => listed,
            LockAction::Exclude => !listed,
        }
    }
}

/// A signature's field locks with their names hashed, so checking a touched field costs one
/// look-up per level of its name instead of a comparison with every locked name. Answers as
/// [`FieldLock::covers`] does for any of the locks.
struct LockIndex<'l> {
    locks: Vec<(LockAction, HashSet<&'l str>)>,
}

impl<'l> LockIndex<'l> {
    fn new(locks: &'l [FieldLock]) -> Self {
        Self {
            locks: locks
                .iter()
                .map(|l| (l.action, l.fields.iter().map(String::as_str).collect()))
                .collect(),
        }
    }

    /// Whether any lock covers the field `name`.
    fn covers(&self, name: &str) -> bool {
        // A listed name covers itself and its descendants: `name` is listed when it, or the
        // part of it before any of its dots, is in the set (a lock on "a" covers "a.b").
        let listed = |names: &HashSet<&str>| {
            names.contains(name)
                || name
                    .match_indices('.')
                    .any(|(i, _)| name.get(..i).is_some_and(|prefix| names.contains(prefix)))
        };
        self.locks.iter().any(|(action, names)| match action {
            LockAction::All => true,
            LockAction::Include => listed(names),
            LockAction::Exclude => !listed(names),
        })
    }
}

/// Most field names read from one lock.
const MAX_LOCKED_NAMES: usize = 1024;
/// Most changed fields and widgets of one revision whose names are looked up.
const MAX_TOUCHED: usize = 4096;

impl<'d, 'a> Analysis<'d, 'a> {
    pub(crate) fn new(
        doc: &'d Document<'a>,
        certification: Option<Certification>,
        gaps: Vec<(u64, u64)>,
    ) -> Self {
        Self {
            doc,
            certification,
            gaps,
            per_revision: HashMap::new(),
        }
    }

    /// Where the signed bytes (`..signed_end`) stop, and what was changed after them, judged
    /// by the document's certification and the signature's own field `locks`.
    pub(crate) fn coverage_and_changes(
        &mut self,
        signed_end: u64,
        locks: &[FieldLock],
    ) -> (CoverageFacts, Vec<Finding>) {
        let data = self.doc.data();
        let len = data.len() as u64;
        let ends = self.doc.revisions().to_vec();
        let mut findings = Vec::new();
        if signed_end == len {
            if self.doc.repaired_objects() > 0 {
                findings.push(Finding::new(
                    FindingKind::DamagedXref,
                    Severity::Note,
                    "the cross-reference data is damaged; objects were found by scanning",
                ));
            }
            return (CoverageFacts::EntireFile, findings);
        }
        if self.doc.is_reconstructed() || self.doc.repaired_objects() > 0 {
            findings.push(Finding::fail(
                FindingKind::DamagedXref,
                "bytes follow the signed revision but the cross-reference data is damaged, so what they change cannot be established",
            ));
            return (CoverageFacts::NonStandard, findings);
        }
        let Some(k) = ends.iter().position(|&end| {
            end >= signed_end
                && data
                    .get(usize_of(signed_end)..usize_of(end))
                    .is_some_and(|tail| tail.iter().all(u8::is_ascii_whitespace))
        }) else {
            findings.push(Finding::fail(
                FindingKind::NonStandardCoverage,
                format!("the signed bytes end at {signed_end}, not at the end of a revision"),
            ));
            return (CoverageFacts::NonStandard, findings);
        };
        let last = ends.last().copied().unwrap_or(0);
        let trailing = data.get(usize_of(last)..).unwrap_or(&[]);
        if !trailing.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
            findings.push(Finding::fail(
                FindingKind::TrailingData,
                format!(
                    "{} bytes after the last %%EOF are not part of any revision",
                    trailing.len()
                ),
            ));
        }
        if ends.len().saturating_sub(k + 1) > MAX_REVISIONS_ANALYSED {
            findings.push(Finding::new(
                FindingKind::AnalysisLimit,
                Severity::Indeterminate,
                format!(
                    "{} revisions follow the signed one; at most {MAX_REVISIONS_ANALYSED} are analysed",
                    ends.len() - k - 1
                ),
            ));
            return (CoverageFacts::Revision(k), findings);
        }
        // A lock's /P narrows what the certification permits after this signature.
        let certified = self.certification.map(|c| c.permissions);
        let locked_p = locks.iter().filter_map(|l| l.permissions).min();
        let (permissions, restriction) = match (certified, locked_p) {
            (Some(c), Some(l)) if l < c => (l, Restriction::FieldLock),
            (Some(c), _) => (c, Restriction::Certification),
            (None, Some(l)) if l < 3 => (l, Restriction::FieldLock),
            _ => (3, Restriction::None),
        };
        let index = LockIndex::new(locks);
        for j in k + 1..ends.len() {
            let key = (j, permissions, restriction);
            if !self.per_revision.contains_key(&key) {
                let found = self.analyse_revision(&ends, j, permissions, restriction);
                self.per_revision.insert(key, found);
            }
            let Some(found) = self.per_revision.get(&key) else {
                continue;
            };
            let covered = |name: &&String| index.covers(name);
            let rev = j + 1;
            let locked: Vec<Finding> = found
                .touched_fields
                .iter()
                .filter(covered)
                .map(|name| {
                    Finding::fail(
                        FindingKind::FieldLocked,
                        format!(
                            "revision {rev} changes the field \"{name}\", which this signature locks (FieldMDP)"
                        ),
                    )
                })
                .chain(found.added_fields.iter().filter(covered).map(|name| {
                    Finding::fail(
                        FindingKind::FieldLocked,
                        format!(
                            "revision {rev} adds or signs the new signature field \"{name}\", which this signature's field lock covers (FieldMDP)"
                        ),
                    )
                }))
                .collect();
            // A revision that breaks a lock is not "all allowed" for this signature.
            findings.extend(
                found
                    .findings
                    .iter()
                    .filter(|f| locked.is_empty() || f.kind != FindingKind::AllowedChanges)
                    .cloned(),
            );
            findings.extend(locked);
            if found.touched_truncated && !locks.is_empty() {
                findings.push(Finding::new(
                    FindingKind::AnalysisLimit,
                    Severity::Indeterminate,
                    format!(
                        "revision {} changes more than {MAX_TOUCHED} fields; the field locks were checked on the first {MAX_TOUCHED} only",
                        j + 1
                    ),
                ));
            }
        }
        (CoverageFacts::Revision(k), findings)
    }

    fn analyse_revision(
        &self,
        ends: &[u64],
        j: usize,
        permissions: u8,
        restriction: Restriction,
    ) -> RevisionOutcome {
        let data = self.doc.data();
        let (Some(&prev_end), Some(&end)) = (ends.get(j.wrapping_sub(1)), ends.get(j)) else {
            return RevisionOutcome::default();
        };
        let rev = j + 1;
        let unreadable = |e: crate::Error| RevisionOutcome {
            findings: vec![Finding::fail(
                FindingKind::UnreadableRevision,
                format!("revision {rev} cannot be read: {e}"),
            )],
            touched_fields: Vec::new(),
            added_fields: Vec::new(),
            touched_truncated: false,
        };
        let old = match data.get(..usize_of(prev_end)).map(Document::open) {
            Some(Ok(doc)) => doc,
            Some(Err(e)) => return unreadable(e),
            None => return RevisionOutcome::default(),
        };
        let new = match data.get(..usize_of(end)).map(Document::open) {
            Some(Ok(doc)) => doc,
            Some(Err(e)) => return unreadable(e),
            None => return RevisionOutcome::default(),
        };
        let mut findings = Vec::new();
        check_trailer(&old, &new, rev, &mut findings);
        let listed = self.listed_entries(&new, prev_end, rev, &mut findings);
        let body = data.get(usize_of(prev_end)..usize_of(end)).unwrap_or(&[]);
        hidden_objects(body, prev_end, &listed, &old, rev, &mut findings);

        let mut changed = Vec::new();
        for &num in listed.iter().take(MAX_CHANGED) {
            let Some(old_ref) = existing(&old, num) else {
                continue;
            };
            let new_ref = existing(&new, num);
            let before = load(&old, old_ref);
            let after = new_ref.map(|r| load(&new, r)).unwrap_or(Loaded::Missing);
            if before != after {
                changed.push((num, before, after));
            }
        }
        let touched_fields = touched_fields(&old, &new, &changed);
        let added_fields = added_signature_fields(&old, &new);
        let touched_truncated = changed
            .iter()
            .filter(|(_, before, _)| before.dict().is_some_and(is_field_or_widget))
            .nth(MAX_TOUCHED)
            .is_some();
        if changed.is_empty() {
            return RevisionOutcome {
                findings,
                touched_fields,
                added_fields,
                touched_truncated,
            };
        }
        let roles = match walk(&old) {
            Some(roles) => roles,
            None => {
                findings.push(Finding::new(
                    FindingKind::AnalysisLimit,
                    Severity::Indeterminate,
                    format!("revision {rev}: the document is too large to analyse its changes"),
                ));
                return RevisionOutcome {
                    findings,
                    touched_fields,
                    added_fields,
                    touched_truncated,
                };
            }
        };
        let judge = Judge {
            old: &old,
            new: &new,
            permissions,
            authority: restriction.authority(),
            roles: &roles,
            updated: changed
                .iter()
                .filter(|(_, before, after)| {
                    let key = |l: &Loaded<'_>, k: &[u8]| l.dict().and_then(|d| d.get(k)).cloned();
                    [b"V".as_slice(), b"AP", b"AS"]
                        .iter()
                        .any(|k| key(before, k) != key(after, k))
                })
                .map(|(num, _, _)| *num)
                .collect(),
        };
        let mut problems = Vec::new();
        for (num, before, after) in &changed {
            for role in roles.get(num).map(Vec::as_slice).unwrap_or(&[]) {
                if let Err(problem) = judge.change(*role, before, after) {
                    problems.push((*num, problem));
                    break;
                }
            }
        }
        let kind = match restriction {
            Restriction::None => FindingKind::DisallowedChange,
            Restriction::Certification => FindingKind::PermissionViolated,
            Restriction::FieldLock => FindingKind::LockPermissionViolated,
        };
        for (num, problem) in problems.iter().take(MAX_LISTED) {
            findings.push(Finding::fail(
                kind,
                format!("revision {rev} changes object {num}: {problem}"),
            ));
        }
        if problems.len() > MAX_LISTED {
            findings.push(Finding::fail(
                kind,
                format!(
                    "revision {rev}: {} more disallowed changes",
                    problems.len() - MAX_LISTED
                ),
            ));
        }
        if problems.is_empty() {
            findings.push(Finding::new(
                FindingKind::AllowedChanges,
                Severity::Note,
                allowed_summary(rev, &judge, &changed, &touched_fields, &added_fields),
            ));
        }
        RevisionOutcome {
            findings,
            touched_fields,
            added_fields,
            touched_truncated,
        }
    }

    /// Object numbers the revision's cross-reference sections list (checking hybrid
    /// disagreements and entries pointing into a signature's gap on the way).
    fn listed_entries(
        &self,
        new: &Document<'_>,
        prev_end: u64,
        rev: usize,
        findings: &mut Vec<Finding>,
    ) -> Vec<u32> {
        let mut listed = Vec::new();
        let mut seen: HashMap<u32, XrefEntry> = HashMap::new();
        for section in new.sections().iter().filter(|s| s.offset >= prev_end) {
            let mut in_section: HashMap<u32, XrefEntry> = HashMap::new();
            for &(num, entry) in &section.entries {
                if let Some(earlier) = in_section.insert(num, entry) {
                    let both_used = earlier != XrefEntry::Free && entry != XrefEntry::Free;
                    if section.hybrid_stream.is_some() && both_used && earlier != entry {
                        findings.push(Finding::fail(
                            FindingKind::HybridXrefConflict,
                            format!("revision {rev}: the xref table and the xref stream give object {num} different locations"),
                        ));
                    }
                }
                if let XrefEntry::InFile { offset, .. } = entry {
                    if self.gaps.iter().any(|&(a, b)| offset >= a && offset < b) {
                        findings.push(Finding::fail(
                            FindingKind::ObjectInSignatureGap,
                            format!("revision {rev} places object {num} inside a signature's unsigned /Contents gap"),
                        ));
                    }
                }
                if num != 0 && seen.insert(num, entry).is_none() {
                    listed.push(num);
                }
            }
        }
        listed
    }
}

fn usize_of(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn check_trailer(old: &Document<'_>, new: &Document<'_>, rev: usize, findings: &mut Vec<Finding>) {
    let root = |d: &Document<'_>| d.trailer().get(b"Root".as_slice()).cloned();
    if root(old) != root(new) {
        findings.push(Finding::fail(
            FindingKind::TrailerChanged,
            format!("revision {rev} points the trailer at another document catalog"),
        ));
    }
    if new.trailer().contains_key(b"Encrypt".as_slice())
        && !old.trailer().contains_key(b"Encrypt".as_slice())
    {
        findings.push(Finding::fail(
            FindingKind::TrailerChanged,
            format!("revision {rev} adds encryption"),
        ));
    }
}

/// Objects defined at the start of a line in the revision's bytes but not listed in its
/// cross-reference data: a reader that repairs files would pick them up.
fn hidden_objects(
    body: &[u8],
    base: u64,
    listed: &[u32],
    old: &Document<'_>,
    rev: usize,
    findings: &mut Vec<Finding>,
) {
    let listed: HashSet<u32> = listed.iter().copied().collect();
    let mut reported = 0usize;
    for at in memchr::memmem::find_iter(body, b" obj") {
        let Some(num) = object_header_before(body, at) else {
            continue;
        };
        if listed.contains(&num) {
            continue;
        }
        let redefines = existing(old, num).is_some();
        let severity = if redefines {
            Severity::Fail
        } else {
            Severity::Note
        };
        findings.push(Finding::new(
            FindingKind::HiddenObject,
            severity,
            format!(
                "revision {rev} defines object {num} at byte {} without listing it in its cross-reference data",
                base + at as u64
            ),
        ));
        reported += 1;
        if reported >= MAX_LISTED {
            break;
        }
    }
}

/// Parses `num gen` backwards from ` obj` at `at`, requiring the header to start a line.
fn object_header_before(body: &[u8], at: usize) -> Option<u32> {
    let head = body.get(..at)?;
    let gen_start = head
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let gen = head.get(gen_start..)?;
    if gen.is_empty() || head.get(gen_start.checked_sub(1)?) != Some(&b' ') {
        return None;
    }
    let before_gen = head.get(..gen_start - 1)?;
    let num_start = before_gen
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let num = before_gen.get(num_start..)?;
    let line_start = num_start == 0 || matches!(before_gen.get(num_start - 1), Some(b'\n' | b'\r'));
    if num.is_empty() || !line_start {
        return None;
    }
    std::str::from_utf8(num).ok()?.parse().ok()
}

/// The reference an object number has in `doc`, when it exists there (not free or missing).
fn existing(doc: &Document<'_>, num: u32) -> Option<ObjRef> {
    match doc.entry(num)? {
        XrefEntry::Free => None,
        XrefEntry::InFile { gen, .. } => Some(ObjRef { num, gen }),
        XrefEntry::InObjectStream { .. } => Some(ObjRef { num, gen: 0 }),
    }
}

/// An object's value, stream data borrowed from the input.
#[derive(Debug, PartialEq)]
enum Loaded<'a> {
    Missing,
    Unreadable,
    Direct(Object),
    Stream(Dict, &'a [u8]),
}

impl Loaded<'_> {
    fn dict(&self) -> Option<&Dict> {
        match self {
            Loaded::Direct(Object::Dict(d)) | Loaded::Stream(d, _) => Some(d),
            _ => None,
        }
    }
}

fn load<'a>(doc: &Document<'a>, r: ObjRef) -> Loaded<'a> {
    match doc.get_stream(r) {
        Ok(Some((dict, data))) => Loaded::Stream(dict, data),
        Ok(None) => match doc.get(r) {
            Ok(Object::Null) => Loaded::Missing,
            Ok(object) => Loaded::Direct(object),
            Err(_) => Loaded::Unreadable,
        },
        Err(_) => Loaded::Unreadable,
    }
}

/// Walks the object graph from the trailer, recording every role each object plays.
/// `None` when the walk exceeds [`MAX_WALK`].
fn walk(doc: &Document<'_>) -> Option<HashMap<u32, Vec<Role>>> {
    let mut roles: HashMap<u32, Vec<Role>> = HashMap::new();
    let mut visited: HashSet<(u32, Role)> = HashSet::new();
    let mut queue: VecDeque<(ObjRef, Role)> = VecDeque::new();
    let trailer = doc.trailer();
    if let Some(r) = trailer.get(b"Root".as_slice()).and_then(Object::as_ref) {
        queue.push_back((r, Role::Catalog));
    }
    if let Some(r) = trailer.get(b"Info".as_slice()).and_then(Object::as_ref) {
        queue.push_back((r, Role::Info));
    }
    // Keys of the raw trailers the merged trailer drops (e.g. a private /FooBar) can still
    // reach objects: whatever they reach is "other structure".
    for section in doc.sections() {
        for (key, value) in &section.trailer {
            if !matches!(
                key.0.as_slice(),
                b"Root" | b"Info" | b"Prev" | b"XRefStm" | b"Encrypt"
            ) {
                refs_in(
                    value,
                    Role::Other,
                    &mut |r, role| queue.push_back((r, role)),
                    0,
                );
            }
        }
    }
    while let Some((r, role)) = queue.pop_front() {
        if !visited.insert((r.num, role)) {
            continue;
        }
        if visited.len() > MAX_WALK {
            return None;
        }
        let value = match doc.get_stream(r) {
            Ok(Some((dict, _))) => Object::Dict(dict),
            Ok(None) => doc.get(r).unwrap_or(Object::Null),
            Err(_) => Object::Null,
        };
        if matches!(role, Role::Other | Role::FieldValue) && is_structural(&value) {
            // Pages, annotations and fields referenced from outside their trees (link
            // destinations, outlines, structure elements, a signature's /Reference) take
            // their roles from their trees.
            continue;
        }
        let entry = roles.entry(r.num).or_default();
        if !entry.contains(&role) {
            entry.push(role);
        }
        children(role, r.num, &value, &mut |child, child_role| {
            queue.push_back((child, child_role))
        });
    }
    Some(roles)
}

fn is_structural(value: &Object) -> bool {
    let Some(dict) = value.as_dict() else {
        return false;
    };
    let ty = dict.get(b"Type".as_slice()).and_then(Object::as_name);
    matches!(ty, Some(b"Page" | b"Pages" | b"Annot"))
        || dict.contains_key(b"FT".as_slice())
        || (dict.contains_key(b"Rect".as_slice()) && dict.contains_key(b"Subtype".as_slice()))
}

/// Calls `push` for every reference inside `value` with the role its target plays.
fn children(role: Role, owner: u32, value: &Object, push: &mut dyn FnMut(ObjRef, Role)) {
    match value {
        Object::Array(items) => {
            let element_role = match role {
                Role::PageKids => Role::PageNode,
                Role::AnnotsArray => Role::Annotation,
                Role::FieldsArray => Role::Field,
                other => other,
            };
            for item in items {
                refs_in(item, element_role, push, 0);
            }
        }
        Object::Dict(dict) | Object::Stream(dict, _) => {
            for (key, item) in dict {
                let Some((direct, element)) = key_roles(role, owner, &key.0) else {
                    continue;
                };
                match item {
                    Object::Ref(r) => push(*r, direct),
                    Object::Array(items) => {
                        for i in items {
                            refs_in(i, element, push, 0);
                        }
                    }
                    other => refs_in(other, element, push, 0),
                }
            }
        }
        _ => {}
    }
}

/// Every reference nested in a direct object gets `role`.
fn refs_in(value: &Object, role: Role, push: &mut dyn FnMut(ObjRef, Role), depth: usize) {
    if depth > 32 {
        return;
    }
    match value {
        Object::Ref(r) => push(*r, role),
        Object::Array(items) => items.iter().for_each(|i| refs_in(i, role, push, depth + 1)),
        Object::Dict(d) | Object::Stream(d, _) => {
            // A signature reference dictionary (direct, inside a signature's /Reference)
            // points its /Data at the catalog, which keeps the roles its own paths give it.
            let sig_ref = d.contains_key(b"TransformMethod".as_slice());
            for (key, item) in d {
                if sig_ref && key.0.as_slice() == b"Data" {
                    continue;
                }
                refs_in(item, role, push, depth + 1);
            }
        }
        _ => {}
    }
}

/// For `key` of an object playing `role`: the role of a reference that is the key's value,
/// and of references nested in a direct value. `None` for back-references (/Parent, /P).
fn key_roles(role: Role, owner: u32, key: &[u8]) -> Option<(Role, Role)> {
    use Role::*;
    let same = |r: Role| Some((r, r));
    match (role, key) {
        (_, b"Parent") => None,
        (PageNode | Annotation | Field | StructTree, b"P" | b"Pg" | b"Obj" | b"IRT" | b"Popup") => {
            None
        }
        (Catalog, b"Pages") => same(PageNode),
        (Catalog, b"AcroForm") => same(AcroForm),
        (Catalog, b"DSS") => same(Dss),
        (Catalog, b"Metadata") => same(Metadata),
        (Catalog, b"Extensions") => same(Extensions),
        (Catalog, b"StructTreeRoot") => same(StructTree),
        (PageNode, b"Kids") => Some((PageKids, PageNode)),
        (PageNode, b"Annots") => Some((AnnotsArray, Annotation)),
        (AcroForm, b"Fields") => Some((FieldsArray, Field)),
        (AcroForm, b"DR" | b"DA") => same(Appearance(0)),
        (Field, b"Kids") => Some((FieldsArray, Field)),
        // A merged field and widget is reached as an annotation from its page too.
        (Field | Annotation, b"V" | b"Lock" | b"SV") => same(FieldValue),
        // A signature reference's /Data points at the document it analyses (the catalog):
        // the catalog keeps the roles its own paths give it.
        (FieldValue, b"Data") => None,
        (Field | Annotation, b"AP") => same(Appearance(owner)),
        (Info | Dss | Metadata | Extensions | Appearance(_) | FieldValue | StructTree, _) => {
            same(role)
        }
        _ => same(Other),
    }
}

/// Judges one changed object in one role.
struct Judge<'d, 'a> {
    old: &'d Document<'a>,
    new: &'d Document<'a>,
    /// DocMDP P in force (3 without certification).
    permissions: u8,
    /// What sets `permissions`, as findings name it ("the certification", "the field lock").
    authority: &'static str,
    roles: &'d HashMap<u32, Vec<Role>>,
    /// Widgets and annotations whose value or appearance entries this revision changes.
    updated: HashSet<u32>,
}

const CATALOG_KEYS: &[&[u8]] = &[
    b"AcroForm",
    b"DSS",
    b"Extensions",
    b"Metadata",
    b"Version",
    b"StructTreeRoot",
    b"MarkInfo",
];
const FORM_KEYS: &[&[u8]] = &[b"Fields", b"SigFlags", b"DR", b"DA", b"NeedAppearances"];
const PAGE_KEYS: &[&[u8]] = &[b"Annots", b"Tabs", b"StructParents", b"Resources"];
/// Resource categories whose entries must survive a change of a page's /Resources.
const RESOURCE_KINDS: &[&str] = &[
    "Font",
    "XObject",
    "ExtGState",
    "ColorSpace",
    "Pattern",
    "Shading",
    "Properties",
];
const FIELD_KEYS: &[&[u8]] = &[
    b"V",
    b"AS",
    b"AP",
    b"MK",
    b"DA",
    b"P",
    b"F",
    b"StructParent",
    // Checked in `Judge::field`: only a field being filled may be made read-only.
    b"Ff",
];
const ANNOT_KEYS: &[&[u8]] = &[
    b"AP",
    b"AS",
    b"Contents",
    b"M",
    b"Popup",
    b"RC",
    b"T",
    b"NM",
    b"F",
    b"C",
    b"CA",
    b"Open",
    b"State",
    b"StateModel",
];

impl Judge<'_, '_> {
    fn permissions(&self) -> u8 {
        self.permissions
    }

    fn change(&self, role: Role, before: &Loaded<'_>, after: &Loaded<'_>) -> Result<(), String> {
        match role {
            Role::Dss | Role::Metadata | Role::Extensions | Role::Info | Role::StructTree => Ok(()),
            Role::Catalog => {
                let (old, new) = dicts(before, after, "the document catalog")?;
                only_keys(old, new, CATALOG_KEYS, "the document catalog")?;
                self.form_field_list(
                    old.get(b"AcroForm".as_slice()),
                    new.get(b"AcroForm".as_slice()),
                )
            }
            Role::AcroForm => {
                let (old, new) = dicts(before, after, "the interactive form")?;
                only_keys(old, new, FORM_KEYS, "the interactive form")?;
                self.fields_superset(old.get(b"Fields".as_slice()), new.get(b"Fields".as_slice()))
            }
            Role::FieldsArray => self.fields_superset(as_object(before), as_object(after)),
            Role::PageNode => {
                let (old, new) = dicts(before, after, "a page")?;
                if old.get(b"Type".as_slice()).and_then(Object::as_name) != Some(b"Page") {
                    return Err("the page tree changes (pages added, removed or moved)".into());
                }
                only_keys(old, new, PAGE_KEYS, "a page")?;
                self.resources_superset(
                    old.get(b"Resources".as_slice()),
                    new.get(b"Resources".as_slice()),
                )?;
                self.annots_superset(old.get(b"Annots".as_slice()), new.get(b"Annots".as_slice()))
            }
            Role::AnnotsArray => self.annots_superset(as_object(before), as_object(after)),
            Role::PageKids => Err("the page tree changes (pages added, removed or moved)".into()),
            Role::Annotation => {
                let (old, new) = dicts(before, after, "an annotation")?;
                if is_widget(old) {
                    return self.field(old, new);
                }
                if self.permissions() < 3 {
                    return Err(format!(
                        "an annotation changes, which {} does not permit",
                        self.authority
                    ));
                }
                only_keys(old, new, ANNOT_KEYS, "an annotation")
            }
            Role::Field => {
                let (old, new) = dicts(before, after, "a form field")?;
                self.field(old, new)
            }
            Role::Appearance(owner) => {
                if self.permissions() < 2 {
                    Err(format!(
                        "an appearance changes, which {} (no changes) does not permit",
                        self.authority
                    ))
                } else if owner != 0 && !self.updated.contains(&owner) {
                    // Repainting a widget that is not being filled or signed in this revision
                    // is how shadow attacks replace what a filled field or a seal shows.
                    Err(format!(
                        "the appearance of object {owner} is repainted while that field is not being filled or signed"
                    ))
                } else {
                    Ok(())
                }
            }
            Role::FieldValue => {
                Err("the value of a filled field or a signature dictionary changes".into())
            }
            Role::Other => Err(
                "changes what the document shows (content, resources or other structure)".into(),
            ),
        }
    }

    fn field(&self, old: &Dict, new: &Dict) -> Result<(), String> {
        only_keys(old, new, FIELD_KEYS, "a form field")?;
        // An empty text value (`/V ()`, common in form templates) is a field not yet filled.
        let old_v = old.get(b"V".as_slice()).filter(|v| !is_unfilled(v));
        let new_v = new.get(b"V".as_slice());
        // The field flags may change in one way only: a field being filled in this revision
        // is made read-only (bit 1), as a clerk's tool does when it prints the number and date.
        let flags = |d: &Dict| d.get(b"Ff".as_slice()).and_then(Object::as_int);
        let (old_ff, new_ff) = (flags(old), flags(new));
        if old_ff != new_ff {
            let filled_now = old_v.is_none() && new_v.is_some_and(|v| !is_unfilled(v));
            let only_read_only = new_ff == Some(old_ff.unwrap_or(0) | 1);
            if !(filled_now && only_read_only) {
                return Err(
                    "a form field's /Ff changes (only a field being filled may be made read-only)"
                        .into(),
                );
            }
        }
        if old_v.is_some() && old_v != new_v {
            return Err("a filled field's value is replaced".into());
        }
        // Only a document timestamp filling an empty signature field is no change at all.
        if old_v.is_none()
            && new_v.is_some()
            && self.permissions() < 2
            && !fills_with_doc_timestamp(self.old, self.new, old, new)
        {
            return Err(format!(
                "a field is filled, which {} (no changes) does not permit",
                self.authority
            ));
        }
        let old_ap = old.get(b"AP".as_slice());
        if old_ap != new.get(b"AP".as_slice()) {
            let value_changes = old_v != new_v.filter(|v| **v != Object::Null)
                || old.get(b"AS".as_slice()) != new.get(b"AS".as_slice())
                || self.parent_value_changes(old, new);
            if !value_changes {
                return Err(
                    "a widget's appearance is replaced while its value stays the same".into(),
                );
            }
            if self.permissions() < 2 {
                return Err(format!(
                    "a widget's appearance changes, which {} does not permit",
                    self.authority
                ));
            }
            self.appearance_owned(old_ap)?;
        }
        Ok(())
    }

    /// A widget may drop or replace its old appearance only when the old appearance objects
    /// are used as appearances alone (otherwise the change is a way to repaint something else).
    fn appearance_owned(&self, old_ap: Option<&Object>) -> Result<(), String> {
        let mut refs = Vec::new();
        if let Some(ap) = old_ap {
            refs_in(ap, Role::Other, &mut |r, _| refs.push(r), 30);
            if let Some(Object::Ref(r)) = old_ap {
                if let Ok(dict) = self.old.get(*r) {
                    refs_in(&dict, Role::Other, &mut |r, _| refs.push(r), 30);
                }
            }
        }
        for r in refs {
            let shared = self.roles.get(&r.num).is_some_and(|roles| {
                roles
                    .iter()
                    .any(|role| !matches!(role, Role::Appearance(_)))
            });
            if shared {
                return Err(format!(
                    "a widget's appearance is replaced while the old appearance object {} is also used elsewhere",
                    r.num
                ));
            }
        }
        Ok(())
    }

    /// A page's /Resources may change only by adding names: every old resource stays bound
    /// to the same object, so the unchanged content stream draws the same thing.
    fn resources_superset(&self, old: Option<&Object>, new: Option<&Object>) -> Result<(), String> {
        if old == new {
            return Ok(());
        }
        let old = old
            .and_then(|o| self.old.resolve(o).ok())
            .unwrap_or(Object::Null);
        let new = new
            .and_then(|o| self.new.resolve(o).ok())
            .unwrap_or(Object::Null);
        for kind in RESOURCE_KINDS {
            let Some(old_kind) = old.get(kind).and_then(|o| self.old.resolve(o).ok()) else {
                continue;
            };
            let new_kind = new.get(kind).and_then(|o| self.new.resolve(o).ok());
            let (Some(old_entries), Some(new_entries)) = (
                old_kind.as_dict(),
                new_kind.as_ref().and_then(Object::as_dict),
            ) else {
                return Err(format!("a page's /{kind} resources are removed"));
            };
            for (name, value) in old_entries {
                if new_entries.get(name) != Some(value) {
                    return Err(format!(
                        "a page's resource /{kind} /{} is rebound",
                        String::from_utf8_lossy(&name.0)
                    ));
                }
            }
        }
        Ok(())
    }

    /// For a widget that is a kid of its field: whether the field's /V changes.
    fn parent_value_changes(&self, old: &Dict, new: &Dict) -> bool {
        let value = |doc: &Document<'_>, d: &Dict| {
            d.get(b"Parent".as_slice())
                .and_then(|p| doc.resolve(p).ok())
                .and_then(|p| p.get("V").cloned())
        };
        value(self.old, old) != value(self.new, new)
    }

    fn is_signature_field(&self, field: &Dict) -> bool {
        is_signature_field(self.new, field)
    }

    /// The catalog's /AcroForm may be added or replaced only if the old fields survive.
    fn form_field_list(&self, old: Option<&Object>, new: Option<&Object>) -> Result<(), String> {
        if old == new {
            return Ok(());
        }
        let resolve = |doc: &Document<'_>, o: Option<&Object>| o.and_then(|o| doc.resolve(o).ok());
        let old_form = resolve(self.old, old);
        let new_form = resolve(self.new, new);
        let fields = |form: &Option<Object>| form.as_ref().and_then(|f| f.get("Fields")).cloned();
        match (&old_form, &new_form) {
            (_, None) if old_form.is_some() => Err("the interactive form is removed".into()),
            _ => self.fields_superset(fields(&old_form).as_ref(), fields(&new_form).as_ref()),
        }
    }

    /// Every old field stays; every added field is a signature field (a document timestamp
    /// only, under certification level 1).
    fn fields_superset(&self, old: Option<&Object>, new: Option<&Object>) -> Result<(), String> {
        let (old_refs, new_refs) = (self.refs(self.old, old), self.refs(self.new, new));
        if !old_refs.iter().all(|r| new_refs.contains(r)) {
            return Err("form fields are removed".into());
        }
        for added in new_refs.iter().filter(|r| !old_refs.contains(r)) {
            let dict = self
                .new
                .get(*added)
                .ok()
                .and_then(|o| o.as_dict().cloned())
                .unwrap_or_default();
            if !self.is_signature_field(&dict) {
                return Err(format!(
                    "a form field other than a signature field is added (object {})",
                    added.num
                ));
            }
            let value = dict.get(b"V".as_slice());
            if self.permissions() < 2 && value.is_some() && !is_doc_timestamp(self.new, value) {
                return Err(format!(
                    "a signature is added, which {} (no changes) does not permit",
                    self.authority
                ));
            }
        }
        Ok(())
    }

    /// Every old annotation stays; added ones are signature widgets, or any annotation when
    /// annotations are permitted.
    fn annots_superset(&self, old: Option<&Object>, new: Option<&Object>) -> Result<(), String> {
        let (old_refs, new_refs) = (self.refs(self.old, old), self.refs(self.new, new));
        if !old_refs.iter().all(|r| new_refs.contains(r)) {
            return Err("annotations are removed from a page".into());
        }
        for added in new_refs.iter().filter(|r| !old_refs.contains(r)) {
            let dict = self
                .new
                .get(*added)
                .ok()
                .and_then(|o| o.as_dict().cloned())
                .unwrap_or_default();
            let signature_widget = is_widget(&dict) && self.is_signature_field(&dict);
            if !signature_widget && self.permissions() < 3 {
                return Err(format!(
                    "an annotation is added (object {}), which {} does not permit",
                    added.num, self.authority
                ));
            }
        }
        Ok(())
    }

    /// The references in an array (resolved if indirect).
    fn refs(&self, doc: &Document<'_>, value: Option<&Object>) -> Vec<ObjRef> {
        let resolved = value.and_then(|v| doc.resolve(v).ok());
        resolved
            .as_ref()
            .and_then(Object::as_array)
            .map(|items| items.iter().filter_map(Object::as_ref).collect())
            .unwrap_or_default()
    }
}

/// Whether `field` (in `doc`) is a signature field: /FT /Sig on it or inherited from the
/// nearest ancestor that has an /FT.
fn is_signature_field(doc: &Document<'_>, field: &Dict) -> bool {
    let mut current = Some(field.clone());
    for _ in 0..MAX_FIELD_DEPTH {
        let Some(dict) = current else { return false };
        if let Some(ft) = dict.get(b"FT".as_slice()) {
            return ft.as_name() == Some(b"Sig");
        }
        current = dict
            .get(b"Parent".as_slice())
            .and_then(|p| doc.resolve(p).ok())
            .and_then(|o| o.as_dict().cloned());
    }
    false
}

/// Whether a field value (resolved in `doc`) is a document timestamp's signature dictionary:
/// both /Type /DocTimeStamp and /SubFilter /ETSI.RFC3161.
fn is_doc_timestamp(doc: &Document<'_>, value: Option<&Object>) -> bool {
    value.and_then(|v| doc.resolve(v).ok()).is_some_and(|v| {
        v.get("Type").and_then(Object::as_name) == Some(b"DocTimeStamp")
            && v.get("SubFilter").and_then(Object::as_name) == Some(b"ETSI.RFC3161")
    })
}

/// Whether a change of a field from `old_field` (in `old`) to `new_field` (in `new`) is a
/// document timestamp filling an empty signature field: a signature field in both revisions
/// (so a text field cannot pass itself off as one), unfilled before, whose new /V is a
/// document timestamp. Only that is archival, exempt from field locks (pyHanko's
/// `valid_when_locked`) and allowed under certification level 1; any other field given a
/// `/Type /DocTimeStamp` value is plain form filling.
fn fills_with_doc_timestamp(
    old: &Document<'_>,
    new: &Document<'_>,
    old_field: &Dict,
    new_field: &Dict,
) -> bool {
    let unfilled_before = old_field.get(b"V".as_slice()).is_none_or(is_unfilled);
    unfilled_before
        && is_signature_field(old, old_field)
        && is_signature_field(new, new_field)
        && is_doc_timestamp(new, new_field.get(b"V".as_slice()))
}

/// `null` or an empty string: a field value that fills nothing.
fn is_unfilled(value: &Object) -> bool {
    match value {
        Object::Null => true,
        Object::String(s) | Object::HexString(s) => s.is_empty(),
        _ => false,
    }
}

/// Most levels of /Parent followed.
const MAX_FIELD_DEPTH: usize = 32;

/// The fully qualified name of a field or widget (the /T of it and its ancestors, joined
/// with dots), `None` when nothing on the way has a name.
fn qualified_name(doc: &Document<'_>, dict: &Dict) -> Option<String> {
    let mut parts = Vec::new();
    let mut current = Some(dict.clone());
    for _ in 0..MAX_FIELD_DEPTH {
        let Some(d) = current else { break };
        if let Some(t) = d.get(b"T".as_slice()).and_then(Object::as_bytes) {
            parts.push(decode_text(t));
        }
        current = d
            .get(b"Parent".as_slice())
            .and_then(|p| doc.resolve(p).ok())
            .and_then(|o| o.as_dict().cloned());
    }
    if parts.is_empty() {
        return None;
    }
    parts.reverse();
    Some(parts.join("."))
}

fn is_field_or_widget(dict: &Dict) -> bool {
    is_widget(dict)
        || dict.contains_key(b"FT".as_slice())
        || (dict.contains_key(b"T".as_slice()) && dict.contains_key(b"Parent".as_slice()))
}

/// The existing fields whose value or appearance a revision changes (by name), leaving out
/// empty signature fields filled with a document timestamp ([`fills_with_doc_timestamp`];
/// pyHanko's `valid_when_locked`: archival updates do not trip field locks).
fn touched_fields(
    old: &Document<'_>,
    new: &Document<'_>,
    changed: &[(u32, Loaded<'_>, Loaded<'_>)],
) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let fields = changed
        .iter()
        .filter_map(|(_, before, after)| {
            Some((before.dict().filter(|d| is_field_or_widget(d))?, after))
        })
        .take(MAX_TOUCHED);
    for (old_field, after) in fields {
        let new_dict = after.dict();
        let differs = [b"V".as_slice(), b"AP", b"AS"]
            .iter()
            .any(|k| old_field.get(*k) != new_dict.and_then(|d| d.get(*k)));
        if !differs {
            continue;
        }
        if new_dict.is_some_and(|d| fills_with_doc_timestamp(old, new, old_field, d)) {
            continue;
        }
        if let Some(name) = qualified_name(new, new_dict.unwrap_or(old_field)) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The signature fields a revision adds to the form's /Fields that a field lock covering
/// their names forbids: those shown on a page (a widget with a non-empty /Rect) and those
/// signed in this revision, document timestamps in invisible fields excepted. This is
/// pyHanko's reading (`SigFieldCreationRule`, `SigFieldModificationRule`) and Acrobat's: a
/// lock on all fields leaves later signers only invisible document timestamps. Adding
/// other kinds of fields is refused by the general rules.
fn added_signature_fields(old: &Document<'_>, new: &Document<'_>) -> Vec<String> {
    let fields = |doc: &Document<'_>| -> Vec<ObjRef> {
        let form = doc
            .catalog()
            .ok()
            .and_then(|c| c.get(b"AcroForm".as_slice()).cloned())
            .and_then(|f| doc.resolve(&f).ok());
        form.and_then(|f| f.get("Fields").cloned())
            .and_then(|f| doc.resolve(&f).ok())
            .as_ref()
            .and_then(Object::as_array)
            .map(|items| items.iter().filter_map(Object::as_ref).collect())
            .unwrap_or_default()
    };
    let before = fields(old);
    let mut names = Vec::new();
    for r in fields(new)
        .into_iter()
        .filter(|r| !before.contains(r))
        .take(MAX_TOUCHED)
    {
        let Some(field) = new.get(r).ok().and_then(|o| o.as_dict().cloned()) else {
            continue;
        };
        let value = field.get(b"V".as_slice()).and_then(|v| new.resolve(v).ok());
        let doc_timestamp = is_doc_timestamp(new, value.as_ref());
        let visible = shows_on_a_page(new, &field);
        let signed = value.as_ref().is_some_and(|v| !is_unfilled(v)) && !doc_timestamp;
        if !(visible || signed) {
            continue;
        }
        if let Some(name) = qualified_name(new, &field) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Whether a field, or one of its widget kids, has a /Rect of non-zero area.
fn shows_on_a_page(doc: &Document<'_>, field: &Dict) -> bool {
    let has_area = |d: &Dict| {
        let rect = d.get(b"Rect".as_slice()).and_then(|r| doc.resolve(r).ok());
        let corners: Vec<f64> = rect
            .as_ref()
            .and_then(Object::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| doc.resolve(v).ok().and_then(|v| v.as_f64()))
                    .collect()
            })
            .unwrap_or_default();
        match corners.as_slice() {
            [x1, y1, x2, y2] => (x1 - x2).abs() * (y1 - y2).abs() > 0.0,
            _ => false,
        }
    };
    if has_area(field) {
        return true;
    }
    field
        .get(b"Kids".as_slice())
        .and_then(|k| doc.resolve(k).ok())
        .as_ref()
        .and_then(Object::as_array)
        .is_some_and(|kids| {
            kids.iter().take(MAX_TOUCHED).any(|kid| {
                doc.resolve(kid)
                    .ok()
                    .as_ref()
                    .and_then(Object::as_dict)
                    .is_some_and(has_area)
            })
        })
}

/// The note for a revision whose changes are all allowed: what kinds of change it makes.
fn allowed_summary(
    rev: usize,
    judge: &Judge<'_, '_>,
    changed: &[(u32, Loaded<'_>, Loaded<'_>)],
    touched: &[String],
    added_fields: &[String],
) -> String {
    let mut added_annotations: Vec<String> = Vec::new();
    for (num, before, after) in changed {
        let roles = judge.roles.get(num).map(Vec::as_slice).unwrap_or(&[]);
        let (old, new) = if roles.contains(&Role::PageNode) {
            (
                before.dict().and_then(|d| d.get(b"Annots".as_slice())),
                after.dict().and_then(|d| d.get(b"Annots".as_slice())),
            )
        } else if roles.contains(&Role::AnnotsArray) {
            (as_object(before), as_object(after))
        } else {
            continue;
        };
        let (old_refs, new_refs) = (judge.refs(judge.old, old), judge.refs(judge.new, new));
        for added in new_refs.iter().filter(|r| !old_refs.contains(r)) {
            let dict = judge.new.get(*added).ok();
            let dict = dict.as_ref().and_then(Object::as_dict);
            if dict.is_some_and(is_widget) {
                continue;
            }
            let subtype = dict
                .and_then(|d| d.get(b"Subtype".as_slice()))
                .and_then(Object::as_name)
                .map_or_else(
                    || "?".to_owned(),
                    |n| String::from_utf8_lossy(n).into_owned(),
                );
            added_annotations.push(subtype);
        }
    }
    let mut text = format!(
        "revision {rev} changes {} objects, all in allowed ways",
        changed.len()
    );
    if !touched.is_empty() {
        let list: Vec<String> = touched.iter().map(|n| format!("\"{n}\"")).collect();
        text.push_str(&format!(
            "; form filling or signing of the fields {}",
            list.join(", ")
        ));
    }
    if !added_fields.is_empty() {
        let list: Vec<String> = added_fields.iter().map(|n| format!("\"{n}\"")).collect();
        text.push_str(&format!("; signature fields added: {}", list.join(", ")));
    }
    if !added_annotations.is_empty() {
        text.push_str(&format!(
            "; annotations added: {} ({})",
            added_annotations.len(),
            added_annotations.join(", ")
        ));
    }
    text
}

/// The field locks that bind after the signature `sig` of the field `field`: the field's
/// /Lock dictionary and the signature's /Reference entries with /TransformMethod /FieldMDP.
pub(crate) fn field_locks(doc: &Document<'_>, field: Option<&Dict>, sig: &Dict) -> Vec<FieldLock> {
    let mut locks = Vec::new();
    if let Some(lock) = field
        .and_then(|f| f.get(b"Lock".as_slice()))
        .and_then(|l| doc.resolve(l).ok())
        .as_ref()
        .and_then(Object::as_dict)
        .and_then(|l| parse_lock(doc, l, true))
    {
        locks.push(lock);
    }
    let references = doc.resolve_key(sig, "Reference").ok().flatten();
    for reference in references
        .as_ref()
        .and_then(Object::as_array)
        .into_iter()
        .flatten()
        .take(16)
    {
        let Ok(reference) = doc.resolve(reference) else {
            continue;
        };
        if reference.get("TransformMethod").and_then(Object::as_name) != Some(b"FieldMDP") {
            continue;
        }
        let params = reference
            .get("TransformParams")
            .and_then(|p| doc.resolve(p).ok());
        if let Some(lock) = params
            .as_ref()
            .and_then(Object::as_dict)
            .and_then(|p| parse_lock(doc, p, false))
        {
            if !locks.contains(&lock) {
                locks.push(lock);
            }
        }
    }
    locks
}

/// Reads /Action, /Fields and (for a /Lock dictionary) /P. An unknown /Action locks the
/// listed fields.
fn parse_lock(doc: &Document<'_>, dict: &Dict, with_permissions: bool) -> Option<FieldLock> {
    let fields: Vec<String> = dict
        .get(b"Fields".as_slice())
        .and_then(|f| doc.resolve(f).ok())
        .as_ref()
        .and_then(Object::as_array)
        .map(|items| {
            items
                .iter()
                .take(MAX_LOCKED_NAMES)
                .filter_map(|i| doc.resolve(i).ok())
                .filter_map(|i| i.as_bytes().map(decode_text))
                .collect()
        })
        .unwrap_or_default();
    let permissions = if with_permissions {
        dict.get(b"P".as_slice())
            .and_then(Object::as_int)
            .map(|p| u8::try_from(p.clamp(1, 3)).unwrap_or(1))
    } else {
        None
    };
    let action = match dict.get(b"Action".as_slice()).and_then(Object::as_name) {
        Some(b"All") => LockAction::All,
        Some(b"Exclude") => LockAction::Exclude,
        Some(b"Include") => LockAction::Include,
        _ if fields.is_empty() && permissions.is_none() => return None,
        _ => LockAction::Include,
    };
    Some(FieldLock {
        action,
        fields,
        permissions,
    })
}

fn as_object<'l>(loaded: &'l Loaded<'_>) -> Option<&'l Object> {
    match loaded {
        Loaded::Direct(o) => Some(o),
        _ => None,
    }
}

fn is_widget(dict: &Dict) -> bool {
    dict.get(b"Subtype".as_slice()).and_then(Object::as_name) == Some(b"Widget")
}

fn dicts<'l>(
    before: &'l Loaded<'_>,
    after: &'l Loaded<'_>,
    what: &str,
) -> Result<(&'l Dict, &'l Dict), String> {
    match (before.dict(), after.dict()) {
        (Some(old), Some(new)) => Ok((old, new)),
        (Some(_), None) => Err(format!("{what} is deleted or replaced by a non-dictionary")),
        _ => Err(format!("{what} changes type")),
    }
}

/// Only `allowed` keys may differ between `old` and `new`.
fn only_keys(old: &Dict, new: &Dict, allowed: &[&[u8]], what: &str) -> Result<(), String> {
    let changed = old
        .keys()
        .chain(new.keys())
        .find(|k| !allowed.contains(&k.0.as_slice()) && old.get(*k) != new.get(*k));
    match changed {
        Some(key) => Err(format!(
            "{what}'s /{} changes",
            String::from_utf8_lossy(&key.0)
        )),
        None => Ok(()),
    }
}

/// The certification level of the document: the catalog's /Perms /DocMDP signature.
pub(crate) fn document_certification(doc: &Document<'_>) -> Option<Certification> {
    let catalog = doc.catalog().ok()?;
    let perms = doc.resolve_key(&catalog, "Perms").ok()??;
    let sig = doc.resolve(perms.get("DocMDP")?).ok()?;
    signature_certification(doc, sig.as_dict()?)
}

/// The DocMDP level a signature dictionary's /Reference declares, if it certifies.
pub(crate) fn signature_certification(doc: &Document<'_>, sig: &Dict) -> Option<Certification> {
    let references = doc.resolve_key(sig, "Reference").ok()??;
    for reference in references.as_array()?.iter().take(16) {
        let reference = doc.resolve(reference).ok()?;
        if reference.get("TransformMethod").and_then(Object::as_name) != Some(b"DocMDP") {
            continue;
        }
        let params = reference
            .get("TransformParams")
            .and_then(|p| doc.resolve(p).ok());
        let p = params
            .as_ref()
            .and_then(|p| p.get("P"))
            .and_then(Object::as_int)
            .unwrap_or(2);
        return Some(Certification {
            permissions: u8::try_from(p.clamp(1, 3)).unwrap_or(2),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{is_unfilled, object_header_before, FieldLock, LockAction, LockIndex};
    use crate::object::Object;

    fn lock(action: LockAction, fields: &[&str]) -> FieldLock {
        FieldLock {
            action,
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            permissions: None,
        }
    }

    #[test]
    fn locks_cover_the_listed_fields_and_their_descendants() {
        let include = lock(LockAction::Include, &["SoVanBan", "Nhom"]);
        assert!(include.covers("SoVanBan"));
        assert!(include.covers("Nhom.Con"));
        assert!(!include.covers("NhomKhac"));
        assert!(!include.covers("NgayBanHanh"));
        let exclude = lock(LockAction::Exclude, &["SoVanBan"]);
        assert!(!exclude.covers("SoVanBan"));
        assert!(exclude.covers("NgayBanHanh"));
        assert!(lock(LockAction::All, &[]).covers("anything"));
    }

    #[test]
    fn the_lock_index_answers_as_the_locks_do() {
        let locks = [
            lock(LockAction::Include, &["SoVanBan", "Nhom.Con", ""]),
            lock(LockAction::Exclude, &["Khac", "A.B"]),
        ];
        let names = [
            "SoVanBan",
            "SoVanBan.x",
            "SoVanBanX",
            "Nhom",
            "Nhom.Con",
            "Nhom.Con.Chau",
            "Nhom.ConKhac",
            "Khac",
            "Khac.x",
            "A",
            "A.B",
            "A.B.C",
            "A.BC",
            ".leading",
            "",
            "a..b",
            "Tên.có.dấu",
        ];
        for set in [&locks[..1], &locks[1..], &locks[..], &[]] {
            let index = LockIndex::new(set);
            for name in names {
                assert_eq!(
                    index.covers(name),
                    set.iter().any(|l| l.covers(name)),
                    "{name:?} under {set:?}"
                );
            }
        }
        let all = [lock(LockAction::All, &[])];
        assert!(LockIndex::new(&all).covers("anything.at.all"));
        let include = [lock(LockAction::Include, &["a"])];
        let index = LockIndex::new(&include);
        assert!(index.covers("a.b") && index.covers("a") && !index.covers("ab"));
    }

    #[test]
    fn empty_values_count_as_unfilled() {
        assert!(is_unfilled(&Object::Null));
        assert!(is_unfilled(&Object::String(Vec::new())));
        assert!(!is_unfilled(&Object::String(b"1".to_vec())));
        assert!(!is_unfilled(&Object::name("Off")));
    }

    #[test]
    fn finds_object_headers_at_line_starts() {
        let body = b"junk\n12 0 obj\n<<>>";
        let at = body.windows(4).position(|w| w == b" obj").expect("present");
        assert_eq!(object_header_before(body, at), Some(12));
    }

    #[test]
    fn ignores_obj_inside_a_line() {
        let body = b"xx 12 0 obj";
        let at = body.windows(4).position(|w| w == b" obj").expect("present");
        assert_eq!(object_header_before(body, at), None);
    }
}
