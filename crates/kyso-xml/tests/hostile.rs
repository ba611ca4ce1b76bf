//! Hostile input: every attack is rejected or reported, never executed, never a panic.

mod corpus;

use corpus::chain::TestTrust;
use corpus::pki::Pki;
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};
use kyso_verdict::{Indication, SubIndication};
use kyso_xml::dsig::{
    sign_document, verify_document, SignOptions, ValidationTime, VerifyOptions, XmlSignatureReport,
};
use kyso_xml::{Error, ParseLimits};
use std::time::SystemTime;

fn verify_with(
    trust: &TestTrust,
    xml: &[u8],
    limits: ParseLimits,
) -> Result<Vec<XmlSignatureReport>, Error> {
    let options = VerifyOptions {
        limits,
        validation_time: ValidationTime::Fixed(SystemTime::now()),
        chain_validator: trust,
        certificate_pool: &[],
        accept_misspelled_exc_c14n: false,
        detached: None,
        external: None,
        timestamp_validator: None,
    };
    verify_document(xml, &options)
}

fn verify(xml: &[u8]) -> Result<Vec<XmlSignatureReport>, Error> {
    verify_with(&TestTrust::default(), xml, ParseLimits::default())
}

#[test]
fn refuses_billion_laughs() {
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        xml.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    xml.push_str("]>\n<lolz>&lol9;</lolz>");
    assert!(matches!(verify(xml.as_bytes()), Err(Error::DoctypeRefused)));
}

#[test]
fn refuses_external_entities() {
    let xml = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
    assert!(matches!(verify(xml.as_bytes()), Err(Error::DoctypeRefused)));
    // Without a DOCTYPE an entity reference is simply undefined.
    assert!(matches!(verify(b"<r>&x;</r>"), Err(Error::Malformed(_))));
}

#[test]
fn refuses_deep_nesting_without_overflowing_the_stack() {
    let depth = 100_000;
    let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    assert!(matches!(verify(xml.as_bytes()), Err(Error::TooDeep { .. })));
    let shallow = format!("{}{}", "<a>".repeat(50), "</a>".repeat(50));
    assert!(verify(shallow.as_bytes()).expect("parses").is_empty());
}

#[test]
fn refuses_huge_attributes_and_oversized_documents() {
    let xml = format!("<a b=\"{}\"/>", "x".repeat(2 * 1024 * 1024));
    assert!(matches!(
        verify(xml.as_bytes()),
        Err(Error::AttributeTooLong { .. })
    ));
    let small = ParseLimits {
        max_bytes: 10,
        ..ParseLimits::default()
    };
    assert!(matches!(
        verify_with(&TestTrust::default(), b"<a>0123456789</a>", small),
        Err(Error::TooLarge { .. })
    ));
}

#[test]
fn survives_garbage_and_truncations_of_a_signed_document() {
    let pki = Pki::new();
    let signed = sign_document(
        b"<doc><p>x</p></doc>",
        &pki.signer("rsa"),
        &SignOptions::enveloped(SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256)),
    )
    .expect("signs");
    // Every prefix either fails to parse or yields a verdict that is not PASSED.
    for end in (0..signed.len()).step_by(7) {
        if let Ok(reports) = verify(&signed[..end]) {
            assert!(reports
                .iter()
                .all(|r| r.verdict.indication != Indication::Passed));
        }
    }
    assert!(verify(&[0xff, 0xfe, 0x00]).is_err());
}

