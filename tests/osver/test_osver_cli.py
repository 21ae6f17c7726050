"""The osver, lint-script and snippet subcommands, run as real processes."""

from __future__ import annotations

import json

CONTRACT_MATCH_KEYS = {"product", "service_pack", "release", "family", "end_of_support", "supported"}


def test_osver_json_contract(run_cli):
    proc = run_cli("osver", "--text", "6.0.6001", "--json", "--today", "2026-11-28")
    assert proc.returncode == 1  # every match is out of support
    doc = json.loads(proc.stdout)
    assert doc["input_kind"] == "version" and doc["version"] == "6.0.6001"
    assert (doc["major"], doc["minor"], doc["build"], doc["revision"]) == (6, 0, 6001, None)
    assert {m["product"] for m in doc["matches"]} >= {"Windows Vista", "Windows Server 2008"}
    for m in doc["matches"]:
        assert CONTRACT_MATCH_KEYS <= set(m)
        assert m["family"] in ("client", "server")


def test_osver_supported_release_exits_zero(run_cli):
    proc = run_cli("osver", "--text", "Microsoft Windows [Version 10.0.20348.2700]", "--today", "2026-11-28")
    assert proc.returncode == 0, proc.stderr
    assert "Windows Server 2022" in proc.stdout and "supported until 2031-10-14" in proc.stdout


def test_osver_reads_utf16_wmic_file_and_stdin(run_cli, corpus):
    proc = run_cli("osver", "--file", str(corpus / "wmic-2008sp2.txt"), "--json")
    doc = json.loads(proc.stdout)
    assert doc["input_kind"] == "wmic" and [m["product"] for m in doc["matches"]] == ["Windows Server 2008"]
    proc = run_cli("osver", "--json", input="Microsoft Windows [Version 10.0.26100.1]\n")
    assert json.loads(proc.stdout)["build"] == 26100


def test_osver_unusable_input_is_one_line_exit_2(run_cli, tmp_path):
    for args in (("--text", "no version in here"), ("--text", ""), ("--file", str(tmp_path / "missing.txt")),
                 ("--today", "tomorrow", "--text", "6.1")):
        proc = run_cli("osver", *args)
        assert proc.returncode == 2, args
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert proc.stdout == ""
    binary = tmp_path / "b.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    proc = run_cli("osver", "--file", str(binary))
    assert proc.returncode == 2 and "binary" in proc.stderr


def test_osver_50mb_paste_is_refused(run_cli):
    proc = run_cli("osver", input="Microsoft Windows [Version 10.0.19045.1]\n" * (50 * 1024 * 1024 // 41))
    assert proc.returncode == 2 and "limit" in proc.stderr and "Traceback" not in proc.stderr


def test_osver_local_off_windows_says_paste(run_cli):
    proc = run_cli("osver", "--local")
    assert proc.returncode == 2
    assert "not Windows" in proc.stderr and "paste" in proc.stderr


def test_lint_script_json_and_exit_codes(run_cli, tmp_path):
    bad = tmp_path / "logon.bat"
    bad.write_text('ver > "%TEMP%\\v.txt"\nfindstr "6000" "%TEMP%\\v.txt"\nif not errorlevel 1 goto vista\n:vista\n')
    proc = run_cli("lint-script", str(bad), "--json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["file"] == str(bad) and doc["language"] == "batch"
    first = doc["findings"][0]
    assert set(first) >= {"line", "rule", "severity", "message", "suggestion"}
    fall = next(f for f in doc["findings"] if f["rule"] == "goto-fallthrough")
    assert fall["line"] == 3 and fall["severity"] == "error" and "Windows 7 SP1" in fall["evidence"]["releases"]
    proof = fall["proof"]  # the contract's fields, plus the sentence
    assert set(proof) >= {"release", "version", "language", "reached", "line", "because", "text"}
    assert proof["reached"] == ":vista" and proof["line"] == 4 and "by falling through" in proof["text"]
    vista = [row for row in doc["matrix"] if row["release_id"] == "vista-sp1"]
    assert len(vista) == 9 and all(row["reached"] == ":vista" and row["line"] == 4 for row in vista)
    assert doc["not_evaluated"] == [] and any(b["key"] == ":vista" for b in doc["branches"])
    good = tmp_path / "good.ps1"
    good.write_text("$os = Get-CimInstance Win32_OperatingSystem\n"
                    "if ($os.ProductType -eq 1 -and [int]$os.BuildNumber -ge 22000) { 'w11' } else { 'other' }\n")
    proc = run_cli("lint-script", str(good))
    assert proc.returncode == 0, proc.stdout
    assert "no fragile OS detection" in proc.stdout


def test_lint_script_bad_files(run_cli, tmp_path):
    utf16 = tmp_path / "u.cmd"
    utf16.write_bytes(b"\xff\xfe" + 'ver | find "2000" && goto w2k\r\ngoto :eof\r\n:w2k\r\necho Windows 2000\r\n'
                      .encode("utf-16-le"))
    proc = run_cli("lint-script", str(utf16), "--json")
    assert proc.returncode == 1 and json.loads(proc.stdout)["encoding"] == "utf-16-le"
    for path, content in (("empty.bat", b""), ("bin.vbs", b"\x00\x01\x02\x03" * 64)):
        p = tmp_path / path
        p.write_bytes(content)
        proc = run_cli("lint-script", str(p))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


def test_snippet_cli(run_cli):
    proc = run_cli("snippet", "--target", "win10-11-clients", "--language", "batch", "--json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert doc["mismatches"] == [] and "goto os_match" in doc["code"]
    assert doc["matched"] == sum(1 for row in doc["matrix"] if row["expected"])
    proc = run_cli("snippet", "--family", "server", "--min-build", "14393", "-l", "wql")
    assert proc.returncode == 0 and "ProductType <> 1" in proc.stdout and "+ Windows Server 2025" in proc.stdout
    proc = run_cli("snippet", "--list-targets")
    assert "server-2016-or-later" in proc.stdout
    proc = run_cli("snippet", "--target", "nope")
    assert proc.returncode == 2
    proc = run_cli("snippet")
    assert proc.returncode == 2
