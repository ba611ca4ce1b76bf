//! `kyso sign --profile`: the records roles of Decree 30/2020/NĐ-CP, Annex I.
//!
//! | role | appearance | where |
//! |---|---|---|
//! | approve | the leader's signature image | centred between the title and the printed name (`--anchor`), or `--page/--rect`, or an existing field |
//! | issue | the agency's seal at its true size | over the left third of the latest signature with a visible widget (the approve one), or `--page/--rect` |
//! | attach | number and symbol, signing time; serif 10 pt black | top-right corner of page 1 |
//! | copy | SAO Y / SAO LỤC / TRÍCH SAO, the agency, signing time | top-right corner of page 1 |
//!
//! `issue` also records `--doc-number` and `--doc-date` in the reason, fills the template's
//! text fields for them (`--doc-number-field`, `--doc-date-field`, or fields with the usual
//! names) and, with `--fill-blanks`, prints them into the blanks of a draft (see [`blanks`]).
//! Both are done by the issuing signature's revision without touching the page content:
//! fields are form filling, and the printed blanks are further widgets of the new signature
//! field, so the approve signature stays valid.
//!
//! A [`ProfilePlan`] is made once per batch from the options (images and fonts loaded, texts
//! formatted) and places the signature in each document: placement is the only per-document
//! step, and it never guesses — text not found, or no earlier signature to seal, is an error.

mod blanks;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use kyso_pdf::appearance::{Align, AppearanceSpec, Font, Image};
use kyso_pdf::sign::{FieldFill, Placement, PrintedText, SignatureRequest};
use unicode_normalization::UnicodeNormalization;

use crate::cli::profile::{CopyType, Profile, ProfileArgs};
use crate::cli::sign::PdfSignArgs;
use crate::cli::Lang;
use crate::cmd::anchor::{self, AnchorMiss};
use crate::cmd::cert_role::{HolderKind, Subject};
use crate::cmd::time_pattern::{TimePattern, DEFAULT_PATTERN};
use crate::i18n::{self, Key};

/// Size of the corner stamps' text (Decree 30/2020, Annex I: size 10, upright, black).
pub(crate) const STAMP_FONT_SIZE: f64 = 10.0;
/// Distance of a corner stamp from the page's right edge: the 15 mm right margin.
const STAMP_RIGHT_MM: f64 = 15.0;
/// Distance of a corner stamp from the page's top edge, inside the 20 mm top margin (scans
/// often have text from about 20 mm down).
const STAMP_TOP_MM: f64 = 5.0;
/// Share of the signature image's width the seal covers, on its left.
const SEAL_OVERLAP: f64 = 1.0 / 3.0;

/// Serif fonts with Times New Roman's metrics, tried in order for the corner stamps.
const STAMP_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/TTF/LiberationSerif-Regular.ttf",
];
/// Folders holding Liberation Serif, for the upright and italic faces of the number and date.
const LIBERATION_DIRS: &[&str] = &[
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/TTF",
];

/// Text fields for the document number, found without `--doc-number-field` (compared in lower
/// case without '_', '-' and spaces).
const NUMBER_FIELD_NAMES: &[&str] = &["sovanban", "sokyhieu", "sohieu", "so", "docnumber"];
/// Text fields for the date, found without `--doc-date-field`.
const DATE_FIELD_NAMES: &[&str] = &["ngaybanhanh", "ngayvanban", "ngay", "docdate"];

/// Points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;

/// How one role's signature is drawn and placed, ready for every document of a batch.
pub(crate) struct ProfilePlan {
    lang: Lang,
    appearance: AppearanceSpec,
    /// The appearance's size in points (the image's natural size, or the stamp's text box).
    size: (f64, f64),
    placement: Where,
    reason: String,
    /// issue: the number and date filled into fields and blanks.
    issue: Option<IssueFill>,
}

/// What the issuing signature writes into the document besides its seal.
struct IssueFill {
    number: Option<String>,
    /// `--doc-date` as given, and parsed when it is a date.
    date: Option<(String, Option<NaiveDate>)>,
    number_field: Option<String>,
    date_field: Option<String>,
    fill_blanks: bool,
    /// Liberation Serif: upright (the number, the fields) and italic (the date line of the
    /// heading is italic, Decree 30/2020, Annex I); `None` when not installed.
    upright: Option<Arc<Font>>,
    italic: Option<Arc<Font>>,
}

/// Where the signature goes, decided per document.
enum Where {
    /// Fill the existing field named by `--field` (its widget gives the place). With
    /// `--anchor` or `--rect` as well, a field of that name is created there unless the
    /// document already has one.
    ExistingField,
    /// `--page N --rect …`.
    Explicit { page: i64, rect: [f64; 4] },
    /// Search the anchor text (on one page, or from the last page backwards).
    Anchor { text: String, page: Option<i64> },
    /// Over the left third of the latest visible signature, or of the one right above the
    /// anchor text (a joint document with several signer blocks).
    OverApproval { anchor: Option<String> },
    /// The top-right corner of page 1.
    Corner,
}

