//! Turns the facts kyso-pdf found about a signature into a verdict: chain validation through
//! kyso-chain at the proven (or claimed) time, then the ETSI indication, level and reasons.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use kyso_chain::{
    eku, CertPool, Certificate, ChainError, KeyUsageBit, RevocationMode, RevocationSources,
    RevocationStatus, Sha1Policy, ValidatedPath, ValidationPolicy, Warning,
};
use kyso_cms::Error as CmsError;
use kyso_pdf::verify::{
    CoverageFacts, CryptoFailure, CryptoOutcome, RevocationMaterial, Severity, SignatureFacts,
    SignatureKind,
};
use kyso_verdict::{Coverage, Indication, Level, Reason, SignatureVerdict, SubIndication};
use kyso_xml::dsig::ChainOutcome;

use crate::cli::Lang;
use crate::i18n::{self, Key};

/// What every signature of a run is validated against (built once per run).
pub(crate) struct Context {
    /// Trust anchors: installed roots plus `--trust`.
    pub(crate) anchors: CertPool,
    /// Installed intermediates.
    pub(crate) intermediates: CertPool,
    /// `--at`: validate at this time instead of the signing time.
    pub(crate) at: Option<DateTime<Utc>>,
    /// Online revocation fetching (absent with `--offline`).
    pub(crate) fetcher: Option<kyso_chain::Fetcher>,
    /// `--allow-external`: XML references to URLs and absolute paths are followed.
    pub(crate) allow_external: bool,
}

/// A reason's English text (the JSON `message`), from the catalogue: the table renders the
/// Vietnamese row of the same key from it (src/report/mod.rs).
fn en(key: Key, args: &[(&str, &str)]) -> String {
    crate::report::fill(i18n::text(key, Lang::En), args)
}

/// Vietnam's offset, used for every time shown (the rules want `+07:00`).
fn vn_time(time: SystemTime) -> String {
    let utc: DateTime<Utc> = time.into();
    match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => utc
            .with_timezone(&offset)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
        None => utc.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

fn vn_chrono(time: DateTime<Utc>) -> String {
    vn_time(time.into())
}

/// Accumulates reasons and keeps the worst indication.
struct Outcome {
    indication: Indication,
    sub: Option<SubIndication>,
    reasons: Vec<Reason>,
}

impl Outcome {
    fn new() -> Self {
        Self {
            indication: Indication::Passed,
            sub: None,
            reasons: Vec::new(),
        }
    }

    fn rank(i: Indication) -> u8 {
        match i {
            Indication::Passed => 0,
            Indication::Indeterminate => 1,
            Indication::Failed => 2,
        }
    }

    fn push(
        &mut self,
        indication: Indication,
        sub: Option<SubIndication>,
        code: &str,
        message: String,
    ) {
        if Self::rank(indication) > Self::rank(self.indication) {
            self.indication = indication;
            self.sub = sub;
        }
        self.reasons.push(Reason {
            code: code.to_owned(),
            message,
        });
    }

    fn note(&mut self, code: &str, message: String) {
        self.push(Indication::Passed, None, code, message);
    }
}

/// A proof of existence (ETSI EN 319 102-1 §5.6.2.4): a document timestamp, valid itself,
/// whose signed bytes include a signature or an older timestamp proves that it existed at its
/// genTime, together with the DSS revocation data it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Proof {
    /// The genTime of the document timestamp.
    pub(crate) time: SystemTime,
    /// The field name of the document timestamp.
    pub(crate) by: String,
}

/// The verdict of one signature, and whether its certificate chain was validated (a document
/// timestamp proves existence for what it covers only when both hold).
pub(crate) struct Judged {
    pub(crate) verdict: SignatureVerdict,
    pub(crate) chain_valid: bool,
}

