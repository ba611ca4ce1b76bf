//! Zip archives attached to edXML packages, opened in memory with hard limits.
//!
//! Real packages carry their documents as base64 zip archives. Nothing is ever extracted to
//! disk: entries are decompressed into memory, one at a time, and every limit is enforced on
//! the bytes actually produced, not on the sizes the archive declares (a zip bomb lies about
//! them). Entry names are checked as if the archive were to be extracted (zip-slip patterns
//! are refused and reported), though they are only ever used as labels.
//!
//! The limits on work are a [`Budget`] shared by every archive opened for one package, however
//! deeply they nest: every byte inflated (kept or refused) and every entry is charged to it, so
//! nesting archives does not multiply the work a package can cause. [`open_zip`] hands the
//! entries out one at a time, so a reader that recurses into an entry holds one entry per
//! level, never a whole archive.

use std::cell::Cell;
use std::io::Read;

/// Hard limits on the archives of one package (one [`Budget`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries (files and folders) of all the archives opened with one budget.
    pub max_entries: usize,
    /// Most bytes all the entries of those archives may decompress to together, counting
    /// the bytes of entries that were then refused.
    pub max_total_bytes: u64,
    /// Most bytes one entry may decompress to.
    pub max_entry_bytes: u64,
    /// Highest ratio of decompressed to compressed size of an entry (bombs reach 1000+).
    pub max_ratio: u64,
    /// Longest entry name, in bytes.
    pub max_name_len: usize,
}

impl Default for ArchiveLimits {
    /// 1,000 entries, 256 MiB in all, 128 MiB per entry, a ratio of 100, names of 512 bytes.
    fn default() -> Self {
        Self {
            max_entries: 1000,
            max_total_bytes: 256 << 20,
            max_entry_bytes: 128 << 20,
            max_ratio: 100,
            max_name_len: 512,
        }
    }
}

/// The work left to the archives of one package: what [`ArchiveLimits`] allows, less what the
/// archives opened with it so far have used. Shared by reference (single-threaded).
#[derive(Debug)]
pub struct Budget {
    limits: ArchiveLimits,
    /// Bytes inflated so far, kept or refused.
    inflated: Cell<u64>,
    /// Entries of the archives opened so far.
    entries: Cell<usize>,
}

impl Budget {
    /// A fresh budget of `limits`.
    pub fn new(limits: ArchiveLimits) -> Self {
        Self {
            limits,
            inflated: Cell::new(0),
            entries: Cell::new(0),
        }
    }

    /// The limits.
    pub fn limits(&self) -> &ArchiveLimits {
        &self.limits
    }

    /// Bytes inflated so far (kept or refused).
    pub fn inflated(&self) -> u64 {
        self.inflated.get()
    }

    /// Entries of the archives opened so far.
    pub fn entries(&self) -> usize {
        self.entries.get()
    }

    fn bytes_left(&self) -> u64 {
        self.limits
            .max_total_bytes
            .saturating_sub(self.inflated.get())
    }

    fn entries_left(&self) -> usize {
        self.limits.max_entries.saturating_sub(self.entries.get())
    }

    fn charge_bytes(&self, n: u64) {
        self.inflated.set(self.inflated.get().saturating_add(n));
    }
}

