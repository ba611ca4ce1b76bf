//! Malformed certificates, CRLs and OCSP responses give errors, never panics: every
//! truncation, inflated length fields and thousands of random byte flips of real objects
//! (the test PKI of `data/make-pki.sh`) go through the parsers, and whatever still decodes
//! goes through validation.

mod common;

use chrono::Utc;
use kyso_chain::{
    validate, Certificate, Crl, OcspResponseData, RevocationMode, RevocationSources,
    ValidationPolicy,
};

use common::pki;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(pki().path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Mutants of `der`: random flips of 1–4 bytes, and length bytes set to huge values.
fn mutants(der: &[u8], seed: u64, count: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(count + 64);
    for _ in 0..count {
        let mut m = der.to_vec();
        for _ in 0..=rng.below(4) {
            let i = rng.below(m.len());
            if let Some(b) = m.get_mut(i) {
                *b ^= u8::try_from(rng.next() % 255 + 1).unwrap_or(1);
            }
        }
        out.push(m);
    }
    // "Huge lengths": every byte that follows a plausible tag becomes a 4-byte long form.
    for i in 1..der.len().min(64) {
        let mut m = der.to_vec();
        m.splice(i..=i, [0x84, 0x7F, 0xFF, 0xFF, 0xFF]);
        out.push(m);
    }
    out
}

#[test]
fn every_truncated_certificate_is_rejected() {
    let der = read("leaf.der");
    for len in 0..der.len() {
        assert!(
            Certificate::from_der(der.get(..len).unwrap_or(&[])).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    assert!(
        Certificate::from_der(&der).is_ok(),
        "the whole certificate must decode"
    );
}

#[test]
fn every_truncated_crl_is_rejected() {
    let der = read("inter.crl.der");
    for len in 0..der.len() {
        assert!(
            Crl::from_der(der.get(..len).unwrap_or(&[])).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    assert!(Crl::from_der(&der).is_ok(), "the whole CRL must decode");
}

#[test]
fn every_truncated_ocsp_response_is_rejected() {
    let der = read("leaf.ocsp.der");
    for len in 0..der.len() {
        assert!(
            OcspResponseData::from_der(der.get(..len).unwrap_or(&[])).is_err(),
            "prefix of {len} bytes decoded"
        );
    }
    assert!(
        OcspResponseData::from_der(&der).is_ok(),
        "the whole response must decode"
    );
}

#[test]
fn flipped_leaf_certificates_never_validate() {
    let pki = pki();
    let der = read("leaf.der");
    let mut policy = ValidationPolicy::new(pki.anchors(), Utc::now());
    policy.revocation = RevocationMode::Off;
    let pool = pki.intermediates();
    let sources = RevocationSources::new();
    let mut decoded = 0usize;
    for mutant in mutants(&der, 0x6B79_736F, 3000) {
        if mutant == der {
            continue;
        }
        if let Ok(cert) = Certificate::from_der(&mutant) {
            decoded += 1;
            assert!(
                validate(&cert, &pool, &policy, &sources).is_err(),
                "a modified leaf validated"
            );
        }
    }
    // Most single-byte flips inside values still decode: the validation path was exercised.
    assert!(decoded > 100, "only {decoded} mutants decoded");
}

#[test]
fn flipped_intermediates_and_anchors_never_validate() {
    let pki = pki();
    let leaf = pki.cert("leaf");
    let inter = read("inter.der");
    let sources = RevocationSources::new();
    for mutant in mutants(&inter, 0x5EED, 1500) {
        if mutant == inter {
            continue;
        }
        if let Ok(cert) = Certificate::from_der(&mutant) {
            let policy = ValidationPolicy::new(pki.anchors(), Utc::now());
            let pool = kyso_chain::CertPool::from_certs([cert]);
            assert!(
                validate(&leaf, &pool, &policy, &sources).is_err(),
                "a modified intermediate validated"
            );
        }
    }
}

#[test]
fn flipped_crls_never_revoke_or_vouch_wrongly() {
    let pki = pki();
    let der = read("inter.crl.der");
    let leaf = pki.cert("leaf-crl");
    let mut decoded = 0usize;
    for mutant in mutants(&der, 0xC71, 3000) {
        if mutant == der {
            continue;
        }
        if let Ok(crl) = Crl::from_der(&mutant) {
            decoded += 1;
            let mut sources = RevocationSources::new();
            sources.add_crl(pki.crl("root.crl.der"));
            sources.add_crl(crl);
            let mut policy = ValidationPolicy::new(pki.anchors(), Utc::now());
            policy.revocation = RevocationMode::HardFail;
            // A modified CRL fails its signature: the status is unknown, never good.
            assert!(validate(&leaf, &pki.intermediates(), &policy, &sources).is_err());
        }
    }
    assert!(decoded > 100, "only {decoded} mutants decoded");
}

#[test]
fn flipped_ocsp_responses_never_vouch() {
    let pki = pki();
    let der = read("leaf.ocsp.der");
    let leaf = pki.cert("leaf");
    for mutant in mutants(&der, 0x0C5F, 3000) {
        if mutant == der {
            continue;
        }
        if let Ok(response) = OcspResponseData::from_der(&mutant) {
            let mut sources = RevocationSources::new();
            sources.add_crl(pki.crl("root.crl.der"));
            sources.add_ocsp(response);
            let mut policy = ValidationPolicy::new(pki.anchors(), Utc::now());
            policy.revocation = RevocationMode::HardFail;
            let result = validate(&leaf, &pki.intermediates(), &policy, &sources);
            // Flips in the unsigned certs field (the responder certificate's own signature
            // breaks) or in the signature make the response unusable.
            assert!(
                result.is_err(),
                "a modified OCSP response vouched for the leaf"
            );
        }
    }
}

#[test]
fn garbage_never_panics_any_parser() {
    let mut rng = Rng(42);
    for len in [0usize, 1, 2, 3, 16, 100, 1000] {
        for _ in 0..200 {
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| u8::try_from(rng.next() & 0xFF).unwrap_or(0))
                .collect();
            if let Some(first) = bytes.first_mut() {
                *first = 0x30;
            }
            assert!(Certificate::from_der(&bytes).is_err());
            assert!(Crl::from_der(&bytes).is_err());
            assert!(OcspResponseData::from_der(&bytes).is_err());
            let _ = Certificate::all_from_pem_or_der(&bytes);
            let _ = kyso_chain::pkcs7_certificates(&bytes);
        }
    }
}
