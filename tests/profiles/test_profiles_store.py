"""The profile store: round trips, case-insensitive unique names, validation, runs."""

from __future__ import annotations

import json

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.paths import app_paths
from sbskit.core.profiles import ProfileStore, default_path
from sbskit.core.profiles.kinds import Fact, KindSpec, register_kind


def test_store_lives_in_the_data_folder_as_one_file(store, isolated_home):
    assert store.path == app_paths().data / "profiles.sqlite3"
    assert str(store.path).startswith(str(isolated_home))
    store.add("Acme")
    store.close()
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["profiles.sqlite3"]  # no -wal/-shm/-journal


def test_profile_round_trip(store):
    added = store.add(
        "  Acme   Dental ",
        ips=["192.0.2.7", "2001:DB8::1", "192.0.2.7"],
        domains=["Example.COM.", "bücher.example"],
        mail_hosts=["[::1]", "Mail.Example.com", "127.0.0.1"],
        notes="Server in the\r\nback office",
        checklist={"pop3-connector": {"done": True}, "spf": False},
    )
    assert added.name == "Acme Dental"
    again = ProfileStore(store.path).get("ACME DENTAL")
    assert again.ips == ["192.0.2.7", "2001:db8::1"]
    assert again.domains == ["example.com", "bücher.example"]
    assert again.mail_hosts == ["::1", "mail.example.com", "127.0.0.1"]
    assert again.notes == "Server in the\nback office"
    assert again.checklist == {"pop3-connector": {"done": True}, "spf": False}
    assert again.created and again.updated


def test_names_are_unique_case_insensitively(store):
    store.add("Müller GmbH")
    with pytest.raises(UserInputError, match="already exists"):
        store.add("MÜLLER gmbh")
    with pytest.raises(UserInputError, match="already exists"):
        store.add("müller  GMBH")
    store.add("Other")
    with pytest.raises(UserInputError, match="already exists"):
        store.rename("other", "muller gmbh".replace("u", "ü"))
    assert [p.name for p in store.list_profiles()] == ["Müller GmbH", "Other"]


def test_rename_including_a_change_of_case(store):
    store.add("acme", ips=["192.0.2.1"])
    store.rename("ACME", "Acme Ltd")
    store.rename("acme ltd", "ACME LTD")
    profile = store.get("Acme Ltd")
    assert profile.name == "ACME LTD" and profile.ips == ["192.0.2.1"]
    assert not store.exists("acme")


def test_update_changes_only_what_is_given(store):
    store.add("Acme", ips=["192.0.2.1"], domains=["example.com"], notes="n")
    store.update("acme", domains=["example.org", "example.net"])
    profile = store.get("acme")
    assert profile.ips == ["192.0.2.1"] and profile.domains == ["example.org", "example.net"] and profile.notes == "n"
    store.update("acme", ips=[], notes="")
    assert store.get("acme").ips == [] and store.get("acme").notes == ""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "cannot be empty"),
        ({"name": "   "}, "cannot be empty"),
        ({"name": "x" * 101}, "at most 100"),
        ({"name": "a\x07b"}, "control characters"),
        ({"name": "a", "ips": ["192.0.2.300"]}, "not an IPv4 or IPv6 address"),
        ({"name": "a", "ips": ["example.com"]}, "not an IPv4 or IPv6"),
        ({"name": "a", "domains": ["no spaces.com"]}, "not a valid domain"),
        ({"name": "a", "domains": ["localhost"]}, "not a full domain name"),
        ({"name": "a", "domains": ["-bad.example.com"]}, "not a valid domain"),
        ({"name": "a", "domains": ["a" * 64 + ".com"]}, "not a valid domain"),
        ({"name": "a", "mail_hosts": ["999.1.1.1"]}, "not a valid IPv4"),
        ({"name": "a", "mail_hosts": ["[mail.example.com]"]}, "not an IP address"),
        ({"name": "a", "notes": "x" * 100_001}, "at most 100,000"),
        ({"name": "a", "checklist": ["not", "a", "dict"]}, "JSON object"),
        ({"name": "a", "checklist": {"x": float("nan")}}, "cannot be stored as JSON"),
        ({"name": "a", "ips": [f"10.0.{i // 256}.{i % 256}" for i in range(501)]}, "at most 500"),
    ],
)
def test_bad_input_is_a_user_input_error_and_nothing_is_saved(store, kwargs, message):
    with pytest.raises(UserInputError, match=message):
        store.add(**kwargs)
    assert store.list_profiles() == []


