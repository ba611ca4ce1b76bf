//! `kyso sign`: sign PDF documents (PAdES baseline B-B).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::keys::KeySourceArgs;

/// Sign PDF or XML documents, one or a whole batch
///
/// PDFs are signed as an incremental update (PAdES): the input's bytes are kept as an exact
/// prefix of the output. XML documents get an XMLDSig signature (XAdES with --xades). The
/// format is recognised from the content. Inputs are never modified.
/// Each output is written to a temporary file beside its target, flushed and renamed into
/// place. One token login serves the whole batch.
///
/// Examples:
///   kyso sign --p12 me.p12 --pass-env P12_PASS in.pdf -o out.pdf
///   kyso sign --pkcs11 /usr/lib/softhsm/libsofthsm2.so --pin-env PIN incoming/ --out-dir signed/
///   kyso sign --profile approve --image chu-ky.png --anchor "Nguyễn Văn A" to-trinh.pdf
///   kyso sign --profile issue --image con-dau.png --doc-number 12/QĐ-UBND to-trinh.signed.pdf
///   kyso sign --as vanthu incoming/ --out-dir signed/
///   kyso sign --p12 me.p12 --pass-env P12_PASS --detached data.pdf -o data.pdf.sig.xml
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SignArgs {
    /// Files or folders (searched recursively for *.pdf and *.xml); - reads standard input
    #[arg(value_name = "PATH", required_unless_present = "detached")]
    pub inputs: Vec<PathBuf>,

    /// Output file for a single input (- writes standard output)
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,

    /// Directory to write signed files into, under their input names
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Overwrite outputs that already exist
    #[arg(long)]
    pub force: bool,

    /// Print one JSON object per file instead of text lines
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub key: KeySourceArgs,

    #[command(flatten)]
    pub pdf: PdfSignArgs,

    #[command(flatten)]
    pub xml: XmlSignArgs,

    #[command(flatten)]
    pub profile: super::profile::ProfileArgs,

    #[command(flatten)]
    pub tsa: super::timestamp::TsaArgs,

    #[command(flatten)]
    pub ltv: super::ltv::SignLtvArgs,
}

/// The XML signature's shape (XMLDSig, XAdES). The format is recognised from the content.
#[derive(Debug, Args)]
#[command(next_help_heading = "XML signature")]
pub struct XmlSignArgs {
    /// Put the document inside the signature (enveloping) instead of the signature inside the
    /// document (enveloped, the default)
    #[arg(long, conflicts_with = "detached")]
    pub enveloping: bool,

    /// Sign FILE, whatever its format, with a detached XML signature that references it by
    /// its path relative to the signature (written to FILE.sig.xml, or -o/--out-dir); repeat
    /// for more files
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["inputs", "xml_parent"]
    )]
    pub detached: Vec<PathBuf>,

    /// Element to append an enveloped signature to: #ID or a local name (default: the root)
    #[arg(long, value_name = "SELECTOR")]
    pub xml_parent: Option<String>,

    /// Add XAdES baseline B-B properties (SigningTime, SigningCertificateV2)
    #[arg(long)]
    pub xades: bool,
}

/// The PDF signature's dictionary and appearance.
#[derive(Debug, Args)]
#[command(next_help_heading = "PDF signature")]
pub struct PdfSignArgs {
    /// SubFilter of the signature
    #[arg(long, value_enum, default_value_t = SubFilter::EtsiCadesDetached, value_name = "NAME")]
    pub subfilter: SubFilter,

    /// Name of the signature field: an existing empty field, or a new field of that name
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,

    /// Page for a visible signature (1 = first page, -1 = last)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub page: Option<i64>,

    /// Rectangle of a visible signature in PDF points: x1,y1,x2,y2 from the lower-left corner
    #[arg(long, value_name = "x1,y1,x2,y2")]
    pub rect: Option<String>,

    /// Text line of the visible signature (repeat for more lines; default: signer and time)
    #[arg(long, value_name = "TEXT")]
    pub text: Vec<String>,

    /// PNG image (transparency kept) of the visible signature
    #[arg(long, value_name = "PNG")]
    pub image: Option<PathBuf>,

    /// TrueType font for the visible text (default: a bundled-search for DejaVu Sans)
    #[arg(long, value_name = "TTF")]
    pub font: Option<PathBuf>,

    /// Reason for signing
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,

    /// Where the signing took place
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,

    /// How to reach the signer
    #[arg(long, value_name = "TEXT")]
    pub contact: Option<String>,

    /// Make a certification signature with this DocMDP level (1: no changes, 2: form filling,
    /// 3: form filling and annotations)
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub certify: Option<u8>,
}

/// PDF signature SubFilter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SubFilter {
    /// PAdES baseline (ETSI.CAdES.detached)
    #[value(name = "ETSI.CAdES.detached")]
    EtsiCadesDetached,
    /// ISO 32000-1 PKCS#7 detached, for old verifiers (adbe.pkcs7.detached)
    #[value(name = "adbe.pkcs7.detached")]
    AdbePkcs7Detached,
}
