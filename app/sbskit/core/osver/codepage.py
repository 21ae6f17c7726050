"""Which code page a saved console capture was written in, told by its content.

``systeminfo > out.txt`` in cmd writes the OEM code page (cp850 in Western Europe, cp437
in the US, cp866 in Russia, cp852 in Central Europe, GBK, Big5, Shift-JIS, UHC in East
Asia); Notepad saves ANSI (cp1252, cp1251, cp1250). Nothing in the file says which. Each
candidate decoding is scored: words systeminfo and ver really print (``Название ОС``,
``主机名``, ``système d'exploitation``) count for it; undefined bytes, box-drawing
characters and control characters - what a wrong code page turns letters into - count
against it. A text with no such words keeps the old default, cp1252.
"""

from __future__ import annotations

import functools
import unicodedata

from sbskit.core.osver.words import scoring_words

# order matters only for ties: the ANSI page first, then the OEM pages cmd uses
CANDIDATES = ("cp1252", "cp850", "cp437", "cp852", "cp1250", "cp857", "cp1254", "cp866", "cp1251", "cp737",
              "cp1253", "gbk", "big5", "cp932", "cp949")
NEUTRAL_SYMBOLS = set("®©™°±·×÷§¶¹²³µ€£¥")


@functools.lru_cache(maxsize=1)
def _words() -> tuple[str, ...]:
    return tuple(scoring_words())


def score(text: str) -> int:
    """Higher for text that reads like Windows console output in some language."""
    low = text.lower().replace("i\u0307", "i")  # Turkish İ lower-cases to i + combining dot
    total = sum(10 * len(word) * low.count(word) for word in _words())
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Cc", "Co", "Cn", "Cs"):
            total -= 20
        elif ch in NEUTRAL_SYMBOLS:
            continue
        elif cat[0] in "SP" or cat == "Lm":
            total -= 3  # a letter turned into a box, an arrow or a quote mark
        elif cat[0] == "L":
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            total += 1 if (prev.isalpha() or nxt.isalpha()) else -1
    return total


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace")


SAMPLE_BYTES = 64 * 1024  # enough lines of any capture; keeps a 4 MB file fast


def guess_codepage(data: bytes) -> tuple[str, str]:
    """(text, encoding) for bytes that are neither UTF-8 nor UTF-16: the best-scoring code page."""
    sample = data[:SAMPLE_BYTES]
    if len(data) > SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n")]  # never score half a multi-byte character
    best: tuple[int, int, str] | None = None
    for rank, encoding in enumerate(CANDIDATES):
        key = (score(_decode(sample, encoding)), -rank, encoding)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return _decode(data, best[2]), best[2]


def _as_ansi_bytes(text: str) -> bytes | None:
    """The bytes a cp1252 (or Latin-1) reader turned into ``text``, or None if it could not have."""
    out = bytearray()
    for ch in text:
        if ord(ch) < 128:
            out.append(ord(ch))
            continue
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if 0x80 <= ord(ch) <= 0xFF:
                out.append(ord(ch))  # Latin-1 readers keep the bytes cp1252 leaves undefined
            else:
                return None
    return bytes(out)


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Text that was decoded with the wrong code page before it reached us (a paste from a
    file opened as ANSI): re-read it with the page that makes it readable. Returns the text
    and the page used, or the text unchanged and None."""
    if text.isascii():
        return text, None
    sample = text[:20000]
    raw = _as_ansi_bytes(sample)
    if raw is None:
        return text, None
    base = score(sample)
    best_score, best_encoding = base, None
    for encoding in ("utf-8",) + CANDIDATES[1:]:
        try:
            fixed = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        value = score(fixed)
        if value > best_score:
            best_score, best_encoding = value, encoding
    if best_encoding is None or best_score < base + 30:
        return text, None
    whole = _as_ansi_bytes(text)
    if whole is None:
        return text, None
    return whole.decode(best_encoding, errors="replace"), best_encoding
