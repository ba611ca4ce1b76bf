//! Keys on PKCS#11 tokens (USB tokens, smart cards, HSMs), through `cryptoki`.
//!
//! A [`Pkcs11Module`] is a loaded and initialised module; it lists slots and tokens and the
//! certificates on a token, and makes a [`Pkcs11Signer`]: one session, logged in once, that
//! signs a whole batch and logs out when dropped.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::{AuthPin, Ulong};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{pkcs11, PinTries, Step};
use crate::file::{check_algorithm, key_kind_of_certificate};
use crate::{CertificateInfo, Error, HashAlgorithm, KeyKind, SignatureAlgorithm, Signer};

/// Modules opened in this process, by canonical path. A module is initialised once per
/// process (`C_Initialize` is process-wide); every [`Pkcs11Module::open`] of the same file
/// shares the context, and `C_Finalize` runs when the last user is gone.
static OPEN_MODULES: Mutex<Vec<(PathBuf, Weak<Pkcs11>)>> = Mutex::new(Vec::new());

/// A loaded, initialised PKCS#11 module.
#[derive(Clone)]
pub struct Pkcs11Module {
    ctx: Arc<Pkcs11>,
    path: PathBuf,
}

impl fmt::Debug for Pkcs11Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Module")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What `C_GetInfo` says about a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    /// The module file.
    pub path: PathBuf,
    /// Cryptoki version the module implements, e.g. "2.40".
    pub cryptoki_version: String,
    /// Manufacturer ID.
    pub manufacturer: String,
    /// Library description.
    pub description: String,
    /// Library version.
    pub library_version: String,
}

/// A slot and, when present, its token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotDescription {
    /// Slot ID (what `--slot` takes).
    pub id: u64,
    /// Slot description (usually the reader's name).
    pub description: String,
    /// Slot manufacturer.
    pub manufacturer: String,
    /// The token in the slot, if one is present.
    pub token: Option<TokenDescription>,
}

