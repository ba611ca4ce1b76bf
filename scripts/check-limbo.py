#!/usr/bin/env python3
"""Runs the x509-limbo document-signing suite against kyso and applies issue 3's bar:
at least 99% of the cases pass and no case that must fail is accepted.

    python3 scripts/check-limbo.py target/release/kyso

Prints the runner's FAIL lines and its closing line ("N passed, N failed, N skipped").
"""
import re
import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent.parent
runner = here.parent / "shared" / "corpora" / "chain" / "run-limbo.py"
kyso = sys.argv[1] if len(sys.argv) > 1 else str(here / "target" / "release" / "kyso")
if not runner.exists():
    sys.exit(f"limbo runner missing: {runner}")
proc = subprocess.run(
    [sys.executable, str(runner), "--kyso", kyso, "--results", str(here / "target" / "chain-results.json")],
    capture_output=True, text=True)
lines = proc.stdout.splitlines()
for line in lines:
    if line.startswith("FAIL "):
        print(line)
closing = [l for l in lines if re.fullmatch(r"\d+ passed, \d+ failed, \d+ skipped", l.strip())]
if not closing:
    print(proc.stdout[-3000:], proc.stderr[-3000:])
    sys.exit("limbo runner printed no closing line")
passed, failed, skipped = map(int, re.findall(r"\d+", closing[-1]))
wrongly_accepted = [l for l in lines if l.startswith("FAIL ") and "expected FAILURE, got SUCCESS" in l]
total = passed + failed
rate = passed / total if total else 0.0
print(f"limbo: {rate:.2%} passed, {len(wrongly_accepted)} wrongly accepted")
print(closing[-1])
if rate < 0.99 or wrongly_accepted:
    sys.exit(1)
