//! Hostile input: every prefix of a valid SignedData is refused, random corruption never
//! panics, and other content types are named in the error.

use kyso_cms::tsp::{parse_response, TimeStampToken, TstInfo};
use kyso_cms::{
    add_unsigned_attribute, ber_to_der, oids, parse, sign_detached, strip_zero_padding,
    verify_signer, DigestAlgorithm, Error, Profile, SignOptions,
};
use kyso_keys::{HashAlgorithm, SignatureAlgorithm};

use crate::pki::{KeyType, Pki, TestSigner};

fn sample() -> (Vec<u8>, Vec<u8>) {
    let pki = Pki::new();
    let leaf = pki.leaf(KeyType::P256, "signer");
    let signer = TestSigner::new(&leaf, vec![pki.root.cert_der.clone()]);
    let algorithm = SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256);
    let mut options = SignOptions::new(algorithm, Profile::Pkcs7);
    options.signing_time = Some(std::time::SystemTime::now());
    let digest = DigestAlgorithm::Sha256.digest(b"content");
    let cms = sign_detached(&signer, &digest, &options).expect("signs");
    let cms = add_unsigned_attribute(&cms, &oids::SIGNATURE_TIME_STAMP_TOKEN, &[0x05, 0x00])
        .expect("adds");
    (cms, digest)
}

#[test]
fn rejects_every_prefix_of_a_valid_signed_data() {
    let (cms, digest) = sample();
    let info = parse(&cms).expect("the whole input parses");
    verify_signer(&info, 0, &digest).expect("and verifies");
    for len in 0..cms.len() {
        assert!(
            parse(&cms[..len]).is_err(),
            "prefix of {len} bytes accepted"
        );
    }
}

#[test]
fn rejects_trailing_bytes_but_strips_zero_padding() {
    let (cms, _) = sample();
    let mut padded = cms.clone();
    padded.extend_from_slice(&[0; 100]);
    assert!(parse(&padded).is_err());
    assert_eq!(strip_zero_padding(&padded).expect("strips"), cms.as_slice());
    let mut garbage = cms.clone();
    garbage.extend_from_slice(&[0, 0, 1]);
    assert!(strip_zero_padding(&garbage).is_err());
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_corruption_never_panics() {
    let (cms, digest) = sample();
    let mut rng = Rng(0x6b79_736f_2d63_6d73);
    let mut still_verifying = 0usize;
    for _ in 0..3000 {
        let mut mutated = cms.clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(mutated.len());
            match rng.below(3) {
                0 => mutated[at] ^= 1 << rng.below(8),
                1 => mutated[at] = rng.next() as u8,
                _ => mutated[at] = [0x00, 0x7F, 0x80, 0x81, 0x84, 0xFF][rng.below(6)],
            }
        }
        if let Ok(info) = parse(&mutated) {
            for index in 0..info.signer_infos.len() {
                if verify_signer(&info, index, &digest).is_ok() && mutated != cms {
                    still_verifying += 1;
                }
            }
        }
        let _ = add_unsigned_attribute(&mutated, &oids::SIGNATURE_TIME_STAMP_TOKEN, &[5, 0]);
        let _ = ber_to_der(&mutated);
        let _ = TimeStampToken::parse(&mutated);
        let _ = parse_response(&mutated);
        let _ = <TstInfo as der::Decode>::from_der(&mutated);
    }
    // Flips inside the certificate's CA signature or the unsigned attribute leave the
    // signature valid; anything else must not.
    assert!(
        still_verifying < 3000 / 4,
        "{still_verifying} corruptions still verified"
    );
}

#[test]
fn names_a_content_type_that_is_not_signed_data() {
    // ContentInfo { id-data, [0] OCTET STRING "x" }
    let data = [
        0x30, 0x12, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x05,
        0x04, 0x03, b'a', b'b', b'c',
    ];
    assert!(matches!(
        parse(&data),
        Err(Error::UnexpectedContentType { oid }) if oid == oids::DATA
    ));
    assert!(matches!(
        parse(&data[..data.len() - 1]),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn rewritten_inner_lengths_never_panic() {
    // "Inner truncation": shrink or grow each length octet of the valid input by one.
    let (cms, digest) = sample();
    for at in 0..cms.len() {
        for delta in [1u8, 0xFF] {
            let mut mutated = cms.clone();
            mutated[at] = mutated[at].wrapping_add(delta);
            if let Ok(info) = parse(&mutated) {
                for index in 0..info.signer_infos.len() {
                    let _ = verify_signer(&info, index, &digest);
                }
            }
            let _ = ber_to_der(&mutated);
        }
    }
}