#[test]
fn duplicate_ids_and_wrapped_references_never_pass() {
    let pki = Pki::new();
    let trust = TestTrust {
        trusted: vec![openssl::x509::X509::from_der(&pki.root_der()).expect("root")],
        ..TestTrust::default()
    };
    let signed = String::from_utf8(
        sign_document(
            "<Data>Chuyển 100 triệu</Data>".as_bytes(),
            &pki.signer("rsa"),
            &SignOptions {
                placement: kyso_xml::dsig::Placement::Enveloping,
                ..SignOptions::enveloped(SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256))
            },
        )
        .expect("signs"),
    )
    .expect("utf-8");
    let genuine = verify_with(&trust, signed.as_bytes(), ParseLimits::default()).expect("parses");
    assert_eq!(genuine[0].verdict.indication, Indication::Passed);

    // Wrapping: move the signed Object away and put a forged one with the same Id first.
    let start = signed.find("<ds:Object").expect("object");
    let end = signed.find("</ds:Object>").expect("end") + "</ds:Object>".len();
    let object = &signed[start..end];
    let forged_object = object.replace("100 triệu", "900 triệu");
    let wrapped = signed.replacen(
        object,
        &format!("{forged_object}<ds:Object><Wrapper>{object}</Wrapper></ds:Object>"),
        1,
    );
    let reports = verify_with(&trust, wrapped.as_bytes(), ParseLimits::default()).expect("parses");
    assert_eq!(reports[0].verdict.indication, Indication::Failed);
    assert_eq!(
        reports[0].verdict.sub_indication,
        Some(SubIndication::FormatFailure)
    );
    assert!(reports[0]
        .verdict
        .reasons
        .iter()
        .any(|r| r.message.contains("more than one element")));

    // Moving the signed Object elsewhere keeps it signed, and the verdict names where it is.
    assert!(format!("{:?}", genuine[0].verdict.coverage).contains("/ds:Signature/ds:Object"));
}

#[test]
fn unsupported_transforms_are_indeterminate_and_named() {
    let pki = Pki::new();
    let signed = String::from_utf8(
        sign_document(
            b"<doc><p>x</p></doc>",
            &pki.signer("rsa"),
            &SignOptions::enveloped(SignatureAlgorithm::RsaPkcs1v15(HashAlgorithm::Sha256)),
        )
        .expect("signs"),
    )
    .expect("utf-8");
    let xslt = signed.replacen(
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        "http://www.w3.org/TR/1999/REC-xslt-19991116",
        1,
    );
    let reports = verify(xslt.as_bytes()).expect("parses");
    // The edit also breaks the SignatureValue, so FAILED wins; the feature is still named.
    assert_ne!(reports[0].verdict.indication, Indication::Passed);
    assert!(reports[0]
        .verdict
        .reasons
        .iter()
        .any(|r| r.message.contains("unsupported: XSLT")));
}

#[test]
fn random_byte_mutations_never_panic_and_never_pass_inside_the_signed_content() {
    let pki = Pki::new();
    let trust = TestTrust {
        trusted: vec![openssl::x509::X509::from_der(&pki.root_der()).expect("root")],
        ..TestTrust::default()
    };
    let signed = sign_document(
        "<doc xmlns:a=\"urn:a\"><a:p Id=\"x\">Hà Nội</a:p><!-- c --></doc>".as_bytes(),
        &pki.signer("p256"),
        &SignOptions::enveloped(SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256)),
    )
    .expect("signs");
    assert_eq!(
        verify_with(&trust, &signed, ParseLimits::default()).expect("parses")[0]
            .verdict
            .indication,
        Indication::Passed
    );
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let bytes = b"<>&;\"'/=:#x0aZ \n";
    let text = String::from_utf8(signed.clone()).expect("utf-8");
    // The signed content: the document up to the Signature, minus the (unsigned) comment.
    let content_end = text.find("<ds:Signature").expect("signature");
    let comment = text.find("<!--").expect("comment")..text.find("-->").expect("end") + 3;
    for round in 0..600 {
        let mut m = signed.clone();
        // Half the rounds anywhere (must not panic), half inside the signed content.
        let pos = if round % 2 == 0 {
            (rand() % m.len() as u64) as usize
        } else {
            (rand() % content_end as u64) as usize
        };
        let signed_region = pos < content_end && !comment.contains(&pos);
        let b = bytes[(rand() % bytes.len() as u64) as usize];
        if m[pos] == b {
            continue;
        }
        m[pos] = b;
        if let Ok(reports) = verify_with(&trust, &m, ParseLimits::default()) {
            // A changed byte may hit insignificant whitespace inside a tag; anything that
            // changes the canonical form must fail.
            for r in reports {
                if signed_region && r.verdict.indication == Indication::Passed {
                    let text = String::from_utf8_lossy(&m);
                    let orig = String::from_utf8_lossy(&signed);
                    assert!(
                        text.replace(char::is_whitespace, "")
                            == orig.replace(char::is_whitespace, ""),
                        "mutation at {pos} to {:?} still PASSED: {}",
                        b as char,
                        &text[pos.saturating_sub(40)..(pos + 40).min(text.len())]
                    );
                }
            }
        }
    }
}
