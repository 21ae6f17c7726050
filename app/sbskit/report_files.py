"""Write a :class:`~sbskit.core.report.Report` to disk as HTML or PDF (by the suffix).

Shared by the CLI's ``--report`` and the GUI's File > Export report. It lives outside
``sbskit.core`` because a PDF needs Qt, imported here only when a PDF is asked for.
"""

from __future__ import annotations

from pathlib import Path

from sbskit.core.errors import UserInputError
from sbskit.core.report import Report, render_html
from sbskit.core.settings import atomic_write_text

REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def write_document(document: str, path: Path, *, page: str = "A4", images: dict[str, bytes] | None = None,
                   what: str = "report") -> Path:
    """Write finished HTML to ``path``: a PDF through Qt for ``.pdf``, the HTML itself otherwise.

    ``images`` supplies the PNGs behind ``sbskit-img:`` placeholders for the PDF; ``what``
    names the document in the one-line error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".pdf":
            from sbskit.ui.pdf import html_to_pdf

            html_to_pdf(document, path, page=page, images=images)
        else:
            atomic_write_text(path, document)
    except OSError as exc:
        raise UserInputError(f"cannot write the {what} {path}: {exc.strerror or exc}") from None
    return path


def write_report_file(report: Report, path: Path, page: str = "A4") -> Path:
    """Write ``report`` to ``path``; ``page`` (A4 or Letter) applies to PDFs."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise UserInputError(f"a report file must end in .html or .pdf, not {path.name!r}")
    if path.suffix.lower() == ".pdf":
        return write_document(render_html(report, inline_images=False), path, page=page, images=report.images)
    return write_document(render_html(report), path)
