//! Turns the key-source options (`--pkcs11`, `--p12`, `--key`/`--cert`) into a `Signer`, and
//! reads PINs and passwords: from an environment variable, a file, standard input, or a prompt
//! without echo when standard input is a terminal. Never from the command line.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{bail, Context};
use kyso_keys::{
    Error as KeyError, FileSigner, KeyKind, KeySelector, Pkcs11Module, SecretString,
    SignatureAlgorithm, Signer, TokenChoice,
};

use crate::cli::keys::KeySourceArgs;
use crate::i18n::{tr, tr_with, Key};

/// Where a PIN or password comes from, as given on the command line.
pub(crate) struct SecretSource<'a> {
    /// `--pin-env VAR` / `--pass-env VAR`.
    pub(crate) env: Option<&'a str>,
    /// `--pin-file F` / `--pass-file F`.
    pub(crate) file: Option<&'a Path>,
    /// `--pin-stdin`.
    pub(crate) stdin: bool,
}

impl SecretSource<'_> {
    fn given(&self) -> bool {
        self.env.is_some() || self.file.is_some() || self.stdin
    }

    /// Reads the secret from the source given, or `None` when none was given.
    /// `what` names the secret in errors ([`Key::SecretPin`], [`Key::SecretPassword`]).
    fn read_given(&self, what: Key) -> anyhow::Result<Option<SecretString>> {
        let what = tr(what);
        if let Some(var) = self.env {
            let value = std::env::var(var)
                .with_context(|| tr_with(Key::SecretFromEnv, &[("what", what), ("var", var)]))?;
            return Ok(Some(SecretString::from(value)));
        }
        if let Some(file) = self.file {
            let text = std::fs::read_to_string(file).with_context(|| {
                tr_with(
                    Key::SecretFromFile,
                    &[("what", what), ("path", &file.display().to_string())],
                )
            })?;
            let line = text.lines().next().unwrap_or_default();
            return Ok(Some(SecretString::from(line.to_owned())));
        }
        if self.stdin {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .with_context(|| tr_with(Key::SecretFromStdin, &[("what", what)]))?;
            let trimmed = line.trim_end_matches(['\r', '\n']).to_owned();
            return Ok(Some(SecretString::from(trimmed)));
        }
        Ok(None)
    }

    /// Reads the secret from the source given, else prompts without echo when standard input
    /// is a terminal, else fails naming the options to use.
    fn read_or_prompt(
        &self,
        what: Key,
        prompt: &str,
        options: Key,
    ) -> anyhow::Result<SecretString> {
        if let Some(secret) = self.read_given(what)? {
            return Ok(secret);
        }
        let what = tr(what);
        if std::io::stdin().is_terminal() {
            let value = rpassword::prompt_password(prompt)
                .with_context(|| tr_with(Key::SecretFromTerminal, &[("what", what)]))?;
            return Ok(SecretString::from(value));
        }
        bail!(tr_with(
            Key::SecretMissing,
            &[("what", what), ("options", tr(options))]
        ))
    }
}

/// Opens the key the options designate: a PKCS#11 token key (logged in once, for the whole
/// batch), a PKCS#12 file, or a PEM key and certificate.
pub(crate) fn open_signer(args: &KeySourceArgs) -> anyhow::Result<Box<dyn Signer>> {
    if let Some(module) = &args.pkcs11 {
        return open_token_key(module, args);
    }
    if let Some(p12) = &args.p12 {
        let shown = p12.display().to_string();
        let der = std::fs::read(p12)
            .with_context(|| tr_with(Key::FileCannotRead, &[("path", &shown)]))?;
        let password = pass_source(args).read_or_prompt(
            Key::SecretPassword,
            &tr_with(Key::PromptPassword, &[("path", &shown)]),
            Key::SecretPassOptions,
        )?;
        let signer = FileSigner::from_pkcs12(&der, &password)
            .with_context(|| tr_with(Key::KeysCannotOpen, &[("path", &shown)]))?;
        return Ok(Box::new(signer));
    }
    if let (Some(key), Some(cert)) = (&args.key, &args.cert) {
        return open_pem(key, cert, args);
    }
    // The environment's token is a default, not a choice: an explicit key file wins over it.
    if let Some(module) = std::env::var_os("KYSO_PKCS11_MODULE").filter(|m| !m.is_empty()) {
        return open_token_key(Path::new(&module), args);
    }
    bail!(tr(Key::KeysNoSource))
}

fn pass_source(args: &KeySourceArgs) -> SecretSource<'_> {
    SecretSource {
        env: args.pass_env.as_deref(),
        file: args.pass_file.as_deref(),
        stdin: false,
    }
}

