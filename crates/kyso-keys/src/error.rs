//! The error type of kyso-keys.

use std::fmt;
use std::path::PathBuf;

/// What went wrong while finding, unlocking or using a key.
///
/// Every PKCS#11 failure names the step that failed and the `CKR_*` code the module returned;
/// wrong PINs carry the token's remaining-tries flags so the caller can warn before a lockout.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The algorithm does not fit the key (e.g. ECDSA with an RSA key).
    #[error("algorithm {algorithm:?} cannot be used with a {key:?} key")]
    AlgorithmMismatch {
        /// What was asked for.
        algorithm: crate::SignatureAlgorithm,
        /// What the key is.
        key: crate::KeyKind,
    },

    /// The PKCS#11 module file does not exist.
    #[error("PKCS#11 module {} not found", path.display())]
    ModuleNotFound {
        /// The path given.
        path: PathBuf,
    },

    /// The module is a shared library for another architecture or word size (typically a
    /// 32-bit vendor module while kyso is a 64-bit program).
    #[error(
        "PKCS#11 module {} is a {module} library but kyso is a {process} program: \
         install the vendor's {process} module",
        path.display()
    )]
    ModuleWrongArchitecture {
        /// The path given.
        path: PathBuf,
        /// What the module's ELF header says, e.g. "32-bit x86".
        module: String,
        /// What this program is, e.g. "64-bit x86-64".
        process: String,
    },

    /// The file is not a loadable PKCS#11 module.
    #[error("{} is not a PKCS#11 module: {reason}", path.display())]
    NotAModule {
        /// The path given.
        path: PathBuf,
        /// Why (not a shared library, no `C_GetFunctionList`, the loader's message).
        reason: String,
    },

    /// A PKCS#11 call returned an error code.
    #[error("{step}: {function} returned {code}")]
    Pkcs11 {
        /// What kyso was doing.
        step: Step,
        /// The PKCS#11 function, e.g. `C_Login`.
        function: String,
        /// The return value's name, e.g. `CKR_DEVICE_REMOVED`.
        code: String,
    },

    /// No slot holds a token.
    #[error("no token present in any slot of the PKCS#11 module (is the USB token plugged in?)")]
    NoToken,

    /// Several tokens are present and none was chosen.
    #[error("several tokens are present ({}): choose one with --token LABEL or --slot N", .tokens.join("; "))]
    SeveralTokens {
        /// One description per token: slot and label.
        tokens: Vec<String>,
    },

    /// The chosen token is not present.
    #[error("token {wanted} not found; present: {}", list_or_none(.present))]
    TokenNotFound {
        /// The label or slot asked for.
        wanted: String,
        /// What is present: slot and label.
        present: Vec<String>,
    },

    /// `C_Login` rejected the PIN. kyso never retries: the token may lock.
    #[error("wrong PIN for token {token}{}", .tries)]
    WrongPin {
        /// The token's label.
        token: String,
        /// The remaining-tries flags the token reported right after the failure.
        tries: PinTries,
    },

    /// The user PIN is locked (too many wrong PINs); only the SO PIN can unlock it.
    #[error("the user PIN of token {token} is locked after too many wrong PINs; unlock it with the token vendor's tool")]
    PinLocked {
        /// The token's label.
        token: String,
    },

    /// No PIN was given and the token has no protected authentication path (pinpad).
    #[error("token {token} needs a PIN and has no PIN pad")]
    PinRequired {
        /// The token's label.
        token: String,
    },

    /// The selector matched no usable key.
    #[error("no key matches {selector}; candidates: {}", list_or_none(.candidates))]
    KeyNotFound {
        /// The selector, as the user wrote it.
        selector: String,
        /// The certificates that have a private key, described.
        candidates: Vec<String>,
    },

    /// The selector matched a certificate whose private key is not on the token.
    #[error("the certificate {certificate} has no private key on the token")]
    NoPrivateKey {
        /// The certificate, described.
        certificate: String,
    },

    /// Several keys match and none was chosen.
    #[error("several keys could sign: choose one with --key-label, --key-id or --cert-sha256: {}", .candidates.join("; "))]
    AmbiguousKey {
        /// The certificates that have a private key, described.
        candidates: Vec<String>,
    },

    /// A hexadecimal argument (key ID, fingerprint) is malformed.
    #[error("{what} is not valid hexadecimal: {value:?}")]
    InvalidHex {
        /// Which argument.
        what: &'static str,
        /// The text given.
        value: String,
    },

    /// The token offers no mechanism for this algorithm.
    #[error("the token cannot sign with {algorithm:?}: it offers none of {wanted}")]
    MechanismUnsupported {
        /// What was asked for.
        algorithm: crate::SignatureAlgorithm,
        /// The mechanisms kyso could have used.
        wanted: &'static str,
    },

    /// The token returned a signature of an impossible shape.
    #[error("the token returned a malformed {what} signature of {len} bytes")]
    MalformedSignature {
        /// RSA or ECDSA.
        what: &'static str,
        /// Its length.
        len: usize,
    },

    /// A certificate could not be parsed.
    #[error("malformed certificate")]
    BadCertificate(#[source] der::Error),

    /// The key is neither RSA nor ECDSA on P-256/384/521.
    #[error("unsupported key type: {0}")]
    UnsupportedKey(String),

    /// A key file is encrypted and no password was given.
    #[error("the private key is encrypted: a password is needed")]
    PasswordRequired,

    /// The password does not open the key file or PKCS#12 file.
    #[error("wrong password for the {what}")]
    WrongPassword {
        /// "PKCS#12 file" or "private key".
        what: &'static str,
    },

    /// OpenSSL failed to read a file or sign.
    #[error("{what}")]
    OpenSsl {
        /// What kyso was doing.
        what: &'static str,
        /// OpenSSL's error queue.
        #[source]
        source: openssl::error::ErrorStack,
    },

    /// A PKCS#12 file holds no private key or no certificate.
    #[error("the PKCS#12 file holds no {0}")]
    Pkcs12Incomplete(&'static str),

    /// A PEM file meant to hold certificates holds none.
    #[error("no certificate found in the PEM data")]
    NoCertificateInPem,

    /// The private key does not belong to the certificate.
    #[error("the private key does not match the certificate's public key")]
    KeyCertificateMismatch,
}

/// The step of a PKCS#11 session that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Loading and initialising the module (`C_Initialize`, `C_GetInfo`).
    OpenModule,
    /// Listing slots and tokens.
    FindToken,
    /// Opening a session.
    OpenSession,
    /// `C_Login`.
    Login,
    /// Searching and reading objects.
    FindKey,
    /// `C_SignInit` / `C_Sign`.
    Sign,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::OpenModule => "cannot open the PKCS#11 module",
            Step::FindToken => "cannot list the tokens",
            Step::OpenSession => "cannot open a session with the token",
            Step::Login => "cannot log in to the token",
            Step::FindKey => "cannot read the objects on the token",
            Step::Sign => "the token failed to sign",
        })
    }
}