def test_unknown_profile_is_a_clear_error(store):
    for call in (lambda: store.get("nobody"), lambda: store.delete("nobody"), lambda: store.runs("nobody"),
                 lambda: store.add_run("nobody", "blacklist", {"targets": []})):
        with pytest.raises(UserInputError, match="no client profile named 'nobody'"):
            call()


def test_filter_matches_names_and_entries(store):
    store.add("Acme Dental", ips=["192.0.2.7"])
    store.add("Baker & Sons", domains=["baker.example"])
    store.add("100% Club")
    assert [p.name for p in store.list_profiles("dent")] == ["Acme Dental"]
    assert [p.name for p in store.list_profiles("192.0.2")] == ["Acme Dental"]
    assert [p.name for p in store.list_profiles("BAKER.EX")] == ["Baker & Sons"]
    assert [p.name for p in store.list_profiles("%")] == ["100% Club"]  # LIKE wildcards are literal
    assert [p.name for p in store.list_profiles("_")] == []
    assert len(store.list_profiles("")) == 3


def test_delete_removes_the_runs_and_facts(store, bl):
    store.add("Acme")
    store.add("Keep")
    store.add_run("acme", "blacklist", bl("192.0.2.7", {"a.example": "listed"}))
    store.add_run("keep", "blacklist", bl("192.0.2.8", {"a.example": "clean"}))
    assert store.delete("ACME") == 1
    assert [p.name for p in store.list_profiles()] == ["Keep"]
    assert store.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    assert store.conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0] == 1


def test_runs_round_trip_with_documents_and_facts(store, bl):
    store.add("Acme")
    doc = bl("192.0.2.7", {"zen.spamhaus.org": "listed", "bl.spamcop.net": "clean", "b.example": "error"})
    saved = store.add_run("acme", "blacklist", doc, at="2026-03-03T09:15:00+01:00")
    assert saved.at == "2026-03-03T08:15:00.000000Z" and saved.target == "192.0.2.7"
    [listed] = store.runs("acme")
    assert listed.counts == {"problem": 1, "ok": 1, "error": 1} and listed.document is None
    loaded = store.load_run(listed.id)
    assert loaded.document == doc and loaded.kind == "blacklist"
    facts = {f.item: (f.status, f.state) for f in store.facts(listed.id)}
    assert facts == {"zen.spamhaus.org": ("listed", "problem"), "bl.spamcop.net": ("clean", "ok"),
                     "b.example": ("error", "error")}


def test_runs_filter_by_kind_and_order_newest_first(store, bl):
    store.add("Acme")
    store.add_run("acme", "blacklist", bl("192.0.2.7", {"z.example": "clean"}), at="2026-01-01T00:00:00Z")
    store.add_run("acme", "relaytest", {"host": "127.0.0.1", "port": 25, "open_relay": False, "attempts": []},
                  at="2026-02-01T00:00:00Z")
    store.add_run("acme", "osver", {"version": "6.0.6001", "matches": []}, at="2026-03-01T00:00:00Z")
    assert [r.kind for r in store.runs("acme")] == ["osver", "relaytest", "blacklist"]
    assert [r.target for r in store.runs("acme", kind="relaytest")] == ["127.0.0.1:25"]
    assert store.runs("acme", kind="osver")[0].target == "6.0.6001"
    [summary] = store.list_profiles()
    assert summary.runs == 3 and summary.last_run.startswith("2026-03-01")


