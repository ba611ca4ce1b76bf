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
# pyHanko's tests freeze the clock at 2020-11-01 (its README): its files are validated at
# that time, so certificates that expired since still PASS as they do in pyHanko's own tests.
run() { # run OUTFILE [extra kyso args...] < list
  local dest="$1"; shift
  (cd "$corpus" && KYSO_TRUST_DIR="${KYSO_TRUST_DIR:-/nonexistent}" \
     "$kyso" verify --offline --jsonl "${trust[@]}" "$@" --files-from - >"$dest" 2>/dev/null)
}
set +e
tail -n +2 "$corpus/manifest.tsv" | cut -f1 | grep '^pyhanko/' | run "$out.1" --at 2020-11-01T00:00:00Z
code1=$?
tail -n +2 "$corpus/manifest.tsv" | cut -f1 | grep -v '^pyhanko/' | run "$out.2"
code2=$?
set -e
cat "$out.1" "$out.2" >"$out"; rm -f "$out.1" "$out.2"
# One exit status for both runs: a crash wins, then usage/I-O error, failure, indeterminate.
code=0
for c in "$code1" "$code2"; do
  case "$c" in
    0) ;;
    1|2|3) if [ "$code" = 0 ] || { [ "$code" = 3 ] && [ "$c" != 3 ]; } || { [ "$code" = 1 ] && [ "$c" = 2 ]; }; then code=$c; fi ;;
    *) code=$c; break ;;
  esac
done
python3 "$scorer" "$corpus/manifest.tsv" "$out" "$code"
