//! `kyso chain validate`: arguments → `kyso_chain::validate` → verdict on stdout.
//!
//! Exit status: 0 valid, 1 not valid (any reason, including no trusted path or unknown
//! revocation status, as the limbo runner's contract requires), 2 usage or I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use kyso_chain::{
    CertPool, Certificate, ChainError, Crl, Fetcher, KeyUsageBit, LeafProfile, ObjectIdentifier,
    OcspResponseData, RevocationMode, RevocationProblem, RevocationSources, RevocationStatus,
    Sha1Policy, ValidatedPath, ValidationPolicy, Warning,
};
use serde_json::json;

use crate::cli::chain::{ChainCommand, ChainValidateArgs, PurposeArg, RevocationArg, Sha1Arg};
use crate::cli::Lang;
use crate::exit;
use crate::i18n::{self, Key};

pub(crate) fn run(command: ChainCommand, lang: Lang) -> anyhow::Result<ExitCode> {
    match command {
        ChainCommand::Validate(args) => validate(args, lang),
    }
}

fn validate(args: ChainValidateArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut notes: Vec<String> = Vec::new();
    let time = match &args.at {
        Some(text) => parse_time(text)?,
        None => Utc::now(),
    };
    let required_ekus = args
        .eku
        .iter()
        .map(|s| {
            ObjectIdentifier::new(s)
                .map_err(|_| anyhow::anyhow!(i18n::tr_with(Key::ChainEkuNotOid, &[("value", s)])))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let required_key_usages = args
        .key_usage
        .iter()
        .map(|s| {
            KeyUsageBit::from_name(s).ok_or_else(|| {
                anyhow::anyhow!(i18n::tr_with(Key::ChainUnknownKeyUsage, &[("value", s)]))
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let leaf_bytes = read(&args.leaf)?;
    let leaf = match Certificate::all_from_pem_or_der(&leaf_bytes) {
        Ok(certs) => certs.into_iter().next(),
        Err(e) => return report(&args, lang, Err(ChainError::Malformed(e)), &notes),
    };
    let Some(leaf) = leaf else {
        anyhow::bail!(i18n::tr_path(Key::FileNoCertificate, &args.leaf));
    };

    let (anchors, mut pool) = if args.trust.is_empty() {
        crate::cmd::trust::installed_anchors_and_pool()?
    } else {
        let mut anchors = CertPool::new();
        for cert in read_certs(&args.trust, lang, &mut notes)? {
            anchors.add(cert);
        }
        (anchors, CertPool::new())
    };
    for cert in read_certs(&args.untrusted, lang, &mut notes)? {
        pool.add(cert);
    }

    let mut sources = RevocationSources::new();
    for path in files_in(&args.crl)? {
        match Crl::all_from_pem_or_der(&read(&path)?) {
            Ok(crls) => crls.into_iter().for_each(|crl| sources.add_crl(crl)),
            Err(e) => notes.push(skipped(lang, &path, &e.to_string())),
        }
    }
    for path in files_in(&args.ocsp)? {
        match OcspResponseData::from_der(&read(&path)?) {
            Ok(response) => sources.add_ocsp(response),
            Err(e) => notes.push(skipped(lang, &path, &e.to_string())),
        }
    }
    let evidence_given = !args.crl.is_empty() || !args.ocsp.is_empty();
    if !args.offline {
        sources.set_online(Fetcher::new(
            Duration::from_secs(args.timeout),
            cache_dir(),
            Duration::from_secs(3600),
        ));
    }
    let revocation = match args.revocation {
        Some(RevocationArg::Off) => RevocationMode::Off,
        Some(RevocationArg::SoftFail) => RevocationMode::SoftFail,
        Some(RevocationArg::HardFail) => RevocationMode::HardFail,
        None if evidence_given => RevocationMode::HardFail,
        None if !args.offline => RevocationMode::SoftFail,
        None => RevocationMode::Off,
    };

    let mut policy = ValidationPolicy::new(anchors, time);
    policy.revocation = revocation;
    policy.required_ekus = required_ekus;
    policy.required_key_usages = required_key_usages;
    policy.leaf_profile = match args.purpose {
        PurposeArg::Any => LeafProfile::Generic,
        PurposeArg::DocumentSigner => LeafProfile::DocumentSigner,
        PurposeArg::Tsa => LeafProfile::TimeStampingAuthority,
    };
    policy.sha1 = match args.sha1 {
        Sha1Arg::Reject => Sha1Policy::Reject,
        Sha1Arg::Warn => Sha1Policy::Warn,
    };
    if let Some(depth) = args.max_depth {
        policy.max_depth = depth;
    }
    let outcome = kyso_chain::validate(&leaf, &pool, &policy, &sources);
    report(&args, lang, outcome, &notes)
}

fn parse_time(text: &str) -> anyhow::Result<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(text)
        .with_context(|| i18n::tr_with(Key::AtNotRfc3339, &[("text", text)]))?
        .with_timezone(&Utc);
    // Certificate times have second granularity: compare with the floor of the given time.
    DateTime::from_timestamp(t.timestamp(), 0).context(i18n::tr(Key::AtOutOfRange))
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| i18n::tr_path(Key::FileCannotRead, path))
}

/// Files named directly, and the regular files of named directories (sorted).
fn files_in(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| i18n::tr_path(Key::FileCannotRead, path))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            out.extend(entries);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn read_certs(
    paths: &[PathBuf],
    lang: Lang,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<Certificate>> {
    let mut out = Vec::new();
    for path in files_in(paths)? {
        let bytes = read(&path)?;
        match Certificate::all_from_pem_or_der(&bytes) {
            Ok(certs) => out.extend(certs),
            Err(e) => match kyso_chain::pkcs7_certificates(&bytes) {
                Ok(certs) => out.extend(certs),
                Err(_) => notes.push(skipped(lang, &path, &e.to_string())),
            },
        }
    }
    Ok(out)
}

fn skipped(lang: Lang, path: &Path, detail: &str) -> String {
    i18n::format(
        Key::WarnSkippedInput,
        lang,
        &[("path", &path.display().to_string()), ("detail", detail)],
    )
}

/// `$XDG_CACHE_HOME/kyso/revocation`, else `~/.cache/kyso/revocation`.
fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("kyso").join("revocation"))
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The reason in the user's language.
pub(crate) fn reason_text(error: &ChainError, lang: Lang) -> String {
    let f = |key, args: &[(&str, &str)]| i18n::format(key, lang, args);
    match error {
        ChainError::Malformed(e) => f(Key::ReasonMalformed, &[("detail", &e.to_string())]),
        ChainError::UnknownIssuer { subject } => {
            f(Key::ReasonUnknownIssuer, &[("subject", subject)])
        }
        ChainError::Expired {
            subject, not_after, ..
        } => f(
            Key::ReasonExpired,
            &[("subject", subject), ("not_after", &time_text(*not_after))],
        ),
        ChainError::NotYetValid {
            subject,
            not_before,
            ..
        } => f(
            Key::ReasonNotYetValid,
            &[
                ("subject", subject),
                ("not_before", &time_text(*not_before)),
            ],
        ),
        ChainError::BadSignature { subject } => f(Key::ReasonBadSignature, &[("subject", subject)]),
        ChainError::UnsupportedAlgorithm { subject, oid } => f(
            Key::ReasonUnsupportedAlgorithm,
            &[("subject", subject), ("oid", &oid.to_string())],
        ),
        ChainError::WeakKey { subject, bits } => f(
            Key::ReasonKeyTooWeak,
            &[("subject", subject), ("bits", &bits.to_string())],
        ),
        ChainError::Sha1Rejected { subject } => f(Key::ReasonSha1Rejected, &[("subject", subject)]),
        ChainError::NotACa { subject } => f(Key::ReasonNotACa, &[("subject", subject)]),
        ChainError::PathLenExceeded { subject } => {
            f(Key::ReasonPathLenExceeded, &[("subject", subject)])
        }
        ChainError::MaxDepthExceeded { max_depth } => f(
            Key::ReasonMaxDepthExceeded,
            &[("max_depth", &max_depth.to_string())],
        ),
        ChainError::MissingKeyUsage { subject, usage } => f(
            Key::ReasonMissingKeyUsage,
            &[("subject", subject), ("usage", usage.name())],
        ),
        ChainError::EkuNotAllowed { subject, .. } => {
            f(Key::ReasonEkuNotAllowed, &[("subject", subject)])
        }
        ChainError::NameConstraintViolation { subject, name } => f(
            Key::ReasonNameConstraint,
            &[("subject", subject), ("name", name)],
        ),
        ChainError::UnknownCriticalExtension { subject, oid } => f(
            Key::ReasonUnknownCriticalExtension,
            &[("subject", subject), ("oid", &oid.to_string())],
        ),
        ChainError::PolicyViolation { subject } => {
            f(Key::ReasonPolicyViolation, &[("subject", subject)])
        }
        ChainError::Revoked {
            subject,
            at,
            reason,
        } => f(
            Key::ReasonRevoked,
            &[
                ("subject", subject),
                ("at", &time_text(*at)),
                ("reason", &format!("{reason:?}")),
            ],
        ),
        ChainError::RevocationUnknown { subject, why } => f(
            Key::ReasonRevocationUnknown,
            &[("subject", subject), ("why", &problem_text(*why, lang))],
        ),
        ChainError::BudgetExceeded => f(Key::ReasonBudgetExceeded, &[]),
        other => f(Key::ReasonOther, &[("detail", &other.to_string())]),
    }
}

fn problem_text(problem: RevocationProblem, lang: Lang) -> String {
    let key = match problem {
        RevocationProblem::NoEvidence => Key::RevNoEvidence,
        RevocationProblem::CrlSignature => Key::RevCrlSignature,
        RevocationProblem::CrlIssuerNotAllowed => Key::RevCrlIssuerNotAllowed,
        RevocationProblem::CrlUnknownCriticalExtension => Key::RevCrlUnknownCriticalExtension,
        RevocationProblem::CrlStale => Key::RevCrlStale,
        RevocationProblem::CrlAfterExpiry => Key::RevCrlAfterExpiry,
        RevocationProblem::OcspStale => Key::RevOcspStale,
        RevocationProblem::OcspUnknownCertificate => Key::RevOcspUnknownCertificate,
        RevocationProblem::OcspSignature => Key::RevOcspSignature,
        RevocationProblem::OcspUnauthorisedResponder => Key::RevOcspUnauthorisedResponder,
        RevocationProblem::OcspUnreachable => Key::RevOcspUnreachable,
        RevocationProblem::OcspUnusable => Key::RevOcspUnusable,
        RevocationProblem::CrlUnreachable => Key::RevCrlUnreachable,
        RevocationProblem::CrlUnusable => Key::RevCrlUnusable,
        other => return other.to_string(),
    };
    i18n::text(key, lang).to_owned()
}

fn warning_text(warning: &Warning, lang: Lang) -> String {
    match warning {
        Warning::Sha1Signature { subject } => {
            i18n::format(Key::WarnSha1Accepted, lang, &[("subject", subject)])
        }
        Warning::RevocationUnknown { subject, why } => i18n::format(
            Key::WarnRevocationUnknown,
            lang,
            &[("subject", subject), ("why", &problem_text(*why, lang))],
        ),
        other => format!("{other:?}"),
    }
}

fn cert_json(cert: &Certificate) -> serde_json::Value {
    json!({
        "subject": cert.subject(),
        "issuer": cert.issuer(),
        "serial": hex::encode(cert.serial()),
        "sha256": hex::encode(cert.fingerprint()),
        "not_before": time_text(cert.not_before()),
        "not_after": time_text(cert.not_after()),
    })
}

fn revocation_json(status: &RevocationStatus) -> serde_json::Value {
    match status {
        RevocationStatus::Good {
            source,
            this_update,
        } => {
            json!({"status": "good", "source": source, "this_update": time_text(*this_update)})
        }
        RevocationStatus::Revoked { source, at, reason } => {
            json!({"status": "revoked", "source": source, "at": time_text(*at), "reason": reason})
        }
        RevocationStatus::Unknown { why } => json!({"status": "unknown", "why": why}),
        other => json!({"status": format!("{other:?}")}),
    }
}

fn report(
    args: &ChainValidateArgs,
    lang: Lang,
    outcome: Result<ValidatedPath, ChainError>,
    notes: &[String],
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for note in notes {
        writeln!(err, "kyso: {}: {note}", i18n::text(Key::WarningLabel, lang))?;
    }
    let mut out = std::io::stdout().lock();
    let code = match &outcome {
        Ok(_) => exit::OK,
        Err(_) => exit::FAILED,
    };
    if args.json {
        let value = match &outcome {
            Ok(path) => json!({
                "valid": true,
                "reason": i18n::text(Key::ChainValid, lang),
                "path": path.certificates().iter().map(cert_json).collect::<Vec<_>>(),
                "revocation": path.revocation().iter().map(revocation_json).collect::<Vec<_>>(),
                "warnings": path.warnings().iter().map(|w| warning_text(w, lang)).collect::<Vec<_>>(),
            }),
            Err(e) => json!({
                "valid": false,
                "reason": reason_text(e, lang),
                "code": e.code(),
                "path": [],
                "warnings": [],
            }),
        };
        writeln!(out, "{value}")?;
    } else {
        match &outcome {
            Ok(path) => {
                writeln!(out, "{}", i18n::text(Key::ChainValid, lang))?;
                writeln!(out, "{}", i18n::text(Key::PathHeading, lang))?;
                for (i, cert) in path.certificates().iter().enumerate() {
                    writeln!(
                        out,
                        "  {i}. {}  [{} .. {}]",
                        cert.subject(),
                        time_text(cert.not_before()),
                        time_text(cert.not_after())
                    )?;
                }
                for w in path.warnings() {
                    writeln!(
                        out,
                        "{}: {}",
                        i18n::text(Key::WarningLabel, lang),
                        warning_text(w, lang)
                    )?;
                }
            }
            Err(e) => {
                writeln!(out, "{}", i18n::text(Key::ChainInvalid, lang))?;
                writeln!(out, "{}", reason_text(e, lang))?;
            }
        }
    }
    Ok(ExitCode::from(code))
}
