//! The cryptographic check of one signature: digest of the signed ranges (streamed over the
//! borrowed input), the CMS signature through kyso-cms, and the timestamps.

use std::time::SystemTime;

use kyso_cms::tsp::TimeStampToken;
use kyso_cms::{ContentHasher, DigestAlgorithm, SignedDataInfo};

use super::{RevocationMaterial, SignatureKind, SignedRanges};

/// Largest signed content copied into memory for signatures that need the whole content
/// (no signed attributes and a scheme that cannot work from a digest, e.g. Ed25519).
const MAX_WHOLE_CONTENT: usize = 64 * 1024 * 1024;

/// Why the cryptographic check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoFailure {
    /// kyso-cms refused the CMS or its signature (digest mismatch, bad signature, …).
    #[error(transparent)]
    Cms(#[from] kyso_cms::Error),
    /// A detached PDF signature whose CMS carries the content itself.
    #[error("the CMS of a detached signature carries encapsulated content")]
    EncapsulatedContent,
    /// adbe.pkcs7.sha1: the SHA-1 inside the CMS is not the digest of the signed bytes.
    #[error("the SHA-1 digest inside the CMS does not match the signed bytes")]
    Sha1ContentMismatch,
    /// A PDF signature must have exactly one SignerInfo.
    #[error("the CMS has {0} signers, a PDF signature has exactly one")]
    SignerCount(usize),
    /// The /SubFilter is not one kyso verifies.
    #[error("unsupported /SubFilter {0}")]
    UnsupportedSubFilter(String),
    /// An EdDSA signature with a digest algorithm RFC 8419 forbids for it.
    #[error("EdDSA signature with a digest algorithm RFC 8419 does not allow")]
    EddsaDigestMismatch,
    /// The signed bytes could not be read.
    #[error("cannot read the signed bytes")]
    Read(#[source] std::io::Error),
    /// The signed content is too large to verify a signature that needs all of it.
    #[error("the signed content is too large for a signature without signed attributes")]
    ContentTooLarge,
}

impl CryptoFailure {
    /// Whether the failure is certain (FAILED) rather than a limit of the verifier
    /// (INDETERMINATE: an unsupported algorithm or format).
    pub fn is_certain(&self) -> bool {
        !matches!(
            self,
            Self::Cms(kyso_cms::Error::UnsupportedAlgorithm { .. })
                | Self::UnsupportedSubFilter(_)
                | Self::ContentTooLarge
                | Self::Read(_)
        )
    }
}

/// The outcome of the cryptographic check.
#[derive(Debug)]
pub enum CryptoOutcome {
    /// Not checked: the ByteRange is unusable.
    Unchecked,
    /// The digest and the signature verified.
    Verified {
        /// The signer's (for a document timestamp: the TSA's) certificate, DER.
        signer_certificate: Vec<u8>,
        /// The content digest algorithm.
        digest: DigestAlgorithm,
        /// SHA-1 was used for the digest or inside the signature.
        uses_sha1: bool,
        /// The signing time the signer claims (signed attribute), unproven.
        claimed_time: Option<SystemTime>,
        /// An ESS signing-certificate(-v2) attribute binds the certificate (PAdES B-B).
        binds_certificate: bool,
    },
    /// The check failed.
    Failed {
        /// Why.
        failure: CryptoFailure,
        /// The certificate the CMS names, when it could be found (for the report).
        signer_certificate: Option<Vec<u8>>,
    },
}

/// A signature timestamp (or a document timestamp's token).
#[derive(Debug)]
pub struct TimestampFacts {
    /// The time the TSA vouches for.
    pub gen_time: SystemTime,
    /// The TSA certificate the token names, DER.
    pub tsa_certificate: Option<Vec<u8>>,
    /// Whether the imprint matched and the TSA's signature verified.
    pub outcome: Result<(), CryptoFailure>,
}

type Checked = (CryptoOutcome, Option<TimestampFacts>, RevocationMaterial);

/// Reads `len` bytes at `offset` of the document, handing them to the sink chunk by chunk.
pub type RangeReader<'r> =
    &'r (dyn Fn(u64, u64, &mut dyn FnMut(&[u8])) -> std::io::Result<()> + Sync);

/// Where the signed bytes are read from when they are hashed.
#[derive(Clone, Copy)]
pub enum SignedBytes<'r> {
    /// The slice the document was opened from.
    Mapped,
    /// A reader over the same bytes (e.g. positioned reads of the file), so hashing a huge
    /// document does not leave all of its pages resident the way touching a memory map does.
    Reader(RangeReader<'r>),
}

impl std::fmt::Debug for SignedBytes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Mapped => "Mapped",
            Self::Reader(_) => "Reader",
        })
    }
}

