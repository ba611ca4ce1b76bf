//! `kyso sign`: PAdES B-B signing with every key source, judged by independent validators, and
//! the rules that keep a clerk's documents safe.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixtures::{pkcs11_spy, pki, sample, softhsm_token, Token};
use crate::peers::{
    assert_pdfsig_valid, assert_prefix, assert_pyhanko_valid, assert_qpdf_clean, input_kinds,
    nss_db, pyhanko_sign, require_peers,
};
use crate::util::{require_tool, Dir, TestCommand};

const PASS: &str = "kyso";
const PIN: &str = "1234";

/// A key source for the matrix: the arguments that select it.
enum KeySource {
    P12,
    Pem,
    TokenRsa(Token),
    TokenEc(Token),
}

impl KeySource {
    fn apply(&self, cmd: &mut TestCommand) {
        let pki = pki();
        match self {
            Self::P12 => {
                cmd.arg("--p12").arg(pki.path("rsa2048.p12"));
                cmd.args(["--pass-env", "KYSO_TEST_PASS"])
                    .env("KYSO_TEST_PASS", PASS);
            }
            Self::Pem => {
                cmd.arg("--key").arg(pki.path("ecp256.key.pem"));
                cmd.arg("--cert").arg(pki.path("ecp256.pem"));
                cmd.arg("--chain").arg(pki.chain());
            }
            Self::TokenRsa(token) | Self::TokenEc(token) => {
                let label = if matches!(self, Self::TokenRsa(_)) {
                    "rsa2048"
                } else {
                    "ecp256"
                };
                cmd.arg("--pkcs11").arg(&token.module);
                cmd.env("SOFTHSM2_CONF", &token.conf);
                cmd.args(["--key-label", label, "--pin-env", "KYSO_TEST_PIN"]);
                cmd.env("KYSO_TEST_PIN", PIN);
                cmd.arg("--chain").arg(pki.chain());
            }
        }
    }
}

/// Signs `input` into `output` with kyso and `source`, plus any extra arguments.
fn kyso_sign(dir: &Dir, source: &KeySource, input: &Path, output: &Path, extra: &[&str]) {
    let mut cmd = dir.kyso();
    cmd.arg("sign").arg(input).arg("-o").arg(output).args(extra);
    source.apply(&mut cmd);
    cmd.stdout();
}

/// The acceptance matrix of issue 2 for one key source: each input kind (classic xref, xref
/// stream, linearized, already signed by pyHanko) signed by kyso is valid and intact for
/// pyHanko and pdfsig, clean for qpdf, and keeps its input as a byte prefix; pyHanko can then
/// sign kyso's output and both signatures validate.
fn interop_matrix(name: &str, source: impl FnOnce(&Dir) -> Option<KeySource>) {
    if !require_peers() {
        return;
    }
    let dir = Dir::new(name);
    let Some(source) = source(&dir) else { return };
    let pki = pki();
    let nss = nss_db(dir.path(), &pki.root());
    let mut inputs = input_kinds(dir.path(), &sample("cong-van.pdf"));
    let pre_signed = dir.join("input-signed-by-pyhanko.pdf");
    pyhanko_sign(
        &sample("quyet-dinh.pdf"),
        &pre_signed,
        &pki.path("rsa3072.key.pem"),
        &pki.path("rsa3072.pem"),
        &pki.chain(),
        "LanhDao",
    );
    inputs.push(("signed-by-pyhanko", pre_signed));

    for (kind, input) in &inputs {
        let before = std::fs::read(input).expect("read input");
        let output = dir.join(&format!("{kind}.signed.pdf"));
        kyso_sign(&dir, &source, input, &output, &[]);
        assert_eq!(
            std::fs::read(input).expect("read input"),
            before,
            "{kind}: input modified"
        );
        assert_prefix(input, &output);
        assert_qpdf_clean(&output);
        let expected = if *kind == "signed-by-pyhanko" { 2 } else { 1 };
        assert_eq!(
            assert_pyhanko_valid(&output, &pki.root()),
            expected,
            "{kind}"
        );
        assert_eq!(assert_pdfsig_valid(&output, &nss), expected, "{kind}");
    }

    // pyHanko signs after kyso: both signatures stay valid for both peers.
    let kyso_signed = dir.join("classic.signed.pdf");
    let after = dir.join("classic.signed.then-pyhanko.pdf");
    pyhanko_sign(
        &kyso_signed,
        &after,
        &pki.path("rsa3072.key.pem"),
        &pki.path("rsa3072.pem"),
        &pki.chain(),
        "CoQuan",
    );
    assert_eq!(assert_pyhanko_valid(&after, &pki.root()), 2);
    assert_eq!(assert_pdfsig_valid(&after, &nss), 2);
}

