//! `kyso verify`: round trips with pyHanko signatures, the attacks a verifier must catch
//! (a flipped covered byte, an appended content revision, a replaced page), batches and the
//! JSON interface, and the PDF corpus score.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fixtures::{pki, sample};
use crate::peers::{pyhanko, pyhanko_sign};
use crate::util::{repo_root, require_path, shared_dir, Dir};

/// The JSON interface documented in `kyso verify --help`: unknown fields fail the test, so a
/// change to the wire format is a deliberate one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    file: String,
    format: String,
    signatures: Vec<SignatureJson>,
    error: Option<String>,
    #[allow(dead_code)] // read by serde: pins the wire format
    problems: Vec<ReasonJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // every field is read by serde: the struct pins the wire format
struct SignatureJson {
    id: String,
    kind: String,
    indication: String,
    sub_indication: Option<String>,
    level: String,
    signer: Option<String>,
    organization: Option<String>,
    holder: Option<String>,
    issuer: Option<String>,
    certificate_not_before: Option<String>,
    certificate_not_after: Option<String>,
    signing_time: Option<String>,
    timestamp: Option<String>,
    format: String,
    coverage: serde_json::Value,
    reasons: Vec<ReasonJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // see SignatureJson
struct ReasonJson {
    code: String,
    message: String,
}

/// A PDF signed by pyHanko with the test PKI's RSA key, or `None` (skip) without pyHanko.
fn pyhanko_signed(dir: &Dir, name: &str) -> Option<PathBuf> {
    pyhanko_signed_in_field(dir, name, "Sig1")
}

/// Like [`pyhanko_signed`], with a pyHanko field spec (`PAGE/X1,Y1,X2,Y2/NAME` is visible).
fn pyhanko_signed_in_field(dir: &Dir, name: &str, field: &str) -> Option<PathBuf> {
    if pyhanko().is_none() {
        assert!(!crate::util::in_ci(), "pyHanko missing in CI");
        eprintln!("SKIP: pyHanko is not installed");
        return None;
    }
    let pki = pki();
    let out = dir.join(name);
    pyhanko_sign(
        &sample("cong-van.pdf"),
        &out,
        &pki.path("rsa2048.key.pem"),
        &pki.path("rsa2048.pem"),
        &pki.chain(),
        field,
    );
    Some(out)
}

/// Runs `kyso verify --json --offline --trust ROOT file` and parses the report.
fn verify_json(dir: &Dir, pdf: &Path) -> (Option<i32>, FileJson) {
    let out = dir
        .kyso()
        .args(["verify", "--json", "--offline", "--trust"])
        .arg(pki().root())
        .arg(pdf)
        .output();
    let report: FileJson = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn codes(report: &FileJson) -> Vec<String> {
    report
        .signatures
        .iter()
        .flat_map(|s| s.reasons.iter().map(|r| r.code.clone()))
        .collect()
}

/// Appends an incremental update (classic xref table) that defines `objects`.
fn append_update(pdf: &[u8], objects: &[(u32, Vec<u8>)], size: Option<u32>) -> Vec<u8> {
    let doc = kyso_pdf::Document::open(pdf).expect("open signed PDF");
    let root = doc
        .trailer()
        .get(b"Root".as_slice())
        .and_then(kyso_pdf::object::Object::as_ref)
        .expect("trailer /Root");
    let size = size.unwrap_or_else(|| doc.size());
    let prev = doc.startxref();
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets = Vec::new();
    for (num, body) in objects {
        offsets.push((*num, out.len()));
        writeln!(out, "{num} 0 obj").expect("write");
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n");
    for (num, offset) in offsets {
        write!(out, "{num} 1\n{offset:010} 00000 n \n").expect("write");
    }
    write!(
        out,
        "trailer\n<< /Size {size} /Root {} {} R /Prev {prev} >>\nstartxref\n{xref_at}\n%%EOF\n",
        root.num, root.gen
    )
    .expect("write");
    out
}

fn stream(content: &[u8]) -> Vec<u8> {
    let mut body = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(b"\nendstream");
    body
}

/// Page 1's object and its content stream's object.
fn first_page(pdf: &[u8]) -> (u32, u32) {
    let doc = kyso_pdf::Document::open(pdf).expect("open");
    let page = doc.page(0).expect("page 1");
    let contents = page
        .dict
        .get(b"Contents".as_slice())
        .and_then(kyso_pdf::object::Object::as_ref)
        .expect("page 1 has one content stream");
    (page.reference.num, contents.num)
}

#[test]
fn pyhanko_signature_passes_with_its_root() {
    let dir = Dir::new("verify-pyhanko");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let (code, report) = verify_json(&dir, &pdf);
    assert_eq!(code, Some(0), "{report:?}");
    assert_eq!(report.format, "pdf");
    let [sig] = report.signatures.as_slice() else {
        panic!("one signature expected: {report:?}")
    };
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert_eq!(sig.coverage, serde_json::json!("entire_file"));
    assert!(
        sig.signer
            .as_deref()
            .is_some_and(|s| s.contains("Trần Thị Bình")),
        "{sig:?}"
    );
}

#[test]
fn pyhanko_signature_without_its_root_is_indeterminate_not_passed() {
    let dir = Dir::new("verify-no-root");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let out = dir
        .kyso()
        .args(["verify", "--jsonl", "--offline"])
        .arg(&pdf)
        .assert_code(3);
    let report: FileJson = serde_json::from_slice(&out.stdout).expect("JSON line");
    assert_eq!(report.signatures[0].indication, "INDETERMINATE");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("NO_CERTIFICATE_CHAIN_FOUND")
    );
}

#[test]
fn flipped_covered_byte_fails_with_hash_failure() {
    let dir = Dir::new("verify-flip");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let mut bytes = std::fs::read(&pdf).expect("read");
    // A byte of the first stream's data, well inside the first signed range.
    let at = bytes
        .windows(7)
        .position(|w| w == b"stream\n")
        .expect("a stream");
    bytes[at + 10] ^= 0x01;
    let flipped = dir.create_bytes("flipped.pdf", &bytes);
    let (code, report) = verify_json(&dir, &flipped);
    assert_eq!(code, Some(1));
    assert_eq!(report.signatures[0].indication, "FAILED");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("HASH_FAILURE")
    );
    assert!(codes(&report).contains(&"digest-mismatch".to_owned()));
}

#[test]
fn appended_content_revision_fails_as_modified_after_signing() {
    let dir = Dir::new("verify-append");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let bytes = std::fs::read(&pdf).expect("read");
    let (_, contents) = first_page(&bytes);
    let forged = append_update(
        &bytes,
        &[(
            contents,
            stream(b"BT /F1 24 Tf 72 700 Td (So tien: 999.000.000 VND) Tj ET"),
        )],
        None,
    );
    let forged = dir.create_bytes("forged.pdf", &forged);
    let (code, report) = verify_json(&dir, &forged);
    assert_eq!(code, Some(1), "{report:?}");
    let sig = &report.signatures[0];
    assert_eq!(sig.indication, "FAILED", "{sig:?}");
    assert_eq!(sig.sub_indication.as_deref(), Some("FORMAT_FAILURE"));
    assert_eq!(sig.coverage, serde_json::json!("partial"));
    assert!(
        codes(&report).contains(&"modified-after-signing".to_owned()),
        "{report:?}"
    );
}

#[test]
fn replaced_page_fails_as_modified_after_signing() {
    let dir = Dir::new("verify-replace-page");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let bytes = std::fs::read(&pdf).expect("read");
    let doc = kyso_pdf::Document::open(&bytes).expect("open");
    let page = doc.page(0).expect("page 1");
    let size = doc.size();
    let parent = page
        .dict
        .get(b"Parent".as_slice())
        .and_then(kyso_pdf::object::Object::as_ref)
        .expect("parent");
    let new_page = format!(
        "<< /Type /Page /Parent {} {} R /MediaBox [0 0 595 842] /Contents {size} 0 R >>",
        parent.num, parent.gen
    );
    let forged = append_update(
        &bytes,
        &[
            (page.reference.num, new_page.into_bytes()),
            (size, stream(b"0 0 1 rg 0 0 595 842 re f")),
        ],
        Some(size + 1),
    );
    let forged = dir.create_bytes("forged.pdf", &forged);
    let (code, report) = verify_json(&dir, &forged);
    assert_eq!(code, Some(1), "{report:?}");
    assert_eq!(report.signatures[0].indication, "FAILED");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("FORMAT_FAILURE")
    );
    assert!(
        codes(&report).contains(&"modified-after-signing".to_owned()),
        "{report:?}"
    );

    // The same through the page tree: the parent's /Kids now names another page.
    let kids = format!("<< /Type /Pages /Kids [{size} 0 R] /Count 1 >>");
    let other_page = format!(
        "<< /Type /Page /Parent {} {} R /MediaBox [0 0 595 842] /Contents {} 0 R >>",
        parent.num,
        parent.gen,
        size + 1
    );
    let forged = append_update(
        &bytes,
        &[
            (parent.num, kids.into_bytes()),
            (size, other_page.into_bytes()),
            (size + 1, stream(b"0 0 1 rg 0 0 595 842 re f")),
        ],
        Some(size + 2),
    );
    let forged = dir.create_bytes("forged-kids.pdf", &forged);
    let (code, report) = verify_json(&dir, &forged);
    assert_eq!(code, Some(1), "{report:?}");
    assert_eq!(report.signatures[0].indication, "FAILED");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("FORMAT_FAILURE")
    );
    assert!(
        codes(&report).contains(&"modified-after-signing".to_owned()),
        "{report:?}"
    );
}

