//! Shared access to the corpora in `shared/corpora/`, read in place.

#![allow(dead_code)]

pub mod chain;
pub mod pki;

use std::path::{Path, PathBuf};

/// `shared/corpora/<name>`, or `None` (skip) when it is absent outside CI.
///
/// # Panics
/// In CI (`CI=true`) a missing corpus is a failure.
pub fn corpus_dir(name: &str) -> Option<PathBuf> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        manifest_dir.join("../../../shared/corpora").join(name),
        PathBuf::from("/work/shared/corpora").join(name),
    ];
    for c in candidates {
        if c.join("manifest.tsv").is_file() {
            return Some(c);
        }
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "corpus {name} is missing in CI"
    );
    eprintln!("corpus {name} not found: skipped");
    None
}

/// One manifest row.
pub struct Row {
    pub file: String,
    pub expected: String,
    pub keys: String,
    pub note: String,
    pub harness: String,
}

/// Every row of `dir/manifest.tsv` after the header.
pub fn manifest_rows(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv")).expect("manifest readable");
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Some(Row {
                file: cols.first()?.to_string(),
                expected: cols.get(3)?.to_string(),
                keys: cols.get(4).unwrap_or(&"").to_string(),
                note: cols.get(5).unwrap_or(&"").to_string(),
                harness: cols.get(6).unwrap_or(&"").to_string(),
            })
        })
        .collect()
}
