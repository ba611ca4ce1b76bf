//! `kyso sign --profile approve|issue|attach|copy`: the records roles of Decree 30/2020, judged
//! on the rendered page (pdftoppm), on the extracted text (pdftotext) and by pyHanko and pdfsig;
//! `--anchor` over the Vietnamese corpus; the configuration's named setups; Vietnamese output.
//!
//! One PNG per role is written to tests/artefacts/profile-*.png for a person to look at.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixtures::pki;
use crate::peers::require_peers;
use crate::peers::{assert_pdfsig_valid, assert_pyhanko_valid, assert_qpdf_clean, nss_db};
use crate::util::{repo_root, require_path, require_tool, shared_dir, Dir, TestCommand};

const PASS: &str = "kyso";
/// Rendering resolution of the pixel checks.
const DPI: f64 = 72.0;

fn corpus() -> Option<PathBuf> {
    require_path(&shared_dir().join("corpora/vn-docs"))
}

/// `kyso sign` with a PKCS#12 key of the test PKI (`rsa2048` personal, `agency` organization).
fn sign_with(dir: &Dir, key: &str) -> TestCommand {
    let mut cmd = dir.kyso();
    cmd.arg("sign")
        .arg("--p12")
        .arg(pki().path(&format!("{key}.p12")))
        .args(["--pass-env", "KYSO_TEST_PASS"])
        .env("KYSO_TEST_PASS", PASS);
    cmd
}

