//! `kyso timestamp`: detached RFC 3161 time-stamps (`FILE.tsr`), PDF document time-stamps, and
//! checking detached time-stamps. Also the TSA plumbing `kyso sign --tsa` and `kyso ltv` use.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use kyso_chain::{
    validate, CertPool, Certificate, LeafProfile, RevocationSources, ValidationPolicy,
};
use kyso_cms::tsa::{BasicAuth, Tsa, TsaClient};
use kyso_cms::tsp::{TimeStampReq, TimeStampToken};
use kyso_cms::DigestAlgorithm;

use crate::cli::timestamp::{TimestampArgs, TsaArgs, TsaHash};
use crate::input::InputBytes;
use crate::output::{write_atomically, Part};

/// Bytes reserved for a document time-stamp token before the first one is seen; grown to the
/// real size (and the stamp requested again) when a TSA's tokens are larger.
const DOC_TIMESTAMP_RESERVE: usize = 12 * 1024;

pub(crate) fn run(args: TimestampArgs) -> anyhow::Result<ExitCode> {
    if args.verify {
        return verify_all(&args);
    }
    let client = tsa_client(&args.tsa)?.context(crate::i18n::tr(crate::i18n::Key::TsaNone))?;
    if args.output.is_some() && args.inputs.len() != 1 {
        anyhow::bail!(crate::i18n::tr(crate::i18n::Key::OutputTakesOneInput));
    }
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    for input in &args.inputs {
        let result = stamp_one(&args, &client, input);
        if result.is_err() {
            failed += 1;
        }
        writeln!(out, "{}", stamp_line(input, &result, args.json))?;
    }
    Ok(exit_code(failed))
}

fn exit_code(failed: usize) -> ExitCode {
    ExitCode::from(if failed == 0 {
        crate::exit::OK
    } else {
        crate::exit::FAILED
    })
}

/// What one time-stamping produced.
struct Stamped {
    output: PathBuf,
    kind: &'static str,
    gen_time: DateTime<Utc>,
    tsa: String,
}

fn stamp_line(input: &Path, result: &anyhow::Result<Stamped>, json: bool) -> String {
    match (result, json) {
        (Ok(s), true) => serde_json::json!({
            "input": input.display().to_string(),
            "output": s.output.display().to_string(),
            "status": "timestamped",
            "kind": s.kind,
            "gen_time": s.gen_time.to_rfc3339(),
            "tsa": s.tsa,
        })
        .to_string(),
        (Err(err), true) => serde_json::json!({
            "input": input.display().to_string(),
            "status": "error",
            "error": format!("{err:#}"),
        })
        .to_string(),
        (Ok(s), false) => crate::i18n::tr_with(
            crate::i18n::Key::TsStamped,
            &[
                ("input", &input.display().to_string()),
                ("output", &s.output.display().to_string()),
                ("kind", crate::i18n::term(s.kind)),
                ("time", &s.gen_time.to_rfc3339()),
            ],
        ),
        (Err(err), false) => crate::i18n::tr_with(
            crate::i18n::Key::ItemFailed,
            &[
                ("input", &input.display().to_string()),
                (
                    "detail",
                    &crate::i18n::error_chain(err, crate::i18n::lang()),
                ),
            ],
        ),
    }
}

fn stamp_one(args: &TimestampArgs, client: &TsaClient, input: &Path) -> anyhow::Result<Stamped> {
    let bytes = InputBytes::open(input)?;
    let is_pdf = crate::cmd::sign::sniff(&bytes) == crate::cmd::sign::Format::Pdf;
    if is_pdf && !args.detached {
        let stamp = document_timestamp(&bytes, client)?;
        let target = args.output.clone().unwrap_or_else(|| input.to_path_buf());
        // In place: the input's bytes stay a prefix of the new file, which replaces the input
        // atomically, only now that the time-stamp is in hand.
        let overwrite = args.force || target == input;
        write_atomically(
            &target,
            &[Part::Bytes(&bytes), Part::Bytes(&stamp.update)],
            overwrite,
        )?;
        return Ok(Stamped {
            output: target,
            kind: "document timestamp",
            gen_time: stamp.gen_time,
            tsa: stamp.url,
        });
    }
    let mut hasher = client.hash().hasher();
    hasher.update(&bytes);
    let stamp = client.stamp_digest(&hasher.finalize())?;
    let token = stamp.parsed()?;
    let target = tsr_path(input);
    write_atomically(&target, &[Part::Bytes(&stamp.response)], args.force)?;
    Ok(Stamped {
        output: target,
        kind: "detached",
        gen_time: DateTime::<Utc>::from(token.gen_time()),
        tsa: stamp.url.clone(),
    })
}

