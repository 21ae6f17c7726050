"""Round 3 of the script checker (issue 10), VBScript and PowerShell: the constructs that made
real scripts unreadable or unevaluated in a second sample (omitted arguments, indexing a Split
result, dot-sourcing, native commands with /switches) and what the run then proves. Scripts of
our own, in the shapes real login scripts use."""

from __future__ import annotations

import datetime

from sbskit.core.osver.lint import lint_text

TODAY = datetime.date(2026, 11, 28)


def check(script: str, language: str):
    return lint_text(script, language=language, today=TODAY)


def keys(result, release: str, lang: str = "en") -> tuple[str, ...]:
    return result.matrix.cell(release, lang).keys


def naming(result, release: str) -> list:
    return [f for f in result.findings if f.rule != "not-evaluated" and release in f.evidence.get("releases", [])]


def unread(result) -> list:
    return [f for f in result.findings if f.rule == "not-evaluated" and "cannot read" in f.message]


# An elevation helper with an omitted argument, and a caption test that knows no Windows 11.
CAPTION_ELEVATE = """Function WhichOS
    Set svc = GetObject("winmgmts:\\\\.\\root\\cimv2")
    For Each os In svc.ExecQuery("Select * from Win32_OperatingSystem")
        If InStr(os.Caption, "Windows 10") Then
            WhichOS = "Windows 10"
        ElseIf InStr(os.Caption, "Windows 7") Then
            WhichOS = "Windows 7"
        End If
    Next
End Function

If WhichOS = "Windows 7" Or WhichOS = "Windows 10" Then
    Set sh = CreateObject("Shell.Application")
    sh.ShellExecute "wscript.exe", Chr(34) & WScript.ScriptFullName & Chr(34), , "runas", 1
    Const HKLM_KEY = &H80000002
    keyPath = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SystemRestore"
    WScript.Echo "restore point made"
End If
"""


def test_vbscript_omitted_arguments_are_read_and_the_script_is_run():
    r = check(CAPTION_ELEVATE, "vbscript")
    assert not unread(r)
    # Windows 11's caption names neither: no branch, proven from the caption
    eleven = naming(r, "Windows 11 24H2")
    assert eleven and "Windows 11" in eleven[0].proof and "Caption" in eleven[0].proof
    # the registry path and the constant inside the branch name no Windows: nothing is "meant" for NT 4.0
    assert not naming(r, "Windows NT 4.0 Workstation")
    assert not [f for f in r.findings if "2147483650" in f.message]


SPLIT_INDEX = """Set svc = GetObject("winmgmts:\\\\.\\root\\cimv2")
For Each os In svc.ExecQuery("Select * from Win32_OperatingSystem")
    major = Split(os.Version, ".")(0)
Next
If CInt(major) >= 6 Then
    WScript.Echo "Vista or later: elevate"
Else
    WScript.Echo "XP or older: no UAC"
End If
"""


def test_vbscript_indexes_the_array_a_split_returns():
    r = check(SPLIT_INDEX, "vbscript")
    assert not [f for f in r.findings if f.rule == "not-evaluated"]
    assert keys(r, "win11-24h2") == ("line 6",)  # CInt("10") >= 6 as numbers
    assert keys(r, "xp-sp3") == ("line 8",)
    assert not r.findings


# A Windows-11-only gate built from a text comparison kept in a variable, an outside test beside it,
# dot-sourcing, a native /switch and a member assignment: all readable, and the text comparison proven.
WIN11_GATE = """$os = Get-CimInstance Win32_OperatingSystem
$cpu = Get-CimInstance Win32_Processor
$isEleven = $os.BuildNumber -ge 22000
$wide = $cpu.AddressWidth -eq 64
if (-not ($isEleven -and $wide)) {
    Write-Error "Solo para Windows 11 de 64 bits. Ejecucion abortada."
    exit
}
. "$PSScriptRoot\\helpers.ps1"
& "$env:SystemRoot\\regedit.exe" /S ".\\tweak.reg"
Start-Process -FilePath "setup.exe" -ArgumentList /quiet
$link = (New-Object -ComObject WScript.Shell).CreateShortcut("C:\\x.lnk")
$link.TargetPath = "C:\\Windows\\notepad.exe"
Write-Host "Windows 11 setup done"
"""


def test_powershell_reads_dot_sourcing_native_switches_and_member_assignments():
    r = check(WIN11_GATE, "powershell")
    assert not unread(r)


def test_a_text_comparison_kept_in_a_variable_is_proven_where_it_is_made():
    r = check(WIN11_GATE, "powershell")
    text = [f for f in r.findings if f.rule == "version-string-compare"]
    assert text and text[0].line == 3 and text[0].severity == "error"
    assert "Windows 8.1" in text[0].evidence["releases"] and "Windows 10 22H2" not in text[0].evidence["releases"]
    assert '"9600"' in text[0].proof or '"9200"' in text[0].proof


def test_a_side_that_decides_alone_makes_the_outside_one_irrelevant():
    r = check(WIN11_GATE, "powershell")
    # Windows 10 fails the build test, so `-and` is false whatever the CPU says: refused, no assumption
    ten = r.matrix.cell("win10-22h2", "en")
    assert ten.keys == ("line 6",) and not any(o.assumptions for o in ten.outcomes)
    # Windows 11 passes it: then the CPU test (outside) decides, and both ways are followed
    eleven = r.matrix.cell("win11-24h2", "en")
    assert len({o.keys if hasattr(o, "keys") else tuple(h.key for h in o.hits) for o in eleven.outcomes}) >= 2
    # a Spanish refusal ("Solo para Windows 11 ... abortada") is a refusal meant for every other Windows
    assert not [f for f in naming(r, "Windows 11 24H2") if f.rule != "version-string-compare"]


def test_an_unreadable_script_could_not_be_told_and_gets_no_family_hint():
    # a keyword lost in a machine translation: nothing can be run, so nothing is claimed either way
    script = """Set svc = GetObject("winmgmts:\\\\.\\root\\cimv2")
For Each os 之中 svc.ExecQuery("Select * from Win32_OperatingSystem")
    v = os.Version
Next
If Left(v, 3) = "5.1" Then WScript.Quit
"""
    r = check(script, "vbscript")
    assert [f.rule for f in r.findings] == ["not-evaluated"] and unread(r)
    assert r.findings[0].severity == "warning"  # the CLI's exit 3: could not tell
