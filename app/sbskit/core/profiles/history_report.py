"""A client's history as the client reads it: the console text of ``profile history``, and tables for
the visit report and ``profile history --report`` (HTML that the PDF writer renders as it is).

One table says, per checked target, the latest visit, its result, the visit it was compared with
and the changes; then one small table per target that has something to say (what is wrong now,
what was fixed, what could not be compared), each sentence on its own row under its heading.
"""

from __future__ import annotations

import html
from typing import Iterable

from sbskit.core.profiles.comparison import BAD, GOOD, UNKNOWN, Comparison
from sbskit.core.profiles.history import run_result
from sbskit.core.profiles.model import Run, local_date, local_datetime

#: Text colours that read on white paper (the report is printed), by state or group style.
INK = {"problem": "#b71c1c", "unknown": "#8a5300", "ok": "#1b5e20", "stale": "#5a6472",
       BAD: "#b71c1c", GOOD: "#1b5e20", UNKNOWN: "#8a5300"}
RUN_HEADERS = ["Run", "When", "Check", "Target", "Result", "Problems", "OK", "Errors"]


def changes_cell(comparison: Comparison) -> str:
    """``0 new, 1 fixed, 1 still listed; 8 not compared`` / ``first visit`` / ``nothing could be compared``."""
    if comparison.stale:
        return "not checked on the latest visit"
    if comparison.previous is None:
        return "first visit: nothing to compare with"
    counts = comparison.counts()
    unknown = counts["unknown"]
    if not comparison.compared():
        return f"nothing could be compared ({comparison.spec.items(unknown)})"
    text = f"{counts['new']} new, {counts['fixed']} fixed, {counts['still_listed']} {comparison.spec.still_word}"
    return text + (f"; {unknown} not compared" if unknown else "")


def summary_rows(comparisons: Iterable[Comparison]) -> list[list[str]]:
    """Check, target, latest visit, result, compared with, changes: one row per target."""
    rows = []
    for c in comparisons:
        latest = f"not checked on {local_date(c.kind_latest_at)}; last {local_date(c.latest.at)}" if c.stale and \
            c.kind_latest_at else c.visit_text()
        previous = local_date(c.previous.at) if c.previous is not None and not c.stale else "-"
        rows.append([c.spec.label, c.target, latest, c.verdict(), previous, changes_cell(c)])
    return rows


def _cell(text: str, colour: str | None = None, bold: bool = False) -> str:
    style = f" style='color: {colour};{' font-weight: bold;' if bold else ''}'" if colour else ""
    return f"<td{style}>{html.escape(text)}</td>"


def history_html(comparisons: list[Comparison], heading: int = 3) -> str:
    """The "Since the last visit" tables (no run list): a summary row per target, then its details."""
    if not comparisons:
        return "<p>No saved check of this client keeps a history yet.</p>"
    head = "".join(f"<th width='{w}%'>{h}</th>" for h, w in (("Check", 12), ("Target", 21), ("Latest visit", 12),
                                                             ("Result", 20), ("Compared with", 15), ("Changes", 20)))
    body = []
    for c, row in zip(comparisons, summary_rows(comparisons)):
        cells = [_cell(row[0]), _cell(row[1]), _cell(row[2]), _cell(row[3], INK[c.state], bold=True),
                 _cell(row[4]), _cell(row[5])]
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts = [f"<table class='grid' cellspacing='0' cellpadding='3' border='1' width='100%'><thead><tr>{head}</tr>"
             f"</thead>{''.join(body)}</table>",
             "<p class='muted'>A visit is every check run on one day. Each item is compared with its last real "
             "answer before the latest visit; an item that gave no answer is never counted as fixed.</p>"]
    for c in comparisons:
        groups = c.groups()
        if not groups:
            continue
        rows = []
        for style, title, lines in groups:
            for index, line in enumerate(lines):
                label = f"{title} ({len(lines)})" if index == 0 else ""
                rows.append(f"<tr>{_cell(label, INK[style], bold=True)}{_cell(line)}</tr>")
        parts.append(f"<h{heading}>{html.escape(c.title())}</h{heading}>"
                     f"<table class='grid' cellspacing='0' cellpadding='3' border='1' width='100%'>"
                     f"<tr><th width='22%'>Change</th><th>Item</th></tr>{''.join(rows)}</table>")
    return "".join(parts)