/// `FILE` → `FILE.tsr`.
fn tsr_path(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".tsr");
    PathBuf::from(name)
}

/// Builds the TSA client from the options, or `None` when no URL is configured.
pub(crate) fn tsa_client(args: &TsaArgs) -> anyhow::Result<Option<TsaClient>> {
    let urls: Vec<String> = args
        .tsa_urls
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    if urls.is_empty() {
        return Ok(None);
    }
    let mut config = Tsa::with_urls(urls);
    config.hash = match args.tsa_hash {
        TsaHash::Sha256 => DigestAlgorithm::Sha256,
        TsaHash::Sha384 => DigestAlgorithm::Sha384,
        TsaHash::Sha512 => DigestAlgorithm::Sha512,
        TsaHash::Sha1 => DigestAlgorithm::Sha1,
    };
    if let Some(policy) = &args.tsa_policy {
        config.policy = Some(policy.parse().map_err(|_| {
            anyhow::anyhow!(crate::i18n::tr_with(
                crate::i18n::Key::TsaPolicyNotOid,
                &[("policy", &format!("{policy:?}"))]
            ))
        })?);
    }
    if let (Some(user), Some(var)) = (&args.tsa_user, &args.tsa_pass_env) {
        let password = std::env::var(var).with_context(|| {
            crate::i18n::tr_with(crate::i18n::Key::TsaPassEnvUnset, &[("var", var)])
        })?;
        config.basic_auth = Some(BasicAuth {
            user: user.clone(),
            password,
        });
    }
    for header in &args.tsa_header {
        let (name, value) = header
            .split_once(':')
            .filter(|(n, _)| !n.trim().is_empty())
            .with_context(|| {
                crate::i18n::tr_with(
                    crate::i18n::Key::TsaHeaderInvalid,
                    &[("header", &format!("{header:?}"))],
                )
            })?;
        config
            .headers
            .push((name.trim().to_owned(), value.trim().to_owned()));
    }
    if let Some(var) = &args.tsa_token_env {
        let token = std::env::var(var).with_context(|| {
            crate::i18n::tr_with(crate::i18n::Key::TsaTokenEnvUnset, &[("var", var)])
        })?;
        config.headers.push((
            "Authorization".to_owned(),
            format!("Bearer {}", token.trim()),
        ));
    }
    config.timeout = Duration::from_secs(args.tsa_timeout.max(1));
    Ok(Some(TsaClient::new(config)?))
}

/// A document time-stamp ready to append.
pub(crate) struct DocTimestamp {
    /// The incremental update.
    pub(crate) update: Vec<u8>,
    /// The token's genTime.
    pub(crate) gen_time: DateTime<Utc>,
    /// The TSA that granted it.
    pub(crate) url: String,
}

/// Adds a document time-stamp (ETSI.RFC3161, /Type /DocTimeStamp) to the PDF `input`.
pub(crate) fn document_timestamp(input: &[u8], client: &TsaClient) -> anyhow::Result<DocTimestamp> {
    let hash = match client.hash() {
        DigestAlgorithm::Sha256 => kyso_keys::HashAlgorithm::Sha256,
        DigestAlgorithm::Sha384 => kyso_keys::HashAlgorithm::Sha384,
        DigestAlgorithm::Sha512 => kyso_keys::HashAlgorithm::Sha512,
        _ => anyhow::bail!(crate::i18n::tr(crate::i18n::Key::TsaDocHash)),
    };
    let doc = kyso_pdf::Document::open(input)?;
    let mut request = kyso_pdf::sign::SignatureRequest::new(DOC_TIMESTAMP_RESERVE);
    request.sub_filter = kyso_pdf::sign::SubFilter::EtsiRfc3161;
    for attempt in 0..2 {
        let mut update = kyso_pdf::sign::prepare(&doc, &request)?;
        let digest = update.digest(input, hash)?;
        let stamp = client.stamp_digest(&digest)?;
        let gen_time = DateTime::<Utc>::from(stamp.parsed()?.gen_time());
        match update.embed(&stamp.token) {
            Ok(()) => {
                return Ok(DocTimestamp {
                    update: update.bytes().to_vec(),
                    gen_time,
                    url: stamp.url,
                })
            }
            Err(kyso_pdf::Error::ContentsTooSmall { needed, .. }) if attempt == 0 => {
                request.contents_len = needed.saturating_add(1024);
            }
            Err(err) => return Err(err.into()),
        }
    }
    anyhow::bail!(crate::i18n::tr(crate::i18n::Key::TsaDidNotFit))
}

