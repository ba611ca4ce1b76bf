//! `kyso sign` options for the records roles of Decree 30/2020/NĐ-CP (approve, issue, attach,
//! copy) and for the configuration file's named setups.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// How a document is signed in its records role, and which configured setup to start from.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Signing roles (Decree 30/2020) and configuration")]
pub struct ProfileArgs {
    /// Sign in a records role: approve (the leader: blue signature image between title and
    /// name), issue (the agency: red seal at true size over the left third of the approve
    /// signature), attach (attachment: number and time in the top-right corner of page 1), copy
    /// (SAO Y / SAO LỤC / TRÍCH SAO, agency and time in the top-right corner of page 1)
    #[arg(long, value_enum, value_name = "ROLE")]
    pub profile: Option<Profile>,

    /// approve: find TEXT (usually the signer's printed name) and centre the signature image
    /// horizontally on it and vertically between it and the line above it (the title). Searched
    /// on --page if given, else on the last page that contains it; on that page the last
    /// occurrence wins. Not found is an error, never a guess. issue: seal the signature right
    /// above TEXT instead of the latest one (joint documents with several signer blocks)
    #[arg(long, value_name = "TEXT")]
    pub anchor: Option<String>,

    /// issue: printed width of the seal in millimetres (default: from the PNG's DPI)
    #[arg(long, value_name = "MM")]
    pub seal_mm: Option<f64>,

    /// Document number and symbol (e.g. 1247/QĐ-UBND): recorded in the signature's reason;
    /// attach prints it
    #[arg(long, value_name = "TEXT")]
    pub doc_number: Option<String>,

    /// Date of the document (e.g. 06/03/2026 or 2026-03-06): recorded in the signature's
    /// reason
    #[arg(long, value_name = "DATE")]
    pub doc_date: Option<String>,

    /// issue: fill the template's text field NAME with --doc-number (read-only, Liberation
    /// Serif) [default: a text field named SoVanBan, SoKyHieu, SoHieu, So or DocNumber, if
    /// the document has one]
    #[arg(long, value_name = "NAME")]
    pub doc_number_field: Option<String>,

    /// issue: fill the template's text field NAME with --doc-date as dd/MM/yyyy (read-only,
    /// Liberation Serif) [default: a text field named NgayBanHanh, NgayVanBan, Ngay or
    /// DocDate, if the document has one]
    #[arg(long, value_name = "NAME")]
    pub doc_date_field: Option<String>,

    /// issue: print --doc-number into the blank after "Số:" on page 1 (only the part before
    /// the '/' when the template prints the symbol after the blank) and --doc-date's day and
    /// month into the blanks after "ngày" and "tháng" (05, 01, 02: a leading zero for days
    /// below 10 and months 1 and 2), in the size of the text around them. Printed by the
    /// issuing signature's own read-only widgets: the page content and the approve signature
    /// stay intact. Blanks not found is an error, never a guess
    #[arg(long)]
    pub fill_blanks: bool,

    /// copy: the kind of copy printed in the stamp
    #[arg(long, value_enum, value_name = "KIND")]
    pub copy_type: Option<CopyType>,

    /// copy: name of the copying agency (default: the certificate's O, else its OU)
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,

    /// Pattern of the signing time printed by attach and copy, in Vietnam time: dd MM yyyy yy
    /// HH mm ss and zzz (the offset, +07:00, required), text in 'single quotes' kept as is
    /// [default: dd/MM/yyyy HH:mm:ss zzz]
    #[arg(long, value_name = "PATTERN")]
    pub time_format: Option<String>,

    /// Start from the named setup of the configuration (token, key, images, profile, …);
    /// options given on the command line win
    #[arg(long = "as", value_name = "SETUP")]
    pub setup: Option<String>,

    /// Configuration file [default: ./kyso.toml (or a parent folder's) over
    /// ~/.config/kyso/config.toml]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// A records role (Decree 30/2020/NĐ-CP, Annex I).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Profile {
    /// The competent person approves: personal certificate, signature image
    Approve,
    /// The clerk issues: agency certificate, seal image
    Issue,
    /// The clerk signs an attachment kept in a separate file: corner stamp
    Attach,
    /// The clerk signs an electronic copy: corner stamp with the copy type
    Copy,
}

/// The kind of copy (Decree 30/2020/NĐ-CP, article 25).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CopyType {
    /// SAO Y: a full copy of the original
    SaoY,
    /// SAO LỤC: a full copy made from a copy
    SaoLuc,
    /// TRÍCH SAO: a copy of part of the content
    TrichSao,
}
