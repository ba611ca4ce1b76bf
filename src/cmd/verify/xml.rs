//! XML documents and edXML packages: kyso-xml checks the signatures, kyso-chain validates the
//! signers' chains with the run's anchors, time and revocation policy (through
//! [`ChainValidator`]), and the PDFs an edXML package carries go through the PDF path, so a
//! package gets one report with a line per layer.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use kyso_chain::Certificate;
use kyso_pdf::verify::{RevocationMaterial, SignedBytes};
use kyso_verdict::{FileReport, Reason, SignatureVerdict};
use kyso_xml::archive::{self, ArchiveLimits};
use kyso_xml::dsig::{
    CertificatePurpose, ChainOutcome, ChainValidator, ExternalResolver, ReferenceOutcome,
    TimestampOutcome, TimestampValidator, ValidationData, ValidationTime, VerifyOptions,
    XmlSignatureReport,
};
use kyso_xml::edxml::{self, Attachment};
use kyso_xml::ParseLimits;

use super::verdict::{self, Context};

/// Reason texts are English in JSON (scripts read them); the Vietnamese table translates them
/// back through the catalogue's templates (`report::REASON_TEMPLATES`).
fn en(key: crate::i18n::Key) -> String {
    crate::i18n::format(key, crate::cli::Lang::En, &[])
}

fn en_with(key: crate::i18n::Key, args: &[(&str, &str)]) -> String {
    crate::i18n::format(key, crate::cli::Lang::En, args)
}

fn en_path(key: crate::i18n::Key, path: &Path) -> String {
    en_with(key, &[("path", &path.display().to_string())])
}

/// kyso-xml's chain seam, plugged into kyso-chain exactly as the PDF path uses it.
struct KysoChain<'a> {
    ctx: &'a Context,
}

impl ChainValidator for KysoChain<'_> {
    fn validate(&self, leaf_der: &[u8], pool: &[Vec<u8>], at: SystemTime) -> ChainOutcome {
        self.validate_with_data(leaf_der, pool, &ValidationData::default(), at)
    }

    fn validate_with_data(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        data: &ValidationData,
        at: SystemTime,
    ) -> ChainOutcome {
        let material = RevocationMaterial {
            certificates: pool.to_vec(),
            crls: data.crls.clone(),
            ocsp_responses: data.ocsp_responses.clone(),
        };
        verdict::xml_chain_outcome(leaf_der, &material, at, self.ctx)
    }

    /// The path validated offline with only the embedded CRLs and OCSP responses as
    /// revocation sources, every certificate's status required (hard fail).
    fn covered_by_data(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        data: &ValidationData,
        at: SystemTime,
        purpose: CertificatePurpose,
    ) -> Result<(), String> {
        // The same rule as PAdES B-LT: what the file carries, nothing fetched or installed.
        let leaf = Certificate::from_der(leaf_der).map_err(|e| e.to_string())?;
        let material = RevocationMaterial {
            certificates: pool.to_vec(),
            crls: data.crls.clone(),
            ocsp_responses: data.ocsp_responses.clone(),
        };
        let time_stamping = purpose == CertificatePurpose::TimeStamping;
        verdict::carried_data_cover(&leaf, &material, at, time_stamping, self.ctx)
    }
}

/// XAdES signature time-stamps checked with kyso-cms (imprint over the canonicalized
/// SignatureValue, the TSA's signature) and kyso-chain (the TSA chain at genTime, with the
/// critical id-kp-timeStamping EKU): the same checks as `kyso timestamp --verify`.
struct KysoTimestamps<'a> {
    ctx: &'a Context,
}

impl TimestampValidator for KysoTimestamps<'_> {
    fn validate(&self, token_der: &[u8], data: &[u8]) -> TimestampOutcome {
        let checked = kyso_cms::tsp::TimeStampToken::parse(token_der)
            .map_err(anyhow::Error::from)
            .and_then(|token| {
                token.check_imprint(data).map_err(|e| {
                    anyhow::anyhow!(en_with(
                        crate::i18n::Key::VerifyXmlTimestampOtherData,
                        &[("detail", &e.to_string())]
                    ))
                })?;
                crate::cmd::timestamp::validate_tsa(
                    &token,
                    &self.ctx.anchors,
                    &self.ctx.intermediates,
                )?;
                let tsa = token.verify().ok().map(|v| v.certificate().to_vec());
                let certificates = token
                    .signed_data
                    .certificates
                    .iter()
                    .map(|c| c.to_vec())
                    .collect();
                Ok((token.gen_time(), tsa, certificates))
            });
        match checked {
            Ok((gen_time, tsa_certificate, certificates)) => TimestampOutcome::Valid {
                gen_time,
                tsa_certificate,
                certificates,
            },
            Err(err) => TimestampOutcome::Invalid {
                reason: format!("{err:#}"),
            },
        }
    }
}