fn open_pem(key: &Path, cert: &Path, args: &KeySourceArgs) -> anyhow::Result<Box<dyn Signer>> {
    let key_pem = read_file(key)?;
    let cert_pem = read_file(cert)?;
    let mut chain = Vec::with_capacity(args.chain.len());
    for file in &args.chain {
        chain.push(read_file(file)?);
    }
    let source = pass_source(args);
    // Ask for a password only when the key turns out to be encrypted (or one was given).
    let given = source.read_given(Key::SecretPassword)?;
    let first = FileSigner::from_pem(&key_pem, given.as_ref(), &cert_pem, &chain);
    let signer = match first {
        Err(KeyError::PasswordRequired) if !source.given() => {
            let password = source.read_or_prompt(
                Key::SecretPassword,
                &tr_with(Key::PromptPassword, &[("path", &key.display().to_string())]),
                Key::SecretPassOptions,
            )?;
            FileSigner::from_pem(&key_pem, Some(&password), &cert_pem, &chain)
        }
        other => other,
    }
    .with_context(|| {
        tr_with(
            Key::KeysCertMismatch,
            &[
                ("key", &key.display().to_string()),
                ("cert", &cert.display().to_string()),
            ],
        )
    })?;
    Ok(Box::new(signer))
}

fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        tr_with(
            Key::FileCannotRead,
            &[("path", &path.display().to_string())],
        )
    })
}

/// The token `--token` / `--slot` designate.
pub(crate) fn token_choice(label: Option<&str>, slot: Option<u64>) -> TokenChoice {
    match (label, slot) {
        (Some(label), _) => TokenChoice::Label(label.to_owned()),
        (None, Some(slot)) => TokenChoice::Slot(slot),
        (None, None) => TokenChoice::Only,
    }
}

