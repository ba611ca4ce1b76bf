//! `kyso verify`: paths → files → (in parallel) facts from kyso-pdf, or kyso-xml for XML and
//! edXML → verdicts with kyso-chain → reports written in input order, a summary, and the exit
//! status.
//!
//! Every file is verified independently: an unreadable, malformed or hostile file gets an
//! error in its own report and the batch goes on. Files are memory-mapped, never read whole.

mod verdict;
mod xml;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use kyso_chain::{CertPool, Certificate, Fetcher};
use kyso_pdf::verify::{CryptoOutcome, DocumentFacts, SignatureFacts, SignatureKind, SignedBytes};
use kyso_verdict::{FileReport, Indication};

use crate::cli::verify::{Expect, Format, VerifyArgs};
use crate::cli::Lang;
use crate::exit;
use crate::i18n::Key;
use crate::input::InputBytes;
use crate::report::{self, Summary};

use verdict::{Context, Judged, Proof};

/// How far into a file the `%PDF-` header may be (ISO 32000-2 tolerates leading junk; real
/// files from some scanners carry a few hundred bytes).
const HEADER_WINDOW: usize = 1024;
/// Files above this size are hashed with positioned reads instead of through the map.
const LARGE_FILE: usize = 64 * 1024 * 1024;
/// Read size for hashing large files.
const READ_CHUNK: usize = 1024 * 1024;

pub(crate) fn run(args: VerifyArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let format = output_format(&args);
    let files = collect_files(&args)?;
    if files.is_empty() {
        anyhow::bail!(crate::i18n::tr(Key::VerifyNoFiles));
    }
    let ctx = context(&args)?;
    let jobs = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context(crate::i18n::tr(Key::VerifyNoThreads))?;

    let progress = progress_bar(files.len(), format);
    let (tx, rx) = mpsc::channel::<(usize, FileReport, bool)>();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if format == Format::Csv {
        writeln!(out, "{}", report::CSV_HEADER)?;
    }
    let mut summary = Summary::default();
    let mut io_errors = 0usize;
    let result: anyhow::Result<()> = std::thread::scope(|scope| {
        let files = &files;
        let ctx = &ctx;
        scope.spawn(move || {
            use rayon::prelude::*;
            pool.install(|| {
                files
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (index, path)| {
                        let (report, io_error) = verify_path(path, ctx);
                        let _ = tx.send((index, report, io_error));
                    });
            });
        });
        // Reports arrive in completion order; they are written in input order.
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0usize;
        for (index, file_report, io_error) in rx {
            pending.insert(index, (file_report, io_error));
            while let Some((mut file_report, io_error)) = pending.remove(&next) {
                if args.expect == Some(Expect::Issued) {
                    expect_issued(&mut file_report, lang);
                }
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                summary.add(&file_report);
                io_errors += usize::from(io_error);
                write_report(&mut out, &file_report, format, lang)?;
                next += 1;
            }
        }
        Ok(())
    });
    result?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    match format {
        Format::Table => writeln!(out, "\n{}", summary.render(lang))?,
        _ => {
            out.flush()?;
            eprintln!("{}", summary.render(lang));
        }
    }
    out.flush()?;
    Ok(ExitCode::from(exit_status(
        &summary,
        io_errors,
        args.require_signature,
    )))
}

/// `--expect issued`: a signed document must carry a personal signature (approve) followed by
/// an organization's (issue); document time-stamps do not count. Unsigned or unreadable files
/// are already reported as such.
fn expect_issued(report: &mut FileReport, lang: Lang) {
    use crate::cmd::cert_role::{issued_roles, HolderKind, IssuedRoles};
    if report.error.is_some() || report.signatures.is_empty() {
        return;
    }
    let holders: Vec<HolderKind> = report
        .signatures
        .iter()
        .filter(|s| s.kind == "signature")
        .map(|s| match s.holder {
            Some(kyso_verdict::Holder::Personal) => HolderKind::Personal,
            Some(kyso_verdict::Holder::Organization) => HolderKind::Organization,
            None => HolderKind::Unknown,
        })
        .collect();
    let (code, key) = match issued_roles(&holders) {
        IssuedRoles::Complete => return,
        IssuedRoles::NoApproval => ("expect-issued-no-approval", Key::ExpectNoApproval),
        IssuedRoles::NoIssue => ("expect-issued-no-issue", Key::ExpectNoIssue),
        IssuedRoles::IssueBeforeApproval => ("expect-issued-order", Key::ExpectIssueBeforeApproval),
    };
    report.problems.push(kyso_verdict::Reason {
        code: code.to_owned(),
        message: crate::i18n::text(key, lang).to_owned(),
    });
}