/// The content a detached signature names. Files relative to the signature are read from its
/// directory when they lie inside it once `..` steps and symbolic links are resolved; with
/// `--allow-external` (`web` set), http(s) URLs are fetched and absolute paths, `file:` URIs
/// and relative paths leading out of the signature's directory are read too. Without it they
/// are refused with a reason naming the flag.
struct ExternalContent {
    base: PathBuf,
    /// The HTTP client of `--allow-external`.
    web: Option<ureq::Agent>,
}

/// The largest referenced file read.
const MAX_REFERENCED_FILE: u64 = 2 << 30;
/// The largest body fetched for a reference.
const MAX_FETCHED: u64 = 64 << 20;
/// Connecting, and each read of the answer, must make progress within this.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// A whole fetch (redirects and body) must end within this.
const FETCH_DEADLINE: Duration = Duration::from_secs(120);
/// Redirects followed, all within the URL's own scheme.
const MAX_REDIRECTS: usize = 5;

impl ExternalContent {
    fn new(base: PathBuf, allow_external: bool) -> Self {
        let web = allow_external.then(|| {
            ureq::AgentBuilder::new()
                .timeout_connect(FETCH_TIMEOUT)
                .timeout_read(FETCH_TIMEOUT)
                .timeout_write(FETCH_TIMEOUT)
                // Redirects are followed by hand, within the same scheme.
                .redirects(0)
                .build()
        });
        Self { base, web }
    }
}

impl ExternalResolver for ExternalContent {
    fn resolve(&self, uri: &str) -> Result<Vec<u8>, String> {
        match (classify_reference(uri)?, &self.web) {
            (Target::Relative(path), web) => match place(&self.base, &path) {
                Place::Inside(real) => read_referenced_file(&real),
                Place::MissingInside => Err(en_path(
                    crate::i18n::Key::VerifyFileMissing,
                    &self.base.join(&path),
                )),
                Place::Outside if web.is_some() => read_referenced_file(&self.base.join(&path)),
                Place::Outside => Err(en_with(
                    crate::i18n::Key::VerifyReferenceOutside,
                    &[("uri", uri)],
                )),
            },
            (Target::Absolute(path), Some(_)) => read_referenced_file(&path),
            (Target::Web(url), Some(agent)) => fetch(agent, &url),
            (Target::Absolute(_), None) => Err(en_with(
                crate::i18n::Key::VerifyReferenceAbsolute,
                &[("uri", uri)],
            )),
            (Target::Web(_), None) => Err(en_with(
                crate::i18n::Key::VerifyReferenceNotFetched,
                &[("uri", uri)],
            )),
        }
    }
}

/// Where a relative reference leads from the signature's directory.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// To this file (canonical) inside the directory.
    Inside(PathBuf),
    /// To nothing, inside the directory.
    MissingInside,
    /// Out of the directory (by `..` steps or a symbolic link), or nowhere that can be told.
    Outside,
}

/// Resolves `relative` from the directory `base` one step at a time, as the system would
/// (`..` from the real folder reached so far, symbolic links followed to their canonical
/// target), and tells whether the target lies inside `base`'s canonical folder. A missing
/// target is inside only if the existing part of the path is and no `..` step follows.
/// The work is one lookup per step, however long the reference.
fn place(base: &Path, relative: &Path) -> Place {
    use std::path::Component;
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let Ok(root) = base.canonicalize() else {
        return Place::Outside;
    };
    let mut real = root.clone();
    let mut steps = relative.components();
    while let Some(step) = steps.next() {
        match step {
            Component::CurDir => {}
            // `real` holds no symbolic link, so its parent is the real parent.
            Component::ParentDir => {
                real.pop();
            }
            Component::Normal(name) => {
                let next = real.join(name);
                match std::fs::symlink_metadata(&next) {
                    Ok(meta) if meta.file_type().is_symlink() => match next.canonicalize() {
                        Ok(target) => real = target,
                        // A dangling link: where it leads is not this function's to guess.
                        Err(_) => return Place::Outside,
                    },
                    Ok(_) => real = next,
                    Err(_) => {
                        let climbs = steps.any(|c| matches!(c, Component::ParentDir));
                        return if !climbs && real.starts_with(&root) {
                            Place::MissingInside
                        } else {
                            Place::Outside
                        };
                    }
                }
            }
            Component::RootDir | Component::Prefix(_) => return Place::Outside,
        }
    }
    if real.starts_with(&root) {
        Place::Inside(real)
    } else {
        Place::Outside
    }
}

