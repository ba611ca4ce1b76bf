#!/usr/bin/env python3
"""pyHanko signing every PDF of a folder in one Python process (the fastest way to use it).

    pyhanko-loop.py KEY.pem CERT.pem CHAIN.pem INDIR OUTDIR
"""
import os
import sys
import time

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

key, cert, chain, in_dir, out_dir = sys.argv[1:6]
signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,), key_passphrase=None)
meta = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)
os.makedirs(out_dir, exist_ok=True)
names = sorted(n for n in os.listdir(in_dir) if n.endswith(".pdf"))
start = time.perf_counter()
for name in names:
    with open(os.path.join(in_dir, name), "rb") as inf:
        writer = IncrementalPdfFileWriter(inf)
        with open(os.path.join(out_dir, name), "wb") as outf:
            signers.sign_pdf(writer, meta, signer=signer, output=outf)
elapsed = time.perf_counter() - start
print(f"{len(names)} {elapsed:.3f}")
