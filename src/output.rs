//! Writing outputs so that nothing is ever half-written: a temporary file beside the target,
//! flushed and synced, then renamed into place.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// One piece of an output: bytes in memory, or a whole file streamed from disk (so a 1 GB
/// input is copied through a small buffer instead of through a memory map, whose touched
/// pages would count as resident memory).
pub(crate) enum Part<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// Writes the concatenation of `parts` to `target` atomically.
///
/// Without `overwrite`, an existing `target` is left alone and an error returned (the rename is
/// a no-clobber link, so a file appearing meanwhile is not overwritten either).
pub(crate) fn write_atomically(
    target: &Path,
    parts: &[Part<'_>],
    overwrite: bool,
) -> anyhow::Result<()> {
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !overwrite && target.exists() {
        anyhow::bail!(crate::i18n::tr_path(crate::i18n::Key::OutputExists, target));
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".kyso-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| crate::i18n::tr_path(crate::i18n::Key::OutputNoTemp, dir))?;
    for part in parts {
        match part {
            Part::Bytes(bytes) => temp.write_all(bytes).with_context(|| {
                crate::i18n::tr_path(crate::i18n::Key::OutputWriteFailed, temp.path())
            })?,
            Part::File(path) => {
                let mut file = std::fs::File::open(path).with_context(|| {
                    crate::i18n::tr_path(crate::i18n::Key::FileCannotOpenAfter, path)
                })?;
                std::io::copy(&mut file, temp.as_file_mut()).with_context(|| {
                    crate::i18n::tr_path(crate::i18n::Key::OutputCopyFailed, temp.path())
                })?;
            }
        }
    }
    // A temporary file is created private (0600); a signed document is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| {
                crate::i18n::tr_path(crate::i18n::Key::OutputNoPermissions, temp.path())
            })?;
    }
    // fdatasync: the data and the size reach the disk before the rename makes them visible.
    temp.as_file()
        .sync_data()
        .with_context(|| crate::i18n::tr_path(crate::i18n::Key::OutputSyncFailed, temp.path()))?;
    let result = if overwrite {
        temp.persist(target).map(|_| ())
    } else {
        temp.persist_noclobber(target).map(|_| ())
    };
    result.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!(crate::i18n::tr_path(crate::i18n::Key::OutputExists, target))
        } else {
            anyhow::Error::new(e.error).context(crate::i18n::tr_path(
                crate::i18n::Key::OutputCannotRename,
                target,
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{write_atomically, Part};

    #[test]
    fn writes_all_parts_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("out.pdf");
        write_atomically(&target, &[Part::Bytes(b"abc"), Part::Bytes(b"def")], false)
            .expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"abcdef");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(names.len(), 1, "a temporary file was left behind");
    }

    #[test]
    fn refuses_to_overwrite_without_permission() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("out.pdf");
        std::fs::write(&target, b"precious").expect("write");
        let err =
            write_atomically(&target, &[Part::Bytes(b"new")], false).expect_err("must refuse");
        assert!(err.to_string().contains("already exists"));
        assert_eq!(std::fs::read(&target).expect("read"), b"precious");
        write_atomically(&target, &[Part::Bytes(b"new")], true).expect("overwrite allowed");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
    }
}
