#!/usr/bin/env bash
# Time-stamp and LTV benchmark (issue 5): the extra time per document of `kyso sign --tsa`
# (PAdES B-T: one TSA round trip per document) and `--tsa --ltv` (B-LT: DSS with OCSP
# responses, fetched once per distinct certificate) over plain B-B signing, for a batch of
# COUNT PDFs, against a TSA (`openssl ts -reply`) and an OCSP responder (`openssl ocsp`) on
# loopback behind a small Python HTTP server. Prints a Markdown section.
#
#   bash benches/tsa-bench.sh [COUNT] > /tmp/tsa-bench.md     (REPEAT=3 runs each, median)
#
# Needs: python3, openssl 3. The server binds 127.0.0.1 only and exits with the script (or
# after 30 minutes at most).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200}
repeat=${REPEAT:-3}
work=$(mktemp -d /tmp/kyso-tsa-bench.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cargo build --release --quiet --bin kyso
kyso=${CARGO_TARGET_DIR:-$PWD/target}/release/kyso

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.3f}')" "$1" "$2"; }
per_doc_ms() { python3 -c "import sys; print(f'{(float(sys.argv[1])-float(sys.argv[2]))*1000/float(sys.argv[3]):.1f}')" "$1" "$2" "$3"; }

. benches/loopback.sh
start_loopback "$work"

python3 benches/make-pdfs.py "$work/in" "$count" 200 >/dev/null
export KYSO_BENCH_PASS=kyso
sign() {
  "$kyso" sign "$work/in" --out-dir "$work/$1" --p12 "$work/pki/rsa2048.p12" \
    --pass-env KYSO_BENCH_PASS --json "${@:2}" >"$work/$1.jsonl"
}
# timed NAME ARGS...: the median of $repeat runs of one batch, in seconds.
timed() {
  local name=$1 times=() t0 t1
  shift
  for i in $(seq "$repeat"); do
    rm -rf "${work:?}/$name"
    t0=$(now); sign "$name" "$@"; t1=$(now)
    times+=("$(elapsed "$t0" "$t1")")
  done
  python3 -c "import sys, statistics; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "${times[@]}"
}
bb=$(timed out-bb)
bt=$(timed out-bt --tsa "$base/tsa")
blt=$(timed out-blt --tsa "$base/tsa" --ltv --ltv-crl "$work/pki/root.crl.pem")
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
counts=$(cat "$work/counts.json")
signed=$(cat "$work"/out-*.jsonl | grep -c '"status":"signed"' || true)

cat <<EOF
### Time-stamps and LTV ($count PDFs of about 200 KB, one batch each, PKCS#12 RSA-2048, median of $repeat)

TSA (\`openssl ts -reply\`) and OCSP responder (\`openssl ocsp\`) on loopback behind one Python
HTTP server; each TSA request forks openssl, serialised by the server (one serial file).

| Run | Total (s) | Extra per document vs B-B (ms) |
|---|---:|---:|
| \`kyso sign\` (B-B) | $bb | – |
| \`kyso sign --tsa\` (B-T) | $bt | $(per_doc_ms "$bt" "$bb" "$count") |
| \`kyso sign --tsa --ltv\` (B-LT) | $blt | $(per_doc_ms "$blt" "$bb" "$count") |

Requests served over all runs: $counts (TSA: one per document plus one probe per batch
that sizes the reservation; OCSP: one per distinct certificate per batch, the signer's and the
TSA's, so 2 per B-LT batch). Documents signed in the last run of each: $signed of $((3 * count)).
EOF