#[test]
fn interop_p12_key_every_input_kind() {
    interop_matrix("interop-p12", |_| Some(KeySource::P12));
}

#[test]
fn interop_pem_ec_key_every_input_kind() {
    interop_matrix("interop-pem", |_| Some(KeySource::Pem));
}

#[test]
fn interop_softhsm_rsa_key_every_input_kind() {
    interop_matrix("interop-hsm-rsa", |dir| {
        softhsm_token(dir).map(KeySource::TokenRsa)
    });
}

#[test]
fn interop_softhsm_ec_key_every_input_kind() {
    interop_matrix("interop-hsm-ec", |dir| {
        softhsm_token(dir).map(KeySource::TokenEc)
    });
}

#[test]
fn adbe_pkcs7_subfilter_for_old_verifiers() {
    if !require_peers() {
        return;
    }
    let dir = Dir::new("adbe");
    let output = dir.join("out.pdf");
    kyso_sign(
        &dir,
        &KeySource::P12,
        &sample("cong-van.pdf"),
        &output,
        &["--subfilter", "adbe.pkcs7.detached"],
    );
    let nss = nss_db(dir.path(), &pki().root());
    assert_eq!(assert_pdfsig_valid(&output, &nss), 1);
    let text = Command::new("pdfsig")
        .arg(&output)
        .output()
        .expect("pdfsig")
        .stdout;
    assert!(String::from_utf8_lossy(&text).contains("adbe.pkcs7.detached"));
    assert_eq!(assert_pyhanko_valid(&output, &pki().root()), 1);
}

#[test]
fn certification_signature_is_recognised_by_pyhanko() {
    if !require_peers() {
        return;
    }
    let dir = Dir::new("certify");
    let output = dir.join("out.pdf");
    kyso_sign(
        &dir,
        &KeySource::P12,
        &sample("cong-van.pdf"),
        &output,
        &["--certify", "2"],
    );
    assert_qpdf_clean(&output);
    let pretty = Command::new(crate::peers::pyhanko().expect("pyhanko"))
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
        ])
        .arg(pki().root())
        .arg(&output)
        .output()
        .expect("pyhanko");
    let text = String::from_utf8_lossy(&pretty.stdout);
    assert!(
        text.to_lowercase().contains("certif"),
        "pyHanko does not see a certification signature:\n{text}"
    );
}

#[test]
fn visible_signature_shows_vietnamese_text_in_an_embedded_font() {
    if !require_tool("pdftotext") || !require_tool("pdffonts") {
        return;
    }
    let dir = Dir::new("visible");
    let output = dir.join("out.pdf");
    kyso_sign(
        &dir,
        &KeySource::P12,
        &sample("cong-van.pdf"),
        &output,
        &[
            "--page",
            "-1",
            "--rect",
            "330,210,560,290",
            "--text",
            "Người ký: Trần Thị Bình",
            "--text",
            "Cơ quan: Ủy ban nhân dân tỉnh Hà Tĩnh",
        ],
    );
    let text = Command::new("pdftotext")
        .arg(&output)
        .arg("-")
        .output()
        .expect("pdftotext")
        .stdout;
    let text = String::from_utf8_lossy(&text);
    assert!(
        text.contains("Người ký: Trần Thị Bình"),
        "text not extractable:\n{text}"
    );
    assert!(
        text.contains("Ủy ban nhân dân tỉnh Hà Tĩnh"),
        "text not extractable:\n{text}"
    );
    let fonts = Command::new("pdffonts")
        .arg(&output)
        .output()
        .expect("pdffonts")
        .stdout;
    let fonts = String::from_utf8_lossy(&fonts);
    let embedded_subset = fonts.lines().any(|l| {
        l.contains("CID TrueType")
            && l.contains('+')
            && l.split_whitespace().filter(|w| *w == "yes").count() >= 2
    });
    assert!(embedded_subset, "no embedded subset font:\n{fonts}");
    render_artefact(&output, "visible-signature");
}

