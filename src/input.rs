//! Reading input documents: memory-mapped files, or standard input read into memory.

use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

use anyhow::Context;

/// The bytes of one input document.
///
/// Files are memory-mapped so a 1 GB PDF costs address space, not memory: the libraries parse
/// only what they need from the slice.
pub(crate) enum InputBytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Deref for InputBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Mapped(map) => map,
            Self::Owned(bytes) => bytes,
        }
    }
}

impl InputBytes {
    /// Maps `path` read-only (empty files are read, as they cannot be mapped); errors name
    /// the path.
    pub(crate) fn open(path: &Path) -> anyhow::Result<Self> {
        Self::open_unnamed(path).with_context(|| path.display().to_string())
    }

    /// Like [`InputBytes::open`], for callers whose report line already names the file.
    pub(crate) fn open_unnamed(path: &Path) -> anyhow::Result<Self> {
        let file = File::open(path).context(crate::i18n::tr(crate::i18n::Key::InputCannotOpen))?;
        let len = file
            .metadata()
            .context(crate::i18n::tr(crate::i18n::Key::InputNoMetadata))?
            .len();
        if len == 0 {
            return Ok(Self::Owned(Vec::new()));
        }
        // SAFETY: the map is read-only and private to this process. Another process truncating
        // or rewriting the file while it is mapped could change the bytes under us (or raise
        // SIGBUS); this is the same contract ripgrep and every mmap-based reader accepts, and
        // kyso never writes to its inputs itself.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }
            .context(crate::i18n::tr(crate::i18n::Key::InputCannotMap))?;
        Ok(Self::Mapped(map))
    }

    /// Reads all of standard input.
    pub(crate) fn stdin() -> anyhow::Result<Self> {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context(crate::i18n::tr(crate::i18n::Key::InputStdin))?;
        Ok(Self::Owned(bytes))
    }
}
