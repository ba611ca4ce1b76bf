//! `kyso sign`: sign a batch of PDFs with one signer, one login, one font and image load.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::Offset;
use rayon::prelude::*;

use crate::cli::sign::{PdfSignArgs, SignArgs, SubFilter};
use crate::cli::Lang;
use crate::cmd::key_source;
use crate::input::InputBytes;
use crate::output::{write_atomically, Part};

/// Where one signed document goes.
#[derive(Debug, Clone)]
enum Target {
    File(PathBuf),
    Stdout,
}

/// One unit of work: an input and its target.
#[derive(Debug, Clone)]
struct Job {
    input: Option<PathBuf>, // None = standard input
    target: Target,
}

impl Job {
    fn input_name(&self) -> String {
        self.input
            .as_ref()
            .map_or_else(|| "-".to_owned(), |p| p.display().to_string())
    }
}

pub(crate) fn run(mut args: SignArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    crate::config::apply(&mut args, lang)?;
    let jobs = plan_jobs(&args, lang)?;
    let signer = key_source::open_signer(&args.key)
        .map_err(|err| crate::cmd::sign_messages::in_lang(err, lang))?;
    let algorithm = key_source::signature_algorithm(signer.as_ref(), args.key.pss)?;
    let cms = kyso_cms::SignerContext::new(signer.as_ref())?;
    let mut template = SignTemplate::new(
        &args.pdf,
        &args.profile,
        signer.as_ref(),
        &cms,
        algorithm,
        lang,
    )?;
    if let Some(client) = crate::cmd::timestamp::tsa_client(&args.tsa)? {
        template.enable_tsa(client, &cms)?;
    }
    let xml = XmlTemplate::new(&args.xml, algorithm, template.tsa.clone());
    let ltv = match args.ltv.ltv {
        true => Some(crate::cmd::ltv::Collector::new(&args.ltv.evidence)?),
        false => None,
    };
    let context = BatchContext {
        template: &template,
        xml: &xml,
        signer: signer.as_ref(),
        cms: &cms,
        force: args.force,
        ltv: ltv.as_ref(),
        lang,
    };

    let progress = progress_bar(jobs.len(), args.json);
    let results: Vec<(Job, anyhow::Result<SignedSummary>)> = jobs
        .into_par_iter()
        .map(|job| {
            let result = context.sign_job(&job);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            (job, result)
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    let to_stdout = results
        .iter()
        .any(|(job, _)| matches!(job.target, Target::Stdout));
    for (job, result) in &results {
        if result.is_err() {
            failed += 1;
        }
        // When the PDF itself goes to stdout, reports go to stderr.
        let line = report_line(job, result, args.json, lang);
        if to_stdout {
            eprintln!("{line}");
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(ExitCode::from(if failed == 0 {
        crate::exit::OK
    } else {
        crate::exit::FAILED
    }))
}

fn report_line(
    job: &Job,
    result: &anyhow::Result<SignedSummary>,
    json: bool,
    lang: Lang,
) -> String {
    let output = match &job.target {
        Target::File(p) => p.display().to_string(),
        Target::Stdout => "-".to_owned(),
    };
    match (result, json) {
        (Ok(summary), true) => serde_json::json!({
            "input": job.input_name(),
            "output": output,
            "status": "signed",
            "field": summary.field,
            "bytes": summary.bytes,
        })
        .to_string(),
        (Err(err), true) => serde_json::json!({
            "input": job.input_name(),
            "output": output,
            "status": "error",
            "error": format!("{err:#}"),
        })
        .to_string(),
        (Ok(summary), false) => crate::i18n::format(
            crate::i18n::Key::SignSigned,
            lang,
            &[
                ("input", &job.input_name()),
                ("output", &output),
                ("field", &summary.field),
            ],
        ),
        (Err(err), false) => crate::i18n::format(
            crate::i18n::Key::SignFailed,
            lang,
            &[
                ("input", &job.input_name()),
                ("detail", &crate::cmd::sign_messages::localize(err, lang)),
            ],
        ),
    }
}

fn progress_bar(len: usize, json: bool) -> Option<indicatif::ProgressBar> {
    if json || len < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template(crate::i18n::tr(crate::i18n::Key::ProgressSign))
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Expands folders, pairs every input with its target, and refuses plans that would lose
/// data (two inputs writing the same target, a target equal to its input).
fn plan_jobs(args: &SignArgs, lang: Lang) -> anyhow::Result<Vec<Job>> {
    use crate::i18n::{format as msg, Key};
    let mut inputs: Vec<Option<PathBuf>> = Vec::new();
    let detached = !args.xml.detached.is_empty();
    let named = if detached {
        &args.xml.detached
    } else {
        &args.inputs
    };
    for path in named {
        if path.as_os_str() == "-" {
            inputs.push(None);
        } else if path.is_dir() {
            let mut found = Vec::new();
            collect_pdfs(path, &mut found).with_context(|| {
                msg(
                    Key::SignFolderUnreadable,
                    lang,
                    &[("path", &path.display().to_string())],
                )
            })?;
            found.sort();
            inputs.extend(found.into_iter().map(Some));
        } else {
            inputs.push(Some(path.clone()));
        }
    }
    if inputs.is_empty() {
        anyhow::bail!(msg(Key::SignNoInputs, lang, &[]));
    }
    if let Some(output) = &args.output {
        if inputs.len() != 1 {
            anyhow::bail!(msg(
                Key::SignOutputOneInput,
                lang,
                &[("count", &inputs.len().to_string())]
            ));
        }
        let target = if output.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::File(output.clone())
        };
        let job = Job {
            input: inputs.remove(0),
            target,
        };
        check_not_input(&job, lang)?;
        return Ok(vec![job]);
    }
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let target = match (&input, &args.out_dir) {
            (None, _) => Target::Stdout,
            (Some(path), Some(dir)) => {
                let name = path
                    .file_name()
                    .with_context(|| msg(Key::SignNoFileName, lang, &[]))?;
                let mut target = dir.join(name);
                if detached {
                    target = default_output(&target, true);
                }
                Target::File(target)
            }
            (Some(path), None) => Target::File(default_output(path, detached)),
        };
        let job = Job { input, target };
        check_not_input(&job, lang)?;
        jobs.push(job);
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).with_context(|| {
            msg(
                Key::SignOutDirUncreatable,
                lang,
                &[("path", &dir.display().to_string())],
            )
        })?;
    }
    let mut targets: Vec<&PathBuf> = jobs
        .iter()
        .filter_map(|j| match &j.target {
            Target::File(p) => Some(p),
            Target::Stdout => None,
        })
        .collect();
    targets.sort();
    if let Some(pair) = targets.windows(2).find(|w| w[0] == w[1]) {
        anyhow::bail!(msg(
            Key::SignSameTarget,
            lang,
            &[("path", &pair[0].display().to_string())]
        ));
    }
    Ok(jobs)
}

/// `doc.pdf` → `doc.signed.pdf` beside it (`doc.xml` → `doc.signed.xml`); a detached XML
/// signature goes to `doc.pdf.sig.xml`.
fn default_output(input: &Path, detached: bool) -> PathBuf {
    let name = input
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if detached {
        return input.with_file_name(format!("{name}.sig.xml"));
    }
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = input
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| e == "xml")
        .unwrap_or_else(|| "pdf".to_owned());
    input.with_file_name(format!("{stem}.signed.{ext}"))
}

fn check_not_input(job: &Job, lang: Lang) -> anyhow::Result<()> {
    if let (Some(input), Target::File(target)) = (&job.input, &job.target) {
        let same = match (input.canonicalize(), target.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => input == target,
        };
        if same {
            anyhow::bail!(crate::i18n::format(
                crate::i18n::Key::SignOverInput,
                lang,
                &[("path", &input.display().to_string())]
            ));
        }
    }
    Ok(())
}

fn collect_pdfs(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_pdfs(&path, found)?;
        } else if kind.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("xml"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// What was signed.
struct SignedSummary {
    field: String,
    bytes: u64,
}

/// Everything shared by a batch: the signer and the prepared signature template.
struct BatchContext<'a> {
    template: &'a SignTemplate,
    xml: &'a XmlTemplate,
    signer: &'a dyn kyso_keys::Signer,
    cms: &'a kyso_cms::SignerContext<'a>,
    force: bool,
    /// `--ltv`: adds a DSS with the validation data after signing.
    ltv: Option<&'a crate::cmd::ltv::Collector>,
    /// Language of the messages.
    lang: Lang,
}

impl BatchContext<'_> {
    fn sign_job(&self, job: &Job) -> anyhow::Result<SignedSummary> {
        let input = match &job.input {
            Some(path) => InputBytes::open_unnamed(path)?,
            None => InputBytes::stdin()?,
        };
        let xml_signature = self.xml.detached || sniff(&input) == Format::Xml;
        if xml_signature && self.ltv.is_some() && self.xml.tsa.is_none() {
            anyhow::bail!(crate::i18n::text(
                crate::i18n::Key::SignXmlLtvNeedsTsa,
                self.lang
            ));
        }
        let (parts, field): (Vec<Vec<u8>>, String) = match (self.xml.detached, sniff(&input)) {
            (true, _) => {
                let uri = detached_reference(job, self.lang)?;
                // Verify reads a file outside the signature's folder only when told to.
                if uri.starts_with("../") {
                    eprintln!(
                        "{}",
                        crate::i18n::format(
                            crate::i18n::Key::SignDetachedOutside,
                            self.lang,
                            &[("uri", &uri)]
                        )
                    );
                }
                (
                    vec![self
                        .xml
                        .sign_detached(&input, &uri, self.signer, self.ltv)?],
                    "Signature".into(),
                )
            }
            (false, Format::Pdf) => {
                // Large files are digested and copied by streaming reads rather than through
                // the map, so memory stays small whatever the document's size.
                let stream_from = job.input.as_deref().filter(|_| input.len() > STREAM_ABOVE);
                let signed = self.template.sign(&input, stream_from, self.cms)?;
                let head = match stream_from {
                    Some(path) => Part::File(path),
                    None => Part::Bytes(&input),
                };
                let Some(ltv) = self.ltv else {
                    return self.write(job, &[head, Part::Bytes(&signed.update)], signed.field);
                };
                let mut whole = input.to_vec();
                whole.extend_from_slice(&signed.update);
                let dss = ltv.dss_update(&whole)?.update;
                let parts = [head, Part::Bytes(&signed.update), Part::Bytes(&dss)];
                return self.write(job, &parts, signed.field);
            }
            (false, Format::Xml) => (
                vec![self.xml.sign(&input, self.signer, self.ltv)?],
                "Signature".into(),
            ),
            (false, Format::Unknown) => {
                anyhow::bail!(crate::i18n::text(
                    crate::i18n::Key::SignUnknownFormat,
                    self.lang
                ))
            }
        };
        let parts: Vec<Part<'_>> = parts.iter().map(|p| Part::Bytes(p)).collect();
        self.write(job, &parts, field)
    }

    fn write(&self, job: &Job, parts: &[Part<'_>], field: String) -> anyhow::Result<SignedSummary> {
        match &job.target {
            Target::File(path) => write_atomically(path, parts, self.force)?,
            Target::Stdout => {
                let mut out = std::io::stdout().lock();
                for part in parts {
                    match part {
                        Part::Bytes(bytes) => out.write_all(bytes)?,
                        Part::File(path) => {
                            std::io::copy(&mut std::fs::File::open(path)?, &mut out)?;
                        }
                    }
                }
                out.flush()?;
            }
        }
        let bytes = match &job.target {
            Target::File(path) => std::fs::metadata(path).map(|m| m.len()).unwrap_or_default(),
            Target::Stdout => 0,
        };
        Ok(SignedSummary { field, bytes })
    }
}

/// The signed update of one document.
struct SignedUpdate {
    update: Vec<u8>,
    field: String,
}

/// Inputs larger than this are digested and copied with streaming reads instead of through
/// their memory map.
const STREAM_ABOVE: usize = 16 << 20;

/// Where a visible signature goes, before a document says how many pages it has.
#[derive(Debug, Clone, Copy)]
struct VisibleAt {
    /// 1-based page number; negative counts from the end (-1 = last page).
    page: i64,
    rect: [f64; 4],
}

/// The per-batch signing settings: parsed once, applied to every document.
struct SignTemplate {
    algorithm: kyso_keys::SignatureAlgorithm,
    cms_options: kyso_cms::SignOptions,
    request: kyso_pdf::sign::SignatureRequest,
    visible: Option<VisibleAt>,
    /// `--profile`: the records role's appearance and per-document placement.
    profile: Option<crate::cmd::profile::ProfilePlan>,
    /// PAdES B-T: the TSA stamping each signature value.
    tsa: Option<kyso_cms::tsa::TsaClient>,
}

impl SignTemplate {
    fn new(
        args: &PdfSignArgs,
        profile_args: &crate::cli::profile::ProfileArgs,
        signer: &dyn kyso_keys::Signer,
        cms: &kyso_cms::SignerContext<'_>,
        algorithm: kyso_keys::SignatureAlgorithm,
        lang: Lang,
    ) -> anyhow::Result<Self> {
        let now = chrono::Utc::now();
        let vn_time = now.with_timezone(&vietnam_offset());
        let profile = match args.subfilter {
            SubFilter::EtsiCadesDetached => kyso_cms::Profile::Cades,
            SubFilter::AdbePkcs7Detached => kyso_cms::Profile::Pkcs7,
        };
        let cms_options = kyso_cms::SignOptions::new(algorithm, profile)
            .with_signing_time(std::time::SystemTime::from(now));
        let info = kyso_keys::CertificateInfo::from_der(signer.certificate())
            .context(crate::i18n::tr(crate::i18n::Key::SignReadingCertificate))?;
        let profile = crate::cmd::profile::ProfilePlan::new(
            profile_args,
            args,
            signer.certificate(),
            &vn_time.fixed_offset(),
            lang,
        )?;
        let visible = match profile {
            Some(_) => None,
            None => visible_at(args)?,
        };
        let appearance = match visible {
            None => None,
            Some(_) => Some(appearance(args, &info, &vn_time, lang)?),
        };
        let mut request = kyso_pdf::sign::SignatureRequest::new(cms.estimated_len(&cms_options));
        request.field_name = args.field.clone();
        request.appearance = appearance;
        request.sub_filter = match args.subfilter {
            SubFilter::EtsiCadesDetached => kyso_pdf::sign::SubFilter::EtsiCadesDetached,
            SubFilter::AdbePkcs7Detached => kyso_pdf::sign::SubFilter::AdbePkcs7Detached,
        };
        request.name = info.common_name.clone();
        request.reason = args.reason.clone();
        request.location = args.location.clone();
        request.contact_info = args.contact.clone();
        request.signing_time = Some(vn_time.fixed_offset());
        request.certify = args.certify;
        if let Some(plan) = &profile {
            plan.configure(&mut request);
        }
        Ok(Self {
            algorithm,
            cms_options,
            request,
            visible,
            profile,
            tsa: None,
        })
    }

    /// Makes every signature B-T: reserves room for a token (sized by one probe request, which
    /// also fails the batch early when the TSA is unusable) and stamps each signature value.
    fn enable_tsa(
        &mut self,
        client: kyso_cms::tsa::TsaClient,
        cms: &kyso_cms::SignerContext<'_>,
    ) -> anyhow::Result<()> {
        let token_len = crate::cmd::timestamp::probe_token_len(&client)?;
        self.cms_options = self.cms_options.clone().with_reserve_unsigned(token_len);
        self.request.contents_len = cms.estimated_len(&self.cms_options);
        self.tsa = Some(client);
        Ok(())
    }

    /// Signs one document: prepare the update, digest input ‖ update, sign, embed.
    fn sign(
        &self,
        input: &[u8],
        stream_from: Option<&Path>,
        cms: &kyso_cms::SignerContext<'_>,
    ) -> anyhow::Result<SignedUpdate> {
        let doc = kyso_pdf::Document::open(input)?;
        let mut request = self.request.clone();
        if let Some(at) = self.visible {
            let pages = doc.page_count()?;
            request.placement = kyso_pdf::sign::Placement::Visible {
                page_index: page_index(at.page, pages)?,
                rect: at.rect,
            };
        }
        if let Some(plan) = &self.profile {
            plan.place(&doc, &mut request)?;
        }
        // The reservation comes from the real signature size; should a token return something
        // longer than predicted, grow it once to what was needed and sign again.
        for attempt in 0..2 {
            let mut update = kyso_pdf::sign::prepare(&doc, &request)?;
            let digest = match stream_from {
                Some(path) => {
                    let file = std::fs::File::open(path).with_context(|| {
                        crate::i18n::tr_path(crate::i18n::Key::FileCannotReopen, path)
                    })?;
                    update.digest_reader(
                        std::io::BufReader::with_capacity(1 << 20, file),
                        self.algorithm.hash(),
                    )?
                }
                None => update.digest(input, self.algorithm.hash())?,
            };
            let mut signature = cms.sign_detached(&digest, &self.cms_options)?;
            if let Some(client) = &self.tsa {
                signature = crate::cmd::timestamp::add_signature_timestamp(&signature, client)?;
            }
            match update.embed(&signature) {
                Ok(()) => {
                    return Ok(SignedUpdate {
                        field: update.field_name().to_owned(),
                        update: update.bytes().to_vec(),
                    })
                }
                Err(kyso_pdf::Error::ContentsTooSmall { needed, .. }) if attempt == 0 => {
                    request.contents_len = needed;
                }
                Err(err) => return Err(err.into()),
            }
        }
        anyhow::bail!(crate::i18n::tr(crate::i18n::Key::SignDidNotFit))
    }
}

/// Turns `--page N` (1-based, negative from the end) into a page index.
fn page_index(page: i64, pages: usize) -> anyhow::Result<usize> {
    let count = i64::try_from(pages).unwrap_or(i64::MAX);
    let index = if page < 0 { count + page } else { page - 1 };
    if page == 0 || index < 0 || index >= count {
        anyhow::bail!(crate::i18n::tr_with(
            crate::i18n::Key::SignPageMissing,
            &[("page", &page.to_string()), ("pages", &pages.to_string())]
        ));
    }
    usize::try_from(index).context(crate::i18n::tr(crate::i18n::Key::SignPageIndex))
}

/// `--page`/`--rect` → where a visible signature goes; `None` for an invisible one.
fn visible_at(args: &PdfSignArgs) -> anyhow::Result<Option<VisibleAt>> {
    let rect = match &args.rect {
        None if args.page.is_some() || args.image.is_some() || !args.text.is_empty() => {
            anyhow::bail!(crate::i18n::tr(crate::i18n::Key::SignVisibleNeedsRect))
        }
        None => return Ok(None),
        Some(text) => parse_rect(text)?,
    };
    Ok(Some(VisibleAt {
        page: args.page.unwrap_or(1),
        rect,
    }))
}

fn parse_rect(text: &str) -> anyhow::Result<[f64; 4]> {
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| {
            crate::i18n::tr_with(
                crate::i18n::Key::SignRectNotNumbers,
                &[("rect", &format!("{text:?}"))],
            )
        })?;
    let [x1, y1, x2, y2] = <[f64; 4]>::try_from(values).map_err(|_| {
        anyhow::anyhow!(crate::i18n::tr_with(
            crate::i18n::Key::SignRectNotNumbers,
            &[("rect", &format!("{text:?}"))]
        ))
    })?;
    if !(x1.is_finite() && y1.is_finite() && x2.is_finite() && y2.is_finite())
        || x2 <= x1
        || y2 <= y1
    {
        anyhow::bail!(crate::i18n::tr_with(
            crate::i18n::Key::SignRectOrder,
            &[("rect", &format!("{text:?}"))]
        ));
    }
    Ok([x1, y1, x2, y2])
}