impl ProfilePlan {
    /// The plan for `args`, or `None` without `--profile` (after checking that no
    /// profile-only option was given alone).
    pub(crate) fn new(
        args: &ProfileArgs,
        pdf: &PdfSignArgs,
        certificate: &[u8],
        time: &DateTime<FixedOffset>,
        lang: Lang,
    ) -> anyhow::Result<Option<Self>> {
        check_options_fit(args, lang)?;
        let Some(profile) = args.profile else {
            return Ok(None);
        };
        warn_on_role_mismatch(profile, certificate, lang);
        if !pdf.text.is_empty() {
            anyhow::bail!(i18n::text(Key::ProfileTextGiven, lang));
        }
        let explicit = explicit_place(pdf, lang)?;
        // Only approve's anchor search reads --page alone; elsewhere it goes with --rect.
        let page_without_place = pdf.page.is_some() && explicit.is_none();
        if page_without_place && !(profile == Profile::Approve && args.anchor.is_some()) {
            anyhow::bail!(i18n::text(Key::ProfilePageNeedsRect, lang));
        }
        let (appearance, size, placement) = match profile {
            Profile::Approve => {
                let image = load_image(pdf.image.as_ref(), Key::ProfileApproveNeedsImage, lang)?;
                let size = image_size(&image);
                let placement = match (&args.anchor, explicit, &pdf.field) {
                    (Some(text), _, _) => Where::Anchor {
                        text: text.clone(),
                        page: pdf.page,
                    },
                    (None, Some((page, rect)), _) => Where::Explicit { page, rect },
                    (None, None, Some(_)) => Where::ExistingField,
                    (None, None, None) => {
                        anyhow::bail!(i18n::text(Key::ProfileApproveNeedsPlace, lang))
                    }
                };
                (image_only(image), size, placement)
            }
            Profile::Issue => {
                let image = load_image(pdf.image.as_ref(), Key::ProfileIssueNeedsImage, lang)?;
                let size = seal_size(&image, args.seal_mm, lang)?;
                let placement = match (explicit, &pdf.field) {
                    (Some((page, rect)), _) => Where::Explicit { page, rect },
                    (None, Some(_)) => Where::ExistingField,
                    (None, None) => Where::OverApproval {
                        anchor: args.anchor.clone(),
                    },
                };
                (image_only(image), size, placement)
            }
            Profile::Attach | Profile::Copy => {
                let lines = stamp_lines(profile, args, certificate, time, lang)?;
                let spec = stamp_appearance(lines, pdf.font.as_ref(), lang)?;
                let size = spec.natural_size()?;
                let placement = match (explicit, &pdf.field) {
                    (Some((page, rect)), _) => Where::Explicit { page, rect },
                    (None, Some(_)) => Where::ExistingField,
                    (None, None) => Where::Corner,
                };
                (spec, size, placement)
            }
        };
        let issue = match profile {
            Profile::Issue => Some(IssueFill::new(args, lang)?),
            _ => None,
        };
        Ok(Some(Self {
            lang,
            appearance,
            size,
            placement,
            reason: reason(profile, args, lang),
            issue,
        }))
    }

    /// Sets what is the same for every document: the appearance and, unless `--reason` gave
    /// one, the reason naming the role, the document number and date.
    pub(crate) fn configure(&self, request: &mut SignatureRequest) {
        request.appearance = Some(self.appearance.clone());
        if request.reason.is_none() {
            request.reason = Some(self.reason.clone());
        }
    }

    /// Finds the anchor text, or says why not (in the plan's language).
    fn find_anchor(
        &self,
        doc: &kyso_pdf::Document<'_>,
        text: &str,
        page: Option<i64>,
    ) -> anyhow::Result<anchor::AnchorHit> {
        let lang = self.lang;
        let page = match page {
            Some(p) => Some(page_index(p, doc.page_count()?, lang)?),
            None => None,
        };
        let pages = match page {
            Some(p) => i18n::format(Key::ProfilePage, lang, &[("page", &(p + 1).to_string())]),
            None => i18n::text(Key::ProfileAnyPage, lang).to_owned(),
        };
        let args = [("anchor", text), ("pages", pages.as_str())];
        match anchor::find(doc, text, page)? {
            Ok(hit) => Ok(hit),
            Err(AnchorMiss::NotFound) => {
                anyhow::bail!(i18n::format(Key::ProfileAnchorNotFound, lang, &args))
            }
            Err(AnchorMiss::NoText) => {
                anyhow::bail!(i18n::format(Key::ProfileAnchorNoText, lang, &args))
            }
        }
    }

    /// Places the signature in `doc`, with the number and date the issue role writes.
    pub(crate) fn place(
        &self,
        doc: &kyso_pdf::Document<'_>,
        request: &mut SignatureRequest,
    ) -> anyhow::Result<()> {
        self.place_signature(doc, request)?;
        if let Some(issue) = &self.issue {
            // The blanks are printed by widgets of a new signature field.
            if let Some(name) = request.field_name.as_ref().filter(|_| issue.fill_blanks) {
                let fields = kyso_pdf::sign::signature_fields(doc)?;
                if fields.iter().any(|f| &f.name == name) {
                    anyhow::bail!(i18n::text(Key::ProfileBlanksNeedNewField, self.lang));
                }
            }
            issue.apply(doc, request, self.lang)?;
        }
        Ok(())
    }

