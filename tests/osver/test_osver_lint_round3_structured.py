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