/// Builds the verdict of one signature.
///
/// `archive_time` is the time proven by a verified document timestamp covering this
/// signature (it lifts the level to B-T, and with revocation data to B-LTA). `proof` is the
/// oldest *valid* document timestamp covering it: when the chain does not validate at the
/// validation time only because a certificate expired or its revocation status cannot be
/// known by then, the chain is validated again at the proven time (long-term validation).
pub(crate) fn verdict(
    facts: &SignatureFacts,
    dss: &RevocationMaterial,
    archive_time: Option<SystemTime>,
    proof: Option<&Proof>,
    ctx: &Context,
) -> Judged {
    let mut out = Outcome::new();
    for finding in &facts.findings {
        let code = finding.kind.code();
        match finding.severity {
            Severity::Fail => out.push(
                Indication::Failed,
                Some(SubIndication::FormatFailure),
                code,
                finding.message.clone(),
            ),
            Severity::Indeterminate => out.push(
                Indication::Indeterminate,
                Some(SubIndication::SignedDataNotFound),
                code,
                finding.message.clone(),
            ),
            Severity::Note => out.note(code, finding.message.clone()),
        }
    }

    let mut material = facts.embedded.clone();
    material.absorb(dss);
    let (signer_der, claimed) = match &facts.crypto {
        CryptoOutcome::Unchecked => (None, None),
        CryptoOutcome::Failed {
            failure,
            signer_certificate,
        } => {
            crypto_failure(&mut out, failure);
            (signer_certificate.clone(), None)
        }
        CryptoOutcome::Verified {
            signer_certificate,
            uses_sha1,
            claimed_time,
            ..
        } => {
            out.note("integrity-ok", en(Key::ReasonIntegrityOk, &[]));
            if *uses_sha1 {
                out.note("sha1", en(Key::ReasonSha1, &[]));
            }
            (Some(signer_certificate.clone()), *claimed_time)
        }
    };
    let pdf_time = facts
        .pdf_signing_time
        .as_deref()
        .and_then(kyso_pdf::verify::parse_pdf_date);
    let claimed = claimed.or(pdf_time);

    let leaf = signer_der
        .as_deref()
        .and_then(|der| Certificate::from_der(der).ok());
    let pool = pool_for(ctx, &material);
    let pool = &*pool;
    let sources = revocation_sources(&material, ctx);

    // The time proven by a timestamp, when its token verifies and its TSA is trusted.
    let at_or_now = ctx.at.unwrap_or_else(Utc::now);
    let mut proven: Option<SystemTime> = None;
    if let Some(ts) = &facts.timestamp {
        match &ts.outcome {
            // A token stamping something else is tampering; a token that is merely defective
            // (its own signature or attributes) proves nothing and is ignored, as ETSI says.
            Err(e @ CryptoFailure::Cms(CmsError::ImprintMismatch | CmsError::DigestMismatch))
                if facts.kind == SignatureKind::Signature =>
            {
                out.push(
                    Indication::Failed,
                    Some(SubIndication::HashFailure),
                    "timestamp-imprint-mismatch",
                    en(Key::ReasonTimestampImprint, &[("detail", &e.to_string())]),
                )
            }
            Err(e) if facts.kind == SignatureKind::Signature => out.note(
                "timestamp-ignored",
                en(Key::ReasonTimestampIgnored, &[("detail", &e.to_string())]),
            ),
            Err(_) => {}
            Ok(()) => {
                let tsa = ts
                    .tsa_certificate
                    .as_deref()
                    .and_then(|d| Certificate::from_der(d).ok());
                // The TSA must be valid at the validation time, or at the time a covering
                // document timestamp proves. A document timestamp's validation time is `--at`
                // or now; a signature timestamp's is `--at` or, without it, its genTime.
                let must_hold = match facts.kind {
                    SignatureKind::DocumentTimestamp => at_or_now.into(),
                    SignatureKind::Signature => ctx.at.map_or(ts.gen_time, Into::into),
                };
                let checked = tsa.map(|tsa| {
                    validate_or_prove(must_hold, proof.map(|p| p.time), |t| {
                        validate_tsa(&tsa, t, pool, ctx, &sources)
                    })
                });
                match checked {
                    Some(Ok((_, lifted))) => {
                        proven = Some(ts.gen_time);
                        if let (Some(t), Some(p)) = (lifted, proof) {
                            if facts.kind == SignatureKind::Signature {
                                out.note(
                                    "proven-existence",
                                    en(
                                        Key::ReasonTimestampProven,
                                        &[("time", &vn_time(t)), ("by", &p.by)],
                                    ),
                                );
                            }
                        }
                    }
                    Some(Err(e)) if facts.kind == SignatureKind::Signature => out.note(
                        "timestamp-untrusted",
                        en(Key::ReasonTimestampUntrusted, &[("detail", &e.to_string())]),
                    ),
                    _ => {}
                }
            }
        }
    }

    let validation_time = match facts.kind {
        SignatureKind::DocumentTimestamp => at_or_now,
        SignatureKind::Signature => ctx
            .at
            .or_else(|| proven.map(Into::into))
            .or_else(|| claimed.map(Into::into))
            .unwrap_or(at_or_now),
    };
    match (&leaf, proven, ctx.at) {
        (_, _, None) if facts.kind == SignatureKind::DocumentTimestamp => out.note(
            "validation-time",
            en(
                Key::ReasonValidatedNow,
                &[("time", &vn_chrono(validation_time))],
            ),
        ),
        (_, _, Some(at)) => out.note(
            "validation-time",
            en(Key::ReasonValidatedAt, &[("time", &vn_chrono(at))]),
        ),
        (_, Some(t), None) => out.note(
            "validation-time",
            en(Key::ReasonValidatedProven, &[("time", &vn_time(t))]),
        ),
        (_, None, None) if claimed.is_some() => out.note(
            "validation-time-claimed",
            en(
                Key::ReasonValidatedClaimed,
                &[("time", &vn_chrono(validation_time))],
            ),
        ),
        _ => out.note("validation-time-now", en(Key::ReasonValidatedNoTime, &[])),
    }

    // The earliest proven time, usable only under a valid covering document timestamp: a
    // signature's own signature timestamp when it is valid, else the document timestamp's.
    let proven_at = proof.map(|p| match facts.kind {
        SignatureKind::Signature => proven.map_or(p.time, |t| t.min(p.time)),
        SignatureKind::DocumentTimestamp => p.time,
    });
    let mut path = None;
    if let Some(leaf) = &leaf {
        if matches!(facts.crypto, CryptoOutcome::Verified { .. }) {
            let result = validate_or_prove(validation_time.into(), proven_at, |t| {
                if facts.kind == SignatureKind::DocumentTimestamp {
                    validate_tsa(leaf, t, pool, ctx, &sources)
                } else {
                    validate_signer(leaf, t.into(), pool, ctx, &sources)
                }
            });
            match result {
                Ok((p, lifted)) => {
                    if let (Some(t), Some(by)) = (lifted, proof) {
                        let (time, by_time) = (vn_time(t), vn_time(by.time));
                        let args = [("time", &*time), ("by", &*by.by), ("by_time", &*by_time)];
                        let key = if facts.kind == SignatureKind::Signature && proven == Some(t) {
                            Key::ReasonProvenBySignatureTimestamp
                        } else {
                            Key::ReasonProvenByDocumentTimestamp
                        };
                        out.note("proven-existence", en(key, &args));
                    }
                    for warning in p.warnings() {
                        out.note("chain-warning", warning_text(warning));
                    }
                    path = Some(p);
                }
                Err(e) => chain_failure(&mut out, &e),
            }
        }
    }

    // The level is about what the file holds: an intact signature timestamp counts whether or
    // not its TSA is trusted (that is the indication's business, and a reason says so).
    let stamped = facts
        .timestamp
        .as_ref()
        .filter(|t| t.outcome.is_ok())
        .map(|t| t.gen_time);
    let level = level(facts, leaf.as_ref(), dss, stamped.or(archive_time), ctx);
    if let Some(why) = not_baseline(facts) {
        out.note("not-baseline", en(why, &[]));
    }
    let coverage = coverage(facts);
    let (signer, organization, issuer, not_before, not_after) = match &leaf {
        Some(cert) => (
            Some(cert.subject()),
            organization(cert),
            Some(
                path.as_ref()
                    .and_then(|p| p.certificates().get(1).map(Certificate::subject))
                    .unwrap_or_else(|| cert.issuer()),
            ),
            Some(vn_chrono(cert.not_before())),
            Some(vn_chrono(cert.not_after())),
        ),
        None => (facts.name.clone(), None, None, None, None),
    };
    let chain_valid = path.is_some();
    let verdict = SignatureVerdict {
        id: facts.field_name.clone(),
        kind: match facts.kind {
            SignatureKind::Signature => "signature".into(),
            SignatureKind::DocumentTimestamp => "document-timestamp".into(),
        },
        indication: out.indication,
        sub_indication: out.sub,
        level,
        signer,
        organization,
        holder: signer_der
            .as_deref()
            .and_then(crate::cmd::cert_role::holder),
        issuer,
        certificate_not_before: not_before,
        certificate_not_after: not_after,
        signing_time: claimed.map(vn_time),
        timestamp: facts
            .timestamp
            .as_ref()
            .filter(|t| t.outcome.is_ok())
            .map(|t| vn_time(t.gen_time)),
        format: facts.sub_filter.clone().unwrap_or_else(|| "-".into()),
        coverage,
        reasons: sorted(out.reasons),
    };
    Judged {
        verdict,
        chain_valid,
    }
}

