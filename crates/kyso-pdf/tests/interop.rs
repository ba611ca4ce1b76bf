//! Real signatures over kyso's updates, judged by independent peers: the CMS comes from
//! `openssl cms -sign` over the ByteRange content (kyso-cms is tested on its own), then
//! `pdfsig` and `pyhanko sign validate` must call the signature valid, and pyHanko must be
//! able to sign the result again. Skipped (with the reason printed) when a tool is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use kyso_pdf::sign::{prepare, Placement, SignatureRequest, SubFilter};
use kyso_pdf::Document;

const PYHANKO: &str = "/work/main/.venv/bin/pyhanko";

fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/demo")
        .join(name)
}

fn tools_ready() -> bool {
    let pyhanko = Path::new(PYHANKO).exists();
    if !pyhanko {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pyHanko is required under CI"
        );
        eprintln!("skipped: pyHanko not installed at {PYHANKO}");
    }
    pyhanko && demo("signer.pem").exists() && have_tool("openssl") && have_tool("qpdf") && {
        let ok = Command::new("pdfsig").arg("-v").output().is_ok();
        if !ok {
            eprintln!("skipped: pdfsig not installed");
        }
        ok
    }
}

/// Signs `input` with the demo key through `openssl cms`; returns the output.
fn sign_real(input: &[u8], request: &SignatureRequest, dir: &Path) -> Vec<u8> {
    let doc = Document::open(input).expect("opens");
    let mut update = prepare(&doc, request).expect("prepares");
    let [_, a, b, _] = update.byte_range();
    let mut full = input.to_vec();
    full.extend_from_slice(update.bytes());
    let mut tbs = full[..a as usize].to_vec();
    tbs.extend_from_slice(&full[b as usize..]);
    let tbs_path = dir.join("tbs.bin");
    let cms_path = dir.join("sig.p7s");
    std::fs::write(&tbs_path, &tbs).expect("write");
    let status = Command::new("openssl")
        .args([
            "cms",
            "-sign",
            "-binary",
            "-md",
            "sha256",
            "-nosmimecap",
            "-outform",
            "DER",
        ])
        .arg("-in")
        .arg(&tbs_path)
        .arg("-signer")
        .arg(demo("signer.pem"))
        .arg("-inkey")
        .arg(demo("signer.key.pem"))
        .arg("-certfile")
        .arg(demo("intermediate.pem"))
        .arg("-out")
        .arg(&cms_path)
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl cms -sign failed");
    update
        .embed(&std::fs::read(&cms_path).expect("cms"))
        .expect("fits");
    let mut output = input.to_vec();
    output.extend_from_slice(update.bytes());
    output
}