/// Fonts tried, in order, when `--font` is not given: Unicode TrueType fonts with the whole
/// Vietnamese repertoire.
const DEFAULT_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

fn appearance(
    args: &PdfSignArgs,
    info: &kyso_keys::CertificateInfo,
    time: &chrono::DateTime<chrono::FixedOffset>,
    lang: Lang,
) -> anyhow::Result<kyso_pdf::appearance::AppearanceSpec> {
    let mut spec = kyso_pdf::appearance::AppearanceSpec::default();
    if let Some(image) = &args.image {
        let bytes = std::fs::read(image)
            .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileCannotReadAfter, image))?;
        let image = kyso_pdf::appearance::Image::from_png(&bytes)
            .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileNotPng, image))?;
        spec.image = Some(Arc::new(image));
    }
    spec.lines = if args.text.is_empty() {
        default_lines(info, time, lang)
    } else {
        args.text.clone()
    };
    if !spec.lines.is_empty() {
        let font_path = match &args.font {
            Some(path) => path.clone(),
            None => DEFAULT_FONTS
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
                .context(crate::i18n::tr(crate::i18n::Key::SignNoUnicodeFont))?,
        };
        let data = std::fs::read(&font_path).with_context(|| {
            crate::i18n::tr_path(crate::i18n::Key::FileCannotReadFont, &font_path)
        })?;
        let font = kyso_pdf::appearance::Font::from_bytes(Arc::from(data))
            .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileNotTrueType, &font_path))?;
        spec.font = Some(Arc::new(font));
    }
    Ok(spec)
}