/// Validates at `time`; when that fails only because of time (a certificate expired, or a
/// revocation status is unknown by then) and existence is proven at an earlier time, validates
/// again at the proven time. Returns the path and the proven time when it was used.
fn validate_or_prove(
    time: SystemTime,
    proven: Option<SystemTime>,
    validate: impl Fn(SystemTime) -> Result<ValidatedPath, ChainError>,
) -> Result<(ValidatedPath, Option<SystemTime>), ChainError> {
    match validate(time) {
        Ok(path) => Ok((path, None)),
        Err(e) => match proven.filter(|t| *t < time) {
            Some(t) if lifted_by_proof(&e) => validate(t).map(|path| (path, Some(t))),
            _ => Err(e),
        },
    }
}

/// The chain errors a proof of existence at an earlier time can cure.
fn lifted_by_proof(e: &ChainError) -> bool {
    matches!(
        e,
        ChainError::Expired { .. } | ChainError::RevocationUnknown { .. }
    )
}

/// Failures and indeterminate reasons first, notes after.
fn sorted(mut reasons: Vec<Reason>) -> Vec<Reason> {
    let is_note = |r: &Reason| {
        matches!(
            r.code.as_str(),
            "integrity-ok"
                | "sha1"
                | "validation-time"
                | "validation-time-claimed"
                | "validation-time-now"
                | "chain-warning"
                | "allowed-changes-after-signing"
                | "legacy-format"
                | "timestamp-untrusted"
                | "timestamp-ignored"
                | "chain-ok"
                | "proven-existence"
                | "not-baseline"
        )
    };
    reasons.sort_by_key(|r| is_note(r));
    reasons
}

