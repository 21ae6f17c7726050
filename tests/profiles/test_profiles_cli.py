"""``sbskit-cli profile``: the real CLI as a subprocess, in a portable home of its own."""

from __future__ import annotations

import json

from sbskit.core.profiles import ProfileStore


def ok(proc, code=0):
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def usage_error(proc, text):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.startswith("sbskit-cli: error:") and proc.stderr.count("\n") == 1, proc.stderr
    assert text in proc.stderr
    assert proc.stdout == ""


def test_add_show_list_json(run_cli, isolated_home):
    ok(run_cli("profile", "add", "Acme Dental", "--ip", "192.0.2.7", "--ip", "2001:db8::1", "--domain", "Example.com",
               "--mail-host", "[::1]", "--notes", "SBS 2008"))
    doc = json.loads(ok(run_cli("profile", "show", "ACME DENTAL", "--json")).stdout)
    assert doc["profile"]["name"] == "Acme Dental"
    assert doc["profile"]["ips"] == ["192.0.2.7", "2001:db8::1"]
    assert doc["profile"]["domains"] == ["example.com"] and doc["profile"]["mail_hosts"] == ["::1"]
    assert doc["runs"] == 0 and doc["last_run"] is None
    # --json before or after the action word
    for argv in (("profile", "list", "--json"), ("profile", "--json", "list")):
        listed = json.loads(ok(run_cli(*argv)).stdout)
        assert listed == {"profiles": [{"name": "Acme Dental", "runs": 0, "last_run": None}]}
    text = ok(run_cli("profile", "list")).stdout
    assert text.splitlines()[0].split() == ["CLIENT", "RUNS", "LAST", "RUN"] and "Acme Dental" in text
    assert (isolated_home / "data" / "profiles.sqlite3").is_file()


def test_duplicate_and_bad_values_are_one_line_errors(run_cli):
    ok(run_cli("profile", "add", "Acme"))
    usage_error(run_cli("profile", "add", "ACME"), "already exists")
    usage_error(run_cli("profile", "add", "Other", "--ip", "300.1.2.3"), "not an IPv4 or IPv6 address")
    usage_error(run_cli("profile", "add", "Other", "--domain", "not a domain"), "not a valid domain")
    usage_error(run_cli("profile", "add", ""), "cannot be empty")
    usage_error(run_cli("profile", "show", "Nobody"), "no client profile named 'Nobody'")
    usage_error(run_cli("profile"), "required")
    usage_error(run_cli("profile", "history", "acme", "--limit", "0"), "between 1")
    assert json.loads(ok(run_cli("profile", "list", "--json")).stdout)["profiles"][0]["name"] == "Acme"


def test_edit_replace_add_remove_and_rename(run_cli):
    ok(run_cli("profile", "add", "Acme", "--ip", "192.0.2.1", "--domain", "a.example"))
    ok(run_cli("profile", "edit", "acme", "--add-ip", "192.0.2.2", "--domain", "b.example", "--domain", "c.example",
               "--remove-domain", "c.example", "--notes", "new notes", "--rename", "Acme Ltd"))
    doc = json.loads(ok(run_cli("profile", "show", "acme ltd", "--json")).stdout)["profile"]
    assert doc["ips"] == ["192.0.2.1", "192.0.2.2"] and doc["domains"] == ["b.example"]
    assert doc["notes"] == "new notes" and doc["name"] == "Acme Ltd"
    usage_error(run_cli("profile", "edit", "acme ltd"), "nothing to change")
    usage_error(run_cli("profile", "edit", "acme ltd", "--remove-ip", "10.9.9.9"), "no public IP '10.9.9.9'")


def test_remove_needs_confirmation(run_cli):
    ok(run_cli("profile", "add", "Acme"))
    usage_error(run_cli("profile", "remove", "acme"), "needs --yes")
    doc = json.loads(ok(run_cli("profile", "remove", "acme", "--yes", "--json")).stdout)
    assert doc == {"removed": "Acme", "runs": 0}
    assert json.loads(ok(run_cli("profile", "list", "--json")).stdout) == {"profiles": []}


def blacklist_json(statuses):
    return json.dumps({"resolver": ["127.0.0.1"], "targets": [{"target": "192.0.2.7", "kind": "ipv4", "results": [
        {"zone": zone, "status": status, "error": "timeout" if status == "error" else None}
        for zone, status in statuses.items()]}]})