fn key_selector(args: &KeySourceArgs) -> anyhow::Result<KeySelector> {
    let given = [
        args.key_label.is_some(),
        args.key_id.is_some(),
        args.cert_sha256.is_some(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        bail!(tr(Key::KeysOneSelector));
    }
    Ok(if let Some(label) = &args.key_label {
        KeySelector::Label(label.clone())
    } else if let Some(id) = &args.key_id {
        KeySelector::id_from_hex(id)?
    } else if let Some(fingerprint) = &args.cert_sha256 {
        KeySelector::cert_sha256_from_hex(fingerprint)?
    } else {
        KeySelector::Auto
    })
}

fn open_token_key(module_path: &Path, args: &KeySourceArgs) -> anyhow::Result<Box<dyn Signer>> {
    let selector = key_selector(args)?;
    let module = Pkcs11Module::open(module_path)?;
    let choice = token_choice(args.token.as_deref(), args.slot);
    let (_, token) = module.find_token(&choice)?;
    let source = SecretSource {
        env: args.pin_env.as_deref(),
        file: args.pin_file.as_deref(),
        stdin: args.pin_stdin,
    };
    let pin = if !source.given() && token.protected_authentication_path {
        // PIN pad: the token asks for the PIN itself.
        eprintln!("{}", tr_with(Key::PromptPinPad, &[("token", &token.label)]));
        None
    } else {
        Some(source.read_or_prompt(
            Key::SecretPin,
            &tr_with(Key::PromptPin, &[("token", &token.label)]),
            Key::SecretPinOptions,
        )?)
    };
    let mut signer = module.signer(&choice, &selector, pin)?;
    for file in &args.chain {
        let pem = read_file(file)?;
        let certs = kyso_keys::pem_certificates(&pem).with_context(|| {
            tr_with(
                Key::KeysChainUnreadable,
                &[("path", &file.display().to_string())],
            )
        })?;
        signer.extend_chain(certs);
    }
    Ok(Box::new(signer))
}

/// Reads the PIN from `--pin-env`, `--pin-file` or `--pin-stdin` if one was given; never
/// prompts (for listings, where logging in is optional).
pub(crate) fn optional_pin(source: &SecretSource<'_>) -> anyhow::Result<Option<SecretString>> {
    source.read_given(Key::SecretPin)
}

/// The signature algorithm for this key: PKCS#1 v1.5 with SHA-256 for RSA (PSS with `--pss`),
/// ECDSA with the hash matching the curve.
pub(crate) fn signature_algorithm(
    signer: &dyn Signer,
    pss: bool,
) -> anyhow::Result<SignatureAlgorithm> {
    match (signer.key_kind(), pss) {
        (KeyKind::Rsa { .. }, true) => Ok(SignatureAlgorithm::RsaPss(
            signer.default_algorithm().hash(),
        )),
        (KeyKind::Ec { .. }, true) => bail!(tr(Key::KeysPssNeedsRsa)),
        (_, false) => Ok(signer.default_algorithm()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use secrecy::ExposeSecret;

    #[derive(Parser)]
    struct KeyArgs {
        #[command(flatten)]
        key: KeySourceArgs,
    }

    fn key_args(args: &[&str]) -> KeySourceArgs {
        let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/");
        let args = args.iter().map(|a| a.replace("DEMO/", demo));
        KeyArgs::try_parse_from(std::iter::once("kyso".to_owned()).chain(args))
            .expect("valid arguments")
            .key
    }

    /// An ECDSA key that never signs: enough to choose algorithms.
    struct EcKey;

    impl Signer for EcKey {
        fn certificate(&self) -> &[u8] {
            &[]
        }
        fn chain(&self) -> &[Vec<u8>] {
            &[]
        }
        fn key_kind(&self) -> KeyKind {
            KeyKind::Ec { field_bits: 384 }
        }
        fn sign(&self, algorithm: SignatureAlgorithm, _: &[u8]) -> Result<Vec<u8>, KeyError> {
            Err(KeyError::AlgorithmMismatch {
                algorithm,
                key: self.key_kind(),
            })
        }
    }

    #[test]
    fn the_demo_pkcs12_opens_with_the_password_from_the_environment() {
        std::env::set_var("KYSO_TEST_DEMO_PASS", "demo");
        let args = key_args(&[
            "--p12",
            "DEMO/signer.p12",
            "--pass-env",
            "KYSO_TEST_DEMO_PASS",
        ]);
        let signer = open_signer(&args).expect("opens");
        assert_eq!(signer.key_kind(), KeyKind::Rsa { bits: 2048 });
        assert_eq!(signer.chain().len(), 2);
    }

    #[test]
    fn the_demo_pkcs12_refuses_a_wrong_password_from_a_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("pass");
        std::fs::write(&file, "not-demo\n").expect("write");
        let file = file.to_str().expect("UTF-8 path");
        let args = key_args(&["--p12", "DEMO/signer.p12", "--pass-file", file]);
        let err = open_signer(&args).err().expect("refused");
        assert!(format!("{err:#}").contains("wrong password"), "{err:#}");
    }

    #[test]
    fn unencrypted_pem_keys_need_no_password() {
        let args = key_args(&[
            "--key",
            "DEMO/signer.key.pem",
            "--cert",
            "DEMO/signer.pem",
            "--chain",
            "DEMO/chain.pem",
        ]);
        let signer = open_signer(&args).expect("opens without a password");
        assert_eq!(signer.chain().len(), 2);
    }

    #[test]
    fn no_key_source_is_a_clear_error() {
        let args = key_args(&[]);
        if args.pkcs11.is_some() {
            eprintln!("KYSO_PKCS11_MODULE is set: nothing to check");
            return;
        }
        let err = open_signer(&args).err().expect("refused");
        assert!(err.to_string().contains("--pkcs11"), "{err}");
    }

    #[test]
    fn pss_is_chosen_for_rsa_keys_on_request() {
        let args = key_args(&["--key", "DEMO/signer.key.pem", "--cert", "DEMO/signer.pem"]);
        let signer = open_signer(&args).expect("opens");
        assert_eq!(
            signature_algorithm(signer.as_ref(), true).ok(),
            Some(SignatureAlgorithm::RsaPss(kyso_keys::HashAlgorithm::Sha256))
        );
        assert_eq!(
            signature_algorithm(signer.as_ref(), false).ok(),
            Some(SignatureAlgorithm::RsaPkcs1v15(
                kyso_keys::HashAlgorithm::Sha256
            ))
        );
    }

    #[test]
    fn pss_is_refused_for_ecdsa_keys() {
        assert!(signature_algorithm(&EcKey, true).is_err());
        assert_eq!(
            signature_algorithm(&EcKey, false).ok(),
            Some(SignatureAlgorithm::Ecdsa(kyso_keys::HashAlgorithm::Sha384))
        );
    }

    #[test]
    fn several_key_selectors_are_refused() {
        let args = key_args(&["--pkcs11", "/x.so", "--key-label", "a", "--key-id", "01"]);
        assert!(key_selector(&args).is_err());
        let args = key_args(&["--pkcs11", "/x.so", "--key-id", "0a"]);
        assert_eq!(key_selector(&args).ok(), Some(KeySelector::Id(vec![0x0a])));
    }

    #[test]
    fn pin_files_give_their_first_line_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("pin");
        std::fs::write(&file, "1234\r\nsecond line\n").expect("write");
        let source = SecretSource {
            env: None,
            file: Some(&file),
            stdin: false,
        };
        let pin = optional_pin(&source).expect("reads").expect("some");
        assert_eq!(pin.expose_secret(), "1234");
    }

    #[test]
    fn missing_pin_files_are_an_error_naming_the_file() {
        let source = SecretSource {
            env: None,
            file: Some(Path::new("/nonexistent/pin")),
            stdin: false,
        };
        let err = optional_pin(&source).expect_err("refused");
        assert!(format!("{err:#}").contains("/nonexistent/pin"));
    }

    #[test]
    fn no_pin_source_gives_no_pin_without_prompting() {
        let source = SecretSource {
            env: None,
            file: None,
            stdin: false,
        };
        assert!(optional_pin(&source).expect("no error").is_none());
    }

    #[test]
    fn slot_and_label_choose_the_token() {
        assert_eq!(token_choice(None, None), TokenChoice::Only);
        assert_eq!(token_choice(None, Some(3)), TokenChoice::Slot(3));
        assert_eq!(
            token_choice(Some("kyso-test"), None),
            TokenChoice::Label("kyso-test".to_owned())
        );
    }
}
