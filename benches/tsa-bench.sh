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

# The loopback services: POST /tsa (openssl ts -reply), POST /ocsp (openssl ocsp -reqin),
# GET /crl/NAME. Request counts go to $work/counts.json when the server stops.
cat >"$work/server.py" <<'EOF'
import http.server, json, os, signal, subprocess, sys, tempfile, threading
work, pki = sys.argv[1], sys.argv[2]
counts = {"tsa": 0, "ocsp": 0, "crl": 0}
lock = threading.Lock()
def run(args, body):
    with tempfile.TemporaryDirectory(dir=work) as d:
        req, resp = os.path.join(d, "req"), os.path.join(d, "resp")
        open(req, "wb").write(body)
        subprocess.run([a.replace("REQ", req).replace("RESP", resp) for a in args],
                       check=True, capture_output=True)
        return open(resp, "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def answer(self, ctype, data):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/tsa":
            with lock:  # one serial-number file
                counts["tsa"] += 1
                data = run(["openssl", "ts", "-reply", "-config", work + "/ts.cnf",
                            "-queryfile", "REQ", "-out", "RESP"], body)
            self.answer("application/timestamp-reply", data)
        elif self.path == "/ocsp":
            with lock:
                counts["ocsp"] += 1
            data = run(["openssl", "ocsp", "-index", pki + "/ca/intermediate/index.txt",
                        "-CA", pki + "/intermediate.pem", "-rsigner", pki + "/ocsp.pem",
                        "-rkey", pki + "/ocsp.key.pem", "-ndays", "7",
                        "-reqin", "REQ", "-respout", "RESP"], body)
            self.answer("application/ocsp-response", data)
        else:
            self.send_error(404)
    def do_GET(self):
        with lock:
            counts["crl"] += 1
        name = os.path.basename(self.path)
        try:
            self.answer("application/pkix-crl", open(os.path.join(work, "crl", name), "rb").read())
        except OSError:
            self.send_error(404)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(work + "/port", "w").write(str(server.server_address[1]))
def stop(*_):
    json.dump(counts, open(work + "/counts.json", "w"))
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
threading.Timer(1800, stop).start()
server.serve_forever()
EOF
mkdir -p "$work/crl"
python3 "$work/server.py" "$work" "$work/pki" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$work/port")"

PKI_OCSP_URL="$base/ocsp" PKI_CRL_URL="$base/crl/intermediate.crl" \
  bash fixtures/pki/make-test-pki.sh "$work/pki" 2>/dev/null
openssl crl -in "$work/pki/intermediate.crl.pem" -outform DER -out "$work/crl/intermediate.crl"
echo 01 >"$work/tsaserial"
cat >"$work/ts.cnf" <<EOF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = $work
serial = $work/tsaserial
crypto_device = builtin
signer_cert = $work/pki/tsa.pem
certs = $work/pki/chain.pem
signer_key = $work/pki/tsa.key.pem
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ess_cert_id_alg = sha256
EOF

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