/// 2 when a file could not be read; 1 when a signature failed, a file is not a verifiable
/// document, or (with --require-signature) a file is unsigned; 3 when only indeterminate.
fn exit_status(summary: &Summary, io_errors: usize, require_signature: bool) -> u8 {
    if io_errors > 0 {
        exit::ERROR
    } else if summary.failed > 0
        || summary.errors > 0
        || summary.unexpected > 0
        || (require_signature && summary.unsigned > 0)
    {
        exit::FAILED
    } else if summary.indeterminate > 0 {
        exit::INDETERMINATE
    } else {
        exit::OK
    }
}

fn output_format(args: &VerifyArgs) -> Format {
    if args.json {
        Format::Json
    } else if args.jsonl {
        Format::Jsonl
    } else if args.csv {
        Format::Csv
    } else {
        args.format
    }
}

fn write_report(
    out: &mut impl Write,
    file_report: &FileReport,
    format: Format,
    lang: Lang,
) -> io::Result<()> {
    match format {
        Format::Table => report::write_table(out, file_report, lang),
        Format::Json => report::write_json(out, file_report),
        Format::Jsonl => report::write_jsonl(out, file_report),
        Format::Csv => report::write_csv(out, file_report),
    }
}

fn progress_bar(files: usize, format: Format) -> Option<indicatif::ProgressBar> {
    if files < 2
        || !io::stderr().is_terminal()
        || (format == Format::Table && io::stdout().is_terminal())
    {
        return None;
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(crate::i18n::tr(Key::ProgressVerify))
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The trust anchors, intermediates, time and revocation fetching of the run.
fn context(args: &VerifyArgs) -> anyhow::Result<Context> {
    let (mut anchors, intermediates) = match crate::cmd::trust::installed_anchors_and_pool() {
        Ok(pair) => pair,
        // No installed store (never ran `kyso trust install`): only --trust anchors count.
        Err(_) => (CertPool::new(), CertPool::new()),
    };
    for path in certificate_files(&args.trust)? {
        let bytes = std::fs::read(&path)
            .with_context(|| crate::i18n::tr_path(Key::VerifyTrustUnreadable, &path))?;
        let certs = Certificate::all_from_pem_or_der(&bytes)
            .with_context(|| crate::i18n::tr_path(Key::VerifyTrustNotCertificate, &path))?;
        for cert in certs {
            anchors.add(cert);
        }
    }
    let at = match &args.at {
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .with_context(|| crate::i18n::tr_with(Key::AtNotRfc3339, &[("text", text)]))?
                .with_timezone(&Utc),
        ),
        None => None,
    };
    let fetcher = (!args.offline).then(|| {
        Fetcher::new(
            Duration::from_secs(5),
            cache_dir(),
            Duration::from_secs(3600),
        )
    });
    Ok(Context {
        anchors,
        intermediates,
        at,
        fetcher,
        allow_external: args.allow_external,
    })
}

fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("kyso").join("revocation"))
}

/// `--trust` files, and the files of `--trust` folders.
fn certificate_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)
                .with_context(|| crate::i18n::tr_path(Key::VerifyTrustCannotList, path))?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// The files named on the command line and in `--files-from`, folders expanded recursively