fn run_failing(cmd: &mut TestCommand) -> String {
    let out = cmd.output();
    assert!(
        !out.status.success(),
        "kyso succeeded where it must fail:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A rendered page: RGB pixels from `pdftoppm` (PPM), with the page height in points to map
/// PDF coordinates.
struct Render {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Render {
    fn page(pdf: &Path, page: usize, dir: &Dir) -> Self {
        let prefix = dir.join(&format!("render-{page}"));
        let status = Command::new("pdftoppm")
            .args(["-r", &DPI.to_string(), "-singlefile"])
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(pdf)
            .arg(&prefix)
            .status()
            .expect("run pdftoppm");
        assert!(status.success(), "pdftoppm failed on {}", pdf.display());
        let data = std::fs::read(prefix.with_extension("ppm")).expect("read ppm");
        Self::from_ppm(&data)
    }

    fn from_ppm(data: &[u8]) -> Self {
        // "P6\n<w> <h>\n255\n" then RGB bytes.
        let mut fields = Vec::new();
        let mut pos = 0;
        while fields.len() < 4 {
            while data[pos].is_ascii_whitespace() {
                pos += 1;
            }
            let start = pos;
            while !data[pos].is_ascii_whitespace() {
                pos += 1;
            }
            fields.push(String::from_utf8_lossy(&data[start..pos]).into_owned());
        }
        assert_eq!(fields[0], "P6");
        let width: usize = fields[1].parse().expect("width");
        let height: usize = fields[2].parse().expect("height");
        let rgb = data[pos + 1..].to_vec();
        assert_eq!(rgb.len(), width * height * 3);
        Self { width, height, rgb }
    }

    /// Bounding box, in PDF points (origin lower-left), of the pixels `keep` accepts, and
    /// their count.
    fn bbox_pt(
        &self,
        page_height_pt: f64,
        keep: impl Fn([u8; 3]) -> bool,
    ) -> Option<([f64; 4], usize)> {
        let mut b: Option<[usize; 4]> = None;
        let mut count = 0;
        for y in 0..self.height {
            for x in 0..self.width {
                let i = (y * self.width + x) * 3;
                let px = [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]];
                if keep(px) {
                    count += 1;
                    b = Some(match b {
                        None => [x, y, x, y],
                        Some([x1, y1, x2, y2]) => [x1.min(x), y1.min(y), x2.max(x), y2.max(y)],
                    });
                }
            }
        }
        let [x1, y1, x2, y2] = b?;
        let pt = 72.0 / DPI;
        Some((
            [
                x1 as f64 * pt,
                page_height_pt - (y2 + 1) as f64 * pt,
                (x2 + 1) as f64 * pt,
                page_height_pt - y1 as f64 * pt,
            ],
            count,
        ))
    }

    /// Pixels `keep` accepts inside a PDF-point rectangle.
    fn count_in(
        &self,
        page_height_pt: f64,
        rect: [f64; 4],
        keep: impl Fn([u8; 3]) -> bool,
    ) -> usize {
        let px = DPI / 72.0;
        let x1 = (rect[0] * px).floor().max(0.0) as usize;
        let x2 = ((rect[2] * px).ceil() as usize).min(self.width);
        let y1 = ((page_height_pt - rect[3]) * px).floor().max(0.0) as usize;
        let y2 = (((page_height_pt - rect[1]) * px).ceil() as usize).min(self.height);
        let mut n = 0;
        for y in y1..y2 {
            for x in x1..x2 {
                let i = (y * self.width + x) * 3;
                if keep([self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]) {
                    n += 1;
                }
            }
        }
        n
    }
}

/// The signature ink of sig-blue.png (RGB 18,46,168), anti-aliased.
fn is_blue(p: [u8; 3]) -> bool {
    let [r, g, b] = p.map(i32::from);
    b > 110 && b - r > 60 && b - g > 40
}

/// The seal ink of seal-red.png (RGB 214,28,38), anti-aliased.
fn is_red(p: [u8; 3]) -> bool {
    let [r, g, b] = p.map(i32::from);
    r > 150 && r - g > 80 && r - b > 80
}

fn is_dark(p: [u8; 3]) -> bool {
    p.iter().all(|c| *c < 100)
}

/// Renders page `page` of `pdf` into tests/artefacts/NAME.png for a person to look at.
fn save_artefact(pdf: &Path, page: usize, name: &str) {
    let dir = repo_root().join("tests/artefacts");
    std::fs::create_dir_all(&dir).expect("create artefacts dir");
    let status = Command::new("pdftoppm")
        .args(["-r", "100", "-png", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(dir.join(name))
        .status()
        .expect("run pdftoppm");
    assert!(status.success());
}

/// `pdftotext` of one page, optionally cropped to a PDF-point rectangle.
fn page_text(pdf: &Path, page: usize, crop: Option<([f64; 4], f64)>) -> String {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-f", &page.to_string(), "-l", &page.to_string(), "-r", "72"]);
    if let Some(([x1, y1, x2, y2], height)) = crop {
        cmd.args([
            "-x",
            &(x1.floor() as i64).to_string(),
            "-y",
            &((height - y2).floor() as i64).to_string(),
            "-W",
            &((x2 - x1).ceil() as i64).to_string(),
            "-H",
            &((y2 - y1).ceil() as i64).to_string(),
        ]);
    }
    let out = cmd.arg(pdf).arg("-").output().expect("run pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// Word boxes of page `page` from `pdftotext -bbox`: (word, [xMin, yMin, xMax, yMax]) with y
/// measured down from the top.
fn word_boxes(pdf: &Path, page: usize) -> Vec<(String, [f64; 4])> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext -bbox");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |line: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let start = line.find(&key).expect("attribute") + key.len();
        let rest = &line[start..];
        rest[..rest.find('"').expect("quote")]
            .parse()
            .expect("number")
    };
    text.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let word =
                l[l.find('>').expect(">") + 1..l.rfind("</word>").expect("</word>")].to_owned();
            (
                word,
                [
                    attr(l, "xMin"),
                    attr(l, "yMin"),
                    attr(l, "xMax"),
                    attr(l, "yMax"),
                ],
            )
        })
        .collect()
}

/// The corpus manifest: one map of column → value per PDF.
fn manifest(corpus: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(corpus.join("manifest.tsv")).expect("read manifest");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(k, v)| ((*k).to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(',')
        .map(|v| v.trim().parse().expect("number"))
        .collect()
}

const A4_HEIGHT: f64 = 841.89;

/// Signs `file` of the corpus as approve with `--anchor name`, returning the output.
fn approve(dir: &Dir, corpus: &Path, file: &str, name: &str, out: &str) -> PathBuf {
    let output = dir.join(out);
    sign_with(dir, "rsa2048")
        .args(["--profile", "approve", "--anchor", name, "--image"])
        .arg(corpus.join("sig-blue.png"))
        .arg(corpus.join(file))
        .arg("-o")
        .arg(&output)
        .stdout();
    output
}

#[test]
fn approve_places_the_blue_signature_between_title_and_name() {
    let Some(corpus) = corpus() else { return };
    if !require_tool("pdftoppm") {
        return;
    }
    let dir = Dir::new("profile-approve");
    let rows = manifest(&corpus);
    let row = rows
        .iter()
        .find(|r| r["file"].starts_with("01-"))
        .expect("row 01");
    let out = approve(
        &dir,
        &corpus,
        &row["file"],
        &row["signer_name"],
        "approve.pdf",
    );
    let name = numbers(&row["anchor_rect_pdf"]);
    let title_bottom = A4_HEIGHT - numbers(&row["title_bbox"])[3];
    let render = Render::page(&out, 2, &dir);
    let (ink, count) = render
        .bbox_pt(A4_HEIGHT, is_blue)
        .expect("blue ink on page 2");
    assert!(count > 500, "{count} blue pixels");
    assert!(
        ink[1] >= name[3] - 1.0,
        "signature above the name: {ink:?} vs {name:?}"
    );
    assert!(
        ink[3] <= title_bottom + 1.0,
        "signature below the title: {ink:?}"
    );
    let centre = (name[0] + name[2]) / 2.0;
    assert!(
        ink[0] < centre && ink[2] > centre,
        "signature across the name's centre"
    );
    assert!(
        ((ink[0] + ink[2]) / 2.0 - centre).abs() < 25.0,
        "signature roughly centred on the name: {ink:?}"
    );
    // Page 1 carries no signature.
    assert!(Render::page(&out, 1, &dir)
        .bbox_pt(A4_HEIGHT, is_blue)
        .is_none());
    save_artefact(&out, 2, "profile-approve");
}

#[test]
fn approve_refuses_an_anchor_that_is_not_printed_and_writes_nothing() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-approve-missing");
    let out = dir.join("never.pdf");
    let message = run_failing(
        sign_with(&dir, "rsa2048")
            .args([
                "--profile",
                "approve",
                "--anchor",
                "Nguyễn Văn Không Có",
                "--image",
            ])
            .arg(corpus.join("sig-blue.png"))
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .arg("-o")
            .arg(&out),
    );
    assert!(message.contains("Nguyễn Văn Không Có"), "{message}");
    assert!(message.contains("--page and --rect"), "{message}");
    assert!(
        !out.exists(),
        "an output was written for a failed placement"
    );
}

#[test]
fn approve_searches_only_the_page_given_with_page() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-approve-page");
    // In file 09 the signer block is on page 1 of 30: found there, not on page 2.
    approve_on_page(&dir, &corpus, "1", "p1.pdf").stdout();
    let message = run_failing(&mut approve_on_page(&dir, &corpus, "2", "p2.pdf"));
    assert!(message.contains("page 2"), "{message}");
}

fn approve_on_page(dir: &Dir, corpus: &Path, page: &str, out: &str) -> TestCommand {
    let mut cmd = sign_with(dir, "rsa2048");
    cmd.args([
        "--profile",
        "approve",
        "--anchor",
        "Trần Quang Huy",
        "--page",
        page,
    ])
    .arg("--image")
    .arg(corpus.join("sig-blue.png"))
    .arg(corpus.join("09-quyet-dinh-quy-che-dai.pdf"))
    .arg("-o")
    .arg(dir.join(out));
    cmd
}

#[test]
fn approve_fills_an_existing_signature_field_of_the_template() {
    let Some(corpus) = corpus() else { return };
    let Some(pyhanko) = crate::peers::pyhanko() else {
        assert!(!crate::util::in_ci(), "pyhanko missing in CI");
        return;
    };
    if !require_tool("pdftoppm") {
        return;
    }
    let dir = Dir::new("profile-approve-field");
    let template = dir.join("template.pdf");
    let status = Command::new(pyhanko)
        .args(["sign", "addfields", "--field", "2/360,530,490,595/LanhDao"])
        .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
        .arg(&template)
        .status()
        .expect("run pyhanko addfields");
    assert!(status.success());
    let out = dir.join("out.pdf");
    let stdout = sign_with(&dir, "rsa2048")
        .args(["--profile", "approve", "--field", "LanhDao", "--image"])
        .arg(corpus.join("sig-blue.png"))
        .arg(&template)
        .arg("-o")
        .arg(&out)
        .stdout();
    assert!(stdout.contains("LanhDao"), "{stdout}");
    let render = Render::page(&out, 2, &dir);
    let (_, total) = render.bbox_pt(A4_HEIGHT, is_blue).expect("blue ink");
    let inside = render.count_in(A4_HEIGHT, [359.0, 529.0, 491.0, 596.0], is_blue);
    assert_eq!(inside, total, "signature ink outside the template's field");
    // The twin: a field the template does not have.
    let message = run_failing(
        sign_with(&dir, "rsa2048")
            .args(["--profile", "approve", "--field", "ChuTich", "--image"])
            .arg(corpus.join("sig-blue.png"))
            .arg(&template)
            .arg("-o")
            .arg(dir.join("never.pdf")),
    );
    assert!(message.contains("ChuTich"), "{message}");
}

#[test]
fn approve_with_an_agency_certificate_warns_that_approval_is_personal() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-approve-role");
    let sign = |key: &str, out: &str| {
        sign_with(&dir, key)
            .args([
                "--profile",
                "approve",
                "--anchor",
                "Lê Quốc Dũng",
                "--image",
            ])
            .arg(corpus.join("sig-blue.png"))
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .arg("-o")
            .arg(dir.join(out))
            .output()
    };
    let agency = sign("agency", "agency.pdf");
    assert!(agency.status.success());
    let warning = String::from_utf8_lossy(&agency.stderr);
    assert!(
        warning.contains("personal") && warning.contains("organization"),
        "{warning}"
    );
    let person = sign("rsa2048", "person.pdf");
    assert!(person.status.success());
    assert!(
        person.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&person.stderr)
    );
}

