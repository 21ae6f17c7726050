"""A write-protected stick: everything is shown, nothing is saved, nothing is left on the PC.

The stick is really read-only (a read-only bind mount as root, permission bits otherwise; see
stick_fixtures.py). The CLI and the GUI run as subprocesses with HOME, the XDG folders and
TMPDIR in empty folders that must stay empty, and the stick must be unchanged, byte for byte.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stick_fixtures import (  # noqa: E402
    CLIENT_IP,
    clean_env,
    closed_resolver,
    files_under,
    fill_stick,
    fingerprint,
    read_only,
    run_kit,
    without_write_bits,
)

from sbskit.core import paths  # noqa: E402
from sbskit.core.errors import UserInputError  # noqa: E402


@pytest.fixture
def stick(tmp_path):
    """``<tmp>/stick/sbskit-data``, filled by the kit, then write-protected for the test."""
    root = tmp_path / "stick" / "sbskit-data"
    fill_stick(root)
    with read_only(root) as how:
        with pytest.raises(OSError):
            (root / "probe").write_text("x")  # the kernel refuses: the test is real
        yield root, how


@pytest.fixture
def on_stick(stick, monkeypatch):
    root, _how = stick
    monkeypatch.setenv(paths.HOME_ENV, str(root))
    paths.reset_for_tests()
    yield root
    paths.reset_for_tests()


def test_paths_point_at_the_stick_read_only(on_stick):
    resolved = paths.app_paths()
    assert resolved.mode == "read-only" and resolved.read_only
    assert resolved.data == on_stick / "data" and resolved.settings == on_stick / "settings"
    assert "write-protected" in resolved.warning and "nothing is saved" in resolved.warning
    assert not resolved.cache.exists()  # scratch only on demand
    resolved.ensure()  # creates nothing, raises nothing


def test_the_store_shows_every_client_and_refuses_writes(on_stick):
    from sbskit.core.profiles import ProfileStore, checklists

    with ProfileStore() as store:
        assert store.read_only and not store.in_memory
        assert [p.name for p in store.list_profiles()] == ["Acme Dental", "Baker & Sons"]
        assert store.get("acme dental").checklist["request"] == "POP3 for the field staff"
        assert len(store.runs("Acme Dental")) == 2
        [comparison] = store.comparisons("Acme Dental")
        assert comparison.state == "unknown" and comparison.verdict().startswith("could not check (")
        for write in (lambda: store.add("New"), lambda: store.update("acme dental", notes="x"),
                      lambda: checklists.save_template(store, "t", {}), lambda: store.delete("baker & sons")):
            with pytest.raises(UserInputError, match="write-protected"):
                write()


def test_settings_are_read_and_never_written(on_stick):
    from sbskit.core.settings import Settings

    settings = Settings()
    assert settings.get("report/consultant") == "Sam Consultant"
    settings.set("report/consultant", "Someone else")
    settings.save()  # no error, no write
    assert Settings().get("report/consultant") == "Sam Consultant"


def test_a_scratch_store_compares_a_rerun_without_saving(on_stick):
    from sbskit.core.dnsbl.engine import Options
    from sbskit.core.profiles import ProfileStore
    from sbskit.core.profiles.rerun import rerun_saved_checks

    before = fingerprint(on_stick)
    with ProfileStore(scratch=True) as store:
        assert store.in_memory
        result = rerun_saved_checks(store, "Acme Dental",
                                    blacklist_options=Options(resolvers=[closed_resolver()], timeout=1))
        assert not result.saved and "Not saved: the kit's folder is write-protected" in "\n".join(result.lines())
        assert len(store.runs("Acme Dental")) == 3  # in memory
    with ProfileStore() as store:
        assert len(store.runs("Acme Dental")) == 2
    assert fingerprint(on_stick) == before


def test_an_older_database_is_upgraded_in_memory_only(tmp_path):
    from sbskit.core.profiles import ProfileStore, checklists, db

    folder = tmp_path / "old"
    folder.mkdir()
    path = folder / "profiles.sqlite3"
    conn = sqlite3.connect(str(path), isolation_level=None)
    db.migrate(conn, target=3)  # a kit from before checklist templates
    conn.execute("INSERT INTO profiles (name, name_key, created, updated) VALUES ('Acme', 'acme', 'x', 'x')")
    conn.close()
    with read_only(folder):
        with ProfileStore(path) as store:
            assert store.read_only and store.in_memory
            assert checklists.template_names(store) == ["default"] and store.exists("ACME")
    conn = sqlite3.connect(str(path))
    assert db.schema_version(conn) == 3  # the file itself was never upgraded
    conn.close()


INTERRUPTED = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA synchronous = FULL")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE profiles SET notes = 'half-saved'")
conn.execute("DELETE FROM facts")
os.kill(os.getpid(), signal.SIGKILL)  # the stick is pulled mid-change
"""


