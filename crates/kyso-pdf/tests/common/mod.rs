//! Shared helpers: the corpus, generated documents, a dummy CMS, and the checks every signed
//! output must pass.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kyso_keys::HashAlgorithm;
use kyso_pdf::sign::{prepare, signature_fields, SignatureRequest};
use kyso_pdf::Document;

/// Where pyHanko's test PDFs live (read in place, never copied).
pub const CORPUS: &str = "/work/shared/corpora/pdf/pyhanko";

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Reads a corpus file; `None` (with the reason printed) when the corpus is absent, unless
/// `CI=true`, where a missing corpus fails the test.
pub fn corpus(name: &str) -> Option<Vec<u8>> {
    let path = Path::new(CORPUS).join(name);
    match std::fs::read(&path) {
        Ok(data) => Some(data),
        Err(err) if ci() => panic!("corpus file {} missing under CI: {err}", path.display()),
        Err(err) => {
            eprintln!(
                "skipped: corpus file {} not readable ({err})",
                path.display()
            );
            None
        }
    }
}

/// Whether an external tool runs; prints why a check is skipped when it does not.
pub fn have_tool(tool: &str) -> bool {
    // `openssl version`, `qpdf --version`: both succeed only when the tool runs.
    let arg = if tool == "openssl" {
        "version"
    } else {
        "--version"
    };
    let ok = Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(!ci(), "{tool} is required under CI");
        eprintln!("skipped: {tool} not installed");
    }
    ok
}

/// A DER-shaped stand-in for a CMS: a SEQUENCE holding an OCTET STRING with the digest.
pub fn dummy_cms(digest: &[u8]) -> Vec<u8> {
    let mut inner = vec![0x04, digest.len() as u8];
    inner.extend_from_slice(digest);
    let mut out = vec![0x30, inner.len() as u8];
    out.extend(inner);
    out
}

/// Prepares, digests and embeds a dummy CMS; returns the output and the signature's digest.
pub fn sign_dummy(input: &[u8], request: &SignatureRequest) -> (Vec<u8>, Vec<u8>, String) {
    let doc = Document::open(input).expect("input opens");
    let mut update = prepare(&doc, request).expect("prepare succeeds");
    let digest = update.digest(input, HashAlgorithm::Sha256).expect("digest");
    update.embed(&dummy_cms(&digest)).expect("dummy CMS fits");
    let mut output = input.to_vec();
    output.extend_from_slice(update.bytes());
    (output, digest, update.field_name().to_string())
}

/// Runs `qpdf --check` on bytes; returns its exit status (0 clean, 3 warnings, 2 errors).
pub fn qpdf_check(data: &[u8]) -> Option<i32> {
    if !have_tool("qpdf") {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("check.pdf");
    std::fs::write(&path, data).expect("write temp file");
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf runs");
    let code = out.status.code().unwrap_or(-1);
    if code != 0 {
        eprintln!(
            "qpdf --check: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Some(code)
}

/// Runs qpdf with arguments on `input`, returning the produced file.
pub fn qpdf_transform(input: &[u8], args: &[&str]) -> Option<Vec<u8>> {
    if !have_tool("qpdf") {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("in.pdf");
    let dst: PathBuf = dir.path().join("out.pdf");
    std::fs::write(&src, input).expect("write temp file");
    let status = Command::new("qpdf")
        .args(args)
        .arg(&src)
        .arg(&dst)
        .status()
        .expect("qpdf runs");
    assert!(matches!(status.code(), Some(0 | 3)), "qpdf {args:?} failed");
    Some(std::fs::read(dst).expect("qpdf output"))
}

/// Every check a signed output must pass: the input is a prefix; qpdf finds no new problem;
/// re-opened, the field is signed with a ByteRange that covers everything but the
/// /Contents hex string, whose digest is the one signed.
pub fn assert_signed_output(input: &[u8], output: &[u8], digest: &[u8], field: &str) {
    assert!(
        output.starts_with(input),
        "the input must be a byte prefix of the output"
    );
    if let (Some(before), Some(after)) = (qpdf_check(input), qpdf_check(output)) {
        assert_ne!(after, 2, "qpdf reports errors in the output");
        assert!(
            after <= before,
            "qpdf reports new warnings ({before} -> {after})"
        );
    }
    let doc = Document::open(output).expect("output re-opens");
    let fields = signature_fields(&doc).expect("fields list");
    let sig = fields
        .iter()
        .find(|f| f.name == field)
        .expect("the new field is listed");
    let value = sig.value.as_ref().expect("the field is signed");
    let br: Vec<usize> = value
        .byte_range
        .iter()
        .map(|v| usize::try_from(*v).expect("positive"))
        .collect();
    let [zero, a, b, c] = br[..] else {
        panic!("ByteRange has four numbers")
    };
    assert_eq!(zero, 0);
    assert_eq!(
        b + c,
        output.len(),
        "the second range ends at the end of the file"
    );
    assert_eq!(output[a], b'<');
    assert_eq!(output[b - 1], b'>');
    assert!(
        output[a + 1..b - 1].iter().all(u8::is_ascii_hexdigit),
        "the gap is exactly the hex string"
    );
    assert_eq!(
        value.contents[..dummy_cms(digest).len()],
        dummy_cms(digest)[..]
    );
    let mut covered = output[..a].to_vec();
    covered.extend_from_slice(&output[b..]);
    assert_eq!(
        HashAlgorithm::Sha256.digest(&covered),
        digest,
        "the digest covers the ByteRange"
    );
    assert_eq!(doc.revisions().last().copied(), Some(output.len() as u64));
}

/// Builds a classic-xref PDF from object bodies (object `i + 1` is `bodies[i]`) with the
/// given extra trailer entries; object 1 must be the catalog.
pub fn build_pdf(bodies: &[&str], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", bodies.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            bodies.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A one-page document built without any tool.
pub fn simple_pdf() -> Vec<u8> {
    build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << >> >>",
            "<< /Length 7 >>\nstream\n0 0 m S\nendstream",
        ],
        "/ID [<0102> <0102>]",
    )
}