/// A regular file of at most [`MAX_REFERENCED_FILE`] bytes. (The resolver hands kyso-xml the
/// octets, which its transforms may need whole, so the file is read, not streamed.)
fn read_referenced_file(full: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(full).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => en_path(crate::i18n::Key::VerifyFileMissing, full),
        _ => format!("{}: {e}", full.display()),
    })?;
    if !meta.is_file() {
        return Err(en_path(crate::i18n::Key::VerifyNotRegularFile, full));
    }
    if meta.len() > MAX_REFERENCED_FILE {
        return Err(en_with(
            crate::i18n::Key::VerifyFileTooLarge,
            &[
                ("path", &full.display().to_string()),
                ("size", &meta.len().to_string()),
                ("limit", &MAX_REFERENCED_FILE.to_string()),
            ],
        ));
    }
    std::fs::read(full).map_err(|e| format!("{}: {e}", full.display()))
}

/// GETs `url` with [`FETCH_TIMEOUT`] per step, within [`FETCH_DEADLINE`] and [`MAX_FETCHED`]
/// bytes, following at most [`MAX_REDIRECTS`] redirects that keep the scheme.
fn fetch(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, String> {
    let started = Instant::now();
    let scheme = url_scheme(url);
    let mut current = url.to_owned();
    for _ in 0..=MAX_REDIRECTS {
        let response = match agent.get(&current).call() {
            Ok(response) => response,
            Err(ureq::Error::Status(status, _)) => {
                return Err(en_with(
                    crate::i18n::Key::VerifyFetchStatus,
                    &[("url", &current), ("status", &status.to_string())],
                ))
            }
            Err(ureq::Error::Transport(transport)) => {
                // "Connection Failed: Connect error: Connection refused (os error 111)".
                let mut detail = transport.kind().to_string();
                for part in transport
                    .message()
                    .map(str::to_owned)
                    .into_iter()
                    .chain(std::error::Error::source(&transport).map(ToString::to_string))
                {
                    detail = format!("{detail}: {part}");
                }
                return Err(en_with(
                    crate::i18n::Key::VerifyFetchFailed,
                    &[("url", &current), ("detail", &detail)],
                ));
            }
        };
        if (300..400).contains(&response.status()) {
            let location = response.header("Location").unwrap_or_default();
            let target = join_location(&current, location);
            if location.is_empty() || url_scheme(&target) != scheme {
                return Err(en_with(
                    crate::i18n::Key::VerifyFetchRedirect,
                    &[("url", &current), ("target", &format!("{location:?}"))],
                ));
            }
            current = target;
            continue;
        }
        return read_body(response, &current, started);
    }
    Err(en_with(
        crate::i18n::Key::VerifyFetchRedirects,
        &[("url", url), ("max", &MAX_REDIRECTS.to_string())],
    ))
}

/// The body, refused past [`MAX_FETCHED`] bytes or [`FETCH_DEADLINE`].
fn read_body(response: ureq::Response, url: &str, started: Instant) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let too_large = || {
        en_with(
            crate::i18n::Key::VerifyFetchTooLarge,
            &[("url", url), ("limit", &MAX_FETCHED.to_string())],
        )
    };
    let declared = response
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FETCHED) {
        return Err(too_large());
    }
    let capacity = declared.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let mut body = Vec::with_capacity(capacity);
    let mut reader = response.into_reader().take(MAX_FETCHED + 1);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if started.elapsed() > FETCH_DEADLINE {
            return Err(en_with(
                crate::i18n::Key::VerifyFetchTooSlow,
                &[
                    ("url", url),
                    ("secs", &FETCH_DEADLINE.as_secs().to_string()),
                ],
            ));
        }
        let n = reader.read(&mut buf).map_err(|e| {
            en_with(
                crate::i18n::Key::VerifyFetchFailed,
                &[("url", url), ("detail", &e.to_string())],
            )
        })?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(buf.get(..n).unwrap_or_default());
        if u64::try_from(body.len()).unwrap_or(u64::MAX) > MAX_FETCHED {
            return Err(too_large());
        }
    }
    Ok(body)
}

