//! Signing with kyso and verifying with kyso and xmlsec1, and the reverse.

mod corpus;

use corpus::chain::TestTrust;
use corpus::pki::Pki;
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};
use kyso_verdict::{Indication, Level};
use kyso_xml::c14n::{C14nAlgorithm, C14nMode};
use kyso_xml::dsig::{
    embed_signature_timestamp, sign_document, signature_timestamp_input, verify_document,
    DigestAlgorithm, Placement, SignOptions, SignaturePolicy, TimestampOutcome, TimestampValidator,
    ValidationTime, VerifyOptions, XadesOptions, XmlSignatureReport,
};
use kyso_xml::ParseLimits;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DOCUMENT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<vb:VanBan xmlns:vb=\"urn:example:vanban\" xmlns:x=\"urn:example:unused\">\n  \
<vb:TrichYeu>Về việc triển khai chữ ký số</vb:TrichYeu>\n  \
<vb:NoiDung lang=\"vi\">Nội dung NFD: Vie\u{323}\u{302}t Nam</vb:NoiDung>\n  \
<!-- ghi chú -->\n</vb:VanBan>\n";

fn trust(pki: &Pki) -> TestTrust {
    TestTrust {
        trusted: vec![openssl::x509::X509::from_der(&pki.root_der()).expect("root")],
        ..TestTrust::default()
    }
}

fn kyso_verify(pki: &Pki, xml: &[u8], detached: Option<(&str, &[u8])>) -> Vec<XmlSignatureReport> {
    let trust = trust(pki);
    let options = VerifyOptions {
        limits: ParseLimits::default(),
        validation_time: ValidationTime::Fixed(SystemTime::now()),
        chain_validator: &trust,
        certificate_pool: &[],
        accept_misspelled_exc_c14n: false,
        detached,
        external: None,
        timestamp_validator: None,
    };
    verify_document(xml, &options).expect("document parses")
}

/// Whether an interop tool is installed. Outside CI a missing tool skips the interop half of
/// a test; in CI (`CI=true`) it is a failure (`.ci` installs xmlsec1 and
/// xml-security-c-utils).
fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().is_ok();
    assert!(
        found || std::env::var("CI").map_or(true, |v| v != "true"),
        "{name} is not installed in CI"
    );
    found
}

/// Santuario C++ `xsec-checksig` (no chain validation: it checks the signature with the key
/// in KeyInfo). `None` when the tool is not installed.
fn santuario_verify(pki: &Pki, xml: &[u8], extra: &[&str]) -> Option<bool> {
    if !tool("xsec-checksig") {
        return None;
    }
    let file = pki.path("to-check.xml");
    std::fs::write(&file, xml).expect("write");
    let out = Command::new("xsec-checksig")
        .args(extra)
        .arg(&file)
        .current_dir(pki.dir.path())
        .output()
        .expect("xsec-checksig runs");
    Some(out.status.success())
}

fn xmlsec_verify(pki: &Pki, xml: &[u8], extra: &[&str]) -> bool {
    let file = pki.path("to-verify.xml");
    std::fs::write(&file, xml).expect("write");
    let root = pki.path("root.pem");
    let out = Command::new("xmlsec1")
        .arg("--verify")
        .arg("--trusted-pem")
        .arg(&root)
        .args(extra)
        .arg(&file)
        .current_dir(pki.dir.path())
        .output()
        .expect("xmlsec1 runs");
    out.status.success()
}

fn options(algorithm: SignatureAlgorithm, placement: Placement) -> SignOptions {
    SignOptions {
        placement,
        ..SignOptions::enveloped(algorithm)
    }
}

fn tamper(xml: &[u8]) -> Vec<u8> {
    String::from_utf8(xml.to_vec())
        .expect("utf-8")
        .replacen("triển khai", "trien khai", 1)
        .into_bytes()
}

