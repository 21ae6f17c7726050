"""One-click re-run of a client's saved checks, against the real test BIND."""

from __future__ import annotations

import json

import pytest
from blacklist_world import CLEAN_IP, LISTED_IP

from sbskit.core.dnsbl.engine import Options
from sbskit.core.errors import UserInputError
from sbskit.core.profiles import ProfileStore
from sbskit.core.profiles.rerun import rerun_saved_checks


def test_rerun_saves_one_run_per_target_and_reports_changes(bind):
    options = Options(resolvers=[bind.address], zones=["zen.spamhaus.org"], timeout=2, reverse_dns=False)
    with ProfileStore() as store:
        store.add("Contoso", ips=[CLEAN_IP])
        first = rerun_saved_checks(store, "Contoso", blacklist_options=options)
        assert first.runs == [("blacklist", CLEAN_IP)] and first.problems == []
        assert not any("listed on" in s for s in first.sentences)
        # the next visit: the client gained an address, and that one is listed
        store.update("Contoso", ips=[CLEAN_IP, LISTED_IP])
        second = rerun_saved_checks(store, "Contoso", blacklist_options=options)
        assert ("blacklist", LISTED_IP) in second.runs
        assert any(LISTED_IP in s and "zen.spamhaus.org" in s for s in second.sentences)
        assert len(store.runs("Contoso", kind="blacklist")) == 3


def test_rerun_of_an_empty_profile_says_why():
    with ProfileStore() as store:
        store.add("Empty")
        with pytest.raises(UserInputError, match="no IP addresses"):
            rerun_saved_checks(store, "Empty")


def test_cli_rerun(bind, run_cli):
    assert run_cli("profile", "add", "Acme", "--ip", LISTED_IP).returncode == 0
    proc = run_cli("profile", "rerun", "Acme", "--resolver", bind.address, "--zone", "zen.spamhaus.org", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["runs"] == [{"kind": "blacklist", "target": LISTED_IP}]
    assert any("zen.spamhaus.org" in s for s in doc["since_last_visit"])
    history = run_cli("profile", "history", "Acme", "--json")
    assert json.loads(history.stdout)["runs"][0]["kind"] == "blacklist"


@pytest.mark.gui
def test_client_menu_reruns_the_checks(bind, qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.shell.main_window import MainWindow

    with ProfileStore() as store:
        store.add("Contoso", ips=[LISTED_IP])
    settings = Settings()
    settings.set("blacklist/resolver", bind.address)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    assert not window.action_recheck.isEnabled()
    window.set_current_client("Contoso")
    shown = []
    from sbskit.ui.profiles.rerun_dialog import rerun_title

    window.show_rerun = lambda result: shown.append((rerun_title(result), result.text()))  # the re-run dialog's
    window.action_recheck.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    title, text = shown[0]
    assert "Contoso" in title and f"{LISTED_IP}: listed on zen.spamhaus.org" in text
    with ProfileStore() as store:
        assert [r.kind for r in store.runs("Contoso")] == ["blacklist"]
