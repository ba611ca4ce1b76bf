//! XML signatures end to end through the `kyso` binary: XAdES B-LT with a real OCSP responder
//! and TSA on loopback (then verified offline), detached signatures over any file, and edXML
//! packages carrying zip archives.

use std::path::Path;
use std::process::Command;

use crate::util::{require_tool, Dir};

use crate::timestamp::tsa_server::{start, ts_config, Behaviour};
use crate::timestamp::LtvWorld;

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The timestamp tests' loopback world (a test PKI whose certificates name an OCSP responder
/// and a CRL server on loopback, and a TSA of that PKI), with XML helpers.
struct World(LtvWorld);

impl std::ops::Deref for World {
    type Target = LtvWorld;
    fn deref(&self) -> &LtvWorld {
        &self.0
    }
}

impl std::ops::DerefMut for World {
    fn deref_mut(&mut self) -> &mut LtvWorld {
        &mut self.0
    }
}

impl World {
    fn new(name: &str) -> Self {
        World(LtvWorld::new(name))
    }

    /// `kyso sign` with this PKI's RSA signer.
    fn sign(&self, args: &[&std::ffi::OsStr]) -> std::process::Output {
        self.dir
            .kyso()
            .arg("sign")
            .args(args)
            .arg("--p12")
            .arg(self.pki("rsa2048.p12"))
            .args(["--pass-env", "KYSO_TEST_PASS"])
            .env("KYSO_TEST_PASS", "kyso")
            .output()
    }

    /// `kyso verify --offline --json` trusting this PKI's root: the report of one file.
    fn verify(&self, file: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
        let out = self
            .dir
            .kyso()
            .args(["verify", "--offline", "--json", "--trust"])
            .arg(self.pki("root.pem"))
            .args(extra)
            .arg(file)
            .output();
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("no JSON report: {}", text(&out)));
        (out.status.code(), report)
    }

    fn xmlsec1_verifies(&self, file: &Path, extra: &[&str]) -> (bool, String) {
        let out = Command::new("xmlsec1")
            .arg("--verify")
            .args(extra)
            .arg("--trusted-pem")
            .arg(self.pki("root.pem"))
            .arg("--untrusted-pem")
            .arg(self.pki("intermediate.pem"))
            .arg(file)
            .output()
            .expect("xmlsec1");
        (out.status.success(), text(&out))
    }
}