#[test]
fn enveloped_signatures_verify_in_kyso_and_xmlsec1_and_tampering_breaks_both() {
    let pki = Pki::new();
    let cases = [
        (
            "rsa",
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        ),
        (
            "rsa",
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha384),
        ),
        (
            "rsa",
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha512),
        ),
        ("p256", SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256)),
        ("p384", SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384)),
    ];
    for (key, algorithm) in cases {
        let signer = pki.signer(key);
        let signed = sign_document(
            DOCUMENT.as_bytes(),
            &signer,
            &options(algorithm, Placement::Enveloped { parent: None }),
        )
        .expect("signs");
        let reports = kyso_verify(&pki, &signed, None);
        assert_eq!(reports.len(), 1);
        assert_eq!(
            reports[0].verdict.indication,
            Indication::Passed,
            "{algorithm:?}: {:?}",
            reports[0].verdict.reasons
        );
        assert!(
            xmlsec_verify(&pki, &signed, &[]),
            "xmlsec1 rejects {algorithm:?}"
        );

        let tampered = tamper(&signed);
        assert_eq!(
            kyso_verify(&pki, &tampered, None)[0].verdict.indication,
            Indication::Failed
        );
        assert!(
            !xmlsec_verify(&pki, &tampered, &[]),
            "xmlsec1 accepts tampering"
        );
    }
}

#[test]
fn inclusive_c14n_signature_under_a_chosen_parent_verifies_and_names_the_document() {
    let pki = Pki::new();
    let signer = pki.signer("rsa");
    let mut opts = options(
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        Placement::Enveloped {
            parent: Some("NoiDung".to_owned()),
        },
    );
    opts.c14n = C14nMode {
        algorithm: C14nAlgorithm::Inclusive10,
        with_comments: false,
    };
    let signed = sign_document(DOCUMENT.as_bytes(), &signer, &opts).expect("signs");
    let text = String::from_utf8(signed.clone()).expect("utf-8");
    assert!(text.contains("</ds:Signature></vb:NoiDung>"));
    // A parent that does not exist is an error, not a silent fallback to the root.
    opts.placement = Placement::Enveloped {
        parent: Some("#missing".to_owned()),
    };
    assert!(sign_document(DOCUMENT.as_bytes(), &signer, &opts).is_err());
    let report = &kyso_verify(&pki, &signed, None)[0];
    assert_eq!(report.verdict.indication, Indication::Passed);
    assert_eq!(
        report.verdict.coverage,
        kyso_verdict::Coverage::Nodes(vec![
            "document (/vb:VanBan) without its enveloped Signature".to_owned()
        ])
    );
    assert!(xmlsec_verify(&pki, &signed, &[]));
    assert!(!xmlsec_verify(&pki, &tamper(&signed), &[]));
}

#[test]
fn rsa_pss_signatures_verify_in_kyso_and_fail_when_tampered() {
    // xmlsec1 1.2.37 (Debian 12) has no RSA-PSS: kyso checks itself only here.
    let pki = Pki::new();
    let signer = pki.signer("rsa");
    for h in [HashAlgorithm::Sha256, HashAlgorithm::Sha512] {
        let signed = sign_document(
            DOCUMENT.as_bytes(),
            &signer,
            &options(
                SignatureAlgorithm::RsaPss(h),
                Placement::Enveloped { parent: None },
            ),
        )
        .expect("signs");
        assert_eq!(
            kyso_verify(&pki, &signed, None)[0].verdict.indication,
            Indication::Passed
        );
        assert_eq!(
            kyso_verify(&pki, &tamper(&signed), None)[0]
                .verdict
                .indication,
            Indication::Failed
        );
    }
}

