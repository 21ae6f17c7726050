"""Sniffing the encoding of text files from their first bytes, for every part of the kit.

Windows tools write the same text as UTF-8 with or without a BOM, UTF-16 with a BOM
(PowerShell 5.1 ``>``, ``Out-File``) or UTF-16 without one (``wmic``, copies through some
editors). The OS version checker and the log triage both need to tell these apart; each
keeps its own thresholds and fallbacks, but the byte-level tests live here once.
Stdlib only, so CLI paths can import it cheaply.
"""

from __future__ import annotations

import codecs

# longest first where one BOM starts another (UTF-32LE begins with the UTF-16LE BOM)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

PROBE_BYTES = 4096  # how much of the start the UTF-16 test looks at


def sniff_bom(data: bytes, utf32: bool = True) -> tuple[str, int] | None:
    """(encoding, BOM length) for data that starts with a byte order mark, else None.

    Encodings: "utf-8", "utf-32-le", "utf-16-le", "utf-16-be". With ``utf32=False`` a
    UTF-32LE BOM is reported as the UTF-16LE BOM it starts with.
    """
    for bom, name in _BOMS:
        if name == "utf-32-le" and not utf32:
            continue
        if data.startswith(bom):
            return name, len(bom)
    return None


def utf16_byte_order(sample: bytes, *, min_bytes: int, nul_share: float, other_max: float) -> str | None:
    """'le' or 'be' when BOM-less data looks like mostly-ASCII UTF-16: more than ``nul_share``
    of the bytes at odd (LE) or even (BE) offsets are NUL, and fewer than ``other_max`` of the
    others. None for fewer than ``min_bytes`` bytes or any other pattern."""
    probe = sample[:PROBE_BYTES]
    if len(probe) < min_bytes:
        return None
    even = probe[0::2]
    odd = probe[1::2]
    if odd.count(0) > nul_share * len(odd) and even.count(0) < other_max * len(even):
        return "le"
    if even.count(0) > nul_share * len(even) and odd.count(0) < other_max * len(odd):
        return "be"
    return None