fn crypto_failure(out: &mut Outcome, failure: &CryptoFailure) {
    let message = failure.to_string();
    let (indication, sub, code) = match failure {
        CryptoFailure::Cms(CmsError::DigestMismatch) | CryptoFailure::Sha1ContentMismatch => (
            Indication::Failed,
            SubIndication::HashFailure,
            "digest-mismatch",
        ),
        CryptoFailure::Cms(CmsError::BadSignature) => (
            Indication::Failed,
            SubIndication::SigCryptoFailure,
            "bad-signature",
        ),
        CryptoFailure::Cms(CmsError::SigningCertificateMismatch) => (
            Indication::Failed,
            SubIndication::SigCryptoFailure,
            "signing-certificate-mismatch",
        ),
        CryptoFailure::Cms(CmsError::SignerCertificateNotFound) => (
            Indication::Indeterminate,
            SubIndication::NoSigningCertificateFound,
            "signer-certificate-not-found",
        ),
        CryptoFailure::Cms(CmsError::UnsupportedAlgorithm { .. }) => (
            Indication::Indeterminate,
            SubIndication::CryptoConstraintsFailure,
            "unsupported-algorithm",
        ),
        f if !f.is_certain() => (
            Indication::Indeterminate,
            SubIndication::SignedDataNotFound,
            "unsupported",
        ),
        _ => (
            Indication::Failed,
            SubIndication::FormatFailure,
            "cms-invalid",
        ),
    };
    out.push(indication, Some(sub), code, message);
}