    /// Places the signature's own widget in `doc`.
    fn place_signature(
        &self,
        doc: &kyso_pdf::Document<'_>,
        request: &mut SignatureRequest,
    ) -> anyhow::Result<()> {
        let lang = self.lang;
        request.placement = match &self.placement {
            Where::ExistingField => {
                // Only an existing field gives a place; a new one would be invisible.
                let name = request.field_name.clone().unwrap_or_default();
                let fields = kyso_pdf::sign::signature_fields(doc)?;
                if !fields.iter().any(|f| f.name == name) {
                    anyhow::bail!(i18n::format(
                        Key::ProfileFieldMissing,
                        lang,
                        &[("name", &name)]
                    ));
                }
                return Ok(());
            }
            Where::Explicit { page, rect } => Placement::Visible {
                page_index: page_index(*page, doc.page_count()?, lang)?,
                rect: *rect,
            },
            Where::Anchor { text, page } => {
                let hit = self.find_anchor(doc, text, *page)?;
                let aspect = self.size.0 / self.size.1.max(f64::MIN_POSITIVE);
                Placement::Visible {
                    page_index: hit.page_index,
                    rect: anchor::signature_box(&hit, self.size, aspect),
                }
            }
            Where::OverApproval { anchor } => {
                let signatures = visible_signatures(doc)?;
                let chosen = match anchor {
                    None => signatures.last().copied(),
                    Some(text) => {
                        let hit = self.find_anchor(doc, text, None)?;
                        signature_above(&signatures, &hit)
                    }
                };
                let (page_index, widget) =
                    chosen.with_context(|| i18n::text(Key::ProfileNoApproveSignature, lang))?;
                Placement::Visible {
                    page_index,
                    rect: seal_box(widget, self.size),
                }
            }
            Where::Corner => {
                let page = doc.page(0)?;
                let rotate = page.rotate.rem_euclid(360);
                if rotate != 0 {
                    anyhow::bail!(i18n::format(
                        Key::ProfileRotatedPage,
                        lang,
                        &[("degrees", &rotate.to_string())]
                    ));
                }
                let frame = page
                    .crop_box
                    .or(page.media_box)
                    .unwrap_or([0.0, 0.0, 595.0, 842.0]);
                Placement::Visible {
                    page_index: 0,
                    rect: corner_box(frame, self.size),
                }
            }
        };
        Ok(())
    }
}

/// Refuses role-specific options given without their role.
fn check_options_fit(args: &ProfileArgs, lang: Lang) -> anyhow::Result<()> {
    let role = args.profile;
    let checks: [(&str, bool, &[Profile]); 10] = [
        (
            "--anchor",
            args.anchor.is_some(),
            &[Profile::Approve, Profile::Issue],
        ),
        ("--seal-mm", args.seal_mm.is_some(), &[Profile::Issue]),
        ("--copy-type", args.copy_type.is_some(), &[Profile::Copy]),
        ("--agency", args.agency.is_some(), &[Profile::Copy]),
        (
            "--time-format",
            args.time_format.is_some(),
            &[Profile::Attach, Profile::Copy],
        ),
        ("--doc-number", args.doc_number.is_some(), ALL_PROFILES),
        ("--doc-date", args.doc_date.is_some(), ALL_PROFILES),
        (
            "--doc-number-field",
            args.doc_number_field.is_some(),
            &[Profile::Issue],
        ),
        (
            "--doc-date-field",
            args.doc_date_field.is_some(),
            &[Profile::Issue],
        ),
        ("--fill-blanks", args.fill_blanks, &[Profile::Issue]),
    ];
    for (option, given, allowed) in checks {
        if given && !role.is_some_and(|r| allowed.contains(&r)) {
            let names: Vec<&str> = allowed.iter().map(|p| profile_name(*p)).collect();
            anyhow::bail!(i18n::format(
                Key::ProfileOptionNeedsProfile,
                lang,
                &[("option", option), ("profile", &names.join("|"))]
            ));
        }
    }
    Ok(())
}

/// Warns (on standard error) when the certificate's holder does not fit the role: approve is
/// signed by a person, the other roles by the agency. A warning, not an error: some agencies
/// hold certificates whose subject says neither clearly.
fn warn_on_role_mismatch(profile: Profile, certificate: &[u8], lang: Lang) {
    let Ok(subject) = Subject::from_certificate(certificate) else {
        return;
    };
    let expected = match profile {
        Profile::Approve => HolderKind::Personal,
        _ => HolderKind::Organization,
    };
    let actual = subject.holder_kind();
    if actual == HolderKind::Unknown || actual == expected {
        return;
    }
    let kind = |k: HolderKind| match k {
        HolderKind::Personal => i18n::text(Key::ProfileHolderPersonal, lang),
        _ => i18n::text(Key::ProfileHolderOrganization, lang),
    };
    let name = subject
        .common_name
        .clone()
        .or_else(|| subject.agency().map(str::to_owned))
        .unwrap_or_default();
    eprintln!(
        "{}",
        i18n::format(
            Key::ProfileRoleMismatch,
            lang,
            &[
                ("profile", profile_name(profile)),
                ("expected", kind(expected)),
                ("subject", &name),
                ("actual", kind(actual)),
            ]
        )
    );
}

const ALL_PROFILES: &[Profile] = &[
    Profile::Approve,
    Profile::Issue,
    Profile::Attach,
    Profile::Copy,
];

fn profile_name(profile: Profile) -> &'static str {
    match profile {
        Profile::Approve => "approve",
        Profile::Issue => "issue",
        Profile::Attach => "attach",
        Profile::Copy => "copy",
    }
}

/// `--page N --rect …` when `--rect` is given.
fn explicit_place(pdf: &PdfSignArgs, lang: Lang) -> anyhow::Result<Option<(i64, [f64; 4])>> {
    let Some(text) = &pdf.rect else {
        return Ok(None);
    };
    let invalid = || {
        anyhow::anyhow!(i18n::format(
            Key::ProfileRectInvalid,
            lang,
            &[("rect", text)]
        ))
    };
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| invalid())?;
    let rect = <[f64; 4]>::try_from(values).map_err(|_| invalid())?;
    let [x1, y1, x2, y2] = rect;
    if !rect.iter().all(|v| v.is_finite()) || x2 <= x1 || y2 <= y1 {
        return Err(invalid());
    }
    Ok(Some((pdf.page.unwrap_or(1), rect)))
}