#[test]
fn repainting_a_signed_widget_appearance_is_caught_as_a_shadow_attack() {
    let dir = Dir::new("verify-shadow-replace");
    let Some(pdf) = pyhanko_signed_in_field(&dir, "signed.pdf", "1/100,100,300,160/Sig1") else {
        return;
    };
    let bytes = std::fs::read(&pdf).expect("read");
    let doc = kyso_pdf::Document::open(&bytes).expect("open");
    let fields = kyso_pdf::sign::signature_fields(&doc).expect("fields");
    let widget = fields[0].widget.expect("the signature has a widget");
    let widget = doc.get(widget).expect("widget");
    let normal = doc
        .resolve(widget.get("AP").expect("an appearance"))
        .expect("AP")
        .get("N")
        .and_then(kyso_pdf::object::Object::as_ref)
        .expect("an indirect normal appearance");
    let painted = b"<< /Type /XObject /Subtype /Form /BBox [0 0 200 50] /Length 24 >>\nstream\n1 0 0 rg 0 0 200 50 re f\nendstream";
    let forged = append_update(&bytes, &[(normal.num, painted.to_vec())], None);
    let forged = dir.create_bytes("forged.pdf", &forged);
    let (code, report) = verify_json(&dir, &forged);
    assert_eq!(code, Some(1), "{report:?}");
    assert_eq!(report.signatures[0].indication, "FAILED", "{report:?}");
}

#[test]
fn revision_dropping_the_signature_field_is_caught_not_reported_unsigned() {
    let dir = Dir::new("verify-removed");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let bytes = std::fs::read(&pdf).expect("read");
    let doc = kyso_pdf::Document::open(&bytes).expect("open");
    let root = doc.catalog_ref().expect("catalog");
    let mut catalog = doc.catalog().expect("catalog");
    catalog.remove(b"AcroForm".as_slice());
    let forged = append_update(
        &bytes,
        &[(root.num, kyso_pdf::object::Object::Dict(catalog).to_bytes())],
        None,
    );
    let forged = dir.create_bytes("forged.pdf", &forged);
    let (code, report) = verify_json(&dir, &forged);
    assert_eq!(code, Some(1), "{report:?}");
    assert_eq!(report.signatures.len(), 1, "{report:?}");
    assert_eq!(report.signatures[0].indication, "FAILED");
    assert!(
        codes(&report).contains(&"signature-removed".to_owned()),
        "{report:?}"
    );
}

#[test]
fn second_signature_in_a_later_revision_is_an_allowed_change() {
    let dir = Dir::new("verify-two-sigs");
    let Some(first) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let pki = pki();
    let second = dir.join("signed-twice.pdf");
    pyhanko_sign(
        &first,
        &second,
        &pki.path("agency.key.pem"),
        &pki.path("agency.pem"),
        &pki.chain(),
        "Sig2",
    );
    let (code, report) = verify_json(&dir, &second);
    assert_eq!(code, Some(0), "{report:?}");
    assert_eq!(report.signatures.len(), 2);
    assert!(
        report.signatures.iter().all(|s| s.indication == "PASSED"),
        "{report:?}"
    );
    assert_eq!(
        report.signatures[0].coverage,
        serde_json::json!("entire_revision")
    );
    assert!(report.signatures[1]
        .organization
        .as_deref()
        .is_some_and(|o| o.contains("Hà Tĩnh")));
}

#[test]
fn every_truncation_of_a_signed_pdf_gets_a_report_and_never_crashes() {
    let dir = Dir::new("verify-truncated");
    let Some(pdf) = pyhanko_signed(&dir, "signed.pdf") else {
        return;
    };
    let bytes = std::fs::read(&pdf).expect("read");
    let stride = (bytes.len() / 150).max(1);
    let mut made = 0;
    for (i, end) in (1..bytes.len()).step_by(stride).enumerate() {
        dir.create_bytes(&format!("cut/{i:04}.pdf"), &bytes[..end]);
        made += 1;
    }
    let out = dir
        .kyso()
        .args(["verify", "--jsonl", "--offline", "-j", "2", "cut"])
        .output();
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "{:?}",
        out.status
    );
    let reports: Vec<FileJson> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(reports.len(), made);
    // A prefix never verifies as a valid signature of the whole.
    assert!(reports
        .iter()
        .all(|r| r.signatures.iter().all(|s| s.indication != "PASSED")));
}

#[test]
fn unsigned_pdf_is_reported_unsigned_and_fails_only_when_required() {
    let dir = Dir::new("verify-unsigned");
    let input = sample("cong-van.pdf");
    let out = dir
        .kyso()
        .args(["verify", "--jsonl", "--offline"])
        .arg(&input)
        .assert_code(0);
    let report: FileJson = serde_json::from_slice(&out.stdout).expect("JSON line");
    assert!(
        report.signatures.is_empty() && report.error.is_none(),
        "{report:?}"
    );
    dir.kyso()
        .args(["verify", "--jsonl", "--offline", "--require-signature"])
        .arg(&input)
        .assert_code(1);
}

#[test]
fn a_bad_file_gets_its_own_error_and_the_batch_goes_on() {
    let dir = Dir::new("verify-batch");
    dir.create_bytes("in/a-truncated.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog");
    dir.create_bytes("in/b-text.txt", b"not a document");
    dir.create_bytes("in/sub/c.xml", b"<?xml version=\"1.0\"?><a/>");
    std::fs::copy(sample("cong-van.pdf"), dir.join("in/sub/d.pdf")).expect("copy sample");
    let out = dir
        .kyso()
        .args(["verify", "--jsonl", "--offline", "-j", "2", "in"])
        .assert_code(1);
    let reports: Vec<FileJson> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let files: Vec<&str> = reports.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "in/a-truncated.pdf",
            "in/b-text.txt",
            "in/sub/c.xml",
            "in/sub/d.pdf"
        ]
    );
    assert!(reports[0].error.is_some());
    assert!(reports[1]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("unsupported format")));
    assert_eq!(reports[2].format, "xml");
    assert!(reports[3].error.is_none() && reports[3].signatures.is_empty());
}

#[test]
fn files_from_standard_input_are_verified_and_a_missing_file_is_an_io_error() {
    let dir = Dir::new("verify-files-from");
    std::fs::copy(sample("cong-van.pdf"), dir.join("a.pdf")).expect("copy sample");
    let mut cmd = dir.kyso();
    cmd.args(["verify", "--csv", "--offline", "--files-from", "-"]);
    cmd.cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.cmd.spawn().expect("spawn kyso");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a.pdf\nmissing.pdf\n")
        .expect("write list");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(2));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("a.pdf,pdf,") && l.contains("UNSIGNED")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("missing.pdf,") && l.contains("ERROR")),
        "{csv}"
    );
}

/// The acceptance bar of issue 4 on ../shared/corpora/pdf (scripts/score-pdf-corpus.sh).
#[test]
fn pdf_corpus_meets_the_bar() {
    let Some(_) = require_path(&shared_dir().join("corpora/pdf/manifest.tsv")) else {
        return;
    };
    let out = std::process::Command::new("bash")
        .arg(repo_root().join("scripts/score-pdf-corpus.sh"))
        .arg(crate::util::kyso_bin())
        .output()
        .expect("run the scorer");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "corpus bar not met:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("attack 9/9"), "{stdout}");
}

/// `kyso sign --p12` with the test PKI's RSA key (the format is recognised from the content).
fn kyso_sign_p12(dir: &Dir, input: &Path, output: &Path) {
    dir.kyso()
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--p12")
        .arg(pki().path("rsa2048.p12"))
        .args(["--pass-env", "KYSO_TEST_PASS"])
        .env("KYSO_TEST_PASS", "kyso")
        .stdout();
}

/// The reason lines (`    - …`) of a table report.
fn reason_lines(table: &str) -> Vec<&str> {
    table
        .lines()
        .filter_map(|l| l.strip_prefix("    - "))
        .collect()
}

/// Runs `kyso --lang vi verify --offline` (table output) with the given extra arguments.
fn verify_table_vi(dir: &Dir, extra: &[&std::ffi::OsStr], code: i32) -> String {
    let out = dir
        .kyso()
        .args(["--lang", "vi", "verify", "--offline"])
        .args(extra)
        .assert_code(code);
    String::from_utf8(out.stdout).expect("UTF-8 table")
}