/// The caption of a visible signature: who signed, and when (Vietnam time, with its offset).
fn default_lines(
    info: &kyso_keys::CertificateInfo,
    time: &chrono::DateTime<chrono::FixedOffset>,
    lang: Lang,
) -> Vec<String> {
    let name = info
        .common_name
        .clone()
        .unwrap_or_else(|| info.subject.clone());
    let when = time.format("%d/%m/%Y %H:%M:%S %:z").to_string();
    vec![
        crate::i18n::format(crate::i18n::Key::AppearanceSigner, lang, &[("name", &name)]),
        crate::i18n::format(crate::i18n::Key::AppearanceDate, lang, &[("when", &when)]),
    ]
}

/// Vietnam's time zone, UTC+07:00 all year.
fn vietnam_offset() -> chrono::FixedOffset {
    const SEVEN_HOURS: i32 = 7 * 3600;
    chrono::FixedOffset::east_opt(SEVEN_HOURS).unwrap_or_else(|| chrono::Utc.fix())
}

/// What an input holds, judged from its first bytes rather than its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Pdf,
    Xml,
    Unknown,
}

/// Recognises a PDF (`%PDF-` within the first KiB, as readers allow) or an XML document (a
/// `<` first, after an optional byte-order mark and white space).
pub(crate) fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Format::Pdf;
    }
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Format::Xml,
        _ => Format::Unknown,
    }
}