/// (sorted, symbolic links to folders not followed).
fn collect_files(args: &VerifyArgs) -> anyhow::Result<Vec<PathBuf>> {
    let mut named = args.paths.clone();
    if let Some(list) = &args.files_from {
        let reader: Box<dyn BufRead> = if list.as_os_str() == "-" {
            Box::new(io::BufReader::new(io::stdin()))
        } else {
            let file = std::fs::File::open(list)
                .with_context(|| crate::i18n::tr_path(Key::VerifyListCannotOpen, list))?;
            Box::new(io::BufReader::new(file))
        };
        for line in reader.lines() {
            let line = line.context(crate::i18n::tr(Key::VerifyListCannotRead))?;
            let line = line.trim_end_matches('\r');
            if !line.is_empty() {
                named.push(PathBuf::from(line));
            }
        }
    }
    let mut files = Vec::new();
    for path in named {
        if path.is_dir() {
            walk(&path, &mut files)
                .with_context(|| crate::i18n::tr_path(Key::FileCannotList, &path))?;
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() || kind.is_symlink() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Verifies one file; the flag says whether it could not be read at all (an I/O error).
fn verify_path(path: &Path, ctx: &Context) -> (FileReport, bool) {
    let name = path.display().to_string();
    let error_report = |format: &str, error: String| FileReport {
        file: name.clone(),
        format: format.to_owned(),
        signatures: Vec::new(),
        error: Some(error),
        problems: Vec::new(),
    };
    let bytes = match InputBytes::open(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let detail = crate::i18n::error_chain(&e, crate::i18n::lang());
            return (error_report("unknown", detail), true);
        }
    };
    let head = bytes.get(..bytes.len().min(HEADER_WINDOW)).unwrap_or(&[]);
    if memchr_find(head, b"%PDF-").is_none() {
        if looks_like_xml(head) {
            return (xml::verify(name, &bytes, ctx), false);
        }
        return (
            error_report(
                "unknown",
                crate::i18n::tr(Key::VerifyUnsupportedFormat).to_owned(),
            ),
            false,
        );
    }
    // Large files are hashed with positioned reads rather than through the map, so their
    // pages do not all stay resident (bounded memory for 1 GB documents).
    let file = (bytes.len() > LARGE_FILE)
        .then(|| std::fs::File::open(path).ok())
        .flatten();
    let read_range = |offset: u64, len: u64, sink: &mut dyn FnMut(&[u8])| -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        let Some(file) = &file else {
            return Err(io::Error::other(crate::i18n::tr(Key::VerifyFileNotOpen)));
        };
        let mut buf = vec![0u8; READ_CHUNK];
        let (mut at, end) = (offset, offset.saturating_add(len));
        while at < end {
            let want = usize::try_from((end - at).min(READ_CHUNK as u64)).unwrap_or(READ_CHUNK);
            let chunk = buf.get_mut(..want).unwrap_or_default();
            file.read_exact_at(chunk, at)?;
            sink(chunk);
            at += want as u64;
        }
        Ok(())
    };
    let source = if file.is_some() {
        SignedBytes::Reader(&read_range)
    } else {
        SignedBytes::Mapped
    };
    match pdf_signatures(&bytes, source, ctx) {
        Ok(signatures) => (
            FileReport {
                file: name,
                format: "pdf".into(),
                signatures,
                error: None,
                problems: Vec::new(),
            },
            false,
        ),
        Err(error) => (error_report("pdf", error), false),
    }
}

/// The verdicts of a PDF's signatures (a file, or a PDF attached to an edXML package), or why
/// there are none.
fn pdf_signatures(
    bytes: &[u8],
    source: SignedBytes<'_>,
    ctx: &Context,
) -> Result<Vec<kyso_verdict::SignatureVerdict>, String> {
    // A bug in a library must not take the batch down: it becomes this file's error.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        kyso_pdf::verify::inspect_with(bytes, source)
    }));
    let facts = match outcome {
        Ok(Ok(facts)) => facts,
        Ok(Err(e)) => {
            return Err(crate::i18n::tr_with(
                Key::VerifyCannotPdf,
                &[("detail", &e.to_string())],
            ))
        }
        Err(_) => return Err(crate::i18n::tr(Key::VerifyInternalPdf).to_owned()),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| verdicts(&facts, ctx)))
        .map_err(|_| crate::i18n::tr(Key::VerifyInternalValidation).to_owned())
}

/// The verdicts, in document order. Document timestamps are judged first, newest first: the
/// newest at the validation time, each older one with the proof of existence the valid newer
/// ones give, then the signatures with the proof of the oldest valid document timestamp
/// covering them (ETSI EN 319 102-1 long-term validation).
fn verdicts(facts: &DocumentFacts, ctx: &Context) -> Vec<kyso_verdict::SignatureVerdict> {
    let mut order: Vec<usize> = (0..facts.signatures.len()).collect();
    order.sort_by_key(|&i| {
        facts.signatures.get(i).map(|s| {
            (
                s.kind != SignatureKind::DocumentTimestamp,
                std::cmp::Reverse(s.signed_end),
            )
        })
    });
    let mut proofs: Vec<(u64, Proof)> = Vec::new();
    let mut judged: Vec<Option<kyso_verdict::SignatureVerdict>> = Vec::new();
    judged.resize_with(facts.signatures.len(), || None);
    for i in order {
        let Some(sig) = facts.signatures.get(i) else {
            continue;
        };
        let proof = oldest_proof(&proofs, sig.signed_end);
        let archive_time = archive_time(facts, sig.signed_end);
        let result = verdict::verdict(sig, &facts.dss, archive_time, proof, ctx);
        if let Some(proof) = document_timestamp_proof(sig, &result) {
            proofs.push(proof);
        }
        if let Some(slot) = judged.get_mut(i) {
            *slot = Some(result.verdict);
        }
    }
    judged.into_iter().flatten().collect()
}