#[test]
fn vietnamese_table_gives_every_reason_as_a_vietnamese_sentence_with_its_details() {
    let dir = Dir::new("verify-reasons-vi");
    let signed = dir.join("signed.pdf");
    kyso_sign_p12(&dir, &sample("cong-van.pdf"), &signed);
    let bytes = std::fs::read(&signed).expect("read");
    let mut flipped = bytes.clone();
    let at = flipped
        .windows(7)
        .position(|w| w == b"stream\n")
        .expect("a stream");
    flipped[at + 10] ^= 0x01;
    let tampered = dir.create_bytes("tampered.pdf", &flipped);
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"\nGARBAGE AFTER EOF!!!");
    let appended = dir.create_bytes("appended.pdf", &trailing);

    // Untrusted: no --trust, so the chain reaches no trust anchor.
    let untrusted = verify_table_vi(&dir, &[signed.as_os_str()], 3);
    // Tampered (a covered byte flipped) and bytes after the last %%EOF, with the root trusted.
    let root = pki().root();
    let broken = verify_table_vi(
        &dir,
        &[
            "--trust".as_ref(),
            root.as_os_str(),
            tampered.as_os_str(),
            appended.as_os_str(),
        ],
        1,
    );
    let lines: Vec<&str> = reason_lines(&untrusted)
        .into_iter()
        .chain(reason_lines(&broken))
        .collect();
    assert!(lines.len() >= 6, "{untrusted}\n{broken}");

    // No English sentence (today's messages, the libraries' texts, the old "label (English)").
    for english in [
        "the signed bytes",
        "certificate chain:",
        "bytes after the last",
        "no trusted issuer",
        "message digest",
        "validated at",
        "revocation status",
        "no CRL or OCSP",
        " (the ",
        " (message ",
    ] {
        for line in &lines {
            assert!(!line.contains(english), "English {english:?} in {line:?}");
        }
    }
    let has = |table: &str, text: &str| reason_lines(table).iter().any(|l| l.contains(text));
    // The untrusted signer's chain, with the subject's CN.
    assert!(
        has(
            &untrusted,
            "chuỗi chứng thư: không tìm thấy tổ chức cấp tin cậy nào cho chứng thư UID=CCCD:001190000001, CN=Trần Thị Bình"
        ),
        "{untrusted}"
    );
    assert!(
        has(
            &untrusted,
            "các byte đã ký còn nguyên vẹn và chữ ký được xác minh đúng"
        ),
        "{untrusted}"
    );
    // The claimed signing time, filled in.
    assert!(
        reason_lines(&untrusted).iter().any(|l| l.starts_with(
            "không có dấu thời gian tin cậy: kiểm tra tại thời điểm ký do người ký khai báo, 20"
        ) && l.ends_with("+07:00 (chưa được chứng minh)")),
        "{untrusted}"
    );
    // The tampered file: the digest mismatch.
    assert!(
        has(
            &broken,
            "giá trị băm trong chữ ký không khớp với nội dung đã ký"
        ),
        "{broken}"
    );
    // The appended bytes, counted.
    assert!(
        has(
            &broken,
            "21 byte sau dấu %%EOF cuối cùng không thuộc phiên bản nào của tài liệu"
        ),
        "{broken}"
    );
    // The revocation notes (offline, no CRL in the file), with the subjects.
    assert!(
        has(
            &broken,
            "không kiểm tra được tình trạng thu hồi của chứng thư CN=kyso Test Issuing CA"
        ),
        "{broken}"
    );

    // The JSON keeps the English messages for scripts, whatever the language.
    let out = dir
        .kyso()
        .args(["--lang", "vi", "verify", "--jsonl", "--offline"])
        .arg(&signed)
        .assert_code(3);
    let report: FileJson = serde_json::from_slice(&out.stdout).expect("JSON line");
    let messages: Vec<&str> = report.signatures[0]
        .reasons
        .iter()
        .map(|r| r.message.as_str())
        .collect();
    assert!(
        messages.contains(&"the signed bytes are intact and the signature verifies"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("certificate chain: no trusted issuer found for UID=")),
        "{messages:?}"
    );
}

/// An XML document signed by kyso (enveloped XMLDSig).
fn kyso_signed_xml(dir: &Dir) -> PathBuf {
    let input = dir.create_bytes(
        "cong-van.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VanBan><TrichYeu>Về việc triển khai chữ ký số</TrichYeu></VanBan>\n".as_bytes(),
    );
    let output = dir.join("signed.xml");
    kyso_sign_p12(dir, &input, &output);
    output
}

#[test]
fn kyso_signed_xml_passes_with_its_root() {
    let dir = Dir::new("verify-xml");
    let xml = kyso_signed_xml(&dir);
    let (code, report) = verify_json(&dir, &xml);
    assert_eq!(code, Some(0), "{report:?}");
    assert_eq!(report.format, "xml");
    assert!(report.error.is_none(), "{report:?}");
    let [sig] = report.signatures.as_slice() else {
        panic!("one signature expected: {report:?}")
    };
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert!(codes(&report).contains(&"integrity-ok".to_owned()));
    assert!(
        sig.signer
            .as_deref()
            .is_some_and(|s| s.contains("Trần Thị Bình")),
        "{sig:?}"
    );
}

#[test]
fn kyso_signed_xml_without_its_root_is_indeterminate_not_passed() {
    let dir = Dir::new("verify-xml-no-root");
    let xml = kyso_signed_xml(&dir);
    let out = dir
        .kyso()
        .args(["verify", "--jsonl", "--offline"])
        .arg(&xml)
        .assert_code(3);
    let report: FileJson = serde_json::from_slice(&out.stdout).expect("JSON line");
    assert_eq!(report.signatures[0].indication, "INDETERMINATE");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("NO_CERTIFICATE_CHAIN_FOUND")
    );
}

#[test]
fn tampered_signed_xml_fails_with_hash_failure() {
    let dir = Dir::new("verify-xml-tampered");
    let xml = kyso_signed_xml(&dir);
    let tampered = std::fs::read_to_string(&xml)
        .expect("read")
        .replace("chữ ký số", "chữ ký tay");
    let tampered = dir.create_bytes("tampered.xml", tampered.as_bytes());
    let (code, report) = verify_json(&dir, &tampered);
    assert_eq!(code, Some(1), "{report:?}");
    assert_eq!(report.format, "xml");
    assert_eq!(report.signatures[0].indication, "FAILED");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("HASH_FAILURE")
    );
    assert!(!codes(&report).contains(&"integrity-ok".to_owned()));
}

/// The synthetic edXML corpus, or `None` (skip; a failure in CI).
fn edxml_corpus() -> Option<PathBuf> {
    require_path(&shared_dir().join("corpora/edxml/synthetic"))
}

/// Runs `kyso verify --json --offline` on an edXML package with the xmlsec test PKI's root and
/// second-level CA as anchors (the packages' KeyInfo carries only the signer).
fn verify_edxml(dir: &Dir, package: &Path) -> (Option<i32>, FileJson) {
    let keys = shared_dir().join("corpora/xml/dsig/keys");
    let out = dir
        .kyso()
        .args(["verify", "--json", "--offline", "--trust"])
        .arg(keys.join("cacert.der"))
        .arg("--trust")
        .arg(keys.join("ca2cert.der"))
        .arg(package)
        .output();
    let report: FileJson = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

#[test]
fn signed_edxml_packages_pass_including_the_misspelled_exc_c14n_uri_reported() {
    let Some(corpus) = edxml_corpus() else {
        return;
    };
    let dir = Dir::new("verify-edxml");
    for name in [
        "edoc-signed-rsa-sha256.edxml",
        "edoc-signed-rsa-sha1-misspelled-exc-c14n.edxml",
    ] {
        let (code, report) = verify_edxml(&dir, &corpus.join(name));
        assert_eq!(code, Some(0), "{name}: {report:?}");
        assert_eq!(report.format, "edxml");
        let [sig] = report.signatures.as_slice() else {
            panic!("{name}: one signature expected: {report:?}")
        };
        assert_eq!(sig.indication, "PASSED", "{name}: {sig:?}");
        let misspelled = codes(&report).contains(&"misspelled-transform-uri".to_owned());
        assert_eq!(misspelled, name.contains("misspelled"), "{name}: {sig:?}");
    }
}

#[test]
fn tampered_or_placeholder_edxml_packages_fail() {
    let Some(corpus) = edxml_corpus() else {
        return;
    };
    let dir = Dir::new("verify-edxml-tampered");
    for (name, sub) in [
        (
            "edoc-signed-rsa-sha256-tampered-subject.edxml",
            "HASH_FAILURE",
        ),
        (
            "edoc-signed-rsa-sha256-tampered-attachment.edxml",
            "HASH_FAILURE",
        ),
        ("edoc-sdk-placeholder-signature.edxml", "FORMAT_FAILURE"),
    ] {
        let (code, report) = verify_edxml(&dir, &corpus.join(name));
        assert_eq!(code, Some(1), "{name}: {report:?}");
        assert_eq!(report.format, "edxml");
        assert_eq!(report.signatures[0].indication, "FAILED", "{name}");
        assert_eq!(
            report.signatures[0].sub_indication.as_deref(),
            Some(sub),
            "{name}"
        );
    }
}

/// The corpus's unsigned package with its text attachment replaced by `pdf`.
fn package_carrying(dir: &Dir, corpus: &Path, pdf: &Path) -> PathBuf {
    let template =
        std::fs::read_to_string(corpus.join("edoc-unsigned.edxml")).expect("read template");
    let open =
        "<edXML:ContentTransferEncoded xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">";
    let start = template.find(open).expect("an attachment") + open.len();
    let end = template
        .find("</edXML:ContentTransferEncoded>")
        .expect("its end");
    let encoded = crate::util::run_ok("base64", &["-w0".as_ref(), pdf.as_os_str()]);
    let package = format!(
        "{}{}{}",
        &template[..start],
        encoded.trim(),
        &template[end..]
    )
    .replace("cong-van-thu-nghiem.txt", "cong-van.pdf")
    .replace("<ContentType>text/plain", "<ContentType>application/pdf");
    dir.create_bytes("package.edxml", package.as_bytes())
}

#[test]
fn edxml_package_carrying_a_signed_pdf_reports_the_pdf_signature_as_a_layer() {
    let Some(corpus) = edxml_corpus() else {
        return;
    };
    let dir = Dir::new("verify-edxml-pdf");
    let signed = dir.join("signed.pdf");
    kyso_sign_p12(&dir, &sample("cong-van.pdf"), &signed);
    let package = package_carrying(&dir, &corpus, &signed);
    let (code, report) = verify_json(&dir, &package);
    assert_eq!(code, Some(0), "{report:?}");
    assert_eq!(report.format, "edxml");
    assert!(report.error.is_none(), "{report:?}");
    let [sig] = report.signatures.as_slice() else {
        panic!("one signature expected (the PDF's): {report:?}")
    };
    assert!(sig.id.starts_with("attachment[cong-van.pdf]/"), "{sig:?}");
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
}

#[test]
fn edxml_package_carrying_a_tampered_signed_pdf_fails() {
    let Some(corpus) = edxml_corpus() else {
        return;
    };
    let dir = Dir::new("verify-edxml-pdf-tampered");
    let signed = dir.join("signed.pdf");
    kyso_sign_p12(&dir, &sample("cong-van.pdf"), &signed);
    let mut bytes = std::fs::read(&signed).expect("read");
    let at = bytes
        .windows(7)
        .position(|w| w == b"stream\n")
        .expect("a stream");
    bytes[at + 10] ^= 0x01;
    let flipped = dir.create_bytes("flipped.pdf", &bytes);
    let package = package_carrying(&dir, &corpus, &flipped);
    let (code, report) = verify_json(&dir, &package);
    assert_eq!(code, Some(1), "{report:?}");
    assert_eq!(report.format, "edxml");
    assert!(report.signatures[0]
        .id
        .starts_with("attachment[cong-van.pdf]/"));
    assert_eq!(report.signatures[0].indication, "FAILED");
    assert_eq!(
        report.signatures[0].sub_indication.as_deref(),
        Some("HASH_FAILURE")
    );
}

/// Issue 7, item 4: `--expect issued` wants a personal signature (approve) followed by an
/// organization's (issue), in that order.
#[test]
fn expect_issued_wants_the_leader_then_the_agency() {
    let dir = Dir::new("expect-issued");
    let pki = pki();
    let sign = |input: &Path, output: &str, who: &str| {
        dir.kyso()
            .arg("sign")
            .arg(input)
            .arg("-o")
            .arg(dir.join(output))
            .arg("--p12")
            .arg(pki.path(&format!("{who}.p12")))
            .args(["--pass-env", "KYSO_TEST_PASS"])
            .env("KYSO_TEST_PASS", "kyso")
            .stdout();
        dir.join(output)
    };
    let sample = sample("cong-van.pdf");
    let approved = sign(&sample, "approved.pdf", "rsa2048");
    let issued = sign(&approved, "issued.pdf", "agency");
    let reversed = sign(
        &sign(&sample, "agency-first.pdf", "agency"),
        "reversed.pdf",
        "rsa2048",
    );
    let verify = |file: &Path| {
        dir.kyso()
            .args([
                "verify",
                "--offline",
                "--expect",
                "issued",
                "--json",
                "--trust",
            ])
            .arg(pki.root())
            .arg(file)
            .output()
    };
    let out = verify(&issued);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["problems"], serde_json::json!([]));
    assert_eq!(report["signatures"][0]["holder"], "personal");
    assert_eq!(report["signatures"][1]["holder"], "organization");
    // The twins: only the leader's signature, and the agency before the leader.
    for (file, code) in [
        (&approved, "expect-issued-no-issue"),
        (&reversed, "expect-issued-order"),
    ] {
        let out = verify(file);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(report["problems"][0]["code"], code, "{report:#}");
    }
}