#[test]
fn approve_refuses_to_search_text_on_a_scan_without_a_text_layer() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-approve-scan");
    let message = run_failing(
        sign_with(&dir, "rsa2048")
            .args([
                "--lang",
                "vi",
                "--profile",
                "approve",
                "--anchor",
                "Bùi Thị Hải Yến",
            ])
            .arg("--image")
            .arg(corpus.join("sig-blue.png"))
            .arg(corpus.join("10-cong-van-ban-quet.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("không có lớp chữ"), "{message}");
}

#[test]
fn anchor_places_signature_and_seal_for_every_signer_of_the_corpus() {
    let Some(corpus) = corpus() else { return };
    if !require_tool("pdftoppm") {
        return;
    }
    let dir = Dir::new("profile-anchor-corpus");
    let mut checked = 0;
    for row in manifest(&corpus) {
        if !row["profile"].contains("approve") {
            continue;
        }
        for (index, name) in row["signer_name"].split(';').enumerate() {
            let out = approve(
                &dir,
                &corpus,
                &row["file"],
                name,
                &format!("{index}-{}", row["file"]),
            );
            let pick = |col: &str| row[col].split(';').nth(index).expect("entry").to_owned();
            let page: usize = pick("anchor_page").parse().expect("page");
            let rect = numbers(&pick("anchor_rect_pdf"));
            let title_bottom = A4_HEIGHT - numbers(&pick("title_bbox"))[3];
            let centre = (rect[0] + rect[2]) / 2.0;
            // This signer's column: above the name, below the title, around its centre.
            let column = [
                centre - 90.0,
                rect[3] - 1.0,
                centre + 90.0,
                title_bottom + 1.0,
            ];
            let render = Render::page(&out, page, &dir);
            let (ink, count) = render
                .bbox_pt(A4_HEIGHT, is_blue)
                .unwrap_or_else(|| panic!("{}: no signature on page {page}", row["file"]));
            let inside = render.count_in(A4_HEIGHT, column, is_blue);
            assert!(
                inside > 300,
                "{} {name}: {inside} blue pixels in the signer block",
                row["file"]
            );
            assert_eq!(
                inside, count,
                "{} {name}: blue ink outside the block between title and name ({ink:?}, block {column:?})",
                row["file"]
            );
            // Then the clerk's seal, found from that signature's widget.
            let issued = dir.join(&format!("{index}-issued-{}", row["file"]));
            sign_with(&dir, "agency")
                .args(["--profile", "issue", "--image"])
                .arg(corpus.join("seal-red.png"))
                .arg(&out)
                .arg("-o")
                .arg(&issued)
                .stdout();
            assert_seal_over_left_third(&Render::page(&issued, page, &dir), A4_HEIGHT);
            checked += 1;
        }
    }
    // 12 signer blocks: files 01-07, 09, 11, 12 and both signers of 13.
    assert_eq!(checked, 12);
}

/// The seal's ink covers the left third of the signature and stops short of its middle.
fn assert_seal_over_left_third(render: &Render, page_height: f64) -> ([f64; 4], [f64; 4]) {
    let (sig, _) = render.bbox_pt(page_height, is_blue).expect("signature ink");
    let (seal, red) = render.bbox_pt(page_height, is_red).expect("seal ink");
    assert!(red > 1000, "{red} red pixels");
    let third = sig[0] + (sig[2] - sig[0]) / 3.0;
    let left_third = [sig[0], sig[1], third, sig[3]];
    let red_in_left_third = render.count_in(page_height, left_third, is_red);
    assert!(
        red_in_left_third > 100,
        "the seal does not cover the signature's left third"
    );
    assert!(
        seal[0] < sig[0],
        "the seal starts left of the signature: {seal:?} vs {sig:?}"
    );
    assert!(
        seal[2] > sig[0] + 5.0 && seal[2] < (sig[0] + sig[2]) / 2.0,
        "the seal's right edge {} is not within the signature's left half ({sig:?})",
        seal[2]
    );
    (sig, seal)
}

#[test]
fn issue_after_approve_puts_the_true_size_seal_over_the_left_third_and_both_validate() {
    let Some(corpus) = corpus() else { return };
    if !require_peers() || !require_tool("pdftoppm") {
        return;
    }
    let dir = Dir::new("profile-issue");
    let approved = approve(
        &dir,
        &corpus,
        "01-quyet-dinh-khen-thuong.pdf",
        "Lê Quốc Dũng",
        "a.pdf",
    );
    let issued = dir.join("issued.pdf");
    let stdout = sign_with(&dir, "agency")
        .args([
            "--profile",
            "issue",
            "--doc-number",
            "1247/QĐ-UBND",
            "--doc-date",
            "06/03/2026",
        ])
        .arg("--image")
        .arg(corpus.join("seal-red.png"))
        .arg(&approved)
        .arg("-o")
        .arg(&issued)
        .stdout();
    assert!(stdout.contains("Signature2"), "{stdout}");
    let render = Render::page(&issued, 2, &dir);
    let (_, seal) = assert_seal_over_left_third(&render, A4_HEIGHT);
    // True size: 36 mm = 102 pt (the PNG's 300 dpi); the ring's ink nearly fills the image.
    let width = seal[2] - seal[0];
    assert!(
        (95.0..=104.0).contains(&width),
        "seal {width} pt wide, not 36 mm"
    );
    save_artefact(&issued, 2, "profile-issue");

    let pki = pki();
    assert_eq!(assert_pyhanko_valid(&approved, &pki.root()), 1);
    assert_eq!(assert_pyhanko_valid(&issued, &pki.root()), 2);
    let nss = nss_db(dir.path(), &pki.root());
    assert_eq!(assert_pdfsig_valid(&issued, &nss), 2);
    assert_qpdf_clean(&issued);
    // The number and date are in the signature's reason.
    let raw = std::fs::read(&issued).expect("read");
    let update = &raw[std::fs::metadata(&approved).expect("meta").len() as usize..];
    let reason_utf16: Vec<u8> = "1247/QĐ-UBND"
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    assert!(
        update
            .windows(reason_utf16.len())
            .any(|w| w == reason_utf16.as_slice()),
        "the document number is not in the signature dictionary"
    );
}

#[test]
fn issue_with_an_anchor_seals_that_signer_block_of_a_joint_document() {
    let Some(corpus) = corpus() else { return };
    if !require_tool("pdftoppm") {
        return;
    }
    let dir = Dir::new("profile-issue-joint");
    // File 13: Phạm Văn Đức (lead agency, right block) signs first, Mai Xuân Trường (left) second.
    let file = "13-ke-hoach-lien-tich-2-nguoi-ky.pdf";
    let right = approve(&dir, &corpus, file, "Phạm Văn Đức", "right.pdf");
    let both = dir.join("both.pdf");
    sign_with(&dir, "rsa3072")
        .args([
            "--profile",
            "approve",
            "--anchor",
            "Mai Xuân Trường",
            "--image",
        ])
        .arg(corpus.join("sig-blue.png"))
        .arg(&right)
        .arg("-o")
        .arg(&both)
        .stdout();
    let seal = |anchor: Option<&str>, out: &str| -> [f64; 4] {
        let output = dir.join(out);
        let mut cmd = sign_with(&dir, "agency");
        cmd.args(["--profile", "issue", "--image"])
            .arg(corpus.join("seal-red.png"));
        if let Some(anchor) = anchor {
            cmd.args(["--anchor", anchor]);
        }
        cmd.arg(&both).arg("-o").arg(&output).stdout();
        let render = Render::page(&output, 1, &dir);
        render.bbox_pt(A4_HEIGHT, is_red).expect("seal ink").0
    };
    // The lead agency's block, chosen by its signer's name: the seal sits left of 390 pt.
    let lead = seal(Some("Phạm Văn Đức"), "lead.pdf");
    assert!(
        lead[2] > 330.0 && lead[2] < 420.0,
        "seal not on the right block: {lead:?}"
    );
    // The twin: without the anchor the latest signature (left block) gets the seal.
    let latest = seal(None, "latest.pdf");
    assert!(
        latest[2] < 250.0,
        "seal not on the latest (left) signature: {latest:?}"
    );
}

#[test]
fn issue_refuses_a_document_without_an_earlier_visible_signature() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-issue-alone");
    let message = run_failing(
        sign_with(&dir, "agency")
            .args(["--profile", "issue", "--image"])
            .arg(corpus.join("seal-red.png"))
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--profile approve first"), "{message}");
}

#[test]
fn issue_refuses_a_seal_of_unknown_size_instead_of_guessing() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-issue-size");
    // sig-blue.png states no DPI.
    let message = run_failing(
        sign_with(&dir, "agency")
            .args(["--profile", "issue", "--image"])
            .arg(corpus.join("sig-blue.png"))
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--seal-mm"), "{message}");
}

/// The corner stamp's words on page 1: every word of pdftotext -bbox in the top-right quarter.
fn corner_words(pdf: &Path, width: f64, height: f64) -> Vec<(String, [f64; 4])> {
    word_boxes(pdf, 1)
        .into_iter()
        .filter(|(_, b)| b[0] > width / 2.0 && b[3] < height * 0.12)
        .collect()
}

#[test]
fn attach_writes_number_and_time_in_the_top_right_corner_at_10_pt() {
    let Some(corpus) = corpus() else { return };
    if !require_peers() || !require_tool("pdftotext") {
        return;
    }
    let dir = Dir::new("profile-attach");
    let input = corpus.join("08-phu-luc-rieng-tep.pdf");
    let before = corner_words(&input, 841.89, 595.304);
    let out = dir.join("attach.pdf");
    sign_with(&dir, "agency")
        .args(["--profile", "attach", "--doc-number", "1247/QĐ-UBND"])
        .args(["--time-format", "dd.MM.yyyy HH:mm:ss zzz"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .stdout();
    // Landscape page: the corner is computed from the MediaBox (842 × 595).
    let words: Vec<(String, [f64; 4])> = corner_words(&out, 841.89, 595.304)
        .into_iter()
        .filter(|w| !before.contains(w))
        .collect();
    let text: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    assert!(text.contains(&"1247/QĐ-UBND"), "{text:?}");
    assert!(text.contains(&"+07:00"), "{text:?}");
    let date = text
        .iter()
        .find(|w| w.len() == 10 && w.matches('.').count() == 2);
    assert!(date.is_some(), "no dd.MM.yyyy date in {text:?}");
    for (word, b) in &words {
        // Liberation Serif at 10 pt: ascent + descent = 11.1 pt.
        let size = b[3] - b[1];
        assert!(
            (10.0..=12.0).contains(&size),
            "{word} is {size} pt tall, not 10 pt text"
        );
    }
    // The stamp's block ends at the 15 mm right margin and starts a few mm below the top edge.
    let right = words.iter().map(|(_, b)| b[2]).fold(0.0, f64::max);
    let top = words.iter().map(|(_, b)| b[1]).fold(f64::MAX, f64::min);
    assert!(
        (841.89 - 60.0..841.89 - 30.0).contains(&right),
        "stamp's right edge at {right}"
    );
    assert!(
        (5.0..30.0).contains(&top),
        "stamp's top {top} pt below the page's top edge"
    );
    let fonts = Command::new("pdffonts")
        .arg(&out)
        .output()
        .expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(
        fonts
            .lines()
            .any(|l| l.contains("LiberationSerif") && l.contains("yes yes yes")),
        "no embedded Liberation Serif subset with ToUnicode:\n{fonts}"
    );
    let render = Render::page(&out, 1, &dir);
    let corner = [841.89 - 200.0, 595.304 - 45.0, 841.89, 595.304];
    assert!(
        render.count_in(595.304, corner, is_dark) > 100,
        "no black text in the corner"
    );
    save_artefact(&out, 1, "profile-attach");
    let pki = pki();
    assert_eq!(assert_pyhanko_valid(&out, &pki.root()), 1);
    assert_eq!(
        assert_pdfsig_valid(&out, &nss_db(dir.path(), &pki.root())),
        1
    );
}

#[test]
fn attach_refuses_to_sign_without_a_document_number() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-attach-no-number");
    let message = run_failing(
        sign_with(&dir, "agency")
            .args(["--profile", "attach"])
            .arg(corpus.join("08-phu-luc-rieng-tep.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--doc-number"), "{message}");
}

#[test]
fn attach_refuses_a_time_pattern_with_unknown_fields() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-attach-pattern");
    let message = run_failing(
        sign_with(&dir, "agency")
            .args([
                "--profile",
                "attach",
                "--doc-number",
                "1/QĐ",
                "--time-format",
                "DD/MM/YYYY",
            ])
            .arg(corpus.join("08-phu-luc-rieng-tep.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("\"DD\""), "{message}");
}

#[test]
fn copy_stamps_the_copy_type_agency_from_the_certificate_and_time_on_a_scan() {
    let Some(corpus) = corpus() else { return };
    if !require_peers() || !require_tool("pdftotext") {
        return;
    }
    let dir = Dir::new("profile-copy");
    let out = dir.join("copy.pdf");
    sign_with(&dir, "agency")
        .args(["--profile", "copy", "--copy-type", "sao-luc"])
        .arg(corpus.join("10-cong-van-ban-quet.pdf"))
        .arg("-o")
        .arg(&out)
        .stdout();
    let (width, height) = (595.44, 842.04);
    // The scan has no text: everything pdftotext finds is the stamp, in NFC with diacritics.
    let text = page_text(&out, 1, None);
    assert!(text.contains("SAO LỤC"), "{text}");
    assert!(text.contains("Ủy ban nhân dân tỉnh Hà Tĩnh"), "{text}");
    assert!(text.contains("+07:00"), "{text}");
    let corner = page_text(
        &out,
        1,
        Some(([width / 2.0, height - 80.0, width, height], height)),
    );
    assert_eq!(
        corner.trim(),
        text.trim(),
        "stamp text outside the top-right corner"
    );
    for (word, b) in word_boxes(&out, 1) {
        let size = b[3] - b[1];
        assert!(
            (10.0..=12.0).contains(&size),
            "{word} is {size} pt tall, not 10 pt text"
        );
    }
    save_artefact(&out, 1, "profile-copy");
    let pki = pki();
    assert_eq!(assert_pyhanko_valid(&out, &pki.root()), 1);
    assert_eq!(
        assert_pdfsig_valid(&out, &nss_db(dir.path(), &pki.root())),
        1
    );
}

#[test]
fn copy_refuses_a_personal_certificate_without_an_agency_name() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-copy-no-agency");
    let message = run_failing(
        sign_with(&dir, "rsa2048")
            .args(["--profile", "copy"])
            .arg(corpus.join("10-cong-van-ban-quet.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--agency"), "{message}");
}

#[test]
fn role_options_without_their_role_are_refused() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-option-alone");
    let message = run_failing(
        sign_with(&dir, "rsa2048")
            .args(["--anchor", "Lê Quốc Dũng"])
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--profile approve"), "{message}");
    // Options the role would silently override are refused too.
    let message = run_failing(
        sign_with(&dir, "agency")
            .args(["--profile", "attach", "--doc-number", "1/QĐ", "--text", "x"])
            .arg(corpus.join("08-phu-luc-rieng-tep.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--text"), "{message}");
    let message = run_failing(
        sign_with(&dir, "agency")
            .args(["--profile", "copy", "--page", "2"])
            .arg(corpus.join("10-cong-van-ban-quet.pdf"))
            .arg("-o")
            .arg(dir.join("out.pdf")),
    );
    assert!(message.contains("--page needs --rect"), "{message}");
}

#[test]
fn messages_and_result_lines_are_vietnamese_with_kyso_lang_vi() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-vi");
    let stdout = sign_with(&dir, "agency")
        .env("KYSO_LANG", "vi")
        .args(["--profile", "attach", "--doc-number", "5/TB-UBND"])
        .arg(corpus.join("08-phu-luc-rieng-tep.pdf"))
        .arg("-o")
        .arg(dir.join("out.pdf"))
        .stdout();
    assert!(stdout.starts_with("đã ký "), "{stdout}");
    assert!(stdout.contains("trường chữ ký"), "{stdout}");
    let message = run_failing(
        sign_with(&dir, "rsa2048")
            .env("KYSO_LANG", "vi")
            .args([
                "--profile",
                "approve",
                "--anchor",
                "Không Có Tên",
                "--image",
            ])
            .arg(corpus.join("sig-blue.png"))
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .arg("-o")
            .arg(dir.join("never.pdf")),
    );
    assert!(message.contains("không tìm thấy dòng chữ"), "{message}");
}

#[test]
fn batch_result_lines_name_failures_in_vietnamese_and_english() {
    let dir = Dir::new("profile-vi-batch");
    dir.create_bytes("ghi-chu.txt", b"not a document");
    let line = |lang: &str| {
        let out = sign_with(&dir, "rsa2048")
            .args(["--lang", lang, "ghi-chu.txt", "-o", "out.pdf"])
            .assert_code(1);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        line("vi").trim(),
        "lỗi: ghi-chu.txt: không phải văn bản PDF hay XML"
    );
    assert_eq!(
        line("en").trim(),
        "error: ghi-chu.txt: not a PDF or XML document"
    );
}

#[test]
fn messages_stay_english_with_lang_en_even_under_a_vietnamese_locale() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-en");
    let stdout = sign_with(&dir, "agency")
        .env("LANG", "vi_VN.UTF-8")
        .args([
            "--lang",
            "en",
            "--profile",
            "attach",
            "--doc-number",
            "5/TB-UBND",
        ])
        .arg(corpus.join("08-phu-luc-rieng-tep.pdf"))
        .arg("-o")
        .arg(dir.join("out.pdf"))
        .stdout();
    assert!(stdout.starts_with("signed "), "{stdout}");
}

/// A project kyso.toml with a clerk's setup (agency key, seal) and a leader's.
fn write_project_config(dir: &Dir, corpus: &Path) {
    let pki = pki();
    let config = format!(
        "default = \"lanhdao\"\n\n\
         [setup.vanthu]\nprofile = \"issue\"\np12 = \"{agency}\"\npass-env = \"KYSO_TEST_PASS\"\n\
         image = \"{seal}\"\nseal-mm = 36\n\n\
         [setup.lanhdao]\nprofile = \"approve\"\np12 = \"{person}\"\npass-env = \"KYSO_TEST_PASS\"\n\
         image = \"{sig}\"\n",
        agency = pki.path("agency.p12").display(),
        person = pki.path("rsa2048.p12").display(),
        seal = corpus.join("seal-red.png").display(),
        sig = corpus.join("sig-blue.png").display(),
    );
    dir.create_bytes("kyso.toml", config.as_bytes());
}

#[test]
fn named_setups_make_the_daily_commands_short() {
    let Some(corpus) = corpus() else { return };
    if !require_peers() || !require_tool("pdftoppm") {
        return;
    }
    let dir = Dir::new("profile-config");
    write_project_config(&dir, &corpus);
    // The default setup (the leader) with only the anchor; then the clerk's with --as.
    dir.kyso()
        .env("KYSO_TEST_PASS", PASS)
        .args(["sign", "--anchor", "Lê Quốc Dũng"])
        .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
        .args(["-o", "approved.pdf"])
        .stdout();
    dir.kyso()
        .env("KYSO_TEST_PASS", PASS)
        .args(["sign", "--as", "vanthu", "approved.pdf", "-o", "issued.pdf"])
        .stdout();
    let issued = dir.join("issued.pdf");
    assert_seal_over_left_third(&Render::page(&issued, 2, &dir), A4_HEIGHT);
    assert_eq!(assert_pyhanko_valid(&issued, &pki().root()), 2);
}

#[test]
fn an_unknown_setup_is_refused_with_the_known_ones_listed() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-config-unknown");
    write_project_config(&dir, &corpus);
    let message = run_failing(
        dir.kyso()
            .env("KYSO_TEST_PASS", PASS)
            .args(["sign", "--as", "ketoan"])
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf"))
            .args(["-o", "out.pdf"]),
    );
    assert!(
        message.contains("ketoan") && message.contains("lanhdao, vanthu"),
        "{message}"
    );
    let message = run_failing(
        dir.kyso()
            .args(["sign", "--config", "missing.toml", "--as", "vanthu"])
            .arg(corpus.join("01-quyet-dinh-khen-thuong.pdf")),
    );
    assert!(message.contains("missing.toml"), "{message}");
}

/// Approves a copy of corpus file 07 (number and date left blank) in `dir`, as the leader
/// does before the clerk issues it.
fn approved_draft_07(dir: &Dir, corpus: &Path) -> PathBuf {
    let draft = dir.join("07-draft.pdf");
    std::fs::copy(corpus.join("07-quyet-dinh-co-phu-luc.pdf"), &draft).expect("copy 07");
    let approved = dir.join("07-approved.pdf");
    sign_with(dir, "rsa2048")
        .args([
            "--profile",
            "approve",
            "--anchor",
            "Trần Quang Huy",
            "--image",
        ])
        .arg(corpus.join("sig-blue.png"))
        .arg(&draft)
        .arg("-o")
        .arg(&approved)
        .stdout();
    approved
}

/// `kyso sign --profile issue` of `input` with the seal, the number and date, and `extra`.
fn issue_07(dir: &Dir, corpus: &Path, input: &Path, extra: &[&str], out: &str) -> TestCommand {
    let mut cmd = sign_with(dir, "agency");
    cmd.args(["--profile", "issue", "--image"])
        .arg(corpus.join("seal-red.png"))
        .args(["--doc-number", "15/QĐ-UBND", "--doc-date", "2026-06-05"])
        .args(extra)
        .arg(input)
        .arg("-o")
        .arg(dir.join(out));
    cmd
}

/// The topmost occurrence of the word `text` in `words` (the heading's, on page 1).
fn the_word<'a>(words: &'a [(String, [f64; 4])], text: &str) -> &'a [f64; 4] {
    words
        .iter()
        .filter(|(w, _)| w == text)
        .map(|(_, b)| b)
        .min_by(|a, b| a[1].total_cmp(&b[1]))
        .unwrap_or_else(|| panic!("no word {text}"))
}