#[test]
fn visible_signature_with_image_keeps_its_transparency() {
    if !require_tool("pdftoppm") || !require_tool("pdfimages") {
        return;
    }
    let Some(image) =
        crate::util::require_path(&crate::util::shared_dir().join("corpora/vn-docs/sig-blue.png"))
    else {
        return;
    };
    let dir = Dir::new("visible-image");
    let output = dir.join("out.pdf");
    let image = image.to_string_lossy().into_owned();
    kyso_sign(
        &dir,
        &KeySource::P12,
        &sample("cong-van.pdf"),
        &output,
        &[
            "--page",
            "1",
            "--rect",
            "330,210,560,290",
            "--image",
            &image,
        ],
    );
    render_artefact(&output, "visible-image");
    // The PNG's alpha channel becomes a soft mask of the image's size: what is transparent in
    // the PNG lets the page show through.
    let images = |pdf: &Path| -> Vec<(String, String, String)> {
        let out = Command::new("pdfimages")
            .arg("-list")
            .arg(pdf)
            .output()
            .expect("pdfimages");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(2)
            .filter_map(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                Some((
                    cols.get(2)?.to_string(),
                    cols.get(3)?.to_string(),
                    cols.get(4)?.to_string(),
                ))
            })
            .collect()
    };
    let signed = images(&output);
    let image = signed
        .iter()
        .find(|(kind, _, _)| kind == "image")
        .expect("an image on the page");
    assert!(
        signed
            .iter()
            .any(|(kind, w, h)| kind == "smask" && (w, h) == (&image.1, &image.2)),
        "no soft mask for the signature image: {signed:?}"
    );
    // The twin: the unsigned sample has no image at all.
    assert!(images(&sample("cong-van.pdf")).is_empty());
}

/// Renders page `last` of `pdf` into tests/artefacts/NAME.png for a person to look at.
fn render_artefact(pdf: &Path, name: &str) -> PathBuf {
    let dir = crate::util::repo_root().join("tests/artefacts");
    std::fs::create_dir_all(&dir).expect("artefact dir");
    let prefix = dir.join(name);
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    prefix.with_extension("png")
}

#[test]
fn batch_of_50_documents_logs_in_to_the_token_once() {
    let dir = Dir::new("batch-login");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let Some(spy) = pkcs11_spy() else {
        assert!(!crate::util::in_ci(), "pkcs11-spy.so missing in CI");
        eprintln!("SKIP: OpenSC's pkcs11-spy.so not found");
        return;
    };
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    let sample = std::fs::read(sample("cong-van.pdf")).expect("sample");
    for i in 0..50 {
        std::fs::write(inputs.join(format!("doc-{i:02}.pdf")), &sample).expect("write");
    }
    let log = dir.join("spy.log");
    let out = dir
        .kyso()
        .arg("sign")
        .arg(&inputs)
        .arg("--out-dir")
        .arg(dir.join("out"))
        .arg("--pkcs11")
        .arg(&spy)
        .env("PKCS11SPY", &token.module)
        .env("PKCS11SPY_OUTPUT", &log)
        .env("SOFTHSM2_CONF", &token.conf)
        .args([
            "--key-label",
            "rsa2048",
            "--pin-env",
            "KYSO_TEST_PIN",
            "--json",
        ])
        .env("KYSO_TEST_PIN", PIN)
        .stdout();
    assert_eq!(
        out.lines().filter(|l| l.contains("\"signed\"")).count(),
        50,
        "{out}"
    );
    let log = std::fs::read_to_string(&log).expect("spy log");
    let logins = log.lines().filter(|l| l.contains("C_Login")).count();
    assert_eq!(logins, 1, "expected exactly one C_Login for the batch");
    let signs = log.lines().filter(|l| l.contains("C_Sign")).count();
    assert!(
        signs >= 50,
        "expected at least 50 C_Sign calls, saw {signs}"
    );
}