#[test]
fn enveloping_signature_verifies_in_kyso_and_xmlsec1() {
    let pki = Pki::new();
    let signer = pki.signer("p256");
    let signed = sign_document(
        DOCUMENT.as_bytes(),
        &signer,
        &options(
            SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256),
            Placement::Enveloping,
        ),
    )
    .expect("signs");
    let report = &kyso_verify(&pki, &signed, None)[0];
    assert_eq!(
        report.verdict.indication,
        Indication::Passed,
        "{:?}",
        report.verdict.reasons
    );
    assert!(xmlsec_verify(&pki, &signed, &[]));
    assert!(!xmlsec_verify(&pki, &tamper(&signed), &[]));
    assert_eq!(
        kyso_verify(&pki, &tamper(&signed), None)[0]
            .verdict
            .indication,
        Indication::Failed
    );
}

#[test]
fn detached_signature_verifies_against_its_file_and_not_another() {
    let pki = Pki::new();
    let signer = pki.signer("rsa");
    let content = b"%PDF-1.7 any bytes at all\n";
    std::fs::write(pki.path("report.pdf"), content).expect("write");
    let signed = sign_document(
        content,
        &signer,
        &options(
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            Placement::Detached {
                uri: "report.pdf".to_owned(),
            },
        ),
    )
    .expect("signs");
    let ok = &kyso_verify(&pki, &signed, Some(("report.pdf", content)))[0];
    assert_eq!(
        ok.verdict.indication,
        Indication::Passed,
        "{:?}",
        ok.verdict.reasons
    );
    let other = &kyso_verify(&pki, &signed, Some(("report.pdf", b"other")))[0];
    assert_eq!(other.verdict.indication, Indication::Failed);
    // Without the content kyso never fetches it: unsupported, not valid.
    let none = &kyso_verify(&pki, &signed, None)[0];
    assert_eq!(none.verdict.indication, Indication::Indeterminate);
    assert!(
        xmlsec_verify(&pki, &signed, &[]),
        "xmlsec1 rejects detached"
    );
}

#[test]
fn xades_b_b_signature_reports_level_signing_time_and_verifies_in_xmlsec1() {
    let pki = Pki::new();
    let signer = pki.signer("rsa");
    let when = UNIX_EPOCH + Duration::from_secs(1_583_468_854);
    let mut opts = options(
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        Placement::Enveloped { parent: None },
    );
    opts.xades = Some(XadesOptions {
        mime_type: Some("text/xml".to_owned()),
        policy: Some(SignaturePolicy {
            identifier: "urn:oid:1.2.3.4.5".to_owned(),
            digest: DigestAlgorithm::Sha256,
            hash: vec![7; 32],
            uri: Some("https://example.org/chinh-sach.pdf".to_owned()),
        }),
        ..XadesOptions::new(when)
    });
    let signed = sign_document(DOCUMENT.as_bytes(), &signer, &opts).expect("signs");
    let text = String::from_utf8(signed.clone()).expect("utf-8");
    assert!(text.contains("<xades:MimeType>text/xml</xades:MimeType>"));
    assert!(text.contains("<xades:Identifier>urn:oid:1.2.3.4.5</xades:Identifier>"));
    let report = &kyso_verify(&pki, &signed, None)[0];
    assert_eq!(
        report.verdict.indication,
        Indication::Passed,
        "{:?}",
        report.verdict.reasons
    );
    assert_eq!(report.verdict.level, Level::BB);
    // Written in UTC, shown in Vietnam time as the PDF verifier shows it.
    assert!(text.contains("<xades:SigningTime>2020-03-06T04:27:34Z</xades:SigningTime>"));
    assert_eq!(
        report.verdict.signing_time.as_deref(),
        Some("2020-03-06T11:27:34+07:00")
    );
    let id_attr = "--id-attr:Id";
    let node = "http://uri.etsi.org/01903/v1.3.2#:SignedProperties";
    assert!(xmlsec_verify(&pki, &signed, &[id_attr, node]));
    assert_ne!(
        santuario_verify(&pki, &signed, &["--id", "Id"]),
        Some(false)
    );

    // Changing the signed signing time breaks the signature.
    let forged = String::from_utf8(signed.clone())
        .expect("utf-8")
        .replace("2020-03-06T04:27:34Z", "2021-03-06T04:27:34Z");
    assert_eq!(
        kyso_verify(&pki, forged.as_bytes(), None)[0]
            .verdict
            .indication,
        Indication::Failed
    );
}