/// The word `text` lies right of `left`, left of `right`, on their line (pdftotext boxes).
fn assert_between(word: &[f64; 4], left: &[f64; 4], right: &[f64; 4], text: &str) {
    assert!(
        word[0] >= left[2] && word[2] <= right[0] + 0.01,
        "{text} {word:?} not between {left:?} and {right:?}"
    );
    // Same line: the printed glyphs sit inside the line's box (their font's box is smaller).
    assert!(
        word[1] >= left[1] - 1.0 && word[3] <= left[3] + 1.0,
        "{text} {word:?} not on the line of {left:?}"
    );
}

#[test]
fn issue_fills_the_blank_number_and_date_of_an_approved_draft_and_both_signatures_stay_valid() {
    let Some(corpus) = corpus() else { return };
    if !require_peers() || !require_tool("pdftoppm") || !require_tool("pdftotext") {
        return;
    }
    let dir = Dir::new("profile-issue-blanks");
    let approved = approved_draft_07(&dir, &corpus);
    issue_07(&dir, &corpus, &approved, &["--fill-blanks"], "issued.pdf").stdout();
    let issued = dir.join("issued.pdf");

    let words = word_boxes(&issued, 1);
    let so = the_word(&words, "Số:");
    let symbol = the_word(&words, "/QĐ-UBND");
    let number = the_word(&words, "15");
    assert_between(number, so, symbol, "15");
    // Right against the printed symbol, so it reads "15/QĐ-UBND".
    assert!((symbol[0] - number[2]).abs() < 0.5, "{number:?} {symbol:?}");
    // Day 05 and month 6 (a leading zero only for days below 10 and months 1 and 2).
    let ngay = the_word(&words, "ngày");
    let thang = the_word(&words, "tháng");
    let nam = the_word(&words, "năm");
    assert_between(the_word(&words, "05"), ngay, thang, "05");
    assert_between(the_word(&words, "6"), thang, nam, "6");
    // Baselines: the heading's 13 pt "Số:" and 14 pt italic date line. pdftotext's box of
    // the printed text is the font's ascent and descent, the template's the line height; the
    // bottom of both is the descent below the shared baseline, within a point.
    let number_size = number[3] - number[1];
    assert!(
        (13.0..15.5).contains(&number_size),
        "number drawn {number_size} pt tall"
    );
    // The page's text is unchanged: the same words as the approved draft, plus the three.
    let before = word_boxes(&approved, 1);
    let added: Vec<&String> = words
        .iter()
        .filter(|w| !before.contains(w))
        .map(|(w, _)| w)
        .collect();
    assert_eq!(
        added,
        ["15", "05", "6"],
        "words added by the issue revision"
    );
    let text = page_text(&issued, 1, None);
    assert!(text.contains("ngày 05 tháng 6 năm 2026"), "{text}");

    // No black ink over the words around the blanks: the number does not touch "Số:".
    let render = Render::page(&issued, 1, &dir);
    let gap = [
        so[2] + 0.5,
        A4_HEIGHT - so[3],
        number[0] - 0.5,
        A4_HEIGHT - so[1],
    ];
    assert_eq!(
        render.count_in(A4_HEIGHT, gap, is_dark),
        0,
        "ink in {gap:?}"
    );
    save_artefact(&issued, 1, "profile-issue-blanks");

    // Validators: the approve signature stays valid, its later change graded form filling.
    let pki = pki();
    let lines = crate::peers::pyhanko_validate(&issued, &pki.root());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains(":INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS"),
        "approve signature: {}",
        lines[0]
    );
    assert!(
        lines[1].contains(":INTACT:TRUSTED,UNTOUCHED"),
        "{}",
        lines[1]
    );
    let nss = nss_db(dir.path(), &pki.root());
    assert_eq!(assert_pdfsig_valid(&issued, &nss), 2);
    assert_qpdf_clean(&issued);
    let report = dir
        .kyso()
        .args(["verify", "--trust"])
        .arg(pki.root())
        .arg(&issued)
        .output();
    let report_text = String::from_utf8_lossy(&report.stdout);
    assert!(report.status.success(), "kyso verify:\n{report_text}");
    assert_eq!(
        report_text.matches(": PASSED").count(),
        2,
        "kyso verify:\n{report_text}"
    );
}