/// The Reference URI of a detached signature: the signed file's path relative to the
/// directory the signature is written to (just its name when they sit side by side),
/// percent-encoded as RFC 3986 asks.
fn detached_reference(job: &Job, lang: Lang) -> anyhow::Result<String> {
    use crate::i18n::{format as msg, text, Key};
    let Some(input) = &job.input else {
        anyhow::bail!(text(Key::SignDetachedNeedsFile, lang));
    };
    let signature_dir = match &job.target {
        Target::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        Target::Stdout => PathBuf::new(),
    };
    let absolute = |p: &Path| -> anyhow::Result<PathBuf> {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        p.canonicalize().with_context(|| {
            msg(
                Key::SignDetachedNoPath,
                lang,
                &[("path", &p.display().to_string())],
            )
        })
    };
    let file = absolute(input)?;
    let from = absolute(&signature_dir)?;
    let relative = relative_path(&from, &file).ok_or_else(|| {
        anyhow::anyhow!(msg(
            Key::SignDetachedNotUtf8,
            lang,
            &[("path", &input.display().to_string())],
        ))
    })?;
    Ok(percent_encode_path(&relative))
}

/// `to` relative to the directory `from` (both absolute and canonical), with `..` steps;
/// `None` when a name on the way is not UTF-8 (a URI cannot name it as the file system does).
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len().saturating_sub(common)];
    for part in to.iter().skip(common) {
        parts.push(part.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`.
fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The per-batch XML signing settings.
struct XmlTemplate {
    options: kyso_xml::dsig::SignOptions,
    detached: bool,
    tsa: Option<kyso_cms::tsa::TsaClient>,
}

impl XmlTemplate {
    /// With a TSA, every XML signature is XAdES B-T (a SignatureTimeStamp needs the XAdES
    /// properties), whether or not --xades was given.
    fn new(
        args: &crate::cli::sign::XmlSignArgs,
        algorithm: kyso_keys::SignatureAlgorithm,
        tsa: Option<kyso_cms::tsa::TsaClient>,
    ) -> Self {
        let mut options = kyso_xml::dsig::SignOptions::enveloped(algorithm);
        options.placement = if args.enveloping {
            kyso_xml::dsig::Placement::Enveloping
        } else {
            kyso_xml::dsig::Placement::Enveloped {
                parent: args.xml_parent.clone(),
            }
        };
        if args.xades || tsa.is_some() {
            options.xades = Some(kyso_xml::dsig::XadesOptions::new(
                std::time::SystemTime::now(),
            ));
        }
        Self {
            options,
            detached: !args.detached.is_empty(),
            tsa,
        }
    }

    fn sign(
        &self,
        input: &[u8],
        signer: &dyn kyso_keys::Signer,
        ltv: Option<&crate::cmd::ltv::Collector>,
    ) -> anyhow::Result<Vec<u8>> {
        let signed = kyso_xml::dsig::sign_document(input, signer, &self.options)?;
        self.time_stamp(signed, ltv)
    }

    /// XAdES B-T: a signature time-stamp over the canonicalized SignatureValue; with `ltv`,
    /// B-LT: the validation data of the signer's and the TSA's chains after it.
    fn time_stamp(
        &self,
        signed: Vec<u8>,
        ltv: Option<&crate::cmd::ltv::Collector>,
    ) -> anyhow::Result<Vec<u8>> {
        let Some(client) = &self.tsa else {
            return Ok(signed);
        };
        let limits = &self.options.limits;
        let imprint_input = kyso_xml::dsig::signature_timestamp_input(&signed, limits)?;
        let stamp = client
            .stamp_data(&imprint_input)
            .context(crate::i18n::tr(crate::i18n::Key::SignXmlTimestamp))?;
        let stamped = kyso_xml::dsig::embed_signature_timestamp(&signed, &stamp.token, limits)?;
        match ltv {
            Some(collector) => self.long_term(stamped, collector),
            None => Ok(stamped),
        }
    }

    /// XAdES B-LT (ETSI EN 319 132-1 §5.5): the certificates of the signer's chain and of
    /// every signature time-stamp's TSA chain, with their OCSP responses (else CRLs), fetched
    /// by the same collector as PDF LTV data, as CertificateValues and RevocationValues.
    fn long_term(
        &self,
        stamped: Vec<u8>,
        collector: &crate::cmd::ltv::Collector,
    ) -> anyhow::Result<Vec<u8>> {
        use kyso_chain::Certificate;
        let limits = &self.options.limits;
        let material = kyso_xml::dsig::signature_chain_and_timestamps(&stamped, limits)?;
        let mut pool = Vec::new();
        let mut leaves = Vec::new();
        for der in &material.certificates {
            let cert = Certificate::from_der(der)
                .context(crate::i18n::tr(crate::i18n::Key::SignXmlLtvCertificate))?;
            if leaves.is_empty() {
                leaves.push(cert.clone());
            }
            pool.push(cert);
        }
        for token in &material.timestamp_tokens {
            let token = kyso_cms::tsp::TimeStampToken::parse(token)
                .context(crate::i18n::tr(crate::i18n::Key::SignXmlLtvTimestamp))?;
            for der in &token.signed_data.certificates {
                if let Ok(cert) = Certificate::from_der(der) {
                    pool.push(cert);
                }
            }
            leaves.push(Certificate::from_der(
                token.signed_data.signer_certificate(0)?,
            )?);
        }
        let mut without_source = Vec::new();
        let evidence = collector.chains_evidence(&leaves, &pool, &mut without_source)?;
        let unique = |mut values: Vec<Vec<u8>>| {
            let mut seen = std::collections::HashSet::new();
            values.retain(|v| seen.insert(v.clone()));
            values
        };
        let mut crls = evidence.crls;
        crls.extend(collector.extra_crls().iter().cloned());
        let data = kyso_xml::dsig::ValidationData {
            certificates: unique(evidence.certificates),
            crls: unique(crls),
            ocsp_responses: unique(evidence.ocsp_responses),
        };
        Ok(kyso_xml::dsig::embed_validation_data(
            &stamped, &data, limits,
        )?)
    }

    fn sign_detached(
        &self,
        input: &[u8],
        uri: &str,
        signer: &dyn kyso_keys::Signer,
        ltv: Option<&crate::cmd::ltv::Collector>,
    ) -> anyhow::Result<Vec<u8>> {
        let mut options = self.options.clone();
        options.placement = kyso_xml::dsig::Placement::Detached {
            uri: uri.to_owned(),
        };
        let signed = kyso_xml::dsig::sign_document(input, signer, &options)?;
        self.time_stamp(signed, ltv)
    }
}

#[cfg(test)]
mod tests {
    use super::{page_index, parse_rect, percent_encode_path, relative_path, sniff, Format};
    use std::path::Path;

    #[test]
    fn detached_references_are_relative_to_the_signature_and_percent_encoded() {
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/x.pdf")).as_deref(),
            Some("x.pdf")
        );
        assert_eq!(
            relative_path(Path::new("/a/sigs"), Path::new("/a/data/x.pdf")).as_deref(),
            Some("../data/x.pdf")
        );
        assert_eq!(
            relative_path(Path::new("/a/sigs"), Path::new("/a/công văn.pdf")).as_deref(),
            Some("../công văn.pdf")
        );
        assert_eq!(
            percent_encode_path("công văn #1.pdf"),
            "c%C3%B4ng%20v%C4%83n%20%231.pdf"
        );
        assert_eq!(
            percent_encode_path("../data/x-1_2.pdf"),
            "../data/x-1_2.pdf"
        );
    }

    /// A name that is not UTF-8 cannot be written as the URI verify would resolve: refused,
    /// not mangled into U+FFFD.
    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_has_no_relative_reference() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"c\xf4ng-v\xe3n.pdf");
        let to = Path::new("/a/data").join(name);
        assert_eq!(relative_path(Path::new("/a/data"), &to), None);
        assert_eq!(relative_path(Path::new("/a/sigs"), &to), None);
        let dir = Path::new("/a").join(name);
        assert_eq!(relative_path(Path::new("/a"), &dir.join("x.pdf")), None);
        // Only the steps written count: a non-UTF-8 folder left behind is climbed with `..`.
        assert_eq!(
            relative_path(&dir, Path::new("/a/x.pdf")).as_deref(),
            Some("../x.pdf")
        );
    }

    #[test]
    fn sniffing_goes_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(sniff(b"garbage before %PDF-1.4"), Format::Pdf);
        assert_eq!(
            sniff(b"\xef\xbb\xbf  <?xml version='1.0'?><a/>"),
            Format::Xml
        );
        assert_eq!(sniff(b"<edXML/>"), Format::Xml);
        assert_eq!(sniff(b"hello"), Format::Unknown);
        assert_eq!(sniff(b""), Format::Unknown);
    }

    #[test]
    fn pages_count_from_one_and_from_the_end() {
        assert_eq!(page_index(1, 3).ok(), Some(0));
        assert_eq!(page_index(-1, 3).ok(), Some(2));
        assert_eq!(page_index(3, 3).ok(), Some(2));
        assert!(page_index(0, 3).is_err());
        assert!(page_index(4, 3).is_err());
        assert!(page_index(-4, 3).is_err());
    }

    #[test]
    fn rectangles_need_four_ordered_numbers() {
        assert_eq!(parse_rect("1,2,3,4").ok(), Some([1.0, 2.0, 3.0, 4.0]));
        assert!(parse_rect("1,2,3").is_err());
        assert!(parse_rect("3,2,1,4").is_err());
        assert!(parse_rect("a,b,c,d").is_err());
        assert!(parse_rect("1,2,NaN,4").is_err());
    }
}
