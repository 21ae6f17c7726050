"""The CLI conventions: --version, --help, one-line usage errors, --json, --report, portable mode."""

import json

import pytest


def test_version(run_cli):
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("sbskit-cli 0.")


def test_help_lists_subcommands_and_exit_codes(run_cli):
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "paths" in proc.stdout and "exit status" in proc.stdout


def test_unknown_subcommand_is_one_line_exit_2(run_cli):
    proc = run_cli("no-such-command")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("sbskit-cli: error:")
    assert "Traceback" not in proc.stderr


def test_no_subcommand_is_usage_error(run_cli):
    assert run_cli().returncode == 2


def test_paths_json_in_portable_mode(run_cli, isolated_home):
    proc = run_cli("paths", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["mode"] == "portable"
    for key in ("settings", "logs", "data", "cache", "reports"):
        assert doc[key].startswith(str(isolated_home))


def test_report_html(run_cli, tmp_path):
    out = tmp_path / "r.html"
    proc = run_cli("paths", "--report", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "<h1>SBS Admin Kit folders</h1>" in text and "portable" in text


@pytest.mark.gui
def test_report_pdf(run_cli, tmp_path):
    out = tmp_path / "r.pdf"
    proc = run_cli("paths", "--report", str(out), env={"QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_report_with_wrong_suffix_is_usage_error(run_cli, tmp_path):
    proc = run_cli("paths", "--report", str(tmp_path / "r.docx"))
    assert proc.returncode == 2
    assert ".html or .pdf" in proc.stderr and "Traceback" not in proc.stderr


def test_report_into_missing_folder_is_clear(run_cli, tmp_path):
    proc = run_cli("paths", "--report", str(tmp_path / "no" / "such" / "dir" / "r.html"))
    # the kit creates folders for reports; a path that is a file is the real error case
    assert proc.returncode == 0, proc.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_cli("paths", "--report", str(blocker / "r.html"))
    assert proc.returncode == 2 and "cannot write the report" in proc.stderr
