//! `kyso token list` and `kyso token certs` against a SoftHSM2 token provisioned by
//! `scripts/softhsm-setup.sh`: label `kyso-test`, user PIN 1234; RSA-2048 key + certificate
//! with CKA_ID 01 (label `rsa2048`), ECDSA P-256 with 02 (`ecp256`), and the issuing CA
//! certificate alone with a0.

use serde_json::Value;

use crate::fixtures::{softhsm_token, Token};
use crate::util::{Dir, TestCommand};

/// `kyso token SUBCOMMAND --pkcs11 MODULE` against `token`.
fn kyso_token(dir: &Dir, token: &Token, subcommand: &str) -> TestCommand {
    let mut cmd = dir.kyso();
    cmd.args(["token", subcommand])
        .arg("--pkcs11")
        .arg(&token.module)
        .env("SOFTHSM2_CONF", &token.conf);
    cmd
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON on stdout")
}

fn kyso_test_token(list: &Value) -> Option<&Value> {
    list["slots"]
        .as_array()?
        .iter()
        .map(|slot| &slot["token"])
        .find(|token| token["label"] == "kyso-test")
}

#[test]
fn token_list_json_shows_the_module_and_the_token_flags() {
    let dir = Dir::new("token-list-json");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let list = json(&kyso_token(&dir, &token, "list").arg("--json").stdout());
    assert!(list["module"]["manufacturer"]
        .as_str()
        .is_some_and(|m| m.contains("SoftHSM")));
    let token = kyso_test_token(&list).expect("kyso-test token listed");
    assert_eq!(token["model"], "SoftHSM v2");
    assert_eq!(token["login_required"], true);
    assert_eq!(token["protected_authentication_path"], false);
    assert_eq!(token["user_pin_count_low"], false);
    assert_eq!(token["user_pin_locked"], false);
}

#[test]
fn token_list_human_output_names_the_token() {
    let dir = Dir::new("token-list-human");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let text = kyso_token(&dir, &token, "list").stdout();
    assert!(text.contains("Token:        kyso-test"), "{text}");
    assert!(text.contains("login required"), "{text}");
}

#[test]
fn token_list_refuses_a_missing_module_with_exit_2() {
    let dir = Dir::new("token-list-missing");
    let out = dir
        .kyso()
        .args(["token", "list", "--pkcs11", "/nonexistent/libtoken.so"])
        .assert_code(2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/libtoken.so not found"), "{err}");
}

#[test]
fn token_list_refuses_a_file_that_is_not_a_module() {
    let dir = Dir::new("token-list-not-module");
    let fake = dir.create_bytes("libfake.so", b"#!/bin/sh\n");
    let out = dir
        .kyso()
        .args(["token", "list", "--pkcs11"])
        .arg(&fake)
        .assert_code(2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a PKCS#11 module"), "{err}");
}

#[test]
fn token_certs_json_lists_utf8_subjects_and_key_presence() {
    let dir = Dir::new("token-certs-json");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let certs = json(
        &kyso_token(&dir, &token, "certs")
            .args([
                "--token",
                "kyso-test",
                "--pin-env",
                "KYSO_TEST_PIN",
                "--json",
            ])
            .env("KYSO_TEST_PIN", "1234")
            .stdout(),
    );
    assert_eq!(certs["token"], "kyso-test");
    assert_eq!(certs["logged_in"], true);
    let list = certs["certificates"].as_array().expect("array");
    assert_eq!(list.len(), 3);
    let by_label = |label: &str| {
        list.iter()
            .find(|c| c["label"] == label)
            .unwrap_or_else(|| panic!("certificate {label} listed"))
    };
    let ec = by_label("ecp256");
    assert_eq!(ec["id"], "02");
    assert_eq!(ec["private_key"], true);
    assert_eq!(
        ec["subject"],
        "UID=CCCD:001085000003,CN=Nguyễn Văn An,L=Hà Nội,C=VN"
    );
    assert_eq!(ec["common_name"], "Nguyễn Văn An");
    assert_eq!(
        ec["key_usage"],
        serde_json::json!(["digitalSignature", "nonRepudiation"])
    );
    assert_eq!(ec["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(by_label("rsa2048")["private_key"], true);
    assert_eq!(by_label("kyso Test Issuing CA")["private_key"], false);
}

#[test]
fn token_certs_without_login_do_not_claim_missing_keys() {
    let dir = Dir::new("token-certs-nologin");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let certs = json(&kyso_token(&dir, &token, "certs").arg("--json").stdout());
    assert_eq!(certs["logged_in"], false);
    let list = certs["certificates"].as_array().expect("array");
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|c| c["private_key"] != false), "{list:?}");
}

#[test]
fn token_certs_human_output_prints_vietnamese_names() {
    let dir = Dir::new("token-certs-human");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let text = kyso_token(&dir, &token, "certs").stdout();
    assert!(text.contains("CN=Nguyễn Văn An"), "{text}");
    assert!(text.contains("CN=Trần Thị Bình"), "{text}");
    assert!(text.contains("3 certificates"), "{text}");
}

#[test]
fn token_certs_refuses_an_unknown_token_naming_those_present() {
    let dir = Dir::new("token-certs-unknown");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let out = kyso_token(&dir, &token, "certs")
        .args(["--token", "no-such-token"])
        .assert_code(2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no-such-token") && err.contains("kyso-test"),
        "{err}"
    );
}

#[test]
fn token_certs_refuses_a_wrong_pin_with_the_tries_flags() {
    let dir = Dir::new("token-certs-wrong-pin");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let out = kyso_token(&dir, &token, "certs")
        .args(["--pin-env", "KYSO_TEST_PIN"])
        .env("KYSO_TEST_PIN", "9999")
        .assert_code(2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrong PIN for token kyso-test"), "{err}");
    assert!(err.contains("few tries left"), "{err}");
}