/// The lowercased scheme of an absolute URL.
fn url_scheme(url: &str) -> Option<String> {
    uri_scheme(url).map(str::to_ascii_lowercase)
}

/// A redirect's `Location`, resolved against the URL that answered it (absolute URLs,
/// network-path, absolute-path and relative-path references).
fn join_location(current: &str, location: &str) -> String {
    if uri_scheme(location).is_some() {
        return location.to_owned();
    }
    let (scheme, rest) = current.split_once("://").unwrap_or(("http", current));
    if let Some(authority_path) = location.strip_prefix("//") {
        return format!("{scheme}://{authority_path}");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = rest
        .get(authority.len()..)
        .unwrap_or_default()
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let directory = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    format!("{scheme}://{authority}{directory}/{location}")
}

/// What a Reference URI names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file relative to the signature's directory (always followed).
    Relative(PathBuf),
    /// An absolute path or a `file:` URI (read with `--allow-external`).
    Absolute(PathBuf),
    /// An http or https URL (fetched with `--allow-external`).
    Web(String),
}

/// The scheme of a URI (`http` in `http://…`), when it has one.
fn uri_scheme(uri: &str) -> Option<&str> {
    uri.split_once(':').map(|(s, _)| s).filter(|s| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// Sorts a Reference URI into what may be followed: relative paths and absolute ones
/// (percent-decoded), `file:` URIs on this host, http(s) URLs. Other schemes, fragments, and
/// queries on paths are refused.
fn classify_reference(uri: &str) -> Result<Target, String> {
    if uri.contains('#') {
        return Err(en(crate::i18n::Key::VerifyReferenceQuery));
    }
    let path = match uri_scheme(uri) {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            return Ok(Target::Web(uri.to_owned()));
        }
        Some(scheme) if scheme.eq_ignore_ascii_case("file") => {
            let rest = uri.get(scheme.len() + 1..).unwrap_or_default();
            // file:///p, file://localhost/p and file:/p name a local path; another host is
            // not this machine's file.
            let local = match rest.strip_prefix("//") {
                Some(after) => {
                    let (host, path) = after.split_at(after.find('/').unwrap_or(after.len()));
                    (host.is_empty() || host.eq_ignore_ascii_case("localhost"))
                        .then_some(path)
                        .filter(|p| !p.is_empty())
                }
                None => rest.starts_with('/').then_some(rest),
            };
            let Some(local) = local else {
                return Err(en_with(
                    crate::i18n::Key::VerifyReferenceScheme,
                    &[("scheme", scheme)],
                ));
            };
            local
        }
        Some(scheme) => {
            return Err(en_with(
                crate::i18n::Key::VerifyReferenceScheme,
                &[("scheme", scheme)],
            ))
        }
        None => uri,
    };
    if path.contains('?') {
        return Err(en(crate::i18n::Key::VerifyReferenceQuery));
    }
    let path = PathBuf::from(percent_decode(uri, path)?);
    if path.as_os_str().is_empty() {
        return Err(en_with(
            crate::i18n::Key::VerifyFileMissing,
            &[("path", &format!("{uri:?}"))],
        ));
    }
    if path.is_absolute() || path.has_root() {
        Ok(Target::Absolute(path))
    } else {
        Ok(Target::Relative(path))
    }
}

/// `path` (part of `uri`) with its percent escapes decoded, as UTF-8.
fn percent_decode(uri: &str, path: &str) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(path.len());
    let mut rest = path.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail
                .get(..2)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    en_with(
                        crate::i18n::Key::VerifyReferenceEscape,
                        &[("uri", &format!("{uri:?}"))],
                    )
                })?;
            bytes.push(hex);
            rest = tail.get(2..).unwrap_or_default();
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).map_err(|_| {
        en_with(
            crate::i18n::Key::VerifyReferenceNotUtf8,
            &[("uri", &format!("{uri:?}"))],
        )
    })
}

