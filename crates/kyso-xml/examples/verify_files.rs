//! Verifies XML signatures in many files, for the benchmark in `BENCHMARKS.md`:
//!
//! ```text
//! cargo run --release -p kyso-xml --example verify_files -- ROOT.pem FILE...
//! ```
//!
//! Files are verified in parallel (one worker per core); the chain is checked against the
//! one trusted root with OpenSSL. Prints the count of PASSED signatures and the wall time.

use kyso_verdict::{Indication, SubIndication};
use kyso_xml::dsig::{
    verify_document, ChainOutcome, ChainValidator, ValidationTime, VerifyOptions,
};
use kyso_xml::ParseLimits;
use openssl::stack::Stack;
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::{X509StoreContext, X509};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

struct RootOnly {
    store: X509Store,
}

impl ChainValidator for RootOnly {
    fn validate(&self, leaf_der: &[u8], pool: &[Vec<u8>], _at: SystemTime) -> ChainOutcome {
        let fail = |reason: String| ChainOutcome::Indeterminate {
            sub_indication: SubIndication::NoCertificateChainFound,
            reason,
        };
        let Ok(leaf) = X509::from_der(leaf_der) else {
            return fail("leaf does not parse".to_owned());
        };
        let Ok(mut chain) = Stack::new() else {
            return fail("no memory".to_owned());
        };
        for der in pool {
            if let Ok(c) = X509::from_der(der) {
                let _ = chain.push(c);
            }
        }
        let Ok(mut ctx) = X509StoreContext::new() else {
            return fail("no memory".to_owned());
        };
        match ctx.init(&self.store, &leaf, &chain, |c| c.verify_cert()) {
            Ok(true) => ChainOutcome::Trusted,
            Ok(false) | Err(_) => fail("chain does not verify".to_owned()),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = args.next().ok_or("usage: verify_files ROOT.pem FILE...")?;
    let files: Vec<String> = args.collect();
    let mut builder = X509StoreBuilder::new()?;
    builder.add_cert(X509::from_pem(&std::fs::read(root)?)?)?;
    let validator = RootOnly {
        store: builder.build(),
    };
    let passed = AtomicUsize::new(0);
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let options = VerifyOptions {
                    limits: ParseLimits::default(),
                    validation_time: ValidationTime::Fixed(SystemTime::now()),
                    chain_validator: &validator,
                    certificate_pool: &[],
                    accept_misspelled_exc_c14n: false,
                    detached: None,
                    external: None,
                    timestamp_validator: None,
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let Ok(bytes) = std::fs::read(file) else {
                        continue;
                    };
                    if let Ok(reports) = verify_document(&bytes, &options) {
                        if !reports.is_empty()
                            && reports
                                .iter()
                                .all(|r| r.verdict.indication == Indication::Passed)
                        {
                            passed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    println!(
        "{} of {} files PASSED in {:.3} s",
        passed.load(Ordering::Relaxed),
        files.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
