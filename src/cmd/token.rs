//! `kyso token list` and `kyso token certs`: what a PKCS#11 module offers.
//!
//! # JSON output (`--json`), an interface for scripts
//!
//! `kyso token list --json` prints one object:
//!
//! ```text
//! { "module": { "path", "cryptoki_version", "manufacturer", "description", "library_version" },
//!   "slots": [ { "id": u64, "description", "manufacturer",
//!                "token": null | { "label", "manufacturer", "model", "serial",
//!                                  "initialized", "login_required", "user_pin_initialized",
//!                                  "protected_authentication_path", "user_pin_to_be_changed",
//!                                  "write_protected", "user_pin_count_low",
//!                                  "user_pin_final_try", "user_pin_locked" } } ] }
//! ```
//!
//! Strings are trimmed of the blank padding PKCS#11 uses; flags are booleans named after the
//! `CKF_*` flags of `C_GetTokenInfo`.
//!
//! `kyso token certs --json` prints one object:
//!
//! ```text
//! { "slot": u64, "token": label, "logged_in": bool,
//!   "certificates": [ { "label", "id": hex CKA_ID, "sha256": hex fingerprint,
//!                       "subject", "issuer": RFC 4514 strings (UTF-8, UID=... shown as is),
//!                       "common_name": string | null, "serial": hex,
//!                       "not_before", "not_after": "YYYY-MM-DDTHH:MM:SSZ",
//!                       "key_usage": [names], "private_key": true | false | null,
//!                       "error": null | why the certificate could not be decoded } ] }
//! ```
//!
//! `private_key` is `null` when kyso did not log in (no `--pin-*` option) and saw no private
//! key with the certificate's `CKA_ID`: most tokens hide private keys before login. When a
//! certificate cannot be decoded, the name fields are `null` and `error` says why.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use kyso_keys::{KeyPresence, Pkcs11Module, SlotDescription, TokenCertificate};
use serde_json::{json, Value};

use crate::cli::token::{TokenCertsArgs, TokenCommand, TokenListArgs};
use crate::cmd::key_source::{optional_pin, token_choice, SecretSource};

/// Runs `kyso token …`.
pub(crate) fn run(command: TokenCommand) -> anyhow::Result<ExitCode> {
    match command {
        TokenCommand::List(args) => list(&args),
        TokenCommand::Certs(args) => certs(&args),
    }
}

