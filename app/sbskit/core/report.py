"""A client report as data, rendered to self-contained HTML (PDF is the UI layer's job).

Every tab and subcommand contributes sections; the HTML uses only inline CSS that Qt's
rich-text engine understands too, so the same HTML becomes the PDF without a browser.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import re
from dataclasses import dataclass, field

from sbskit import APP_NAME, __version__

REPORT_CSS = """
body { font-family: 'Segoe UI', 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #1b1b1b; }
h1 { font-size: 18pt; color: #1f4e8c; margin-bottom: 2pt; }
h2 { font-size: 13pt; color: #1f4e8c; border-bottom: 1px solid #9db3d1; margin-top: 14pt; }
table.meta td { padding: 1px 12px 1px 0; }
pre { font-family: 'Consolas', 'DejaVu Sans Mono', monospace; font-size: 8.5pt; background: #f4f6f9;
      border: 1px solid #d5dce6; padding: 6pt; white-space: pre-wrap; }
.muted { color: #5a6472; }
h3 { font-size: 11pt; color: #1b1b1b; margin-top: 10pt; margin-bottom: 3pt; }
table.grid { border-collapse: collapse; margin: 3pt 0 6pt 0; }
table.grid th { background: #e8edf4; text-align: left; padding: 3px 6px; border: 1px solid #c5cfdc; }
table.grid td { padding: 3px 6px; border: 1px solid #d5dce6; vertical-align: top; }
p.verdict { font-size: 11pt; margin: 2pt 0 4pt 0; }
"""

# traffic lights: (dot colour, word) - the word carries the meaning in print and for screen readers
LIGHTS = {
    "red": ("#c62828", "Problem"),
    "amber": ("#b26a00", "Could not tell"),
    "warning": ("#7a5c00", "Warning"),  # works, but weaker than it should be (a mail DNS warning, a medium risk)
    "green": ("#2e7d32", "OK"),
    "grey": ("#6b7280", "Not checked"),
}


IMAGE_SCHEME = "sbskit-img:"  # placeholder URL: a data URI in HTML, a document resource in PDF
IMAGE_WIDTH = 500  # CSS px, read as points in the PDF: fits A4 and Letter with 15 mm margins


@dataclass
class Section:
    heading: str
    html_body: str
    level: int = 2  # 2: a check or a chapter; 3: a part of a check


@dataclass
class CheckSummary:
    """One line of the executive summary: a check, its light, its verdict, the one thing to do."""

    check: str
    light: str  # a key of LIGHTS
    verdict: str
    action: str


def light_html(light: str) -> str:
    colour, word = LIGHTS.get(light, LIGHTS["grey"])
    return (f"<span style='color: {colour}; font-size: 13pt;'>&#9679;</span> "
            f"<b style='color: {colour};'>{html.escape(word)}</b>")


def html_table(headers: list[str], rows: list[list[str]], header: bool = True) -> str:
    """Evidence as a table: every cell is plain text, escaped here."""
    # <thead>: Qt repeats the header row on every PDF page the table runs onto
    head = "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr></thead>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table class='grid' cellspacing='0' cellpadding='5' border='1'>{head}{body}</table>"


@dataclass
class Report:
    title: str
    client: str = ""
    consultant: str = ""
    created: _dt.datetime = field(default_factory=lambda: _dt.datetime.now().astimezone())
    site: str = ""
    sections: list[Section] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # name -> PNG bytes
    summaries: list[CheckSummary] = field(default_factory=list)  # page 1, when there are any
    appendix: bool = True  # the kit and data versions, last

    def add_text_section(self, heading: str, text: str) -> None:
        self.sections.append(Section(heading, f"<pre>{html.escape(text)}</pre>"))

    def add_html_section(self, heading: str, body: str) -> None:
        self.sections.append(Section(heading, body))

    def add_image(self, name: str, png: bytes, caption: str = "") -> str:
        """Register a PNG and return the ``<img>`` HTML that shows it (with its caption)."""
        self.images[name] = png
        caption_html = f"<p class='muted'>{html.escape(caption)}</p>" if caption else ""
        return f"<p><img src='{IMAGE_SCHEME}{html.escape(name)}' width='{IMAGE_WIDTH}'></p>{caption_html}"


def _is_artwork(name: str) -> bool:
    return name.startswith("art/") or name.lower().endswith((".svg", ".png", ".ico", ".icns"))


# a client document names the kit's fields and checks, never its command line (see ``client_words``)
CLIENT_WORDS = (
    ("(no --ip was given)", "(no sending address was given)"), ("no --ip was given", "no sending address was given"),
    (" (--ip)", ""), (", with --ip.", "."), (" with --ip", ""), ("--ip", "the sending address"),
    ("--dkim-selector", "the DKIM selectors"), (" (--as-outsider)", " (the Outsider option)"),
    ("--as-outsider", "the Outsider option"), (" (--dqs-key)", ""), ("--dqs-key", "a Spamhaus DQS key"),
    ("with --resolver", "as the resolver"), ("--resolver", "the Resolver field"), (" (--name)", ""),
    ("(--server-ip)", "(the Mail server IP field)"), ("--server-ip", "the Mail server IP field"),
)
_NAME_OPTION = re.compile(r" with --name \(in the GUI: (?:\"|&quot;)Name clients use(?:\"|&quot;)\)")
_CLI_COMMAND = re.compile(r"sbskit-cli (blacklist|maildns|mailprobe|relaytest|osver|triage)\b[^<\n]*")
_CHECK_NAMES = {"blacklist": "blacklist lookup", "maildns": "Mail DNS health check", "mailprobe": "mail server probe",
                "relaytest": "open-relay test", "osver": "OS version check", "triage": "queue triage"}


def client_words(text: str) -> str:
    """The kit's CLI wording said for a client: '--ip' as 'the sending address', an
    'sbskit-cli maildns ...' command as 'the SBS Admin Kit's Mail DNS health check'."""
    text = _NAME_OPTION.sub(" in the Name clients use field", text)
    for cli, words in CLIENT_WORDS:
        text = text.replace(cli, words)
    return _CLI_COMMAND.sub(lambda m: f"the {APP_NAME}'s {_CHECK_NAMES[m.group(1)]}", text)


def _summary_html(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{light_html(s.light)}</td><td><b>{html.escape(client_words(s.check))}</b></td>"
        f"<td>{html.escape(client_words(s.verdict))}</td><td>{html.escape(client_words(s.action))}</td></tr>"
        for s in report.summaries)
    return ("<h2>Summary</h2><table class='grid' cellspacing='0' cellpadding='5' border='1' width='100%'>"
            "<thead><tr><th>Status</th><th>Check</th><th>Finding</th><th>Most important action</th></tr></thead>"
            f"{rows}</table>"
            "<p class='muted'>OK needs evidence that covers the question; anything less is 'Could not tell', "
            "with what to collect in the check's own pages.</p>")


def _meta_rows(report: Report) -> list[tuple[str, str]]:
    rows = [("Created", report.created.strftime("%Y-%m-%d %H:%M %Z").strip())]
    if report.client:
        rows.append(("Client", report.client))
    if report.site:
        rows.append(("Site", report.site))
    if report.consultant:
        rows.append(("Consultant", report.consultant))
    return rows


# what each data file is, for the appendix (a client reads "Windows releases 2026-12-01", not a file name)
DATA_NAMES = {
    "dnsbl-zones.json": "DNS blocklists", "maildns.json": "mail DNS rules", "pop3-checklist.json": "POP3 checklist",
    "script-outputs.json": "script outputs", "triage-actions.json": "triage action plans",
    "triage-replies.json": "server replies", "windows-releases.json": "Windows releases",
}


def _appendix_html() -> str:
    """The last page's small print: which kit and which reference data made the report."""
    from sbskit.core.resources import data_versions

    try:
        versions = data_versions()
    except (OSError, ValueError):
        versions = {}
    data = sorted((DATA_NAMES.get(k, k.rsplit(".", 1)[0]), v) for k, v in versions.items() if not _is_artwork(k))
    line = "; ".join(f"{name} {version}" for name, version in data)
    return ("<h2>About this report</h2>"
            f"<p class='muted'>Made with {html.escape(APP_NAME)} {html.escape(__version__)}."
            + (f" Reference data: {html.escape(line)}." if line else "") + "</p>")


def render_html(report: Report, inline_images: bool = True) -> str:
    """The whole report as one HTML document with inline CSS.

    ``inline_images`` turns image placeholders into data URIs (a self-contained file);
    the PDF writer passes False and supplies the images as document resources instead.
    """
    meta = "".join(
        f"<tr><td class='muted'>{html.escape(k)}&nbsp;&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
        for k, v in _meta_rows(report)
    )
    body = "".join(f"<h{s.level}>{html.escape(client_words(s.heading))}</h{s.level}>\n{client_words(s.html_body)}\n"
                   for s in report.sections)
    if report.appendix:
        body += _appendix_html()
    if report.summaries:  # page 1 is the executive summary; the checks start on a new page
        first = body.find("<h2>")
        if first >= 0:
            body = body[:first] + "<h2 style='page-break-before: always'>" + body[first + 4:]
        body = _summary_html(report) + body
    if inline_images:
        for name, png in report.images.items():
            uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            body = body.replace(f"{IMAGE_SCHEME}{html.escape(name)}", uri)
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(report.title)}</title><style>{REPORT_CSS}</style></head>"
        f"<body><h1>{html.escape(report.title)}</h1><table class='meta' cellspacing='0' cellpadding='2'>{meta}</table>"
        f"\n{body}</body></html>\n"
    )