fn chain_failure(out: &mut Outcome, e: &ChainError) {
    let (indication, sub) = chain_indication(e);
    out.push(
        indication,
        Some(sub),
        &format!("chain-{}", e.code()),
        en(Key::ReasonChain, &[("detail", &e.to_string())]),
    );
}

/// The ETSI indication a chain error gives, for PDF and XML signers alike.
fn chain_indication(e: &ChainError) -> (Indication, SubIndication) {
    match e {
        ChainError::UnknownIssuer { .. } => (
            Indication::Indeterminate,
            SubIndication::NoCertificateChainFound,
        ),
        ChainError::Expired { .. } => (Indication::Indeterminate, SubIndication::OutOfBoundsNoPoe),
        ChainError::NotYetValid { .. } => (Indication::Indeterminate, SubIndication::NotYetValid),
        ChainError::Revoked { .. } => (Indication::Indeterminate, SubIndication::RevokedNoPoe),
        ChainError::RevocationUnknown { .. } => {
            (Indication::Indeterminate, SubIndication::TryLater)
        }
        ChainError::UnsupportedAlgorithm { .. }
        | ChainError::WeakKey { .. }
        | ChainError::Sha1Rejected { .. } => (
            Indication::Indeterminate,
            SubIndication::CryptoConstraintsFailure,
        ),
        ChainError::MissingKeyUsage { .. }
        | ChainError::EkuNotAllowed { .. }
        | ChainError::PolicyViolation { .. } => (
            Indication::Indeterminate,
            SubIndication::ChainConstraintsFailure,
        ),
        _ => (
            Indication::Indeterminate,
            SubIndication::CertificateChainGeneralFailure,
        ),
    }
}

/// Validates an XML signer's certificate (kyso-xml's `ChainValidator` seam) exactly as a PDF
/// signer's: the run's anchors and installed intermediates plus the signature's certificates,
/// its embedded CRLs and OCSP responses (XAdES B-LT) as revocation sources, the same key
/// usages, revocation policy and fetcher, and the same mapping of chain errors to
/// sub-indications.
pub(super) fn xml_chain_outcome(
    leaf_der: &[u8],
    material: &RevocationMaterial,
    at: SystemTime,
    ctx: &Context,
) -> ChainOutcome {
    let leaf = match Certificate::from_der(leaf_der) {
        Ok(leaf) => leaf,
        Err(e) => {
            return ChainOutcome::Indeterminate {
                sub_indication: SubIndication::NoSigningCertificateFound,
                reason: en(
                    Key::ReasonCertificateUnparsable,
                    &[("detail", &e.to_string())],
                ),
            }
        }
    };
    let pool = pool_for(ctx, material);
    let sources = revocation_sources(material, ctx);
    match validate_signer(&leaf, at.into(), &pool, ctx, &sources) {
        Ok(_) => ChainOutcome::Trusted,
        Err(e) => {
            let reason = en(Key::ReasonChain, &[("detail", &e.to_string())]);
            match chain_indication(&e) {
                (Indication::Failed, sub_indication) => ChainOutcome::Failed {
                    sub_indication,
                    reason,
                },
                (_, sub_indication) => ChainOutcome::Indeterminate {
                    sub_indication,
                    reason,
                },
            }
        }
    }
}

fn warning_text(warning: &Warning) -> String {
    match warning {
        Warning::Sha1Signature { subject } => en(Key::ReasonWarningSha1, &[("subject", subject)]),
        Warning::RevocationUnknown { subject, why } => en(
            Key::ReasonWarningRevocation,
            &[("subject", subject), ("why", &why.to_string())],
        ),
        other => format!("{other:?}"),
    }
}

fn revocation_sources(material: &RevocationMaterial, ctx: &Context) -> RevocationSources {
    let mut sources = RevocationSources::new();
    for crl in &material.crls {
        let _ = sources.add_crl_der(crl);
    }
    for ocsp in &material.ocsp_responses {
        let _ = sources.add_ocsp_der(ocsp);
    }
    if let Some(fetcher) = &ctx.fetcher {
        sources.set_online(fetcher.clone());
    }
    sources
}

