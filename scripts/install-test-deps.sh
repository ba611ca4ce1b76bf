#!/usr/bin/env bash
# Installs what the test suite needs: Debian packages (SoftHSM2, OpenSC, poppler, qpdf,
# NSS tools, fonts, xmlsec1) and a Python venv with the interop peers (pyHanko).
# Idempotent: does nothing that is already done.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
pkgs=(softhsm2 opensc poppler-utils qpdf libnss3-tools fonts-dejavu-core fonts-liberation2
      libssl-dev pkg-config xmlsec1 libxml2-utils xml-security-c-utils)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
venv="${KYSO_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/pyhanko" ]; then
  echo "creating Python venv with pyHanko in $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/tests/interop/requirements.txt"
fi
