#!/usr/bin/env bash
# The main job on built-in samples: sign the sample documents with the demo key, first as the
# leader (visible, with the signer's name and time in Vietnamese) and then as the agency,
# into demo-out/. Needs only cargo (and a DejaVu or Liberation font for the visible text).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin kyso
kyso=target/release/kyso
out=demo-out
rm -rf "$out"
mkdir -p "$out/leader" "$out/agency"
export KYSO_DEMO_PASS=demo
"$kyso" sign fixtures/samples/ --out-dir "$out/leader" \
  --p12 fixtures/demo/signer.p12 --pass-env KYSO_DEMO_PASS \
  --page -1 --rect 330,210,560,290 --reason "Phê duyệt" --location "Hà Tĩnh"
"$kyso" sign "$out/leader/" --out-dir "$out/agency" \
  --p12 fixtures/demo/signer.p12 --pass-env KYSO_DEMO_PASS --reason "Ban hành"
echo
echo "signed documents are in $out/agency/ (two signatures each); check them with:"
echo "  pdfsig $out/agency/cong-van.pdf"