/// Why an archive, or one entry of it, was not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The bytes are not a readable zip archive.
    #[error("not a readable zip archive: {0}")]
    NotZip(String),
    /// More entries than [`ArchiveLimits::max_entries`] in one archive.
    #[error("{count} entries, above the limit of {limit} (refused as a possible zip bomb)")]
    TooManyEntries {
        /// Entries in the central directory.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More entries than the budget has left after the archives opened before.
    #[error(
        "{count} entries, but only {left} of the limit of {limit} entries in all archives are \
         left (refused as a possible zip bomb)"
    )]
    EntriesExhausted {
        /// Entries in the central directory.
        count: usize,
        /// Entries the budget had left.
        left: usize,
        /// The limit for all the archives.
        limit: usize,
    },
    /// The entries of all the archives decompress to more than
    /// [`ArchiveLimits::max_total_bytes`].
    #[error(
        "the archives' entries decompress to more than {limit} bytes in all (refused as a \
         possible zip bomb)"
    )]
    TotalTooLarge {
        /// The limit.
        limit: u64,
    },
    /// One entry decompresses to more than [`ArchiveLimits::max_entry_bytes`].
    #[error("entry {name:?} decompresses to more than {limit} bytes")]
    EntryTooLarge {
        /// The entry's name.
        name: String,
        /// The limit.
        limit: u64,
    },
    /// One entry decompresses more than [`ArchiveLimits::max_ratio`] times its compressed
    /// size.
    #[error(
        "entry {name:?} expands more than {limit} times its compressed size ({compressed} bytes) \
         (refused as a possible zip bomb)"
    )]
    RatioTooHigh {
        /// The entry's name.
        name: String,
        /// Its compressed size.
        compressed: u64,
        /// The limit.
        limit: u64,
    },
    /// An entry name that would escape the extraction folder, is absolute, too long, or not
    /// text.
    #[error("entry name {name:?} is unsafe ({why})")]
    UnsafeName {
        /// The name (lossy).
        name: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// An encrypted entry (no password is ever tried).
    #[error("entry {name:?} is encrypted")]
    Encrypted {
        /// The entry's name.
        name: String,
    },
    /// The entry cannot be decompressed (unsupported method, corrupt data, bad CRC).
    #[error("entry {name:?} cannot be read: {reason}")]
    Unreadable {
        /// The entry's name.
        name: String,
        /// Why.
        reason: String,
    },
}

/// One file of an archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// The name in the archive (a label, never a path kyso writes to).
    pub name: String,
    /// The decompressed bytes, or why the entry was not read.
    pub content: Result<Vec<u8>, ArchiveError>,
}

/// Whether `bytes` start like a zip archive (a local file header, or the end record of an
/// empty archive).
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Opens the zip archive `bytes` in memory, charging its entries to `budget`; the entries are
/// then read one at a time by the iterator.
///
/// An archive with more entries than [`ArchiveLimits::max_entries`], or than the budget has
/// left, or opened once the budget's bytes are spent, is refused whole here (nothing is
/// charged for it).
pub fn open_zip<'a>(bytes: &'a [u8], budget: &'a Budget) -> Result<ZipEntries<'a>, ArchiveError> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ArchiveError::NotZip(e.to_string()))?;
    let limits = budget.limits();
    // An earlier archive already went past the bytes of the budget.
    if budget.inflated() > limits.max_total_bytes {
        return Err(ArchiveError::TotalTooLarge {
            limit: limits.max_total_bytes,
        });
    }
    let count = archive.len();
    if count > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            count,
            limit: limits.max_entries,
        });
    }
    let left = budget.entries_left();
    if count > left {
        return Err(ArchiveError::EntriesExhausted {
            count,
            left,
            limit: limits.max_entries,
        });
    }
    budget
        .entries
        .set(budget.entries.get().saturating_add(count));
    Ok(ZipEntries {
        archive,
        budget,
        next: 0,
        done: false,
    })
}

/// The file entries of an archive opened by [`open_zip`], decompressed one per call to
/// `next`, within the shared [`Budget`].
///
/// A problem with one entry (name, ratio, size, encryption, corruption) is that entry's
/// error and the next ones are still read; `Some(Err(_))` is the archive's own failure (the
/// budget's bytes ran out) and ends the iteration. Folders are skipped.
pub struct ZipEntries<'a> {
    archive: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    budget: &'a Budget,
    next: usize,
    done: bool,
}

impl Iterator for ZipEntries<'_> {
    type Item = Result<ArchiveEntry, ArchiveError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done && self.next < self.archive.len() {
            let index = self.next;
            self.next += 1;
            match self.entry(index) {
                Ok(None) => continue,
                Ok(Some(entry)) => return Some(Ok(entry)),
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }
}