/// pdfsig's verdict lines for each signature.
fn pdfsig_valid_count(path: &Path) -> usize {
    let out = Command::new("pdfsig")
        .arg(path)
        .output()
        .expect("pdfsig runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.matches("Signature Validation: Signature is Valid.")
        .count()
}

/// pyHanko's bottom line for the last signature (trusting the demo root).
fn pyhanko_valid(path: &Path) -> bool {
    let out = Command::new(PYHANKO)
        .args([
            "sign",
            "validate",
            "--no-revocation-check",
            "--pretty-print",
            "--trust",
        ])
        .arg(demo("root.pem"))
        .arg("--other-certs")
        .arg(demo("intermediate.pem"))
        .arg(path)
        .output()
        .expect("pyhanko runs");
    let text = String::from_utf8_lossy(&out.stdout);
    if !text.contains("The signature is judged VALID.") {
        eprintln!("pyhanko: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    text.contains("The signature is judged VALID.")
}

fn request() -> SignatureRequest {
    let mut request = SignatureRequest::new(8192);
    request.sub_filter = SubFilter::AdbePkcs7Detached;
    request.reason = Some("Phê duyệt".into());
    request
}

fn check_real(input: &[u8], request: &SignatureRequest, expected_valid: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = sign_real(input, request, dir.path());
    assert!(output.starts_with(input));
    let path = dir.path().join("signed.pdf");
    std::fs::write(&path, &output).expect("write");
    assert_eq!(
        qpdf_check(&output).map(|c| c != 2),
        Some(true),
        "qpdf finds no errors"
    );
    assert_eq!(
        pdfsig_valid_count(&path),
        expected_valid,
        "pdfsig: every signature valid"
    );
    assert!(
        pyhanko_valid(&path),
        "pyHanko judges the new signature valid"
    );
}

#[test]
fn peers_validate_signature_on_classic_file() {
    if !tools_ready() {
        return;
    }
    let Some(input) = corpus("minimal.pdf") else {
        return;
    };
    check_real(&input, &request(), 1);
}

#[test]
fn peers_validate_signature_on_xref_stream_file() {
    if !tools_ready() {
        return;
    }
    let Some(input) = corpus("minimal-xref.pdf") else {
        return;
    };
    check_real(&input, &request(), 1);
}

#[test]
fn peers_validate_signature_on_linearized_object_stream_file() {
    if !tools_ready() {
        return;
    }
    let Some(input) = corpus("minimal-two-pages.pdf") else {
        return;
    };
    let Some(packed) = qpdf_transform(&input, &["--linearize", "--object-streams=generate"]) else {
        return;
    };
    let mut request = request();
    request.placement = Placement::Visible {
        page_index: 1,
        rect: [50.0, 50.0, 250.0, 120.0],
    };
    check_real(&packed, &request, 1);
}

#[test]
fn peers_validate_signature_in_existing_field_of_signed_file() {
    if !tools_ready() {
        return;
    }
    let Some(input) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut first = request();
    first.field_name = Some("Sig1".into());
    let once = sign_real(&input, &first, dir.path());
    let mut second = request();
    second.field_name = Some("Sig2".into());
    check_real(&once, &second, 2);
}

#[test]
fn peers_validate_certification_signature() {
    if !tools_ready() {
        return;
    }
    let input = simple_pdf();
    let mut request = request();
    request.certify = Some(2);
    check_real(&input, &request, 1);
}

#[test]
fn pyhanko_signs_after_kyso_and_both_validate() {
    if !tools_ready() {
        return;
    }
    let Some(input) = corpus("minimal.pdf") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let ours = sign_real(&input, &request(), dir.path());
    let ours_path = dir.path().join("kyso.pdf");
    let theirs_path = dir.path().join("both.pdf");
    std::fs::write(&ours_path, &ours).expect("write");
    let status = Command::new(PYHANKO)
        .args([
            "sign",
            "addsig",
            "--field",
            "Agency",
            "pemder",
            "--no-pass",
            "--key",
        ])
        .arg(demo("signer.key.pem"))
        .arg("--cert")
        .arg(demo("signer.pem"))
        .arg("--chain")
        .arg(demo("intermediate.pem"))
        .arg(&ours_path)
        .arg(&theirs_path)
        .status()
        .expect("pyhanko runs");
    assert!(status.success(), "pyHanko signs kyso's output");
    let both = std::fs::read(&theirs_path).expect("pyhanko output");
    assert!(both.starts_with(&ours));
    assert_eq!(pdfsig_valid_count(&theirs_path), 2);
    assert!(pyhanko_valid(&theirs_path));
    // And kyso reads pyHanko's update.
    let doc = Document::open(&both).expect("opens");
    let fields = kyso_pdf::sign::signature_fields(&doc).expect("fields");
    assert_eq!(fields.iter().filter(|f| f.is_signed()).count(), 2);
}

#[test]
fn peers_reject_a_flipped_covered_byte() {
    if !tools_ready() {
        return;
    }
    let Some(input) = corpus("minimal.pdf") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut output = sign_real(&input, &request(), dir.path());
    // Flip a byte inside the first page's content stream (covered by the ByteRange).
    let at = output
        .windows(2)
        .position(|w| w == b"Tj")
        .expect("text operator");
    output[at - 2] ^= 0x01;
    let path = dir.path().join("tampered.pdf");
    std::fs::write(&path, &output).expect("write");
    assert_eq!(
        pdfsig_valid_count(&path),
        0,
        "pdfsig must reject the tampered file"
    );
    assert!(
        !pyhanko_valid(&path),
        "pyHanko must reject the tampered file"
    );
}
