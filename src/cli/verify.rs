//! `kyso verify`: verify signed documents, one at a time or whole archives.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Verify every signature in PDF and XML documents, files or whole folders
///
/// PDF signatures (PAdES, PKCS#7), XML signatures (XMLDSig, XAdES) and edXML packages are
/// recognised from the content. An edXML package is verified in layers: its own signature, then
/// the signatures of every PDF it carries (named attachment[NAME]/FIELD), in one report.
///
/// Each signature gets an indication PASSED, FAILED or INDETERMINATE (ETSI EN 319 102-1) with a
/// sub-indication and the reasons, plus the fields the Vietnamese rules require: issuing CA,
/// signer, managing unit, signing time or timestamp, integrity, validity at signing time and the
/// certificate's validity period. Folders are searched recursively; the format is recognised
/// from the content, not the extension.
///
/// JSON output (`--json`: one document per file; `--jsonl`: one line per file) has the fields
/// file, format, error, problems[] ({code, message}: what --expect found missing) and
/// signatures[], each signature with id, kind, indication, sub_indication, level, signer,
/// organization, holder (personal or organization), issuer, certificate_not_before,
/// certificate_not_after, signing_time, timestamp, format, coverage and reasons[] ({code,
/// message}). Fields are only ever added.
///
/// PAdES level (level): B-B for an ETSI.CAdES.detached signature whose signed attributes bind
/// the signer's certificate (signing-certificate-v2) and hold no signing-time; B-T when an
/// intact signature timestamp or a document timestamp covers it; B-LT when the DSS holds the
/// certificates and revocation data that validate the signer's chain (and the signature
/// timestamp's TSA chain) at that time; B-LTA when a document timestamp also covers that DSS.
/// adbe.pkcs7.* signatures and document timestamps have level none. The level says what the
/// file holds; whether its roots are trusted is the indication's business.
///
/// Changes after signing: DSS/VRI, document timestamps, signatures in new or empty signature
/// fields, form filling and annotations are allowed as far as a certification (DocMDP /P)
/// permits. A field lock (FieldMDP: the field's /Lock or the signature's /Reference, /All,
/// /Include or /Exclude a list of fields) forbids changing or signing the fields it covers and
/// adding a visible or signed signature field whose name it covers, so after a lock on all
/// fields only invisible document timestamps may follow; its PDF 2.0 /P narrows the
/// permissions like a certification. Any other change fails the signature (reason codes
/// modified-after-signing, permission-violated, lock-permission-violated, field-locked).
///
/// Exit status: 0 all signatures passed; 1 any failed (or an unsigned file with
/// --require-signature, or a file without what --expect asks); 3 only indeterminate; 2 usage
/// or I/O errors.
///
/// Examples:
///   kyso verify signed.pdf
///   kyso verify --trust root.pem goi-tin.edxml
///   kyso verify --jsonl -j2 archive/ > report.jsonl
///   find archive -name '*.pdf' | kyso verify --files-from - --csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// Files or folders to verify
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read more paths, one per line, from this file (- for standard input)
    #[arg(long, value_name = "LIST")]
    pub files_from: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table, value_name = "FORMAT")]
    pub format: Format,

    /// Shorthand for --format json
    #[arg(long, conflicts_with_all = ["format", "jsonl", "csv"])]
    pub json: bool,

    /// Shorthand for --format jsonl
    #[arg(long, conflicts_with_all = ["format", "csv"])]
    pub jsonl: bool,

    /// Shorthand for --format csv
    #[arg(long, conflicts_with = "format")]
    pub csv: bool,

    /// Parallel jobs (default: all cores)
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Extra trust anchors for this run (file or folder, PEM or DER)
    #[arg(long, value_name = "FILE")]
    pub trust: Vec<PathBuf>,

    /// Validate at this time instead of the signing time (RFC 3339)
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,

    /// Fetch nothing from the network
    #[arg(long)]
    pub offline: bool,

    /// Follow XML references to outside the signature's folder: fetch http(s) URLs, read
    /// file: URIs and absolute paths (revocation data still follow --offline)
    #[arg(long)]
    pub allow_external: bool,

    /// Treat unsigned documents as failures
    #[arg(long)]
    pub require_signature: bool,

    /// Check the signing roles the records rules require: `issued` = an approve-type signature
    /// (personal certificate) followed by an issue-type one (organization certificate)
    #[arg(long, value_enum, value_name = "KIND")]
    pub expect: Option<Expect>,
}

/// What a document must carry (`--expect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Expect {
    /// An issued document: signed by a person (approve), then by the agency (issue)
    Issued,
}

/// Report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table
    Table,
    /// One JSON document per file
    Json,
    /// One JSON line per file (streaming)
    Jsonl,
    /// CSV, one row per signature
    Csv,
}