#[test]
fn kyso_verifies_what_xmlsec1_signs_from_a_template_and_rejects_it_tampered() {
    let pki = Pki::new();
    let template = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<VanBan xmlns=\"urn:example:vanban\">\
<TrichYeu>Về việc triển khai</TrichYeu>\
<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>\
<CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\
<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>\
<Reference URI=\"\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></Transforms>\
<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><DigestValue/></Reference>\
</SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature></VanBan>\n";
    std::fs::write(pki.path("tmpl.xml"), template).expect("write");
    let keyspec = format!(
        "{},{}",
        pki.path("rsa.key").display(),
        pki.path("rsa.pem").display()
    );
    let out = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem", &keyspec, "--output"])
        .arg(pki.path("signed-by-xmlsec.xml"))
        .arg(pki.path("tmpl.xml"))
        .output()
        .expect("xmlsec1 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = std::fs::read(pki.path("signed-by-xmlsec.xml")).expect("read");
    let report = &kyso_verify(&pki, &signed, None)[0];
    assert_eq!(
        report.verdict.indication,
        Indication::Passed,
        "{:?}",
        report.verdict.reasons
    );
    assert_eq!(
        kyso_verify(&pki, &tamper(&signed), None)[0]
            .verdict
            .indication,
        Indication::Failed
    );
}

/// A test TSA run with `openssl ts` (RFC 3161), and a validator over `openssl ts -verify`.
struct OpensslTsa<'p> {
    pki: &'p Pki,
}

fn run(pki: &Pki, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .current_dir(pki.dir.path())
        .output()
        .expect("openssl runs")
}

impl<'p> OpensslTsa<'p> {
    fn new(pki: &'p Pki) -> Self {
        std::fs::write(
            pki.path("tsa.ext"),
            "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n",
        )
        .expect("write");
        for args in [
            &["genpkey", "-algorithm", "RSA", "-out", "tsa.key"][..],
            &[
                "req",
                "-new",
                "-key",
                "tsa.key",
                "-subj",
                "/CN=kyso test TSA",
                "-out",
                "tsa.csr",
            ],
            &[
                "x509",
                "-req",
                "-in",
                "tsa.csr",
                "-CA",
                "root.pem",
                "-CAkey",
                "root.key",
                "-CAcreateserial",
                "-days",
                "30",
                "-extfile",
                "tsa.ext",
                "-out",
                "tsa.pem",
            ],
        ] {
            assert!(run(pki, args).status.success(), "{args:?}");
        }
        std::fs::write(pki.path("tsaserial"), "01\n").expect("write");
        std::fs::write(
            pki.path("tsa.cnf"),
            "[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = ./tsaserial\nsigner_cert = ./tsa.pem\n\
             signer_key = ./tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n\
             digests = sha256\ness_cert_id_alg = sha256\n",
        )
        .expect("write");
        Self { pki }
    }

    /// A DER TimeStampToken over `data`.
    fn stamp(&self, data: &[u8]) -> Vec<u8> {
        std::fs::write(self.pki.path("ts-data.bin"), data).expect("write");
        let q = run(
            self.pki,
            &[
                "ts",
                "-query",
                "-data",
                "ts-data.bin",
                "-sha256",
                "-cert",
                "-out",
                "req.tsq",
            ],
        );
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
        let r = run(
            self.pki,
            &[
                "ts",
                "-reply",
                "-queryfile",
                "req.tsq",
                "-config",
                "tsa.cnf",
                "-token_out",
                "-out",
                "token.der",
            ],
        );
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        std::fs::read(self.pki.path("token.der")).expect("token")
    }
}