// ---------------------------------------------------------------------------------------------
// Field locks (FieldMDP), form filling and annotations after signing, compared with pyHanko.

/// Form fixtures built with pyHanko: `fields IN OUT NAME...` adds text fields to page 1;
/// `sign IN OUT KEY CERT CHAIN FIELD ACTION NAME...` signs in a new field whose /Lock (and
/// FieldMDP /Reference) is ACTION (none, include, exclude, all) over the NAMEs, with the
/// PDF 2.0 /P of the lock when ACTION ends in `+pN`;
/// `sign_invisible IN OUT KEY CERT CHAIN FIELD` signs in a new invisible field without a lock;
/// `empty_field IN OUT FIELD yes|no` adds an unsigned signature field, visible or not;
/// `doc_timestamp IN OUT URL [FIELD]` adds a document timestamp from the TSA at URL (in the
/// empty signature field FIELD when given);
/// `certify IN OUT KEY CERT CHAIN FIELD P` certifies with DocMDP P; `fill IN OUT NAME VALUE`
/// fills a text field (value and appearance) in an incremental update; `annotate IN OUT TEXT`
/// adds a FreeText annotation; `validate IN ROOT` prints pyHanko's verdict per signature
/// (document timestamps left out) as `FIELD INTACT VALID DOCMDP_OK MODIFICATION_LEVEL`.
const FORMS_PY: &str = r#"
import sys

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

HELV = generic.DictionaryObject({
    pdf_name('/Type'): pdf_name('/Font'),
    pdf_name('/Subtype'): pdf_name('/Type1'),
    pdf_name('/BaseFont'): pdf_name('/Helvetica'),
})


def box(x1, y1, x2, y2):
    return generic.ArrayObject(generic.FloatObject(v) for v in (x1, y1, x2, y2))


def appearance(w, text):
    stream = generic.StreamObject(
        {
            pdf_name('/Type'): pdf_name('/XObject'),
            pdf_name('/Subtype'): pdf_name('/Form'),
            pdf_name('/BBox'): box(0, 0, 200, 20),
            pdf_name('/Resources'): generic.DictionaryObject({
                pdf_name('/Font'): generic.DictionaryObject({pdf_name('/Helv'): HELV}),
            }),
        },
        stream_data=b'BT /Helv 10 Tf 2 5 Td (' + text.encode('latin-1') + b') Tj ET',
    )
    return w.add_object(stream)


def add_to_page(w, annot_ref):
    page_ref, _ = w.find_page_for_modification(0)
    page = page_ref.get_object()
    annots = page.get('/Annots')
    if annots is None:
        page['/Annots'] = generic.ArrayObject([annot_ref])
    else:
        annots.get_object().append(annot_ref)
        if isinstance(page.raw_get('/Annots'), generic.IndirectObject):
            w.mark_update(page.raw_get('/Annots'))
    w.mark_update(page_ref)


def fields(inp, out, *names):
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    page_ref, _ = w.find_page_for_modification(0)
    form = generic.DictionaryObject({
        pdf_name('/Fields'): generic.ArrayObject(),
        pdf_name('/DR'): generic.DictionaryObject({
            pdf_name('/Font'): generic.DictionaryObject({pdf_name('/Helv'): HELV}),
        }),
        pdf_name('/DA'): pdf_string('/Helv 10 Tf 0 g'),
    })
    w.root['/AcroForm'] = w.add_object(form)
    w.update_root()
    for i, name in enumerate(names):
        y = 700 - 40 * i
        ref = w.add_object(generic.DictionaryObject({
            pdf_name('/Type'): pdf_name('/Annot'),
            pdf_name('/Subtype'): pdf_name('/Widget'),
            pdf_name('/FT'): pdf_name('/Tx'),
            pdf_name('/T'): pdf_string(name),
            pdf_name('/Rect'): box(300, y, 500, y + 20),
            pdf_name('/F'): generic.NumberObject(4),
            pdf_name('/P'): page_ref,
            pdf_name('/DA'): pdf_string('/Helv 10 Tf 0 g'),
        }))
        form['/Fields'].append(ref)
        add_to_page(w, ref)
    with open(out, 'wb') as f:
        w.write(f)


def signer(key, cert, chain):
    from pyhanko.sign import signers
    return signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,))


def sign(inp, out, key, cert, chain, field, action, *names):
    from pyhanko.sign import signers
    from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec
    action, _, p = action.partition('+p')
    mdp = None
    if action != 'none':
        act = FieldMDPAction[action.upper()]
        mdp = FieldMDPSpec(act, fields=None if act == FieldMDPAction.ALL else list(names))
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    spec = SigFieldSpec(field, box=(50, 50, 250, 100), field_mdp_spec=mdp,
                        doc_mdp_update_value=MDPPerm(int(p)) if p else None)
    with open(out, 'wb') as f:
        signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=field),
                         signer=signer(key, cert, chain), new_field_spec=spec, output=f)


def sign_invisible(inp, out, key, cert, chain, field):
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigFieldSpec
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    with open(out, 'wb') as f:
        signers.sign_pdf(w, signers.PdfSignatureMetadata(field_name=field),
                         signer=signer(key, cert, chain), new_field_spec=SigFieldSpec(field),
                         output=f)


def empty_field(inp, out, field, visible):
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    box = (300, 50, 500, 100) if visible == 'yes' else None
    append_signature_field(w, SigFieldSpec(field, box=box))
    with open(out, 'wb') as f:
        w.write(f)


def doc_timestamp(inp, out, url, field=None):
    from pyhanko.sign import signers, timestamps
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    stamper = signers.PdfTimeStamper(timestamps.HTTPTimeStamper(url), field_name=field)
    with open(out, 'wb') as f:
        stamper.timestamp_pdf(w, 'sha256', output=f)


def certify(inp, out, key, cert, chain, field, p):
    from pyhanko.sign import signers
    from pyhanko.sign.fields import MDPPerm, SigFieldSpec
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    meta = signers.PdfSignatureMetadata(field_name=field, certify=True,
                                        docmdp_permissions=MDPPerm(int(p)))
    with open(out, 'wb') as f:
        signers.sign_pdf(w, meta, signer=signer(key, cert, chain),
                         new_field_spec=SigFieldSpec(field, box=(50, 50, 250, 100)), output=f)


def fill(inp, out, name, value):
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    for ref in w.root['/AcroForm']['/Fields']:
        field = ref.get_object()
        if field.get('/T') == name:
            field['/V'] = pdf_string(value)
            field['/AP'] = generic.DictionaryObject({pdf_name('/N'): appearance(w, value)})
            w.mark_update(ref)
            break
    else:
        raise SystemExit(f'no field {name}')
    with open(out, 'wb') as f:
        w.write(f)


def annotate(inp, out, text):
    w = IncrementalPdfFileWriter(open(inp, 'rb'))
    annot = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Annot'),
        pdf_name('/Subtype'): pdf_name('/FreeText'),
        pdf_name('/Rect'): box(300, 760, 500, 780),
        pdf_name('/Contents'): pdf_string(text),
        pdf_name('/DA'): pdf_string('/Helv 10 Tf 0 g'),
        pdf_name('/F'): generic.NumberObject(4),
    })
    annot['/AP'] = generic.DictionaryObject({pdf_name('/N'): appearance(w, text)})
    add_to_page(w, w.add_object(annot))
    with open(out, 'wb') as f:
        w.write(f)


def validate(inp, root):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(root)], allow_fetching=False)
    for sig in PdfFileReader(open(inp, 'rb')).embedded_signatures:
        if sig.sig_object_type == '/DocTimeStamp':
            continue
        st = validate_pdf_signature(sig, vc)
        level = st.modification_level.name if st.modification_level is not None else 'NONE'
        print(sig.field_name, st.intact, st.valid, st.docmdp_ok, level)