/// The outcome of checking one detached time-stamp.
struct Checked {
    tsr: PathBuf,
    gen_time: DateTime<Utc>,
    tsa: String,
}

fn verify_all(args: &TimestampArgs) -> anyhow::Result<ExitCode> {
    let pairs = verify_pairs(&args.inputs);
    let (anchors, pool) = anchors(&args.trust)?;
    let query = match &args.query {
        Some(path) => {
            let der = std::fs::read(path).with_context(|| {
                crate::i18n::tr_path(crate::i18n::Key::FileCannotReadAfter, path)
            })?;
            Some(
                <TimeStampReq as der::Decode>::from_der(&der)
                    .with_context(|| crate::i18n::tr_path(crate::i18n::Key::TsaNotQuery, path))?,
            )
        }
        None => None,
    };
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    for (file, tsr) in &pairs {
        let result = verify_one(file, tsr, &anchors, &pool, query.as_ref());
        if result.is_err() {
            failed += 1;
        }
        let line = match (&result, args.json) {
            (Ok(c), true) => serde_json::json!({
                "input": file.display().to_string(),
                "tsr": c.tsr.display().to_string(),
                "status": "valid",
                "gen_time": c.gen_time.to_rfc3339(),
                "tsa": c.tsa,
            })
            .to_string(),
            (Err(err), true) => serde_json::json!({
                "input": file.display().to_string(),
                "tsr": tsr.display().to_string(),
                "status": "invalid",
                "error": format!("{err:#}"),
            })
            .to_string(),
            (Ok(c), false) => crate::i18n::tr_with(
                crate::i18n::Key::TsValid,
                &[
                    ("input", &file.display().to_string()),
                    ("tsr", &c.tsr.display().to_string()),
                    ("time", &c.gen_time.to_rfc3339()),
                    ("tsa", &c.tsa.to_string()),
                ],
            ),
            (Err(err), false) => crate::i18n::tr_with(
                crate::i18n::Key::TsInvalid,
                &[
                    ("input", &file.display().to_string()),
                    (
                        "detail",
                        &crate::i18n::error_chain(err, crate::i18n::lang()),
                    ),
                ],
            ),
        };
        writeln!(out, "{line}")?;
    }
    Ok(exit_code(failed))
}

/// `FILE FILE.tsr` as one pair; otherwise every FILE with `FILE.tsr` beside it.
fn verify_pairs(inputs: &[PathBuf]) -> Vec<(PathBuf, PathBuf)> {
    if let [file, tsr] = inputs {
        if tsr.extension().is_some_and(|e| e == "tsr") {
            return vec![(file.clone(), tsr.clone())];
        }
    }
    inputs.iter().map(|f| (f.clone(), tsr_path(f))).collect()
}

fn anchors(trust: &[PathBuf]) -> anyhow::Result<(CertPool, CertPool)> {
    if trust.is_empty() {
        return crate::cmd::trust::installed_anchors_and_pool();
    }
    let mut anchors = CertPool::new();
    for path in trust {
        let bytes = std::fs::read(path)
            .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileCannotReadAfter, path))?;
        for cert in Certificate::all_from_pem_or_der(&bytes)
            .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileNoCertificate, path))?
        {
            anchors.add(cert);
        }
    }
    Ok((anchors, CertPool::new()))
}

fn verify_one(
    file: &Path,
    tsr: &Path,
    anchors: &CertPool,
    pool: &CertPool,
    query: Option<&TimeStampReq>,
) -> anyhow::Result<Checked> {
    let raw = std::fs::read(tsr)
        .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileCannotReadAfter, tsr))?;
    // A .tsr is a whole TimeStampResp; a bare token (`openssl ts -token_out`) is accepted too.
    let token_der = match kyso_cms::tsp::parse_response(&raw) {
        Ok(token) => token,
        Err(_) => raw,
    };
    let token = TimeStampToken::parse(&token_der)
        .with_context(|| crate::i18n::tr_path(crate::i18n::Key::TsaNotTimestamp, tsr))?;
    let imprint = &token.tst_info.message_imprint;
    let hash = DigestAlgorithm::from_oid(&imprint.hash_algorithm.oid)?;
    let mut hasher = hash.hasher();
    let mut reader = std::fs::File::open(file)
        .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileCannotOpenAfter, file))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = reader
            .read(&mut buf)
            .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileReadFailed, file))?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    if hasher.finalize() != imprint.hashed_message.as_bytes() {
        anyhow::bail!(crate::i18n::tr(crate::i18n::Key::TsaOtherData));
    }
    if let Some(query) = query {
        if query.message_imprint != *imprint {
            anyhow::bail!(crate::i18n::tr(crate::i18n::Key::TsaNotAnswerImprint));
        }
        if query.nonce.is_some() && query.nonce != token.tst_info.nonce {
            anyhow::bail!(crate::i18n::tr(crate::i18n::Key::TsaNotAnswerNonce));
        }
    }
    let tsa = validate_tsa(&token, anchors, pool)?;
    Ok(Checked {
        tsr: tsr.to_path_buf(),
        gen_time: DateTime::<Utc>::from(token.gen_time()),
        tsa,
    })
}

