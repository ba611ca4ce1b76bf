#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need first (Debian packages,
# the Python venv with the interop peers), then: formatting, clippy, unit and integration tests
# (SoftHSM tokens; pyHanko / pdfsig / qpdf / xmlsec1 interop; the x509-limbo suite, the PDF
# and XML corpora from ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
export PATH="$PWD/.venv/bin:$PATH"
export KYSO_VENV="$PWD/.venv"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --no-fail-fast --quiet 2>&1 | tee /tmp/kyso-cargo-test.log
grep -q "test result" /tmp/kyso-cargo-test.log
