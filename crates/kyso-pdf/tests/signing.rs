//! Incremental signing against every input kind, with a dummy CMS; each acceptance test has a
//! rejection twin.

mod common;

use chrono::{FixedOffset, TimeZone};
use common::*;
use kyso_keys::HashAlgorithm;
use kyso_pdf::object::Object;
use kyso_pdf::sign::{prepare, signature_fields, Placement, SignatureRequest, SubFilter};
use kyso_pdf::{Document, Error, XrefKind};

fn request() -> SignatureRequest {
    let mut request = SignatureRequest::new(8192);
    request.name = Some("Nguyễn Văn An".into());
    request.reason = Some("Phê duyệt".into());
    request.location = Some("Hà Nội".into());
    let tz = FixedOffset::east_opt(7 * 3600).expect("valid offset");
    request.signing_time = tz.with_ymd_and_hms(2026, 11, 22, 8, 30, 0).single();
    request
}

fn signs_corpus_file_in_new_field(name: &str) {
    let Some(input) = corpus(name) else { return };
    let (output, digest, field) = sign_dummy(&input, &request());
    assert_signed_output(&input, &output, &digest, &field);
}

#[test]
fn signs_classic_xref_file() {
    signs_corpus_file_in_new_field("minimal.pdf");
}

#[test]
fn signs_xref_stream_file_with_an_xref_stream() {
    let Some(input) = corpus("minimal-xref.pdf") else {
        return;
    };
    let (output, digest, field) = sign_dummy(&input, &request());
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    assert_eq!(doc.sections()[0].kind, XrefKind::Stream);
}

#[test]
fn signs_classic_file_with_a_classic_table() {
    let input = simple_pdf();
    let (output, digest, field) = sign_dummy(&input, &request());
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    assert_eq!(doc.sections()[0].kind, XrefKind::Table);
    assert_eq!(
        doc.sections()[0].trailer.get(b"ID".as_slice()),
        doc.sections()[1].trailer.get(b"ID".as_slice())
    );
    assert_eq!(field, "Signature1");
}

#[test]
fn signs_file_without_trailing_newline() {
    let mut input = simple_pdf();
    input.pop();
    let (output, digest, field) = sign_dummy(&input, &request());
    assert_eq!(
        output[input.len()],
        b'\n',
        "the update starts on a new line"
    );
    assert_signed_output(&input, &output, &digest, &field);
}

#[test]
fn signs_file_with_indirect_annots_array() {
    signs_corpus_file_in_new_field("minimal-one-field-indir-annots.pdf");
}

#[test]
fn signs_file_without_annots() {
    signs_corpus_file_in_new_field("minimal-annotless.pdf");
}

#[test]
fn signs_hybrid_xref_file() {
    signs_corpus_file_in_new_field("minimal-hybrid-xref.pdf");
}

#[test]
fn signs_file_already_signed_by_adobe_reader() {
    signs_corpus_file_in_new_field("minimal-two-fields-signed-twice.pdf");
}

#[test]
fn signs_pades_lta_file_with_dss() {
    signs_corpus_file_in_new_field("pades-lta-dss-indirect-arrs-test.pdf");
}

#[test]
fn signs_linearized_file() {
    let Some(input) = corpus("minimal-two-pages.pdf") else {
        return;
    };
    let Some(linearized) = qpdf_transform(&input, &["--linearize"]) else {
        return;
    };
    let doc = Document::open(&linearized).expect("linearized opens");
    assert_eq!(
        doc.revisions().len(),
        1,
        "a linearized file is one revision"
    );
    assert_eq!(doc.page_count().expect("pages"), 2);
    let (output, digest, field) = sign_dummy(&linearized, &request());
    assert_signed_output(&linearized, &output, &digest, &field);
    assert_eq!(Document::open(&output).expect("opens").revisions().len(), 2);
}

