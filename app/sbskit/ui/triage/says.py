"""The "What the evidence says" panel and the colours the diagnosis page shares.

Whatever the verdict, the admin sees what the files showed: every refusal and deferral
reason grouped by code and text with its meaning and fix, failed logons and who tried,
relay refusals, the queues, and what a healthy verdict rests on or why the triage cannot
tell yet. Colours come from the palette or from pairs whose contrast is at least 4.5:1
in light and dark mode (tested), never from a disabled-text grey.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTextBrowser, QWidget

from sbskit.ui.common.theme import is_dark, status_background, status_foreground

OUTCOME_KIND = {"cause": "bad", "healthy": "good", "not_enough_evidence": "unknown"}
OUTCOME_TITLE = {"cause": "Cause found", "healthy": "Healthy", "not_enough_evidence": "Not enough evidence to tell"}
# secondary text (lower-ranked causes, explanations): at least 4.5:1 on the Base colour of each theme
MUTED_TEXT = ("#5b6067", "#a9aeb4")  # (light, dark)


def muted_text(widget: QWidget | None = None) -> QColor:
    return QColor(MUTED_TEXT[1] if is_dark(widget) else MUTED_TEXT[0])


def outcome_kind(result) -> str:
    """The banner colour: red for a cause, green only for a healthy verdict, amber otherwise (no evidence too)."""
    if result.outcome == "cause":
        return "bad"
    if result.outcome == "healthy" and result.evidence_used:
        return "good"
    return "unknown"


def _reply_rows(result, muted: str) -> str:
    esc = html.escape
    rows = []
    for r in result.replies[:30]:
        who = "our server answered" if r["direction"] == "inbound" else "answer to our mail"
        subjects = f" \u2014 {esc(', '.join(r['subjects'][:3]))}" if r["subjects"] else ""
        fix = f"<br><b>Fix:</b> {esc(r['fix'])}" if r["fix"] else ""
        aside = (f"<br><i>{r['aside']} of them are bounces to made-up addresses: no cause of ours.</i>"
                 if r.get("aside") else "")
        code = esc(r["code"] or "\u2014")
        rows.append(
            f"<tr><td align='right'><b>{r['count']:,}</b></td><td>{code}</td>"
            f"<td><b>{esc(r['title'])}</b><br><span style='color:{muted};'>{esc(r['text'])}</span></td>"
            f"<td>{esc(r['meaning'])}{fix}{aside}</td>"
            f"<td><span style='color:{muted};'>{esc(who)}; {esc(', '.join(r['sources']))}{subjects}</span></td></tr>")
    head = ("<tr><th align='right'>Messages</th><th align='left'>Code</th><th align='left'>Reply</th>"
            "<th align='left'>Meaning</th><th align='left'>Found in</th></tr>")
    return f"<table width='100%' cellspacing='0' cellpadding='4'>{head}{''.join(rows)}</table>"


STATUS_WORDS = {"ok": "OK", "warning": "Warning", "problem": "Problem", "error": "Could not tell"}


def _live_html(result) -> str:
    """What the live checks found: one line each, and the Mail DNS check's records one by one."""
    live = result.live.as_dict() if result.live is not None else {}
    if not live:
        return ""
    esc = html.escape
    names = {"blacklist": "Blocklist check", "maildns": "Mail DNS check", "relay": "Relay test"}
    items = []
    for key in ("blacklist", "maildns", "relay"):
        entry = live.get(key)
        if not entry:
            continue
        dash = " \u2014 "
        rows = "".join(f"<li><b>{esc(STATUS_WORDS.get(c['status'], c['status']))}</b> {esc(c['id'])}: "
                       f"{esc(c['title'])}{(dash + esc(c['detail'])) if c['detail'] else ''}</li>"
                       for c in entry.get("checks", []))
        items.append(f"<li><b>{names[key]}:</b> {esc(entry['summary'])}{('<ul>' + rows + '</ul>') if rows else ''}</li>")
    return f"<h3>Live checks</h3><ul>{''.join(items)}</ul>"


def says_html(result, muted: str) -> str:
    """The panel's content (also what 'Copy' puts on the clipboard as rich text)."""
    esc = html.escape
    parts = []
    if result.outcome == "healthy":
        parts.append(f"<p><b>The healthy verdict rests on</b> {esc(result.rests_on)}.</p>")
    elif result.outcome == "not_enough_evidence" and result.coverage.gaps:
        gaps = "".join(f"<li>{esc(g)}</li>" for g in result.coverage.gaps)
        parts.append(f"<p><b>Why the triage cannot tell yet</b></p><ul>{gaps}</ul>")
    if result.platform is not None:
        note = f" {esc(result.platform.note)}" if result.platform.note else ""
        parts.append(f"<p><b>Mail system:</b> {esc(result.platform.name)}.{note}</p>")
    parts.append(_live_html(result))
    if result.replies:
        parts.append("<h3>Replies in the evidence, grouped</h3>" + _reply_rows(result, muted))
    for note in result.noteworthy:
        lines = "".join(f"<li>{esc(line)}</li>" for line in note["lines"])
        parts.append(f"<h3>{esc(note['title'])}</h3>" + (f"<ul>{lines}</ul>" if lines else ""))
    if not result.replies and not result.noteworthy:
        if result.evidence_used:
            parts.append("<p>The files hold no refusals, deferrals, failed logons or queued mail.</p>")
        elif result.live is not None and result.live.any():
            parts.append("<p>No evidence files: the live checks above are all the diagnosis rests on.</p>")
        else:
            parts.append("<p>No evidence files: nothing to show yet.</p>")
    return "".join(parts)


class EvidenceSaysView(QTextBrowser):
    """Read-only, selectable, keyboard-scrollable view of what the evidence says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("What the evidence says")
        self.setOpenExternalLinks(False)

    def show_result(self, result) -> None:
        self.setHtml(says_html(result, muted_text(self).name()))


def banner_style(kind: str, widget: QWidget) -> str:
    """The verdict banner: status background, status text colour (the pairs of theme.py), outcome in bold."""
    bg, fg = status_background(kind, widget).name(), status_foreground(kind, widget).name()
    return (f"#triageBanner {{ background: {bg}; border-radius: 3px; }} "
            f"#triageBanner QLabel {{ color: {fg}; background: transparent; }} "
            f"#triageOutcome {{ font-weight: bold; }}")