/// `N` (1-based, negative from the end) → a page index.
fn page_index(page: i64, pages: usize, lang: Lang) -> anyhow::Result<usize> {
    let count = i64::try_from(pages).unwrap_or(i64::MAX);
    let index = if page < 0 { count + page } else { page - 1 };
    if page == 0 || index < 0 || index >= count {
        anyhow::bail!(i18n::format(
            Key::PdfPageMissing,
            lang,
            &[("page", &page.to_string()), ("pages", &pages.to_string())]
        ));
    }
    Ok(usize::try_from(index)?)
}

fn load_image(path: Option<&PathBuf>, missing: Key, lang: Lang) -> anyhow::Result<Arc<Image>> {
    let path = path.with_context(|| i18n::text(missing, lang))?;
    let bytes =
        std::fs::read(path).with_context(|| i18n::tr_path(Key::FileCannotReadAfter, path))?;
    let image =
        Image::from_png(&bytes).with_context(|| i18n::tr_path(Key::FileNotPngShort, path))?;
    Ok(Arc::new(image))
}

/// An image's printed size: from its DPI, else one point per pixel (it is then shrunk to fit
/// the space between title and name).
fn image_size(image: &Image) -> (f64, f64) {
    image
        .natural_size_pt()
        .unwrap_or((f64::from(image.width()), f64::from(image.height())))
}

/// The seal's true size: `--seal-mm` wide, else the PNG's DPI. Never guessed.
fn seal_size(image: &Image, seal_mm: Option<f64>, lang: Lang) -> anyhow::Result<(f64, f64)> {
    match seal_mm {
        Some(mm) if !(10.0..=100.0).contains(&mm) => anyhow::bail!(i18n::format(
            Key::ProfileSealSizeInvalid,
            lang,
            &[("mm", &mm.to_string())]
        )),
        Some(mm) => {
            let width = mm * PT_PER_MM;
            Ok((width, width / image.aspect_ratio().max(f64::MIN_POSITIVE)))
        }
        None => image
            .natural_size_pt()
            .with_context(|| i18n::text(Key::ProfileSealSizeUnknown, lang)),
    }
}

fn image_only(image: Arc<Image>) -> AppearanceSpec {
    AppearanceSpec {
        image: Some(image),
        ..AppearanceSpec::default()
    }
}

/// The corner stamp's lines: attach = number and symbol, time; copy = copy type, agency, time.
fn stamp_lines(
    profile: Profile,
    args: &ProfileArgs,
    certificate: &[u8],
    time: &DateTime<FixedOffset>,
    lang: Lang,
) -> anyhow::Result<Vec<String>> {
    let pattern_text = args.time_format.as_deref().unwrap_or(DEFAULT_PATTERN);
    let pattern = TimePattern::parse(pattern_text).map_err(|err| {
        anyhow::anyhow!(i18n::format(
            Key::ProfileTimeFormatInvalid,
            lang,
            &[("pattern", pattern_text), ("detail", &err.to_string())]
        ))
    })?;
    let when = pattern.format(time);
    match profile {
        Profile::Attach => {
            let number = args
                .doc_number
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .with_context(|| i18n::text(Key::ProfileAttachNeedsNumber, lang))?;
            Ok(vec![number.to_owned(), when])
        }
        _ => {
            let agency = match &args.agency {
                Some(a) => a.clone(),
                None => Subject::from_certificate(certificate)?
                    .agency()
                    .map(str::to_owned)
                    .with_context(|| i18n::text(Key::ProfileCopyNoAgency, lang))?,
            };
            let kind = match args.copy_type.unwrap_or(CopyType::SaoY) {
                CopyType::SaoY => "SAO Y",
                CopyType::SaoLuc => "SAO LỤC",
                CopyType::TrichSao => "TRÍCH SAO",
            };
            Ok(vec![kind.to_owned(), agency, when])
        }
    }
}

/// Serif 10 pt black text, left-aligned, no image.
fn stamp_appearance(
    lines: Vec<String>,
    font: Option<&PathBuf>,
    lang: Lang,
) -> anyhow::Result<AppearanceSpec> {
    let path = match font {
        Some(path) => path.clone(),
        None => STAMP_FONTS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .with_context(|| i18n::text(Key::ProfileStampFontMissing, lang))?,
    };
    let data =
        std::fs::read(&path).with_context(|| i18n::tr_path(Key::FileCannotReadAfter, &path))?;
    let font = Font::from_bytes(Arc::from(data))
        .with_context(|| i18n::tr_path(Key::FileNotTrueTypeShort, &path))?;
    Ok(AppearanceSpec {
        lines,
        font: Some(Arc::new(font)),
        font_size: Some(STAMP_FONT_SIZE),
        text_color: [0.0, 0.0, 0.0],
        align: Align::Left,
        ..AppearanceSpec::default()
    })
}

