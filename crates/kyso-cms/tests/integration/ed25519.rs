//! Ed25519 SignedData (RFC 8419), assembled here because OpenSSL 3.0's `cms -sign` cannot
//! make it ("operation not supported for this keytype") and kyso does not sign with EdDSA.

use kyso_cms::{
    oids, parse, verify_signer, verify_signer_content, DigestAlgorithm, Error, SignatureScheme,
};
use openssl::sign::Signer;

use crate::pki::{Identity, KeyType, Pki};

const CONTENT: &[u8] = b"ed25519 content";

fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let value: Vec<u8> = parts.concat();
    let mut out = vec![tag];
    match value.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend(value);
    out
}

fn oid(o: &der::asn1::ObjectIdentifier) -> Vec<u8> {
    tlv(0x06, &[o.as_bytes()])
}

fn ed25519_sign(leaf: &Identity, message: &[u8]) -> Vec<u8> {
    Signer::new_without_digest(&leaf.key)
        .and_then(|mut s| s.sign_oneshot_to_vec(message))
        .expect("ed25519 signs")
}

/// SignedData over CONTENT, with or without signed attributes, detached.
fn build(leaf: &Identity, with_attributes: bool) -> Vec<u8> {
    let issuer = leaf.cert.issuer_name().to_der().expect("issuer");
    let mut serial = leaf.cert.serial_number().to_bn().expect("bn").to_vec();
    if serial[0] & 0x80 != 0 {
        serial.insert(0, 0);
    }
    let sid = tlv(0x30, &[&issuer, &tlv(0x02, &[&serial])]);
    let sha512 = tlv(0x30, &[&oid(&oids::SHA512)]);
    let attribute = |id, value: &[u8]| tlv(0x30, &[&oid(id), &tlv(0x31, &[value])]);
    let digest = DigestAlgorithm::Sha512.digest(CONTENT);
    let mut attrs = [
        attribute(&oids::CONTENT_TYPE, &oid(&oids::DATA)),
        attribute(&oids::MESSAGE_DIGEST, &tlv(0x04, &[&digest])),
    ];
    attrs.sort();
    let attrs_set = tlv(0x31, &[&attrs[0], &attrs[1]]);
    let (signed_attrs, signature) = if with_attributes {
        let mut implicit = attrs_set.clone();
        implicit[0] = 0xA0;
        (implicit, ed25519_sign(leaf, &attrs_set))
    } else {
        (Vec::new(), ed25519_sign(leaf, CONTENT))
    };
    let signer_info = tlv(
        0x30,
        &[
            &[2, 1, 1],
            &sid,
            &sha512,
            &signed_attrs,
            &tlv(0x30, &[&oid(&oids::ED25519)]),
            &tlv(0x04, &[&signature]),
        ],
    );
    let signed_data = tlv(
        0x30,
        &[
            &[2, 1, 1],
            &tlv(0x31, &[&sha512]),
            &tlv(0x30, &[&oid(&oids::DATA)]),
            &tlv(0xA0, &[&leaf.cert_der]),
            &tlv(0x31, &[&signer_info]),
        ],
    );
    tlv(
        0x30,
        &[&oid(&oids::SIGNED_DATA), &tlv(0xA0, &[&signed_data])],
    )
}

#[test]
fn verifies_ed25519_with_signed_attributes_and_rejects_other_content() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Ed25519, "ed25519");
    let der = build(&leaf, true);
    let info = parse(&der).expect("parses");
    let digest = DigestAlgorithm::Sha512.digest(CONTENT);
    let verified = verify_signer(&info, 0, &digest).expect("verifies");
    assert_eq!(verified.scheme(), SignatureScheme::Ed25519);
    assert!(matches!(
        verify_signer(&info, 0, &DigestAlgorithm::Sha512.digest(b"other")),
        Err(Error::DigestMismatch)
    ));
}

#[test]
fn pure_ed25519_without_attributes_needs_the_whole_content() {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::Ed25519, "ed25519");
    let der = build(&leaf, false);
    let info = parse(&der).expect("parses");
    assert!(matches!(
        verify_signer(&info, 0, &DigestAlgorithm::Sha512.digest(CONTENT)),
        Err(Error::ContentRequired)
    ));
    let verified = verify_signer_content(&info, 0, CONTENT).expect("verifies with content");
    assert_eq!(verified.scheme(), SignatureScheme::Ed25519);
    assert!(!verified.has_signed_attributes());
    assert!(matches!(
        verify_signer_content(&info, 0, b"other"),
        Err(Error::BadSignature)
    ));
}