/// Verifies an XML document, or an edXML package and the PDFs it carries.
pub(super) fn verify(file: String, bytes: &[u8], ctx: &Context) -> FileReport {
    let chain = KysoChain { ctx };
    let timestamps = KysoTimestamps { ctx };
    let is_package = edxml::looks_like_edxml(bytes);
    let local = ExternalContent::new(
        Path::new(&file)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        ctx.allow_external,
    );
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        // --at, else the time a XAdES signature time-stamp proves, else the claimed
        // SigningTime, else now (each said in the verdict).
        validation_time: match ctx.at {
            Some(at) => ValidationTime::Fixed(at.into()),
            None => ValidationTime::Signing {
                now: SystemTime::now(),
            },
        },
        chain_validator: &chain,
        // The installed intermediates are added by the chain validator.
        certificate_pool: &[],
        // Real edXML packages carry the national SDK's misspelled URI (reported, never silent).
        accept_misspelled_exc_c14n: is_package,
        detached: None,
        external: (!is_package).then_some(&local as &dyn ExternalResolver),
        timestamp_validator: Some(&timestamps),
    };
    let format = if is_package { "edxml" } else { "xml" };
    // A bug in a library must not take the batch down: it becomes this file's error.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if is_package {
            package(bytes, &options, ctx)
        } else {
            document(bytes, &options)
        }
    }))
    .unwrap_or_else(|_| {
        Err(crate::i18n::tr_with(
            crate::i18n::Key::VerifyInternal,
            &[("format", format)],
        ))
    });
    let (signatures, error) = match outcome {
        Ok(layers) => (layers.signatures, layers.error),
        Err(error) => (Vec::new(), Some(error)),
    };
    FileReport {
        file,
        format: format.to_owned(),
        signatures,
        error,
        problems: Vec::new(),
    }
}

/// The verdicts of one XML or edXML file, and a file-level error that did not stop them.
struct Layers {
    signatures: Vec<SignatureVerdict>,
    error: Option<String>,
}

fn document(bytes: &[u8], options: &VerifyOptions<'_>) -> Result<Layers, String> {
    let reports = kyso_xml::dsig::verify_document(bytes, options).map_err(|e| {
        crate::i18n::tr_with(
            crate::i18n::Key::VerifyCannotXml,
            &[("detail", &e.to_string())],
        )
    })?;
    Ok(Layers {
        signatures: reports.into_iter().map(into_verdict).collect(),
        error: None,
    })
}

/// The package's own signatures first, then those of every signed document it carries:
/// attached PDFs and XML documents, the files of attached zip archives and the layers of
/// nested edXML packages, each verdict named by its path, e.g.
/// `attachment[ho-so.zip]/entry[cong-van.pdf]/Signature1`.
fn package(bytes: &[u8], options: &VerifyOptions<'_>, ctx: &Context) -> Result<Layers, String> {
    let package = edxml::verify_package(bytes, options).map_err(|e| {
        crate::i18n::tr_with(
            crate::i18n::Key::VerifyCannotEdxml,
            &[("detail", &e.to_string())],
        )
    })?;
    let mut signatures: Vec<SignatureVerdict> =
        package.signatures.into_iter().map(into_verdict).collect();
    // One budget for every archive of the package, however deeply they nest.
    let budget = archive::Budget::new(ArchiveLimits::default());
    let mut nested = Nested::new(&budget);
    for attachment in &package.attachments {
        let label = label(attachment);
        match &attachment.content {
            Ok(content) => nested.content(&label, content, 1, options, ctx),
            Err(e) => nested.errors.push(format!("{label}: {e}")),
        }
    }
    for signature in &mut signatures {
        signature.reasons.extend(nested.notes.iter().cloned());
    }
    signatures.extend(nested.signatures);
    Ok(Layers {
        signatures,
        error: (!nested.errors.is_empty()).then(|| nested.errors.join("; ")),
    })
}

/// How deep archives and packages may nest inside a package.
const MAX_NESTING: usize = 4;

/// What the documents inside a package came to.
struct Nested<'b> {
    /// The work the package's zip archives may still cause (inflated bytes and entries),
    /// shared by all of them at every depth.
    budget: &'b archive::Budget,
    /// Their signatures, named by path.
    signatures: Vec<SignatureVerdict>,
    /// Notes for the package's own verdicts (e.g. an unsigned document inside).
    notes: Vec<Reason>,
    /// Layers that could not be verified (refused archives, malformed documents).
    errors: Vec<String>,
}