/// `Nov 22 09:16:19 2026 GMT` (or with `.123` seconds), as `openssl ts -text` prints a
/// genTime.
fn openssl_time(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [month, day, clock, year, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = MONTHS.iter().position(|m| m == month)? + 1;
    let clock = clock.split('.').next()?;
    let xsd = format!("{year}-{month:02}-{:02}T{clock}Z", day.parse::<u32>().ok()?);
    parse_xsd(&xsd)
}

/// Seconds since the epoch of `YYYY-MM-DDThh:mm:ssZ`.
fn parse_xsd(xsd: &str) -> Option<SystemTime> {
    let n = |r: std::ops::Range<usize>| xsd.get(r).and_then(|s| s.parse::<i64>().ok());
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs))
}

impl TimestampValidator for OpensslTsa<'_> {
    fn validate(&self, token_der: &[u8], data: &[u8]) -> TimestampOutcome {
        std::fs::write(self.pki.path("v-token.der"), token_der).expect("write");
        std::fs::write(self.pki.path("v-data.bin"), data).expect("write");
        let out = run(
            self.pki,
            &[
                "ts",
                "-verify",
                "-data",
                "v-data.bin",
                "-in",
                "v-token.der",
                "-token_in",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "tsa.pem",
            ],
        );
        if !out.status.success() {
            return TimestampOutcome::Invalid {
                reason: String::from_utf8_lossy(&out.stderr).into_owned(),
            };
        }
        let text = run(
            self.pki,
            &["ts", "-reply", "-in", "v-token.der", "-token_in", "-text"],
        );
        let time = String::from_utf8_lossy(&text.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Time stamp: ").map(str::to_owned))
            .unwrap_or_default();
        let gen_time = openssl_time(&time).expect("openssl prints the genTime");
        TimestampOutcome::Valid {
            gen_time,
            tsa_certificate: None,
            certificates: Vec::new(),
        }
    }
}

#[test]
fn xades_b_t_timestamp_over_the_signature_value_lifts_the_level_and_a_foreign_one_does_not() {
    let pki = Pki::new();
    let tsa = OpensslTsa::new(&pki);
    let mut opts = options(
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        Placement::Enveloped { parent: None },
    );
    opts.xades = Some(XadesOptions::new(SystemTime::now()));
    let signed = sign_document(DOCUMENT.as_bytes(), &pki.signer("rsa"), &opts).expect("signs");
    let input = signature_timestamp_input(&signed, &ParseLimits::default()).expect("input");
    assert!(input.starts_with(b"<ds:SignatureValue xmlns:ds="));
    let stamped = embed_signature_timestamp(&signed, &tsa.stamp(&input), &ParseLimits::default())
        .expect("embeds");

    let trust = trust(&pki);
    let verify = |xml: &[u8], validator: Option<&dyn TimestampValidator>| {
        let options = VerifyOptions {
            limits: ParseLimits::default(),
            validation_time: ValidationTime::Fixed(SystemTime::now()),
            chain_validator: &trust,
            certificate_pool: &[],
            accept_misspelled_exc_c14n: false,
            detached: None,
            external: None,
            timestamp_validator: validator,
        };
        verify_document(xml, &options)
            .expect("parses")
            .remove(0)
            .verdict
    };
    let v = verify(&stamped, Some(&tsa));
    assert_eq!(v.indication, Indication::Passed, "{:?}", v.reasons);
    assert_eq!(v.level, Level::BT);
    assert!(v.timestamp.is_some());
    assert!(xmlsec_verify(
        &pki,
        &stamped,
        &[
            "--id-attr:Id",
            "http://uri.etsi.org/01903/v1.3.2#:SignedProperties"
        ]
    ));

    // Unchecked: stays B-B and says so.
    let unchecked = verify(&stamped, None);
    assert_eq!(unchecked.level, Level::BB);
    assert!(unchecked
        .reasons
        .iter()
        .any(|r| r.code == "signature-timestamp-not-checked"));

    // A token over other data does not prove anything.
    let foreign = embed_signature_timestamp(&signed, &tsa.stamp(b"other"), &ParseLimits::default())
        .expect("embeds");
    let v = verify(&foreign, Some(&tsa));
    assert_eq!(v.level, Level::BB);
    assert!(v.timestamp.is_none());
    assert!(v
        .reasons
        .iter()
        .any(|r| r.code == "signature-timestamp-invalid"));
}

