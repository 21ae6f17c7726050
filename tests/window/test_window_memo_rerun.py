"""Item 4 (round 2): the memo, the re-run and the report say the same about the same server.

* The POP3 memo of the next session, with no live probe run, uses the client's latest saved
  probe (a real probe of a careless Dovecot on loopback, saved to its history) and says when it
  ran; the recommendation keeps what the probe found.
* Client > Re-run names the DNS resolver it asked and, when the resolver is the cause, says so
  first, as the Blacklist tab does (a real BIND on loopback that knows no blocklist).
"""

from __future__ import annotations

import datetime as _dt
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from servers.bind import BindServer
from window_keys import type_keys

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def bind(tmp_path_factory):  # the name tests/servers/plugin.py marks "servers"
    server = BindServer(tmp_path_factory.mktemp("rerun-bind"))  # the root zone only: every list is silent
    server.start()
    yield server
    server.stop()


def _saved_probe(dovecot, client: str, at: str) -> None:
    from sbskit.core.mailprobe.probe import run_probe
    from sbskit.core.profiles.store import ProfileStore

    ports = {**dovecot.ports, "smtp": 0, "submission": 0, "smtps": 0, "imap": 0, "imaps": 0}
    doc = run_probe(dovecot.addr, ports, timeout=5, check_ptr=False, assume_untrusted=True).to_dict()  # as from outside
    assert doc["risk"] == "high"
    store = ProfileStore()
    try:
        store.add(client, mail_hosts=[dovecot.addr])
        store.add_run(client, "mailprobe", doc, at=at)
    finally:
        store.close()


def test_the_next_days_memo_uses_the_saved_probe_and_dates_it(main_window, qtbot, dovecot_risky, tmp_path):
    _saved_probe(dovecot_risky, "Acme Dental", "2026-11-30T09:15:00Z")
    main_window.set_current_client("Acme Dental")
    main_window.tabs.setCurrentIndex(3)
    pop3 = main_window.ensure_tab(3)
    qtbot.waitUntil(lambda: pop3.checklist.loaded and pop3.checklist.owner == ("client", "Acme Dental"),
                    timeout=10000)
    assert pop3.probe.last is None  # nothing probed in this session
    target = tmp_path / "memo.html"
    pop3.ask_memo_path = lambda _kind: str(target)
    QTest.mouseClick(pop3.memo_html_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(target.exists, timeout=20000)
    memo = target.read_text(encoding="utf-8")
    assert "No live test was run" not in memo
    local = _dt.datetime(2026, 11, 30, 9, 15, tzinfo=_dt.timezone.utc).astimezone()
    assert f"Tested {local:%Y-%m-%d %H:%M} (the latest probe in Acme Dental&#x27;s history; not run again" in memo
    assert re.search(r"overall risk <span class='high'>", memo)
    assert "without encryption" in memo.split("4. Recommendation")[1]  # what the probe found is in the advice


def test_rerun_names_its_resolver_and_leads_with_the_resolver_problem(main_window, qtbot, bind):
    from sbskit.core.profiles.store import ProfileStore

    store = ProfileStore()
    try:
        store.add("Acme Dental", ips=["127.0.0.77"])
    finally:
        store.close()
    main_window.set_current_client("Acme Dental")
    main_window.tabs.setCurrentIndex(1)
    blacklist = main_window.ensure_tab(1)
    qtbot.waitUntil(blacklist.resolver_edit.isVisible)
    blacklist.resolver_edit.clear()
    QTest.mouseClick(blacklist.resolver_edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(blacklist.resolver_edit.hasFocus)
    type_keys(main_window, bind.address)  # what the tab shows is what the re-run asks
    blacklist.timeout_spin.setValue(1)
    main_window.settings.set("blacklist/resolver", "127.0.0.1:9")  # a stale one from an earlier lookup
    from sbskit.ui.profiles.rerun_dialog import rerun_title

    shown = []
    main_window.show_rerun = lambda result: shown.append((rerun_title(result), result.text()))
    main_window.action_recheck.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=60000)
    title, text = shown[0]
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0].startswith("Re-ran ") and lines[1].startswith(f"Your resolver ({bind.address}) cannot reach the blocklists")
    assert f"DNS resolver asked: {bind.address}" in lines
    assert "could not check" in title
