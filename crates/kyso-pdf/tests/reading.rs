//! The lazy reader: every cross-reference style, revisions, pages; and hostile input, which
//! must give typed errors, never a panic or a hang.

mod common;

use common::*;
use kyso_pdf::object::{ObjRef, Object};
use kyso_pdf::sign::{prepare, signature_fields, SignatureRequest};
use kyso_pdf::{Document, Error, XrefEntry, XrefKind};

#[test]
fn reads_classic_file_catalog_and_pages() {
    let Some(data) = corpus("minimal.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    assert_eq!(doc.sections()[0].kind, XrefKind::Table);
    assert_eq!(
        doc.catalog().expect("catalog").get(b"Type".as_slice()),
        Some(&Object::name("Catalog"))
    );
    assert_eq!(doc.page_count().expect("pages"), 1);
    assert!(doc.page(0).expect("page 0").media_box.is_some());
    assert_eq!(doc.revisions(), &[data.len() as u64]);
}

#[test]
fn rejects_page_index_past_the_end() {
    let Some(data) = corpus("minimal.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    assert!(matches!(
        doc.page(1),
        Err(Error::PageOutOfRange { index: 1, count: 1 })
    ));
}

#[test]
fn reads_xref_stream_file() {
    let Some(data) = corpus("minimal-xref.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    assert_eq!(doc.sections()[0].kind, XrefKind::Stream);
    assert_eq!(doc.page_count().expect("pages"), 1);
}

#[test]
fn reads_objects_from_object_streams() {
    let Some(data) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let Some(packed) = qpdf_transform(&data, &["--object-streams=generate"]) else {
        return;
    };
    let doc = Document::open(&packed).expect("opens");
    let catalog = doc.catalog_ref().expect("root");
    assert!(matches!(
        doc.entry(catalog.num),
        Some(XrefEntry::InObjectStream { .. })
    ));
    let names: Vec<_> = signature_fields(&doc)
        .expect("fields")
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["Sig1", "Sig2"]);
}

