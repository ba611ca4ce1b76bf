#!/usr/bin/env python3
"""Writes benchmark PDFs (standard library only).

    make-pdfs.py OUTDIR COUNT [SIZE_KB]      COUNT documents of about SIZE_KB (default 200)
    make-pdfs.py --huge FILE SIZE_MB          one document of about SIZE_MB, written streaming

Each document is a one-page letter with a scanned-looking image (incompressible bytes, like a
real scan) sized to reach the target, and a classic xref table.
"""
import os
import sys
import zlib


def write_pdf(out, image_bytes_len, seed):
    offsets = []
    pos = 0

    def emit(data):
        nonlocal pos
        out.write(data)
        pos += len(data)

    def obj(num, body_parts):
        offsets.append((num, pos))
        emit(b"%d 0 obj\n" % num)
        for part in body_parts:
            emit(part)
        emit(b"\nendobj\n")

    emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    obj(1, [b"<</Type/Catalog/Pages 2 0 R>>"])
    obj(2, [b"<</Type/Pages/Kids[3 0 R]/Count 1>>"])
    obj(3, [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>/XObject<</Im1 6 0 R>>>>/Contents 4 0 R>>"])
    text = zlib.compress(b"BT /F1 14 Tf 1 0 0 1 60 780 Tm (CONG VAN so %d) Tj ET\nq 475 0 0 600 60 120 cm /Im1 Do Q" % seed)
    obj(4, [b"<</Length %d/Filter/FlateDecode>>stream\n" % len(text), text, b"\nendstream"])
    obj(5, [b"<</Type/Font/Subtype/Type1/BaseFont/Times-Roman>>"])
    side = max(1, int((image_bytes_len) ** 0.5))
    length = side * side
    offsets.append((6, pos))
    emit(b"6 0 obj\n<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8/Length %d>>stream\n" % (side, side, length))
    chunk = 1 << 20
    remaining = length
    while remaining > 0:
        n = min(chunk, remaining)
        emit(os.urandom(n))
        remaining -= n
    emit(b"\nendstream\nendobj\n")
    xref = pos
    emit(b"xref\n0 7\n0000000000 65535 f \n")
    for _, off in sorted(offsets):
        emit(b"%010d 00000 n \n" % off)
    emit(b"trailer\n<</Size 7/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref)


def main():
    if sys.argv[1] == "--huge":
        path, size_mb = sys.argv[2], int(sys.argv[3])
        with open(path, "wb") as f:
            write_pdf(f, size_mb * 1024 * 1024, 0)
        return
    out_dir, count = sys.argv[1], int(sys.argv[2])
    size_kb = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    os.makedirs(out_dir, exist_ok=True)
    for i in range(count):
        with open(os.path.join(out_dir, "doc-%05d.pdf" % i), "wb") as f:
            write_pdf(f, size_kb * 1024 - 1500, i)


if __name__ == "__main__":
    main()