/// Feeds bytes `from..to` of the document to `sink`, from the map or the reader.
fn feed_span(
    data: &[u8],
    source: SignedBytes<'_>,
    from: u64,
    to: u64,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<(), CryptoFailure> {
    if to <= from {
        return Ok(());
    }
    match source {
        SignedBytes::Mapped => {
            let slice = usize::try_from(from)
                .ok()
                .zip(usize::try_from(to).ok())
                .and_then(|(from, to)| data.get(from..to))
                .ok_or_else(|| {
                    CryptoFailure::Read(std::io::Error::from(std::io::ErrorKind::UnexpectedEof))
                })?;
            sink(slice);
            Ok(())
        }
        SignedBytes::Reader(read) => read(from, to - from, sink).map_err(CryptoFailure::Read),
    }
}

/// Most hash states [`PrefixHashes`] keeps for one document (each a few hundred bytes).
const MAX_PREFIX_STATES: usize = 2 * super::MAX_SIGNATURES;

/// Hash states of a document's leading bytes, shared by its signatures.
///
/// Every signature's first range starts at byte 0, and a signature made in a later revision
/// covers the earlier signature's first range too: with the state after `0..a` kept, each
/// later signature with the same digest algorithm continues from there instead of hashing
/// the document again, so most bytes of a multiply-signed file are hashed once.
///
/// Invariant: every kept state is the given algorithm's hasher fed exactly the document's
/// bytes `0..offset` (a state is kept only after all of them were read).
#[derive(Debug, Default)]
pub(crate) struct PrefixHashes {
    /// Where the document's signatures' first ranges end (their gaps start), ascending: a
    /// state is kept at each of them on the way.
    marks: Vec<u64>,
    /// `(algorithm, offset, state after bytes 0..offset)`.
    states: Vec<(DigestAlgorithm, u64, ContentHasher)>,
}

impl PrefixHashes {
    /// For a document whose signatures leave the gaps `(a, b)`.
    pub(crate) fn new(gaps: &[(u64, u64)]) -> Self {
        let mut marks: Vec<u64> = gaps.iter().map(|&(a, _)| a).collect();
        marks.sort_unstable();
        marks.dedup();
        Self {
            marks,
            states: Vec::new(),
        }
    }

    /// The hasher fed the signed bytes of `ranges`.
    fn hash(
        &mut self,
        algorithm: DigestAlgorithm,
        data: &[u8],
        ranges: &SignedRanges,
        source: SignedBytes<'_>,
    ) -> Result<ContentHasher, CryptoFailure> {
        let [(_, first_len), (second_start, second_len)] = ranges.spans();
        let mut hasher = self.prefix(algorithm, first_len, data, source)?;
        let second_end = second_start.saturating_add(second_len);
        feed_span(data, source, second_start, second_end, &mut |chunk| {
            hasher.update(chunk)
        })?;
        Ok(hasher)
    }

    /// The hasher fed bytes `0..end`, continued from the longest kept state that fits,
    /// keeping states at the marks passed and at `end`.
    fn prefix(
        &mut self,
        algorithm: DigestAlgorithm,
        end: u64,
        data: &[u8],
        source: SignedBytes<'_>,
    ) -> Result<ContentHasher, CryptoFailure> {
        let (mut at, mut hasher) = self
            .states
            .iter()
            .filter(|(alg, offset, _)| *alg == algorithm && *offset <= end)
            .max_by_key(|(_, offset, _)| *offset)
            .map_or_else(
                || (0, algorithm.hasher()),
                |(_, offset, state)| (*offset, state.clone()),
            );
        let stops: Vec<u64> = self
            .marks
            .iter()
            .copied()
            .filter(|&m| m > at && m < end)
            .chain(std::iter::once(end))
            .collect();
        for stop in stops {
            if stop <= at {
                continue;
            }
            feed_span(data, source, at, stop, &mut |chunk| hasher.update(chunk))?;
            at = stop;
            self.keep(algorithm, at, &hasher);
        }
        Ok(hasher)
    }

    fn keep(&mut self, algorithm: DigestAlgorithm, offset: u64, hasher: &ContentHasher) {
        let known = self
            .states
            .iter()
            .any(|(alg, at, _)| *alg == algorithm && *at == offset);
        if !known && self.states.len() < MAX_PREFIX_STATES {
            self.states.push((algorithm, offset, hasher.clone()));
        }
    }
}

/// Checks the signature whose DER (zero-padded) is `contents` over `ranges` of `data`.
pub(crate) fn check(
    data: &[u8],
    ranges: &SignedRanges,
    contents: &[u8],
    kind: SignatureKind,
    sub_filter: Option<&str>,
    source: SignedBytes<'_>,
    prefixes: &mut PrefixHashes,
) -> Checked {
    let der = match kyso_cms::ber_to_der(contents) {
        Ok(der) => der,
        Err(e) => return failed(e.into(), RevocationMaterial::default()),
    };
    if kind == SignatureKind::DocumentTimestamp {
        return check_document_timestamp(data, ranges, &der, source, prefixes);
    }
    let info = match kyso_cms::parse(&der) {
        Ok(info) => info,
        Err(e) => return failed(e.into(), RevocationMaterial::default()),
    };
    let mut embedded = material_of(&info);
    let signer_certificate = info.signer_certificate(0).ok().map(<[u8]>::to_vec);
    let fail = |failure: CryptoFailure, embedded: RevocationMaterial| {
        (
            CryptoOutcome::Failed {
                failure,
                signer_certificate: signer_certificate.clone(),
            },
            None,
            embedded,
        )
    };
    let [signer] = info.signer_infos.as_slice() else {
        return fail(
            CryptoFailure::SignerCount(info.signer_infos.len()),
            embedded,
        );
    };
    let legacy_sha1 = sub_filter == Some("adbe.pkcs7.sha1");
    match sub_filter {
        None | Some("adbe.pkcs7.detached" | "ETSI.CAdES.detached" | "adbe.pkcs7.sha1") => {}
        Some(other) => {
            return fail(
                CryptoFailure::UnsupportedSubFilter(other.to_owned()),
                embedded,
            )
        }
    }
    if info.content.is_some() && !legacy_sha1 {
        return fail(CryptoFailure::EncapsulatedContent, embedded);
    }
    if let Some(failure) = eddsa_digest_mismatch(signer) {
        return fail(failure, embedded);
    }
    let algorithm = match signer.digest_algorithm() {
        Ok(alg) => alg,
        Err(e) => return fail(e.into(), embedded),
    };
    let verified = if legacy_sha1 {
        let sha1 = match prefixes.hash(DigestAlgorithm::Sha1, data, ranges, source) {
            Ok(hasher) => hasher,
            Err(e) => return fail(e, embedded),
        };
        if info.content != Some(sha1.finalize().as_slice()) {
            return fail(CryptoFailure::Sha1ContentMismatch, embedded);
        }
        kyso_cms::verify_signer(
            &info,
            0,
            &algorithm.digest(info.content.unwrap_or_default()),
        )
        .map_err(CryptoFailure::from)
    } else {
        let hasher = match prefixes.hash(algorithm, data, ranges, source) {
            Ok(hasher) => hasher,
            Err(e) => return fail(e, embedded),
        };
        match kyso_cms::verify_signer(&info, 0, &hasher.finalize()) {
            Err(kyso_cms::Error::ContentRequired) => verify_whole(&info, data, ranges),
            other => other.map_err(CryptoFailure::from),
        }
    };
    let verified = match verified {
        Ok(v) => v,
        Err(e) => return fail(e, embedded),
    };
    let timestamp = signer
        .signature_time_stamp_tokens()
        .next()
        .map(|token| check_token(token, |t| t.check_imprint(signer.signature), &mut embedded));
    let binds_certificate = signer
        .signed_attrs
        .as_ref()
        .is_some_and(|a| a.signing_certificate.is_some() || a.signing_certificate_v2.is_some());
    (
        CryptoOutcome::Verified {
            signer_certificate: verified.certificate().to_vec(),
            digest: verified.digest_algorithm(),
            uses_sha1: verified.uses_sha1(),
            claimed_time: verified.claimed_signing_time(),
            binds_certificate,
        },
        timestamp,
        embedded,
    )
}

/// RFC 8419 §3.1: Ed25519 signatures use SHA-512 and Ed448 signatures SHAKE256 as the digest
/// algorithm; any other pairing is a malformed signature, not a verifier limitation.
fn eddsa_digest_mismatch(signer: &kyso_cms::SignerInfo<'_>) -> Option<CryptoFailure> {
    const ED25519: &[u8] = &[0x06, 0x03, 0x2B, 0x65, 0x70];
    const ED448: &[u8] = &[0x06, 0x03, 0x2B, 0x65, 0x71];
    let alg = signer.signature_algorithm;
    let contains = |oid: &[u8]| alg.windows(oid.len()).any(|w| w == oid);
    let digest = signer.digest_algorithm_oid.to_string();
    // Ed448: id-shake256-len (RFC 8419 §3.1, its length checked by kyso-cms) or id-shake256.
    let allowed: &[&str] = if contains(ED25519) {
        &["2.16.840.1.101.3.4.2.3"]
    } else if contains(ED448) {
        &["2.16.840.1.101.3.4.2.18", "2.16.840.1.101.3.4.2.12"]
    } else {
        return None;
    };
    (!allowed.contains(&digest.as_str())).then_some(CryptoFailure::EddsaDigestMismatch)
}

fn verify_whole<'a>(
    info: &SignedDataInfo<'a>,
    data: &[u8],
    ranges: &SignedRanges,
) -> Result<kyso_cms::VerifiedSigner<'a>, CryptoFailure> {
    let [first, second] = ranges.slices(data);
    if first.len().saturating_add(second.len()) > MAX_WHOLE_CONTENT {
        return Err(CryptoFailure::ContentTooLarge);
    }
    let mut content = Vec::with_capacity(first.len() + second.len());
    content.extend_from_slice(first);
    content.extend_from_slice(second);
    Ok(kyso_cms::verify_signer_content(info, 0, &content)?)
}

