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
        writeln!(out, "Module:  {}", info.path.display())?;
        writeln!(
            out,
            "         {} {} ({}), Cryptoki {}",
            info.manufacturer, info.library_version, info.description, info.cryptoki_version
        )?;
        if slots.is_empty() {
            writeln!(out, "No slots.")?;
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
    writeln!(out, "Slot {}:  {}", slot.id, slot.description)?;
    let Some(token) = &slot.token else {
        return writeln!(out, "  (no token)");
    };
    if !token.initialized {
        return writeln!(out, "  (token not initialised)");
    }
    writeln!(out, "  Token:        {}", token.label)?;
    writeln!(out, "  Manufacturer: {}", token.manufacturer)?;
    writeln!(out, "  Model:        {}", token.model)?;
    writeln!(out, "  Serial:       {}", token.serial)?;
    let mut flags = Vec::new();
    if token.login_required {
        flags.push("login required");
    }
    if token.protected_authentication_path {
        flags.push("PIN pad");
    }
    if !token.user_pin_initialized {
        flags.push("user PIN not initialised");
    }
    if token.user_pin_to_be_changed {
        flags.push("user PIN must be changed");
    }
    if token.pin.count_low {
        flags.push("PIN COUNT LOW (a wrong PIN was entered)");
    }
    if token.pin.final_try {
        flags.push("PIN FINAL TRY (one more wrong PIN locks the token)");
    }
    if token.pin.locked {
        flags.push("PIN LOCKED");
    }
    if token.write_protected {
        flags.push("write protected");
    }
    writeln!(out, "  Flags:        {}", flags.join(", "))
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
    let certs = module
        .certificates(&choice, pin)
        .with_context(|| format!("cannot list the certificates on token {}", token.label))?;
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
        writeln!(
            out,
            "Token {} (slot {slot}): {} certificate{}",
            token.label,
            certs.len(),
            if certs.len() == 1 { "" } else { "s" }
        )?;
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
    let key = match cert.private_key {
        KeyPresence::Present => "yes",
        KeyPresence::Absent => "no",
        KeyPresence::Unknown if logged_in => "no",
        KeyPresence::Unknown => "unknown (log in with --pin-env/--pin-file/--pin-stdin to see)",
    };
    writeln!(out)?;
    writeln!(
        out,
        "[{n}] label {:?}, id {}, private key: {key}",
        cert.label,
        if cert.id.is_empty() {
            "(none)".to_owned()
        } else {
            hex::encode(&cert.id)
        }
    )?;
    match &cert.info {
        Ok(info) => {
            writeln!(out, "    Subject:   {}", info.subject)?;
            writeln!(out, "    Issuer:    {}", info.issuer)?;
            writeln!(out, "    Serial:    {}", info.serial_hex)?;
            writeln!(
                out,
                "    Valid:     {} to {}",
                info.not_before, info.not_after
            )?;
            writeln!(out, "    Key usage: {}", info.key_usage.join(", "))?;
            writeln!(out, "    SHA-256:   {}", info.sha256_hex)
        }
        Err(err) => writeln!(out, "    (cannot decode the certificate: {err})"),
    }
}