/// Records the time each chain validation is asked for, then validates with the test trust.
struct RecordingTrust {
    inner: TestTrust,
    asked: std::cell::RefCell<Vec<SystemTime>>,
}

impl kyso_xml::dsig::ChainValidator for RecordingTrust {
    fn validate(
        &self,
        leaf_der: &[u8],
        pool: &[Vec<u8>],
        at: SystemTime,
    ) -> kyso_xml::dsig::ChainOutcome {
        self.asked.borrow_mut().push(at);
        kyso_xml::dsig::ChainValidator::validate(&self.inner, leaf_der, pool, at)
    }
}

#[test]
fn the_chain_is_validated_at_the_proven_time_else_the_claimed_time_else_now() {
    let pki = Pki::new();
    let tsa = OpensslTsa::new(&pki);
    let recorder = RecordingTrust {
        inner: trust(&pki),
        asked: std::cell::RefCell::new(Vec::new()),
    };
    let verify = |xml: &[u8], time: ValidationTime| {
        recorder.asked.borrow_mut().clear();
        let options = VerifyOptions {
            limits: ParseLimits::default(),
            validation_time: time,
            chain_validator: &recorder,
            certificate_pool: &[],
            accept_misspelled_exc_c14n: false,
            detached: None,
            external: None,
            timestamp_validator: Some(&tsa),
        };
        let verdict = verify_document(xml, &options)
            .expect("parses")
            .remove(0)
            .verdict;
        let asked = recorder.asked.borrow().clone();
        (verdict, asked)
    };
    let has =
        |v: &kyso_verdict::SignatureVerdict, code: &str| v.reasons.iter().any(|r| r.code == code);
    let now = SystemTime::now();
    // A claimed signing time a day ago (before the test PKI's certificates were issued),
    // whole seconds as XAdES writes it.
    let claimed = UNIX_EPOCH
        + Duration::from_secs(
            now.duration_since(UNIX_EPOCH)
                .expect("after 1970")
                .as_secs()
                - 86_400,
        );
    let mut opts = options(
        SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
        Placement::Enveloped { parent: None },
    );
    opts.xades = Some(XadesOptions::new(claimed));
    let b_b = sign_document(DOCUMENT.as_bytes(), &pki.signer("rsa"), &opts).expect("signs");

    // B-B: the claimed SigningTime, said to be unproven; the certificate did not exist yet.
    let (v, asked) = verify(&b_b, ValidationTime::Signing { now });
    assert_eq!(asked, [claimed]);
    assert!(has(&v, "validation-time-claimed"), "{:?}", v.reasons);
    assert_eq!(v.indication, Indication::Indeterminate, "{:?}", v.reasons);
    assert!(v
        .reasons
        .iter()
        .any(|r| r.message.contains("not yet valid")));

    // B-T: the time-stamp's genTime, not the claim and not now.
    let input = signature_timestamp_input(&b_b, &ParseLimits::default()).expect("input");
    let b_t = embed_signature_timestamp(&b_b, &tsa.stamp(&input), &ParseLimits::default())
        .expect("embeds");
    let (v, asked) = verify(&b_t, ValidationTime::Signing { now });
    assert_eq!(v.level, Level::BT);
    assert_eq!(v.indication, Indication::Passed, "{:?}", v.reasons);
    let [at] = asked.as_slice() else {
        panic!("asked {asked:?}");
    };
    assert_ne!(*at, claimed);
    assert_ne!(*at, now);
    let shown = openssl_time(&tsa_gen_time(&pki, &b_t)).expect("genTime");
    assert_eq!(*at, shown);
    assert!(has(&v, "validation-time") && !has(&v, "validation-time-claimed"));

    // --at wins over both.
    let fixed = now + Duration::from_secs(3600);
    let (v, asked) = verify(&b_t, ValidationTime::Fixed(fixed));
    assert_eq!(asked, [fixed]);
    assert!(v.reasons.iter().any(|r| r.message.contains("as requested")));

    // Plain XMLDSig claims nothing: now.
    let plain = sign_document(
        DOCUMENT.as_bytes(),
        &pki.signer("rsa"),
        &options(
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            Placement::Enveloped { parent: None },
        ),
    )
    .expect("signs");
    let (v, asked) = verify(&plain, ValidationTime::Signing { now });
    assert_eq!(asked, [now]);
    assert!(has(&v, "validation-time-now"));
}

