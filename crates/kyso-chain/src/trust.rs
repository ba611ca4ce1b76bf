//! Trust policy as facts: the pinned manifest (role, subject, SHA-256, validity) and the
//! user's trust directory that `kyso trust install` fills.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::cert::Certificate;

/// One certificate the manifest pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinnedCert {
    /// Short name, also the installed file's stem (e.g. `vn-nrca`).
    pub slug: String,
    /// `root` or `intermediate`.
    pub role: Role,
    /// What the manifest says about the role (e.g. "root (NEAC public PKI)").
    pub role_note: String,
    /// Subject DN as the manifest writes it.
    pub subject: String,
    /// SHA-256 of the DER.
    pub sha256: [u8; 32],
    /// notBefore.
    pub not_before: DateTime<Utc>,
    /// notAfter.
    pub not_after: DateTime<Utc>,
}

/// Whether a pinned certificate is a trust anchor or only helps build paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A trust anchor.
    Root,
    /// An intermediate CA: added to the path-building pool, not trusted by itself.
    Intermediate,
}

/// Why a manifest line or a trust-store operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// A manifest line is malformed.
    #[error("manifest line {line}: {problem}")]
    Manifest {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// The certificate's fingerprint is not pinned and unpinned installs were not allowed.
    #[error("certificate {subject} (SHA-256 {fingerprint}) is not pinned by the manifest")]
    NotPinned {
        /// Its subject.
        subject: String,
        /// Its SHA-256, hex.
        fingerprint: String,
    },
    /// Reading or writing the trust directory failed.
    #[error("cannot {action} {path}: {kind}")]
    Io {
        /// What was attempted.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The I/O error kind.
        kind: std::io::ErrorKind,
    },
}

/// The pinned manifest.
///
/// Invariant: fingerprints are unique.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    entries: Vec<PinnedCert>,
}

/// The columns of a manifest line, tab-separated, after a header line.
pub const MANIFEST_COLUMNS: [&str; 6] = [
    "slug",
    "role",
    "subject",
    "sha256",
    "not_before",
    "not_after",
];

impl Manifest {
    /// Parses the manifest text (`#` comments and blank lines ignored; first other line is
    /// the header naming [`MANIFEST_COLUMNS`]).
    pub fn parse(text: &str) -> Result<Manifest, TrustError> {
        let mut entries: Vec<PinnedCert> = Vec::new();
        let mut header_seen = false;
        for (index, line) in text.lines().enumerate() {
            let line_no = index.saturating_add(1);
            let bad = |problem| TrustError::Manifest {
                line: line_no,
                problem,
            };
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if !header_seen {
                if fields != MANIFEST_COLUMNS {
                    return Err(bad(
                        "header must be: slug role subject sha256 not_before not_after",
                    ));
                }
                header_seen = true;
                continue;
            }
            let [slug, role_note, subject, sha256, not_before, not_after] = fields.as_slice()
            else {
                return Err(bad("expected 6 tab-separated fields"));
            };
            let mut fp = [0u8; 32];
            hex::decode_to_slice(sha256, &mut fp)
                .map_err(|_| bad("sha256 is not 64 hex digits"))?;
            let time = |s: &str| {
                DateTime::parse_from_rfc3339(s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| bad("validity is not RFC 3339"))
            };
            let role = if role_note.starts_with("root") {
                Role::Root
            } else if role_note.starts_with("intermediate") {
                Role::Intermediate
            } else {
                return Err(bad("role must start with root or intermediate"));
            };
            if entries.iter().any(|e| e.sha256 == fp) {
                return Err(bad("fingerprint listed twice"));
            }
            if slug.is_empty() || !slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(bad("slug must be letters, digits and dashes"));
            }
            entries.push(PinnedCert {
                slug: (*slug).to_owned(),
                role,
                role_note: (*role_note).to_owned(),
                subject: (*subject).to_owned(),
                sha256: fp,
                not_before: time(not_before)?,
                not_after: time(not_after)?,
            });
        }
        Ok(Manifest { entries })
    }

    /// Every pinned certificate, in manifest order.
    pub fn entries(&self) -> &[PinnedCert] {
        &self.entries
    }

    /// The entry pinning this fingerprint.
    pub fn find(&self, sha256: &[u8; 32]) -> Option<&PinnedCert> {
        self.entries.iter().find(|e| &e.sha256 == sha256)
    }
}

/// What `install` did with one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Installed {
    /// Pinned by the manifest and written as `<slug>.pem`.
    Pinned {
        /// The manifest entry.
        slug: String,
        /// Whether it was already there.
        already: bool,
    },
    /// Not pinned; written because the caller allowed it.
    Unpinned {
        /// The file written.
        file: PathBuf,
        /// Whether it was already there.
        already: bool,
    },
}

/// A certificate found in the trust directory.
#[derive(Clone, Debug)]
pub struct InstalledCert {
    /// The certificate.
    pub cert: Certificate,
    /// Its manifest entry, if pinned.
    pub pinned: Option<PinnedCert>,
    /// Its file.
    pub path: PathBuf,
}