#[test]
fn reads_hybrid_file_objects_hidden_in_the_xref_stream() {
    let Some(data) = corpus("minimal-hybrid-xref.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    assert!(doc.sections().iter().any(|s| s.hybrid_stream.is_some()));
    assert!(
        doc.entry(6).is_some(),
        "object 6 exists only in the hybrid stream"
    );
    assert_ne!(doc.get(ObjRef::new(6)).expect("resolves"), Object::Null);
}

#[test]
fn reads_every_mildly_broken_startxref() {
    for name in [
        "minimal-startxref-obo1.pdf",
        "minimal-startxref-obo2.pdf",
        "minimal-startxref-obo3.pdf",
        "minimal-startxref-obo4.pdf",
        "minimal-startxref-obo5.pdf",
        "minimal-startxref-obo6.pdf",
        "minimal-startxref-same-line.pdf",
        "minimal-badxref.pdf",
        "minimal-annotless.pdf",
        "malformed-xref-space-padded.pdf",
    ] {
        let Some(data) = corpus(name) else { return };
        let doc = Document::open(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            doc.page_count().unwrap_or_else(|e| panic!("{name}: {e}")),
            1,
            "{name}"
        );
    }
}

#[test]
fn rejects_hopeless_startxref() {
    for name in [
        "minimal-startxref-hopeless2.pdf",
        "minimal-startxref-hopeless3.pdf",
    ] {
        let Some(data) = corpus(name) else { return };
        assert!(Document::open(&data).is_err(), "{name} must not open");
    }
}

#[test]
fn counts_revisions_of_incrementally_updated_files() {
    let Some(data) = corpus("minimal-two-fields-signed-twice.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    let fields = signature_fields(&doc).expect("fields");
    assert_eq!(fields.iter().filter(|f| f.is_signed()).count(), 2);
    // Each signature covers exactly a revision.
    for field in &fields {
        let value = field.value.as_ref().expect("signed");
        let end = (value.byte_range[2] + value.byte_range[3]) as u64;
        assert!(
            doc.revisions().contains(&end),
            "{} ends at a revision boundary",
            field.name
        );
    }
}

#[test]
fn lists_signatures_of_pades_lta_file() {
    let Some(data) = corpus("pades-lta-dss-indirect-arrs-test.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    let subfilters: Vec<_> = signature_fields(&doc)
        .expect("fields")
        .into_iter()
        .filter_map(|f| f.value.and_then(|v| v.sub_filter))
        .collect();
    assert!(
        subfilters.iter().any(|s| s == "ETSI.RFC3161"),
        "{subfilters:?}"
    );
    assert!(
        subfilters.iter().any(|s| s == "ETSI.CAdES.detached"),
        "{subfilters:?}"
    );
}

#[test]
fn opens_every_pyhanko_corpus_file_without_panicking() {
    if corpus("minimal.pdf").is_none() {
        return;
    }
    let Ok(dir) = std::fs::read_dir(CORPUS) else {
        eprintln!("skipped: corpus directory {CORPUS} missing");
        return;
    };
    let mut opened = 0;
    for entry in dir.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        let data = std::fs::read(&path).expect("readable");
        if let Ok(doc) = Document::open(&data) {
            opened += 1;
            let _ = doc.page_count();
            let _ = signature_fields(&doc);
            let _ = prepare(&doc, &SignatureRequest::new(100));
        }
    }
    assert!(opened > 40, "most of the corpus opens ({opened})");
}

#[test]
fn rejects_circular_page_tree() {
    let Some(data) = corpus("circular-page-tree.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    assert!(doc.page(0).is_ok(), "the first page is reachable");
    assert!(matches!(doc.page_count(), Err(Error::ReferenceCycle(_))));
}

#[test]
fn rejects_circular_form_tree() {
    let Some(data) = corpus("form-tree-circular-ref-input.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    assert!(matches!(
        signature_fields(&doc),
        Err(Error::ReferenceCycle(_))
    ));
    assert!(prepare(&doc, &SignatureRequest::new(100)).is_err());
}

#[test]
fn rejects_illegal_header() {
    let Some(data) = corpus("minimal-illegal-header.pdf") else {
        return;
    };
    assert!(matches!(Document::open(&data), Err(Error::NotPdf)));
}

#[test]
fn rejects_every_truncation_before_the_startxref_offset() {
    for data in [Some(simple_pdf()), corpus("minimal-xref.pdf")]
        .into_iter()
        .flatten()
    {
        let keyword = data
            .windows(9)
            .rposition(|w| w == b"startxref")
            .expect("has startxref");
        for len in 0..data.len() {
            let prefix = &data[..len];
            match Document::open(prefix) {
                Err(_) => {}
                Ok(doc) => {
                    assert!(len > keyword + 10, "prefix of {len} bytes opened");
                    let _ = doc.page_count();
                    let _ = prepare(&doc, &SignatureRequest::new(10));
                }
            }
        }
    }
}

#[test]
fn rejects_garbage() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in [0usize, 1, 5, 100, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        assert!(matches!(Document::open(&bytes), Err(Error::NotPdf)));
        let mut with_header = b"%PDF-1.7\n".to_vec();
        with_header.extend_from_slice(&bytes);
        assert!(Document::open(&with_header).is_err());
    }
}

#[test]
fn rejects_prev_pointing_to_itself() {
    let data = simple_pdf();
    let xref = data
        .windows(6)
        .rposition(|w| w == b"\nxref\n")
        .expect("xref")
        + 1;
    let looped = build_pdf_with_trailer(&format!("/Prev {xref}"));
    assert_eq!(
        looped.windows(6).rposition(|w| w == b"\nxref\n"),
        Some(xref - 1)
    );
    assert!(matches!(
        Document::open(&looped),
        Err(Error::XrefLoop { .. })
    ));
}

#[test]
fn rejects_prev_chain_cycling_through_two_sections() {
    // Section A (at the end) says /Prev B; section B says /Prev A.
    let mut data = simple_pdf();
    let first_xref = data
        .windows(6)
        .rposition(|w| w == b"\nxref\n")
        .expect("xref")
        + 1;
    let second_xref = data.len();
    let trailer_b = format!(
        "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 5 /Root 1 0 R /Prev {first_xref} >>\nstartxref\n{second_xref}\n%%EOF\n"
    );
    data.extend_from_slice(trailer_b.as_bytes());
    // Point the first trailer's /Prev at the second section by rewriting the first trailer.
    let id = data
        .windows(19)
        .position(|w| w == b"/ID [<0102> <0102>]")
        .expect("first trailer /ID");
    data[id..id + 19].copy_from_slice(format!("/Prev {second_xref:<13}").as_bytes());
    assert!(matches!(Document::open(&data), Err(Error::XrefLoop { .. })));
}

fn build_pdf_with_trailer(extra: &str) -> Vec<u8> {
    build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << >> >>",
            "<< /Length 7 >>\nstream\n0 0 m S\nendstream",
        ],
        extra,
    )
}