@pytest.mark.parametrize(
    ("kind", "document", "message"),
    [
        ("blacklist", {"targets": "nope"}, "not a blacklist result document"),
        ("blacklist", {"targets": [{"target": "x", "results": [{"status": "listed"}]}]}, "not a blacklist"),
        ("blacklist", ["a", "list"], "must be a JSON object"),
        ("Black List", {}, "short lowercase word"),
        ("relaytest", {"port": 25}, "not a relaytest result document"),
    ],
)
def test_bad_run_documents_are_refused(store, kind, document, message):
    store.add("Acme")
    with pytest.raises(UserInputError, match=message):
        store.add_run("acme", kind, document)
    assert store.runs("acme") == []


def test_bad_run_time_is_refused(store, bl):
    store.add("Acme")
    with pytest.raises(UserInputError, match="not a date and time"):
        store.add_run("acme", "blacklist", bl("192.0.2.7", {}), at="yesterday")


def test_a_failing_write_inside_a_transaction_leaves_nothing(store, bl):
    store.add("Acme")
    with pytest.raises(UserInputError):
        with store.transaction():
            store.add_run("acme", "blacklist", bl("192.0.2.7", {"z.example": "listed"}))
            store.add("Second")
            store.add_run("acme", "blacklist", {"targets": 1})  # malformed: the whole group rolls back
    assert store.runs("acme") == [] and not store.exists("Second")


def test_nested_failure_rolls_back_only_the_inner_step(store, bl):
    store.add("Acme")
    with store.transaction():
        store.add_run("acme", "blacklist", bl("192.0.2.7", {"z.example": "listed"}))
        with pytest.raises(UserInputError):
            store.add("acme")  # duplicate: its savepoint is undone, the outer group goes on
    assert len(store.runs("acme")) == 1


def test_other_kinds_can_register_fact_extractors(store):
    def facts(doc):
        return [Fact(doc["host"], s["name"], s["state"], {"bad": "problem", "good": "ok"}.get(s["state"], "error"))
                for s in doc["services"]]

    register_kind(KindSpec("unittestkind", "Test kind", lambda doc: doc["host"], facts))
    store.add("Acme")
    store.add_run("acme", "unittestkind", {"host": "h", "services": [{"name": "pop3", "state": "good"}]},
                  at="2026-01-01T00:00:00Z")
    store.add_run("acme", "unittestkind", {"host": "h", "services": [{"name": "pop3", "state": "bad"}]},
                  at="2026-02-01T00:00:00Z")
    comparison = store.compare_latest("acme", "unittestkind")
    assert [c.item for c in comparison.buckets["new"]] == ["pop3"]


def test_default_path_follows_portable_home(isolated_home):
    assert default_path() == isolated_home.resolve() / "data" / "profiles.sqlite3"


def test_checklist_is_opaque_json(store):
    store.add("Acme")
    state = {"item-1": {"checked": True, "note": "done by ☃"}, "item-2": [1, 2, {"x": None}]}
    store.set_checklist("acme", state)
    assert store.get("acme").checklist == state
    raw = store.conn.execute("SELECT checklist FROM profiles").fetchone()[0]
    assert json.loads(raw) == state


def test_a_locked_database_is_a_clear_error_not_a_traceback(store, monkeypatch):
    import sqlite3

    from sbskit.core.profiles import db

    store.add("Acme")
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.1)
    blocker = sqlite3.connect(str(store.path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with ProfileStore(store.path) as second:
            with pytest.raises(UserInputError, match="could not be written .*locked"):
                second.update("acme", notes="x")
            assert second.get("acme").notes == ""  # a failed write never half-applies
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    store.update("acme", notes="now it works")
    assert store.get("acme").notes == "now it works"


def test_allow_list_listing_is_not_a_problem(store, bl):
    from sbskit.core.profiles.kinds import extract

    doc = bl("192.0.2.7", {"list.dnswl.org": "listed", "zen.spamhaus.org": "listed"})
    doc["targets"][0]["results"][0]["verdict"] = "good"  # DNSWL: on the allow-list
    doc["targets"][0]["results"][1]["verdict"] = "bad"
    states = {f.item: f.state for f in extract("blacklist", doc)}
    assert states == {"list.dnswl.org": "ok", "zen.spamhaus.org": "problem"}
