//! `kyso ltv` and `kyso sign --ltv`: collecting the validation data of every signature and
//! time-stamp of a PDF (chains, OCSP responses, CRLs) into a DSS update; archive time-stamps
//! and their renewal.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use kyso_chain::{Certificate, Crl, Fetcher, OcspResponseData};
use kyso_cms::tsa::TsaClient;
use kyso_cms::tsp::TimeStampToken;
use kyso_pdf::dss::SignatureEvidence;

use crate::cli::ltv::{EvidenceArgs, LtvArgs};
use crate::input::InputBytes;
use crate::output::{write_atomically, Part};

/// Longest chain walked from a signer to its root.
const MAX_CHAIN: usize = 10;

/// Revocation evidence for one certificate, as fetched.
#[derive(Debug, Default)]
struct Fetched {
    ocsp: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    /// Certificates the OCSP responses carry (the responder's): validators look for them in
    /// the DSS.
    certs: Vec<Vec<u8>>,
}

/// A certificate's evidence, or the account of why it could not be fetched.
type CachedFetch = Result<Arc<Fetched>, String>;

/// Collects validation data, fetching each certificate's revocation evidence once per run
/// (a batch of documents by one signer costs one OCSP request per distinct certificate).
pub(crate) struct Collector {
    fetcher: Fetcher,
    extra_certs: Vec<Certificate>,
    extra_crls: Vec<Vec<u8>>,
    /// Per certificate fingerprint: the evidence, or why it could not be fetched (a responder
    /// that is down fails the rest of the batch at once instead of after a timeout each).
    cache: Mutex<HashMap<[u8; 32], CachedFetch>>,
}

/// Chains and their revocation evidence (DER), in the order collected (may repeat).
#[derive(Debug, Default)]
pub(crate) struct ChainEvidence {
    pub(crate) certificates: Vec<Vec<u8>>,
    pub(crate) ocsp_responses: Vec<Vec<u8>>,
    pub(crate) crls: Vec<Vec<u8>>,
}

/// What one DSS update holds.
pub(crate) struct LtvOutcome {
    /// The incremental update.
    pub(crate) update: Vec<u8>,
    signatures: usize,
    certificates: usize,
    ocsp: usize,
    crls: usize,
    /// Certificates for which no revocation source was found (subjects).
    without_source: Vec<String>,
}

impl LtvOutcome {
    fn describe(&self) -> String {
        let mut text = crate::i18n::tr_with(
            crate::i18n::Key::LtvDss,
            &[
                ("certificates", &self.certificates.to_string()),
                ("ocsp", &self.ocsp.to_string()),
                ("crls", &self.crls.to_string()),
                ("signatures", &self.signatures.to_string()),
            ],
        );
        if !self.without_source.is_empty() {
            text.push_str(&crate::i18n::tr_with(
                crate::i18n::Key::LtvNoSource,
                &[("subjects", &self.without_source.join(" | "))],
            ));
        }
        text
    }
}

