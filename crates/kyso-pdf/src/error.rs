//! The error type of kyso-pdf.
//!
//! Every variant names a condition a caller can act on or report; offsets are byte positions in
//! the input document. Hostile input produces one of these, never a panic.

use crate::appearance::AppearanceError;
use crate::object::ObjRef;

/// Why a PDF could not be read, prepared for signing, or signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The data does not start with (or contain near its start) a `%PDF-` header.
    #[error("not a PDF file: no %PDF- header")]
    NotPdf,
    /// No `startxref` keyword with an offset was found near the end of the file.
    #[error("no startxref found at the end of the file (truncated?)")]
    StartXrefNotFound,
    /// A syntax error: `what` was expected at `offset`.
    #[error("malformed PDF: expected {what} at byte {offset}")]
    Syntax {
        /// What the parser expected.
        what: &'static str,
        /// Where it looked.
        offset: usize,
    },
    /// The data ended in the middle of a construct.
    #[error("unexpected end of data at byte {offset}")]
    UnexpectedEof {
        /// Where the data ended.
        offset: usize,
    },
    /// Arrays and dictionaries are nested deeper than the parser allows.
    #[error("objects nested deeper than {limit} levels at byte {offset}")]
    TooDeep {
        /// Where the limit was hit.
        offset: usize,
        /// The nesting limit.
        limit: usize,
    },
    /// The cross-reference section at `offset` is unreadable.
    #[error("broken cross-reference section at byte {offset}: {reason}")]
    BadXref {
        /// Where the section starts (or was expected).
        offset: u64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An object stream (ISO 32000-1 §7.5.7) is unreadable.
    #[error("broken object stream {num}: {reason}")]
    BadObjectStream {
        /// The object stream's object number.
        num: u32,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The /Prev chain of cross-reference sections revisits `offset`, or is absurdly long.
    #[error("cross-reference chain loops back to byte {offset}")]
    XrefLoop {
        /// The offset seen twice.
        offset: u64,
    },
    /// The object the cross-reference table points at is not the object asked for.
    #[error("object {} {} not found where the cross-reference table says", .0.num, .0.gen)]
    ObjectMismatch(ObjRef),
    /// An object needed for the operation does not exist.
    #[error("object {} {} is missing", .0.num, .0.gen)]
    MissingObject(ObjRef),
    /// Resolving references (or walking a tree) came back to an object already being visited.
    #[error("reference cycle through object {} {}", .0.num, .0.gen)]
    ReferenceCycle(ObjRef),
    /// A structure has more nodes than the reader is willing to visit.
    #[error("{what} has more than {limit} entries")]
    TooLarge {
        /// The structure.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// An object has the wrong type for its role.
    #[error("{what} is not {expected}")]
    WrongType {
        /// The role of the object (e.g. "the document catalog").
        what: &'static str,
        /// The type it should have.
        expected: &'static str,
    },
    /// The document is encrypted; kyso neither signs nor reads encrypted documents.
    #[error("the document is encrypted")]
    Encrypted,
    /// A stream uses a filter kyso does not decode.
    #[error("unsupported stream filter /{0}")]
    UnsupportedFilter(String),
    /// A stream uses a predictor kyso does not decode.
    #[error("unsupported stream predictor {0}")]
    UnsupportedPredictor(i64),
    /// Compressed data is corrupt.
    #[error("corrupt compressed stream data")]
    Decompress,
    /// A decoded stream would exceed the size limit (a decompression bomb, or a broken file).
    #[error("decoded stream larger than {limit} bytes")]
    StreamTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The requested page does not exist.
    #[error("page index {index} out of range (the document has {count} pages)")]
    PageOutOfRange {
        /// The zero-based index asked for.
        index: usize,
        /// The number of pages.
        count: usize,
    },
    /// No form field of that name exists.
    #[error("no form field named {0:?}")]
    FieldNotFound(String),
    /// The named field exists but is not a signature field.
    #[error("form field {0:?} is not a signature field")]
    NotASignatureField(String),
    /// The named signature field already holds a signature.
    #[error("signature field {0:?} is already signed")]
    FieldAlreadySigned(String),
    /// The request is inconsistent (e.g. a DocMDP level outside 1..=3).
    #[error("invalid signature request: {0}")]
    InvalidRequest(&'static str),
    /// The CMS signature does not fit in the space reserved for /Contents.
    #[error("signature of {needed} bytes does not fit in the {reserved} bytes reserved")]
    ContentsTooSmall {
        /// Bytes the signature needs.
        needed: usize,
        /// Bytes reserved by the prepared update.
        reserved: usize,
    },
    /// The input handed to [`crate::sign::PreparedUpdate::digest`] is not the prepared one.
    #[error("input of {actual} bytes given, the update was prepared for {expected} bytes")]
    InputMismatch {
        /// Length of the prepared input.
        expected: u64,
        /// Length of the data given.
        actual: u64,
    },
    /// Reading the input (for a streamed digest) failed.
    #[error("cannot read the input")]
    Io(#[source] std::io::Error),
    /// The output would be larger than the ByteRange placeholder can express.
    #[error("document too large for the ByteRange placeholder")]
    DocumentTooLarge,
    /// The visible appearance could not be built.
    #[error("cannot build the signature appearance")]
    Appearance(#[source] AppearanceError),
}

impl From<AppearanceError> for Error {
    fn from(err: AppearanceError) -> Self {
        Self::Appearance(err)
    }
}