globals()[sys.argv[1]](*sys.argv[2:])
"#;

/// The test venv's Python, or `None` (skip) when pyHanko is not installed.
fn forms_python() -> Option<PathBuf> {
    let python = pyhanko()
        .and_then(|p| p.parent().map(|bin| bin.join("python")))
        .filter(|p| p.exists());
    if python.is_none() {
        assert!(!crate::util::in_ci(), "pyHanko's Python missing in CI");
        eprintln!("SKIP: pyHanko's Python is not installed");
    }
    python
}

/// Runs [`FORMS_PY`] with `args`; returns its standard output.
fn forms(python: &Path, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(FORMS_PY)
        .args(args)
        .output()
        .expect("run pyHanko");
    assert!(
        out.status.success(),
        "pyHanko {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// pyHanko's verdict on the first signature: (intact, DocMDP/FieldMDP ok, modification level).
fn pyhanko_modifications(python: &Path, pdf: &Path) -> (bool, bool, String) {
    let root = pki().root();
    let shown = forms(
        python,
        &["validate".as_ref(), pdf.as_os_str(), root.as_os_str()],
    );
    let line = shown.lines().next().expect("a signature");
    let words: Vec<&str> = line.split_whitespace().collect();
    let [_, intact, _, docmdp_ok, level] = words.as_slice() else {
        panic!("unexpected pyHanko line: {line}")
    };
    (*intact == "True", *docmdp_ok == "True", (*level).to_owned())
}

/// A copy of the sample with the text fields SoVanBan and NgayBanHanh, signed by pyHanko in a
/// later revision with `how` (`["none"]`, `["include", NAMES..]`, `["certify", P]`...).
fn form_signed(python: &Path, dir: &Dir, name: &str, how: &[&str]) -> PathBuf {
    let base = dir.join("form.pdf");
    if !base.exists() {
        let sample = sample("cong-van.pdf");
        forms(
            python,
            &[
                "fields".as_ref(),
                sample.as_os_str(),
                base.as_os_str(),
                "SoVanBan".as_ref(),
                "NgayBanHanh".as_ref(),
            ],
        );
    }
    let pki = pki();
    let out = dir.join(name);
    let (key, cert, chain) = (
        pki.path("rsa2048.key.pem"),
        pki.path("rsa2048.pem"),
        pki.chain(),
    );
    let command = if how.first() == Some(&"certify") {
        "certify"
    } else {
        "sign"
    };
    let mut args: Vec<&std::ffi::OsStr> = vec![
        command.as_ref(),
        base.as_os_str(),
        out.as_os_str(),
        key.as_os_str(),
        cert.as_os_str(),
        chain.as_os_str(),
        "Sig1".as_ref(),
    ];
    let rest = if command == "certify" { &how[1..] } else { how };
    args.extend(rest.iter().map(std::ffi::OsStr::new));
    forms(python, &args);
    out
}

/// `fill` or `annotate` on `input`, written to `name`.
fn form_update(python: &Path, dir: &Dir, input: &Path, name: &str, what: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args: Vec<&std::ffi::OsStr> =
        vec![what[0].as_ref(), input.as_os_str(), out.as_os_str()];
    args.extend(what[1..].iter().map(std::ffi::OsStr::new));
    forms(python, &args);
    out
}

/// kyso's verdict on the first signature of `pdf`.
fn first_verdict(dir: &Dir, pdf: &Path) -> SignatureJson {
    let (_, mut report) = verify_json(dir, pdf);
    assert!(!report.signatures.is_empty(), "{report:?}");
    report.signatures.remove(0)
}

fn has_reason(sig: &SignatureJson, code: &str, text: &str) -> bool {
    sig.reasons
        .iter()
        .any(|r| r.code == code && r.message.contains(text))
}

#[test]
fn a_field_locked_by_a_signature_may_not_be_filled_later_and_pyhanko_agrees() {
    let Some(python) = forms_python() else {
        return;
    };
    let dir = Dir::new("verify-fieldmdp");
    // (lock, the locked field, a field left free)
    let cases: [(&[&str], &str, Option<&str>); 3] = [
        (&["include", "SoVanBan"], "SoVanBan", Some("NgayBanHanh")),
        (&["exclude", "SoVanBan"], "NgayBanHanh", Some("SoVanBan")),
        (&["all"], "SoVanBan", None),
    ];
    for (i, (lock, locked, free)) in cases.into_iter().enumerate() {
        let signed = form_signed(&python, &dir, &format!("signed-{i}.pdf"), lock);
        let sig = first_verdict(&dir, &signed);
        assert_eq!(sig.indication, "PASSED", "{lock:?}: {sig:?}");

        let filled = form_update(
            &python,
            &dir,
            &signed,
            &format!("locked-{i}.pdf"),
            &["fill", locked, "123/QD-UBND"],
        );
        let sig = first_verdict(&dir, &filled);
        assert_eq!(sig.indication, "FAILED", "{lock:?}: {sig:?}");
        assert_eq!(sig.sub_indication.as_deref(), Some("FORMAT_FAILURE"));
        assert!(
            has_reason(&sig, "field-locked", &format!("\"{locked}\"")),
            "{lock:?}: the reason names the field: {sig:?}"
        );
        assert!(
            !sig.reasons
                .iter()
                .any(|r| r.code == "allowed-changes-after-signing"),
            "{sig:?}"
        );
        let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &filled);
        assert!(intact && !docmdp_ok, "pyHanko on {lock:?}: {level}");

        let Some(free) = free else { continue };
        let filled = form_update(
            &python,
            &dir,
            &signed,
            &format!("free-{i}.pdf"),
            &["fill", free, "01/02/2026"],
        );
        let sig = first_verdict(&dir, &filled);
        assert_eq!(sig.indication, "PASSED", "{lock:?}: {sig:?}");
        assert_eq!(sig.coverage, serde_json::json!("entire_revision"));
        assert!(
            has_reason(
                &sig,
                "allowed-changes-after-signing",
                &format!("\"{free}\"")
            ),
            "the note names the filled field: {sig:?}"
        );
        let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &filled);
        assert!(intact && docmdp_ok, "pyHanko on {lock:?}: {level}");
        assert_eq!(level, "FORM_FILLING");
    }

    // PDF 2.0: the lock's /P 1 forbids every later change, filling a free field included.
    let signed = form_signed(&python, &dir, "signed-p1.pdf", &["include+p1", "SoVanBan"]);
    let filled = form_update(
        &python,
        &dir,
        &signed,
        "p1-free.pdf",
        &["fill", "NgayBanHanh", "01/02/2026"],
    );
    let sig = first_verdict(&dir, &filled);
    assert_eq!(sig.indication, "FAILED", "{sig:?}");
    // The lock's /P, not a certification, forbids it, and the reason says so.
    assert!(
        has_reason(&sig, "lock-permission-violated", "which the field lock"),
        "{sig:?}"
    );
    assert!(
        !sig.reasons
            .iter()
            .any(|r| r.message.contains("certification")),
        "{sig:?}"
    );
    let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &filled);
    assert!(intact && !docmdp_ok, "pyHanko: {level}");
}

/// A later signer after a field lock, as pyHanko and Acrobat read ISO 32000 Table 233: a lock
/// covers signature fields too, those added later included (its /All means "the form is
/// final"), so signing a new or empty field whose name it covers breaks it; adding an
/// invisible empty field or a field the lock does not name does not.
#[test]
fn later_signatures_after_a_field_lock_follow_pyhanko() {
    let Some(python) = forms_python() else {
        return;
    };
    let dir = Dir::new("verify-fieldmdp-signers");
    let pki = pki();
    let (key, cert, chain) = (
        pki.path("rsa2048.key.pem"),
        pki.path("rsa2048.pem"),
        pki.chain(),
    );
    let all = form_signed(&python, &dir, "all.pdf", &["all"]);
    let include = form_signed(&python, &dir, "include.pdf", &["include", "SoVanBan"]);
    let exclude = form_signed(&python, &dir, "exclude.pdf", &["exclude", "SoVanBan"]);
    let sign_visible = ["sign", "K", "C", "CH", "Sig2", "none"];
    let sign_invisible = ["sign_invisible", "K", "C", "CH", "Sig2"];
    // (signed document, what the later revision does, whether it breaks the lock)
    let cases: [(&Path, &[&str], bool); 6] = [
        (&all, &sign_visible, true),
        (&all, &sign_invisible, true),
        (&all, &["empty_field", "Sig2", "yes"], true),
        (&all, &["empty_field", "Sig2", "no"], false),
        (&exclude, &sign_visible, true),
        (&include, &sign_visible, false),
    ];
    for (i, (signed, what, breaks)) in cases.into_iter().enumerate() {
        let out = dir.join(&format!("later-{i}.pdf"));
        let mut args: Vec<&std::ffi::OsStr> =
            vec![what[0].as_ref(), signed.as_os_str(), out.as_os_str()];
        for word in &what[1..] {
            args.push(match *word {
                "K" => key.as_os_str(),
                "C" => cert.as_os_str(),
                "CH" => chain.as_os_str(),
                other => other.as_ref(),
            });
        }
        forms(&python, &args);
        let (_, report) = verify_json(&dir, &out);
        let sig = report
            .signatures
            .iter()
            .find(|s| s.id == "Sig1")
            .expect("Sig1");
        let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &out);
        assert!(intact, "pyHanko {what:?}");
        if breaks {
            assert_eq!(sig.indication, "FAILED", "{what:?}: {sig:?}");
            assert!(
                has_reason(sig, "field-locked", "new signature field \"Sig2\""),
                "{what:?}: {sig:?}"
            );
            assert!(!docmdp_ok, "pyHanko on {what:?}: {level}");
        } else {
            assert_eq!(sig.indication, "PASSED", "{what:?}: {sig:?}");
            assert!(
                sig.reasons
                    .iter()
                    .any(|r| r.code == "allowed-changes-after-signing"),
                "{what:?}: {sig:?}"
            );
            assert!(docmdp_ok, "pyHanko on {what:?}: {level}");
        }
        // The later signature itself is intact and unaffected.
        if let Some(second) = report.signatures.iter().find(|s| s.id == "Sig2") {
            assert_eq!(second.indication, "PASSED", "{what:?}: {second:?}");
        }
    }
    // An invisible document timestamp is archival, not a signer: it never trips a lock.
    use crate::timestamp::tsa_server::{start, ts_config, Behaviour};
    let ts_work = dir.join("tsa-work");
    std::fs::create_dir_all(&ts_work).expect("dir");
    let config = ts_config(
        &ts_work,
        &pki.path("tsa.pem"),
        &pki.path("tsa.key.pem"),
        &pki.chain(),
    );
    let tsa = start(&ts_work, &config, Behaviour::Reply("plain"));
    let stamped = dir.join("all-stamped.pdf");
    forms(
        &python,
        &[
            "doc_timestamp".as_ref(),
            all.as_os_str(),
            stamped.as_os_str(),
            tsa.url.as_ref(),
        ],
    );
    let (_, report) = verify_json(&dir, &stamped);
    assert_eq!(report.signatures.len(), 2, "{report:?}");
    assert_eq!(report.signatures[0].indication, "PASSED", "{report:?}");
    let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &stamped);
    assert!(intact && docmdp_ok, "pyHanko: {level}");
    // kyso's own document timestamp gives its invisible widget an empty /AP, which pyHanko
    // counts as an appearance change under the lock; nothing is shown, so kyso allows it.
    let stamped = dir.create_bytes("all-kyso-stamped.pdf", &std::fs::read(&all).expect("read"));
    dir.kyso()
        .args(["timestamp", "--tsa", &tsa.url])
        .arg(&stamped)
        .stdout();
    let (_, report) = verify_json(&dir, &stamped);
    assert_eq!(report.signatures.len(), 2, "{report:?}");
    assert_eq!(report.signatures[0].indication, "PASSED", "{report:?}");
}