/// Most certificate pools a worker thread keeps.
const MAX_POOLS: usize = 256;

thread_local! {
    /// Pools keyed by the fingerprints of the certificates a file brings: files from the same
    /// signers share a pool and so its warm signature cache (kyso-chain caches verified
    /// certificate signatures per pool), while each file still sees exactly the installed
    /// intermediates plus its own certificates, so verdicts never depend on batch order.
    static POOLS: RefCell<HashMap<Vec<[u8; 32]>, Rc<CertPool>>> = RefCell::new(HashMap::new());
    /// This thread's policy: the anchors are the run's; time and usages are set per call.
    static POLICY: RefCell<Option<ValidationPolicy>> = const { RefCell::new(None) };
    /// Pools of the certificates files carry, for the long-term (B-LT) check.
    static CARRIED_POOLS: RefCell<HashMap<Vec<[u8; 32]>, Rc<CertPool>>> =
        RefCell::new(HashMap::new());
}

/// The pool of exactly the certificates a file carries, shared (with its warm signature
/// cache) by every file that carries the same ones: the long-term check of `carried_data_cover`
/// then costs hash lookups instead of a signature verification per certificate, CRL and OCSP
/// response.
fn carried_pool(certs: Vec<Certificate>) -> Rc<CertPool> {
    let mut key: Vec<[u8; 32]> = certs.iter().map(Certificate::fingerprint).collect();
    key.sort_unstable();
    key.dedup();
    CARRIED_POOLS.with(|pools| {
        let mut pools = pools.borrow_mut();
        if let Some(pool) = pools.get(&key) {
            return Rc::clone(pool);
        }
        let pool = Rc::new(CertPool::from_certs(certs));
        if pools.len() >= MAX_POOLS {
            pools.clear();
        }
        pools.insert(key, Rc::clone(&pool));
        pool
    })
}

fn pool_for(ctx: &Context, material: &RevocationMaterial) -> Rc<CertPool> {
    let certs: Vec<Certificate> = material
        .certificates
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok())
        .collect();
    let mut key: Vec<[u8; 32]> = certs.iter().map(Certificate::fingerprint).collect();
    key.sort_unstable();
    key.dedup();
    POOLS.with(|pools| {
        let mut pools = pools.borrow_mut();
        if let Some(pool) = pools.get(&key) {
            return Rc::clone(pool);
        }
        let mut pool = CertPool::from_certs(ctx.intermediates.certificates().iter().cloned());
        for cert in certs {
            pool.add(cert);
        }
        let pool = Rc::new(pool);
        if pools.len() >= MAX_POOLS {
            pools.clear();
        }
        pools.insert(key, Rc::clone(&pool));
        pool
    })
}

/// Runs `f` with this thread's policy set to `time` and no usage requirements.
fn with_policy<T>(
    ctx: &Context,
    time: DateTime<Utc>,
    f: impl FnOnce(&mut ValidationPolicy) -> T,
) -> T {
    POLICY.with(|cell| {
        let mut cell = cell.borrow_mut();
        let policy = cell.get_or_insert_with(|| {
            let mut policy = ValidationPolicy::new(
                CertPool::from_certs(ctx.anchors.certificates().iter().cloned()),
                time,
            );
            policy.revocation = RevocationMode::SoftFail;
            policy.sha1 = Sha1Policy::Warn;
            policy
        });
        policy.time = time;
        policy.required_ekus = Vec::new();
        policy.required_key_usages = Vec::new();
        policy.key_usage_any_of = false;
        f(policy)
    })
}

fn validate_signer(
    leaf: &Certificate,
    time: DateTime<Utc>,
    pool: &CertPool,
    ctx: &Context,
    sources: &RevocationSources,
) -> Result<ValidatedPath, ChainError> {
    with_policy(ctx, time, |policy| {
        policy.required_key_usages = vec![
            KeyUsageBit::DigitalSignature,
            KeyUsageBit::ContentCommitment,
        ];
        policy.key_usage_any_of = true;
        kyso_chain::validate(leaf, pool, policy, sources)
    })
}