def run_rows(runs: Iterable[Run]) -> list[list[str]]:
    from sbskit.core.profiles.kinds import spec_or_generic

    return [[str(r.id), local_datetime(r.at), spec_or_generic(r.kind).label, r.target or "-", run_result(r),
             str(r.counts.get("problem", 0)), str(r.counts.get("ok", 0)), str(r.counts.get("error", 0))]
            for r in runs]


HTML_RUN_COLUMNS = (("Run", 8), ("When", 18), ("Check", 15), ("Target", 23), ("Result", 18),
                    ("Problems / OK / errors", 18))  # per cent of the page: every header and time on one line


def runs_html(runs: list[Run]) -> str:
    """The runs as a table whose header repeats on every page (``thead``)."""
    if not runs:
        return "<p>No saved runs yet.</p>"
    head = "".join(f"<th width='{w}%'>{h}</th>" for h, w in HTML_RUN_COLUMNS)
    body = "".join("<tr>" + "".join(_cell(c) for c in row[:5]) + _cell(" / ".join(row[5:])) + "</tr>"
                   for row in run_rows(runs))
    return (f"<table class='grid' cellspacing='0' cellpadding='3' border='1' width='100%'><thead><tr>{head}</tr>"
            f"</thead>{body}</table>")


def history_text(name: str, comparisons: list[Comparison], runs: list[Run], kind: str | None = None) -> str:
    """What ``profile history`` prints: per target its headline and sentences, then the runs (with their ids)."""
    lines = [f"History of {name}" + (f" ({kind})" if kind else "")]
    if not runs:
        lines.append("No saved runs yet.")
    elif not comparisons:
        lines.append("No saved run of a check that keeps a history: nothing to judge.")
    for comparison in comparisons:
        lines.append("")
        lines.append(comparison.report_lines()[0])
        for _style, title, group in comparison.groups(with_target=True):
            lines.append(f"  {title}:")
            lines.extend(f"    {sentence}" for sentence in group)
    if runs:
        lines.append("")
        lines.append(text_table(RUN_HEADERS, run_rows(runs)))
    return "\n".join(lines)


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [headers, *rows]]
    return "\n".join(out)


def add_history_section(report, client: str, store=None, scope=None) -> None:
    """The visit report's "Since the last visit" chapter, from the client's saved runs whose targets
    are the client's (``visit_scope.history_belongs``: a look at another domain stays out)."""
    from sbskit.core.errors import UserInputError
    from sbskit.core.visit_scope import history_belongs

    try:
        if store is None:
            from sbskit.core.profiles.store import ProfileStore

            with ProfileStore() as opened:
                comparisons = opened.comparisons(client)
                derived = mail_server_addresses(opened, client, scope)
        else:
            comparisons = store.comparisons(client)
            derived = mail_server_addresses(store, client, scope)
    except UserInputError as exc:
        report.add_html_section("Since the last visit", f"<p>History not available: {html.escape(str(exc))}</p>")
        return
    comparisons = [c for c in comparisons if history_belongs(scope, c.kind, c.target)
                   or (c.kind == "blacklist" and c.target in derived)]
    if comparisons:
        report.add_html_section("Since the last visit", history_html(comparisons))



def mail_server_addresses(store, client: str, scope) -> set[str]:
    """Addresses a saved blocklist run found as the mail servers (MX) of one of the client's
    domains: they are the client's too (a listing of the client's MX at a hoster must not drop
    out of the report because the profile lists only the domain)."""
    if scope is None or scope.empty:
        return set()
    found: set[str] = set()
    for run in store.runs(client, kind="blacklist"):
        document = store.load_run(run.id).document
        for entry in (document or {}).get("targets") or []:
            source = entry.get("source") if isinstance(entry, dict) else None
            if isinstance(source, dict) and isinstance(source.get("domain"), str) and scope.owns(source["domain"]):
                found.add(str(entry.get("target", "")))
    return found
