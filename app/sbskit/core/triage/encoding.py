"""Guess a log file's text encoding from its first bytes.

Exchange and PowerShell write the same data in several encodings: ``Out-File`` and
``>`` in Windows PowerShell 5.1 give UTF-16LE with a BOM, ``Export-Csv`` gives ASCII,
PowerShell 7 gives UTF-8 without a BOM, and copies through some editors lose the BOM.
We look at BOMs first, then at the NUL pattern of UTF-16 text, then try UTF-8, and fall
back to Windows-1252 (which decodes any byte) so a stray byte never stops the import.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from sbskit.core.textfiles import sniff_bom, utf16_byte_order


@dataclass(frozen=True)
class EncodingGuess:
    codec: str  # name for open(): "utf-8", "utf-8-sig", "utf-16-le", ...
    label: str  # what the admin sees: "UTF-16LE with BOM"
    bom_bytes: int = 0


# codecs that consume the BOM themselves, so the reader sees text from the first character
_WITH_BOM = {
    "utf-8": EncodingGuess("utf-8-sig", "UTF-8 with BOM", 3),
    "utf-32-le": EncodingGuess("utf-32", "UTF-32LE with BOM", 4),
    "utf-16-le": EncodingGuess("utf-16", "UTF-16LE with BOM", 2),
    "utf-16-be": EncodingGuess("utf-16", "UTF-16BE with BOM", 2),
}


def _valid_utf8(sample: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def guess_encoding(sample: bytes) -> EncodingGuess:
    """The encoding of a file whose first bytes are ``sample``."""
    bom = sniff_bom(sample)
    if bom:
        return _WITH_BOM[bom[0]]
    order = utf16_byte_order(sample, min_bytes=8, nul_share=0.6, other_max=0.05)
    if order == "le":
        return EncodingGuess("utf-16-le", "UTF-16LE without BOM")
    if order == "be":
        return EncodingGuess("utf-16-be", "UTF-16BE without BOM")
    if _valid_utf8(sample):
        if all(b < 0x80 for b in sample[:65536]):
            return EncodingGuess("utf-8", "ASCII/UTF-8")
        return EncodingGuess("utf-8", "UTF-8")
    return EncodingGuess("cp1252", "Windows-1252 (ANSI)")


def looks_binary(sample: bytes, guess: EncodingGuess) -> bool:
    """True for data that is not text in the guessed encoding (images, archives, EDB pages)."""
    if not sample:
        return False
    if guess.codec.startswith("utf-16") or guess.codec == "utf-32":
        return False
    probe = sample[:8192]
    if b"\0" in probe:
        return True
    controls = sum(1 for b in probe if b < 9 or 13 < b < 32)
    return controls > len(probe) * 0.02


MAGIC = {
    b"PK\x03\x04": "a ZIP archive: unzip it first and add the files inside",
    b"\x1f\x8b": "a gzip archive: unpack it first and add the file inside",
    b"7z\xbc\xaf": "a 7-Zip archive: unpack it first and add the files inside",
    b"%PDF": "a PDF document, not a log",
    b"MZ": "a Windows program, not a log",
    b"\xd0\xcf\x11\xe0": "an old Office document (for Excel, save the sheet as CSV first)",
    b"ElfFile": "a Windows event log (.evtx): export the events as CSV first",
}


def known_binary(sample: bytes) -> str | None:
    for magic, meaning in MAGIC.items():
        if sample.startswith(magic):
            return meaning
    return None