fn validate_tsa(
    tsa: &Certificate,
    time: SystemTime,
    pool: &CertPool,
    ctx: &Context,
    sources: &RevocationSources,
) -> Result<ValidatedPath, ChainError> {
    with_policy(ctx, time.into(), |policy| {
        policy.required_ekus = vec![eku::TIME_STAMPING];
        kyso_chain::validate(tsa, pool, policy, sources)
    })
}

/// The PAdES baseline level (ETSI EN 319 142-1 §6): B-B for an `ETSI.CAdES.detached`
/// signature whose signed attributes bind the signer's certificate (signing-certificate-v2)
/// and carry no signing-time (PAdES puts the claimed time in /M); B-T with an intact signature
/// timestamp or a document timestamp covering it (`proven`: its time); B-LT when the DSS
/// really holds the validation material of the signer's chain and of its signature
/// timestamp's TSA chain; B-LTA when a document timestamp covers a DSS that does.
/// `adbe.pkcs7.*` signatures reach no baseline level.
fn level(
    facts: &SignatureFacts,
    leaf: Option<&Certificate>,
    dss: &RevocationMaterial,
    proven: Option<SystemTime>,
    ctx: &Context,
) -> Level {
    if facts.kind == SignatureKind::DocumentTimestamp {
        return Level::None;
    }
    let baseline = facts.sub_filter.as_deref() == Some("ETSI.CAdES.detached")
        && matches!(
            facts.crypto,
            CryptoOutcome::Verified {
                binds_certificate: true,
                claimed_time: None,
                ..
            }
        );
    if !baseline {
        return Level::None;
    }
    let (Some(time), Some(leaf)) = (proven, leaf) else {
        return if proven.is_some() {
            Level::BT
        } else {
            Level::BB
        };
    };
    let covered =
        |material: &RevocationMaterial| long_term_covered(facts, leaf, material, time, ctx);
    let archived = facts.archives.iter().any(|a| covered(&a.dss));
    if archived {
        Level::BLta
    } else if covered(dss) {
        Level::BLt
    } else {
        Level::BT
    }
}

/// Why an `ETSI.CAdES.detached` signature that verifies reaches no PAdES baseline level.
fn not_baseline(facts: &SignatureFacts) -> Option<Key> {
    if facts.kind != SignatureKind::Signature
        || facts.sub_filter.as_deref() != Some("ETSI.CAdES.detached")
    {
        return None;
    }
    match facts.crypto {
        CryptoOutcome::Verified {
            binds_certificate: false,
            ..
        } => Some(Key::ReasonNoCertificateBinding),
        CryptoOutcome::Verified {
            claimed_time: Some(_),
            ..
        } => Some(Key::ReasonSigningTimeAttribute),
        _ => None,
    }
}

/// Whether `dss`, with the certificates the signature itself carries, holds the validation
/// material of the signer's chain and of its signature timestamp's TSA chain at `time`: the
/// chains build from those certificates alone and validate offline with the DSS's CRLs and
/// OCSP responses alone, which must give a status for every certificate below the anchor that
/// names a revocation source (CRL distribution point or OCSP responder; one that names none
/// cannot have any, as pyHanko's LTV check also holds). The anchors are the run's plus any
/// self-signed certificate carried, so the level says what the file holds whether or not the
/// root is trusted (trust is the indication's business).
fn long_term_covered(
    facts: &SignatureFacts,
    leaf: &Certificate,
    dss: &RevocationMaterial,
    time: SystemTime,
    ctx: &Context,
) -> bool {
    if dss.certificates.is_empty() && !dss.has_revocation_data() {
        return false;
    }
    let carried: Vec<Vec<u8>> = facts
        .embedded
        .certificates
        .iter()
        .chain(&dss.certificates)
        .cloned()
        .collect();
    let material = RevocationMaterial {
        certificates: carried,
        crls: dss.crls.clone(),
        ocsp_responses: dss.ocsp_responses.clone(),
    };
    if carried_data_cover(leaf, &material, time, false, ctx).is_err() {
        return false;
    }
    let tsa = facts
        .timestamp
        .as_ref()
        .filter(|ts| ts.outcome.is_ok())
        .and_then(|ts| Some((ts.tsa_certificate.as_deref()?, ts.gen_time)))
        .and_then(|(der, at)| Some((Certificate::from_der(der).ok()?, at)));
    match tsa {
        Some((tsa, at)) => carried_data_cover(&tsa, &material, at, true, ctx).is_ok(),
        None => true,
    }
}

