#!/usr/bin/env bash
# Verification benchmark (issue 4): an archive of COUNT signed PDFs (about 200 KB each, some of
# 5 MB; one to three signatures, the later ones in incremental updates) verified offline by
# `kyso verify -j2` vs pyHanko (its CLI once per file on a sample, and a loop in one Python
# process) vs a pdfsig loop, side by side in one run: files/s and peak memory (RSS). Then one
# 1 GB signed PDF verified by kyso, with its peak memory.
#
#   bash benches/verify-archive.sh [COUNT] > /tmp/verify-bench.md
#
# Needs: the pyHanko venv (.venv), poppler-utils (pdfsig), python3. Prints a Markdown section.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000}
cli_sample=${CLI_SAMPLE:-20}
loop_sample=${LOOP_SAMPLE:-200}
pdfsig_sample=${PDFSIG_SAMPLE:-300}
huge_mb=${HUGE_MB:-1024}
work=$(mktemp -d /tmp/kyso-verify-bench.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet --bin kyso
kyso=$CARGO_TARGET_DIR/release/kyso
py=$PWD/.venv/bin/python
pyhanko=$PWD/.venv/bin/pyhanko

# The test PKI names an OCSP responder and a CRL on loopback, with a TSA there too: the third
# signatures are PAdES B-LT (a signature timestamp and a DSS with the revocation data).
. benches/loopback.sh
start_loopback "$work"
export KYSO_BENCH_PASS=kyso KYSO_TRUST_DIR=$work/no-store

# A few hundred distinct signed documents, then copies up to COUNT (verifying a copy costs the
# same as verifying an original).
distinct=$(( count < 300 ? count : 300 ))
python3 benches/make-pdfs.py "$work/in" "$(( distinct - 10 ))" 200
python3 benches/make-pdfs.py "$work/in-big" 10 5000
cp "$work"/in-big/*.pdf "$work/in/" 2>/dev/null || true
for f in "$work"/in-big/*.pdf; do mv "$f" "$work/in/big-$(basename "$f")"; done
sign() { "$kyso" sign "$1" --out-dir "$2" --p12 "$work/pki/$3.p12" --pass-env KYSO_BENCH_PASS --field "$4" --json "${@:5}" >/dev/null; }
sign "$work/in" "$work/s1" rsa2048 Signature1
mkdir -p "$work/s2-in" "$work/archive"
ls "$work/s1" | awk 'NR % 2 == 0' | while read -r f; do mv "$work/s1/$f" "$work/s2-in/"; done
sign "$work/s2-in" "$work/s2" agency Signature2
mkdir -p "$work/s3-in"
ls "$work/s2" | awk 'NR % 3 == 0' | while read -r f; do mv "$work/s2/$f" "$work/s3-in/"; done
sign "$work/s3-in" "$work/s3" ecp256 Signature3 --tsa "$base/tsa" --ltv --ltv-crl "$work/pki/root.crl.pem"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
cp "$work"/s1/*.pdf "$work"/s2/*.pdf "$work"/s3/*.pdf "$work/archive/"
i=0
have=$(find "$work/archive" -name '*.pdf' | wc -l)
while [ "$have" -lt "$count" ]; do
  for f in "$work"/s1/*.pdf "$work"/s2/*.pdf "$work"/s3/*.pdf; do
    [ "$have" -ge "$count" ] && break
    cp "$f" "$work/archive/copy$i-$(basename "$f")"; i=$((i + 1)); have=$((have + 1))
  done
done
n=$(find "$work/archive" -name '*.pdf' | wc -l)
size_mb=$(du -sm "$work/archive" | cut -f1)

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.3f}')" "$1" "$2"; }
rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print(f'{n/t:,.1f}')" "$1" "$2"; }
peak() { # peak RSS in MB of a command: peak OUTVAR cmd...
  local var=$1; shift
  /usr/bin/time -f "%M" -o "$work/time.txt" "$@"
  printf -v "$var" '%s' "$(( $(tail -n1 "$work/time.txt") / 1024 ))"
}

sync
t0=$(now)
peak kyso_mb "$kyso" verify --offline -j2 --jsonl --trust "$work/pki/root.pem" "$work/archive" >"$work/kyso.jsonl" 2>/dev/null || true
t1=$(now); kyso_s=$(elapsed "$t0" "$t1")
kyso_passed=$( (grep -o '"indication":"PASSED"' "$work/kyso.jsonl" || true) | wc -l)
kyso_failed=$( (grep -o '"indication":"FAILED"' "$work/kyso.jsonl" || true) | wc -l)
kyso_blt=$( (grep -o '"level":"B-LT"' "$work/kyso.jsonl" || true) | wc -l)

# (arrays, not `ls | head` pipelines: with pipefail a reader that stops early kills the script)
mapfile -t archive < <(ls "$work/archive")
mkdir -p "$work/sample"
for f in "${archive[@]:0:$cli_sample}"; do cp "$work/archive/$f" "$work/sample/"; done
t0=$(now)
for f in "$work"/sample/*.pdf; do
  "$pyhanko" sign validate --no-revocation-check --trust "$work/pki/root.pem" "$f" >/dev/null 2>&1 || true
done
t1=$(now); cli_s=$(elapsed "$t0" "$t1")

read -r loop_n loop_s < <("$py" benches/pyhanko-validate-loop.py "$work/pki/root.pem" "$work/archive" "$loop_sample")
peak loop_mb "$py" benches/pyhanko-validate-loop.py "$work/pki/root.pem" "$work/archive" 20 >/dev/null

t0=$(now)
for f in "${archive[@]:0:$pdfsig_sample}"; do pdfsig -nocert -no-ocsp "$work/archive/$f" >/dev/null 2>&1 || true; done
t1=$(now); pdfsig_s=$(elapsed "$t0" "$t1")
big=("$work"/archive/big-*)
peak pdfsig_mb pdfsig -nocert -no-ocsp "${big[0]}" >/dev/null 2>&1 || true

python3 benches/make-pdfs.py --huge "$work/huge.pdf" "$huge_mb"
"$kyso" sign "$work/huge.pdf" -o "$work/huge-signed.pdf" --p12 "$work/pki/rsa2048.p12" --pass-env KYSO_BENCH_PASS >/dev/null
rm -f "$work/huge.pdf"
sync; echo 3 2>/dev/null >/proc/sys/vm/drop_caches || true
t0=$(now)
peak huge_mb_rss "$kyso" verify --offline --jsonl --trust "$work/pki/root.pem" "$work/huge-signed.pdf" >"$work/huge.jsonl" 2>/dev/null || true
t1=$(now); huge_s=$(elapsed "$t0" "$t1")
huge_verdict=$( (grep -o '"indication":"[A-Z]*"' "$work/huge.jsonl" || true) | head -n1)

cat <<MD
## kyso verify: $n signed PDFs ($size_mb MB; 1-3 signatures, the third B-LT), offline, $(nproc) cores

| tool | files | seconds | files/s | peak RSS |
|---|---|---|---|---|
| kyso verify -j2 (whole archive) | $n | $kyso_s | $(rate "$n" "$kyso_s") | ${kyso_mb} MB |
| pyHanko CLI, once per file (sample) | $cli_sample | $cli_s | $(rate "$cli_sample" "$cli_s") | - |
| pyHanko in one Python process (sample) | $loop_n | $loop_s | $(rate "$loop_n" "$loop_s") | ${loop_mb} MB (20 files) |
| pdfsig loop (sample) | $pdfsig_sample | $pdfsig_s | $(rate "$pdfsig_sample" "$pdfsig_s") | ${pdfsig_mb} MB (one 5 MB file) |

kyso verdicts: $kyso_passed signatures PASSED ($kyso_blt at level B-LT), $kyso_failed FAILED (expected: all PASSED). Work dir: $work
One ${huge_mb} MB signed PDF: kyso verify in ${huge_s} s, peak RSS ${huge_mb_rss} MB, ${huge_verdict}.
MD