def test_record_and_history(run_cli, tmp_path):
    ok(run_cli("profile", "add", "Acme"))
    visits = [
        ("2026-03-03T09:00:00Z", {"bl.spamcop.net": "listed", "zen.spamhaus.org": "listed", "b.example": "error"}),
        ("2026-04-07T09:00:00Z", {"bl.spamcop.net": "listed", "zen.spamhaus.org": "clean", "b.example": "clean"}),
    ]
    for at, statuses in visits:
        proc = ok(run_cli("profile", "record", "acme", "-", "--at", at, input=blacklist_json(statuses)))
        assert "Saved blacklist run of 192.0.2.7" in proc.stdout
    doc = json.loads(ok(run_cli("profile", "history", "acme", "--json"), 1).stdout)  # 1: still listed
    [comparison] = doc["comparisons"]
    assert doc["state"] == comparison["state"] == "problem"
    assert comparison["counts"] == {"new": 0, "fixed": 1, "still_listed": 1, "still_clean": 0, "unknown": 1}
    assert [c["item"] for c in comparison["fixed"]] == ["zen.spamhaus.org"]
    assert [c["item"] for c in comparison["unknown"]] == ["b.example"]  # error before, clean now: not fixed
    assert comparison["still_listed"][0]["listed_since"].startswith("2026-03-03")
    assert [r["at"][:10] for r in doc["runs"]] == ["2026-04-07", "2026-03-03"]
    text = ok(run_cli("profile", "history", "acme"), 1).stdout
    assert "listed on bl.spamcop.net since 3 Mar 2026 (still listed)" in text
    assert "no longer listed on zen.spamhaus.org (fixed since the last visit)" in text
    other = json.loads(ok(run_cli("profile", "history", "acme", "--kind", "relaytest", "--json"), 3).stdout)
    assert other["runs"] == [] and other["comparisons"] == []  # nothing saved: nothing to call clean


def test_record_from_a_file_with_kind_and_bad_documents(run_cli, tmp_path):
    ok(run_cli("profile", "add", "Acme"))
    good = tmp_path / "relay.json"
    good.write_text(json.dumps({"host": "127.0.0.1", "port": 2525, "open_relay": False, "attempts": []}))
    doc = json.loads(ok(run_cli("profile", "record", "acme", str(good), "--json")).stdout)
    assert doc["run"]["kind"] == "relaytest" and doc["run"]["target"] == "127.0.0.1:2525"
    weird = tmp_path / "weird.json"
    weird.write_text('{"something": 1}')
    usage_error(run_cli("profile", "record", "acme", str(weird)), "give --kind")
    ok(run_cli("profile", "record", "acme", str(weird), "--kind", "custom-check", "--target", "x"))
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\x00\x01\x02garbage")
    usage_error(run_cli("profile", "record", "acme", str(binary)), "looks binary")
    usage_error(run_cli("profile", "record", "acme", "-", input=""), "is empty")
    usage_error(run_cli("profile", "record", "acme", "-", "--kind", "blacklist", input='{"targets": 3}'),
                "not a blacklist result document")
    usage_error(run_cli("profile", "record", "acme", str(good), "--at", "someday"), "not a date and time")


def test_huge_paste_on_stdin_is_refused(run_cli):
    ok(run_cli("profile", "add", "Acme"))
    usage_error(run_cli("profile", "record", "acme", "-", input="[" + " " * 33_000_000 + "]"), "too large")


def test_export_import_between_homes(run_cli, tmp_path):
    ok(run_cli("profile", "add", "Acme", "--ip", "192.0.2.7"))
    ok(run_cli("profile", "record", "acme", "-", input=blacklist_json({"z.example": "listed"})))
    out = tmp_path / "acme.json"
    assert json.loads(ok(run_cli("profile", "export", "acme", str(out), "--json")).stdout)["runs"] == 1
    other_home = tmp_path / "other-stick"
    proc = ok(run_cli("profile", "import", str(out), "--json", env={"SBSKIT_HOME": str(other_home)}))
    assert json.loads(proc.stdout) == {"profile": "Acme", "runs": 1}
    with ProfileStore(other_home / "data" / "profiles.sqlite3") as store:
        assert store.get("acme").ips == ["192.0.2.7"] and len(store.runs("acme")) == 1
    usage_error(run_cli("profile", "import", str(out)), "already exists")
    ok(run_cli("profile", "import", str(out), "--as", "Acme 2"))
    ok(run_cli("profile", "import", str(out), "--replace"))
    usage_error(run_cli("profile", "import", str(tmp_path / "missing.json")), "cannot read")
    usage_error(run_cli("profile", "export", "nobody", str(out)), "no client profile")


