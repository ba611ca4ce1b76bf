#!/usr/bin/env python3
"""pyHanko validating every PDF of a folder in one Python process (its fastest use).

    pyhanko-validate-loop.py ROOT.pem INDIR [LIMIT]   prints "FILES SECONDS"

Integrity, trust (ROOT.pem) and difference analysis for every signature; no revocation
checks (kyso runs --offline too).
"""
import os
import sys
import time

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

root, in_dir = sys.argv[1:3]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
vc = ValidationContext(trust_roots=[load_cert_from_pemder(root)], allow_fetching=False,
                       revocation_mode="soft-fail")
names = sorted(n for n in os.listdir(in_dir) if n.endswith(".pdf"))[:limit]
start = time.perf_counter()
for name in names:
    with open(os.path.join(in_dir, name), "rb") as f:
        reader = PdfFileReader(f)
        for sig in reader.embedded_signatures:
            validate_pdf_signature(sig, vc)
print(len(names), f"{time.perf_counter() - start:.3f}")
