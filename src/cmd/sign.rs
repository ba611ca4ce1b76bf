//! `kyso sign`: sign a batch of PDFs with one signer, one login, one font and image load.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use rayon::prelude::*;

use crate::cli::sign::{PdfSignArgs, SignArgs, SubFilter};
use crate::cmd::key_source;
use crate::input::InputBytes;
use crate::output::write_atomically;

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

pub(crate) fn run(args: SignArgs) -> anyhow::Result<ExitCode> {
    let jobs = plan_jobs(&args)?;
    let signer = key_source::open_signer(&args.key)?;
    let algorithm = key_source::signature_algorithm(signer.as_ref(), args.key.pss)?;
    let template = SignTemplate::new(&args.pdf, signer.as_ref(), algorithm)?;
    let context = BatchContext { signer: signer.as_ref(), template: &template, force: args.force };

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
    let to_stdout = results.iter().any(|(job, _)| matches!(job.target, Target::Stdout));
    for (job, result) in &results {
        if result.is_err() {
            failed += 1;
        }
        // When the PDF itself goes to stdout, reports go to stderr.
        let line = report_line(job, result, args.json);
        if to_stdout {
            eprintln!("{line}");
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(ExitCode::from(if failed == 0 { crate::exit::OK } else { crate::exit::FAILED }))
}

fn report_line(job: &Job, result: &anyhow::Result<SignedSummary>, json: bool) -> String {
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
        (Ok(summary), false) => {
            format!("signed {} -> {} (field {})", job.input_name(), output, summary.field)
        }
        (Err(err), false) => format!("error: {}: {err:#}", job.input_name()),
    }
}

fn progress_bar(len: usize, json: bool) -> Option<indicatif::ProgressBar> {
    if json || len < 2 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} {per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Expands folders, pairs every input with its target, and refuses plans that would lose
/// data (two inputs writing the same target, a target equal to its input).
fn plan_jobs(args: &SignArgs) -> anyhow::Result<Vec<Job>> {
    let mut inputs: Vec<Option<PathBuf>> = Vec::new();
    for path in &args.inputs {
        if path.as_os_str() == "-" {
            inputs.push(None);
        } else if path.is_dir() {
            let mut found = Vec::new();
            collect_pdfs(path, &mut found)
                .with_context(|| format!("{}: cannot list folder", path.display()))?;
            found.sort();
            inputs.extend(found.into_iter().map(Some));
        } else {
            inputs.push(Some(path.clone()));
        }
    }
    if inputs.is_empty() {
        anyhow::bail!("no PDF files found in the given paths");
    }
    if let Some(output) = &args.output {
        if inputs.len() != 1 {
            anyhow::bail!("-o/--output takes one input; use --out-dir for {} inputs", inputs.len());
        }
        let target = if output.as_os_str() == "-" {
            Target::Stdout
        } else {
            Target::File(output.clone())
        };
        let job = Job { input: inputs.remove(0), target };
        check_not_input(&job)?;
        return Ok(vec![job]);
    }
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let target = match (&input, &args.out_dir) {
            (None, _) => Target::Stdout,
            (Some(path), Some(dir)) => {
                let name = path.file_name().context("input has no file name")?;
                Target::File(dir.join(name))
            }
            (Some(path), None) => Target::File(default_output(path)),
        };
        let job = Job { input, target };
        check_not_input(&job)?;
        jobs.push(job);
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create output folder", dir.display()))?;
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
        anyhow::bail!("two inputs would be written to {}", pair[0].display());
    }
    Ok(jobs)
}

/// `doc.pdf` → `doc.signed.pdf` beside it.
fn default_output(input: &Path) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    input.with_file_name(format!("{stem}.signed.pdf"))
}

fn check_not_input(job: &Job) -> anyhow::Result<()> {
    if let (Some(input), Target::File(target)) = (&job.input, &job.target) {
        let same = match (input.canonicalize(), target.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => input == target,
        };
        if same {
            anyhow::bail!("{}: refusing to write the output over the input", input.display());
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
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
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
    signer: &'a dyn kyso_keys::Signer,
    template: &'a SignTemplate,
    force: bool,
}

impl BatchContext<'_> {
    fn sign_job(&self, job: &Job) -> anyhow::Result<SignedSummary> {
        let input = match &job.input {
            Some(path) => InputBytes::open(path)?,
            None => InputBytes::stdin()?,
        };
        let signed = self
            .template
            .sign(&input, self.signer)
            .with_context(|| job.input_name())?;
        let total = input.len() as u64 + signed.update.len() as u64;
        match &job.target {
            Target::File(path) => {
                write_atomically(path, &[&input, &signed.update], self.force)?;
            }
            Target::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(&input)?;
                out.write_all(&signed.update)?;
                out.flush()?;
            }
        }
        Ok(SignedSummary { field: signed.field, bytes: total })
    }
}