def test_damaged_database_is_a_clear_error(run_cli, isolated_home):
    data = isolated_home / "data"
    data.mkdir(parents=True)
    (data / "profiles.sqlite3").write_bytes(b"garbage" * 1000)
    proc = run_cli("profile", "list")
    assert proc.returncode == 3 and "not usable" in proc.stderr, proc.stderr  # a state of the stick: exit 3


def test_history_report(run_cli, tmp_path):
    ok(run_cli("profile", "add", "Acme"))
    out = tmp_path / "r.html"
    ok(run_cli("profile", "history", "acme", "--report", str(out)), 3)
    text = out.read_text(encoding="utf-8")
    assert "<h1>Check history: Acme</h1>" in text and "<pre>" not in text


def test_one_wrong_run_is_listed_and_deleted(run_cli):
    ok(run_cli("profile", "add", "Acme"))
    ok(run_cli("profile", "add", "Other"))
    for at, status in (("2026-03-03T09:00:00Z", "clean"), ("2026-04-07T09:00:00Z", "listed")):
        ok(run_cli("profile", "record", "acme", "-", "--at", at, input=blacklist_json({"bl.spamcop.net": status})))
    runs = json.loads(ok(run_cli("profile", "runs", "acme", "--json")).stdout)["runs"]
    assert [r["at"][:10] for r in runs] == ["2026-04-07", "2026-03-03"] and all(isinstance(r["id"], int) for r in runs)
    text = ok(run_cli("profile", "runs", "acme")).stdout
    assert text.splitlines()[0].split()[:3] == ["Run", "When", "Check"] and str(runs[0]["id"]) in text
    wrong = runs[0]["id"]  # the check against the wrong resolver
    usage_error(run_cli("profile", "delete-run", "acme", str(wrong)), "needs --yes")
    usage_error(run_cli("profile", "delete-run", "other", str(wrong), "--yes"), "is a run of another client, not of 'Other'")
    usage_error(run_cli("profile", "delete-run", "acme", "99999", "--yes"), "no saved run number 99999")
    doc = json.loads(ok(run_cli("profile", "delete-run", "acme", str(wrong), "--yes", "--json")).stdout)
    assert doc["deleted"]["id"] == wrong and doc["deleted"]["kind"] == "blacklist"
    assert [r["id"] for r in json.loads(run_cli("profile", "runs", "acme", "--json").stdout)["runs"]] == [runs[1]["id"]]
    assert ok(run_cli("profile", "history", "acme"), 0).stdout.count("listed on") == 0  # its listing went with it


def test_a_run_dated_in_the_future_is_refused(run_cli):
    ok(run_cli("profile", "add", "Acme"))
    usage_error(run_cli("profile", "record", "acme", "-", "--at", "2031-01-01", input=blacklist_json({"a.example": "clean"})),
                "is in the future")
    assert json.loads(run_cli("profile", "runs", "acme", "--json").stdout)["runs"] == []


def test_history_kind_must_be_a_known_kind_and_help_lists_them_all(run_cli):
    from sbskit.core.profiles.kinds import known_kinds

    ok(run_cli("profile", "add", "Acme"))
    usage_error(run_cli("profile", "history", "acme", "--kind", "bogus"), "unknown check kind 'bogus'")
    assert "maildns" in known_kinds() and len(known_kinds()) >= 6
    help_text = " ".join(ok(run_cli("profile", "history", "--help")).stdout.split())
    assert f"only runs of this check ({', '.join(known_kinds())})" in help_text
    ok(run_cli("profile", "history", "acme", "--kind", "maildns"), 3)  # known, no runs: nothing to judge


def test_show_says_how_far_the_pop3_checklist_is(run_cli):
    from sbskit.core.mailprobe import checklist as cl
    from sbskit.core.profiles import ProfileStore, checklists

    ok(run_cli("profile", "add", "Acme"))
    assert "POP3 checklist: no answers yet" in ok(run_cli("profile", "show", "acme")).stdout
    sheet = cl.Checklist()
    sheet.set_status("cleartext", "at-risk")
    with ProfileStore() as store:
        checklists.save_client_checklist(store, "Acme", checklists.stamped(sheet.to_dict()))
    line = [x for x in ok(run_cli("profile", "show", "acme")).stdout.splitlines() if x.startswith("POP3 checklist:")]
    assert line and "1 of " in line[0] and "(1 at risk)" in line[0] and ", saved " in line[0]