impl ZipEntries<'_> {
    /// Entry `index`: `None` for a folder, `Err` when the budget's bytes ran out.
    fn entry(&mut self, index: usize) -> Result<Option<ArchiveEntry>, ArchiveError> {
        let budget = self.budget;
        let limits = budget.limits();
        let mut file = match self.archive.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                return Ok(Some(ArchiveEntry {
                    name: format!("#{index}"),
                    content: Err(unreadable(format!("#{index}"), &e)),
                }))
            }
        };
        let raw_name = String::from_utf8_lossy(file.name_raw()).into_owned();
        if file.is_dir() {
            return Ok(None);
        }
        if let Err(why) = check_name(file.name_raw(), limits) {
            return Ok(Some(ArchiveEntry {
                content: Err(ArchiveError::UnsafeName {
                    name: raw_name.clone(),
                    why,
                }),
                name: raw_name,
            }));
        }
        let name = file.name().map_or(raw_name, |n| n.into_owned());
        if file.encrypted() {
            return Ok(Some(ArchiveEntry {
                content: Err(ArchiveError::Encrypted { name: name.clone() }),
                name,
            }));
        }
        let compressed = file.compressed_size();
        let by_ratio = compressed.max(1).saturating_mul(limits.max_ratio);
        // The tightest bound, and what exceeding it means.
        let (cap, bound) = [
            (by_ratio, Bound::Ratio),
            (limits.max_entry_bytes, Bound::Entry),
            (budget.bytes_left(), Bound::Total),
        ]
        .into_iter()
        .min_by_key(|(cap, _)| *cap)
        .unwrap_or((0, Bound::Total));
        let mut content = Vec::new();
        // One byte past the cap tells "at the cap" from "above it".
        let read = (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut content);
        // Every byte inflated is charged, whether the entry is then kept or refused (the
        // bytes read before an error included).
        let produced = u64::try_from(content.len()).unwrap_or(u64::MAX);
        budget.charge_bytes(produced);
        let content = match read {
            Err(e) => Err(unreadable(name.clone(), &e)),
            Ok(_) if produced <= cap => Ok(content),
            Ok(_) => match bound {
                Bound::Total => {
                    return Err(ArchiveError::TotalTooLarge {
                        limit: limits.max_total_bytes,
                    })
                }
                Bound::Ratio => Err(ArchiveError::RatioTooHigh {
                    name: name.clone(),
                    compressed,
                    limit: limits.max_ratio,
                }),
                Bound::Entry => Err(ArchiveError::EntryTooLarge {
                    name: name.clone(),
                    limit: limits.max_entry_bytes,
                }),
            },
        };
        Ok(Some(ArchiveEntry { name, content }))
    }
}

/// Reads every file entry of the one zip archive `bytes` in memory, within `limits` (a fresh
/// [`Budget`]).
///
/// Archive-wide limits (entry count, total size) fail the whole archive; a problem with one
/// entry is that entry's error and the others are still read. Folders are skipped. This keeps
/// every entry at once: to open archives nested in archives, share one [`Budget`] through
/// [`open_zip`] instead.
pub fn read_zip(bytes: &[u8], limits: &ArchiveLimits) -> Result<Vec<ArchiveEntry>, ArchiveError> {
    let budget = Budget::new(*limits);
    open_zip(bytes, &budget)?.collect()
}

/// Which limit capped an entry's read.
#[derive(Clone, Copy)]
enum Bound {
    Ratio,
    Entry,
    Total,
}

fn unreadable(name: String, e: &dyn std::fmt::Display) -> ArchiveError {
    ArchiveError::Unreadable {
        name,
        reason: e.to_string(),
    }
}

