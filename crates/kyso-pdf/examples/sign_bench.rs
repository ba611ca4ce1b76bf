//! Measures kyso-pdf's share of signing: open + prepare + digest + embed, with a dummy CMS.
//!
//! ```sh
//! cargo run --release -p kyso-pdf --example sign_bench -- FILE [ITERATIONS] [OUT]
//! ```
//!
//! The input is memory-mapped, as the CLI does; the digest streams the file through a small
//! buffer (`PreparedUpdate::digest_reader`), so a 1 GB input costs little resident memory.
//! With OUT, the signed output is written there (input copied by streaming, then the update).

#![allow(unsafe_code)]

use std::fs::File;
use std::io::{BufReader, Write};
use std::process::ExitCode;
use std::time::Instant;

use kyso_keys::HashAlgorithm;
use kyso_pdf::sign::{prepare, SignatureRequest};
use kyso_pdf::Document;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: sign_bench FILE [ITERATIONS] [OUT]");
        return ExitCode::from(2);
    };
    let iterations: u32 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    match run(path, iterations, args.get(3)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    path: &str,
    iterations: u32,
    out: Option<&String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let file = File::open(path)?;
    // SAFETY: the file is opened read-only and not modified while mapped (a benchmark input).
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let data: &[u8] = &map;
    let start = Instant::now();
    let mut last = None;
    for _ in 0..iterations.max(1) {
        let doc = Document::open(data)?;
        let mut update = prepare(&doc, &SignatureRequest::new(8192))?;
        // KYSO_BENCH_SLICE_DIGEST=1 hashes the mapped slice instead, to compare resident memory.
        let streamed = std::env::var_os("KYSO_BENCH_SLICE_DIGEST").is_none();
        let digest = if streamed && data.len() > 16 * 1024 * 1024 {
            update.digest_reader(BufReader::new(File::open(path)?), HashAlgorithm::Sha256)?
        } else {
            update.digest(data, HashAlgorithm::Sha256)?
        };
        update.embed(&digest)?;
        last = Some(update);
    }
    let elapsed = start.elapsed();
    let per_doc = elapsed / iterations.max(1);
    println!(
        "{} bytes, {} iterations: {:?} per document, {:.0} documents/s",
        data.len(),
        iterations,
        per_doc,
        f64::from(iterations.max(1)) / elapsed.as_secs_f64()
    );
    if let (Some(out), Some(update)) = (out, last) {
        let mut writer = std::io::BufWriter::new(File::create(out)?);
        std::io::copy(&mut BufReader::new(File::open(path)?), &mut writer)?;
        writer.write_all(update.bytes())?;
        writer.flush()?;
    }
    Ok(())
}
