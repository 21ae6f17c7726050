"""``sbskit-cli osver`` on real capture shapes, run as a real process: files in OEM code pages,
quoted pastes on stdin, and the exit code that says "could not tell" instead of guessing."""

from __future__ import annotations

import json

import pytest

TODAY = "2026-11-28"


@pytest.mark.parametrize("name,labels,code", [
    ("systeminfo-2012r2-dc-ru-cp866.txt", ["Windows Server 2012 R2"], 1),
    ("systeminfo-win10-zh-cn-gbk.txt", ["Windows 10 22H2"], 1),
    ("systeminfo-win7-ja-cp932.txt", ["Windows 7 SP1"], 1),
    ("systeminfo-2022-dc-sv-cp850.txt", ["Windows Server 2022"], 0),
    ("systeminfo-win11-pt-br-utf16le-nobom.txt", ["Windows 11 22H2"], 1),
    ("wmic-value-iot-ltsc2021.txt", ["Windows 10 IoT Enterprise LTSC 2021"], 0),
])
def test_capture_files(run_cli, corpus, name, labels, code):
    proc = run_cli("osver", "--file", str(corpus / name), "--json", "--today", TODAY)
    assert proc.returncode == code, proc.stderr
    doc = json.loads(proc.stdout)
    assert [m["label"] for m in doc["matches"]] == labels
    assert doc["verdict"] == {0: "supported", 1: "ended"}[code] and doc["conflicts"] == []


def test_quoted_paste_on_stdin_and_text(run_cli, corpus):
    text = (corpus / "ps-osversion-email-quoted.txt").read_text(encoding="utf-8")
    for proc in (run_cli("osver", "--json", "--today", TODAY, input=text),
                 run_cli("osver", "--text", text, "--json", "--today", TODAY)):
        doc = json.loads(proc.stdout)
        assert doc["version"] == "10.0.22621" and [m["label"] for m in doc["matches"]] == ["Windows 11 22H2"]
        assert proc.returncode == 1  # 22H2 Enterprise ended 2025-10-14


@pytest.mark.parametrize("text,needle", [
    ("10.0.19044", "Windows 10 Enterprise LTSC 2021"),  # 21H2 ended, Enterprise LTSC 2021 not yet
    ("10.0.26100", "Home/Pro"),  # the edition decides 24H2's end
    ("10.0.27842", "no release in the data fits"),
])
def test_could_not_tell_exits_3(run_cli, text, needle):
    proc = run_cli("osver", "--text", text, "--today", TODAY)
    assert proc.returncode == 3, proc.stdout
    first = proc.stdout.splitlines()[1]
    assert first.startswith("Verdict: could not tell") and needle in first


def test_garbled_bytes_stay_one_line(run_cli, tmp_path):
    path = tmp_path / "exe.txt"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 500)
    proc = run_cli("osver", "--file", str(path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "binary" in proc.stderr