/// The user-PIN flags of `C_GetTokenInfo` that tell how many tries are left.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PinTries {
    /// `CKF_USER_PIN_COUNT_LOW`: at least one wrong PIN since the last success.
    pub count_low: bool,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong PIN locks the token.
    pub final_try: bool,
    /// `CKF_USER_PIN_LOCKED`: the PIN is locked.
    pub locked: bool,
}

impl fmt::Display for PinTries {
    /// Renders as a parenthesised remark after "wrong PIN", or nothing when no flag is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.locked {
            f.write_str(" (the PIN is now LOCKED)")
        } else if self.final_try {
            f.write_str(" (FINAL TRY: one more wrong PIN locks the token)")
        } else if self.count_low {
            f.write_str(" (few tries left before the token locks)")
        } else {
            Ok(())
        }
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join("; ")
    }
}

/// Converts a cryptoki error into [`Error::Pkcs11`] for `step`.
pub(crate) fn pkcs11(step: Step) -> impl FnOnce(cryptoki::error::Error) -> Error {
    move |err| {
        let (function, code) = describe_cryptoki(&err);
        Error::Pkcs11 {
            step,
            function,
            code,
        }
    }
}

/// Splits a cryptoki error into the PKCS#11 function name and the `CKR_*` code, both as the
/// specification spells them.
pub(crate) fn describe_cryptoki(err: &cryptoki::error::Error) -> (String, String) {
    match err {
        cryptoki::error::Error::Pkcs11(rv, function) => (
            format!("C_{function:?}"),
            format!("CKR_{}", screaming_snake(&format!("{rv:?}"))),
        ),
        other => ("cryptoki".to_owned(), other.to_string()),
    }
}

/// `PinIncorrect` → `PIN_INCORRECT`; `KeyTypeInconsistent` → `KEY_TYPE_INCONSISTENT`.
fn screaming_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 8);
    let mut previous_lower = false;
    for ch in camel.chars() {
        if ch.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        out.push(ch.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cryptoki_errors_are_named_as_the_specification_does() {
        let err = cryptoki::error::Error::Pkcs11(
            cryptoki::error::RvError::PinIncorrect,
            cryptoki::context::Function::Login,
        );
        assert_eq!(
            describe_cryptoki(&err),
            ("C_Login".to_owned(), "CKR_PIN_INCORRECT".to_owned())
        );
    }

    #[test]
    fn pin_tries_say_nothing_when_no_flag_is_set() {
        assert_eq!(PinTries::default().to_string(), "");
    }

    #[test]
    fn pin_tries_warn_about_the_final_try() {
        let tries = PinTries {
            count_low: true,
            final_try: true,
            locked: false,
        };
        assert!(tries.to_string().contains("FINAL TRY"));
    }

    #[test]
    fn pkcs11_errors_name_the_step_and_the_code() {
        let err = pkcs11(Step::Sign)(cryptoki::error::Error::Pkcs11(
            cryptoki::error::RvError::DeviceRemoved,
            cryptoki::context::Function::Sign,
        ));
        assert_eq!(
            err.to_string(),
            "the token failed to sign: C_Sign returned CKR_DEVICE_REMOVED"
        );
    }
}