#[test]
fn signs_file_with_object_streams() {
    let Some(input) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let Some(packed) = qpdf_transform(&input, &["--object-streams=generate"]) else {
        return;
    };
    let doc = Document::open(&packed).expect("packed opens");
    assert_eq!(doc.sections()[0].kind, XrefKind::Stream);
    let mut request = request();
    request.field_name = Some("Sig1".into());
    let (output, digest, field) = sign_dummy(&packed, &request);
    assert_signed_output(&packed, &output, &digest, &field);
}

#[test]
fn signs_linearized_file_with_object_streams() {
    let Some(input) = corpus("minimal-two-pages.pdf") else {
        return;
    };
    let Some(packed) = qpdf_transform(&input, &["--linearize", "--object-streams=generate"]) else {
        return;
    };
    let (output, digest, field) = sign_dummy(&packed, &request());
    assert_signed_output(&packed, &output, &digest, &field);
}

#[test]
fn fills_existing_empty_field() {
    let Some(input) = corpus("minimal-with-field.pdf") else {
        return;
    };
    let before = signature_fields(&Document::open(&input).expect("opens")).expect("fields");
    assert!(before.iter().any(|f| f.name == "Sig1" && !f.is_signed()));
    let mut request = request();
    request.field_name = Some("Sig1".into());
    let (output, digest, field) = sign_dummy(&input, &request);
    assert_eq!(field, "Sig1");
    assert_signed_output(&input, &output, &digest, "Sig1");
    let after = signature_fields(&Document::open(&output).expect("opens")).expect("fields");
    assert_eq!(after.len(), before.len(), "no field was added");
}

#[test]
fn rejects_filling_a_field_twice() {
    let Some(input) = corpus("minimal-with-field.pdf") else {
        return;
    };
    let mut request = request();
    request.field_name = Some("Sig1".into());
    let (output, _, _) = sign_dummy(&input, &request);
    let doc = Document::open(&output).expect("opens");
    assert!(
        matches!(prepare(&doc, &request), Err(Error::FieldAlreadySigned(name)) if name == "Sig1")
    );
}

#[test]
fn an_unknown_top_level_field_name_creates_that_field() {
    let Some(input) = corpus("minimal-with-field.pdf") else {
        return;
    };
    let doc = Document::open(&input).expect("opens");
    let mut request = request();
    request.field_name = Some("LanhDao".into());
    let update = prepare(&doc, &request).expect("creates the field");
    assert_eq!(update.field_name(), "LanhDao");
}

#[test]
fn rejects_an_unknown_dotted_field_name() {
    let Some(input) = corpus("minimal-with-field.pdf") else {
        return;
    };
    let doc = Document::open(&input).expect("opens");
    let mut request = request();
    request.field_name = Some("Form.NoSuchField".into());
    assert!(matches!(
        prepare(&doc, &request),
        Err(Error::FieldNotFound(_))
    ));
}

#[test]
fn rejects_signing_into_a_text_field() {
    let Some(input) = corpus("minimal-with-simple-form.pdf") else {
        return;
    };
    let doc = Document::open(&input).expect("opens");
    let mut request = request();
    request.field_name = Some("TextField1".into());
    assert!(matches!(
        prepare(&doc, &request),
        Err(Error::NotASignatureField(_))
    ));
}

#[test]
fn signs_both_fields_of_a_two_field_document_in_sequence() {
    let Some(input) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let mut first = request();
    first.field_name = Some("Sig1".into());
    let (once, digest1, _) = sign_dummy(&input, &first);
    assert_signed_output(&input, &once, &digest1, "Sig1");
    let mut second = request();
    second.field_name = Some("Sig2".into());
    let (twice, digest2, _) = sign_dummy(&once, &second);
    assert_signed_output(&once, &twice, &digest2, "Sig2");
    let doc = Document::open(&twice).expect("opens");
    let fields = signature_fields(&doc).expect("fields");
    assert_eq!(fields.iter().filter(|f| f.is_signed()).count(), 2);
    let before = Document::open(&input).expect("opens").revisions().len();
    assert_eq!(doc.revisions().len(), before + 2);
}