#[test]
fn rejects_deep_nesting_in_an_object() {
    let deep = format!(
        "<< /Type /Catalog /Pages 2 0 R /Deep {} >>",
        "[".repeat(10_000)
    );
    let data = build_pdf(&[&deep, "<< /Type /Pages /Kids [] /Count 0 >>"], "");
    let doc = Document::open(&data).expect("only the xref is read at open");
    assert!(matches!(doc.catalog(), Err(Error::TooDeep { .. })));
}

#[test]
fn rejects_deep_nesting_in_the_trailer() {
    let data = build_pdf(
        &["<< /Type /Catalog >>"],
        &format!("/X {}", "[".repeat(10_000)),
    );
    let result = Document::open(&data);
    assert!(matches!(result, Err(Error::TooDeep { .. })), "{result:?}");
}

#[test]
fn rejects_reference_cycles() {
    let data = build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R /Loop 3 0 R >>",
            "<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
            "3 0 R",
        ],
        "",
    );
    let doc = Document::open(&data).expect("opens");
    let catalog = doc.catalog().expect("catalog");
    assert!(matches!(
        doc.resolve(catalog.get(b"Loop".as_slice()).expect("loop")),
        Err(Error::ReferenceCycle(_))
    ));
    assert!(matches!(doc.page_count(), Err(Error::ReferenceCycle(_))));
}

#[test]
fn rejects_stream_length_pointing_at_itself() {
    let data = build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [] /Count 0 >>",
            "<< /Length 3 0 R >>\nstream\nabc\nendstream",
        ],
        "",
    );
    let doc = Document::open(&data).expect("opens");
    // The self-referencing /Length is ignored; the data is found by its endstream.
    let (_, raw) = doc
        .get_stream(ObjRef::new(3))
        .expect("loads")
        .expect("a stream");
    assert_eq!(raw, b"abc");
}

#[test]
fn rejects_encrypted_documents() {
    let data = build_pdf(
        &["<< /Type /Catalog >>", "<< /Filter /Standard /V 2 >>"],
        "/Encrypt 2 0 R",
    );
    assert!(matches!(Document::open(&data), Err(Error::Encrypted)));
}

#[test]
fn reads_the_same_document_unencrypted() {
    let data = build_pdf(
        &["<< /Type /Catalog >>", "<< /Filter /Standard /V 2 >>"],
        "",
    );
    assert!(Document::open(&data).is_ok());
}

#[test]
fn rejects_object_at_the_wrong_offset() {
    let mut data = simple_pdf();
    // Point object 3's entry a few bytes off, and make sure no scan can find it.
    let third = data
        .windows(7)
        .position(|w| w == b"3 0 obj")
        .expect("object 3");
    data[third] = b'9';
    let doc = Document::open(&data).expect("opens");
    let result = doc.get(ObjRef::new(3));
    assert!(
        matches!(result, Err(Error::ObjectMismatch(_))),
        "{result:?}"
    );
}

