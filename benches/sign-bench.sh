#!/usr/bin/env bash
# Signing benchmark (issue 2): 1,000 PDFs of about 200 KB signed by kyso in one batch (PKCS#12
# key and SoftHSM token) vs pyHanko (its CLI once per file, and a loop in one Python process),
# side by side in one run; then one 1 GB PDF signed by kyso, with its peak memory.
#
#   bash benches/sign-bench.sh [COUNT] > /tmp/sign-bench.md
#
# Needs: scripts/install-test-deps.sh done (pyHanko venv, SoftHSM2). Prints a Markdown section.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
cli_sample=${CLI_SAMPLE:-30}
work=$(mktemp -d /tmp/kyso-sign-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin kyso
kyso=$PWD/target/release/kyso
py=$PWD/.venv/bin/python
pyhanko=$PWD/.venv/bin/pyhanko

bash fixtures/pki/make-test-pki.sh "$work/pki" >/dev/null
eval "$(bash scripts/softhsm-setup.sh "$work/pki" "$work/hsm")"
python3 benches/make-pdfs.py "$work/in" "$count" 200
size_kb=$(du -sk "$work/in" | cut -f1)

rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); r=n/t; print(f'{r:,.0f}' if r >= 10 else f'{r:.1f}')" "$1" "$2"; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.3f}')" "$1" "$2"; }

export KYSO_BENCH_PASS=kyso KYSO_BENCH_PIN=1234
t0=$(now)
"$kyso" sign "$work/in" --out-dir "$work/out-p12" --p12 "$work/pki/rsa2048.p12" --pass-env KYSO_BENCH_PASS --json >/dev/null
t1=$(now); p12_s=$(elapsed "$t0" "$t1")

t0=$(now)
"$kyso" sign "$work/in" --out-dir "$work/out-hsm" --pkcs11 "$KYSO_PKCS11_MODULE" --key-label rsa2048 \
  --pin-env KYSO_BENCH_PIN --json >/dev/null
t1=$(now); hsm_s=$(elapsed "$t0" "$t1")

mkdir -p "$work/cli-in"
inputs=("$work"/in/*.pdf)
cp "${inputs[@]:0:$cli_sample}" "$work/cli-in/"
mkdir -p "$work/out-pyhanko-cli"
t0=$(now)
for f in "$work"/cli-in/*.pdf; do
  "$pyhanko" sign addsig --field Signature1 pemder --no-pass --key "$work/pki/rsa2048.key.pem" \
    --cert "$work/pki/rsa2048.pem" --chain "$work/pki/chain.pem" "$f" "$work/out-pyhanko-cli/$(basename "$f")" >/dev/null
done
t1=$(now); cli_s=$(elapsed "$t0" "$t1")

read -r loop_n loop_s < <("$py" benches/pyhanko-loop.py "$work/pki/rsa2048.key.pem" "$work/pki/rsa2048.pem" \
  "$work/pki/chain.pem" "$work/in" "$work/out-pyhanko-loop")

python3 benches/make-pdfs.py --huge "$work/huge.pdf" 1024
huge_mb=$(( $(stat -c %s "$work/huge.pdf") / 1048576 ))
/usr/bin/time -f "%M %e" -o "$work/huge.time" "$kyso" sign "$work/huge.pdf" -o "$work/huge.signed.pdf" \
  --p12 "$work/pki/rsa2048.p12" --pass-env KYSO_BENCH_PASS >/dev/null
read -r huge_kb huge_s < "$work/huge.time"

load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<MD
### Signing (issue 2) — $(date -u +%Y-%m-%d), $(nproc) cores

$count PDFs of about 200 KB ($((size_kb / 1024)) MB in all), PAdES B-B, RSA-2048, SHA-256, invisible signature.

| signer | documents | seconds | documents/s |
|---|---:|---:|---:|
| kyso, one batch, PKCS#12 key | $count | $p12_s | $(rate "$count" "$p12_s") |
| kyso, one batch, SoftHSM2 token (one login) | $count | $hsm_s | $(rate "$count" "$hsm_s") |
| pyHanko CLI, once per file (first $cli_sample files) | $cli_sample | $cli_s | $(rate "$cli_sample" "$cli_s") |
| pyHanko API, loop in one Python process | $loop_n | $loop_s | $(rate "$loop_n" "$loop_s") |

One ${huge_mb} MB PDF signed by kyso (PKCS#12 key): $huge_s s, peak resident memory $((huge_kb / 1024)) MB.

Load average at the end of the run: $load (other work on the machine slows every column alike).
MD