fn list(args: &TokenListArgs) -> anyhow::Result<ExitCode> {
    let module = Pkcs11Module::open(&args.pkcs11)?;
    let info = module.module_info()?;
    let slots = module.slots()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = json!({
            "module": {
                "path": info.path.display().to_string(),
                "cryptoki_version": info.cryptoki_version,
                "manufacturer": info.manufacturer,
                "description": info.description,
                "library_version": info.library_version,
            },
            "slots": slots.iter().map(slot_json).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        // Two spaces after the label, and the next line under the path.
        let width = label_width(&[crate::i18n::Key::TokenModule]) + 1;
        writeln!(
            out,
            "{:<width$}{}",
            crate::i18n::tr(crate::i18n::Key::TokenModule),
            info.path.display()
        )?;
        writeln!(
            out,
            "{:width$}{} {} ({}), Cryptoki {}",
            "", info.manufacturer, info.library_version, info.description, info.cryptoki_version
        )?;
        if slots.is_empty() {
            writeln!(out, "{}", crate::i18n::tr(crate::i18n::Key::TokenNoSlots))?;
        }
        for slot in &slots {
            write_slot(&mut out, slot)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(crate::exit::OK))
}

fn slot_json(slot: &SlotDescription) -> Value {
    json!({
        "id": slot.id,
        "description": slot.description,
        "manufacturer": slot.manufacturer,
        "token": slot.token.as_ref().map(|t| json!({
            "label": t.label,
            "manufacturer": t.manufacturer,
            "model": t.model,
            "serial": t.serial,
            "initialized": t.initialized,
            "login_required": t.login_required,
            "user_pin_initialized": t.user_pin_initialized,
            "protected_authentication_path": t.protected_authentication_path,
            "user_pin_to_be_changed": t.user_pin_to_be_changed,
            "write_protected": t.write_protected,
            "user_pin_count_low": t.pin.count_low,
            "user_pin_final_try": t.pin.final_try,
            "user_pin_locked": t.pin.locked,
        })),
    })
}

fn write_slot(out: &mut impl Write, slot: &SlotDescription) -> std::io::Result<()> {
    writeln!(out)?;
    use crate::i18n::{tr, tr_with, Key};
    writeln!(
        out,
        "{}  {}",
        tr_with(Key::TokenSlot, &[("id", &slot.id.to_string())]),
        slot.description
    )?;
    let Some(token) = &slot.token else {
        return writeln!(out, "  {}", tr(Key::TokenNoToken));
    };
    if !token.initialized {
        return writeln!(out, "  {}", tr(Key::TokenNotInitialised));
    }
    let labels = [
        Key::TokenToken,
        Key::TokenManufacturer,
        Key::TokenModel,
        Key::TokenSerial,
        Key::TokenFlags,
    ];
    let width = label_width(&labels);
    let mut flags = Vec::new();
    if token.login_required {
        flags.push(tr(Key::TokenFlagLoginRequired));
    }
    if token.protected_authentication_path {
        flags.push(tr(Key::TokenFlagPinPad));
    }
    if !token.user_pin_initialized {
        flags.push(tr(Key::TokenFlagPinNotInitialised));
    }
    if token.user_pin_to_be_changed {
        flags.push(tr(Key::TokenFlagPinMustChange));
    }
    if token.pin.count_low {
        flags.push(tr(Key::TokenFlagPinCountLow));
    }
    if token.pin.final_try {
        flags.push(tr(Key::TokenFlagPinFinalTry));
    }
    if token.pin.locked {
        flags.push(tr(Key::TokenFlagPinLocked));
    }
    if token.write_protected {
        flags.push(tr(Key::TokenFlagWriteProtected));
    }
    let flags = flags.join(", ");
    let values = [
        token.label.as_str(),
        token.manufacturer.as_str(),
        token.model.as_str(),
        token.serial.as_str(),
        flags.as_str(),
    ];
    for (label, value) in labels.iter().zip(values) {
        writeln!(out, "  {:<width$}{value}", tr(*label))?;
    }
    Ok(())
}

/// The column of the values after `labels` (in the language of this run): one space after
/// the longest.
fn label_width(labels: &[crate::i18n::Key]) -> usize {
    labels
        .iter()
        .map(|label| crate::i18n::tr(*label).chars().count())
        .max()
        .unwrap_or_default()
        + 1
}

fn certs(args: &TokenCertsArgs) -> anyhow::Result<ExitCode> {
    let module = Pkcs11Module::open(&args.pkcs11)?;
    let choice = token_choice(args.token.as_deref(), args.slot);
    let (slot, token) = module.find_token(&choice)?;
    let pin = optional_pin(&SecretSource {
        env: args.pin_env.as_deref(),
        file: args.pin_file.as_deref(),
        stdin: args.pin_stdin,
    })?;
    let logged_in = pin.is_some();
    let certs = module.certificates(&choice, pin).with_context(|| {
        crate::i18n::tr_with(
            crate::i18n::Key::TokenCannotListCerts,
            &[("token", &token.label)],
        )
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let value = json!({
            "slot": slot,
            "token": token.label,
            "logged_in": logged_in,
            "certificates": certs.iter().map(cert_json).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        let heading = if certs.len() == 1 {
            crate::i18n::Key::TokenCertsHeadingOne
        } else {
            crate::i18n::Key::TokenCertsHeading
        };
        let heading = crate::i18n::tr_with(
            heading,
            &[
                ("token", &token.label),
                ("slot", &slot.to_string()),
                ("count", &certs.len().to_string()),
            ],
        );
        writeln!(out, "{heading}")?;
        for (n, cert) in certs.iter().enumerate() {
            write_cert(&mut out, n + 1, cert, logged_in)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(crate::exit::OK))
}

fn presence_json(presence: KeyPresence) -> Value {
    match presence {
        KeyPresence::Present => Value::Bool(true),
        KeyPresence::Absent => Value::Bool(false),
        KeyPresence::Unknown => Value::Null,
    }
}

fn cert_json(cert: &TokenCertificate) -> Value {
    let mut value = json!({
        "label": cert.label,
        "id": hex::encode(&cert.id),
        "private_key": presence_json(cert.private_key),
        "subject": Value::Null,
        "issuer": Value::Null,
        "common_name": Value::Null,
        "serial": Value::Null,
        "not_before": Value::Null,
        "not_after": Value::Null,
        "key_usage": Value::Null,
        "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&cert.der)),
        "error": Value::Null,
    });
    match &cert.info {
        Ok(info) => {
            value["subject"] = json!(info.subject);
            value["issuer"] = json!(info.issuer);
            value["common_name"] = json!(info.common_name);
            value["serial"] = json!(info.serial_hex);
            value["not_before"] = json!(info.not_before);
            value["not_after"] = json!(info.not_after);
            value["key_usage"] = json!(info.key_usage);
        }
        Err(err) => value["error"] = json!(format!("{err:#}")),
    }
    value
}

fn write_cert(
    out: &mut impl Write,
    n: usize,
    cert: &TokenCertificate,
    logged_in: bool,
) -> std::io::Result<()> {
    use crate::i18n::{tr, tr_with, Key};
    let key = tr(match cert.private_key {
        KeyPresence::Present => Key::TokenKeyYes,
        KeyPresence::Absent => Key::TokenKeyNo,
        KeyPresence::Unknown if logged_in => Key::TokenKeyNo,
        KeyPresence::Unknown => Key::TokenKeyUnknown,
    });
    writeln!(out)?;
    let id = if cert.id.is_empty() {
        tr(Key::TokenNoId).to_owned()
    } else {
        hex::encode(&cert.id)
    };
    let line = tr_with(
        Key::TokenCertLine,
        &[
            ("n", &n.to_string()),
            ("label", &format!("{:?}", cert.label)),
            ("id", &id),
            ("key", key),
        ],
    );
    writeln!(out, "{line}")?;
    match &cert.info {
        Ok(info) => {
            let labels = [
                Key::TokenSubject,
                Key::TokenIssuer,
                Key::TokenSerial,
                Key::TokenValid,
                Key::TokenKeyUsage,
            ];
            // "SHA-256:" needs no translation but shares the column.
            let width = label_width(&labels).max("SHA-256:".len() + 1);
            let valid = tr_with(
                Key::TokenValidRange,
                &[("from", &info.not_before), ("to", &info.not_after)],
            );
            let key_usage = info.key_usage.join(", ");
            let values = [
                info.subject.as_str(),
                info.issuer.as_str(),
                info.serial_hex.as_str(),
                valid.as_str(),
                key_usage.as_str(),
            ];
            for (label, value) in labels.iter().zip(values) {
                writeln!(out, "    {:<width$}{value}", tr(*label))?;
            }
            writeln!(out, "    {:<width$}{}", "SHA-256:", info.sha256_hex)
        }
        Err(err) => writeln!(
            out,
            "    {}",
            tr_with(Key::TokenCertUndecodable, &[("detail", &err.to_string())])
        ),
    }
}