/// Checks the TSA's signature and its certificate: a chain to `anchors` valid at genTime,
/// with id-kp-timeStamping as the only, critical, extended key usage. Returns the TSA's
/// subject.
pub(crate) fn validate_tsa(
    token: &TimeStampToken<'_>,
    anchors: &CertPool,
    pool: &CertPool,
) -> anyhow::Result<String> {
    let verified = token
        .verify()
        .context(crate::i18n::tr(crate::i18n::Key::TsaSignatureInvalid))?;
    let tsa = Certificate::from_der(verified.certificate())
        .context(crate::i18n::tr(crate::i18n::Key::TsaCertificate))?;
    let gen_time = DateTime::<Utc>::from(token.gen_time());
    // genTime must lie inside the certificate's validity, and so must genTime + accuracy: a
    // token possibly made after the certificate expired proves nothing.
    let accuracy = token
        .tst_info
        .accuracy
        .map(|a| a.as_duration())
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or_else(chrono::Duration::zero);
    let latest = gen_time.checked_add_signed(accuracy).unwrap_or(gen_time);
    if gen_time < tsa.not_before() || latest > tsa.not_after() {
        anyhow::bail!(crate::i18n::tr_with(
            crate::i18n::Key::TsaGenTimeOutside,
            &[
                ("gen_time", &gen_time.to_rfc3339()),
                ("not_before", &tsa.not_before().to_rfc3339()),
                ("not_after", &tsa.not_after().to_rfc3339()),
            ],
        ));
    }
    let mut candidates = CertPool::from_certs(pool.certificates().iter().cloned());
    for der in &token.signed_data.certificates {
        if let Ok(cert) = Certificate::from_der(der) {
            candidates.add(cert);
        }
    }
    let mut policy = ValidationPolicy::new(
        CertPool::from_certs(anchors.certificates().iter().cloned()),
        gen_time,
    );
    policy.required_ekus = vec![kyso_chain::eku::TIME_STAMPING];
    policy.leaf_profile = LeafProfile::TimeStampingAuthority;
    validate(&tsa, &candidates, &policy, &RevocationSources::new()).with_context(|| {
        crate::i18n::tr_with(
            crate::i18n::Key::TsaCertificateNotValid,
            &[("subject", &tsa.subject().to_string())],
        )
    })?;
    Ok(tsa.subject())
}

/// Extra room reserved beyond a probe token's size: serial numbers, nonces and genTime
/// fractions vary in length from one token to the next.
const TOKEN_SLACK: usize = 512;

/// Asks the TSA once for a token over a dummy digest, to size the /Contents reservation of a
/// B-T batch before any document is touched (and to fail early when the TSA is unusable).
pub(crate) fn probe_token_len(client: &TsaClient) -> anyhow::Result<usize> {
    let stamp = client
        .stamp_data(b"kyso: sizing the signature time-stamp")
        .context(crate::i18n::tr(crate::i18n::Key::TsaAuthority))?;
    Ok(stamp.token.len().saturating_add(TOKEN_SLACK))
}

/// PAdES B-T: stamps the signature value of the only SignerInfo of `cms` and adds the token as
/// an id-aa-signatureTimeStampToken unsigned attribute.
pub(crate) fn add_signature_timestamp(cms: &[u8], client: &TsaClient) -> anyhow::Result<Vec<u8>> {
    let info = kyso_cms::parse(cms)?;
    let [signer] = info.signer_infos.as_slice() else {
        anyhow::bail!(crate::i18n::tr(crate::i18n::Key::TsaOneSigner));
    };
    let stamp = client
        .stamp_data(signer.signature)
        .context(crate::i18n::tr(crate::i18n::Key::TsaAuthority))?;
    Ok(kyso_cms::add_unsigned_attribute(
        cms,
        &kyso_cms::oids::SIGNATURE_TIME_STAMP_TOKEN,
        &stamp.token,
    )?)
}