/// What `C_GetTokenInfo` says about a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenDescription {
    /// Token label (what `--token` takes).
    pub label: String,
    /// Manufacturer ID.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// `CKF_TOKEN_INITIALIZED`.
    pub initialized: bool,
    /// `CKF_LOGIN_REQUIRED`.
    pub login_required: bool,
    /// `CKF_USER_PIN_INITIALIZED`.
    pub user_pin_initialized: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH`: the PIN is entered on the device (PIN pad).
    pub protected_authentication_path: bool,
    /// `CKF_USER_PIN_TO_BE_CHANGED`.
    pub user_pin_to_be_changed: bool,
    /// `CKF_WRITE_PROTECTED`.
    pub write_protected: bool,
    /// `CKF_USER_PIN_COUNT_LOW`, `CKF_USER_PIN_FINAL_TRY`, `CKF_USER_PIN_LOCKED`.
    pub pin: PinTries,
}

impl TokenDescription {
    fn from_info(info: &TokenInfo) -> Self {
        Self {
            label: info.label().trim_end().to_owned(),
            manufacturer: info.manufacturer_id().trim_end().to_owned(),
            model: info.model().trim_end().to_owned(),
            serial: info.serial_number().trim_end().to_owned(),
            initialized: info.token_initialized(),
            login_required: info.login_required(),
            user_pin_initialized: info.user_pin_initialized(),
            protected_authentication_path: info.protected_authentication_path(),
            user_pin_to_be_changed: info.user_pin_to_be_changed(),
            write_protected: info.write_protected(),
            pin: pin_tries(info),
        }
    }
}

fn pin_tries(info: &TokenInfo) -> PinTries {
    PinTries {
        count_low: info.user_pin_count_low(),
        final_try: info.user_pin_final_try(),
        locked: info.user_pin_locked(),
    }
}

/// Which token to use.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum TokenChoice {
    /// The only token present; an error when there are none or several.
    #[default]
    Only,
    /// The token with this label (trailing spaces ignored).
    Label(String),
    /// The token in the slot with this ID.
    Slot(u64),
}

impl fmt::Display for TokenChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenChoice::Only => f.write_str("(the only token)"),
            TokenChoice::Label(label) => write!(f, "with label {label:?}"),
            TokenChoice::Slot(id) => write!(f, "in slot {id}"),
        }
    }
}

/// Which key to sign with. Keys are paired with certificates by `CKA_ID`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum KeySelector {
    /// The only certificate that has a private key with the same `CKA_ID`.
    #[default]
    Auto,
    /// The certificate or private key with this `CKA_LABEL`.
    Label(String),
    /// The certificate and private key with this `CKA_ID`.
    Id(Vec<u8>),
    /// The certificate with this SHA-256 fingerprint.
    CertSha256([u8; 32]),
}

impl KeySelector {
    /// `--key-id HEX`: hex digits, optionally separated by `:` or spaces.
    pub fn id_from_hex(text: &str) -> Result<Self, Error> {
        parse_hex(text, "the key ID").map(KeySelector::Id)
    }

    /// `--cert-sha256 HEX`: 64 hex digits, optionally separated by `:` or spaces.
    pub fn cert_sha256_from_hex(text: &str) -> Result<Self, Error> {
        let bytes = parse_hex(text, "the certificate SHA-256 fingerprint")?;
        let array = <[u8; 32]>::try_from(bytes).map_err(|_| Error::InvalidHex {
            what: "the certificate SHA-256 fingerprint (64 hex digits)",
            value: text.to_owned(),
        })?;
        Ok(KeySelector::CertSha256(array))
    }
}

impl fmt::Display for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySelector::Auto => f.write_str("any certificate with a private key"),
            KeySelector::Label(label) => write!(f, "key label {label:?}"),
            KeySelector::Id(id) => write!(f, "key ID {}", hex::encode(id)),
            KeySelector::CertSha256(fp) => write!(f, "certificate SHA-256 {}", hex::encode(fp)),
        }
    }
}

fn parse_hex(text: &str, what: &'static str) -> Result<Vec<u8>, Error> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    let bytes = hex::decode(&cleaned).map_err(|_| Error::InvalidHex {
        what,
        value: text.to_owned(),
    })?;
    if bytes.is_empty() {
        return Err(Error::InvalidHex {
            what,
            value: text.to_owned(),
        });
    }
    Ok(bytes)
}

/// Whether a private key with the certificate's `CKA_ID` is on the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyPresence {
    /// A private key object has the same `CKA_ID`.
    Present,
    /// None has (the session was logged in, so private objects were visible).
    Absent,
    /// None is visible, but the session was not logged in and the token may hide private keys.
    Unknown,
}

/// A certificate object on a token.
#[derive(Debug)]
pub struct TokenCertificate {
    /// `CKA_ID` (pairs the certificate with its keys).
    pub id: Vec<u8>,
    /// `CKA_LABEL`, decoded as UTF-8 (lossily).
    pub label: String,
    /// `CKA_VALUE`: the DER certificate.
    pub der: Vec<u8>,
    /// The decoded certificate, or why it could not be decoded.
    pub info: Result<CertificateInfo, Error>,
    /// Whether a private key matches.
    pub private_key: KeyPresence,
}

impl TokenCertificate {
    /// A one-line description for candidate lists.
    pub fn describe(&self) -> String {
        let what = match &self.info {
            Ok(info) => info.short_description(),
            Err(_) => "malformed certificate".to_owned(),
        };
        format!(
            "label {:?}, id {}: {what}",
            self.label,
            hex::encode(&self.id)
        )
    }
}

/// A private key object's identity.
struct KeyObject {
    handle: ObjectHandle,
    id: Vec<u8>,
    label: String,
}

impl Pkcs11Module {
    /// Loads and initialises the module at `path`.
    ///
    /// Before loading, the file's ELF header is read so that a missing file, a file that is
    /// not a shared library, and a library for another architecture (the classic 32-bit vendor
    /// module under a 64-bit kyso) each get their own error.
    pub fn open(path: &Path) -> Result<Self, Error> {
        check_library_file(path)?;
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut open = OPEN_MODULES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        open.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(ctx) = open
            .iter()
            .find(|(p, _)| *p == key)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(Self {
                ctx,
                path: path.to_path_buf(),
            });
        }
        let ctx = Pkcs11::new(path).map_err(|err| match err {
            CkError::LibraryLoading(inner) => Error::NotAModule {
                path: path.to_path_buf(),
                reason: inner.to_string(),
            },
            other => pkcs11(Step::OpenModule)(other),
        })?;
        match ctx.initialize(CInitializeArgs::OsThreads) {
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(other) => return Err(pkcs11(Step::OpenModule)(other)),
        }
        let ctx = Arc::new(ctx);
        open.push((key, Arc::downgrade(&ctx)));
        Ok(Self {
            ctx,
            path: path.to_path_buf(),
        })
    }

    /// `C_GetInfo`.
    pub fn module_info(&self) -> Result<ModuleInfo, Error> {
        let info = self
            .ctx
            .get_library_info()
            .map_err(pkcs11(Step::OpenModule))?;
        Ok(ModuleInfo {
            path: self.path.clone(),
            cryptoki_version: info.cryptoki_version().to_string(),
            manufacturer: info.manufacturer_id().trim_end().to_owned(),
            description: info.library_description().trim_end().to_owned(),
            library_version: info.library_version().to_string(),
        })
    }

    /// Every slot, with its token when one is present.
    pub fn slots(&self) -> Result<Vec<SlotDescription>, Error> {
        let slots = self.ctx.get_all_slots().map_err(pkcs11(Step::FindToken))?;
        let mut out = Vec::with_capacity(slots.len());
        for slot in slots {
            let info = self
                .ctx
                .get_slot_info(slot)
                .map_err(pkcs11(Step::FindToken))?;
            let token = if info.token_present() {
                match self.ctx.get_token_info(slot) {
                    Ok(token) => Some(TokenDescription::from_info(&token)),
                    // Removed between the two calls, or not recognised: show the slot only.
                    Err(CkError::Pkcs11(
                        RvError::TokenNotPresent | RvError::TokenNotRecognized,
                        _,
                    )) => None,
                    Err(other) => return Err(pkcs11(Step::FindToken)(other)),
                }
            } else {
                None
            };
            out.push(SlotDescription {
                id: slot.id(),
                description: info.slot_description().trim_end().to_owned(),
                manufacturer: info.manufacturer_id().trim_end().to_owned(),
                token,
            });
        }
        Ok(out)
    }

    /// Finds the token `choice` designates.
    pub fn find_token(&self, choice: &TokenChoice) -> Result<(u64, TokenDescription), Error> {
        let (slot, token) = self.find_slot(choice)?;
        Ok((slot.id(), token))
    }

    fn find_slot(&self, choice: &TokenChoice) -> Result<(Slot, TokenDescription), Error> {
        let slots = self
            .ctx
            .get_slots_with_token()
            .map_err(pkcs11(Step::FindToken))?;
        let mut present = Vec::with_capacity(slots.len());
        for slot in slots {
            match self.ctx.get_token_info(slot) {
                Ok(info) => present.push((slot, TokenDescription::from_info(&info))),
                Err(CkError::Pkcs11(RvError::TokenNotPresent | RvError::TokenNotRecognized, _)) => {
                }
                Err(other) => return Err(pkcs11(Step::FindToken)(other)),
            }
        }
        let describe = |indices: &mut dyn Iterator<Item = usize>| -> Vec<String> {
            indices
                .filter_map(|i| present.get(i))
                .map(|(slot, token)| format!("slot {}: {:?}", slot.id(), token.label))
                .collect()
        };
        let wanted: Vec<usize> = present
            .iter()
            .enumerate()
            .filter(|(_, (slot, token))| match choice {
                // SoftHSM and some readers show an empty, uninitialised token in a spare slot.
                TokenChoice::Only => token.initialized,
                TokenChoice::Label(label) => token.label == label.trim_end(),
                TokenChoice::Slot(id) => slot.id() == *id,
            })
            .map(|(i, _)| i)
            .collect();
        match (choice, wanted.as_slice()) {
            (_, [one]) => present.get(*one).cloned().ok_or(Error::NoToken),
            (TokenChoice::Only, []) => Err(Error::NoToken),
            (_, [_, _, ..]) => Err(Error::SeveralTokens {
                tokens: describe(&mut wanted.iter().copied()),
            }),
            _ => Err(Error::TokenNotFound {
                wanted: choice.to_string(),
                present: describe(&mut (0..present.len())),
            }),
        }
    }

    /// The certificates on the token `choice` designates, each with whether a private key
    /// matches. With a PIN the session logs in first, so that private keys are visible
    /// (most tokens hide them before login); without one, [`KeyPresence::Unknown`] marks
    /// certificates whose key may be hidden.
    pub fn certificates(
        &self,
        choice: &TokenChoice,
        pin: Option<SecretString>,
    ) -> Result<Vec<TokenCertificate>, Error> {
        let (slot, token) = self.find_slot(choice)?;
        let session = self
            .ctx
            .open_ro_session(slot)
            .map_err(pkcs11(Step::OpenSession))?;
        let logged_in = match pin {
            Some(pin) => login(&self.ctx, &session, slot, &token, Some(pin))?,
            None => false,
        };
        let keys = private_keys(&session)?;
        let certs =
            certificate_objects(&session, &keys, session_is_logged_in(logged_in, &session))?;
        if logged_in {
            let _ = session.logout();
        }
        Ok(certs)
    }

    /// Logs in to the token `choice` designates and selects the signing key.
    ///
    /// `pin`: `None` logs in through the protected authentication path (PIN pad) when the
    /// token has one, and fails with [`Error::PinRequired`] otherwise. A wrong PIN fails with
    /// [`Error::WrongPin`] carrying the remaining-tries flags; kyso never retries.
    pub fn signer(
        &self,
        choice: &TokenChoice,
        key: &KeySelector,
        pin: Option<SecretString>,
    ) -> Result<Pkcs11Signer, Error> {
        let (slot, token) = self.find_slot(choice)?;
        let mechanisms = self
            .ctx
            .get_mechanism_list(slot)
            .map_err(pkcs11(Step::FindToken))?;
        let session = self
            .ctx
            .open_ro_session(slot)
            .map_err(pkcs11(Step::OpenSession))?;
        let logged_in = login(&self.ctx, &session, slot, &token, pin)?;
        // From here on, log out on every error path: the guard does it unless disarmed.
        let guard = LogoutGuard {
            session: &session,
            armed: logged_in,
        };
        let keys = private_keys(&session)?;
        let certs = certificate_objects(&session, &keys, true)?;
        let chosen = select_key(&certs, &keys, key)?;
        let certificate = chosen.der.clone();
        let kind = key_kind_of_certificate(&certificate)?;
        let handle = keys
            .iter()
            .find(|k| k.id == chosen.id)
            .map(|k| k.handle)
            .ok_or_else(|| Error::NoPrivateKey {
                certificate: chosen.describe(),
            })?;
        let chain = certs
            .iter()
            .filter(|c| c.private_key != KeyPresence::Present && c.der != certificate)
            .map(|c| c.der.clone())
            .collect();
        guard.disarm();
        Ok(Pkcs11Signer {
            session: Mutex::new(session),
            logged_in,
            key: handle,
            certificate,
            chain,
            kind,
            mechanisms,
            combined_mechanisms: true,
            token_label: token.label,
            _module: Arc::clone(&self.ctx),
        })
    }
}

/// Whether private objects are visible: this call or an earlier one logged in.
fn session_is_logged_in(logged_in: bool, session: &Session) -> bool {
    logged_in
        || session
            .get_session_info()
            .map(|info| {
                matches!(
                    info.session_state(),
                    cryptoki::session::SessionState::RoUser
                        | cryptoki::session::SessionState::RwUser
                )
            })
            .unwrap_or(false)
}

struct LogoutGuard<'a> {
    session: &'a Session,
    armed: bool,
}

impl LogoutGuard<'_> {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for LogoutGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.session.logout();
        }
    }
}

/// `C_Login` as the user, once. Returns whether this call logged in (false when the
/// application was already logged in to this token).
fn login(
    ctx: &Pkcs11,
    session: &Session,
    slot: Slot,
    token: &TokenDescription,
    pin: Option<SecretString>,
) -> Result<bool, Error> {
    if pin.is_none() && !token.protected_authentication_path {
        return Err(Error::PinRequired {
            token: token.label.clone(),
        });
    }
    let auth = pin.map(|pin| AuthPin::new(pin.expose_secret().to_owned()));
    match session.login(UserType::User, auth.as_ref()) {
        Ok(()) => Ok(true),
        Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(false),
        Err(CkError::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid, _)) => {
            let tries = ctx
                .get_token_info(slot)
                .map(|info| pin_tries(&info))
                .unwrap_or_default();
            Err(Error::WrongPin {
                token: token.label.clone(),
                tries,
            })
        }
        Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(Error::PinLocked {
            token: token.label.clone(),
        }),
        Err(other) => Err(pkcs11(Step::Login)(other)),
    }
}

fn private_keys(session: &Session) -> Result<Vec<KeyObject>, Error> {
    let handles = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
        .map_err(pkcs11(Step::FindKey))?;
    let mut keys = Vec::with_capacity(handles.len());
    for handle in handles {
        let (id, label, _) = id_label_value(session, handle, false)?;
        keys.push(KeyObject { handle, id, label });
    }
    Ok(keys)
}

fn certificate_objects(
    session: &Session,
    keys: &[KeyObject],
    logged_in: bool,
) -> Result<Vec<TokenCertificate>, Error> {
    let handles = session
        .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
        .map_err(pkcs11(Step::FindKey))?;
    let mut certs = Vec::with_capacity(handles.len());
    for handle in handles {
        let (id, label, der) = id_label_value(session, handle, true)?;
        let has_key = !id.is_empty() && keys.iter().any(|k| k.id == id);
        let private_key = match (has_key, logged_in) {
            (true, _) => KeyPresence::Present,
            (false, true) => KeyPresence::Absent,
            (false, false) => KeyPresence::Unknown,
        };
        let info = CertificateInfo::from_der(&der);
        certs.push(TokenCertificate {
            id,
            label,
            der,
            info,
            private_key,
        });
    }
    Ok(certs)
}

/// Reads `CKA_ID`, `CKA_LABEL` and (when `value`) `CKA_VALUE`; absent ones are empty.
fn id_label_value(
    session: &Session,
    handle: ObjectHandle,
    value: bool,
) -> Result<(Vec<u8>, String, Vec<u8>), Error> {
    let mut wanted = vec![AttributeType::Id, AttributeType::Label];
    if value {
        wanted.push(AttributeType::Value);
    }
    let attributes = session
        .get_attributes(handle, &wanted)
        .map_err(pkcs11(Step::FindKey))?;
    let (mut id, mut label, mut der) = (Vec::new(), String::new(), Vec::new());
    for attribute in attributes {
        match attribute {
            Attribute::Id(bytes) => id = bytes,
            Attribute::Label(bytes) => label = String::from_utf8_lossy(&bytes).into_owned(),
            Attribute::Value(bytes) => der = bytes,
            _ => {}
        }
    }
    Ok((id, label, der))
}

/// Picks the certificate `selector` designates among those on the token.
fn select_key<'a>(
    certs: &'a [TokenCertificate],
    keys: &[KeyObject],
    selector: &KeySelector,
) -> Result<&'a TokenCertificate, Error> {
    let with_key: Vec<&TokenCertificate> = certs
        .iter()
        .filter(|c| c.private_key == KeyPresence::Present)
        .collect();
    let candidates = || with_key.iter().map(|c| c.describe()).collect::<Vec<_>>();
    let matching: Vec<&TokenCertificate> = match selector {
        KeySelector::Auto => with_key.clone(),
        KeySelector::Label(label) => {
            let key_ids: Vec<&[u8]> = keys
                .iter()
                .filter(|k| &k.label == label && !k.id.is_empty())
                .map(|k| k.id.as_slice())
                .collect();
            certs
                .iter()
                .filter(|c| &c.label == label || key_ids.contains(&c.id.as_slice()))
                .collect()
        }
        KeySelector::Id(id) => certs.iter().filter(|c| &c.id == id).collect(),
        KeySelector::CertSha256(fp) => {
            let fp = hex::encode(fp);
            certs
                .iter()
                .filter(|c| c.info.as_ref().is_ok_and(|info| info.sha256_hex == fp))
                .collect()
        }
    };
    // Prefer certificates that can sign when a label or ID also names a key-less object.
    let usable: Vec<&TokenCertificate> = matching
        .iter()
        .copied()
        .filter(|c| c.private_key == KeyPresence::Present)
        .collect();
    match (usable.as_slice(), matching.as_slice()) {
        ([one], _) => Ok(one),
        ([], []) => Err(Error::KeyNotFound {
            selector: selector.to_string(),
            candidates: candidates(),
        }),
        ([], [first, ..]) => Err(Error::NoPrivateKey {
            certificate: first.describe(),
        }),
        (several, _) => Err(Error::AmbiguousKey {
            candidates: several.iter().map(|c| c.describe()).collect(),
        }),
    }
}

/// How a signature is computed on the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MechanismPlan {
    /// The token hashes and signs: `CKM_SHA{256,384,512}_RSA_PKCS`.
    RsaPkcsHashAndSign(HashAlgorithm),
    /// kyso hashes, wraps the digest in a DER `DigestInfo`, the token pads and signs:
    /// `CKM_RSA_PKCS`.
    RsaPkcsOverDigestInfo(HashAlgorithm),
    /// The token hashes and signs: `CKM_SHA{256,384,512}_RSA_PKCS_PSS`.
    RsaPssHashAndSign(HashAlgorithm),
    /// kyso hashes, the token signs the digest: `CKM_RSA_PKCS_PSS`.
    RsaPssOverDigest(HashAlgorithm),
    /// kyso hashes, the token signs the digest: `CKM_ECDSA`, raw `r || s`.
    EcdsaOverDigest(HashAlgorithm),
}

impl fmt::Display for MechanismPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = |h: &HashAlgorithm| h.output_len() * 8;
        match self {
            MechanismPlan::RsaPkcsHashAndSign(h) => write!(f, "CKM_SHA{}_RSA_PKCS", bits(h)),
            MechanismPlan::RsaPkcsOverDigestInfo(_) => f.write_str("CKM_RSA_PKCS"),
            MechanismPlan::RsaPssHashAndSign(h) => write!(f, "CKM_SHA{}_RSA_PKCS_PSS", bits(h)),
            MechanismPlan::RsaPssOverDigest(_) => f.write_str("CKM_RSA_PKCS_PSS"),
            MechanismPlan::EcdsaOverDigest(_) => f.write_str("CKM_ECDSA"),
        }
    }
}

/// Chooses the mechanism for `algorithm` among those the token lists: the hash-and-sign one
/// when offered (and `allow_combined`), else the raw one over a digest computed by kyso.
pub fn choose_mechanism(
    algorithm: SignatureAlgorithm,
    available: &[MechanismType],
    allow_combined: bool,
) -> Result<MechanismPlan, Error> {
    let has = |m: MechanismType| available.contains(&m);
    let combined = |h: HashAlgorithm, pss: bool| match (h, pss) {
        (HashAlgorithm::Sha256, false) => MechanismType::SHA256_RSA_PKCS,
        (HashAlgorithm::Sha384, false) => MechanismType::SHA384_RSA_PKCS,
        (HashAlgorithm::Sha512, false) => MechanismType::SHA512_RSA_PKCS,
        (HashAlgorithm::Sha256, true) => MechanismType::SHA256_RSA_PKCS_PSS,
        (HashAlgorithm::Sha384, true) => MechanismType::SHA384_RSA_PKCS_PSS,
        (HashAlgorithm::Sha512, true) => MechanismType::SHA512_RSA_PKCS_PSS,
    };
    match algorithm {
        SignatureAlgorithm::RsaPkcs1v15(h) if allow_combined && has(combined(h, false)) => {
            Ok(MechanismPlan::RsaPkcsHashAndSign(h))
        }
        SignatureAlgorithm::RsaPkcs1v15(h) if has(MechanismType::RSA_PKCS) => {
            Ok(MechanismPlan::RsaPkcsOverDigestInfo(h))
        }
        SignatureAlgorithm::RsaPkcs1v15(_) => Err(Error::MechanismUnsupported {
            algorithm,
            wanted: "CKM_SHA*_RSA_PKCS, CKM_RSA_PKCS",
        }),
        SignatureAlgorithm::RsaPss(h) if allow_combined && has(combined(h, true)) => {
            Ok(MechanismPlan::RsaPssHashAndSign(h))
        }
        SignatureAlgorithm::RsaPss(h) if has(MechanismType::RSA_PKCS_PSS) => {
            Ok(MechanismPlan::RsaPssOverDigest(h))
        }
        SignatureAlgorithm::RsaPss(_) => Err(Error::MechanismUnsupported {
            algorithm,
            wanted: "CKM_SHA*_RSA_PKCS_PSS, CKM_RSA_PKCS_PSS",
        }),
        SignatureAlgorithm::Ecdsa(h) if has(MechanismType::ECDSA) => {
            Ok(MechanismPlan::EcdsaOverDigest(h))
        }
        SignatureAlgorithm::Ecdsa(_) => Err(Error::MechanismUnsupported {
            algorithm,
            wanted: "CKM_ECDSA",
        }),
    }
}

/// A key on a token with one logged-in session for its whole life.
///
/// Invariants: the session is logged in (by this signer, or earlier by the same process) and
/// `key` is a private key handle valid in it; the session is used by one thread at a time
/// (the mutex). Dropping the signer logs out (when it logged in) and closes the session.
///
/// PKCS#11 login state belongs to the application and the token, not to a session: keep one
/// signer per token in a process (dropping one that logged in logs the others out).
pub struct Pkcs11Signer {
    // Field order matters: the session closes before the module may finalise.
    session: Mutex<Session>,
    logged_in: bool,
    key: ObjectHandle,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    kind: KeyKind,
    mechanisms: Vec<MechanismType>,
    combined_mechanisms: bool,
    token_label: String,
    _module: Arc<Pkcs11>,
}

impl fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("token", &self.token_label)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Signer {
    /// Signs with the raw mechanisms (`CKM_RSA_PKCS` over a `DigestInfo`, `CKM_RSA_PKCS_PSS`
    /// over a digest) even when the token offers hash-and-sign ones. For tokens whose combined
    /// mechanisms misbehave, and to exercise the fallback path.
    pub fn disable_combined_mechanisms(&mut self) {
        self.combined_mechanisms = false;
    }

    /// The mechanism [`Signer::sign`] will use for `algorithm`.
    pub fn mechanism_for(&self, algorithm: SignatureAlgorithm) -> Result<MechanismPlan, Error> {
        check_algorithm(algorithm, self.kind)?;
        choose_mechanism(algorithm, &self.mechanisms, self.combined_mechanisms)
    }

    /// Adds certificates (DER) to [`Signer::chain`], e.g. intermediates the user supplied
    /// with `--chain` that are not stored on the token. Duplicates are skipped.
    pub fn extend_chain(&mut self, certificates: impl IntoIterator<Item = Vec<u8>>) {
        for der in certificates {
            if der != self.certificate && !self.chain.contains(&der) {
                self.chain.push(der);
            }
        }
    }

    /// The label of the token the key is on.
    pub fn token_label(&self) -> &str {
        &self.token_label
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic while signing leaves no half-done state we rely on: C_Sign either
        // completed or the next C_SignInit starts afresh.
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Signer for Pkcs11Signer {
    fn certificate(&self) -> &[u8] {
        &self.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn key_kind(&self) -> KeyKind {
        self.kind
    }

    fn sign(&self, algorithm: SignatureAlgorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        let plan = self.mechanism_for(algorithm)?;
        let pss = |h: HashAlgorithm| -> Result<PkcsPssParams, Error> {
            let (hash_alg, mgf) = match h {
                HashAlgorithm::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
                HashAlgorithm::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
                HashAlgorithm::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
            };
            let s_len =
                Ulong::try_from(h.output_len()).map_err(|_| Error::MechanismUnsupported {
                    algorithm,
                    wanted: "a PSS salt length the platform can express",
                })?;
            Ok(PkcsPssParams {
                hash_alg,
                mgf,
                s_len,
            })
        };
        let (mechanism, data) = match plan {
            MechanismPlan::RsaPkcsHashAndSign(h) => (
                match h {
                    HashAlgorithm::Sha256 => Mechanism::Sha256RsaPkcs,
                    HashAlgorithm::Sha384 => Mechanism::Sha384RsaPkcs,
                    HashAlgorithm::Sha512 => Mechanism::Sha512RsaPkcs,
                },
                message.to_vec(),
            ),
            MechanismPlan::RsaPkcsOverDigestInfo(h) => (Mechanism::RsaPkcs, h.digest_info(message)),
            MechanismPlan::RsaPssHashAndSign(h) => (
                match h {
                    HashAlgorithm::Sha256 => Mechanism::Sha256RsaPkcsPss(pss(h)?),
                    HashAlgorithm::Sha384 => Mechanism::Sha384RsaPkcsPss(pss(h)?),
                    HashAlgorithm::Sha512 => Mechanism::Sha512RsaPkcsPss(pss(h)?),
                },
                message.to_vec(),
            ),
            MechanismPlan::RsaPssOverDigest(h) => {
                (Mechanism::RsaPkcsPss(pss(h)?), h.digest(message))
            }
            MechanismPlan::EcdsaOverDigest(h) => (Mechanism::Ecdsa, h.digest(message)),
        };
        let raw = self
            .session()
            .sign(&mechanism, self.key, &data)
            .map_err(pkcs11(Step::Sign))?;
        match plan {
            MechanismPlan::EcdsaOverDigest(_) => crate::ecdsa::raw_to_der(&raw, self.kind),
            _ => {
                if raw.len() != self.kind.max_signature_len() {
                    return Err(Error::MalformedSignature {
                        what: "RSA",
                        len: raw.len(),
                    });
                }
                Ok(raw)
            }
        }
    }
}

impl Drop for Pkcs11Signer {
    fn drop(&mut self) {
        if self.logged_in {
            let _ = self.session().logout();
        }
    }
}

/// Reads the ELF header of a module file to tell apart "missing", "not a library" and "a
/// library for another architecture" before `dlopen` gives a vaguer message.
fn check_library_file(path: &Path) -> Result<(), Error> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => Error::ModuleNotFound {
            path: path.to_path_buf(),
        },
        _ => Error::NotAModule {
            path: path.to_path_buf(),
            reason: err.to_string(),
        },
    })?;
    let mut header = [0u8; 20];
    let mut read = 0;
    while read < header.len() {
        match file.read(header.get_mut(read..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => {
                return Err(Error::NotAModule {
                    path: path.to_path_buf(),
                    reason: err.to_string(),
                })
            }
        }
    }
    match elf_verdict(header.get(..read).unwrap_or_default()) {
        Ok(()) => Ok(()),
        // Other systems have other formats; let the loader judge them.
        Err(ElfVerdict::NotElf) if !cfg!(target_os = "linux") => Ok(()),
        Err(ElfVerdict::NotElf) => Err(Error::NotAModule {
            path: path.to_path_buf(),
            reason: "not an ELF shared library".to_owned(),
        }),
        Err(ElfVerdict::NotShared) => Err(Error::NotAModule {
            path: path.to_path_buf(),
            reason: "an ELF file but not a shared library".to_owned(),
        }),
        Err(ElfVerdict::Foreign { module }) => Err(Error::ModuleWrongArchitecture {
            path: path.to_path_buf(),
            module,
            process: describe_arch(
                if cfg!(target_pointer_width = "64") {
                    2
                } else {
                    1
                },
                own_machine(),
            ),
        }),
    }
}

/// Why an ELF header does not fit this process.
#[derive(Debug, PartialEq, Eq)]
enum ElfVerdict {
    NotElf,
    NotShared,
    Foreign { module: String },
}

fn elf_verdict(header: &[u8]) -> Result<(), ElfVerdict> {
    if header.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err(ElfVerdict::NotElf);
    }
    let class = header.get(4).copied().unwrap_or(0);
    let little = header.get(5).copied() == Some(1);
    let u16_at = |at: usize| -> Option<u16> {
        let bytes = <[u8; 2]>::try_from(header.get(at..at + 2)?).ok()?;
        Some(if little {
            u16::from_le_bytes(bytes)
        } else {
            u16::from_be_bytes(bytes)
        })
    };
    let (Some(kind), Some(machine)) = (u16_at(16), u16_at(18)) else {
        return Err(ElfVerdict::NotElf);
    };
    let own_class = if cfg!(target_pointer_width = "64") {
        2
    } else {
        1
    };
    if class != own_class || own_machine().is_some_and(|own| own != machine) {
        return Err(ElfVerdict::Foreign {
            module: describe_arch(class, Some(machine)),
        });
    }
    // ET_DYN = 3.
    if kind != 3 {
        return Err(ElfVerdict::NotShared);
    }
    Ok(())
}

/// The ELF `e_machine` of this program, when kyso knows it.
fn own_machine() -> Option<u16> {
    match std::env::consts::ARCH {
        "x86" => Some(3),
        "x86_64" => Some(62),
        "arm" => Some(40),
        "aarch64" => Some(183),
        "powerpc64" => Some(21),
        "s390x" => Some(22),
        "riscv64" => Some(243),
        _ => None,
    }
}

fn describe_arch(class: u8, machine: Option<u16>) -> String {
    let bits = match class {
        1 => "32-bit",
        2 => "64-bit",
        _ => "unknown-width",
    };
    let arch = match machine {
        Some(3) => "x86".to_owned(),
        Some(62) => "x86-64".to_owned(),
        Some(40) => "ARM".to_owned(),
        Some(183) => "AArch64".to_owned(),
        Some(21) => "PowerPC64".to_owned(),
        Some(22) => "s390".to_owned(),
        Some(243) => "RISC-V".to_owned(),
        Some(other) => format!("machine {other}"),
        None => std::env::consts::ARCH.to_owned(),
    };
    format!("{bits} {arch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elf_header(class: u8, machine: u16, kind: u16) -> Vec<u8> {
        let mut h = vec![0x7f, b'E', b'L', b'F', class, 1, 1, 0];
        h.extend_from_slice(&[0; 8]);
        h.extend_from_slice(&kind.to_le_bytes());
        h.extend_from_slice(&machine.to_le_bytes());
        h
    }

    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn accepts_a_native_shared_library_header() {
        assert_eq!(elf_verdict(&elf_header(2, 62, 3)), Ok(()));
    }

    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn rejects_a_32_bit_module_naming_its_width() {
        let verdict = elf_verdict(&elf_header(1, 3, 3));
        assert_eq!(
            verdict,
            Err(ElfVerdict::Foreign {
                module: "32-bit x86".to_owned()
            })
        );
    }

    #[test]
    fn rejects_a_file_that_is_not_elf() {
        assert_eq!(elf_verdict(b"#!/bin/sh\n"), Err(ElfVerdict::NotElf));
        assert_eq!(elf_verdict(b""), Err(ElfVerdict::NotElf));
    }

    #[test]
    fn rejects_a_truncated_elf_header() {
        let header = elf_header(2, 62, 3);
        for len in 0..header.len() {
            assert!(elf_verdict(header.get(..len).unwrap_or_default()).is_err());
        }
    }

    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn rejects_an_elf_executable_that_is_not_a_library() {
        assert_eq!(
            elf_verdict(&elf_header(2, 62, 2)),
            Err(ElfVerdict::NotShared)
        );
    }

    #[test]
    fn missing_modules_are_reported_as_missing() {
        let err = Pkcs11Module::open(Path::new("/nonexistent/libnothing.so"))
            .expect_err("must be refused");
        assert!(matches!(err, Error::ModuleNotFound { .. }), "{err:?}");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn text_files_are_not_modules() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("module.so");
        std::fs::write(&path, b"not a library").expect("write");
        let err = Pkcs11Module::open(&path).expect_err("must be refused");
        assert!(matches!(err, Error::NotAModule { .. }), "{err:?}");
    }

    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn thirty_two_bit_modules_are_named_as_such() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vendor32.so");
        let mut bytes = elf_header(1, 3, 3);
        bytes.resize(64, 0);
        std::fs::write(&path, bytes).expect("write");
        let err = Pkcs11Module::open(&path).expect_err("must be refused");
        let message = err.to_string();
        assert!(
            matches!(err, Error::ModuleWrongArchitecture { .. }),
            "{err:?}"
        );
        assert!(
            message.contains("32-bit x86") && message.contains("64-bit"),
            "{message}"
        );
    }

    const ALL_RSA: [MechanismType; 8] = [
        MechanismType::RSA_PKCS,
        MechanismType::RSA_PKCS_PSS,
        MechanismType::SHA256_RSA_PKCS,
        MechanismType::SHA384_RSA_PKCS,
        MechanismType::SHA512_RSA_PKCS,
        MechanismType::SHA256_RSA_PKCS_PSS,
        MechanismType::SHA384_RSA_PKCS_PSS,
        MechanismType::SHA512_RSA_PKCS_PSS,
    ];

    #[test]
    fn prefers_the_combined_mechanism_when_offered() {
        let plan = choose_mechanism(
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384),
            &ALL_RSA,
            true,
        );
        assert_eq!(
            plan.ok(),
            Some(MechanismPlan::RsaPkcsHashAndSign(HashAlgorithm::Sha384))
        );
    }

    #[test]
    fn falls_back_to_digest_info_when_the_combined_mechanism_is_missing() {
        let plan = choose_mechanism(
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            &[MechanismType::RSA_PKCS],
            true,
        );
        assert_eq!(
            plan.ok(),
            Some(MechanismPlan::RsaPkcsOverDigestInfo(HashAlgorithm::Sha256))
        );
    }

    #[test]
    fn falls_back_to_raw_pss_when_combined_mechanisms_are_disabled() {
        let plan = choose_mechanism(
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
            &ALL_RSA,
            false,
        );
        assert_eq!(
            plan.ok(),
            Some(MechanismPlan::RsaPssOverDigest(HashAlgorithm::Sha256))
        );
    }

    #[test]
    fn refuses_pss_on_a_token_without_pss() {
        let plan = choose_mechanism(
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256),
            &[MechanismType::RSA_PKCS, MechanismType::SHA256_RSA_PKCS],
            true,
        );
        assert!(matches!(plan, Err(Error::MechanismUnsupported { .. })));
    }

    #[test]
    fn refuses_ecdsa_on_a_token_without_ecdsa() {
        let plan = choose_mechanism(
            SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256),
            &ALL_RSA,
            true,
        );
        assert!(matches!(plan, Err(Error::MechanismUnsupported { .. })));
    }

    #[test]
    fn key_ids_accept_colon_separated_hex() {
        assert_eq!(
            KeySelector::id_from_hex("0a:1B").ok(),
            Some(KeySelector::Id(vec![0x0a, 0x1b]))
        );
    }

    #[test]
    fn key_ids_reject_non_hex_and_empty_text() {
        assert!(KeySelector::id_from_hex("zz").is_err());
        assert!(KeySelector::id_from_hex("").is_err());
        assert!(KeySelector::id_from_hex("abc").is_err());
    }

    #[test]
    fn fingerprints_must_be_32_bytes() {
        assert!(KeySelector::cert_sha256_from_hex(&"ab".repeat(32)).is_ok());
        assert!(KeySelector::cert_sha256_from_hex(&"ab".repeat(20)).is_err());
    }
}
