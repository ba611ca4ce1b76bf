//! Zip archives attached to edXML packages, opened in memory with hard limits.
//!
//! Real packages carry their documents as base64 zip archives. Nothing is ever extracted to
//! disk: entries are decompressed into memory, one at a time, and every limit is enforced on
//! the bytes actually produced, not on the sizes the archive declares (a zip bomb lies about
//! them). Entry names are checked as if the archive were to be extracted (zip-slip patterns
//! are refused and reported), though they are only ever used as labels.

use std::io::Read;

/// Hard limits for one archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries (files and folders) in the central directory.
    pub max_entries: usize,
    /// Most bytes all entries may decompress to together.
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

/// Why an archive, or one entry of it, was not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The bytes are not a readable zip archive.
    #[error("not a readable zip archive: {0}")]
    NotZip(String),
    /// More entries than [`ArchiveLimits::max_entries`].
    #[error("{count} entries, above the limit of {limit} (refused as a possible zip bomb)")]
    TooManyEntries {
        /// Entries in the central directory.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The entries decompress to more than [`ArchiveLimits::max_total_bytes`].
    #[error("the entries decompress to more than {limit} bytes (refused as a possible zip bomb)")]
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

/// Reads every file entry of the zip archive `bytes` in memory, within `limits`.
///
/// Archive-wide limits (entry count, total size) fail the whole archive; a problem with one
/// entry (name, ratio, size, encryption, corruption) is that entry's error and the others are
/// still read. Folders are skipped.
pub fn read_zip(bytes: &[u8], limits: &ArchiveLimits) -> Result<Vec<ArchiveEntry>, ArchiveError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ArchiveError::NotZip(e.to_string()))?;
    if archive.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    let mut entries = Vec::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let mut file = match archive.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                entries.push(ArchiveEntry {
                    name: format!("#{index}"),
                    content: Err(unreadable(format!("#{index}"), &e)),
                });
                continue;
            }
        };
        let raw_name = String::from_utf8_lossy(file.name_raw()).into_owned();
        if file.is_dir() {
            continue;
        }
        if let Err(why) = check_name(file.name_raw(), limits) {
            entries.push(ArchiveEntry {
                content: Err(ArchiveError::UnsafeName {
                    name: raw_name.clone(),
                    why,
                }),
                name: raw_name,
            });
            continue;
        }
        let name = file.name().map_or(raw_name, |n| n.into_owned());
        if file.encrypted() {
            entries.push(ArchiveEntry {
                content: Err(ArchiveError::Encrypted { name: name.clone() }),
                name,
            });
            continue;
        }
        let compressed = file.compressed_size();
        let by_ratio = compressed.max(1).saturating_mul(limits.max_ratio);
        let remaining = limits.max_total_bytes.saturating_sub(total);
        // The tightest bound, and what exceeding it means.
        let (cap, bound) = [
            (by_ratio, Bound::Ratio),
            (limits.max_entry_bytes, Bound::Entry),
            (remaining, Bound::Total),
        ]
        .into_iter()
        .min_by_key(|(cap, _)| *cap)
        .unwrap_or((0, Bound::Total));
        let mut content = Vec::new();
        // One byte past the cap tells "at the cap" from "above it".
        let read = (&mut file)
            .take(cap.saturating_add(1))
            .read_to_end(&mut content);
        let content = match read {
            Err(e) => Err(unreadable(name.clone(), &e)),
            Ok(_) if content.len() as u64 <= cap => {
                total = total.saturating_add(content.len() as u64);
                Ok(content)
            }
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
        entries.push(ArchiveEntry { name, content });
    }
    Ok(entries)
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