impl Collector {
    pub(crate) fn new(args: &EvidenceArgs) -> anyhow::Result<Self> {
        let mut extra_certs = Vec::new();
        for path in &args.ltv_cert {
            let bytes = std::fs::read(path).with_context(|| {
                crate::i18n::tr_path(crate::i18n::Key::FileCannotReadAfter, path)
            })?;
            extra_certs.extend(Certificate::all_from_pem_or_der(&bytes).with_context(|| {
                crate::i18n::tr_path(crate::i18n::Key::FileNoCertificate, path)
            })?);
        }
        let mut extra_crls = Vec::new();
        for path in &args.ltv_crl {
            let bytes = std::fs::read(path).with_context(|| {
                crate::i18n::tr_path(crate::i18n::Key::FileCannotReadAfter, path)
            })?;
            let crls = Crl::all_from_pem_or_der(&bytes)
                .with_context(|| crate::i18n::tr_path(crate::i18n::Key::FileNoCrl, path))?;
            extra_crls.extend(crls.iter().map(|c| c.der().to_vec()));
        }
        Ok(Self {
            fetcher: Fetcher::new(
                Duration::from_secs(args.ltv_timeout.max(1)),
                None,
                Duration::ZERO,
            ),
            extra_certs,
            extra_crls,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The DSS update holding the validation data of every signature and document time-stamp
    /// of the PDF `data`.
    pub(crate) fn dss_update(&self, data: &[u8]) -> anyhow::Result<LtvOutcome> {
        let doc = kyso_pdf::Document::open(data)?;
        let fields = kyso_pdf::sign::signature_fields(&doc)?;
        let mut evidence = Vec::new();
        let mut without_source = Vec::new();
        for field in &fields {
            let Some(value) = &field.value else {
                continue;
            };
            let item = self
                .signature_evidence(&value.contents, &mut without_source)
                .with_context(|| {
                    crate::i18n::tr_with(crate::i18n::Key::LtvSignature, &[("name", &field.name)])
                })?;
            evidence.push(item);
        }
        if evidence.is_empty() {
            anyhow::bail!(crate::i18n::tr(crate::i18n::Key::LtvNoSignature));
        }
        if let Some(first) = evidence.first_mut() {
            first.crls.extend(self.extra_crls.iter().cloned());
        }
        without_source.sort();
        without_source.dedup();
        let count = |f: fn(&SignatureEvidence) -> &Vec<Vec<u8>>| {
            let mut all: Vec<&Vec<u8>> = evidence.iter().flat_map(f).collect();
            all.sort();
            all.dedup();
            all.len()
        };
        let outcome = LtvOutcome {
            update: Vec::new(),
            signatures: evidence.len(),
            certificates: count(|e| &e.certificates),
            ocsp: count(|e| &e.ocsp_responses),
            crls: count(|e| &e.crls),
            without_source,
        };
        let update = kyso_pdf::dss::dss_update(&doc, &evidence)?;
        Ok(LtvOutcome { update, ..outcome })
    }

    /// The chains and revocation evidence for one signature's /Contents: its signer, and the
    /// TSA of every time-stamp token in it (or the TSA itself for a document time-stamp).
    fn signature_evidence(
        &self,
        contents: &[u8],
        without_source: &mut Vec<String>,
    ) -> anyhow::Result<SignatureEvidence> {
        let der = kyso_cms::ber_to_der(contents)
            .context(crate::i18n::tr(crate::i18n::Key::LtvSignatureCms))?;
        let info =
            kyso_cms::parse(&der).context(crate::i18n::tr(crate::i18n::Key::LtvSignatureCms))?;
        let mut pool: Vec<Certificate> = self.extra_certs.clone();
        let mut leaves = Vec::new();
        add_certs(&mut pool, &info.certificates);
        leaves.push(Certificate::from_der(info.signer_certificate(0)?)?);
        if let Some(signer) = info.signer_infos.first() {
            for token in signer.signature_time_stamp_tokens() {
                let token = TimeStampToken::parse(token)
                    .context(crate::i18n::tr(crate::i18n::Key::LtvSignatureTimestamp))?;
                add_certs(&mut pool, &token.signed_data.certificates);
                leaves.push(Certificate::from_der(
                    token.signed_data.signer_certificate(0)?,
                )?);
            }
        }
        let chains = self.chains_evidence(&leaves, &pool, without_source)?;
        Ok(SignatureEvidence {
            contents: contents.to_vec(),
            certificates: chains.certificates,
            ocsp_responses: chains.ocsp_responses,
            crls: chains.crls,
        })
    }

    /// The chains of `leaves` (issuers looked up in `pool` and the `--ltv-cert` files) and
    /// the revocation evidence of every certificate on them that has an issuer: what PAdES
    /// and XAdES B-LT embed. Subjects without any revocation source go to `without_source`.
    pub(crate) fn chains_evidence(
        &self,
        leaves: &[Certificate],
        pool: &[Certificate],
        without_source: &mut Vec<String>,
    ) -> anyhow::Result<ChainEvidence> {
        let mut pool = pool.to_vec();
        add_certs(
            &mut pool,
            &self
                .extra_certs
                .iter()
                .map(Certificate::der)
                .collect::<Vec<_>>(),
        );
        let mut evidence = ChainEvidence::default();
        for leaf in leaves {
            for (cert, issuer) in chain(leaf, &pool) {
                evidence.certificates.push(cert.der().to_vec());
                let Some(issuer) = issuer else {
                    continue;
                };
                let fetched = self.revocation(&cert, &issuer)?;
                if fetched.ocsp.is_empty() && fetched.crls.is_empty() {
                    without_source.push(cert.subject());
                }
                evidence.ocsp_responses.extend(fetched.ocsp.iter().cloned());
                evidence.certificates.extend(fetched.certs.iter().cloned());
                evidence.crls.extend(fetched.crls.iter().cloned());
            }
        }
        Ok(evidence)
    }

    /// The `--ltv-crl` files (DER CRLs).
    pub(crate) fn extra_crls(&self) -> &[Vec<u8>] {
        &self.extra_crls
    }

    /// The revocation evidence of `cert` (issued by `issuer`): an OCSP response from its AIA
    /// responder, or else its CRLs; fetched once per certificate and remembered, failures too.
    fn revocation(&self, cert: &Certificate, issuer: &Certificate) -> anyhow::Result<Arc<Fetched>> {
        // The lock is held across the fetch, so parallel signers of one batch wait for the
        // first fetch of a certificate instead of repeating it.
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = cert.fingerprint();
        if let Some(hit) = cache.get(&key) {
            return hit.clone().map_err(|why| anyhow::anyhow!(why));
        }
        let fetched = self
            .fetch(cert, issuer)
            .map(Arc::new)
            .map_err(|err| format!("{err:#}"));
        cache.insert(key, fetched.clone());
        fetched.map_err(|why| anyhow::anyhow!(why))
    }

    fn fetch(&self, cert: &Certificate, issuer: &Certificate) -> anyhow::Result<Fetched> {
        let mut fetched = Fetched::default();
        let mut last_error = None;
        if !cert.ocsp_urls().is_empty() {
            let request = kyso_chain::ocsp_request_der(cert, issuer)?;
            for url in cert.ocsp_urls() {
                match self.fetcher.post_ocsp(url, &request) {
                    Ok(body) => match OcspResponseData::from_der(&body) {
                        Ok(response) => {
                            fetched.certs.extend(ocsp_certificates(response.der()));
                            fetched.ocsp.push(response.der().to_vec());
                            break;
                        }
                        Err(err) => last_error = Some(anyhow::Error::new(err)),
                    },
                    Err(err) => last_error = Some(anyhow::Error::new(err)),
                }
            }
        }
        if fetched.ocsp.is_empty() {
            for url in cert.crl_urls() {
                match self.fetcher.get(&url) {
                    Ok(body) => match Crl::all_from_pem_or_der(&body) {
                        Ok(crls) => {
                            fetched.crls.extend(crls.iter().map(|c| c.der().to_vec()));
                            break;
                        }
                        Err(err) => last_error = Some(anyhow::Error::new(err)),
                    },
                    Err(err) => last_error = Some(anyhow::Error::new(err)),
                }
            }
        }
        match last_error {
            Some(err) if fetched.ocsp.is_empty() && fetched.crls.is_empty() => {
                Err(err.context(crate::i18n::tr_with(
                    crate::i18n::Key::LtvCannotFetch,
                    &[("subject", &cert.subject().to_string())],
                )))
            }
            _ => Ok(fetched),
        }
    }
}

/// The certificates in a DER OCSPResponse's BasicOCSPResponse (RFC 6960 §4.2.1):
///
/// ```text
/// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
///     SEQUENCE { responseType OID, response OCTET STRING } OPTIONAL }
/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature,
///     certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
///
/// Anything malformed yields what was read so far (the response itself was decoded by
/// kyso-chain already).
fn ocsp_certificates(der: &[u8]) -> Vec<Vec<u8>> {
    use der::asn1::AnyRef;
    use der::{Decode, Encode, Reader, SliceReader};
    fn elements(bytes: &[u8]) -> Vec<AnyRef<'_>> {
        let mut out = Vec::new();
        if let Ok(mut reader) = SliceReader::new(bytes) {
            while !reader.is_finished() {
                match reader.decode::<AnyRef<'_>>() {
                    Ok(any) => out.push(any),
                    Err(_) => break,
                }
            }
        }
        out
    }
    let Ok(response) = AnyRef::from_der(der) else {
        return Vec::new();
    };
    let Some(bytes) = elements(response.value()).get(1).copied() else {
        return Vec::new();
    };
    let Some(response_bytes) = elements(bytes.value()).first().copied() else {
        return Vec::new();
    };
    let Some(basic) = elements(response_bytes.value()).get(1).copied() else {
        return Vec::new();
    };
    let Ok(basic) = AnyRef::from_der(basic.value()) else {
        return Vec::new();
    };
    let Some(certs) = elements(basic.value()).get(3).copied() else {
        return Vec::new();
    };
    let Some(sequence) = elements(certs.value()).first().copied() else {
        return Vec::new();
    };
    elements(sequence.value())
        .iter()
        .filter_map(|cert| cert.to_der().ok())
        .collect()
}

fn add_certs(pool: &mut Vec<Certificate>, ders: &[&[u8]]) {
    for der in ders {
        if let Ok(cert) = Certificate::from_der(der) {
            if !pool.iter().any(|c| c.der() == cert.der()) {
                pool.push(cert);
            }
        }
    }
}

/// `leaf` and its issuers up to a self-issued certificate, each with its issuer (`None` for
/// the root or when the issuer is not among `pool`). Matching is by name: this gathers
/// evidence, it does not judge the chain (verification does).
fn chain(leaf: &Certificate, pool: &[Certificate]) -> Vec<(Certificate, Option<Certificate>)> {
    let mut out: Vec<(Certificate, Option<Certificate>)> = Vec::new();
    let mut current = leaf.clone();
    for _ in 0..MAX_CHAIN {
        if current.is_self_issued() {
            out.push((current, None));
            break;
        }
        let issuer = pool
            .iter()
            .find(|c| c.subject() == current.issuer() && c.der() != current.der())
            .cloned();
        out.push((current, issuer.clone()));
        match issuer {
            Some(next) if !out.iter().any(|(c, _)| c.der() == next.der()) => current = next,
            _ => break,
        }
    }
    out
}

pub(crate) fn run(args: LtvArgs) -> anyhow::Result<ExitCode> {
    if args.output.is_some() && args.inputs.len() != 1 {
        anyhow::bail!(crate::i18n::tr(crate::i18n::Key::OutputTakesOneInput));
    }
    let client = crate::cmd::timestamp::tsa_client(&args.tsa)?;
    if (args.archive || args.renew) && client.is_none() && !args.dry_run {
        anyhow::bail!(crate::i18n::tr(crate::i18n::Key::LtvNeedsTsa));
    }
    let collector = Collector::new(&args.evidence)?;
    let mut failed = 0usize;
    let mut out = std::io::stdout().lock();
    for input in &args.inputs {
        let result = process(&args, &collector, client.as_ref(), input);
        let line = match (&result, args.json) {
            (Ok(report), true) => serde_json::json!({
                "input": input.display().to_string(),
                "status": report.status,
                "detail": report.detail,
            })
            .to_string(),
            (Err(err), true) => serde_json::json!({
                "input": input.display().to_string(),
                "status": "error",
                "error": format!("{err:#}"),
            })
            .to_string(),
            (Ok(report), false) => format!(
                "{} {}: {}",
                crate::i18n::term(report.status),
                input.display(),
                report.detail
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
        };
        if result.is_err() {
            failed += 1;
        }
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::from(if failed == 0 {
        crate::exit::OK
    } else {
        crate::exit::FAILED
    }))
}

/// One file's result line.
struct Report {
    status: &'static str,
    detail: String,
}

fn process(
    args: &LtvArgs,
    collector: &Collector,
    client: Option<&TsaClient>,
    input: &Path,
) -> anyhow::Result<Report> {
    let bytes = InputBytes::open(input)?;
    if args.renew {
        let (tsa, expires) = last_archive_timestamp(&bytes)?;
        let due = expires - chrono::Duration::days(i64::from(args.renew_within));
        let when = crate::i18n::tr_with(
            crate::i18n::Key::LtvTsaExpires,
            &[("tsa", &tsa), ("time", &expires.to_rfc3339())],
        );
        if Utc::now() < due {
            return Ok(Report {
                status: "up-to-date",
                detail: when,
            });
        }
        if args.dry_run {
            return Ok(Report {
                status: "would-renew",
                detail: when,
            });
        }
    }
    let outcome = collector.dss_update(&bytes)?;
    let mut parts_owned: Vec<Vec<u8>> = vec![outcome.update.clone()];
    let mut detail = outcome.describe();
    let mut status = "ltv";
    if args.archive || args.renew {
        let client = client.context(crate::i18n::tr(crate::i18n::Key::LtvNoTsa))?;
        let mut whole = bytes.to_vec();
        whole.extend_from_slice(&outcome.update);
        let stamp = crate::cmd::timestamp::document_timestamp(&whole, client)?;
        detail.push_str(&crate::i18n::tr_with(
            crate::i18n::Key::LtvArchiveStamp,
            &[
                ("time", &stamp.gen_time.to_rfc3339()),
                ("url", &stamp.url.to_string()),
            ],
        ));
        parts_owned.push(stamp.update);
        status = if args.renew { "renewed" } else { "archived" };
    }
    let target: PathBuf = args.output.clone().unwrap_or_else(|| input.to_path_buf());
    let mut parts = vec![Part::Bytes(&bytes)];
    parts.extend(parts_owned.iter().map(|p| Part::Bytes(p)));
    write_atomically(&target, &parts, true)?;
    Ok(Report { status, detail })
}

/// The TSA subject and certificate expiry of the newest document time-stamp of a PDF.
fn last_archive_timestamp(data: &[u8]) -> anyhow::Result<(String, DateTime<Utc>)> {
    let doc = kyso_pdf::Document::open(data)?;
    let newest = kyso_pdf::sign::signature_fields(&doc)?
        .into_iter()
        .filter_map(|f| f.value)
        .filter(|v| v.sub_filter.as_deref() == Some("ETSI.RFC3161"))
        .max_by_key(|v| {
            v.byte_range
                .get(2)
                .zip(v.byte_range.get(3))
                .map(|(a, b)| a.saturating_add(*b))
                .unwrap_or(0)
        })
        .context(crate::i18n::tr(crate::i18n::Key::LtvNotArchive))?;
    let der = kyso_cms::ber_to_der(&newest.contents)?;
    let token = TimeStampToken::parse(&der)?;
    let tsa = Certificate::from_der(token.signed_data.signer_certificate(0)?)?;
    Ok((tsa.subject(), tsa.not_after()))
}