fn check_document_timestamp(
    data: &[u8],
    ranges: &SignedRanges,
    der: &[u8],
    source: SignedBytes<'_>,
    prefixes: &mut PrefixHashes,
) -> Checked {
    let token = match TimeStampToken::parse(der) {
        Ok(token) => token,
        Err(e) => return failed(e.into(), RevocationMaterial::default()),
    };
    let mut embedded = material_of(&token.signed_data);
    let facts = check_token(
        der,
        |t| {
            let imprint = &t.tst_info.message_imprint;
            let alg = DigestAlgorithm::from_oid(&imprint.hash_algorithm.oid)?;
            let Ok(hasher) = prefixes.hash(alg, data, ranges, source) else {
                return Err(kyso_cms::Error::DigestMismatch);
            };
            if hasher.finalize() == imprint.hashed_message.as_bytes() {
                Ok(())
            } else {
                Err(kyso_cms::Error::DigestMismatch)
            }
        },
        &mut embedded,
    );
    let outcome = match (&facts.outcome, &facts.tsa_certificate) {
        (Ok(()), Some(cert)) => CryptoOutcome::Verified {
            signer_certificate: cert.clone(),
            digest: token
                .signed_data
                .signer_infos
                .first()
                .and_then(|s| s.digest_algorithm().ok())
                .unwrap_or(DigestAlgorithm::Sha256),
            uses_sha1: false,
            claimed_time: Some(facts.gen_time),
            binds_certificate: true,
        },
        (Err(e), cert) => CryptoOutcome::Failed {
            failure: CryptoFailure::Cms(clone_cms_error(e)),
            signer_certificate: cert.clone(),
        },
        (Ok(()), None) => CryptoOutcome::Failed {
            failure: CryptoFailure::Cms(kyso_cms::Error::SignerCertificateNotFound),
            signer_certificate: None,
        },
    };
    (outcome, Some(facts), embedded)
}