/// The signed update of one document.
struct SignedUpdate {
    update: Vec<u8>,
    field: String,
}

/// The per-batch signing settings: parsed once, applied to every document.
struct SignTemplate {
    algorithm: kyso_keys::SignatureAlgorithm,
    cms_options: kyso_cms::SignOptions,
    request: kyso_pdf::sign::SignatureRequest,
}

impl SignTemplate {
    fn new(
        args: &PdfSignArgs,
        signer: &dyn kyso_keys::Signer,
        algorithm: kyso_keys::SignatureAlgorithm,
    ) -> anyhow::Result<Self> {
        let now = chrono::Utc::now();
        let vn_time = now.with_timezone(&vietnam_offset());
        let profile = match args.subfilter {
            SubFilter::EtsiCadesDetached => kyso_cms::Profile::Cades,
            SubFilter::AdbePkcs7Detached => kyso_cms::Profile::Pkcs7,
        };
        let cms_options = kyso_cms::SignOptions::new(algorithm, profile)
            .with_signing_time(std::time::SystemTime::from(now));
        let placement = placement(args)?;
        let appearance = match placement {
            kyso_pdf::sign::Placement::Invisible => None,
            kyso_pdf::sign::Placement::Visible { .. } => {
                Some(appearance(args, signer, &vn_time)?)
            }
        };
        let request = kyso_pdf::sign::SignatureRequest {
            field_name: args.field.clone(),
            placement,
            appearance,
            sub_filter: match args.subfilter {
                SubFilter::EtsiCadesDetached => kyso_pdf::sign::SubFilter::EtsiCadesDetached,
                SubFilter::AdbePkcs7Detached => kyso_pdf::sign::SubFilter::AdbePkcs7Detached,
            },
            name: certificate_names(signer.certificate()).common_name,
            reason: args.reason.clone(),
            location: args.location.clone(),
            contact_info: args.contact.clone(),
            signing_time: vn_time.fixed_offset(),
            certify: args.certify,
            contents_len: kyso_cms::estimated_len(signer, &cms_options_placeholder()),
        };
        let mut template = Self { algorithm, cms_options, request };
        template.request.contents_len = kyso_cms::estimated_len(signer, &template.cms_options);
        Ok(template)
    }

    fn sign(&self, input: &[u8], signer: &dyn kyso_keys::Signer) -> anyhow::Result<SignedUpdate> {
        let doc = kyso_pdf::Document::open(input)?;
        let mut request = self.request.clone();
        // The reservation comes from the real signature size; if a token returns something
        // longer than predicted, grow it once to what was needed and sign again.
        for attempt in 0..2 {
            let mut update = kyso_pdf::sign::prepare(&doc, &request)?;
            let digest = update.digest(input, self.algorithm.hash());
            let cms = kyso_cms::sign_detached(signer, &digest, &self.cms_options)?;
            match update.embed(&cms) {
                Ok(()) => {
                    return Ok(SignedUpdate {
                        field: update.field_name().to_owned(),
                        update: update.into_bytes(),
                    })
                }
                Err(kyso_pdf::Error::ContentsTooSmall { needed, .. }) if attempt == 0 => {
                    request.contents_len = needed;
                }
                Err(err) => return Err(err.into()),
            }
        }
        anyhow::bail!("the signature did not fit its reserved space")
    }
}

fn cms_options_placeholder() -> kyso_cms::SignOptions {
    kyso_cms::SignOptions::new(
        kyso_keys::SignatureAlgorithm::RsaPkcs1v15(kyso_keys::HashAlgorithm::Sha256),
        kyso_cms::Profile::Cades,
    )
}

/// Vietnam's UTC+07:00 (no daylight saving).
fn vietnam_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| chrono::FixedOffset::east_opt(0).unwrap_or(chrono::Utc.fix()))
}