impl<'b> Nested<'b> {
    fn new(budget: &'b archive::Budget) -> Self {
        Self {
            budget,
            signatures: Vec::new(),
            notes: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Verifies one carried document by its content: a PDF, a zip archive (opened in memory
    /// within the package's [`archive::Budget`], one entry at a time), an edXML package or an
    /// XML document. Other content is not a signed document and is left alone.
    fn content(
        &mut self,
        label: &str,
        bytes: &[u8],
        depth: usize,
        options: &VerifyOptions<'_>,
        ctx: &Context,
    ) {
        let named = |verdicts: Vec<SignatureVerdict>| {
            verdicts.into_iter().map(|mut v| {
                v.id = format!("{label}/{}", v.id);
                v
            })
        };
        if is_pdf(bytes) {
            match super::pdf_signatures(bytes, SignedBytes::Mapped, ctx) {
                Ok(verdicts) if verdicts.is_empty() => self.unsigned(label),
                Ok(verdicts) => self.signatures.extend(named(verdicts)),
                Err(e) => self.errors.push(format!("{label}: {e}")),
            }
            return;
        }
        let is_zip = archive::looks_like_zip(bytes);
        let is_xml = super::looks_like_xml(
            bytes
                .get(..bytes.len().min(super::HEADER_WINDOW))
                .unwrap_or(&[]),
        );
        if !is_zip && !is_xml {
            return;
        }
        if depth > MAX_NESTING {
            self.errors.push(crate::i18n::tr_with(
                crate::i18n::Key::VerifyNestedTooDeep,
                &[("label", label), ("max", &MAX_NESTING.to_string())],
            ));
            return;
        }
        if is_zip {
            self.zip(label, bytes, depth, options, ctx);
        } else if edxml::looks_like_edxml(bytes) {
            match edxml::verify_package(bytes, options) {
                Err(e) => self.errors.push(format!(
                    "{label}: {}",
                    crate::i18n::tr_with(
                        crate::i18n::Key::VerifyCannotEdxml,
                        &[("detail", &e.to_string())]
                    )
                )),
                Ok(package) => {
                    if package.signatures.is_empty() {
                        self.unsigned(label);
                    }
                    let verdicts: Vec<SignatureVerdict> =
                        package.signatures.into_iter().map(into_verdict).collect();
                    self.signatures.extend(named(verdicts));
                    for attachment in &package.attachments {
                        let inner = format!("{label}/{}", self::label(attachment));
                        match &attachment.content {
                            Ok(content) => self.content(&inner, content, depth + 1, options, ctx),
                            Err(e) => self.errors.push(format!("{inner}: {e}")),
                        }
                    }
                }
            }
        } else {
            match kyso_xml::dsig::verify_document(bytes, options) {
                Err(e) => self.errors.push(format!(
                    "{label}: {}",
                    crate::i18n::tr_with(
                        crate::i18n::Key::VerifyCannotXml,
                        &[("detail", &e.to_string())]
                    )
                )),
                Ok(reports) if reports.is_empty() => self.unsigned(label),
                Ok(reports) => {
                    let verdicts = reports.into_iter().map(into_verdict).collect();
                    self.signatures.extend(named(verdicts));
                }
            }
        }
    }

    /// The entries of a zip archive, inflated one at a time within the package's budget and
    /// verified in turn (so one entry per level is held); what the budget refuses is reported.
    fn zip(
        &mut self,
        label: &str,
        bytes: &[u8],
        depth: usize,
        options: &VerifyOptions<'_>,
        ctx: &Context,
    ) {
        let refused = |e: &archive::ArchiveError| {
            crate::i18n::tr_with(
                crate::i18n::Key::VerifyZipRefused,
                &[("label", label), ("detail", &e.to_string())],
            )
        };
        let entries = match archive::open_zip(bytes, self.budget) {
            Ok(entries) => entries,
            Err(e) => {
                self.errors.push(refused(&e));
                return;
            }
        };
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let entry_label = format!("{label}/entry[{}]", entry.name);
                    match entry.content {
                        Ok(content) => {
                            self.content(&entry_label, &content, depth + 1, options, ctx)
                        }
                        Err(e) => self.errors.push(format!("{entry_label}: {e}")),
                    }
                }
                Err(e) => self.errors.push(refused(&e)),
            }
        }
    }

    fn unsigned(&mut self, label: &str) {
        self.notes.push(Reason {
            code: "edxml-attachment-unsigned".to_owned(),
            // Reason messages are English in JSON; the table translates them.
            message: crate::i18n::format(
                crate::i18n::Key::VerifyAttachmentUnsigned,
                crate::cli::Lang::En,
                &[("label", label)],
            ),
        });
    }
}

