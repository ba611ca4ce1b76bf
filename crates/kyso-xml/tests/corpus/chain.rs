//! A test-only [`ChainValidator`] over OpenSSL's X509Store, configured from a manifest
//! `keys` column. kyso-chain replaces it in the CLI.

use kyso_verdict::SubIndication;
use kyso_xml::dsig::{ChainOutcome, ChainValidator};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyFlags;
use openssl::x509::{CrlStatus, X509Crl, X509StoreContext, X509};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a manifest row gives the verifier.
#[derive(Default)]
pub struct TestTrust {
    pub trusted: Vec<X509>,
    pub untrusted: Vec<Vec<u8>>,
    /// Out-of-band keys (`key-cert[name]=`), trusted as given.
    pub key_certs: Vec<Vec<u8>>,
    pub crls: Vec<X509Crl>,
    pub time: Option<SystemTime>,
    pub skip_time_checks: bool,
    pub insecure: bool,
    /// Something the row needs that this harness does not model (hmac-key, url-map…).
    pub unmodelled: Vec<String>,
}

fn load_cert(path: &Path) -> X509 {
    let bytes = std::fs::read(path).expect("certificate readable");
    X509::from_der(&bytes)
        .or_else(|_| X509::from_pem(&bytes))
        .expect("certificate parses")
}

impl TestTrust {
    /// Parses a `keys` column; paths are relative to `dir`.
    pub fn from_keys(dir: &Path, keys: &str) -> Self {
        let mut t = Self::default();
        for item in keys.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            if let Some(p) = item.strip_prefix("trusted=") {
                t.trusted.push(load_cert(&dir.join(p)));
            } else if let Some(p) = item.strip_prefix("untrusted=") {
                t.untrusted
                    .push(load_cert(&dir.join(p)).to_der().expect("der"));
            } else if let Some(rest) = item.strip_prefix("key-cert[") {
                let p = rest.split_once("]=").map(|(_, p)| p).unwrap_or(rest);
                t.key_certs
                    .push(load_cert(&dir.join(p)).to_der().expect("der"));
            } else if let Some(p) = item.strip_prefix("crl=") {
                let bytes = std::fs::read(dir.join(p)).expect("crl readable");
                t.crls.push(
                    X509Crl::from_der(&bytes)
                        .or_else(|_| X509Crl::from_pem(&bytes))
                        .expect("crl parses"),
                );
            } else if let Some(v) = item.strip_prefix("time=") {
                t.time = Some(parse_time(v));
            } else if item == "X509-skip-time-checks" {
                t.skip_time_checks = true;
            } else if item.starts_with("insecure") {
                t.insecure = true;
            } else if item == "-" || item == "verify-crls" {
            } else {
                t.unmodelled.push(item.to_owned());
            }
        }
        t
    }

    /// The certificates the verifier is handed besides the document's own.
    pub fn pool(&self) -> Vec<Vec<u8>> {
        let mut pool = self.untrusted.clone();
        pool.extend(self.key_certs.iter().cloned());
        pool
    }

    pub fn validation_time(&self) -> SystemTime {
        self.time.unwrap_or_else(SystemTime::now)
    }
}

/// `2019-01-01+00:00:00` → time.
pub fn parse_time(s: &str) -> SystemTime {
    let digits: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().expect("number"))
        .collect();
    let [y, m, d, hh, mm, ss] = digits[..] else {
        panic!("bad time {s}")
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + hh * 3600 + mm * 60 + ss;
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).expect("after 1970"))
}

impl ChainValidator for TestTrust {
    fn validate(&self, leaf_der: &[u8], pool: &[Vec<u8>], at: SystemTime) -> ChainOutcome {
        if self.insecure || self.key_certs.iter().any(|k| k == leaf_der) {
            return ChainOutcome::Trusted;
        }
        if self.trusted.is_empty() {
            return ChainOutcome::Indeterminate {
                sub_indication: SubIndication::NoCertificateChainFound,
                reason: "no trust anchor given".to_owned(),
            };
        }
        let leaf = X509::from_der(leaf_der).expect("leaf");
        let mut builder = X509StoreBuilder::new().expect("store");
        for t in &self.trusted {
            builder.add_cert(t.clone()).expect("add");
        }
        let mut flags = X509VerifyFlags::PARTIAL_CHAIN;
        if self.skip_time_checks {
            flags |= X509VerifyFlags::NO_CHECK_TIME;
        }
        builder.set_flags(flags).expect("flags");
        let mut param = openssl::x509::verify::X509VerifyParam::new().expect("param");
        param.set_flags(flags).expect("flags");
        let secs = at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        if !self.skip_time_checks {
            param.set_time(secs as _);
        }
        builder.set_param(&param).expect("param");
        let store = builder.build();
        let mut chain = Stack::new().expect("stack");
        for der in pool {
            if let Ok(c) = X509::from_der(der) {
                chain.push(c).expect("push");
            }
        }
        let mut ctx = X509StoreContext::new().expect("ctx");
        let result = ctx
            .init(&store, &leaf, &chain, |c| {
                let ok = c.verify_cert()?;
                Ok((ok, c.error()))
            })
            .expect("verify runs");
        if !result.0 {
            return ChainOutcome::Indeterminate {
                sub_indication: SubIndication::CertificateChainGeneralFailure,
                reason: result.1.to_string(),
            };
        }
        for crl in &self.crls {
            let now = openssl::asn1::Asn1Time::from_unix(secs as _).expect("time");
            if crl.last_update() > now {
                // Not yet valid at the validation time: it says nothing.
                continue;
            }
            if let Some(next) = crl.next_update() {
                let at_asn1 = openssl::asn1::Asn1Time::from_unix(secs as _).expect("time");
                if next < at_asn1 {
                    return ChainOutcome::Indeterminate {
                        sub_indication: SubIndication::TryLater,
                        reason: "CRL past its nextUpdate".to_owned(),
                    };
                }
            }
            let at_asn1 = openssl::asn1::Asn1Time::from_unix(secs as _).expect("time");
            if let CrlStatus::Revoked(entry) = crl.get_by_cert(&leaf) {
                if entry.revocation_date() > at_asn1 {
                    continue;
                }
                return ChainOutcome::Failed {
                    sub_indication: SubIndication::Revoked,
                    reason: "revoked by CRL".to_owned(),
                };
            }
        }
        ChainOutcome::Trusted
    }
}