#[test]
fn batch_goes_on_past_bad_files_and_exits_1() {
    let dir = Dir::new("batch-errors");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    std::fs::copy(sample("cong-van.pdf"), inputs.join("a-good.pdf")).expect("copy");
    std::fs::write(inputs.join("b-not-a-pdf.pdf"), b"hello, I am a text file\n").expect("write");
    let good = std::fs::read(sample("quyet-dinh.pdf")).expect("read");
    std::fs::write(inputs.join("c-truncated.pdf"), &good[..good.len() / 2]).expect("write");
    std::fs::copy(sample("quyet-dinh.pdf"), inputs.join("d-good.pdf")).expect("copy");
    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg(&inputs)
        .arg("--out-dir")
        .arg(dir.join("out"));
    KeySource::P12.apply(&mut cmd);
    let out = cmd.assert_code(1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert!(
        errors.iter().any(|l| l.contains("b-not-a-pdf.pdf")),
        "{stdout}"
    );
    assert!(
        errors.iter().any(|l| l.contains("c-truncated.pdf")),
        "{stdout}"
    );
    assert!(dir.join("out/a-good.pdf").exists());
    assert!(dir.join("out/d-good.pdf").exists());
    assert!(!dir.join("out/b-not-a-pdf.pdf").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("out"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".kyso-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn every_truncation_of_a_pdf_gives_an_error_never_a_panic() {
    let dir = Dir::new("truncations");
    let good = std::fs::read(sample("cong-van.pdf")).expect("read");
    let mut cmd_args: Vec<PathBuf> = Vec::new();
    for cut in (0..good.len()).step_by(37) {
        cmd_args.push(dir.create_bytes(&format!("in/cut-{cut:05}.pdf"), &good[..cut]));
    }
    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg(dir.join("in"))
        .arg("--out-dir")
        .arg(dir.join("out"))
        .arg("--json");
    KeySource::P12.apply(&mut cmd);
    let out = cmd.output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "kyso panicked:\n{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        cmd_args.len(),
        "one result line per file:\n{stdout}"
    );
    for line in stdout.lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if value["status"] == "error" {
            let error = value["error"].as_str().expect("error text");
            assert!(!error.contains('\n'), "error is not one line: {error}");
        }
    }
}

#[test]
fn encrypted_input_is_refused_with_a_clear_error() {
    if !require_tool("qpdf") {
        return;
    }
    let dir = Dir::new("encrypted");
    let encrypted = dir.join("encrypted.pdf");
    let status = Command::new("qpdf")
        .args(["--encrypt", "user", "owner", "256", "--"])
        .arg(sample("cong-van.pdf"))
        .arg(&encrypted)
        .status()
        .expect("qpdf");
    assert!(status.success());
    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg(&encrypted)
        .arg("-o")
        .arg(dir.join("out.pdf"));
    KeySource::P12.apply(&mut cmd);
    let out = cmd.assert_code(1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("encrypted.pdf") && stdout.to_lowercase().contains("encrypt"),
        "{stdout}"
    );
    assert!(!dir.join("out.pdf").exists());
}

#[test]
fn existing_output_is_kept_without_force() {
    let dir = Dir::new("no-clobber");
    let output = dir.create_bytes("out.pdf", b"precious");
    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(&output);
    KeySource::P12.apply(&mut cmd);
    let out = cmd.assert_code(1);
    assert!(String::from_utf8_lossy(&out.stdout).contains("already exists"));
    assert_eq!(std::fs::read(&output).expect("read"), b"precious");

    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(&output)
        .arg("--force");
    KeySource::P12.apply(&mut cmd);
    cmd.stdout();
    assert_prefix(&sample("cong-van.pdf"), &output);
}

#[test]
fn output_over_the_input_is_refused_even_with_force() {
    let dir = Dir::new("over-input");
    let input = dir.join("doc.pdf");
    std::fs::copy(sample("cong-van.pdf"), &input).expect("copy");
    let before = std::fs::read(&input).expect("read");
    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .arg("--force");
    KeySource::P12.apply(&mut cmd);
    cmd.assert_code(2);
    assert_eq!(std::fs::read(&input).expect("read"), before);
}

#[test]
fn stdin_to_stdout_signs_a_stream() {
    let dir = Dir::new("stdio");
    let input = std::fs::read(sample("cong-van.pdf")).expect("read");
    let mut cmd = dir.kyso();
    cmd.arg("sign").arg("-").arg("-o").arg("-");
    KeySource::P12.apply(&mut cmd);
    cmd.cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.cmd.spawn().expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&input).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.starts_with(&input));
    assert!(out.stdout.len() > input.len());
    let signed = dir.create_bytes("signed.pdf", &out.stdout);
    if require_peers() {
        assert_eq!(assert_pyhanko_valid(&signed, &pki().root()), 1);
    }
}