/// The document timestamp's failure is reported twice (as the crypto outcome and in the
/// timestamp facts); kyso-cms errors are not `Clone`, so the second copy keeps the condition.
fn clone_cms_error(e: &CryptoFailure) -> kyso_cms::Error {
    match e {
        CryptoFailure::Cms(kyso_cms::Error::DigestMismatch) => kyso_cms::Error::DigestMismatch,
        CryptoFailure::Cms(kyso_cms::Error::ImprintMismatch) => kyso_cms::Error::ImprintMismatch,
        CryptoFailure::Cms(kyso_cms::Error::SignerCertificateNotFound) => {
            kyso_cms::Error::SignerCertificateNotFound
        }
        _ => kyso_cms::Error::BadSignature,
    }
}

/// Parses and verifies a timestamp token; `imprint` checks what it stamps.
fn check_token(
    der: &[u8],
    imprint: impl FnOnce(&TimeStampToken<'_>) -> Result<(), kyso_cms::Error>,
    embedded: &mut RevocationMaterial,
) -> TimestampFacts {
    let token = match TimeStampToken::parse(der) {
        Ok(token) => token,
        Err(e) => {
            return TimestampFacts {
                gen_time: SystemTime::UNIX_EPOCH,
                tsa_certificate: None,
                outcome: Err(e.into()),
            }
        }
    };
    embedded.absorb(&material_of(&token.signed_data));
    let tsa_certificate = token
        .signed_data
        .signer_certificate(0)
        .ok()
        .map(<[u8]>::to_vec);
    let outcome = imprint(&token)
        .and_then(|()| token.verify().map(|_| ()))
        .map_err(CryptoFailure::from);
    TimestampFacts {
        gen_time: token.gen_time(),
        tsa_certificate,
        outcome,
    }
}

fn material_of(info: &SignedDataInfo<'_>) -> RevocationMaterial {
    let mut material = RevocationMaterial {
        certificates: info.certificates.iter().map(|c| c.to_vec()).collect(),
        crls: info.crls.iter().map(|c| c.to_vec()).collect(),
        ocsp_responses: info
            .other_revocation_info
            .iter()
            .filter(|o| o.is_ocsp_response())
            .map(|o| o.info.to_vec())
            .collect(),
    };
    for signer in &info.signer_infos {
        if let Some(adobe) = signer
            .signed_attrs
            .as_ref()
            .and_then(|a| a.adobe_revocation_info.as_ref())
        {
            material.crls.extend(adobe.crls.iter().map(|c| c.to_vec()));
            material
                .ocsp_responses
                .extend(adobe.ocsp_responses.iter().map(|c| c.to_vec()));
        }
    }
    material
}

/// The certificates and revocation data of a CMS that could not be checked.
pub(crate) fn embedded_material(contents: &[u8]) -> RevocationMaterial {
    kyso_cms::ber_to_der(contents)
        .ok()
        .and_then(|der| kyso_cms::parse(&der).ok().map(|info| material_of(&info)))
        .unwrap_or_default()
}

fn failed(failure: CryptoFailure, embedded: RevocationMaterial) -> Checked {
    (
        CryptoOutcome::Failed {
            failure,
            signer_certificate: None,
        },
        None,
        embedded,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A document of `len` pseudo-random bytes with three signatures, each covering
    /// everything before it but its own gap, as incremental updates leave them.
    fn document() -> (Vec<u8>, Vec<[i64; 4]>) {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let data: Vec<u8> = (0..300_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        let ranges = [(40_000, 60_000, 120_000), (150_000, 170_000, 240_000)]
            .iter()
            .map(|&(a, b, end)| [0, a, b, end - b])
            .chain(std::iter::once([0, 260_000, 280_000, 20_000]))
            .collect();
        (data, ranges)
    }

    fn direct(alg: DigestAlgorithm, data: &[u8], range: &[i64; 4]) -> Vec<u8> {
        let ranges = super::super::byte_range::lenient(data, range).expect("inside");
        let mut hasher = alg.hasher();
        for slice in ranges.slices(data) {
            hasher.update(slice);
        }
        hasher.finalize()
    }

    #[test]
    fn shared_prefixes_give_the_digests_of_hashing_each_signature_alone() {
        let (data, ranges) = document();
        let gaps: Vec<(u64, u64)> = ranges
            .iter()
            .filter_map(|r| super::super::byte_range::gap(r))
            .collect();
        let algorithms = [
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha512,
            DigestAlgorithm::Sha1,
        ];
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
            for mixed in [false, true] {
                let read = AtomicU64::new(0);
                let reader = |offset: u64, len: u64, sink: &mut dyn FnMut(&[u8])| {
                    read.fetch_add(len, Ordering::Relaxed);
                    let from = usize::try_from(offset).expect("offset");
                    let to = from + usize::try_from(len).expect("len");
                    data.get(from..to)
                        .map(&mut *sink)
                        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::UnexpectedEof))
                };
                for source in [SignedBytes::Mapped, SignedBytes::Reader(&reader)] {
                    let mut prefixes = PrefixHashes::new(&gaps);
                    for &i in &order {
                        let alg = if mixed {
                            algorithms[i]
                        } else {
                            DigestAlgorithm::Sha256
                        };
                        let signed =
                            super::super::byte_range::lenient(&data, &ranges[i]).expect("inside");
                        let shared = prefixes
                            .hash(alg, &data, &signed, source)
                            .expect("hashes")
                            .finalize();
                        assert_eq!(shared, direct(alg, &data, &ranges[i]), "{order:?} {i}");
                    }
                }
                // With one algorithm every signed byte is read once, whatever the order:
                // the document up to the last gap, plus each signature's second range.
                if !mixed {
                    let once: u64 = 260_000 + 60_000 + 70_000 + 20_000;
                    assert_eq!(read.load(Ordering::Relaxed), once, "{order:?}");
                }
            }
        }
    }

    #[test]
    fn a_failing_read_keeps_no_state_and_is_reported() {
        let (data, ranges) = document();
        let fail = |offset: u64, _len: u64, _sink: &mut dyn FnMut(&[u8])| {
            if offset == 0 {
                Err(std::io::Error::other("disk gone"))
            } else {
                Ok(())
            }
        };
        let gaps = [(40_000, 60_000)];
        let mut prefixes = PrefixHashes::new(&gaps);
        let signed = super::super::byte_range::lenient(&data, &ranges[0]).expect("inside");
        assert!(matches!(
            prefixes.hash(
                DigestAlgorithm::Sha256,
                &data,
                &signed,
                SignedBytes::Reader(&fail)
            ),
            Err(CryptoFailure::Read(_))
        ));
        assert!(prefixes.states.is_empty());
        let hashed = prefixes
            .hash(DigestAlgorithm::Sha256, &data, &signed, SignedBytes::Mapped)
            .expect("hashes")
            .finalize();
        assert_eq!(hashed, direct(DigestAlgorithm::Sha256, &data, &ranges[0]));
    }
}