#[test]
fn reports_missing_objects_as_null() {
    let doc_data = simple_pdf();
    let doc = Document::open(&doc_data).expect("opens");
    assert_eq!(doc.get(ObjRef::new(999)).expect("resolves"), Object::Null);
}

#[test]
fn reconstructs_file_whose_xref_offset_points_nowhere() {
    let mut data = simple_pdf();
    let at = data
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref")
        + 10;
    data[at] = b'1';
    let doc = Document::open(&data).expect("opens by scanning");
    assert!(doc.is_reconstructed());
    assert_eq!(doc.page_count().expect("pages"), 1);
}

/// A small xorshift generator: the mutation tests must be reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn survives_random_byte_mutations_without_panicking() {
    let mut inputs = vec![simple_pdf()];
    inputs.extend(corpus("minimal-xref.pdf"));
    inputs.extend(corpus("minimal-two-fields.pdf"));
    if let Some(packed) = corpus("minimal-two-fields.pdf")
        .and_then(|d| qpdf_transform(&d, &["--object-streams=generate"]))
    {
        inputs.push(packed);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let tokens: [&[u8]; 8] = [
        b"<<",
        b">>",
        b"[",
        b"]",
        b" R ",
        b"0",
        b"obj",
        b"9999999999",
    ];
    // KYSO_MUTATIONS raises the count for a longer local run.
    let rounds: usize = std::env::var("KYSO_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    for input in &inputs {
        for _ in 0..rounds {
            let mut data = input.clone();
            for _ in 0..(rng.next() % 4 + 1) {
                let at = (rng.next() % data.len() as u64) as usize;
                if rng.next().is_multiple_of(2) {
                    data[at] = rng.next() as u8;
                } else {
                    let token = tokens[(rng.next() % tokens.len() as u64) as usize];
                    let end = (at + token.len()).min(data.len());
                    data[at..end].copy_from_slice(&token[..end - at]);
                }
            }
            if let Ok(doc) = Document::open(&data) {
                let _ = doc.page_count();
                let _ = signature_fields(&doc);
                if let Ok(update) = prepare(&doc, &SignatureRequest::new(64)) {
                    assert!(update.byte_range()[1] >= data.len() as u64);
                }
            }
        }
    }
}