/// The text field `name` of `pdf`'s form: its object number and its dictionary.
fn form_field(pdf: &[u8], name: &str) -> (u32, kyso_pdf::object::Dict) {
    use kyso_pdf::object::Object;
    let doc = kyso_pdf::Document::open(pdf).expect("open");
    let form = doc
        .resolve_key(&doc.catalog().expect("catalog"), "AcroForm")
        .expect("read /AcroForm")
        .expect("a form");
    let fields = doc
        .resolve(form.get("Fields").expect("/Fields"))
        .expect("read /Fields");
    for field in fields.as_array().expect("an array") {
        let r = field.as_ref().expect("fields are indirect");
        let dict = doc.get(r).expect("read field");
        if dict.get("T").and_then(Object::as_bytes) == Some(name.as_bytes()) {
            return (r.num, dict.as_dict().expect("a dictionary").clone());
        }
    }
    panic!("no field {name}")
}

/// An appearance stream (form XObject) showing `text` in Helvetica.
fn text_appearance(text: &str) -> Vec<u8> {
    let content = format!("BT /Helv 10 Tf 2 5 Td ({text}) Tj ET");
    let mut body = format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 200 20] /Resources << /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length {} >>\nstream\n",
        content.len()
    )
    .into_bytes();
    body.extend_from_slice(content.as_bytes());
    body.extend_from_slice(b"\nendstream");
    body
}

/// `pdf` with an incremental update that sets the entries `set` of the form field `name`
/// (and, when `shows` is given, gives it a new appearance showing that text).
fn field_update(
    pdf: &[u8],
    name: &str,
    set: &[(&str, kyso_pdf::object::Object)],
    shows: Option<&str>,
) -> Vec<u8> {
    use kyso_pdf::object::{Dict, Name, ObjRef, Object};
    let (num, mut field) = form_field(pdf, name);
    for (key, value) in set {
        field.insert(Name::new(key), value.clone());
    }
    let size = kyso_pdf::Document::open(pdf).expect("open").size();
    let mut objects = Vec::new();
    if let Some(text) = shows {
        let ap = Dict::from([(Name::new("N"), Object::Ref(ObjRef::new(size)))]);
        field.insert(Name::new("AP"), Object::Dict(ap));
        objects.push((size, text_appearance(text)));
    }
    objects.insert(0, (num, Object::Dict(field).to_bytes()));
    append_update(pdf, &objects, Some(size + 1))
}

/// A field lock exempts document timestamps, which fill empty *signature* fields. A text field
/// given a value that calls itself a document timestamp, and a new appearance showing
/// anything, is form filling like any other: the lock still forbids it. A real document
/// timestamp filling an empty signature field after the same lock is still allowed.
#[test]
fn a_text_field_posing_as_a_document_timestamp_does_not_escape_a_field_lock() {
    use kyso_pdf::object::{Dict, Name, Object};
    let Some(python) = forms_python() else {
        return;
    };
    let dir = Dir::new("verify-fieldmdp-fake-timestamp");
    let signed = form_signed(&python, &dir, "all.pdf", &["all"]);
    assert_eq!(first_verdict(&dir, &signed).indication, "PASSED");
    let bytes = std::fs::read(&signed).expect("read");
    let values: [&[(&str, &str)]; 3] = [
        &[("Type", "DocTimeStamp")],
        &[("SubFilter", "ETSI.RFC3161")],
        &[("Type", "DocTimeStamp"), ("SubFilter", "ETSI.RFC3161")],
    ];
    for (i, value) in values.into_iter().enumerate() {
        let value: Dict = value
            .iter()
            .map(|(k, v)| (Name::new(k), Object::name(v)))
            .collect();
        let forged = field_update(
            &bytes,
            "SoVanBan",
            &[("V", Object::Dict(value))],
            Some("999/QD-GIA"),
        );
        let forged = dir.create_bytes(&format!("forged-{i}.pdf"), &forged);
        let (code, report) = verify_json(&dir, &forged);
        assert_eq!(code, Some(1), "{report:?}");
        let sig = report
            .signatures
            .iter()
            .find(|s| s.id == "Sig1")
            .expect("Sig1");
        assert_eq!(sig.indication, "FAILED", "{i}: {sig:?}");
        assert!(
            has_reason(sig, "field-locked", "\"SoVanBan\""),
            "{i}: the lock names the field: {sig:?}"
        );
        assert!(
            !sig.reasons
                .iter()
                .any(|r| r.code == "allowed-changes-after-signing"),
            "{i}: {sig:?}"
        );
        let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &forged);
        assert!(intact && !docmdp_ok, "pyHanko on {i}: {level}");
    }

    // A real document timestamp in an empty invisible signature field after the lock: the
    // field is covered by /All, and filling it is still archival, not a signer.
    let pki = pki();
    let with_field = dir.join("all-empty-field.pdf");
    forms(
        &python,
        &[
            "empty_field".as_ref(),
            signed.as_os_str(),
            with_field.as_os_str(),
            "Sig2".as_ref(),
            "no".as_ref(),
        ],
    );
    use crate::timestamp::tsa_server::{start, ts_config, Behaviour};
    let ts_work = dir.join("tsa-work");
    std::fs::create_dir_all(&ts_work).expect("dir");
    let config = ts_config(
        &ts_work,
        &pki.path("tsa.pem"),
        &pki.path("tsa.key.pem"),
        &pki.chain(),
    );
    let tsa = start(&ts_work, &config, Behaviour::Reply("plain"));
    let stamped = dir.join("all-stamped-in-field.pdf");
    forms(
        &python,
        &[
            "doc_timestamp".as_ref(),
            with_field.as_os_str(),
            stamped.as_os_str(),
            tsa.url.as_ref(),
            "Sig2".as_ref(),
        ],
    );
    // The timestamp filled the existing field rather than adding one.
    let stamped_bytes = std::fs::read(&stamped).expect("read");
    let (_, sig2) = form_field(&stamped_bytes, "Sig2");
    assert!(sig2.contains_key(b"V".as_slice()), "{sig2:?}");
    let (_, report) = verify_json(&dir, &stamped);
    assert_eq!(report.signatures.len(), 2, "{report:?}");
    for sig in &report.signatures {
        assert_eq!(sig.indication, "PASSED", "{sig:?}");
    }
    assert!(
        has_reason(
            &report.signatures[0],
            "allowed-changes-after-signing",
            "revision"
        ),
        "{report:?}"
    );
    let (intact, docmdp_ok, level) = pyhanko_modifications(&python, &stamped);
    assert!(intact && docmdp_ok, "pyHanko: {level}");
}