/// "Ban hành: văn bản số 12/QĐ-UBND, ngày 06/03/2026" (the role, then number and date).
fn reason(profile: Profile, args: &ProfileArgs, lang: Lang) -> String {
    let role = i18n::text(
        match profile {
            Profile::Approve => Key::ProfileReasonApprove,
            Profile::Issue => Key::ProfileReasonIssue,
            Profile::Attach => Key::ProfileReasonAttach,
            Profile::Copy => Key::ProfileReasonCopy,
        },
        lang,
    );
    let mut details = Vec::new();
    if let Some(number) = &args.doc_number {
        details.push(i18n::format(
            Key::ProfileReasonNumber,
            lang,
            &[("number", number)],
        ));
    }
    if let Some(date) = &args.doc_date {
        details.push(i18n::format(
            Key::ProfileReasonDate,
            lang,
            &[("date", date)],
        ));
    }
    if details.is_empty() {
        role.to_owned()
    } else {
        format!("{role}: {}", details.join(", "))
    }
}

impl IssueFill {
    fn new(args: &ProfileArgs, lang: Lang) -> anyhow::Result<Self> {
        let needs = |option: &str, value: &str| {
            anyhow::anyhow!(i18n::format(
                Key::ProfileOptionNeedsValue,
                lang,
                &[("option", option), ("value", value)]
            ))
        };
        if args.doc_number_field.is_some() && args.doc_number.is_none() {
            return Err(needs("--doc-number-field", "--doc-number"));
        }
        if args.doc_date_field.is_some() && args.doc_date.is_none() {
            return Err(needs("--doc-date-field", "--doc-date"));
        }
        if args.fill_blanks && args.doc_number.is_none() && args.doc_date.is_none() {
            return Err(needs("--fill-blanks", "--doc-number / --doc-date"));
        }
        let date = args
            .doc_date
            .as_ref()
            .map(|d| (d.clone(), parse_doc_date(d)));
        // Asked for explicitly: a date that cannot be written is an error up front.
        if let Some((text, None)) = &date {
            if args.fill_blanks || args.doc_date_field.is_some() {
                return Err(date_invalid(text, lang));
            }
        }
        let wanted = args.doc_number.is_some() || args.doc_date.is_some();
        let (upright, italic) = if wanted {
            (
                liberation_serif("Regular").map(Arc::new),
                liberation_serif("Italic").map(Arc::new),
            )
        } else {
            (None, None)
        };
        if args.fill_blanks && (upright.is_none() || italic.is_none()) {
            let style = if upright.is_none() {
                "Regular"
            } else {
                "Italic"
            };
            anyhow::bail!(i18n::format(
                Key::ProfileFillFontMissing,
                lang,
                &[("style", style)]
            ));
        }
        Ok(Self {
            number: args.doc_number.clone(),
            date,
            number_field: args.doc_number_field.clone(),
            date_field: args.doc_date_field.clone(),
            fill_blanks: args.fill_blanks,
            upright,
            italic,
        })
    }

    /// Adds the field fills and printed texts for `doc` to `request`.
    fn apply(
        &self,
        doc: &kyso_pdf::Document<'_>,
        request: &mut SignatureRequest,
        lang: Lang,
    ) -> anyhow::Result<()> {
        if self.number.is_none() && self.date.is_none() {
            return Ok(());
        }
        let text_fields = kyso_pdf::sign::text_field_names(doc)?;
        let number_field = match &self.number {
            Some(_) => pick_field(
                &text_fields,
                self.number_field.as_deref(),
                NUMBER_FIELD_NAMES,
                ("--doc-number-field", Key::ProfileWhatNumber),
                lang,
            )?,
            None => None,
        };
        let date_field = match &self.date {
            Some(_) => pick_field(
                &text_fields,
                self.date_field.as_deref(),
                DATE_FIELD_NAMES,
                ("--doc-date-field", Key::ProfileWhatDate),
                lang,
            )?,
            None => None,
        };
        let upright = || {
            self.upright.clone().with_context(|| {
                i18n::format(Key::ProfileFillFontMissing, lang, &[("style", "Regular")])
            })
        };
        if let (Some(name), Some(number)) = (number_field, &self.number) {
            request.fills.push(FieldFill {
                name,
                value: number.clone(),
                font: upright()?,
                font_size: None,
            });
        }
        if let (Some(name), Some((text, parsed))) = (date_field, &self.date) {
            let date = parsed.ok_or_else(|| date_invalid(text, lang))?;
            request.fills.push(FieldFill {
                name,
                value: date.format("%d/%m/%Y").to_string(),
                font: upright()?,
                font_size: None,
            });
        }
        if !self.fill_blanks {
            return Ok(());
        }
        let glyphs = kyso_pdf::text::page_glyphs(doc, 0)?;
        if let Some(number) = &self.number {
            request
                .printed
                .push(print_number(&glyphs, number, upright()?, lang)?);
        }
        if let Some((text, parsed)) = &self.date {
            let date = parsed.ok_or_else(|| date_invalid(text, lang))?;
            let italic = self.italic.clone().with_context(|| {
                i18n::format(Key::ProfileFillFontMissing, lang, &[("style", "Italic")])
            })?;
            request
                .printed
                .extend(print_date(&glyphs, date, text, italic, lang)?);
        }
        Ok(())
    }
}

/// `--doc-date` as a date: `2026-03-06`, `06/03/2026` or `06.03.2026` (day first, as written
/// in Vietnam).
fn parse_doc_date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text.trim(), format).ok())
}

fn date_invalid(text: &str, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!(i18n::format(
        Key::ProfileDocDateInvalid,
        lang,
        &[("date", text)]
    ))
}

/// The day as Vietnamese documents write it: a leading zero below 10 (Decree 30/2020,
/// Annex I).
fn vn_day(date: NaiveDate) -> String {
    format!("{:02}", date.day())
}