impl InstalledCert {
    /// Whether it is a trust anchor: pinned roots and every unpinned certificate the user
    /// installed deliberately; pinned intermediates only help build paths.
    pub fn is_anchor(&self) -> bool {
        self.pinned.as_ref().is_none_or(|p| p.role == Role::Root)
    }
}

/// The trust directory (`~/.local/share/kyso/trust` or what the caller says).
#[derive(Clone, Debug)]
pub struct TrustStore {
    dir: PathBuf,
}

impl TrustStore {
    /// The store in `dir` (created on first install).
    pub fn new(dir: impl Into<PathBuf>) -> TrustStore {
        TrustStore { dir: dir.into() }
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Installs `cert` if the manifest pins it, or if `allow_unpinned`.
    pub fn install(
        &self,
        cert: &Certificate,
        manifest: &Manifest,
        allow_unpinned: bool,
    ) -> Result<Installed, TrustError> {
        let fp = cert.fingerprint();
        let (file, outcome): (PathBuf, fn(PathBuf, bool) -> Installed) = match manifest.find(&fp) {
            Some(pin) => (self.dir.join(format!("{}.pem", pin.slug)), |f, already| {
                Installed::Pinned {
                    slug: f
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    already,
                }
            }),
            None if allow_unpinned => (
                self.dir.join(format!(
                    "unpinned-{}.pem",
                    hex::encode(fp.get(..8).unwrap_or(&[]))
                )),
                |file, already| Installed::Unpinned { file, already },
            ),
            None => {
                return Err(TrustError::NotPinned {
                    subject: cert.subject(),
                    fingerprint: hex::encode_upper(fp),
                })
            }
        };
        let io = |action, path: &Path| {
            let path = path.to_path_buf();
            move |e: std::io::Error| TrustError::Io {
                action,
                path,
                kind: e.kind(),
            }
        };
        let pem = der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, cert.der())
            .map_err(|_| TrustError::Io {
                action: "encode",
                path: file.clone(),
                kind: std::io::ErrorKind::InvalidData,
            })?;
        if std::fs::read(&file).is_ok_and(|existing| existing == pem.as_bytes()) {
            return Ok(outcome(file, true));
        }
        std::fs::create_dir_all(&self.dir).map_err(io("create", &self.dir))?;
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, pem.as_bytes()).map_err(io("write", &tmp))?;
        std::fs::rename(&tmp, &file).map_err(io("rename into", &file))?;
        Ok(outcome(file, false))
    }

    /// Every certificate in the directory (files that do not decode are skipped and
    /// returned separately).
    pub fn list(
        &self,
        manifest: &Manifest,
    ) -> Result<(Vec<InstalledCert>, Vec<PathBuf>), TrustError> {
        let mut found = Vec::new();
        let mut unreadable = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((found, unreadable)),
            Err(e) => {
                return Err(TrustError::Io {
                    action: "read",
                    path: self.dir.clone(),
                    kind: e.kind(),
                })
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pem"))
            .collect();
        paths.sort();
        for path in paths {
            let certs = std::fs::read(&path)
                .ok()
                .and_then(|bytes| Certificate::all_from_pem_or_der(&bytes).ok());
            match certs {
                Some(certs) => {
                    for cert in certs {
                        let pinned = manifest.find(&cert.fingerprint()).cloned();
                        found.push(InstalledCert {
                            cert,
                            pinned,
                            path: path.clone(),
                        });
                    }
                }
                None => unreadable.push(path),
            }
        }
        Ok((found, unreadable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "slug\trole\tsubject\tsha256\tnot_before\tnot_after\n";

    #[test]
    fn manifest_parses_roots_and_intermediates() {
        let text = format!(
            "{HEADER}a\troot (x)\tCN=A\t{}\t2020-01-01T00:00:00Z\t2030-01-01T00:00:00Z\nb\tintermediate (y)\tCN=B\t{}\t2020-01-01T00:00:00Z\t2030-01-01T00:00:00Z\n",
            "AB".repeat(32),
            "CD".repeat(32)
        );
        let manifest = Manifest::parse(&text);
        assert!(manifest.is_ok());
        let manifest = manifest.unwrap_or_default();
        assert_eq!(manifest.entries().len(), 2);
        assert_eq!(manifest.find(&[0xAB; 32]).map(|p| p.role), Some(Role::Root));
        assert_eq!(
            manifest.find(&[0xCD; 32]).map(|p| p.role),
            Some(Role::Intermediate)
        );
    }

    #[test]
    fn manifest_rejects_short_fingerprints_and_duplicates() {
        let short =
            format!("{HEADER}a\troot\tCN=A\tABCD\t2020-01-01T00:00:00Z\t2030-01-01T00:00:00Z\n");
        assert!(matches!(
            Manifest::parse(&short),
            Err(TrustError::Manifest { line: 2, .. })
        ));
        let fp = "AB".repeat(32);
        let twice = format!(
            "{HEADER}a\troot\tCN=A\t{fp}\t2020-01-01T00:00:00Z\t2030-01-01T00:00:00Z\nb\troot\tCN=B\t{fp}\t2020-01-01T00:00:00Z\t2030-01-01T00:00:00Z\n"
        );
        assert!(matches!(
            Manifest::parse(&twice),
            Err(TrustError::Manifest { line: 3, .. })
        ));
    }
}