#[test]
fn issue_refuses_to_print_where_the_blanks_are_missing_or_disagree() {
    let Some(corpus) = corpus() else { return };
    let dir = Dir::new("profile-issue-blanks-refused");
    // File 01 prints its number and date already: no blank, nothing printed, no output.
    let approved01 = approve(
        &dir,
        &corpus,
        "01-quyet-dinh-khen-thuong.pdf",
        "Lê Quốc Dũng",
        "01.pdf",
    );
    let message = run_failing(&mut issue_07(
        &dir,
        &corpus,
        &approved01,
        &["--fill-blanks"],
        "never-01.pdf",
    ));
    assert!(message.contains("\"Số:\""), "{message}");
    assert!(!dir.join("never-01.pdf").exists());
    // File 07 prints /QĐ-UBND after the blank: another symbol is refused, not half printed.
    let approved = approved_draft_07(&dir, &corpus);
    let mut cmd = sign_with(&dir, "agency");
    cmd.args(["--lang", "vi", "--profile", "issue", "--image"])
        .arg(corpus.join("seal-red.png"))
        .args(["--doc-number", "15/QĐ-STP", "--fill-blanks"])
        .arg(&approved)
        .arg("-o")
        .arg(dir.join("never-07.pdf"));
    let message = run_failing(&mut cmd);
    assert!(
        message.contains("/QĐ-UBND") && message.contains("15/QĐ-STP"),
        "{message}"
    );
    // And a year other than the printed one.
    let mut cmd = sign_with(&dir, "agency");
    cmd.args(["--profile", "issue", "--image"])
        .arg(corpus.join("seal-red.png"))
        .args(["--doc-date", "05/06/2027", "--fill-blanks"])
        .arg(&approved)
        .arg("-o")
        .arg(dir.join("never-07.pdf"));
    let message = run_failing(&mut cmd);
    assert!(message.contains("2026"), "{message}");
    assert!(!dir.join("never-07.pdf").exists());
}