/// The genTime line `openssl ts -reply -text` prints for the token embedded in `xml`.
fn tsa_gen_time(pki: &Pki, xml: &[u8]) -> String {
    let text = String::from_utf8_lossy(xml);
    let start = text.find("<xades:EncapsulatedTimeStamp>").expect("token") + 29;
    let end = text
        .find("</xades:EncapsulatedTimeStamp>")
        .expect("token end");
    let token = kyso_xml::dsig::decode_base64_text(&text[start..end]).expect("base64");
    std::fs::write(pki.path("gt-token.der"), token).expect("write");
    let out = run(
        pki,
        &["ts", "-reply", "-in", "gt-token.der", "-token_in", "-text"],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Time stamp: ").map(str::to_owned))
        .expect("Time stamp line")
}

#[test]
fn content_carrying_the_placeholder_texts_is_signed_untouched() {
    // kyso writes placeholders into the Signature before the digests and the value are
    // known; the same text in the content (before and after the Signature, in an empty
    // parent) must come out byte for byte.
    let pki = Pki::new();
    let signer = pki.signer("rsa");
    // The root also binds `ds` to another namespace, sets xml:lang and a default namespace,
    // and carries comments: none of it may change what is signed.
    let document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- đầu -->\n<r xmlns=\"urn:r\" \
xmlns:ds=\"urn:not-dsig\" xml:lang=\"vi\"><!-- c --><a>KYSO-DIGEST-PLACEHOLDER</a>\
<b v=\"KYSO-SIGNATURE-PLACEHOLDER\">&gt;KYSO-DIGEST-PLACEHOLDER&lt;</b><ds:p/></r>\n";
    for (parent, xades, c14n) in [
        (None, false, C14nAlgorithm::Exclusive10),
        (Some("p"), true, C14nAlgorithm::Exclusive10),
        (Some("p"), true, C14nAlgorithm::Inclusive10),
        (None, false, C14nAlgorithm::Inclusive11),
    ] {
        let mut opts = options(
            SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256),
            Placement::Enveloped {
                parent: parent.map(str::to_owned),
            },
        );
        opts.c14n.algorithm = c14n;
        if xades {
            opts.xades = Some(XadesOptions::new(
                UNIX_EPOCH + Duration::from_secs(1_583_468_854),
            ));
        }
        let signed = sign_document(document.as_bytes(), &signer, &opts).expect("signs");
        let text = String::from_utf8(signed.clone()).expect("utf-8");
        assert!(
            text.starts_with(document.split("<ds:p/>").next().unwrap_or_default()),
            "{text}"
        );
        assert_eq!(text.matches("PLACEHOLDER").count(), 3, "{text}");
        let report = &kyso_verify(&pki, &signed, None)[0];
        assert_eq!(
            report.verdict.indication,
            Indication::Passed,
            "{parent:?} {c14n:?}: {:?}",
            report.verdict.reasons
        );
        if tool("xmlsec1") {
            let node = "http://uri.etsi.org/01903/v1.3.2#:SignedProperties";
            assert!(
                xmlsec_verify(&pki, &signed, &["--id-attr:Id", node]),
                "{text}"
            );
        }
    }
}