/// The long-term rule shared by PAdES B-LT and XAdES B-LT: the validation data a file carries
/// (`material`: certificates, CRLs, OCSP responses), with nothing fetched and no installed
/// intermediate, build `leaf`'s path at `at` and give a revocation status for every certificate
/// on it that names a revocation source (a certificate naming none, such as a CA whose
/// issuer publishes nothing for it, needs none). The installed anchors and every self-issued
/// certificate carried count as anchors, so the level says what the file holds whether or not
/// its root is trusted (trust is the indication's business). `time_stamping` asks for the
/// TSA profile (id-kp-timeStamping). `Err` says what is missing.
pub(crate) fn carried_data_cover(
    leaf: &Certificate,
    material: &RevocationMaterial,
    at: SystemTime,
    time_stamping: bool,
    ctx: &Context,
) -> Result<(), String> {
    let certs: Vec<Certificate> = material
        .certificates
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok())
        .collect();
    let anchors = ctx
        .anchors
        .certificates()
        .iter()
        .cloned()
        .chain(certs.iter().filter(|c| c.is_self_issued()).cloned());
    let mut policy = ValidationPolicy::new(CertPool::from_certs(anchors), at.into());
    policy.revocation = RevocationMode::SoftFail;
    policy.sha1 = Sha1Policy::Warn;
    if time_stamping {
        policy.required_ekus = vec![eku::TIME_STAMPING];
    }
    let pool = carried_pool(certs);
    let mut sources = RevocationSources::new();
    for crl in &material.crls {
        let _ = sources.add_crl_der(crl);
    }
    for ocsp in &material.ocsp_responses {
        let _ = sources.add_ocsp_der(ocsp);
    }
    let path = kyso_chain::validate(leaf, &pool, &policy, &sources).map_err(|e| e.to_string())?;
    let uncovered = path
        .certificates()
        .iter()
        .zip(path.revocation())
        .find(|(cert, status)| {
            matches!(status, RevocationStatus::Unknown { .. })
                && !(cert.ocsp_urls().is_empty() && cert.crl_urls().is_empty())
        });
    match uncovered {
        Some((cert, _)) => Err(en(
            Key::ReasonCarriedNoRevocation,
            &[("subject", &cert.subject().to_string())],
        )),
        None => Ok(()),
    }
}

fn coverage(facts: &SignatureFacts) -> Coverage {
    let failing = facts.findings.iter().any(|f| f.severity == Severity::Fail);
    match facts.coverage {
        _ if failing => Coverage::Partial,
        CoverageFacts::EntireFile => Coverage::EntireFile,
        CoverageFacts::Revision(_) => Coverage::EntireRevision,
        CoverageFacts::NonStandard => Coverage::Partial,
    }
}

/// O and OU of the subject: the unit managing the certificate.
fn organization(cert: &Certificate) -> Option<String> {
    const O: &str = "2.5.4.10";
    const OU: &str = "2.5.4.11";
    let mut parts = Vec::new();
    for rdn in cert.x509().tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            let oid = atv.oid.to_string();
            if oid == O || oid == OU {
                parts.push(attribute_text(&atv.value));
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn attribute_text(value: &der::Any) -> String {
    let bytes = value.value();
    if der::Tagged::tag(value) == der::Tag::BmpString {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .filter_map(|c| match c {
                [hi, lo] => Some(u16::from_be_bytes([*hi, *lo])),
                _ => None,
            })
            .collect();
        return String::from_utf16_lossy(&units);
    }
    String::from_utf8_lossy(bytes).into_owned()
}