#[test]
fn wrong_pin_is_a_clear_error_and_is_not_retried() {
    let dir = Dir::new("wrong-pin");
    let Some(token) = softhsm_token(&dir) else {
        return;
    };
    let out = dir
        .kyso()
        .arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(dir.join("out.pdf"))
        .arg("--pkcs11")
        .arg(&token.module)
        .env("SOFTHSM2_CONF", &token.conf)
        .args(["--key-label", "rsa2048", "--pin-env", "KYSO_TEST_PIN"])
        .env("KYSO_TEST_PIN", "0000")
        .assert_code(2);
    let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(stderr.contains("pin"), "{stderr}");
    assert!(!dir.join("out.pdf").exists());
}

#[test]
fn xml_documents_are_recognised_by_content_and_signed_for_xmlsec1() {
    if !require_tool("xmlsec1") {
        return;
    }
    let dir = Dir::new("xml");
    // No .xml extension: the format is recognised from the content.
    let input = dir.create_bytes(
        "cong-van.data",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VanBan><TrichYeu>Về việc triển khai chữ ký số</TrichYeu></VanBan>\n".as_bytes(),
    );
    for (name, extra) in [
        ("enveloped", &[][..]),
        ("xades", &["--xades"][..]),
        ("enveloping", &["--enveloping"][..]),
    ] {
        let output = dir.join(&format!("{name}.xml"));
        kyso_sign(&dir, &KeySource::P12, &input, &output, extra);
        let out = Command::new("xmlsec1")
            .args([
                "--verify",
                "--enabled-reference-uris",
                "empty,same-doc",
                "--trusted-pem",
            ])
            .arg(pki().root())
            .arg("--untrusted-pem")
            .arg(pki().path("intermediate.pem"))
            .arg(&output)
            .output()
            .expect("xmlsec1");
        assert!(
            out.status.success(),
            "xmlsec1 rejects kyso's {name} signature: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The twin: a changed word breaks it.
        let tampered = std::fs::read_to_string(&output)
            .expect("read")
            .replace("chữ ký số", "chữ ký tay");
        let tampered_path = dir.create_bytes(&format!("{name}-tampered.xml"), tampered.as_bytes());
        let out = Command::new("xmlsec1")
            .args([
                "--verify",
                "--enabled-reference-uris",
                "empty,same-doc",
                "--trusted-pem",
            ])
            .arg(pki().root())
            .arg("--untrusted-pem")
            .arg(pki().path("intermediate.pem"))
            .arg(&tampered_path)
            .output()
            .expect("xmlsec1");
        assert!(
            !out.status.success(),
            "xmlsec1 accepts a tampered {name} document"
        );
    }
}

#[test]
fn a_file_that_is_neither_pdf_nor_xml_is_refused_by_name() {
    let dir = Dir::new("unknown-format");
    let input = dir.create_bytes("notes.txt", b"just text\n");
    let mut cmd = dir.kyso();
    cmd.arg("sign").arg(&input).arg("-o").arg(dir.join("out"));
    KeySource::P12.apply(&mut cmd);
    let out = cmd.assert_code(1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("notes.txt") && stdout.contains("not a PDF or XML"),
        "{stdout}"
    );
}

#[test]
fn an_explicit_key_file_wins_over_the_token_in_the_environment() {
    let dir = Dir::new("env-module");
    let output = dir.join("out.pdf");
    let mut cmd = dir.kyso();
    cmd.env("KYSO_PKCS11_MODULE", "/nonexistent/module.so");
    cmd.arg("sign")
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(&output);
    KeySource::P12.apply(&mut cmd);
    cmd.stdout();
    assert_prefix(&sample("cong-van.pdf"), &output);

    // Without a key file, the environment's module is used (and its absence reported).
    let out = dir
        .kyso()
        .env("KYSO_PKCS11_MODULE", "/nonexistent/module.so")
        .args(["sign", "--pin-env", "X"])
        .arg(sample("cong-van.pdf"))
        .arg("-o")
        .arg(dir.join("out2.pdf"))
        .assert_code(2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/module.so"));
}