/// The month as Vietnamese documents write it: a leading zero for January and February only
/// ("tháng 02", "tháng 6", Decree 30/2020, Annex I).
fn vn_month(date: NaiveDate) -> String {
    match date.month() {
        m @ 1..=2 => format!("{m:02}"),
        m => m.to_string(),
    }
}

/// Liberation Serif in `style` (Regular, Italic), if installed.
fn liberation_serif(style: &str) -> Option<Font> {
    LIBERATION_DIRS.iter().find_map(|dir| {
        let path = PathBuf::from(dir).join(format!("LiberationSerif-{style}.ttf"));
        let data = std::fs::read(path).ok()?;
        Font::from_bytes(Arc::from(data)).ok()
    })
}

/// The text field for the number or date: the one `--doc-…-field` names (an error if the
/// document lacks it), else the one field with a usual name (several is an error), else none.
fn pick_field(
    text_fields: &[String],
    named: Option<&str>,
    usual: &[&str],
    (option, what): (&str, Key),
    lang: Lang,
) -> anyhow::Result<Option<String>> {
    let listed = || {
        if text_fields.is_empty() {
            "-".to_owned()
        } else {
            text_fields.join(", ")
        }
    };
    if let Some(name) = named {
        if !text_fields.iter().any(|f| f == name) {
            anyhow::bail!(i18n::format(
                Key::ProfileTextFieldMissing,
                lang,
                &[("name", name), ("fields", &listed())]
            ));
        }
        return Ok(Some(name.to_owned()));
    }
    let squash = |name: &str| -> String {
        let last = name.rsplit('.').next().unwrap_or(name);
        last.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let found: Vec<&String> = text_fields
        .iter()
        .filter(|f| usual.contains(&squash(f).as_str()))
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        many => {
            let names: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            anyhow::bail!(i18n::format(
                Key::ProfileTextFieldAmbiguous,
                lang,
                &[
                    ("what", i18n::text(what, lang)),
                    ("fields", &names.join(", ")),
                    ("option", option)
                ]
            ))
        }
    }
}

/// The one blank of `found`, or why not.
fn only_blank<T>(found: Vec<T>, missing: Key, what: Key, lang: Lang) -> anyhow::Result<T> {
    let count = found.len();
    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => anyhow::bail!(i18n::text(missing, lang)),
        (Some(_), Some(_)) => anyhow::bail!(i18n::format(
            Key::ProfileBlankAmbiguous,
            lang,
            &[
                ("count", &count.to_string()),
                ("what", i18n::text(what, lang))
            ]
        )),
    }
}

/// Room kept between printed text and the words around a blank, in font sizes.
const BLANK_MARGIN: f64 = 0.2;

fn too_narrow(word: &str, blank: (f64, f64), text: &str, lang: Lang) -> anyhow::Error {
    anyhow::anyhow!(i18n::format(
        Key::ProfileBlankTooNarrow,
        lang,
        &[
            ("word", word),
            ("width", &format!("{:.1}", blank.1 - blank.0)),
            ("text", text)
        ]
    ))
}

/// The number in the blank after "Số:": right against the symbol the template prints after
/// the blank (only the part before the '/'), so it reads "15/QĐ-UBND"; the whole number a
/// space after "Số:" when no symbol follows.
fn print_number(
    glyphs: &[kyso_pdf::text::TextGlyph],
    number: &str,
    font: Arc<Font>,
    lang: Lang,
) -> anyhow::Result<PrintedText> {
    let blank = only_blank(
        blanks::number_blanks(glyphs),
        Key::ProfileNumberBlankMissing,
        Key::ProfileWhatNumber,
        lang,
    )?;
    let size = blank.size;
    let number = number.trim();
    let (text, x) = match (&blank.symbol, blank.end) {
        (Some(symbol), Some(end)) => {
            let (head, tail) = number.split_at(number.find('/').unwrap_or(number.len()));
            let same = tail.nfc().eq(symbol.nfc());
            if !same || head.trim().is_empty() {
                anyhow::bail!(i18n::format(
                    Key::ProfileSymbolMismatch,
                    lang,
                    &[("printed", symbol), ("number", number)]
                ));
            }
            let head = head.trim();
            (head, end - font.text_width(head, size)?)
        }
        _ => (number, blank.start + 0.25 * size),
    };
    let width = font.text_width(text, size)?;
    let room = (blank.start, blank.end.unwrap_or(f64::INFINITY));
    if x < room.0 + BLANK_MARGIN * size || x + width > room.1 + 1e-6 {
        return Err(too_narrow("Số:", room, text, lang));
    }
    Ok(PrintedText {
        page_index: 0,
        origin: [x, blank.baseline],
        text: text.to_owned(),
        font,
        font_size: size,
    })
}

/// The day and month centred in the blanks after "ngày" and "tháng"; the year after "năm"
/// when the template leaves it blank too, else checked against the one it prints.
fn print_date(
    glyphs: &[kyso_pdf::text::TextGlyph],
    date: NaiveDate,
    given: &str,
    font: Arc<Font>,
    lang: Lang,
) -> anyhow::Result<Vec<PrintedText>> {
    let blanks = only_blank(
        blanks::date_blanks(glyphs),
        Key::ProfileDateBlankMissing,
        Key::ProfileWhatDate,
        lang,
    )?;
    let size = blanks.size;
    let year = date.year().to_string();
    let mut out = Vec::new();
    let centred = |word: &str, blank: (f64, f64), text: String| -> anyhow::Result<PrintedText> {
        let width = font.text_width(&text, size)?;
        if width + 2.0 * BLANK_MARGIN * size > blank.1 - blank.0 {
            return Err(too_narrow(word, blank, &text, lang));
        }
        Ok(PrintedText {
            page_index: 0,
            origin: [(blank.0 + blank.1 - width) / 2.0, blanks.baseline],
            text,
            font: font.clone(),
            font_size: size,
        })
    };
    out.push(centred("ngày", blanks.day, vn_day(date))?);
    out.push(centred("tháng", blanks.month, vn_month(date))?);
    match &blanks.year {
        blanks::YearSlot::Printed(printed) if *printed == year => {}
        blanks::YearSlot::Printed(printed) => anyhow::bail!(i18n::format(
            Key::ProfileYearMismatch,
            lang,
            &[("printed", printed), ("date", given)]
        )),
        blanks::YearSlot::Blank { start } => out.push(PrintedText {
            page_index: 0,
            origin: [start + 0.25 * size, blanks.baseline],
            text: year,
            font: font.clone(),
            font_size: size,
        }),
    }
    Ok(out)
}