def interrupted_change(kit_home: Path) -> Path:
    """A real interrupted change: a process killed between BEGIN and COMMIT leaves its journal behind.

    SQLite (synchronous=FULL) writes the journal header's magic only when it syncs the journal, just
    before it changes the database file; killed earlier, the header is zeroed and the file untouched."""
    path = kit_home / "data" / "profiles.sqlite3"
    proc = subprocess.run([sys.executable, "-c", INTERRUPTED, str(path)], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    journal = path.with_name("profiles.sqlite3-journal")
    assert journal.stat().st_size > 0 and journal.read_bytes()[:8] == b"\0" * 8  # a zeroed header
    return path


def make_hot(path: Path) -> None:
    """The same journal as SQLite leaves it when the stick is pulled after it synced the journal and while it
    wrote the database: a valid header, and a database page half overwritten."""
    import struct

    journal = path.with_name("profiles.sqlite3-journal")
    data = bytearray(journal.read_bytes())
    sector, page = struct.unpack(">II", data[20:28])
    records = (len(data) - sector) // (page + 8)
    data[0:12] = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + struct.pack(">I", records)
    journal.write_bytes(bytes(data))
    first_page = struct.unpack(">I", data[sector:sector + 4])[0]
    with open(path, "r+b") as db_file:  # the change had begun to reach the database file: that page is garbage
        start = 100 if first_page == 1 else 0  # (page 1 starts with the file header)
        db_file.seek((first_page - 1) * page + start)
        db_file.write(b"\xff" * (page - start))


def test_a_journal_sqlite_would_ignore_does_not_block_a_read_only_stick(tmp_path):
    """A zeroed journal header holds nothing to undo: the stick reads as it was, and a writable start removes it."""
    root = tmp_path / "stick" / "sbskit-data"
    fill_stick(root)
    path = interrupted_change(root)
    env = clean_env(tmp_path, root)
    with read_only(root):
        proc = run_kit(env, "profile", "show", "Acme Dental", "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["profile"]["notes"] == "back office"  # the interrupted change is not there
        assert run_kit(env, "profile", "history", "Acme Dental").returncode == 3  # its history is all there
    proc = run_kit(env, "profile", "list")  # the stick writable again: the next start tidies up
    assert proc.returncode == 0, proc.stderr
    assert not path.with_name("profiles.sqlite3-journal").exists()


def test_a_hot_journal_on_a_read_only_stick_exits_3_and_the_advice_works(tmp_path):
    root = tmp_path / "stick" / "sbskit-data"
    fill_stick(root)
    path = interrupted_change(root)
    make_hot(path)
    env = clean_env(tmp_path, root)
    half = sqlite3.connect(path.as_uri() + "?immutable=1", uri=True)  # read past the journal: half a change
    try:
        damaged = half.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    except sqlite3.DatabaseError:
        damaged = True
    half.close()
    assert damaged  # what reading past a hot journal would show
    with read_only(root):
        proc = run_kit(env, "profile", "list")
        assert proc.returncode == 3, proc.stderr  # a state of the stick, not bad input
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert "the interrupted change is rolled back" in proc.stderr and "start the kit" in proc.stderr
        from sbskit.core.profiles import ProfileStore

        with pytest.raises(UserInputError, match="middle of a change"):
            ProfileStore(path)
    proc = run_kit(env, "profile", "list", "--json")  # what the advice says: start the kit once, writable
    assert proc.returncode == 0, proc.stderr
    assert not path.with_name("profiles.sqlite3-journal").exists()
    with read_only(root):  # write-protected again: everything as it was before the interrupted change
        proc = run_kit(env, "profile", "show", "Acme Dental", "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["profile"]["notes"] == "back office"
        assert json.loads(run_kit(env, "profile", "runs", "Acme Dental", "--json").stdout)["runs"][0]["counts"][
            "error"] > 0


def test_cli_on_a_read_only_stick_reads_everything_and_leaves_no_trace(stick, tmp_path):
    root, how = stick
    env = clean_env(tmp_path, root)
    before = fingerprint(root)
    out = tmp_path / "reports-the-admin-chose"
    out.mkdir()

    proc = run_kit(env, "paths", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["mode"] == "read-only" and doc["read_only"] is True and doc["data"] == str(root / "data")

    listed = json.loads(run_kit(env, "profile", "list", "--json").stdout)
    assert [p["name"] for p in listed["profiles"]] == ["Acme Dental", "Baker & Sons"]
    proc = run_kit(env, "profile", "history", "acme dental", "--report", str(out / "history.html"))
    assert proc.returncode == 3 and "could not check (" in proc.stdout, proc.stderr
    proc = run_kit(env, "profile", "add", "Northwind")
    assert proc.returncode == 3 and "write-protected" in proc.stderr and proc.stderr.count("\n") == 1
    proc = run_kit(env, "profile", "rerun", "Acme Dental", "--resolver", closed_resolver(), "--timeout", "1")
    assert proc.returncode == 3 and "Not saved: the kit's folder is write-protected" in proc.stdout, proc.stderr
    proc = run_kit(env, "blacklist", CLIENT_IP, "--resolver", closed_resolver(), "--timeout", "1",
                   "--report", str(out / "blacklist.pdf"))
    assert proc.returncode == 3, proc.stderr
    assert (out / "blacklist.pdf").read_bytes().startswith(b"%PDF")

    assert fingerprint(root) == before, how
    assert files_under(Path(env["HOME"])) == []
    assert files_under(Path(env["TMPDIR"])) == []  # no scratch, no PDF leftovers
    assert sorted(p.name for p in out.iterdir()) == ["blacklist.pdf", "history.html"]


def test_scratch_files_are_removed_on_exit(stick, tmp_path):
    """The one place a read-only session may write (e.g. the probe decoding a certificate) goes at exit."""
    root, _how = stick
    env = clean_env(tmp_path, root)
    code = ("from sbskit.core.paths import app_paths, session_scratch\n"
            "assert app_paths().read_only and app_paths().cache == session_scratch()\n"
            "(session_scratch() / 'peer.pem').write_text('x')\n"
            "print(session_scratch())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).parent == Path(env["TMPDIR"])
    assert files_under(Path(env["TMPDIR"])) == []


@pytest.mark.gui
def test_gui_on_a_read_only_stick_leaves_no_trace(stick, tmp_path):
    root, how = stick
    env = clean_env(tmp_path, root)
    before = fingerprint(root)
    shots = tmp_path / "shots-the-admin-chose"
    proc = run_kit(env, "--screenshots", str(shots), module="sbskit", timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert len(list(shots.glob("*.png"))) >= 4
    assert fingerprint(root) == before, how
    assert files_under(Path(env["HOME"])) == []
    assert files_under(Path(env["TMPDIR"])) == []


@pytest.mark.gui
def test_window_dialog_and_checklist_on_a_read_only_stick(on_stick, qtbot):
    from PySide6.QtCore import Qt

    from sbskit.core.settings import Settings
    from sbskit.ui.profiles.dialog import ProfilesDialog
    from sbskit.ui.shell.main_window import MainWindow

    before = fingerprint(on_stick)
    settings = Settings()
    settings.set("client/current", "Acme Dental")
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    assert window.warning_bar.isVisible() and "write-protected" in window.warning_bar.text()
    assert "read-only" in window.about_text()

    dialog = ProfilesDialog(window, current="Acme Dental")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.name_edit.text() == "Acme Dental" and not dialog.busy, timeout=10000)
    assert [dialog.client_list.item(i).text() for i in range(dialog.client_list.count())] == [
        "Acme Dental", "Baker & Sons"]  # every client, not none
    assert dialog.read_only_banner.isVisible()
    assert dialog.name_edit.isReadOnly() and dialog.notes_edit.isReadOnly()
    assert not dialog.new_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert not dialog.import_button.isEnabled() and dialog.export_button.isEnabled()
    qtbot.keyClick(dialog.notes_edit, Qt.Key.Key_X)  # typing changes nothing
    assert dialog.notes_edit.toPlainText() == "back office" and not dialog.save_button.isEnabled()
    assert "could not check (" in dialog.history.summary.toPlainText()
    dialog.close()

    window.tab_widgets[1].run_completed.emit("blacklist", {"targets": []})
    assert "Not saved to Acme Dental's history: the kit's folder is write-protected" in \
        window.statusBar().currentMessage()

    panel = window.ensure_tab(3).checklist
    qtbot.waitUntil(lambda: panel.loaded and not panel.jobs.pending, timeout=10000)
    assert panel.owner == ("client", "Acme Dental") and panel.sheet.request == "POP3 for the field staff"
    row = panel.row_of("devices")
    panel.status_combo(row).setCurrentIndex(2)
    panel.flush()
    assert panel.saved_label.text().startswith("NOT saved: the kit's folder is write-protected")
    window.close()
    assert fingerprint(on_stick) == before


def test_cli_on_a_read_only_directory_without_a_mount(tmp_path):
    """A folder whose permission bits forbid writing (as root: run without the override capabilities)."""
    root = tmp_path / "stick" / "sbskit-data"
    fill_stick(root)
    env = clean_env(tmp_path, root)
    before = fingerprint(root)
    with without_write_bits(root):
        from stick_fixtures import unprivileged

        probe = subprocess.run(unprivileged([sys.executable, "-c", "open('x', 'w')"]), cwd=root, env=env,
                               capture_output=True, text=True, timeout=60)
        assert probe.returncode != 0 and "Permission denied" in probe.stderr  # even as root, the bits hold
        proc = run_kit(env, "paths", "--json", drop_privileges=True)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["mode"] == "read-only"
        listed = json.loads(run_kit(env, "profile", "list", "--json", drop_privileges=True).stdout)
        assert [p["name"] for p in listed["profiles"]] == ["Acme Dental", "Baker & Sons"]
        proc = run_kit(env, "profile", "add", "Northwind", drop_privileges=True)
        assert proc.returncode == 3 and "write-protected" in proc.stderr
    assert fingerprint(root) == before
    assert files_under(Path(env["HOME"])) == [] and files_under(Path(env["TMPDIR"])) == []
