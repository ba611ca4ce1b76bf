#!/usr/bin/env bash
# Scores `kyso verify --jsonl` on the PDF corpus (../shared/corpora/pdf/manifest.tsv) with
# ../shared/corpora/score-verify.py. The corpus's test PKI roots (pyhanko/pki/) are passed with
# --trust so that intact pyHanko files can PASS. Prints the scorer's closing line and exits
# non-zero when the bar is not met (or the corpus is missing).
#
# usage: scripts/score-pdf-corpus.sh [KYSO_BINARY]   (default: target dir's debug kyso)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="${KYSO_PDF_CORPUS:-$here/../shared/corpora/pdf}"
scorer="${KYSO_SCORER:-$corpus/../score-verify.py}"
kyso="${1:-${CARGO_TARGET_DIR:-$here/target}/debug/kyso}"
[ -f "$corpus/manifest.tsv" ] || { echo "score-pdf-corpus: no corpus at $corpus" >&2; exit 2; }
[ -x "$kyso" ] || { echo "score-pdf-corpus: no kyso binary at $kyso (cargo build first)" >&2; exit 2; }
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
trust=()
for pem in "$corpus"/pyhanko/pki/some-chain.cert.pem "$corpus"/pyhanko/pki/selfsigned.cert.pem \
           "$corpus"/pyhanko/pki/testing-ca/root/* "$corpus"/pyhanko/pki/generated/*/root/root.crt; do
  [ -f "$pem" ] && trust+=(--trust "$pem")
done
set +e
(cd "$corpus" && tail -n +2 manifest.tsv | cut -f1 | \
  KYSO_TRUST_DIR="${KYSO_TRUST_DIR:-/nonexistent}" "$kyso" verify --offline --jsonl "${trust[@]}" --files-from - >"$out" 2>/dev/null)
code=$?
set -e
python3 "$scorer" "$corpus/manifest.tsv" "$out" "$code"