/// The latest signed field with a visible widget (by where its signed bytes end): its page
/// and widget rectangle.
fn visible_signatures(doc: &kyso_pdf::Document<'_>) -> anyhow::Result<Vec<(usize, [f64; 4])>> {
    let fields = kyso_pdf::sign::signature_fields(doc)?;
    let mut signed: Vec<(i64, usize, [f64; 4])> = fields
        .iter()
        .filter_map(|f| {
            let value = f.value.as_ref()?;
            let page = f.page_index?;
            let [x1, y1, x2, y2] = f.rect?;
            let rect = [x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)];
            let visible = rect[2] - rect[0] > 1.0 && rect[3] - rect[1] > 1.0;
            let end = match value.byte_range.as_slice() {
                [_, _, start, len] => start.saturating_add(*len),
                _ => 0,
            };
            visible.then_some((end, page, rect))
        })
        .collect();
    signed.sort_by_key(|(end, _, _)| *end);
    Ok(signed
        .into_iter()
        .map(|(_, page, rect)| (page, rect))
        .collect())
}

/// Of `signatures`, the one on the anchor's page nearest above the anchor text and
/// overlapping it horizontally (the signature of that signer block).
fn signature_above(
    signatures: &[(usize, [f64; 4])],
    hit: &anchor::AnchorHit,
) -> Option<(usize, [f64; 4])> {
    let [x1, y1, x2, _] = hit.bbox;
    signatures
        .iter()
        .filter(|(page, rect)| {
            *page == hit.page_index && rect[2] > x1 && rect[0] < x2 && rect[1] >= y1
        })
        .min_by(|a, b| (a.1[1] - y1).total_cmp(&(b.1[1] - y1)))
        .copied()
}

/// The seal's box: `size`, vertically centred on the signature widget, its right edge a third
/// of the way into the widget so it covers the left third of the signature image.
pub(crate) fn seal_box(widget: [f64; 4], size: (f64, f64)) -> [f64; 4] {
    let [x1, y1, x2, y2] = widget;
    let right = x1 + (x2 - x1) * SEAL_OVERLAP;
    let cy = (y1 + y2) / 2.0;
    [right - size.0, cy - size.1 / 2.0, right, cy + size.1 / 2.0]
}

