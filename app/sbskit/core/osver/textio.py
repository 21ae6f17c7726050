"""Bounded, encoding-aware reading of pasted text and files (ver output, scripts).

Admins paste from consoles that write UTF-16 (``wmic``, PowerShell ``>``), OEM code
pages (``cmd``: cp850, cp437, cp866, GBK, Shift-JIS..., told apart by content in
:mod:`codepage`) or UTF-8; some paste a whole log or a binary by mistake. Everything
here caps the size first and turns bad input into one clear :class:`UserInputError`.
"""

from __future__ import annotations

from pathlib import Path

from sbskit.core.errors import UserInputError
from sbskit.core.textfiles import PROBE_BYTES, sniff_bom, utf16_byte_order

MAX_BYTES = 4 * 1024 * 1024  # a ver/systeminfo paste or a logon script is far smaller
MAX_CHARS = MAX_BYTES


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def check_size(size: int, what: str = "The text") -> None:
    if size > MAX_BYTES:
        raise UserInputError(
            f"{what} is {_mb(size)}; the limit is {_mb(MAX_BYTES)} - paste only the relevant output or script"
        )


def _plain_plane(code: int) -> bool:
    """Latin, Greek, Cyrillic, CJK, kana and Hangul: what console text is made of (an executable is not)."""
    return code < 0x2000 or 0x3000 <= code < 0xA000 or 0xAC00 <= code < 0xD7B0 or 0xFF00 <= code < 0xFFF0


def _looks_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when most odd (even) bytes of a BOM-less text are NUL."""
    order = utf16_byte_order(data, min_bytes=4, nul_share=0.4, other_max=0.1)
    guess = f"utf-16-{order}" if order else None
    if guess:
        # BOM-less UTF-16 from consoles is mostly Latin text; an executable is not
        sample = data[:PROBE_BYTES]
        text = sample[: len(sample) // 2 * 2].decode(guess, errors="replace")
        plain = sum(1 for ch in text if ch.isprintable() and _plain_plane(ord(ch)) or ch in "\r\n\t")
        if plain < 0.9 * len(text):
            return None
    return guess


def decode_bytes(data: bytes, what: str = "The text") -> tuple[str, str]:
    """Decode ``data`` to text; returns (text, encoding name). Refuses binary data."""
    check_size(len(data), what)
    bom = sniff_bom(data, utf32=False)
    if bom:
        encoding, data = ("utf-8-sig" if bom[0] == "utf-8" else bom[0]), data[bom[1]:]
    else:
        encoding = _looks_utf16(data)
    if encoding and encoding.startswith("utf-16"):
        if len(data) % 2:
            data = data[:-1]
        text = data.decode(encoding, errors="replace")
    elif encoding == "utf-8-sig":
        text = data.decode("utf-8", errors="replace")
    else:
        if b"\x00" in data:
            raise UserInputError(f"{what} looks like a binary file, not text (it contains NUL bytes)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            from sbskit.core.osver.codepage import guess_codepage

            text, encoding = guess_codepage(data)
    return check_text(text, what), encoding


def check_text(text: str, what: str = "The text") -> str:
    """Size cap and binary sniffing for text that is already a ``str`` (a GUI paste)."""
    if len(text) > MAX_CHARS:
        raise UserInputError(
            f"{what} is {len(text):,} characters; the limit is {MAX_CHARS:,} - paste only the relevant output or script"
        )
    sample = text[:8192]
    if "\x00" in sample:
        raise UserInputError(f"{what} looks like binary data, not text (it contains NUL characters)")
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\x0c\x1a")
    if sample and controls > 0.1 * len(sample):
        raise UserInputError(f"{what} looks like binary data, not text")
    return text


def normalize_newlines(text: str) -> str:
    """``wmic`` writes ``\\r\\r\\n``; others \\r\\n or \\n. Return plain \\n lines."""
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def read_file(path: str | Path, what: str | None = None) -> tuple[str, str]:
    """Read a file with the size cap applied before reading all of it."""
    path = Path(path)
    label = what or f"The file {path.name}"
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                size = path.stat().st_size
                check_size(size, label)
    except FileNotFoundError:
        raise UserInputError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UserInputError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise UserInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return decode_bytes(data, label)