/// The proof of existence a document timestamp gives, with the end of the bytes it signs:
/// only when it is intact, its token stamps those bytes and its TSA's chain is valid.
fn document_timestamp_proof(sig: &SignatureFacts, judged: &Judged) -> Option<(u64, Proof)> {
    if sig.kind != SignatureKind::DocumentTimestamp
        || judged.verdict.indication != Indication::Passed
        || !judged.chain_valid
    {
        return None;
    }
    let end = sig.signed_end?;
    let token = sig.timestamp.as_ref().filter(|t| t.outcome.is_ok())?;
    Some((
        end,
        Proof {
            time: token.gen_time,
            by: sig.field_name.clone(),
        },
    ))
}

/// The oldest proof among the document timestamps whose signed bytes include `signed_end`.
fn oldest_proof(proofs: &[(u64, Proof)], signed_end: Option<u64>) -> Option<&Proof> {
    let end = signed_end?;
    proofs
        .iter()
        .filter(|(covered, _)| *covered > end)
        .map(|(_, proof)| proof)
        .min_by_key(|proof| proof.time)
}

/// The time of the earliest verified document timestamp whose signed bytes include the
/// signature's (a proof of existence for it).
fn archive_time(facts: &DocumentFacts, signed_end: Option<u64>) -> Option<SystemTime> {
    let end = signed_end?;
    facts
        .signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
        .filter(|s| s.signed_end.is_some_and(|e| e > end))
        .filter(|s| s.worst_finding() != Some(kyso_pdf::verify::Severity::Fail))
        .filter_map(|s| match &s.crypto {
            CryptoOutcome::Verified { claimed_time, .. } => *claimed_time,
            _ => None,
        })
        .min()
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn looks_like_xml(head: &[u8]) -> bool {
    let trimmed = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    trimmed.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_failure_makes_the_exit_status_one() {
        let summary = Summary {
            files: 2,
            signatures: 2,
            passed: 1,
            failed: 1,
            ..Summary::default()
        };
        assert_eq!(exit_status(&summary, 0, false), exit::FAILED);
    }

    #[test]
    fn only_indeterminate_gives_three_and_all_passed_gives_zero() {
        let mut summary = Summary {
            files: 1,
            signatures: 1,
            indeterminate: 1,
            ..Summary::default()
        };
        assert_eq!(exit_status(&summary, 0, false), exit::INDETERMINATE);
        summary.indeterminate = 0;
        summary.passed = 1;
        assert_eq!(exit_status(&summary, 0, false), exit::OK);
        assert_eq!(exit_status(&summary, 1, false), exit::ERROR);
    }

    #[test]
    fn unsigned_fails_only_when_a_signature_is_required() {
        let summary = Summary {
            files: 1,
            unsigned: 1,
            ..Summary::default()
        };
        assert_eq!(exit_status(&summary, 0, false), exit::OK);
        assert_eq!(exit_status(&summary, 0, true), exit::FAILED);
    }

    fn proof(secs: u64, by: &str) -> Proof {
        Proof {
            time: SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
            by: by.to_owned(),
        }
    }

    #[test]
    fn the_oldest_document_timestamp_covering_a_signature_is_its_proof() {
        let proofs = [(500, proof(20, "newer")), (300, proof(10, "older"))];
        assert_eq!(oldest_proof(&proofs, Some(200)), Some(&proof(10, "older")));
        assert_eq!(oldest_proof(&proofs, Some(300)), Some(&proof(20, "newer")));
    }

    #[test]
    fn nothing_proves_a_signature_no_document_timestamp_covers() {
        let proofs = [(300, proof(10, "only"))];
        assert_eq!(oldest_proof(&proofs, Some(300)), None);
        assert_eq!(oldest_proof(&proofs, Some(400)), None);
        assert_eq!(oldest_proof(&proofs, None), None);
    }

    #[test]
    fn xml_is_recognised_by_content() {
        assert!(looks_like_xml(b"\xEF\xBB\xBF  <?xml version='1.0'?>"));
        assert!(!looks_like_xml(b"%PDF-1.7"));
    }
}
