# Shared by the benchmark scripts: loopback services for time-stamps and revocation.
#
#   . benches/loopback.sh
#   start_loopback "$work"     # sets base (http://127.0.0.1:PORT) and server_pid
#
# Writes a test PKI whose certificates name the OCSP responder and CRL below into $work/pki, an
# `openssl ts` configuration ($work/ts.cnf), and starts a small Python HTTP server bound to
# 127.0.0.1: POST /tsa (openssl ts -reply), POST /ocsp (openssl ocsp -reqin), GET /crl/NAME.
# Request counts go to $work/counts.json when the server stops (SIGTERM, or after 30 minutes).
# The caller kills "$server_pid" (its EXIT trap should). Needs python3 and openssl 3.
start_loopback() {
  local work=$1
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
  bash fixtures/pki/make-test-pki.sh "$work/pki" >/dev/null 2>&1
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

}
