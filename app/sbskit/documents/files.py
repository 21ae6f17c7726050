"""Write a :class:`~sbskit.core.report.Report` to disk as HTML or PDF (by the suffix).

Shared by the CLI's ``--report`` and the GUI's File > Export report. It lives outside
``sbskit.core`` because a PDF needs Qt: :mod:`sbskit.documents.pdf` is imported here only
when a PDF is asked for, and an installation without a loadable QtGui gets one clear line
(:class:`~sbskit.core.errors.CannotCompleteError`, CLI exit 3) instead of a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sbskit.core.errors import CannotCompleteError, UserInputError
from sbskit.core.report import Report, render_html
from sbskit.core.settings import atomic_write_text

REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def write_document(document: str, path: Path, *, page: str = "A4", images: dict[str, bytes] | None = None,
                   what: str = "report", running_title: str = "", author: str = "") -> Path:
    """Write finished HTML to ``path``: a PDF through Qt for ``.pdf``, the HTML itself otherwise.

    ``images`` supplies the PNGs behind ``sbskit-img:`` placeholders for the PDF; ``what``
    names the document in the one-line error.
    """
    render_pdf = _pdf_renderer() if path.suffix.lower() == ".pdf" else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if render_pdf is not None:
            render_pdf(document, path, page=page, images=images, running_title=running_title, author=author)
        else:
            atomic_write_text(path, document)
    except OSError as exc:
        raise UserInputError(f"cannot write the {what} {path}: {exc.strerror or exc}") from None
    return path


def _pdf_renderer():
    """``html_to_pdf``, or a one-line :class:`CannotCompleteError` when Qt cannot be loaded."""
    try:
        from sbskit.documents.pdf import html_to_pdf
    except ImportError as exc:  # no PySide6, or its QtGui libraries (libEGL, fontconfig) are missing
        if getattr(sys, "frozen", False) and "PySide6" in str(exc):  # the one-file sbskit-cli is built without Qt
            raise CannotCompleteError(
                "this one-file sbskit-cli is built without Qt, so it writes reports as .html only; for a PDF use "
                "the sbskit-cli of the one-folder kit, or File > Export report in the sbskit window "
                "(see packaging/README.md)"
            ) from None
        raise CannotCompleteError(
            f"cannot write a PDF: it needs Qt (PySide6 QtGui), which this installation cannot load ({exc}); "
            "write the report as .html instead, or install PySide6-Essentials"
        ) from None
    return html_to_pdf


def check_pdf_possible() -> None:
    """Raise the one-line :class:`CannotCompleteError` now if a PDF cannot be made (before any check runs)."""
    _pdf_renderer()


def write_report_file(report: Report, path: Path, page: str = "A4") -> Path:
    """Write ``report`` to ``path``; ``page`` (A4 or Letter) applies to PDFs."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise UserInputError(f"a report file must end in .html or .pdf, not {path.name!r}")
    if path.suffix.lower() == ".pdf":
        title = f"{report.title} \u2014 {report.client}" if report.client else report.title
        return write_document(render_html(report, inline_images=False), path, page=page, images=report.images,
                              running_title=title, author=report.consultant)
    return write_document(render_html(report), path)