/// The verdict, with the `integrity-ok` note the reports read (as for PDF signatures) when
/// every reference's digest matches and a certificate's key verifies the SignatureValue.
fn into_verdict(report: XmlSignatureReport) -> SignatureVerdict {
    let mut verdict = report.verdict;
    verdict.holder = report
        .signer_certificate
        .as_deref()
        .and_then(crate::cmd::cert_role::holder);
    let intact = report.signer_certificate.is_some()
        && !report.references.is_empty()
        && report
            .references
            .iter()
            .all(|r| r.outcome == ReferenceOutcome::DigestMatches);
    if intact {
        verdict.reasons.push(Reason {
            code: "integrity-ok".to_owned(),
            message: "every reference's digest matches and the signature verifies".to_owned(),
        });
    }
    verdict
}

/// `attachment[NAME]`, by ContentId when the attachment has no name.
fn label(attachment: &Attachment) -> String {
    let name = if attachment.name.is_empty() {
        &attachment.content_id
    } else {
        &attachment.name
    };
    format!("attachment[{name}]")
}

fn is_pdf(content: &[u8]) -> bool {
    let head = content
        .get(..content.len().min(super::HEADER_WINDOW))
        .unwrap_or(&[]);
    super::memchr_find(head, b"%PDF-").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_sorted_into_relative_absolute_and_web() {
        let relative = |p: &str| Ok(Target::Relative(PathBuf::from(p)));
        let absolute = |p: &str| Ok(Target::Absolute(PathBuf::from(p)));
        assert_eq!(
            classify_reference("data%20file.pdf"),
            relative("data file.pdf")
        );
        assert_eq!(classify_reference("sub/data.pdf"), relative("sub/data.pdf"));
        assert_eq!(
            classify_reference("/srv/a%20b.xml"),
            absolute("/srv/a b.xml")
        );
        assert_eq!(
            classify_reference("file:///srv/a.xml"),
            absolute("/srv/a.xml")
        );
        assert_eq!(
            classify_reference("file://localhost/srv/a.xml"),
            absolute("/srv/a.xml")
        );
        assert_eq!(
            classify_reference("file:/srv/a.xml"),
            absolute("/srv/a.xml")
        );
        assert_eq!(
            classify_reference("https://example.com/x?v=1"),
            Ok(Target::Web("https://example.com/x?v=1".to_owned()))
        );
        assert_eq!(
            classify_reference("HTTP://example.com/x"),
            Ok(Target::Web("HTTP://example.com/x".to_owned()))
        );
        for refused in [
            "ftp://example.com/data.pdf",
            "file://otherhost/etc/passwd",
            "file:relative",
            "data.pdf#frag",
            "https://example.com/x#frag",
            "data.pdf?x=1",
            "bad%zz",
            "bad%ff",
            "",
        ] {
            assert!(
                classify_reference(refused).is_err(),
                "{refused} was followed"
            );
        }
    }

    #[test]
    fn without_allow_external_urls_and_absolute_paths_are_refused_naming_the_flag() {
        let content = ExternalContent::new(PathBuf::from("."), false);
        for uri in [
            "http://127.0.0.1:9/doc.xml",
            "/etc/hostname",
            "file:///etc/hostname",
        ] {
            let why = content.resolve(uri).expect_err(uri);
            assert!(why.contains("--allow-external"), "{uri}: {why}");
        }
    }

    /// `root/sigs` (the signature's folder, with `doc.txt`, `sub/inner.txt`, a link to
    /// `sub` and a link out to `root/data`) and `root/data/secret.txt` beside it.
    fn folders() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().expect("temp dir");
        let sigs = root.path().join("sigs");
        std::fs::create_dir_all(sigs.join("sub")).expect("dir");
        std::fs::create_dir_all(root.path().join("data")).expect("dir");
        std::fs::write(sigs.join("doc.txt"), b"inside").expect("write");
        std::fs::write(sigs.join("sub/inner.txt"), b"inner").expect("write");
        std::fs::write(root.path().join("data/secret.txt"), b"secret").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("sub", sigs.join("to-sub")).expect("link");
            std::os::unix::fs::symlink("../data", sigs.join("out")).expect("link");
            std::os::unix::fs::symlink("../data/secret.txt", sigs.join("secret-link.txt"))
                .expect("link");
        }
        (root, sigs)
    }

    #[test]
    fn relative_references_are_placed_inside_or_outside_the_signature_folder() {
        let (_root, sigs) = folders();
        let real = |p: &str| sigs.canonicalize().expect("canonical").join(p);
        let at = |p: &str| place(&sigs, Path::new(p));
        assert_eq!(at("doc.txt"), Place::Inside(real("doc.txt")));
        assert_eq!(at("./sub/inner.txt"), Place::Inside(real("sub/inner.txt")));
        assert_eq!(at("sub/../doc.txt"), Place::Inside(real("doc.txt")));
        // Out and back in is inside.
        assert_eq!(at("../sigs/doc.txt"), Place::Inside(real("doc.txt")));
        assert_eq!(at("missing.txt"), Place::MissingInside);
        assert_eq!(at("sub/missing/deeper.txt"), Place::MissingInside);
        assert_eq!(at("../data/secret.txt"), Place::Outside);
        assert_eq!(at("../../../../../../etc/passwd"), Place::Outside);
        assert_eq!(at("sub/../../data/secret.txt"), Place::Outside);
        // A missing step followed by `..` cannot be told inside.
        assert_eq!(at("missing/../../data/secret.txt"), Place::Outside);
        assert_eq!(at("../missing.txt"), Place::Outside);
        #[cfg(unix)]
        {
            assert_eq!(at("to-sub/inner.txt"), Place::Inside(real("sub/inner.txt")));
            assert_eq!(at("out/secret.txt"), Place::Outside);
            assert_eq!(at("secret-link.txt"), Place::Outside);
            // Whether something exists behind a link out is not told either.
            assert_eq!(at("out/missing.txt"), Place::Outside);
            // `..` after a link climbs from where the link leads, as the system does.
            assert_eq!(at("out/../sigs/doc.txt"), Place::Inside(real("doc.txt")));
        }
        // A very long reference is a bounded walk, not a hang.
        let long = "a/".repeat(50_000);
        assert_eq!(at(&long), Place::MissingInside);
        let climbing = "sub/..//".repeat(50_000) + "doc.txt";
        assert_eq!(at(&climbing), Place::Inside(real("doc.txt")));
    }

    #[test]
    fn references_out_of_the_signature_folder_are_read_only_with_allow_external() {
        let (_root, sigs) = folders();
        let mut escapes = vec![
            "../data/secret.txt",
            "..%2Fdata%2Fsecret.txt",
            "%2E%2E/data/secret.txt",
        ];
        if cfg!(unix) {
            escapes.extend(["out/secret.txt", "secret-link.txt"]);
        }
        let content = ExternalContent::new(sigs.clone(), false);
        assert_eq!(content.resolve("doc.txt"), Ok(b"inside".to_vec()));
        assert_eq!(content.resolve("sub%2Finner.txt"), Ok(b"inner".to_vec()));
        for uri in &escapes {
            let why = content.resolve(uri).expect_err(uri);
            assert!(
                why.contains("--allow-external") && why.contains("outside"),
                "{uri}: {why}"
            );
        }
        let why = content.resolve("missing.txt").expect_err("missing");
        assert!(why.contains("does not exist"), "{why}");
        let allowed = ExternalContent::new(sigs, true);
        for uri in &escapes {
            assert_eq!(allowed.resolve(uri), Ok(b"secret".to_vec()), "{uri}");
        }
    }

    #[test]
    fn redirect_locations_resolve_against_the_answering_url() {
        let base = "http://h:1/a/b/doc.xml?q";
        assert_eq!(join_location(base, "https://x/y"), "https://x/y");
        assert_eq!(join_location(base, "//other/z"), "http://other/z");
        assert_eq!(join_location(base, "/root.xml"), "http://h:1/root.xml");
        assert_eq!(join_location(base, "next.xml"), "http://h:1/a/b/next.xml");
        assert_eq!(join_location("http://h", "x"), "http://h/x");
    }

    #[test]
    fn a_pdf_attachment_is_recognised_by_content() {
        assert!(is_pdf(b"\n%PDF-1.7\n"));
        assert!(!is_pdf(b"PK\x03\x04 not a pdf"));
    }

    #[test]
    fn an_attachment_without_a_name_is_labelled_by_its_content_id() {
        let mut attachment = Attachment {
            content_id: "cid:1".to_owned(),
            name: String::new(),
            content_type: None,
            description: None,
            content: Ok(Vec::new()),
        };
        assert_eq!(label(&attachment), "attachment[cid:1]");
        attachment.name = "cong-van.pdf".to_owned();
        assert_eq!(label(&attachment), "attachment[cong-van.pdf]");
    }
}
