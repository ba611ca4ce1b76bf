#!/usr/bin/env bash
# The main job on built-in samples, with the demo key (fixtures/demo, no value):
#   1. the leader approves cong-van.pdf: the blue signature image centred above the printed name;
#   2. the clerk issues it: the red seal at its true size over the left third of that signature;
#   3. a whole folder is signed in one batch (invisible signatures);
#   4. everything is checked with kyso verify against the demo root.
# Outputs go to demo-out/. Needs only cargo and a DejaVu or Liberation font.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${KYSO_BIN:-}" ]; then
  cargo build --release --quiet --bin kyso
  KYSO_BIN=target/release/kyso
fi
kyso=$KYSO_BIN
out=demo-out
rm -rf "$out"
mkdir -p "$out/batch"
export KYSO_DEMO_PASS=demo
key=(--p12 fixtures/demo/signer.p12 --pass-env KYSO_DEMO_PASS)

echo "== 1. approve (leader)"
"$kyso" sign "${key[@]}" --profile approve --image fixtures/demo/signature.png \
  --anchor "Nguyen Van An" fixtures/samples/cong-van.pdf -o "$out/cong-van.approved.pdf"
echo "== 2. issue (agency seal)"
"$kyso" sign "${key[@]}" --profile issue --image fixtures/demo/seal.png \
  --doc-number 123/UBND-VP "$out/cong-van.approved.pdf" -o "$out/cong-van.issued.pdf" 2>&1 |
  grep -v "^warning: .*personal" || true
echo "== 3. a batch"
"$kyso" sign "${key[@]}" fixtures/samples/ --out-dir "$out/batch"
echo "== 4. verify"
if "$kyso" verify --help >/dev/null 2>&1; then
  "$kyso" verify --trust fixtures/demo/root.pem "$out/cong-van.issued.pdf" "$out/batch/"
fi
echo
echo "signed documents are in $out/; look at $out/cong-van.issued.pdf in any PDF viewer"
