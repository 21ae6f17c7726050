"""The POP3 checklist in profiles.sqlite3: per client, templates, the one-time import of the old
JSON files, export/import, and the CLI's --profile finding clients exactly like the GUI."""

from __future__ import annotations

import json
import socket

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.mailprobe import checklist as cl
from sbskit.core.paths import app_paths
from sbskit.core.profiles import ProfileStore, checklists
from sbskit.core.profiles.transfer import export_to_file, import_from_file


def answers(status: str = "at-risk", request: str = "", client: str = "") -> dict:
    sheet = cl.Checklist(client=client, request=request, exchange_version="2007-2010")
    sheet.set_status("cleartext", status)
    sheet.state("cleartext").notes = "port 110 open on the router"
    return sheet.to_dict()


def test_a_clients_checklist_is_part_of_its_profile(store):
    store.add("Acme Dental")
    assert checklists.client_checklist(store, "acme dental") == ("Acme Dental", {})
    assert checklists.save_client_checklist(store, "ACME DENTAL", answers()) == "Acme Dental"
    name, state = checklists.client_checklist(store, "Acme Dental")
    assert cl.Checklist.from_dict(state).state("cleartext").status == "at-risk"
    assert store.get("acme dental").checklist == state  # one column, no second copy anywhere
    with pytest.raises(UserInputError, match="no client profile named 'Nobody'"):
        checklists.client_checklist(store, "Nobody")


def test_templates_default_always_offered_names_case_insensitive(store):
    assert checklists.template_names(store) == ["default"]
    assert checklists.load_template(store, "Default") == ("Default", {})
    assert checklists.save_template(store, "Dental practices", answers("fine")) == "Dental practices"
    assert checklists.save_template(store, "DENTAL PRACTICES", answers("accepted")) == "Dental practices"
    assert checklists.template_names(store) == ["default", "Dental practices"]
    assert checklists.load_template(store, "dental practices")[1]["items"]["cleartext"]["status"] == "accepted"
    assert checklists.delete_template(store, "dental PRACTICES") and not checklists.delete_template(store, "x")
    with pytest.raises(UserInputError):
        checklists.save_template(store, "  ", {})


def write_legacy(folder, stem: str, content) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    (folder / f"{stem}.json").write_bytes(data)


def test_old_json_files_are_imported_once_and_kept_as_a_backup(isolated_home):
    data = app_paths().data
    with ProfileStore() as store:  # a database from before the checklist moved into it
        store.conn.execute("DELETE FROM meta")
        store.add("Acme Dental")
        store.add("Müller & Söhne")
        store.add("Contoso")
        checklists.save_client_checklist(store, "Contoso", answers("fine"))  # already has answers
    legacy = data / "pop3-risk"
    write_legacy(legacy, "Acme Dental", answers("at-risk", "POP3 for the field staff"))
    write_legacy(legacy, checklists.legacy_file_stem("Müller & Söhne"), answers("accepted"))  # "Muller - Sohne"
    write_legacy(legacy, "contoso", answers("at-risk"))
    write_legacy(legacy, "default", answers("fine", "the usual"))
    write_legacy(legacy, "Fabrikam", answers("at-risk"))  # typed in the old combo: no such client
    write_legacy(legacy, "broken", b"\xff\xfe{not json")
    before = {p.name: p.read_bytes() for p in legacy.iterdir()}

    with ProfileStore() as store:
        assert store.get("acme dental").checklist["request"] == "POP3 for the field staff"
        assert store.get("müller & söhne").checklist["items"]["cleartext"]["status"] == "accepted"
        assert store.get("contoso").checklist["items"]["cleartext"]["status"] == "fine"  # never overwritten
        assert checklists.template_names(store) == ["contoso (old file)", "default", "Fabrikam"]
        assert checklists.load_template(store, "default")[1]["request"] == "the usual"
        record = json.loads(store.conn.execute("SELECT value FROM meta").fetchone()[0])
        assert record["files"]["broken.json"] == "not imported (unreadable)"
        assert record["files"]["Muller - Sohne.json"] == "checklist of Müller & Söhne"
    for name, content in before.items():  # every file still there, unchanged
        assert (legacy / name).read_bytes() == content
    note = (legacy / checklists.LEGACY_NOTE).read_text(encoding="utf-8")
    assert "no longer reads or writes them" in note and "Acme Dental.json: checklist of Acme Dental" in note

    write_legacy(legacy, "Acme Dental", answers("fine", "changed after the import"))
    with ProfileStore() as store:  # once: the files are never read again
        assert store.get("acme dental").checklist["request"] == "POP3 for the field staff"