/// The stamp's box in the top-right corner of `frame` (the page's crop or media box).
pub(crate) fn corner_box(frame: [f64; 4], size: (f64, f64)) -> [f64; 4] {
    let right = frame[2] - STAMP_RIGHT_MM * PT_PER_MM;
    let top = frame[3] - STAMP_TOP_MM * PT_PER_MM;
    [right - size.0, top - size.1, right, top]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_covers_the_left_third_of_the_signature() {
        let widget = [300.0, 500.0, 450.0, 575.0];
        let [x1, y1, x2, y2] = seal_box(widget, (102.0, 102.0));
        assert!(
            (x2 - 350.0).abs() < 1e-9,
            "right edge a third into the widget"
        );
        assert!((x2 - x1 - 102.0).abs() < 1e-9 && (y2 - y1 - 102.0).abs() < 1e-9);
        assert!(((y1 + y2) / 2.0 - 537.5).abs() < 1e-9, "vertically centred");
        assert!(x1 < widget[0], "the seal starts left of the signature");
    }

    #[test]
    fn corner_stamp_sits_top_right_inside_the_margins_of_landscape_pages_too() {
        for frame in [[0.0, 0.0, 595.0, 842.0], [0.0, 0.0, 842.0, 595.0]] {
            let [x1, y1, x2, y2] = corner_box(frame, (120.0, 30.0));
            assert!(x2 < frame[2] && x2 > frame[2] - 50.0);
            assert!(y2 < frame[3] && y2 > frame[3] - 30.0);
            assert!(x1 > frame[2] / 2.0 && y1 > frame[3] / 2.0);
        }
    }

    #[test]
    fn seal_size_comes_from_millimetres_and_refuses_absurd_sizes() {
        let png = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpora/vn-docs/seal-red.png"
        ));
        let Ok(png) = png else {
            eprintln!("SKIP: seal-red.png not found");
            return;
        };
        let image = Image::from_png(&png).expect("seal PNG decodes");
        let (w, _) = seal_size(&image, Some(36.0), Lang::En).expect("36 mm");
        assert!((w - 102.05).abs() < 0.1);
        let (w, _) = seal_size(&image, None, Lang::En).expect("from the PNG's DPI");
        assert!((w - 102.0).abs() < 0.5);
        assert!(seal_size(&image, Some(0.5), Lang::En).is_err());
        assert!(seal_size(&image, Some(f64::NAN), Lang::En).is_err());
    }

    #[test]
    fn role_options_without_their_role_are_refused() {
        let args = ProfileArgs {
            anchor: Some("Lê An".into()),
            ..ProfileArgs::default()
        };
        assert!(check_options_fit(&args, Lang::En).is_err());
        let args = ProfileArgs {
            profile: Some(Profile::Approve),
            anchor: Some("Lê An".into()),
            ..ProfileArgs::default()
        };
        assert!(check_options_fit(&args, Lang::En).is_ok());
        let args = ProfileArgs {
            profile: Some(Profile::Copy),
            anchor: Some("Lê An".into()),
            ..ProfileArgs::default()
        };
        assert!(check_options_fit(&args, Lang::En).is_err());
        let args = ProfileArgs {
            profile: Some(Profile::Approve),
            seal_mm: Some(36.0),
            ..ProfileArgs::default()
        };
        assert!(check_options_fit(&args, Lang::Vi).is_err());
    }

    #[test]
    fn dates_are_read_day_first_and_written_the_vietnamese_way() {
        let date = |text: &str| parse_doc_date(text).expect(text);
        assert_eq!(date("2026-06-05"), date("05/06/2026"));
        assert_eq!(date("5.6.2026"), date("05-06-2026"));
        assert!(parse_doc_date("06/2026").is_none());
        assert!(parse_doc_date("31/02/2026").is_none());
        let d = date("05/06/2026");
        assert_eq!((vn_day(d), vn_month(d)), ("05".into(), "6".into()));
        let d = date("2026-02-14");
        assert_eq!((vn_day(d), vn_month(d)), ("14".into(), "02".into()));
        let d = date("2026-01-09");
        assert_eq!((vn_day(d), vn_month(d)), ("09".into(), "01".into()));
        let d = date("2026-12-25");
        assert_eq!((vn_day(d), vn_month(d)), ("25".into(), "12".into()));
    }

    #[test]
    fn fields_are_found_by_name_or_by_their_usual_names_never_among_several() {
        let fields: Vec<String> = ["form.So_Van_Ban", "NgayBanHanh", "GhiChu"]
            .map(String::from)
            .to_vec();
        let pick = |named: Option<&str>, usual: &[&str]| {
            pick_field(
                &fields,
                named,
                usual,
                ("--doc-number-field", Key::ProfileWhatNumber),
                Lang::En,
            )
        };
        assert_eq!(
            pick(None, NUMBER_FIELD_NAMES).expect("found").as_deref(),
            Some("form.So_Van_Ban")
        );
        assert_eq!(
            pick(None, DATE_FIELD_NAMES).expect("found").as_deref(),
            Some("NgayBanHanh")
        );
        assert_eq!(
            pick(Some("GhiChu"), NUMBER_FIELD_NAMES)
                .expect("named")
                .as_deref(),
            Some("GhiChu")
        );
        let missing = pick(Some("SoHieu"), NUMBER_FIELD_NAMES).expect_err("missing");
        assert!(missing.to_string().contains("GhiChu"), "{missing}");
        let two: Vec<String> = ["So", "DocNumber"].map(String::from).to_vec();
        let ambiguous = pick_field(
            &two,
            None,
            NUMBER_FIELD_NAMES,
            ("--doc-number-field", Key::ProfileWhatNumber),
            Lang::Vi,
        )
        .expect_err("ambiguous");
        assert!(ambiguous.to_string().contains("--doc-number-field"));
        assert_eq!(
            pick_field(
                &[],
                None,
                NUMBER_FIELD_NAMES,
                ("x", Key::ProfileWhatNumber),
                Lang::En
            )
            .expect("none"),
            None
        );
    }

    #[test]
    fn issue_options_need_the_issue_role_and_their_values() {
        let args = ProfileArgs {
            profile: Some(Profile::Approve),
            fill_blanks: true,
            ..ProfileArgs::default()
        };
        assert!(check_options_fit(&args, Lang::En).is_err());
        let args = ProfileArgs {
            profile: Some(Profile::Issue),
            fill_blanks: true,
            ..ProfileArgs::default()
        };
        assert!(check_options_fit(&args, Lang::En).is_ok());
        let needs = IssueFill::new(&args, Lang::En)
            .err()
            .expect("no number or date");
        assert!(needs.to_string().contains("--doc-number"), "{needs}");
        let args = ProfileArgs {
            profile: Some(Profile::Issue),
            doc_date: Some("mai".into()),
            fill_blanks: true,
            ..ProfileArgs::default()
        };
        let bad = IssueFill::new(&args, Lang::Vi).err().expect("not a date");
        assert!(bad.to_string().contains("\"mai\""), "{bad}");
        let args = ProfileArgs {
            profile: Some(Profile::Issue),
            doc_date_field: Some("Ngay".into()),
            ..ProfileArgs::default()
        };
        assert!(
            IssueFill::new(&args, Lang::En).is_err(),
            "a field without a date"
        );
    }

    #[test]
    fn reason_names_the_role_number_and_date_in_the_chosen_language() {
        let args = ProfileArgs {
            doc_number: Some("12/QĐ-UBND".into()),
            doc_date: Some("06/03/2026".into()),
            ..ProfileArgs::default()
        };
        assert_eq!(
            reason(Profile::Issue, &args, Lang::Vi),
            "Ban hành: văn bản số 12/QĐ-UBND, ngày 06/03/2026"
        );
        assert_eq!(
            reason(Profile::Approve, &ProfileArgs::default(), Lang::En),
            "Approved"
        );
    }
}
