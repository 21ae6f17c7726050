"""Render ``resources/art/sbskit.svg`` into the multi-size ``sbskit.ico`` Windows wants.

Why a script and not a committed binary alone: the SVG is the source of truth, and the
.ico must follow it whenever the art changes. Qt (already a dependency) renders the SVG;
the ICO container is written by hand with ``struct`` so no imaging library is needed.
Layout follows Microsoft's icon guidance: small sizes as 32-bit BGRA DIBs (read by every
Windows loader and resource tool), 256 px as PNG (the only sane way to store it).

Run: ``python packaging/make_icon.py`` (writes resources/art/sbskit.ico); commit the result.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SVG = REPO / "resources" / "art" / "sbskit.svg"
ICO = REPO / "resources" / "art" / "sbskit.ico"
SIZES = (16, 20, 24, 32, 40, 48, 64, 256)
PNG_FROM = 256  # sizes from here up are stored PNG-compressed


def render_rgba(svg: Path, size: int) -> bytes:
    """The SVG rendered at ``size`` x ``size``: straight (non-premultiplied) RGBA rows, top row first."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    row = size * 4
    data = bytes(image.constBits())
    stride = image.bytesPerLine()
    return b"".join(data[y * stride : y * stride + row] for y in range(size))


def png_bytes(rgba: bytes, size: int) -> bytes:
    """Encode RGBA rows as PNG with the standard library only (zlib), no Qt needed."""
    import zlib

    raw = b"".join(b"\x00" + rgba[y * size * 4 : (y + 1) * size * 4] for y in range(size))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def dib_bytes(rgba: bytes, size: int) -> bytes:
    """A 32-bit BGRA DIB as ICO stores it: header with doubled height, rows bottom-up, then the AND mask."""
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in reversed(range(size)):
        line = rgba[y * size * 4 : (y + 1) * size * 4]
        bgra = bytearray(line)
        bgra[0::4], bgra[2::4] = line[2::4], line[0::4]
        rows.append(bytes(bgra))
    mask_stride = ((size + 31) // 32) * 4
    mask = b""
    for y in reversed(range(size)):
        bits = 0
        for x in range(size):
            if rgba[(y * size + x) * 4 + 3] == 0:  # fully transparent: mask bit set
                bits |= 1 << (mask_stride * 8 - 1 - x)
        mask += bits.to_bytes(mask_stride, "big")
    return header + b"".join(rows) + mask


def build_ico(images: dict[int, bytes]) -> bytes:
    """``{size: RGBA rows}`` -> the bytes of one .ico file holding every size."""
    sizes = sorted(images)
    blobs = [png_bytes(images[s], s) if s >= PNG_FROM else dib_bytes(images[s], s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    for size, blob in zip(sizes, blobs):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return out + b"".join(blobs)


def read_ico(data: bytes) -> list[dict]:
    """Parse an .ico directory (used by the tests and to check a written file)."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError("not an .ico file")
    entries = []
    for i in range(count):
        w, h, _colors, _res, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        blob = data[offset : offset + length]
        if len(blob) != length:
            raise ValueError(f"icon entry {i} runs past the end of the file")
        entries.append({
            "size": w or 256, "height": h or 256, "planes": planes, "bits": bits,
            "format": "png" if blob.startswith(b"\x89PNG") else "dib", "data": blob,
        })
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--out", type=Path, default=ICO)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, painter)
    ico = build_ico({size: render_rgba(args.svg, size) for size in SIZES})
    args.out.write_bytes(ico)
    print(f"{args.out}: {len(ico)} bytes, sizes {', '.join(map(str, SIZES))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