/// Adds text fields SoVanBan and NgayBanHanh (merged field and widget, /DA auto size) to page
/// 1 of `input` with pyHanko's writer, the way a records system prepares a template.
fn template_with_text_fields(input: &Path, output: &Path) -> bool {
    let venv_python = repo_root().join(".venv/bin/python");
    if !venv_python.exists() {
        assert!(!crate::util::in_ci(), "the test venv is missing in CI");
        return false;
    }
    let script = r#"
import sys
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject as N
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
with open(sys.argv[1], 'rb') as inp:
    w = IncrementalPdfFileWriter(inp)
    page_ref, _ = w.find_page_for_modification(0)
    page = page_ref.get_object()
    fields = generic.ArrayObject()
    annots = generic.ArrayObject()
    for name, rect in [('SoVanBan', (100, 790, 260, 808)), ('NgayBanHanh', (300, 790, 540, 808))]:
        field = generic.DictionaryObject({
            N('/Type'): N('/Annot'), N('/Subtype'): N('/Widget'), N('/FT'): N('/Tx'),
            N('/T'): generic.TextStringObject(name), N('/F'): generic.NumberObject(4),
            N('/Rect'): generic.ArrayObject([generic.FloatObject(v) for v in rect]),
            N('/DA'): generic.TextStringObject('/Helv 0 Tf 0 g'), N('/P'): page_ref,
        })
        ref = w.add_object(field)
        fields.append(ref)
        annots.append(ref)
    page[N('/Annots')] = annots
    w.update_container(page)
    w.root[N('/AcroForm')] = generic.DictionaryObject({
        N('/Fields'): fields, N('/NeedAppearances'): generic.BooleanObject(True),
    })
    w.update_root()
    with open(sys.argv[2], 'wb') as out:
        w.write(out)
"#;
    let status = Command::new(venv_python)
        .args(["-c", script])
        .arg(input)
        .arg(output)
        .status()
        .expect("run python");
    assert!(status.success(), "building the template failed");
    true
}