#[test]
fn adds_a_second_new_field_with_a_fresh_name() {
    let input = simple_pdf();
    let (once, _, name1) = sign_dummy(&input, &request());
    let (twice, digest, name2) = sign_dummy(&once, &request());
    assert_eq!(
        (name1.as_str(), name2.as_str()),
        ("Signature1", "Signature2")
    );
    assert_signed_output(&once, &twice, &digest, "Signature2");
    // The first signature's range still ends where the first revision ends.
    let doc = Document::open(&twice).expect("opens");
    let fields = signature_fields(&doc).expect("fields");
    let first = fields
        .iter()
        .find(|f| f.name == "Signature1")
        .and_then(|f| f.value.as_ref())
        .expect("signed");
    let [_, _, b, c] = first.byte_range[..] else {
        panic!("four numbers")
    };
    assert_eq!((b + c) as u64, doc.revisions()[1]);
}

#[test]
fn signs_xref_stream_file_twice() {
    let Some(input) = corpus("minimal-xref.pdf") else {
        return;
    };
    let (once, _, _) = sign_dummy(&input, &request());
    let (twice, digest, field) = sign_dummy(&once, &request());
    assert_signed_output(&once, &twice, &digest, &field);
}

#[test]
fn places_visible_widget_on_the_requested_page() {
    let Some(input) = corpus("minimal-two-pages.pdf") else {
        return;
    };
    let mut request = request();
    request.placement = Placement::Visible {
        page_index: 1,
        rect: [300.0, 100.0, 100.0, 50.0],
    };
    let (output, digest, field) = sign_dummy(&input, &request);
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    let sig = signature_fields(&doc)
        .expect("fields")
        .into_iter()
        .find(|f| f.name == field)
        .expect("listed");
    assert_eq!(sig.page_index, Some(1));
    assert_eq!(
        sig.rect,
        Some([100.0, 50.0, 300.0, 100.0]),
        "the rectangle is normalised"
    );
}

#[test]
fn rejects_visible_widget_on_a_missing_page() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let mut request = request();
    request.placement = Placement::Visible {
        page_index: 5,
        rect: [0.0, 0.0, 10.0, 10.0],
    };
    assert!(matches!(
        prepare(&doc, &request),
        Err(Error::PageOutOfRange { index: 5, count: 1 })
    ));
}

#[test]
fn certifies_with_docmdp_and_perms() {
    let input = simple_pdf();
    let mut request = request();
    request.certify = Some(2);
    let (output, digest, field) = sign_dummy(&input, &request);
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    let perms = doc
        .resolve_key(&doc.catalog().expect("catalog"), "Perms")
        .expect("resolves")
        .expect("has /Perms");
    let sig = signature_fields(&doc)
        .expect("fields")
        .remove(0)
        .value
        .expect("signed");
    assert_eq!(perms.get("DocMDP").and_then(Object::as_ref), sig.reference);
    let reference = sig
        .dict
        .get(b"Reference".as_slice())
        .and_then(Object::as_array)
        .expect("/Reference");
    let params = reference[0].get("TransformParams").expect("params");
    assert_eq!(params.get("P"), Some(&Object::Int(2)));
}

