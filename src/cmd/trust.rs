//! `kyso trust install|list`: the user's trust directory against the pinned manifest.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use kyso_chain::trust::{Installed, Manifest, TrustError, TrustStore};
use kyso_chain::{CertPool, Certificate};
use serde_json::json;

use crate::cli::trust::{TrustCommand, TrustInstallArgs, TrustListArgs};
use crate::cli::Lang;
use crate::exit;
use crate::i18n::{self, Key};

/// The pinned manifest, compiled in (built by `certs/build-manifest.py`).
const MANIFEST: &str = include_str!("../../certs/manifest.tsv");

pub(crate) fn run(command: TrustCommand, lang: Lang) -> anyhow::Result<ExitCode> {
    match command {
        TrustCommand::Install(args) => install(args, lang),
        TrustCommand::List(args) => list(args, lang),
    }
}

pub(crate) fn manifest() -> anyhow::Result<Manifest> {
    Manifest::parse(MANIFEST).context(i18n::tr(Key::TrustManifestMalformed))
}

/// `KYSO_TRUST_DIR`, else `$XDG_DATA_HOME/kyso/trust`, else `~/.local/share/kyso/trust`.
pub(crate) fn trust_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("KYSO_TRUST_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(data).join("kyso").join("trust"));
    }
    let home = std::env::var_os("HOME").context(i18n::tr(Key::TrustNoHome))?;
    Ok(PathBuf::from(home).join(".local/share/kyso/trust"))
}

/// The installed anchors, and the installed intermediates as a path-building pool.
pub(crate) fn installed_anchors_and_pool() -> anyhow::Result<(CertPool, CertPool)> {
    let manifest = manifest()?;
    let (installed, _) = TrustStore::new(trust_dir()?).list(&manifest)?;
    let mut anchors = CertPool::new();
    let mut pool = CertPool::new();
    for entry in installed {
        if entry.is_anchor() {
            anchors.add(entry.cert);
        } else {
            pool.add(entry.cert);
        }
    }
    Ok((anchors, pool))
}

fn install(args: TrustInstallArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let manifest = manifest()?;
    let store = TrustStore::new(trust_dir()?);
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| i18n::tr_path(Key::FileCannotRead, path))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|x| {
                        ["pem", "crt", "cer", "der"]
                            .iter()
                            .any(|e| x.eq_ignore_ascii_case(e))
                    })
                })
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    let (mut installed, mut already, mut refused) = (0usize, 0usize, 0usize);
    for file in files {
        let bytes =
            std::fs::read(&file).with_context(|| i18n::tr_path(Key::FileCannotRead, &file))?;
        let certs = Certificate::all_from_pem_or_der(&bytes)
            .or_else(|_| kyso_chain::pkcs7_certificates(&bytes))
            .with_context(|| i18n::tr_path(Key::FileNoCertificate, &file))?;
        for cert in certs {
            let subject = cert.subject();
            let fingerprint = hex::encode_upper(cert.fingerprint());
            match store.install(&cert, &manifest, args.allow_unpinned) {
                Ok(Installed::Pinned { slug, already: was }) => {
                    let key = if was {
                        Key::TrustAlreadyInstalled
                    } else {
                        Key::TrustInstalled
                    };
                    if was {
                        already += 1;
                    } else {
                        installed += 1;
                    }
                    writeln!(
                        out,
                        "{}",
                        i18n::format(key, lang, &[("slug", &slug), ("subject", &subject)])
                    )?;
                }
                Ok(Installed::Unpinned { file, already: was }) => {
                    if was {
                        already += 1;
                    } else {
                        installed += 1;
                    }
                    writeln!(
                        err,
                        "kyso: {}",
                        i18n::format(
                            Key::TrustUnpinnedInstalled,
                            lang,
                            &[
                                ("subject", &subject),
                                ("fingerprint", &fingerprint),
                                ("file", &file.display().to_string())
                            ]
                        )
                    )?;
                }
                Err(TrustError::NotPinned { .. }) => {
                    refused += 1;
                    writeln!(
                        err,
                        "kyso: {}",
                        i18n::format(
                            Key::TrustNotPinned,
                            lang,
                            &[("subject", &subject), ("fingerprint", &fingerprint)]
                        )
                    )?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    writeln!(
        out,
        "{}",
        i18n::format(
            Key::TrustSummary,
            lang,
            &[
                ("installed", &installed.to_string()),
                ("already", &already.to_string()),
                ("refused", &refused.to_string()),
                ("dir", &store.dir().display().to_string()),
            ]
        )
    )?;
    Ok(ExitCode::from(if refused > 0 {
        exit::FAILED
    } else {
        exit::OK
    }))
}

fn list(args: TrustListArgs, lang: Lang) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let manifest = manifest()?;
    let store = TrustStore::new(trust_dir()?);
    let (installed, unreadable) = store.list(&manifest)?;
    let now = Utc::now();
    let missing: Vec<_> = manifest
        .entries()
        .iter()
        .filter(|pin| !installed.iter().any(|i| i.cert.fingerprint() == pin.sha256))
        .collect();
    if args.json {
        let value = json!({
            "dir": store.dir().display().to_string(),
            "installed": installed.iter().map(|i| json!({
                "slug": i.pinned.as_ref().map(|p| p.slug.clone()),
                "pinned": i.pinned.is_some(),
                "anchor": i.is_anchor(),
                "subject": i.cert.subject(),
                "sha256": hex::encode_upper(i.cert.fingerprint()),
                "not_before": i.cert.not_before().to_rfc3339(),
                "not_after": i.cert.not_after().to_rfc3339(),
                "expired": i.cert.not_after() < now,
                "file": i.path.display().to_string(),
            })).collect::<Vec<_>>(),
            "missing": missing.iter().map(|p| json!({
                "slug": p.slug,
                "role": p.role,
                "subject": p.subject,
                "sha256": hex::encode_upper(p.sha256),
            })).collect::<Vec<_>>(),
            "unreadable": unreadable.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        });
        writeln!(out, "{value}")?;
    } else {
        writeln!(out, "{}", i18n::text(Key::TrustListInstalled, lang))?;
        if installed.is_empty() {
            writeln!(out, "  {}", i18n::text(Key::TrustListNone, lang))?;
        }
        for i in &installed {
            let tag = match &i.pinned {
                Some(p) => p.slug.clone(),
                None => i18n::text(Key::TrustUnpinnedTag, lang).to_owned(),
            };
            let expired = if i.cert.not_after() < now {
                format!(" ({})", i18n::text(Key::TrustExpiredTag, lang))
            } else {
                String::new()
            };
            let until = i18n::format(
                Key::TrustValidUntil,
                lang,
                &[("date", &i.cert.not_after().format("%Y-%m-%d").to_string())],
            );
            writeln!(out, "  {tag:<16} {}  {until}{expired}", i.cert.subject())?;
        }
        writeln!(out, "{}", i18n::text(Key::TrustListMissing, lang))?;
        if missing.is_empty() {
            writeln!(out, "  {}", i18n::text(Key::TrustListNone, lang))?;
        }
        for p in &missing {
            writeln!(
                out,
                "  {:<16} {}  SHA-256 {}",
                p.slug,
                p.subject,
                hex::encode_upper(p.sha256)
            )?;
        }
        for p in &unreadable {
            writeln!(out, "  ? {}", p.display())?;
        }
    }
    Ok(ExitCode::from(exit::OK))
}