/// Name, value and flags of every form field, read back with pyHanko's reader.
fn form_fields(pdf: &Path) -> String {
    let script = r#"
import sys
from pyhanko.pdf_utils.reader import PdfFileReader
with open(sys.argv[1], 'rb') as f:
    r = PdfFileReader(f)
    for ref in r.root['/AcroForm']['/Fields']:
        d = ref.get_object()
        print(d.get('/T'), d.get('/FT'), d.get('/V'), d.get('/Ff', 0), '/N' in d.get('/AP', {}))
"#;
    let out = Command::new(repo_root().join(".venv/bin/python"))
        .args(["-c", script])
        .arg(pdf)
        .output()
        .expect("run python");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn issue_fills_the_templates_number_and_date_fields_read_only_as_form_filling() {
    let Some(corpus) = corpus() else { return };
    if !require_peers() || !require_tool("pdftotext") {
        return;
    }
    let dir = Dir::new("profile-issue-fields");
    let template = dir.join("template.pdf");
    if !template_with_text_fields(&corpus.join("07-quyet-dinh-co-phu-luc.pdf"), &template) {
        return;
    }
    let approved = dir.join("approved.pdf");
    sign_with(&dir, "rsa2048")
        .args([
            "--profile",
            "approve",
            "--anchor",
            "Trần Quang Huy",
            "--image",
        ])
        .arg(corpus.join("sig-blue.png"))
        .arg(&template)
        .arg("-o")
        .arg(&approved)
        .stdout();
    // The fields are found by their usual names; no --doc-number-field needed.
    issue_07(&dir, &corpus, &approved, &[], "issued.pdf").stdout();
    let issued = dir.join("issued.pdf");
    let fields = form_fields(&issued);
    assert!(
        fields.contains("SoVanBan /Tx 15/QĐ-UBND 1 True"),
        "number field not filled read-only:\n{fields}"
    );
    assert!(
        fields.contains("NgayBanHanh /Tx 05/06/2026 1 True"),
        "date field not filled read-only:\n{fields}"
    );
    // The appearances carry the text with its diacritics, where the fields are.
    let top = page_text(&issued, 1, Some(([95.0, 785.0, 545.0, 812.0], A4_HEIGHT)));
    assert!(top.contains("15/QĐ-UBND"), "{top:?}");
    assert!(top.contains("05/06/2026"), "{top:?}");
    save_artefact(&issued, 1, "profile-issue-fields");

    let pki = pki();
    let lines = crate::peers::pyhanko_validate(&issued, &pki.root());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains(":INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS"),
        "approve signature: {}",
        lines[0]
    );
    let nss = nss_db(dir.path(), &pki.root());
    assert_eq!(assert_pdfsig_valid(&issued, &nss), 2);
    // kyso's own revision analysis takes the filling (value, appearance, read-only flag) for
    // form filling too: both signatures pass.
    let report = dir
        .kyso()
        .args(["verify", "--trust"])
        .arg(pki.root())
        .arg(&issued)
        .output();
    let report_text = String::from_utf8_lossy(&report.stdout);
    assert!(report.status.success(), "kyso verify:\n{report_text}");
    assert_eq!(
        report_text.matches(": PASSED").count(),
        2,
        "kyso verify:\n{report_text}"
    );

    // A field named on the command line must exist.
    let message = run_failing(&mut issue_07(
        &dir,
        &corpus,
        &approved,
        &["--doc-number-field", "SoHieu"],
        "never.pdf",
    ));
    assert!(
        message.contains("SoHieu") && message.contains("SoVanBan, NgayBanHanh"),
        "{message}"
    );
}