#[test]
fn opens_each_revision_as_the_document_it_was() {
    let Some(data) = corpus("minimal-two-fields-signed-twice.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    let signed_per_revision: Vec<usize> = doc
        .revisions()
        .iter()
        .map(|end| {
            let old = Document::open(&data[..*end as usize]).expect("each revision opens");
            signature_fields(&old)
                .expect("fields")
                .iter()
                .filter(|f| f.is_signed())
                .count()
        })
        .collect();
    // Adobe Reader rewrote the file when it made the first signature (in field Sig2), then
    // appended the second: pdfsig and pyHanko see the same two revisions.
    assert_eq!(signed_per_revision, [1, 2]);
}

#[test]
fn rejects_a_cut_inside_the_last_revision_as_that_revision() {
    let Some(data) = corpus("minimal-two-fields-signed-twice.pdf") else {
        return;
    };
    let doc = Document::open(&data).expect("opens");
    let ends = doc.revisions();
    let [.., before_last, last] = ends else {
        panic!("several revisions")
    };
    // A prefix ending between two revision ends is the older revision plus junk: its
    // startxref is the older one's, so the later signature is not seen.
    let cut = (*before_last + (*last - *before_last) / 2) as usize;
    let partial = Document::open(&data[..cut]).expect("opens by the older startxref");
    let signed = signature_fields(&partial)
        .expect("fields")
        .iter()
        .filter(|f| f.is_signed())
        .count();
    assert!(signed < 2);
}

#[test]
fn accepts_trailing_garbage_and_eol_variants_after_eof() {
    let base = simple_pdf();
    let trimmed = base.strip_suffix(b"%%EOF\n").expect("ends with %%EOF");
    for tail in [
        &b"%%EOF"[..],
        b"%%EOF\r",
        b"%%EOF\r\n",
        b"%%EOF\n\0\0\0\0",
        b"%%EOF\ngarbage 1 2 3 obj",
    ] {
        let mut data = trimmed.to_vec();
        data.extend_from_slice(tail);
        let doc = Document::open(&data).unwrap_or_else(|e| panic!("{tail:?}: {e}"));
        assert_eq!(doc.page_count().expect("pages"), 1);
        assert!(doc.revisions()[0] <= data.len() as u64);
    }
}

#[test]
fn rejects_startxref_followed_by_a_second_number() {
    let base = simple_pdf();
    let text = base.strip_suffix(b"%%EOF\n").expect("ends with %%EOF");
    let mut data = text.to_vec();
    data.extend_from_slice(b"565\n%%EOF\n");
    assert!(matches!(
        Document::open(&data),
        Err(Error::StartXrefNotFound)
    ));
}

#[test]
fn reconstructs_object_stream_file_whose_xref_offset_points_nowhere() {
    let Some(data) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let Some(mut packed) = qpdf_transform(&data, &["--object-streams=generate"]) else {
        return;
    };
    let at = packed
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref")
        + 10;
    packed[at] = b'1';
    let doc = Document::open(&packed).expect("opens by scanning");
    assert!(doc.is_reconstructed());
    assert!(matches!(
        doc.entry(doc.catalog_ref().expect("root").num),
        Some(XrefEntry::InObjectStream { .. })
    ));
    let names: Vec<_> = signature_fields(&doc)
        .expect("fields")
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["Sig1", "Sig2"]);
}

#[test]
fn rejects_reconstruction_when_the_object_stream_is_corrupt() {
    let Some(data) = corpus("minimal-two-fields.pdf") else {
        return;
    };
    let Some(mut packed) = qpdf_transform(&data, &["--object-streams=generate"]) else {
        return;
    };
    let at = packed
        .windows(10)
        .rposition(|w| w == b"startxref\n")
        .expect("startxref")
        + 10;
    packed[at] = b'1';
    // Break every object stream's compressed data: the catalog inside cannot be recovered.
    let mut search = 0;
    while let Some(found) = packed[search..].windows(7).position(|w| w == b"/ObjStm") {
        let stream = search
            + found
            + packed[search + found..]
                .windows(7)
                .position(|w| w == b"stream\n")
                .expect("data")
            + 7;
        packed[stream..stream + 8].copy_from_slice(b"garbage!");
        search = stream;
    }
    let result = Document::open(&packed).and_then(|doc| signature_fields(&doc).map(|f| f.len()));
    assert!(result.is_err(), "{result:?}");
}

#[test]
fn inherits_page_attributes_from_the_tree() {
    let data = build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] /Rotate 90 /Resources << /Font << >> >> >>",
            "<< /Type /Page /Parent 2 0 R >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Rotate 0 >>",
        ],
        "",
    );
    let doc = Document::open(&data).expect("opens");
    let first = doc.page(0).expect("page 0");
    assert_eq!(first.media_box, Some([0.0, 0.0, 595.0, 842.0]));
    assert_eq!(first.rotate, 90);
    assert!(first.resources.is_some(), "resources are inherited");
    assert_eq!(first.reference, ObjRef::new(3));
    let second = doc.page(1).expect("page 1");
    assert_eq!(
        second.media_box,
        Some([0.0, 0.0, 300.0, 300.0]),
        "own attributes override"
    );
    assert_eq!(second.rotate, 0);
}

#[test]
fn rejects_page_tree_kid_that_is_not_a_reference() {
    let data = build_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [<< /Type /Page >>] /Count 1 >>",
        ],
        "",
    );
    let doc = Document::open(&data).expect("opens");
    assert!(matches!(doc.page(0), Err(Error::WrongType { .. })));
}