/// Refuses names that are not UTF-8, too long, absolute (`/x`, `\x`, `C:`), hold NUL or
/// backslashes, or climb out with `..`.
fn check_name(raw: &[u8], limits: &ArchiveLimits) -> Result<(), &'static str> {
    if raw.len() > limits.max_name_len {
        return Err("too long");
    }
    let name = std::str::from_utf8(raw).map_err(|_| "not UTF-8")?;
    if name.is_empty() {
        return Err("empty");
    }
    if name.contains('\0') {
        return Err("NUL byte");
    }
    if name.contains('\\') {
        return Err("backslash");
    }
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Err("absolute path");
    }
    if name.split('/').any(|part| part == "..") {
        return Err("parent-directory step");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// A zip archive with `entries` (name, bytes), deflated unless `stored`.
    fn zip_of(entries: &[(&str, &[u8])], stored: bool) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut out);
            let method = if stored {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let options = SimpleFileOptions::default().compression_method(method);
            for (name, bytes) in entries {
                writer.start_file(*name, options).expect("entry");
                writer.write_all(bytes).expect("write");
            }
            writer.finish().expect("finish");
        }
        out.into_inner()
    }

    #[test]
    fn reads_entries_in_memory() {
        let bytes = zip_of(
            &[("a.txt", b"alpha"), ("dir/b.pdf", b"%PDF-1.7 beta")],
            false,
        );
        assert!(looks_like_zip(&bytes));
        let entries = read_zip(&bytes, &ArchiveLimits::default()).expect("reads");
        let got: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.content.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(
            got,
            [
                ("a.txt", &b"alpha"[..]),
                ("dir/b.pdf", &b"%PDF-1.7 beta"[..])
            ]
        );
    }

    #[test]
    fn a_bomb_entry_is_refused_by_its_ratio_and_others_still_read() {
        let zeros = vec![0u8; 4 << 20];
        let bytes = zip_of(&[("bomb.bin", &zeros), ("ok.txt", b"fine")], false);
        let entries = read_zip(&bytes, &ArchiveLimits::default()).expect("reads");
        assert!(
            matches!(&entries[0].content, Err(ArchiveError::RatioTooHigh { .. })),
            "{:?}",
            entries[0].content
        );
        assert_eq!(entries[1].content.as_deref().ok(), Some(&b"fine"[..]));
        // The twin: the same bytes stored (ratio 1) are read.
        let stored = zip_of(&[("bomb.bin", &zeros)], true);
        let entries = read_zip(&stored, &ArchiveLimits::default()).expect("reads");
        assert_eq!(
            entries[0].content.as_ref().map(Vec::len).ok(),
            Some(zeros.len())
        );
    }

    #[test]
    fn too_many_entries_or_too_many_bytes_refuse_the_archive() {
        let names: Vec<String> = (0..12).map(|i| format!("f{i}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let bytes = zip_of(&entries, false);
        let limits = ArchiveLimits {
            max_entries: 10,
            ..ArchiveLimits::default()
        };
        assert_eq!(
            read_zip(&bytes, &limits),
            Err(ArchiveError::TooManyEntries {
                count: 12,
                limit: 10
            })
        );
        let big = vec![7u8; 1000];
        let bytes = zip_of(&[("a", &big), ("b", &big)], true);
        let limits = ArchiveLimits {
            max_total_bytes: 1500,
            ..ArchiveLimits::default()
        };
        assert_eq!(
            read_zip(&bytes, &limits),
            Err(ArchiveError::TotalTooLarge { limit: 1500 })
        );
    }

    /// Every file of `bytes`, recursing into zip entries as the CLI does with one shared
    /// budget: (path, length) of the files read, and the errors.
    fn walk(bytes: &[u8], label: &str, budget: &Budget) -> (Vec<(String, usize)>, Vec<String>) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        match open_zip(bytes, budget) {
            Err(e) => errors.push(format!("{label}: {e}")),
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        Err(e) => errors.push(format!("{label}: {e}")),
                        Ok(ArchiveEntry { name, content }) => {
                            let path = format!("{label}/{name}");
                            match content {
                                Ok(c) if looks_like_zip(&c) => {
                                    let (f, e) = walk(&c, &path, budget);
                                    files.extend(f);
                                    errors.extend(e);
                                }
                                Ok(c) => files.push((path, c.len())),
                                Err(e) => errors.push(format!("{path}: {e}")),
                            }
                        }
                    }
                }
            }
        }
        (files, errors)
    }

    #[test]
    fn nested_archives_share_one_budget_of_bytes() {
        let data = vec![7u8; 4000];
        let inner = zip_of(&[("data.bin", &data)], true);
        let outer = zip_of(
            &[("a.zip", &inner), ("b.zip", &inner), ("c.zip", &inner)],
            true,
        );
        // Each archive alone is well under the limit: the outer one inflates to 3 inner
        // archives (~12.4 KB), each inner one to 4,000 bytes.
        let limits = ArchiveLimits {
            max_total_bytes: 20_000,
            ..ArchiveLimits::default()
        };
        assert!(3 * inner.len() < 20_000);
        assert_eq!(read_zip(&outer, &limits).map(|e| e.len()), Ok(3));
        assert_eq!(read_zip(&inner, &limits).map(|e| e.len()), Ok(1));
        // Together they are not: inflating the third inner archive would pass the limit, so
        // the outer archive is refused there.
        let budget = Budget::new(limits);
        let (files, errors) = walk(&outer, "outer", &budget);
        assert_eq!(
            files,
            [
                ("outer/a.zip/data.bin".to_owned(), 4000),
                ("outer/b.zip/data.bin".to_owned(), 4000)
            ]
        );
        assert_eq!(
            errors,
            [format!(
                "outer: {}",
                ArchiveError::TotalTooLarge { limit: 20_000 }
            )]
        );
        // One byte past what was left is all that was inflated beyond the limit.
        assert_eq!(budget.inflated(), 20_001);
        // Nothing more is inflated once the budget is spent.
        let (files, errors) = walk(&inner, "again", &budget);
        assert!(files.is_empty(), "{files:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(budget.inflated(), 20_001);
    }

    #[test]
    fn nested_archives_share_one_budget_of_entries() {
        let names: Vec<String> = (0..6).map(|i| format!("f{i}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let inner = zip_of(&entries, true);
        let outer = zip_of(&[("a.zip", &inner), ("b.zip", &inner)], true);
        let budget = Budget::new(ArchiveLimits {
            max_entries: 10,
            ..ArchiveLimits::default()
        });
        let (files, errors) = walk(&outer, "outer", &budget);
        // 2 entries for the outer archive, 6 for a.zip: b.zip's 6 are more than the 2 left.
        assert_eq!(files.len(), 6, "{files:?}");
        assert!(files.iter().all(|(p, _)| p.starts_with("outer/a.zip/")));
        assert_eq!(
            errors,
            [format!(
                "outer/b.zip: {}",
                ArchiveError::EntriesExhausted {
                    count: 6,
                    left: 2,
                    limit: 10
                }
            )]
        );
        assert_eq!(budget.entries(), 8);
    }

    #[test]
    fn bytes_of_refused_entries_are_charged_too() {
        let zeros = vec![0u8; 4 << 20];
        let bytes = zip_of(&[("bomb1.bin", &zeros), ("bomb2.bin", &zeros)], false);
        let budget = Budget::new(ArchiveLimits::default());
        let entries: Vec<_> = open_zip(&bytes, &budget).expect("opens").collect();
        assert_eq!(entries.len(), 2);
        for entry in &entries {
            assert!(
                matches!(
                    entry,
                    Ok(ArchiveEntry {
                        content: Err(ArchiveError::RatioTooHigh { .. }),
                        ..
                    })
                ),
                "{entry:?}"
            );
        }
        // Each bomb inflated up to one byte past its ratio's cap before it was refused.
        let charged = budget.inflated();
        assert!(charged > 2 * 100 * 1000, "{charged}");
        // With a budget below that, the second bomb ends the archive instead.
        let budget = Budget::new(ArchiveLimits {
            max_total_bytes: charged / 2,
            ..ArchiveLimits::default()
        });
        let entries: Vec<_> = open_zip(&bytes, &budget).expect("opens").collect();
        assert!(
            matches!(
                entries.as_slice(),
                [
                    Ok(ArchiveEntry {
                        content: Err(ArchiveError::RatioTooHigh { .. }),
                        ..
                    }),
                    Err(ArchiveError::TotalTooLarge { .. })
                ]
            ),
            "{entries:?}"
        );
        assert_eq!(budget.inflated(), charged / 2 + 1);
    }

    #[test]
    fn zip_slip_names_are_refused() {
        let bytes = zip_of(
            &[
                ("../../etc/cron.d/x", b"evil"),
                ("/abs", b"evil"),
                ("ok/x", b"ok"),
            ],
            false,
        );
        let entries = read_zip(&bytes, &ArchiveLimits::default()).expect("reads");
        assert!(matches!(
            entries[0].content,
            Err(ArchiveError::UnsafeName { .. })
        ));
        assert!(matches!(
            entries[1].content,
            Err(ArchiveError::UnsafeName { .. })
        ));
        assert!(entries[2].content.is_ok());
    }

    #[test]
    fn garbage_is_not_a_zip_and_does_not_panic() {
        for bytes in [
            &b""[..],
            b"PK\x03\x04",
            b"PK\x05\x06garbage",
            b"not a zip at all",
        ] {
            assert!(read_zip(bytes, &ArchiveLimits::default()).is_err());
        }
    }
}