def test_a_new_database_with_no_old_files_marks_the_import_done(tmp_path):
    with ProfileStore(tmp_path / "p.sqlite3") as store:
        assert store.conn.execute("SELECT key FROM meta").fetchall() == [(checklists.LEGACY_KEY,)]
    assert not (tmp_path / "pop3-risk").exists()


def test_export_and_import_carry_the_checklist(store, tmp_path):
    store.add("Acme Dental", ips=["192.0.2.7"])
    checklists.save_client_checklist(store, "Acme Dental", answers("at-risk", "POP3 for the field staff"))
    out = tmp_path / "acme.json"
    export_to_file(store, "acme dental", out)
    exported = json.loads(out.read_text(encoding="utf-8"))["profile"]["checklist"]
    assert exported["request"] == "POP3 for the field staff"  # not "checklist": {} any more
    with ProfileStore(tmp_path / "other-stick" / "profiles.sqlite3") as other:
        import_from_file(other, out)
        assert other.get("acme dental").checklist == store.get("acme dental").checklist


# --- the CLI --------------------------------------------------------------------------------------
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def probe_args(memo, *extra):
    port = closed_port()
    ports = ["--pop3-port", str(port), "--pop3s-port", "0", "--imap-port", "0", "--imaps-port", "0",
             "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "0"]
    return ["mailprobe", "127.0.0.1", *ports, "--timeout", "2", "--no-ptr", "--memo", str(memo), *extra]


def test_cli_memo_finds_the_client_like_the_gui(run_cli, tmp_path):
    with ProfileStore() as store:
        store.add("Müller & Söhne")
        checklists.save_client_checklist(store, "Müller & Söhne",
                                         answers("at-risk", "POP3 for the field staff", "Müller & Söhne"))
        checklists.save_template(store, "default", answers("fine", "request from the template"))
    memo = tmp_path / "memo.html"
    proc = run_cli(*probe_args(memo, "--profile", "müller & SÖHNE"))  # any case, umlauts as typed
    assert proc.returncode == 3, proc.stderr  # nothing answered: the probe could not tell
    text = memo.read_text(encoding="utf-8")
    assert "POP3 for the field staff" in text and "Müller &amp; Söhne" in text

    proc = run_cli(*probe_args(memo, "--template", "DEFAULT"))
    assert "request from the template" in memo.read_text(encoding="utf-8"), proc.stderr

    memo.unlink()
    proc = run_cli(*probe_args(memo, "--profile", "Muller - Sohne"))  # the old file name is not a client
    assert proc.returncode == 2 and "no client profile named 'Muller - Sohne'" in proc.stderr
    assert not memo.exists() and "Traceback" not in proc.stderr
    proc = run_cli(*probe_args(memo, "--profile", "x", "--template", "y"))
    assert proc.returncode == 2 and "not both" in proc.stderr


def test_cli_export_import_round_trip_keeps_the_checklist(run_cli, tmp_path):
    with ProfileStore() as store:
        store.add("Acme Dental")
        checklists.save_client_checklist(store, "Acme Dental", answers("at-risk", "POP3 for the field staff"))
    out = tmp_path / "acme.json"
    assert run_cli("profile", "export", "acme dental", str(out)).returncode == 0
    other = tmp_path / "other-stick"
    assert run_cli("profile", "import", str(out), env={"SBSKIT_HOME": str(other)}).returncode == 0
    proc = run_cli("profile", "show", "ACME DENTAL", "--json", env={"SBSKIT_HOME": str(other)})
    assert json.loads(proc.stdout)["profile"]["checklist"]["request"] == "POP3 for the field staff"
