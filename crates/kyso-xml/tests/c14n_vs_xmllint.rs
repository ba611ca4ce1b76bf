//! Randomized comparison of kyso's canonicalization with libxml2's (`xmllint --c14n`,
//! `--exc-c14n`, `--c14n11`, all with comments) on generated namespace-heavy documents with
//! Vietnamese text in NFC and NFD.

use kyso_xml::c14n::{canonicalize, C14nAlgorithm, C14nMode, Subtree};
use kyso_xml::parse::{parse, ParseLimits};
use std::process::Command;

/// xorshift64*: deterministic, so a failure names a reproducible seed.
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
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TEXTS: &[&str] = &[
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Vie\u{323}\u{302}t Nam (NFD)",
    "Độc lập - Tự do - Hạnh phúc",
    "a &amp; b &lt; c &gt; d",
    "  khoảng trắng\r\n dòng mới\t tab ",
    "&#x1EC7;&#233;&#13;",
    "<![CDATA[ <không> & phân tích ]]>",
    "\"trích dẫn\" 'đơn'",
];

const PREFIXES: &[&str] = &["a", "b", "vb", "ds", "xs"];
const URIS: &[&str] = &[
    "urn:x:a",
    "urn:x:b",
    "http://example.org/v%C4%83nb%E1%BA%A3n",
    "http://www.w3.org/2000/09/xmldsig#",
    "urn:x:a",
];

fn element(rng: &mut Rng, depth: usize, declared: &mut Vec<String>, out: &mut String) {
    let prefix = if declared.is_empty() || rng.below(3) == 0 {
        None
    } else {
        Some(declared[rng.below(declared.len())].clone())
    };
    let local = rng.pick(&["e", "VanBan", "TrichYeu", "noi-dung", "x"]);
    let name = match &prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_owned(),
    };
    out.push('<');
    out.push_str(&name);
    let mut newly = Vec::new();
    for _ in 0..rng.below(3) {
        let p = rng.pick(PREFIXES);
        if !newly.iter().any(|n: &String| n == p) {
            out.push_str(&format!(" xmlns:{p}=\"{}\"", rng.pick(URIS)));
            newly.push(p.to_owned());
        }
    }
    match rng.below(5) {
        0 => out.push_str(" xmlns=\"\""),
        1 => out.push_str(&format!(" xmlns=\"{}\"", rng.pick(URIS))),
        _ => {}
    }
    let mut seen = Vec::new();
    let in_scope: Vec<String> = declared.iter().chain(newly.iter()).cloned().collect();
    for _ in 0..rng.below(4) {
        let attr = rng.pick(&["id", "lang", "z", "a1", "Số"]);
        let qualified = if !in_scope.is_empty() && rng.below(2) == 0 {
            format!("{}:{attr}", in_scope[rng.below(in_scope.len())])
        } else {
            attr.to_owned()
        };
        if seen.contains(&qualified) {
            continue;
        }
        seen.push(qualified.clone());
        let value = rng.pick(&[
            "v",
            "đ\tá\nb",
            "&quot;&amp;&lt;",
            "  dấu  cách  ",
            "a>b",
            "&#xD;&#xA;",
        ]);
        out.push_str(&format!(" {qualified}=\"{value}\""));
    }
    if rng.below(4) == 0 {
        out.push_str(" xml:lang=\"vi\"");
    }
    out.push('>');
    let saved = declared.len();
    declared.extend(newly);
    for _ in 0..rng.below(4) {
        match rng.below(6) {
            0 | 1 if depth < 5 => element(rng, depth + 1, declared, out),
            2 => out.push_str(&format!("<!-- {} -->", rng.pick(&["ghi chú", "x-y", ""]))),
            3 => out.push_str("<?pi đích dữ liệu?>"),
            _ => out.push_str(rng.pick(TEXTS)),
        }
    }
    declared.truncate(saved);
    out.push_str(&format!("</{name}>"));
}

fn document(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if rng.below(2) == 0 {
        out.push_str("<!-- trước -->\n<?đầu x?>\n");
    }
    let mut declared = Vec::new();
    element(&mut rng, 0, &mut declared, &mut out);
    if rng.below(2) == 0 {
        out.push_str("\n<!-- sau -->");
    }
    out.push('\n');
    out
}

fn xmllint(flag: &str, path: &std::path::Path) -> Vec<u8> {
    let out = Command::new("xmllint")
        .arg(flag)
        .arg(path)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "xmllint {flag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn canonical_forms_equal_libxml2_on_random_vietnamese_documents() {
    if Command::new("xmllint").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "xmllint is not installed in CI"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let modes = [
        ("--c14n", C14nAlgorithm::Inclusive10),
        ("--c14n11", C14nAlgorithm::Inclusive11),
        ("--exc-c14n", C14nAlgorithm::Exclusive10),
    ];
    let mut compared = 0;
    for seed in 0..150u64 {
        let xml = document(seed);
        let path = dir.path().join(format!("doc-{seed}.xml"));
        std::fs::write(&path, &xml).expect("write");
        let doc = parse(&xml, &ParseLimits::default()).expect("generated XML parses");
        for (flag, algorithm) in modes {
            let mode = C14nMode {
                algorithm,
                with_comments: true,
            };
            let mut ours = Vec::new();
            canonicalize(&doc, &Subtree::whole(&doc), mode, &[], &mut ours);
            let theirs = xmllint(flag, &path);
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "seed {seed}, xmllint {flag}, input:\n{xml}"
            );
            compared += 1;
        }
    }
    eprintln!("{compared} canonical forms identical to xmllint");
    // A changed byte must change the canonical form (no normalisation hides it).
    let nfc = parse("<a>Vi\u{1EC7}t</a>", &ParseLimits::default()).expect("parses");
    let nfd = parse("<a>Vie\u{323}\u{302}t</a>", &ParseLimits::default()).expect("parses");
    let mode = C14nMode {
        algorithm: C14nAlgorithm::Inclusive10,
        with_comments: false,
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    canonicalize(&nfc, &Subtree::whole(&nfc), mode, &[], &mut a);
    canonicalize(&nfd, &Subtree::whole(&nfd), mode, &[], &mut b);
    assert_ne!(a, b);
}