#[test]
fn rejects_certifying_an_already_signed_document() {
    let input = simple_pdf();
    let (signed, _, _) = sign_dummy(&input, &request());
    let doc = Document::open(&signed).expect("opens");
    let mut request = request();
    request.certify = Some(2);
    assert!(matches!(
        prepare(&doc, &request),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn rejects_signing_after_a_no_changes_certification() {
    let input = simple_pdf();
    let mut certify = request();
    certify.certify = Some(1);
    let (certified, _, _) = sign_dummy(&input, &certify);
    let doc = Document::open(&certified).expect("opens");
    assert!(matches!(
        prepare(&doc, &request()),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn rejects_invalid_docmdp_level() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let mut request = request();
    request.certify = Some(4);
    assert!(matches!(
        prepare(&doc, &request),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn writes_text_strings_as_utf16_and_pdf_date_with_offset() {
    let input = simple_pdf();
    let (output, _, _) = sign_dummy(&input, &request());
    let doc = Document::open(&output).expect("opens");
    let sig = signature_fields(&doc)
        .expect("fields")
        .remove(0)
        .value
        .expect("signed");
    let name = sig
        .dict
        .get(b"Name".as_slice())
        .and_then(Object::as_bytes)
        .expect("/Name");
    assert_eq!(kyso_pdf::object::decode_text(name), "Nguyễn Văn An");
    assert_eq!(
        sig.dict.get(b"M".as_slice()).and_then(Object::as_bytes),
        Some(&b"D:20261122083000+07'00'"[..])
    );
    assert_eq!(sig.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
}

#[test]
fn writes_document_timestamp_dictionary() {
    let input = simple_pdf();
    let mut request = request();
    request.sub_filter = SubFilter::EtsiRfc3161;
    let (output, digest, field) = sign_dummy(&input, &request);
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    let sig = signature_fields(&doc)
        .expect("fields")
        .remove(0)
        .value
        .expect("signed");
    assert_eq!(
        sig.dict.get(b"Type".as_slice()),
        Some(&Object::name("DocTimeStamp"))
    );
    assert!(!sig.dict.contains_key(b"M".as_slice()));
}

#[test]
fn embeds_a_cms_that_fits_exactly() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let mut update = prepare(&doc, &SignatureRequest::new(16)).expect("prepares");
    update.embed(&[0xab; 16]).expect("16 bytes fit in 16");
    assert!(update
        .bytes()
        .windows(34)
        .any(|w| w == format!("<{}>", "AB".repeat(16)).as_bytes()));
}

#[test]
fn rejects_a_cms_larger_than_the_reservation() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let mut update = prepare(&doc, &SignatureRequest::new(16)).expect("prepares");
    assert!(matches!(
        update.embed(&[0; 17]),
        Err(Error::ContentsTooSmall {
            needed: 17,
            reserved: 16
        })
    ));
}

#[test]
fn rejects_digest_over_a_different_input() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let update = prepare(&doc, &SignatureRequest::new(16)).expect("prepares");
    assert!(update.digest(&input, HashAlgorithm::Sha256).is_ok());
    assert!(matches!(
        update.digest(&input[1..], HashAlgorithm::Sha256),
        Err(Error::InputMismatch { .. })
    ));
}

#[test]
fn rejects_signing_encrypted_corpus_file() {
    let Some(input) = corpus("signed-encrypted-pubkey-with-catalog-ref.pdf") else {
        return;
    };
    assert!(matches!(Document::open(&input), Err(Error::Encrypted)));
}

#[test]
fn rejects_signing_password_encrypted_file() {
    let input = simple_pdf();
    let Some(encrypted) = qpdf_transform(&input, &["--encrypt", "user", "owner", "256", "--"])
    else {
        return;
    };
    assert!(matches!(Document::open(&encrypted), Err(Error::Encrypted)));
}

#[test]
fn pyhanko_accepts_the_output_structure() {
    let pyhanko = std::path::Path::new("/work/main/.venv/bin/pyhanko");
    if !pyhanko.exists() {
        eprintln!("skipped: pyHanko not installed at {}", pyhanko.display());
        return;
    }
    let input = simple_pdf();
    let (output, _, _) = sign_dummy(&input, &request());
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("signed.pdf");
    std::fs::write(&path, &output).expect("write");
    let out = std::process::Command::new(pyhanko)
        .args(["sign", "list", "--skip-status"])
        .arg(&path)
        .output()
        .expect("pyhanko runs");
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pyhanko failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        listing.contains("Signature1"),
        "pyhanko lists the field: {listing}"
    );
}

#[test]
fn streamed_digest_equals_slice_digest() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let update = prepare(&doc, &SignatureRequest::new(64)).expect("prepares");
    let from_slice = update
        .digest(&input, HashAlgorithm::Sha384)
        .expect("digest");
    let from_reader = update
        .digest_reader(&input[..], HashAlgorithm::Sha384)
        .expect("digest");
    assert_eq!(from_slice, from_reader);
}

#[test]
fn rejects_streamed_digest_of_a_shorter_input() {
    let input = simple_pdf();
    let doc = Document::open(&input).expect("opens");
    let update = prepare(&doc, &SignatureRequest::new(64)).expect("prepares");
    let short = &input[..input.len() - 1];
    assert!(matches!(
        update.digest_reader(short, HashAlgorithm::Sha256),
        Err(Error::InputMismatch { .. })
    ));
}

#[test]
fn signs_reconstructed_file_with_a_complete_table() {
    let mut input = simple_pdf();
    let at = input
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref")
        + 10;
    input[at] = b'1';
    assert!(Document::open(&input).expect("opens").is_reconstructed());
    let (output, digest, field) = sign_dummy(&input, &request());
    assert!(output.starts_with(&input));
    let doc = Document::open(&output).expect("output opens");
    assert!(
        !doc.is_reconstructed(),
        "the update's table lists every object"
    );
    assert_eq!(doc.page_count().expect("pages"), 1);
    let sig = signature_fields(&doc)
        .expect("fields")
        .into_iter()
        .find(|f| f.name == field);
    assert!(sig.is_some_and(|f| f.is_signed()));
    assert_eq!(digest.len(), 32);
}

#[test]
fn rejects_signing_file_with_unrepairable_xref() {
    let mut input = simple_pdf();
    let at = input
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref")
        + 10;
    input[at] = b'1';
    // Without any object header left, there is nothing to repair from.
    let broken: Vec<u8> = String::from_utf8_lossy(&input)
        .replace(" obj", " jbo")
        .into_bytes();
    assert!(Document::open(&broken).is_err());
}

/// Renders page 1 of `pdf` in grey at 72 dpi with pdftoppm; returns (width, height, pixels).
fn render_gray(pdf: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    if std::process::Command::new("pdftoppm")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("skipped: pdftoppm not installed");
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", "72", "-f", "1", "-l", "1"])
        .arg(&path)
        .output()
        .expect("pdftoppm runs");
    // Binary PGM: "P5\n<w> <h>\n255\n" then pixels.
    let data = out.stdout;
    let header: Vec<&[u8]> = data.splitn(4, |b| b.is_ascii_whitespace()).collect();
    let width: usize = std::str::from_utf8(header[1]).ok()?.parse().ok()?;
    let height: usize = std::str::from_utf8(header[2]).ok()?.parse().ok()?;
    let pixels = data[data.len() - width * height..].to_vec();
    Some((width, height, pixels))
}

fn dark_pixels_in(image: &(usize, usize, Vec<u8>), [x1, y1, x2, y2]: [usize; 4]) -> usize {
    let (width, height, pixels) = image;
    let mut count = 0;
    for y in (height - y2)..(height - y1) {
        for x in x1..x2.min(*width) {
            if pixels[y * width + x] < 128 {
                count += 1;
            }
        }
    }
    count
}

#[test]
fn draws_visible_vietnamese_appearance_inside_the_widget() {
    let font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    let Ok(font) = std::fs::read(font_path) else {
        eprintln!("skipped: {font_path} not installed");
        return;
    };
    let font = kyso_pdf::appearance::Font::from_bytes(font.into()).expect("font parses");
    let input = simple_pdf();
    let mut request = request();
    request.placement = Placement::Visible {
        page_index: 0,
        rect: [100.0, 600.0, 400.0, 700.0],
    };
    request.appearance = Some(kyso_pdf::appearance::AppearanceSpec {
        lines: vec!["Ký bởi: Nguyễn Văn An".into(), "Ngày ký: 22/11/2026".into()],
        font: Some(std::sync::Arc::new(font)),
        ..Default::default()
    });
    let (output, digest, field) = sign_dummy(&input, &request);
    assert_signed_output(&input, &output, &digest, &field);
    if std::env::var_os("KYSO_KEEP_RENDER").is_some() {
        std::fs::write("/tmp/kyso-visible.pdf", &output).expect("write");
    }
    let Some(image) = render_gray(&output) else {
        return;
    };
    let inside = dark_pixels_in(&image, [100, 600, 400, 700]);
    let outside = dark_pixels_in(&image, [100, 400, 400, 500]);
    assert!(
        inside > 100,
        "text is drawn inside the widget ({inside} dark pixels)"
    );
    assert_eq!(outside, 0, "nothing is drawn elsewhere");
}

#[test]
fn draws_nothing_for_an_invisible_signature() {
    let input = simple_pdf();
    let (output, _, _) = sign_dummy(&input, &request());
    let Some(image) = render_gray(&output) else {
        return;
    };
    assert_eq!(dark_pixels_in(&image, [0, 0, 595, 842]), 0);
}

#[test]
fn signs_reconstructed_object_stream_file_with_an_xref_stream() {
    let Some(data) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let Some(mut input) = qpdf_transform(&data, &["--object-streams=generate"]) else {
        return;
    };
    let at = input
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref")
        + 10;
    input[at] = b'1';
    assert!(Document::open(&input).expect("opens").is_reconstructed());
    let mut request = request();
    request.field_name = Some("Sig2".into());
    let (output, _, _) = sign_dummy(&input, &request);
    let doc = Document::open(&output).expect("output opens");
    assert!(
        !doc.is_reconstructed(),
        "the update's xref stream lists every object"
    );
    assert_eq!(doc.sections()[0].kind, XrefKind::Stream);
    let fields = signature_fields(&doc).expect("fields");
    assert!(fields.iter().any(|f| f.name == "Sig2" && f.is_signed()));
    assert!(fields.iter().any(|f| f.name == "Sig1" && !f.is_signed()));
    if let (Some(before), Some(after)) = (qpdf_check(&input), qpdf_check(&output)) {
        assert!(
            after <= before,
            "no new qpdf problems ({before} -> {after})"
        );
    }
}

fn form_pdf(fields: &str) -> Vec<u8> {
    build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /Annots 4 0 R >>",
            "[]",
            &format!("<< /Fields {fields} >>"),
            "[]",
        ],
        "",
    )
}

#[test]
fn updates_indirect_fields_and_annots_arrays_in_place() {
    let input = form_pdf("6 0 R");
    let (output, digest, field) = sign_dummy(&input, &request());
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    let fields = doc
        .get(kyso_pdf::object::ObjRef::new(6))
        .expect("fields array");
    let annots = doc
        .get(kyso_pdf::object::ObjRef::new(4))
        .expect("annots array");
    assert_eq!(
        fields.as_array().map(<[Object]>::len),
        Some(1),
        "the indirect /Fields array grew"
    );
    assert_eq!(fields, annots, "the merged field/widget is in both arrays");
    let form = doc.get(kyso_pdf::object::ObjRef::new(5)).expect("form");
    assert_eq!(form.get("SigFlags"), Some(&Object::Int(3)));
    assert_eq!(
        form.get("Fields"),
        Some(&Object::Ref(kyso_pdf::object::ObjRef::new(6)))
    );
}

#[test]
fn updates_direct_fields_array_of_an_indirect_form() {
    let input = form_pdf("[]");
    let (output, digest, field) = sign_dummy(&input, &request());
    assert_signed_output(&input, &output, &digest, &field);
    let doc = Document::open(&output).expect("opens");
    let form = doc.get(kyso_pdf::object::ObjRef::new(5)).expect("form");
    assert_eq!(
        form.get("Fields")
            .and_then(Object::as_array)
            .map(<[Object]>::len),
        Some(1)
    );
}