/// After a signature, a form field's /Ff may change in one way only: a field being filled in
/// the same revision is made read-only. Anything else (a required flag, read-only on a field
/// left empty, read-only lifted from a filled field) fails the earlier signature.
#[test]
fn form_field_flags_may_change_only_to_make_a_field_being_filled_read_only() {
    use kyso_pdf::object::Object;
    let Some(python) = forms_python() else {
        return;
    };
    let dir = Dir::new("verify-field-flags");
    let signed = form_signed(&python, &dir, "signed.pdf", &["none"]);
    assert_eq!(first_verdict(&dir, &signed).indication, "PASSED");
    let bytes = std::fs::read(&signed).expect("read");
    let value = || ("V", Object::text("123/QD-UBND"));

    // Filled and made read-only in one revision: allowed.
    let read_only = field_update(
        &bytes,
        "SoVanBan",
        &[value(), ("Ff", Object::Int(1))],
        Some("123/QD-UBND"),
    );
    let path = dir.create_bytes("filled-read-only.pdf", &read_only);
    let sig = first_verdict(&dir, &path);
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert!(
        has_reason(&sig, "allowed-changes-after-signing", "\"SoVanBan\""),
        "{sig:?}"
    );

    // (what the revision does, on top of which document)
    type Entries = Vec<(&'static str, Object)>;
    let cases: [(&str, &[u8], Entries, Option<&str>); 4] = [
        (
            "filled and made required",
            &bytes,
            vec![value(), ("Ff", Object::Int(2))],
            Some("123/QD-UBND"),
        ),
        (
            "filled and made read-only and required",
            &bytes,
            vec![value(), ("Ff", Object::Int(3))],
            Some("123/QD-UBND"),
        ),
        (
            "made read-only while left empty",
            &bytes,
            vec![("Ff", Object::Int(1))],
            None,
        ),
        (
            "read-only lifted from the filled field",
            &read_only,
            vec![("Ff", Object::Int(0))],
            None,
        ),
    ];
    for (i, (what, base, set, shows)) in cases.into_iter().enumerate() {
        let forged = field_update(base, "SoVanBan", &set, shows);
        let path = dir.create_bytes(&format!("flags-{i}.pdf"), &forged);
        let (code, report) = verify_json(&dir, &path);
        assert_eq!(code, Some(1), "{what}: {report:?}");
        let sig = &report.signatures[0];
        assert_eq!(sig.indication, "FAILED", "{what}: {sig:?}");
        assert_eq!(sig.sub_indication.as_deref(), Some("FORMAT_FAILURE"));
        assert!(
            has_reason(sig, "modified-after-signing", "/Ff"),
            "{what}: the reason names the flags: {sig:?}"
        );
    }
}

#[test]
fn annotations_and_form_filling_after_signing_follow_the_certification_level() {
    let Some(python) = forms_python() else {
        return;
    };
    let dir = Dir::new("verify-docmdp");

    // An approval signature: a FreeText annotation (as `kyso sign --profile issue` may add
    // to print the document number) and filling a text field are allowed and reported.
    let approved = form_signed(&python, &dir, "approved.pdf", &["none"]);
    let annotated = form_update(
        &python,
        &dir,
        &approved,
        "approved-annotated.pdf",
        &["annotate", "So: 123/QD-UBND"],
    );
    let sig = first_verdict(&dir, &annotated);
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert_eq!(sig.coverage, serde_json::json!("entire_revision"));
    assert!(
        has_reason(&sig, "allowed-changes-after-signing", "FreeText"),
        "{sig:?}"
    );
    // pyHanko 0.38's default diff policy has no rule that explains new annotations, so it
    // flags this one (docmdp_ok False, "unexplained xrefs"); ISO 32000-1 §12.8.2.2 permits
    // annotations after an approval signature, and kyso follows the standard.
    let filled = form_update(
        &python,
        &dir,
        &approved,
        "approved-filled.pdf",
        &["fill", "SoVanBan", "123/QD-UBND"],
    );
    let sig = first_verdict(&dir, &filled);
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert!(
        has_reason(&sig, "allowed-changes-after-signing", "\"SoVanBan\""),
        "{sig:?}"
    );
    let (_, docmdp_ok, level) = pyhanko_modifications(&python, &filled);
    assert!(docmdp_ok && level == "FORM_FILLING", "pyHanko: {level}");

    // Certified with P=2: form filling yes, annotations no.
    let p2 = form_signed(&python, &dir, "certified-p2.pdf", &["certify", "2"]);
    let filled = form_update(
        &python,
        &dir,
        &p2,
        "p2-filled.pdf",
        &["fill", "SoVanBan", "123/QD-UBND"],
    );
    let sig = first_verdict(&dir, &filled);
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    let (_, docmdp_ok, _) = pyhanko_modifications(&python, &filled);
    assert!(docmdp_ok);
    let annotated = form_update(
        &python,
        &dir,
        &p2,
        "p2-annotated.pdf",
        &["annotate", "So: 123"],
    );
    let sig = first_verdict(&dir, &annotated);
    assert_eq!(sig.indication, "FAILED", "{sig:?}");
    assert!(
        sig.reasons.iter().any(|r| r.code == "permission-violated"),
        "{sig:?}"
    );
    let (_, docmdp_ok, _) = pyhanko_modifications(&python, &annotated);
    assert!(!docmdp_ok);

    // Certified with P=1: no change at all.
    let p1 = form_signed(&python, &dir, "certified-p1.pdf", &["certify", "1"]);
    let filled = form_update(
        &python,
        &dir,
        &p1,
        "p1-filled.pdf",
        &["fill", "SoVanBan", "123/QD-UBND"],
    );
    let sig = first_verdict(&dir, &filled);
    assert_eq!(sig.indication, "FAILED", "{sig:?}");
    assert!(
        sig.reasons.iter().any(|r| r.code == "permission-violated"),
        "{sig:?}"
    );
    let (_, docmdp_ok, _) = pyhanko_modifications(&python, &filled);
    assert!(!docmdp_ok);
}

// ---------------------------------------------------------------------------------------------
// Round trips: what kyso, pyHanko and pdfsig sign verifies.

#[test]
fn what_kyso_pyhanko_and_pdfsig_sign_verifies_as_passed() {
    if !crate::peers::require_peers() || !crate::util::require_tool("pk12util") {
        return;
    }
    let dir = Dir::new("verify-round-trips");
    let pki = pki();

    // kyso: PAdES baseline (ETSI.CAdES.detached with signing-certificate-v2), so B-B.
    let ours = dir.join("kyso.pdf");
    kyso_sign_p12(&dir, &sample("cong-van.pdf"), &ours);
    let (code, report) = verify_json(&dir, &ours);
    assert_eq!(code, Some(0), "{report:?}");
    let [sig] = report.signatures.as_slice() else {
        panic!("one signature expected: {report:?}")
    };
    assert_eq!(
        (
            sig.indication.as_str(),
            sig.format.as_str(),
            sig.level.as_str()
        ),
        ("PASSED", "ETSI.CAdES.detached", "B-B"),
        "{sig:?}"
    );
    assert_eq!(sig.coverage, serde_json::json!("entire_file"));

    // pyHanko's default (adbe.pkcs7.detached): valid, but no PAdES level.
    let Some(theirs) = pyhanko_signed(&dir, "pyhanko.pdf") else {
        return;
    };
    let (code, report) = verify_json(&dir, &theirs);
    assert_eq!(code, Some(0), "{report:?}");
    assert_eq!(
        (
            report.signatures[0].indication.as_str(),
            report.signatures[0].level.as_str()
        ),
        ("PASSED", "none"),
        "{report:?}"
    );

    // pdfsig -add-signature with the signer's key in an NSS database.
    let nss = crate::peers::nss_db(dir.path(), &pki.root());
    let status = std::process::Command::new("pk12util")
        .arg("-i")
        .arg(pki.path("rsa2048.p12"))
        .arg("-d")
        .arg(format!("sql:{}", nss.display()))
        .args(["-W", "kyso", "-K", ""])
        .output()
        .expect("run pk12util");
    assert!(status.status.success(), "{status:?}");
    let poppler = dir.join("pdfsig.pdf");
    let out = std::process::Command::new("pdfsig")
        .arg("-add-signature")
        .arg("-nssdir")
        .arg(format!("sql:{}", nss.display()))
        .args(["-nss-pwd", "", "-nick", "rsa2048", "-reason", "Phê duyệt"])
        .arg(sample("cong-van.pdf"))
        .arg(&poppler)
        .output()
        .expect("run pdfsig");
    assert!(
        out.status.success(),
        "pdfsig -add-signature: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, report) = verify_json(&dir, &poppler);
    assert_eq!(code, Some(0), "{report:?}");
    let [sig] = report.signatures.as_slice() else {
        panic!("one signature expected: {report:?}")
    };
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert_eq!(sig.format, "adbe.pkcs7.detached");
    assert_eq!(sig.level, "none");
    assert!(
        sig.signer
            .as_deref()
            .is_some_and(|s| s.contains("Trần Thị Bình")),
        "{sig:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// PAdES levels (ETSI EN 319 142-1) against a loopback TSA, OCSP responder and CRL server.

use crate::timestamp::LtvWorld;

/// The timestamp tests' loopback world (a test PKI whose certificates name a loopback OCSP
/// responder and CRL server, and a loopback TSA of that PKI; the servers stop when this is
/// dropped), with the level tests' helpers.
struct LevelWorld(LtvWorld);

impl std::ops::Deref for LevelWorld {
    type Target = LtvWorld;
    fn deref(&self) -> &LtvWorld {
        &self.0
    }
}

impl LevelWorld {
    fn new(name: &str) -> Self {
        LevelWorld(LtvWorld::new(name))
    }

    /// `kyso` with `args`, asserting success.
    fn kyso(&self, args: &[&std::ffi::OsStr]) {
        let out = self
            .dir
            .kyso()
            .args(args)
            .env("KYSO_TEST_PASS", "kyso")
            .output();
        assert_eq!(
            out.status.code(),
            Some(0),
            "kyso {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `kyso sign` of the sample with this PKI's RSA signer and `extra` options.
    fn sign(&self, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.dir.join(name);
        let (sample, p12) = (sample("cong-van.pdf"), self.pki("rsa2048.p12"));
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "sign".as_ref(),
            sample.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--p12".as_ref(),
            p12.as_os_str(),
            "--pass-env".as_ref(),
            "KYSO_TEST_PASS".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        self.kyso(&args);
        out
    }

    /// (indication, level) of the first signature, verified offline with this PKI's root.
    fn level(&self, pdf: &Path) -> (String, String) {
        self.level_trusting(pdf, &["--trust".as_ref(), self.pki("root.pem").as_os_str()])
    }

    /// (indication, level) of the first signature, verified offline with `trust` options.
    fn level_trusting(&self, pdf: &Path, trust: &[&std::ffi::OsStr]) -> (String, String) {
        let out = self
            .dir
            .kyso()
            .args(["verify", "--json", "--offline"])
            .args(trust)
            .arg(pdf)
            .env("KYSO_TRUST_DIR", self.dir.join("no-trust-store"))
            .output();
        let report: FileJson = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not a JSON report ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let sig = report.signatures.first().expect("a signature");
        (sig.indication.clone(), sig.level.clone())
    }
}

/// A copy of `pdf` whose DSS (a later revision) keeps its certificates and CRLs but drops
/// every OCSP response: a DSS that exists and holds revocation data, but not the signer's.
fn without_dss_ocsp(pdf: &[u8]) -> Vec<u8> {
    use kyso_pdf::object::{ObjRef, Object};
    let doc = kyso_pdf::Document::open(pdf).expect("open");
    let root = doc.catalog_ref().expect("catalog");
    let mut catalog = doc.catalog().expect("catalog");
    let dss = doc
        .resolve(catalog.get(b"DSS".as_slice()).expect("a DSS"))
        .expect("DSS");
    let mut dss = dss.as_dict().expect("DSS dictionary").clone();
    assert!(
        dss.remove(b"OCSPs".as_slice()).is_some(),
        "the DSS has OCSP responses"
    );
    dss.remove(b"VRI".as_slice());
    let size = doc.size();
    catalog.insert("DSS".into(), Object::Ref(ObjRef { num: size, gen: 0 }));
    append_update(
        pdf,
        &[
            (root.num, Object::Dict(catalog).to_bytes()),
            (size, Object::Dict(dss).to_bytes()),
        ],
        Some(size + 1),
    )
}

#[test]
fn pades_levels_follow_what_the_file_really_holds() {
    if !crate::util::require_tool("openssl") {
        return;
    }
    let world = LevelWorld::new("verify-levels");
    let url = world.tsa.url.clone();
    let root_crl = world.pki("root.crl.pem").display().to_string();
    let passed = |level: &str| ("PASSED".to_owned(), level.to_owned());

    let bb = world.sign("b-b.pdf", &[]);
    assert_eq!(world.level(&bb), passed("B-B"));
    let bt = world.sign("b-t.pdf", &["--tsa", &url]);
    assert_eq!(world.level(&bt), passed("B-T"));
    let blt = world.sign(
        "b-lt.pdf",
        &["--tsa", &url, "--ltv", "--ltv-crl", &root_crl],
    );
    assert_eq!(world.level(&blt), passed("B-LT"));
    // The level says what the file holds: without the root installed the signature is not
    // trusted (INDETERMINATE), yet the file still holds everything B-LT needs.
    assert_eq!(
        world.level_trusting(&blt, &[]),
        ("INDETERMINATE".to_owned(), "B-LT".to_owned())
    );

    // A DSS is there and holds CRLs, but not the OCSP responses for the signer's and the
    // TSA's certificates: B-T, not B-LT.
    let stripped = without_dss_ocsp(&std::fs::read(&blt).expect("read"));
    let stripped = world.dir.create_bytes("b-lt-stripped.pdf", &stripped);
    assert_eq!(world.level(&stripped), passed("B-T"));

    // An archive time-stamp over the DSS: B-LTA.
    let blta = world
        .dir
        .create_bytes("b-lta.pdf", &std::fs::read(&bt).expect("read"));
    world.kyso(&[
        "ltv".as_ref(),
        "--archive".as_ref(),
        "--tsa".as_ref(),
        url.as_ref(),
        "--ltv-crl".as_ref(),
        root_crl.as_ref(),
        blta.as_os_str(),
    ]);
    assert_eq!(world.level(&blta), passed("B-LTA"));

    // A document time-stamp that covers no DSS (the DSS comes after it): B-LT only.
    let late = world
        .dir
        .create_bytes("late-dss.pdf", &std::fs::read(&bt).expect("read"));
    world.kyso(&[
        "timestamp".as_ref(),
        "--tsa".as_ref(),
        url.as_ref(),
        late.as_os_str(),
    ]);
    world.kyso(&[
        "ltv".as_ref(),
        "--ltv-crl".as_ref(),
        root_crl.as_ref(),
        late.as_os_str(),
    ]);
    assert_eq!(world.level(&late), passed("B-LT"));
}

// ---------------------------------------------------------------------------------------------
// EdDSA (RFC 8419): Ed25519 with SHA-512, Ed448 with SHAKE256, under an Ed448 root.

/// An EdDSA PKI made with the `openssl` CLI in `dir`: an Ed448 root (so kyso-chain checks Ed448
/// certificate signatures) issuing an Ed25519 and an Ed448 signer. Returns the root's path.
fn eddsa_pki(dir: &Dir) -> PathBuf {
    let path = |name: &str| dir.join(name);
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&["genpkey", "-algorithm", "ed448", "-out", "root.key.pem"]);
    openssl(&[
        "req",
        "-x509",
        "-new",
        "-key",
        "root.key.pem",
        "-days",
        "3650",
        "-out",
        "root.pem",
        "-subj",
        "/C=VN/O=kyso test/CN=kyso EdDSA Root",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    std::fs::write(
        path("leaf.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .expect("write extensions");
    for (alg, serial) in [("ed25519", "0x2519"), ("ed448", "0x448")] {
        let key = format!("{alg}.key.pem");
        let csr = format!("{alg}.csr");
        let cert = format!("{alg}.pem");
        let subject = format!("/C=VN/O=kyso test/CN=kyso {alg} signer");
        openssl(&["genpkey", "-algorithm", alg, "-out", &key]);
        openssl(&["req", "-new", "-key", &key, "-subj", &subject, "-out", &csr]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key.pem",
            "-set_serial",
            serial,
            "-days",
            "365",
            "-extfile",
            "leaf.ext",
            "-out",
            &cert,
        ]);
    }
    path("root.pem")
}

/// `kyso verify --json --offline --trust ROOT pdf` (with extra args) for any root.
fn verify_json_with(dir: &Dir, root: &Path, pdf: &Path, extra: &[&str]) -> FileJson {
    let out = dir
        .kyso()
        .args(["verify", "--json", "--offline", "--trust"])
        .arg(root)
        .args(extra)
        .arg(pdf)
        .output();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn eddsa_signatures_made_by_pyhanko_pass_and_a_flipped_byte_fails() {
    let Some(pyhanko) = pyhanko() else {
        assert!(!crate::util::in_ci(), "pyHanko missing in CI");
        eprintln!("SKIP: pyHanko is not installed");
        return;
    };
    if !crate::util::require_tool("openssl") {
        return;
    }
    let dir = Dir::new("verify-eddsa");
    let root = eddsa_pki(&dir);
    for (alg, pades, level) in [("ed25519", false, "none"), ("ed448", true, "B-B")] {
        let signed = dir.join(&format!("{alg}.pdf"));
        let mut command = std::process::Command::new(&pyhanko);
        command.args(["sign", "addsig", "--field", "Sig1"]);
        if pades {
            command.arg("--use-pades");
        }
        let out = command
            .args(["pemder", "--no-pass", "--key"])
            .arg(dir.join(&format!("{alg}.key.pem")))
            .arg("--cert")
            .arg(dir.join(&format!("{alg}.pem")))
            .arg("--chain")
            .arg(&root)
            .arg(sample("cong-van.pdf"))
            .arg(&signed)
            .output()
            .expect("run pyHanko");
        assert!(
            out.status.success(),
            "pyHanko {alg}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // pyHanko names Ed448's digest id-shake256-len with 512 bits (RFC 8419 §3.1).
        let bytes = std::fs::read(&signed).expect("read");
        let digest_oid = if alg == "ed448" {
            "060960864801650304021202020200"
        } else {
            "0609608648016503040203"
        };
        let contents_hex = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(
            contents_hex.contains(digest_oid),
            "{alg}: digest {digest_oid}"
        );

        let report = verify_json_with(&dir, &root, &signed, &[]);
        let sig = &report.signatures[0];
        assert_eq!(sig.indication, "PASSED", "{alg}: {sig:?}");
        assert_eq!(sig.level, level, "{alg}: {sig:?}");
        assert!(sig.reasons.iter().any(|r| r.code == "integrity-ok"));

        let mut flipped = bytes;
        let at = flipped
            .windows(7)
            .position(|w| w == b"stream\n")
            .expect("a stream");
        flipped[at + 10] ^= 0x01;
        let flipped = dir.create_bytes(&format!("{alg}-flipped.pdf"), &flipped);
        let report = verify_json_with(&dir, &root, &flipped, &[]);
        let sig = &report.signatures[0];
        assert_eq!(sig.indication, "FAILED", "{alg}: {sig:?}");
        assert_eq!(sig.sub_indication.as_deref(), Some("HASH_FAILURE"));
    }
}

/// pyHanko's Ed448 samples: id-shake256 without the length parameter verifies; Ed448 with a
/// digest RFC 8419 does not allow fails as malformed.
#[test]
fn pyhanko_ed448_corpus_files_verify_and_a_disallowed_digest_fails() {
    let corpus = shared_dir().join("corpora/pdf/pyhanko");
    let Some(nolen) = require_path(&corpus.join("ed448-shake256-nolen.pdf")) else {
        return;
    };
    let dir = Dir::new("verify-ed448-corpus");
    let root = corpus.join("pki/generated/testing-ca-ed448/root/root.crt");
    // pyHanko's tests run at 2020-11-01, inside the certificates' validity.
    let at = ["--at", "2020-11-01T00:00:00Z"];
    let report = verify_json_with(&dir, &root, &nolen, &at);
    let sig = &report.signatures[0];
    assert_eq!(sig.indication, "PASSED", "{sig:?}");
    assert!(sig.reasons.iter().any(|r| r.code == "integrity-ok"));

    let report = verify_json_with(&dir, &root, &corpus.join("ed448-disallowed-hash.pdf"), &at);
    let sig = &report.signatures[0];
    assert_eq!(sig.indication, "FAILED", "{sig:?}");
    assert!(
        sig.reasons.iter().any(|r| r.message.contains("RFC 8419")),
        "{sig:?}"
    );
}