fn codes(signature: &serde_json::Value) -> Vec<String> {
    signature["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const DOCUMENT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VanBan><TrichYeu>Về việc lưu trữ dài hạn</TrichYeu></VanBan>\n";

#[test]
fn xades_b_lt_embeds_ocsp_for_both_chains_and_verifies_offline() {
    let mut world = World::new("xml-b-lt");
    let doc = world.dir.create_bytes("doc.xml", DOCUMENT.as_bytes());
    let blt = world.dir.join("b-lt.xml");
    let root_crl = world.pki("root.crl.pem");
    let out = world.sign(&[
        doc.as_os_str(),
        "-o".as_ref(),
        blt.as_os_str(),
        "--xades".as_ref(),
        "--tsa".as_ref(),
        world.tsa.url.as_ref(),
        "--ltv".as_ref(),
        "--ltv-crl".as_ref(),
        root_crl.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // One OCSP request per certificate with a responder: the signer's and the TSA's.
    assert_eq!(world.ocsp_requests(), 2);
    let signed = std::fs::read_to_string(&blt).expect("read");
    let order = [
        "<xades:SignatureTimeStamp>",
        "<xades:CertificateValues>",
        "<xades:RevocationValues>",
        "<xades:CRLValues>",
        "<xades:OCSPValues>",
    ];
    let positions: Vec<Option<usize>> = order.iter().map(|t| signed.find(t)).collect();
    assert!(
        positions.iter().all(Option::is_some) && positions.windows(2).all(|w| w[0] < w[1]),
        "B-LT elements missing or out of order: {positions:?}\n{signed}"
    );
    assert_eq!(signed.matches("<xades:EncapsulatedOCSPValue>").count(), 2);
    if require_tool("xmlsec1") {
        let (ok, shown) = world.xmlsec1_verifies(&blt, &[]);
        assert!(ok, "xmlsec1 rejects kyso's B-LT signature: {shown}");
    }
    if require_tool("xsec-checksig") {
        // Santuario needs to be told that Id attributes are IDs (SignedProperties).
        let out = Command::new("xsec-checksig")
            .args(["--id", "Id"])
            .arg(&blt)
            .output()
            .expect("xsec-checksig");
        assert!(out.status.success(), "xsec-checksig: {}", text(&out));
    }

    // The B-T twin, signed while the responder was still up.
    let bt = world.dir.join("b-t.xml");
    let out = world.sign(&[
        doc.as_os_str(),
        "-o".as_ref(),
        bt.as_os_str(),
        "--xades".as_ref(),
        "--tsa".as_ref(),
        world.tsa.url.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    world.go_offline();
    let (code, report) = world.verify(&blt, &[]);
    let signature = &report["signatures"][0];
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(signature["indication"], "PASSED", "{report:#}");
    assert_eq!(signature["level"], "B-LT", "{report:#}");
    assert!(
        codes(signature).contains(&"validation-time".to_owned()),
        "{report:#}"
    );
    // Times are shown as the PDF verifier shows them: Vietnam time, whole seconds.
    for field in [
        "signing_time",
        "timestamp",
        "certificate_not_before",
        "certificate_not_after",
    ] {
        let shown = signature[field].as_str().unwrap_or_default();
        assert!(
            shown.len() == 25 && shown.ends_with("+07:00") && shown.as_bytes()[10] == b'T',
            "{field} = {shown:?}: {report:#}"
        );
    }
    assert!(
        messages(signature).contains("+07:00") && !messages(signature).contains(":00Z"),
        "{report:#}"
    );

    let (_, report) = world.verify(&bt, &[]);
    assert_eq!(report["signatures"][0]["level"], "B-T", "{report:#}");

    // Values that do not cover the chains are not B-LT: without the OCSP responses the
    // signer's and the TSA's status is unknown offline.
    let start = signed.find("<xades:OCSPValues>").expect("OCSPValues");
    let end = signed.find("</xades:OCSPValues>").expect("end") + "</xades:OCSPValues>".len();
    let stripped = format!("{}{}", &signed[..start], &signed[end..]);
    let stripped = world.dir.create_bytes("stripped.xml", stripped.as_bytes());
    let (_, report) = world.verify(&stripped, &[]);
    let signature = &report["signatures"][0];
    assert_eq!(signature["level"], "B-T", "{report:#}");
    assert!(
        codes(signature).contains(&"validation-data-incomplete".to_owned()),
        "{report:#}"
    );
}

#[test]
fn embedded_ocsp_responses_are_used_offline_a_revoked_signer_is_not_passed() {
    let mut world = World::new("xml-b-lt-revoked");
    // Revoke the signer before signing: the OCSP response kyso embeds says so.
    let cadir = world.pki("ca/intermediate");
    let out = Command::new("openssl")
        .args(["ca", "-config"])
        .arg(world.pki("openssl.cnf"))
        .env("CADIR", &cadir)
        .arg("-revoke")
        .arg(world.pki("rsa2048.pem"))
        .output()
        .expect("openssl ca -revoke");
    assert!(out.status.success(), "{}", text(&out));
    let doc = world.dir.create_bytes("doc.xml", DOCUMENT.as_bytes());
    let blt = world.dir.join("revoked.xml");
    let root_crl = world.pki("root.crl.pem");
    let out = world.sign(&[
        doc.as_os_str(),
        "-o".as_ref(),
        blt.as_os_str(),
        "--tsa".as_ref(),
        world.tsa.url.as_ref(),
        "--ltv".as_ref(),
        "--ltv-crl".as_ref(),
        root_crl.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    world.go_offline();
    let (code, report) = world.verify(&blt, &[]);
    let signature = &report["signatures"][0];
    assert_ne!(code, Some(0), "{report:#}");
    assert_ne!(signature["indication"], "PASSED", "{report:#}");
    assert!(
        codes(signature).iter().any(|c| c.starts_with("chain")),
        "{report:#}"
    );
    assert!(report.to_string().contains("revoked"), "{report:#}");
}

#[test]
fn ltv_for_xml_without_a_tsa_is_refused_and_writes_nothing() {
    let world = World::new("xml-ltv-no-tsa");
    let doc = world.dir.create_bytes("doc.xml", DOCUMENT.as_bytes());
    let out_file = world.dir.join("out.xml");
    let out = world.sign(&[
        doc.as_os_str(),
        "-o".as_ref(),
        out_file.as_os_str(),
        "--ltv".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("needs --tsa"), "{}", text(&out));
    assert!(!out_file.exists());
}

/// `kyso sign` with the shared test PKI's RSA signer, run in `dir`.
fn sign_in(dir: &Dir, args: &[&str]) -> std::process::Output {
    dir.kyso()
        .arg("sign")
        .args(args)
        .arg("--p12")
        .arg(crate::fixtures::pki().path("rsa2048.p12"))
        .args(["--pass-env", "KYSO_TEST_PASS"])
        .env("KYSO_TEST_PASS", "kyso")
        .output()
}

/// `kyso verify --offline --json` of one file in `dir`, trusting the shared test root.
fn verify_in(dir: &Dir, file: &str) -> (Option<i32>, serde_json::Value) {
    let out = dir
        .kyso()
        .args(["verify", "--offline", "--json", "--trust"])
        .arg(crate::fixtures::pki().root())
        .arg(file)
        .output();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON report: {}", text(&out)));
    (out.status.code(), report)
}

/// xmlsec1 verifying `signature` from its own directory: xmlsec1 resolves relative
/// references against the working directory and counts them as "remote" URIs.
fn xmlsec1_detached(signature: &Path) -> (bool, String) {
    let pki = crate::fixtures::pki();
    let out = Command::new("xmlsec1")
        .args([
            "--verify",
            "--enabled-reference-uris",
            "remote",
            "--trusted-pem",
        ])
        .arg(pki.root())
        .arg("--untrusted-pem")
        .arg(pki.path("intermediate.pem"))
        .arg(signature.file_name().expect("name"))
        .current_dir(signature.parent().expect("dir"))
        .output()
        .expect("xmlsec1");
    (out.status.success(), text(&out))
}

#[test]
fn detached_signature_over_a_pdf_references_it_relative_to_the_signature() {
    let dir = Dir::new("xml-detached");
    let pdf = std::fs::read(crate::fixtures::sample("cong-van.pdf")).expect("sample");
    dir.create_bytes("data/công văn.pdf", &pdf);
    std::fs::create_dir_all(dir.join("sigs")).expect("dir");
    let out = sign_in(
        &dir,
        &["--detached", "data/công văn.pdf", "-o", "sigs/cv.sig.xml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signature = std::fs::read_to_string(dir.join("sigs/cv.sig.xml")).expect("read");
    assert!(
        signature.contains("URI=\"../data/c%C3%B4ng%20v%C4%83n.pdf\""),
        "{signature}"
    );

    // The data file sits outside the signature's folder: read only with --allow-external.
    let (code, report) = verify_in(&dir, "sigs/cv.sig.xml");
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(3), "{report:#}");
    assert_eq!(verdict["indication"], "INDETERMINATE", "{report:#}");
    assert!(
        messages(verdict).contains("leads outside the signature's folder")
            && messages(verdict).contains("--allow-external"),
        "{report:#}"
    );
    let allowed = |dir: &Dir| verify_with(dir, "sigs/cv.sig.xml", &["--allow-external"]);
    let (code, report) = allowed(&dir);
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(verdict["indication"], "PASSED", "{report:#}");
    assert!(
        report.to_string().contains("detached content"),
        "coverage does not name the file: {report:#}"
    );
    if require_tool("xmlsec1") {
        let (ok, shown) = xmlsec1_detached(&dir.join("sigs/cv.sig.xml"));
        assert!(ok, "xmlsec1 rejects kyso's detached signature: {shown}");
    }

    // One byte of the referenced file changed: FAILED, for kyso and xmlsec1.
    let mut changed = pdf.clone();
    let last = changed.len() - 2;
    changed[last] ^= 1;
    dir.create_bytes("data/công văn.pdf", &changed);
    let (code, report) = allowed(&dir);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        report["signatures"][0]["indication"], "FAILED",
        "{report:#}"
    );
    assert_eq!(
        report["signatures"][0]["sub_indication"], "HASH_FAILURE",
        "{report:#}"
    );
    if require_tool("xmlsec1") {
        let (ok, shown) = xmlsec1_detached(&dir.join("sigs/cv.sig.xml"));
        assert!(!ok, "xmlsec1 accepts a changed file: {shown}");
    }

    // The referenced file is gone: INDETERMINATE, saying why.
    std::fs::remove_file(dir.join("data/công văn.pdf")).expect("remove");
    let (code, report) = allowed(&dir);
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(3), "{report:#}");
    assert_eq!(verdict["indication"], "INDETERMINATE", "{report:#}");
    assert_eq!(
        verdict["sub_indication"], "SIGNED_DATA_NOT_FOUND",
        "{report:#}"
    );
    assert!(
        codes(verdict).contains(&"external-unavailable".to_owned())
            && report.to_string().contains("does not exist"),
        "{report:#}"
    );
}

/// A file name that is not UTF-8 cannot be written as a Reference URI verify resolves: the
/// detached signature is refused, not written with a mangled name.
#[cfg(unix)]
#[test]
fn a_detached_file_whose_name_is_not_utf8_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new("xml-detached-not-utf8");
    let name = std::ffi::OsStr::from_bytes(b"c\xf4ng-v\xe3n.bin");
    std::fs::write(dir.path().join(name), b"payload").expect("write");
    let out = dir
        .kyso()
        .arg("sign")
        .arg("--detached")
        .arg(name)
        .args(["-o", "out.sig.xml", "--p12"])
        .arg(crate::fixtures::pki().path("rsa2048.p12"))
        .args(["--pass-env", "KYSO_TEST_PASS"])
        .env("KYSO_TEST_PASS", "kyso")
        .output();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("is not UTF-8"), "{}", text(&out));
    assert!(!dir.join("out.sig.xml").exists());
}

#[test]
fn detached_batch_writes_one_signature_beside_each_file_and_refuses_stdin() {
    let dir = Dir::new("xml-detached-batch");
    dir.create_bytes("a.bin", b"\x00\x01binary data, not XML");
    dir.create_bytes("b.txt", "văn bản thuần".as_bytes());
    let out = sign_in(&dir, &["--detached", "a.bin", "--detached", "b.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for (name, signature) in [("a.bin", "a.bin.sig.xml"), ("b.txt", "b.txt.sig.xml")] {
        let xml = std::fs::read_to_string(dir.join(signature)).expect("signature written");
        assert!(xml.contains(&format!("URI=\"{name}\"")), "{xml}");
        let (code, report) = verify_in(&dir, signature);
        assert_eq!(code, Some(0), "{report:#}");
        // Santuario resolves the relative URI with its file resolver (-x), from the
        // signature's directory.
        if require_tool("xsec-checksig") {
            let out = Command::new("xsec-checksig")
                .args(["-x", signature])
                .current_dir(dir.path())
                .output()
                .expect("xsec-checksig");
            assert!(out.status.success(), "xsec-checksig: {}", text(&out));
        }
    }
    // Positional inputs and --detached do not mix; standard input has no name to reference.
    let out = sign_in(&dir, &["--detached", "a.bin", "b.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = sign_in(&dir, &["--detached", "-", "-o", "stdin.sig.xml"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("standard input"), "{}", text(&out));
    assert!(!dir.join("stdin.sig.xml").exists());
}

#[test]
fn kyso_verifies_a_detached_signature_xmlsec1_made() {
    if !require_tool("xmlsec1") {
        return;
    }
    let dir = Dir::new("xml-detached-xmlsec1");
    let pki = crate::fixtures::pki();
    dir.create_bytes("data.bin", b"payload signed by xmlsec1\n");
    let template = dir.create_bytes(
        "template.xml",
        b"<?xml version=\"1.0\"?>\n<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">\
<SignedInfo><CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
<Reference URI=\"data.bin\"><DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
<DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo>\
</Signature>\n",
    );
    let key = format!(
        "{},{},{}",
        pki.path("rsa2048.key.pem").display(),
        pki.path("rsa2048.pem").display(),
        pki.path("intermediate.pem").display()
    );
    let out = Command::new("xmlsec1")
        .args([
            "--sign",
            "--enabled-reference-uris",
            "remote",
            "--privkey-pem",
        ])
        .arg(&key)
        .args(["--output", "data.bin.sig.xml"])
        .arg(&template)
        .current_dir(dir.path())
        .output()
        .expect("xmlsec1 --sign");
    assert!(out.status.success(), "{}", text(&out));
    let (code, report) = verify_in(&dir, "data.bin.sig.xml");
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(
        report["signatures"][0]["indication"], "PASSED",
        "{report:#}"
    );
    // The twin: other content under the same name fails.
    dir.create_bytes("data.bin", b"payload NOT signed by xmlsec1\n");
    let (code, report) = verify_in(&dir, "data.bin.sig.xml");
    assert_eq!(code, Some(1), "{report:#}");
}

/// Builds a zip archive with Python's zipfile (deflated): `entries` are (name in the
/// archive, file to store).
fn zip_with_python(out: &Path, entries: &[(&str, &Path)]) {
    const SCRIPT: &str = "import sys, zipfile; a = sys.argv[2:]; \
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED); \
[z.write(p, n) for n, p in zip(a[::2], a[1::2])]; z.close()";
    let mut cmd = Command::new("python3");
    cmd.args(["-c", SCRIPT]).arg(out);
    for (name, path) in entries {
        cmd.arg(name).arg(path);
    }
    let out = cmd.output().expect("python3");
    assert!(out.status.success(), "{}", text(&out));
}

/// Runs a Python snippet with `args` (hostile archives).
fn python(script: &str, args: &[&Path]) {
    let out = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", text(&out));
}

fn base64_of(path: &Path) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import base64, sys; print(base64.b64encode(open(sys.argv[1], 'rb').read()).decode())",
        ])
        .arg(path)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout)
        .expect("ascii")
        .trim()
        .to_owned()
}

/// A synthetic edXML package (QCVN 102 layout) carrying `attachments` (name, file).
fn edxml_package(attachments: &[(&str, &Path)]) -> String {
    const NS: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<edXML xmlns=\"{NS}\">\
<edXML:edXMLEnvelope xmlns:edXML=\"{NS}\"><edXML:edXMLHeader><edXML:MessageHeader>\
<edXML:From><edXML:OrganId>000.00.00.T00</edXML:OrganId><edXML:OrganName>Sở Thử nghiệm</edXML:OrganName></edXML:From>\
<edXML:Subject>Hồ sơ thử nghiệm kèm tệp nén</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader>\
<edXML:edXMLBody><edXML:edXMLManifest/></edXML:edXMLBody></edXML:edXMLEnvelope><AttachmentEncoded>"
    );
    for (i, (name, path)) in attachments.iter().enumerate() {
        xml.push_str(&format!(
            "<Attachment><ContentId>cid:{i}</ContentId><AttachmentName>{name}</AttachmentName>\
<ContentType>application/zip</ContentType><edXML:ContentTransferEncoded xmlns:edXML=\"{NS}\">{}\
</edXML:ContentTransferEncoded></Attachment>",
            base64_of(path)
        ));
    }
    xml.push_str("</AttachmentEncoded></edXML>\n");
    xml
}

/// (id, indication) of every verdict of a report.
fn lines(report: &serde_json::Value) -> Vec<(String, String)> {
    report["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap_or_default().to_owned(),
                s["indication"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn edxml_zip_attachments_are_opened_in_memory_and_every_layer_verified() {
    if !require_tool("python3") {
        return;
    }
    let dir = Dir::new("xml-edxml-zip");
    let sample = crate::fixtures::sample("cong-van.pdf");
    let signed = |input: &Path, output: &str| {
        let out = sign_in(
            &dir,
            &[
                input.to_str().expect("path"),
                "-o",
                dir.join(output).to_str().expect("path"),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        dir.join(output)
    };
    let pdf = signed(&sample, "cong-van.signed.pdf");
    let xml_doc = dir.create_bytes("to-trinh.xml", DOCUMENT.as_bytes());
    let xml = signed(&xml_doc, "to-trinh.signed.xml");
    // A PDF changed after signing: its own line must fail.
    let mut broken = std::fs::read(&pdf).expect("read");
    let at = broken
        .windows(5)
        .position(|w| w == b"/Type")
        .expect("a key to alter");
    broken[at + 1] ^= 0x20;
    let broken = dir.create_bytes("broken.pdf", &broken);
    // A nested package: a zip holding an edXML whose attachment is a signed PDF.
    let inner_zip = dir.join("inner.zip");
    zip_with_python(&inner_zip, &[("quyet-dinh.pdf", &pdf)]);
    let inner = dir.create_bytes(
        "inner.edxml",
        edxml_package(&[("inner.zip", &inner_zip)]).as_bytes(),
    );
    let outer_zip = dir.join("ho-so.zip");
    zip_with_python(
        &outer_zip,
        &[
            ("cong-van.pdf", &pdf),
            ("to-trinh.xml", &xml),
            ("goi-con.edxml", &inner),
            ("sua-sau-ky.pdf", &broken),
        ],
    );
    let package = dir.create_bytes(
        "ho-so.edxml",
        edxml_package(&[("ho-so.zip", &outer_zip)]).as_bytes(),
    );
    let out = sign_in(
        &dir,
        &[
            "ho-so.edxml",
            "-o",
            "ho-so.signed.edxml",
            "--xml-parent",
            "edXMLHeader",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let _ = package;

    let (code, report) = verify_in(&dir, "ho-so.signed.edxml");
    assert_eq!(report["format"], "edxml", "{report:#}");
    let got = lines(&report);
    let find = |suffix: &str| {
        got.iter()
            .find(|(id, _)| id.starts_with(suffix))
            .map(|(_, ind)| ind.as_str())
    };
    assert_eq!(
        got.first().map(|l| l.1.as_str()),
        Some("PASSED"),
        "{report:#}"
    );
    assert_eq!(
        find("attachment[ho-so.zip]/entry[cong-van.pdf]/"),
        Some("PASSED"),
        "{report:#}"
    );
    assert_eq!(
        find("attachment[ho-so.zip]/entry[to-trinh.xml]/"),
        Some("PASSED"),
        "{report:#}"
    );
    assert_eq!(
        find("attachment[ho-so.zip]/entry[goi-con.edxml]/attachment[inner.zip]/entry[quyet-dinh.pdf]/"),
        Some("PASSED"),
        "{report:#}"
    );
    assert_eq!(
        find("attachment[ho-so.zip]/entry[sua-sau-ky.pdf]/"),
        Some("FAILED"),
        "{report:#}"
    );
    assert_eq!(code, Some(1), "one layer failed: {report:#}");
    // The inner package is unsigned: said on the package's line, not passed over.
    assert!(
        report
            .to_string()
            .contains("entry[goi-con.edxml] carries no signature"),
        "{report:#}"
    );
}

#[test]
fn hostile_zip_attachments_are_refused_and_reported_without_a_panic() {
    if !require_tool("python3") {
        return;
    }
    let dir = Dir::new("xml-edxml-hostile-zip");
    let bomb = dir.join("bomb.zip");
    python(
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED); \
z.writestr('zeros.pdf', b'%PDF-1.7\\n' + bytes(64 << 20)); z.close()",
        &[&bomb],
    );
    let many = dir.join("many.zip");
    python(
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED); \
[z.writestr(f'f{i}.txt', b'x') for i in range(5000)]; z.close()",
        &[&many],
    );
    let slip = dir.join("slip.zip");
    python(
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w'); \
z.writestr('../../../tmp/evil.xml', b'<a/>'); z.close()",
        &[&slip],
    );
    assert!(std::fs::metadata(&bomb).expect("bomb").len() < 1 << 20);
    dir.create_bytes(
        "hostile.edxml",
        edxml_package(&[
            ("bomb.zip", &bomb),
            ("many.zip", &many),
            ("slip.zip", &slip),
        ])
        .as_bytes(),
    );
    let out = sign_in(&dir, &["hostile.edxml", "-o", "hostile.signed.edxml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (code, report) = verify_in(&dir, "hostile.signed.edxml");
    let error = report["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("attachment[bomb.zip]/entry[zeros.pdf]") && error.contains("zip bomb"),
        "{report:#}"
    );
    assert!(
        error.contains("attachment[many.zip]: zip archive refused: 5000 entries"),
        "{report:#}"
    );
    assert!(
        error.contains("is unsafe (parent-directory step)"),
        "{report:#}"
    );
    // The package's own signature is still judged, and the run reports an error, not a crash.
    assert_eq!(
        lines(&report).first().map(|l| l.1.as_str()),
        Some("PASSED"),
        "{report:#}"
    );
    assert_eq!(code, Some(1), "{report:#}");
    assert!(!Path::new("/tmp/evil.xml").exists());
}

/// A package whose one attachment is `zip` (unsigned: the archives are what is tested).
fn package_of(dir: &Dir, name: &str, zip: &Path) {
    dir.create_bytes(name, edxml_package(&[("outer.zip", zip)]).as_bytes());
}

#[test]
fn nested_zips_share_one_budget_for_the_whole_package() {
    if !require_tool("python3") {
        return;
    }
    let dir = Dir::new("xml-edxml-zip-budget");
    // Three copies of an archive inflating to 100 MiB (a ratio of about 37, under the limit
    // of 100), in an outer archive: each archive alone is under the 256 MiB limit, together
    // they are not.
    let outer = dir.join("outer.zip");
    python(
        "import os, sys, zipfile; \
t = bytes((i + 1) if i < 3 else 0 for i in range(256)); \
data = os.urandom(100 << 20).translate(t); \
z = zipfile.ZipFile(sys.argv[1] + '.inner', 'w', zipfile.ZIP_DEFLATED); \
z.writestr('data.bin', data); z.close(); \
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_STORED); \
[z.write(sys.argv[1] + '.inner', n) for n in ('a.zip', 'b.zip', 'c.zip')]; z.close()",
        &[&outer],
    );
    assert!(std::fs::metadata(&outer).expect("outer").len() < 16 << 20);
    package_of(&dir, "bytes.edxml", &outer);
    // Three archives of 400 entries each (1,203 in all, above the limit of 1,000).
    let many = dir.join("many.zip");
    python(
        "import io, sys, zipfile; \
b = io.BytesIO(); z = zipfile.ZipFile(b, 'w'); \
[z.writestr(f'f{i}.txt', b'x') for i in range(400)]; z.close(); \
z = zipfile.ZipFile(sys.argv[1], 'w'); \
[z.writestr(n, b.getvalue()) for n in ('a.zip', 'b.zip', 'c.zip')]; z.close()",
        &[&many],
    );
    package_of(&dir, "entries.edxml", &many);

    for (file, refused) in [
        (
            "bytes.edxml",
            "attachment[outer.zip]/entry[c.zip]: zip archive refused: the archives' entries \
             decompress to more than 268435456 bytes in all (refused as a possible zip bomb)",
        ),
        (
            "entries.edxml",
            "attachment[outer.zip]/entry[c.zip]: zip archive refused: 400 entries, but only 197 \
             of the limit of 1000 entries in all archives are left (refused as a possible zip \
             bomb)",
        ),
    ] {
        let started = std::time::Instant::now();
        let (code, report) = verify_with(&dir, file, &[]);
        let elapsed = started.elapsed();
        let error = report["error"].as_str().unwrap_or_default();
        assert_eq!(code, Some(1), "{file}: {report:#}");
        // Only the archive past the budget is refused; the ones before were read.
        assert_eq!(error, refused, "{file}: {report:#}");
        assert!(
            elapsed < std::time::Duration::from_secs(60),
            "{file} took {elapsed:?}"
        );
    }
}

/// A detached signature made with kyso-xml and the shared test PKI's RSA signer over
/// `content`, its Reference URI written as `uri` (a URL, an absolute path or a file: URI).
fn detached_signature_naming(uri: &str, content: &[u8]) -> Vec<u8> {
    use kyso_keys::Signer;
    let der = std::fs::read(crate::fixtures::pki().path("rsa2048.p12")).expect("p12");
    let signer = kyso_keys::FileSigner::from_pkcs12(&der, &secrecy::SecretString::from("kyso"))
        .expect("test signer");
    let mut options = kyso_xml::dsig::SignOptions::enveloped(signer.default_algorithm());
    options.placement = kyso_xml::dsig::Placement::Detached {
        uri: uri.to_owned(),
    };
    kyso_xml::dsig::sign_document(content, &signer, &options).expect("sign")
}

/// `kyso verify --offline --json [extra…] FILE` in `dir`, trusting the shared test root.
fn verify_with(dir: &Dir, file: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = dir
        .kyso()
        .args(["verify", "--offline", "--json", "--trust"])
        .arg(crate::fixtures::pki().root())
        .args(extra)
        .arg(file)
        .output();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON report: {}", text(&out)));
    (out.status.code(), report)
}

/// The reasons' messages of a verdict, joined.
fn messages(signature: &serde_json::Value) -> String {
    signature["reasons"]
        .as_array()
        .map(|reasons| {
            reasons
                .iter()
                .filter_map(|r| r["message"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// A one-connection HTTP server on loopback that answers any request with `answer`; the
/// thread ends after that connection or after 30 s without one.
fn answer_once(answer: &'static [u8]) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("address").port();
    listener.set_nonblocking(true).expect("nonblocking");
    let thread = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(30) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                    let mut request = [0u8; 4096];
                    let _ = stream.read(&mut request);
                    let _ = stream.write_all(answer);
                    return;
                }
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    });
    (format!("http://127.0.0.1:{port}/doc.xml"), thread)
}

#[test]
fn external_references_are_fetched_only_with_allow_external() {
    let dir = Dir::new("xml-allow-external");
    let served = Dir::new("xml-allow-external-served");
    let document =
        "<?xml version=\"1.0\"?>\n<CongVan so=\"12/UBND\">Văn bản gửi qua mạng</CongVan>\n";
    served.create_bytes("doc.xml", document.as_bytes());
    let server = start(
        served.path(),
        &served.join("unused.cnf"),
        Behaviour::Files(served.path().to_path_buf()),
    );
    let url = server.url.replace("/tsa", "/doc.xml");
    dir.create_bytes(
        "url.sig.xml",
        &detached_signature_naming(&url, document.as_bytes()),
    );

    // Without the flag: nothing is fetched, and the reason names the flag.
    let (code, report) = verify_with(&dir, "url.sig.xml", &[]);
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(3), "{report:#}");
    assert_eq!(verdict["indication"], "INDETERMINATE", "{report:#}");
    assert_eq!(
        verdict["sub_indication"], "SIGNED_DATA_NOT_FOUND",
        "{report:#}"
    );
    assert!(messages(verdict).contains("--allow-external"), "{report:#}");
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "fetched without --allow-external"
    );

    // With it: fetched, PASSED, and the coverage names the URL.
    let (code, report) = verify_with(&dir, "url.sig.xml", &["--allow-external"]);
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(verdict["indication"], "PASSED", "{report:#}");
    assert!(
        verdict["coverage"].to_string().contains(&url),
        "coverage does not name {url}: {report:#}"
    );
    assert!(server.requests.load(std::sync::atomic::Ordering::SeqCst) >= 1);

    // The server now serves other content under that URL: FAILED.
    served.create_bytes("doc.xml", document.replace("12/UBND", "13/UBND").as_bytes());
    let (code, report) = verify_with(&dir, "url.sig.xml", &["--allow-external"]);
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(verdict["indication"], "FAILED", "{report:#}");
    assert_eq!(verdict["sub_indication"], "HASH_FAILURE", "{report:#}");

    // Gone (404): INDETERMINATE with the status.
    std::fs::remove_file(served.join("doc.xml")).expect("remove");
    let (code, report) = verify_with(&dir, "url.sig.xml", &["--allow-external"]);
    let verdict = &report["signatures"][0];
    assert_eq!(code, Some(3), "{report:#}");
    assert!(messages(verdict).contains("HTTP 404"), "{report:#}");
}

#[test]
fn a_closed_or_silent_server_or_a_redirect_elsewhere_is_indeterminate_without_hanging() {
    let dir = Dir::new("xml-allow-external-down");
    let document = b"<doc>payload</doc>";

    // Nothing listens on the port.
    let closed = crate::timestamp::tsa_server::down_url().replace("/tsa", "/doc.xml");
    dir.create_bytes(
        "closed.sig.xml",
        &detached_signature_naming(&closed, document),
    );
    // A server that accepts the connection (the kernel does) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let silent_url = format!(
        "http://127.0.0.1:{}/doc.xml",
        silent.local_addr().expect("address").port()
    );
    dir.create_bytes(
        "silent.sig.xml",
        &detached_signature_naming(&silent_url, document),
    );
    for (file, url) in [("closed.sig.xml", &closed), ("silent.sig.xml", &silent_url)] {
        let started = std::time::Instant::now();
        let (code, report) = verify_with(&dir, file, &["--allow-external"]);
        let elapsed = started.elapsed();
        let verdict = &report["signatures"][0];
        assert_eq!(code, Some(3), "{file}: {report:#}");
        assert_eq!(verdict["indication"], "INDETERMINATE", "{report:#}");
        assert_eq!(
            verdict["sub_indication"], "SIGNED_DATA_NOT_FOUND",
            "{report:#}"
        );
        assert!(
            messages(verdict).contains(&format!("cannot fetch {url}")),
            "{report:#}"
        );
        assert!(
            elapsed < std::time::Duration::from_secs(30),
            "{file} took {elapsed:?}"
        );
    }
    drop(silent);

    // A redirect to another scheme is not followed.
    let (redirecting, server) = answer_once(
        b"HTTP/1.1 302 Found\r\nLocation: file:///etc/hostname\r\nContent-Length: 0\r\n\
Connection: close\r\n\r\n",
    );
    dir.create_bytes(
        "redirect.sig.xml",
        &detached_signature_naming(&redirecting, document),
    );
    let (code, report) = verify_with(&dir, "redirect.sig.xml", &["--allow-external"]);
    let _ = server.join();
    assert_eq!(code, Some(3), "{report:#}");
    assert!(
        messages(&report["signatures"][0]).contains("redirects to \"file:///etc/hostname\""),
        "{report:#}"
    );
}

#[test]
fn relative_references_leading_out_of_the_signature_folder_need_allow_external() {
    let dir = Dir::new("xml-reference-escape");
    let content = "tệp ngoài thư mục chữ ký".as_bytes();
    let outside = dir.create_bytes("private/data.txt", content);
    dir.create_bytes("sigs/inside.txt", content);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join("sigs/link.txt")).expect("symlink");
    // `..` steps, the same percent-encoded, and (on Unix) a link in the folder pointing out.
    let mut escapes = vec![
        ("dots.sig.xml", "../private/data.txt"),
        ("encoded.sig.xml", "..%2Fprivate%2Fdata.txt"),
        ("deep.sig.xml", "%2e%2e/%2E%2E/%2e%2e/../../../../../../.."),
    ];
    if cfg!(unix) {
        escapes.push(("link.sig.xml", "link.txt"));
    }
    for (name, uri) in &escapes {
        dir.create_bytes(
            &format!("sigs/{name}"),
            &detached_signature_naming(uri, content),
        );
        let file = format!("sigs/{name}");
        let (code, report) = verify_with(&dir, &file, &[]);
        let verdict = &report["signatures"][0];
        assert_eq!(code, Some(3), "{uri}: {report:#}");
        assert_eq!(verdict["indication"], "INDETERMINATE", "{uri}: {report:#}");
        assert_eq!(
            verdict["sub_indication"], "SIGNED_DATA_NOT_FOUND",
            "{uri}: {report:#}"
        );
        assert!(
            messages(verdict).contains("leads outside the signature's folder")
                && messages(verdict).contains("--allow-external"),
            "{uri}: {report:#}"
        );
        if *name == "deep.sig.xml" {
            // Names a folder (the root): not read even with the flag.
            continue;
        }
        let (code, report) = verify_with(&dir, &file, &["--allow-external"]);
        assert_eq!(code, Some(0), "{uri}: {report:#}");
        assert_eq!(
            report["signatures"][0]["indication"], "PASSED",
            "{uri}: {report:#}"
        );
    }
    // A file inside the folder needs no flag.
    dir.create_bytes(
        "sigs/inside.sig.xml",
        &detached_signature_naming("inside.txt", content),
    );
    let (code, report) = verify_with(&dir, "sigs/inside.sig.xml", &[]);
    assert_eq!(code, Some(0), "{report:#}");
}

#[test]
fn absolute_paths_and_file_uris_are_read_only_with_allow_external() {
    let dir = Dir::new("xml-allow-external-files");
    let elsewhere = Dir::new("xml-allow-external-elsewhere");
    let content = "tệp ở thư mục khác".as_bytes();
    let target = elsewhere.create_bytes("data.txt", content);
    let absolute = target.to_str().expect("UTF-8 temp path").to_owned();
    let file_uri = format!("file://{absolute}");
    for (name, uri) in [("abs.sig.xml", &absolute), ("uri.sig.xml", &file_uri)] {
        dir.create_bytes(name, &detached_signature_naming(uri, content));
        let (code, report) = verify_with(&dir, name, &[]);
        assert_eq!(code, Some(3), "{name}: {report:#}");
        assert!(
            messages(&report["signatures"][0]).contains("--allow-external"),
            "{report:#}"
        );
        let (code, report) = verify_with(&dir, name, &["--allow-external"]);
        assert_eq!(code, Some(0), "{name}: {report:#}");
        assert_eq!(
            report["signatures"][0]["indication"], "PASSED",
            "{report:#}"
        );
    }
}

#[test]
fn a_detached_reference_out_of_the_signature_folder_is_warned_about_when_signing() {
    let dir = Dir::new("xml-detached-outside-warning");
    dir.create_bytes("data/hop-dong.pdf", b"%PDF-1.7 not really");
    std::fs::create_dir_all(dir.join("sigs")).expect("dir");
    let out = sign_in(
        &dir,
        &["--detached", "data/hop-dong.pdf", "-o", "sigs/en.sig.xml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("--allow-external"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("warning:") && warnings[0].contains("../data/hop-dong.pdf"),
        "{stderr}"
    );
    // The signature is still written, and verifies with the flag the warning names.
    let (code, _) = verify_with(&dir, "sigs/en.sig.xml", &["--allow-external"]);
    assert_eq!(code, Some(0));

    let out = dir
        .kyso()
        .args(["--lang", "vi", "sign", "--detached", "data/hop-dong.pdf"])
        .args(["-o", "sigs/vi.sig.xml", "--p12"])
        .arg(crate::fixtures::pki().path("rsa2048.p12"))
        .args(["--pass-env", "KYSO_TEST_PASS"])
        .env("KYSO_TEST_PASS", "kyso")
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("cảnh báo:")
            && l.contains("../data/hop-dong.pdf")
            && l.contains("--allow-external")),
        "{stderr}"
    );

    // Beside the signature, or below its folder: no warning.
    for (file, signature) in [
        ("data/hop-dong.pdf", "data/hop-dong.sig.xml"),
        ("data/hop-dong.pdf", "hop-dong.sig.xml"),
    ] {
        let out = sign_in(&dir, &["--detached", file, "-o", signature]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(!text(&out).contains("--allow-external"), "{}", text(&out));
    }
}

/// `kyso --lang vi verify --offline` (the table) of one file in `dir`, trusting the shared
/// test root: the reason lines.
fn vietnamese_reasons(dir: &Dir, file: &str) -> Vec<String> {
    let out = dir
        .kyso()
        .args(["--lang", "vi", "verify", "--offline", "--trust"])
        .arg(crate::fixtures::pki().root())
        .arg(file)
        .output();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("    - "))
        .map(str::to_owned)
        .collect()
}

/// Pieces of kyso's English reason texts (checked case-sensitively: `SignatureValue` and
/// `SignedInfo` are XML names, the same in both languages).
const ENGLISH: &[&str] = &[
    "the ",
    "The ",
    "does not",
    " not ",
    "reference ",
    "unsupported",
    "validated",
    "digest",
    "carries",
    "signature",
    "package",
    "time-stamp",
    " is ",
    " are ",
    " with ",
    " by ",
    "(English)",
];

fn assert_vietnamese(lines: &[String], wanted: &[&str]) {
    assert!(!lines.is_empty(), "no reason lines");
    for line in lines {
        let english: Vec<&&str> = ENGLISH.iter().filter(|e| line.contains(**e)).collect();
        assert!(
            english.is_empty(),
            "English {english:?} left in {line:?}\n{lines:#?}"
        );
    }
    for want in wanted {
        assert!(
            lines.iter().any(|l| l.contains(want)),
            "no reason line holds {want:?}: {lines:#?}"
        );
    }
}

/// The reasons' messages of every verdict, for `--lang en` and `--lang vi` (JSON).
fn json_messages(dir: &Dir, file: &str, lang: &str) -> Vec<String> {
    let out = dir
        .kyso()
        .args(["--lang", lang, "verify", "--offline", "--json", "--trust"])
        .arg(crate::fixtures::pki().root())
        .arg(file)
        .output();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON report: {}", text(&out)));
    report["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .map(messages)
        .collect()
}

#[test]
fn xml_reasons_are_vietnamese_sentences_in_the_vietnamese_table_and_english_in_json() {
    let dir = Dir::new("xml-reasons-vi");
    let pki = crate::fixtures::pki();
    let work = dir.join("tsa-work");
    std::fs::create_dir_all(&work).expect("dir");
    let config = ts_config(
        &work,
        &pki.path("tsa.pem"),
        &pki.path("tsa.key.pem"),
        &pki.chain(),
    );
    let tsa = start(&work, &config, Behaviour::Reply("plain"));

    // XAdES B-T over a document changed after signing.
    dir.create_bytes("to-trinh.xml", DOCUMENT.as_bytes());
    let out = sign_in(
        &dir,
        &[
            "to-trinh.xml",
            "-o",
            "b-t.xml",
            "--xades",
            "--tsa",
            tsa.url.as_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signed = std::fs::read_to_string(dir.join("b-t.xml")).expect("read");
    assert!(signed.contains("SignatureTimeStamp"), "{signed}");
    dir.create_bytes(
        "b-t.xml",
        signed
            .replace("lưu trữ dài hạn", "lưu trữ có thời hạn")
            .as_bytes(),
    );
    let (_, report) = verify_in(&dir, "b-t.xml");
    let verdict = &report["signatures"][0];
    assert_eq!(verdict["indication"], "FAILED", "{report:#}");
    assert_eq!(verdict["level"], "B-T", "{report:#}");
    let lines = vietnamese_reasons(&dir, "b-t.xml");
    assert_vietnamese(
        &lines,
        &[
            "giá trị băm của tham chiếu \"\" không khớp: nội dung đã bị sửa sau khi ký",
            "kiểm tra tại thời điểm do dấu thời gian của chữ ký chứng minh, 20",
            "+07:00",
        ],
    );
    let english = json_messages(&dir, "b-t.xml", "en");
    assert!(
        english[0].contains("reference \"\": digest does not match")
            && english[0].contains("validated at the time proven by the signature time-stamp, "),
        "{english:#?}"
    );
    assert_eq!(json_messages(&dir, "b-t.xml", "vi"), english);

    // A reference with an XSLT transform, which kyso does not implement.
    dir.create_bytes("van-ban.xml", DOCUMENT.as_bytes());
    let out = sign_in(&dir, &["van-ban.xml", "-o", "plain.xml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signed = std::fs::read_to_string(dir.join("plain.xml")).expect("read");
    let (open, transform) = if signed.contains("<ds:Transforms>") {
        (
            "<ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>",
        )
    } else {
        (
            "<Transforms>",
            "<Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>",
        )
    };
    assert!(signed.contains(open), "{signed}");
    dir.create_bytes(
        "xslt.xml",
        signed
            .replacen(open, &format!("{open}{transform}"), 1)
            .as_bytes(),
    );
    let (_, report) = verify_in(&dir, "xslt.xml");
    assert!(
        codes(&report["signatures"][0]).contains(&"unsupported-transform".to_owned()),
        "{report:#}"
    );
    let lines = vietnamese_reasons(&dir, "xslt.xml");
    assert_vietnamese(
        &lines,
        &[
            "tham chiếu \"\" dùng XSLT (http://www.w3.org/TR/1999/REC-xslt-19991116) mà kyso không hỗ trợ",
            "SignatureValue không khớp với khóa nào được cung cấp",
        ],
    );
    let english = json_messages(&dir, "xslt.xml", "en");
    assert!(
        english[0].contains(
            "unsupported: XSLT (http://www.w3.org/TR/1999/REC-xslt-19991116) in reference \"\""
        ),
        "{english:#?}"
    );
    assert_eq!(json_messages(&dir, "xslt.xml", "vi"), english);

    // An edXML package whose attachment changed after signing, carrying an unsigned PDF.
    if !require_tool("python3") {
        return;
    }
    let note = dir.create_bytes("ghi-chu.txt", b"noi dung goc\n");
    let package = edxml_package(&[
        ("cong-van.pdf", &crate::fixtures::sample("cong-van.pdf")),
        ("ghi-chu.txt", &note),
    ]);
    dir.create_bytes("goi-tin.edxml", package.as_bytes());
    let out = sign_in(
        &dir,
        &[
            "goi-tin.edxml",
            "-o",
            "goi-tin.signed.edxml",
            "--xml-parent",
            "edXMLHeader",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signed = std::fs::read_to_string(dir.join("goi-tin.signed.edxml")).expect("read");
    let original = base64_of(&note);
    let changed = base64_of(&dir.create_bytes("sua.txt", b"noi dung sua\n"));
    assert!(signed.contains(&original), "{signed}");
    dir.create_bytes(
        "goi-tin.signed.edxml",
        signed.replace(&original, &changed).as_bytes(),
    );
    let (_, report) = verify_in(&dir, "goi-tin.signed.edxml");
    assert_eq!(
        report["signatures"][0]["indication"], "FAILED",
        "{report:#}"
    );
    let lines = vietnamese_reasons(&dir, "goi-tin.signed.edxml");
    assert_vietnamese(
        &lines,
        &[
            "giá trị băm của tham chiếu \"\" không khớp",
            "attachment[cong-van.pdf] không mang chữ ký nào",
        ],
    );
    let english = json_messages(&dir, "goi-tin.signed.edxml", "en");
    assert!(
        english[0].contains("attachment[cong-van.pdf] carries no signature"),
        "{english:#?}"
    );
    assert_eq!(json_messages(&dir, "goi-tin.signed.edxml", "vi"), english);
}
