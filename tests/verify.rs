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
