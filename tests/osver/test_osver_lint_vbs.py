"""The VBScript evaluator: WMI properties (Version without UBR), RegRead, InStr/Left/Mid/Split,
CInt/CLng/CDbl, &, Select Case and If, with VBScript's comparison rules, in scripts written for
these tests; each asserts where named releases go."""

from __future__ import annotations

import datetime

import pytest

from sbskit.core.osver.lint import lint_text
from sbskit.core.osver.scripteval.vbs_values import VbError, compare, to_num

TODAY = datetime.date(2026, 11, 28)
WMI = ('Set objWMI = GetObject("winmgmts:\\\\.\\root\\cimv2")\n'
       'Set colOS = objWMI.ExecQuery("SELECT * FROM Win32_OperatingSystem")\n'
       "For Each objOS In colOS\n")


def check(script: str):
    return lint_text(script, language="vbscript", today=TODAY)


def keys(result, release: str, lang: str = "en"):
    return result.matrix.cell(release, lang).keys


def rules(result, severity=None) -> set[str]:
    return {f.rule for f in result.findings if severity is None or f.severity == severity}


@pytest.mark.parametrize("a,ah,op,b,bh,result", [
    ("10.0", False, "<", "6.1", True, True),  # two strings: text
    ("9200", False, ">=", 9200, True, True),  # soft string ~ hard number: as numbers
    ("10240", False, ">=", 9200, True, True),
    ("100", False, ">", 1000, False, True),  # soft string ~ soft number: the string is greater
    ("1", True, "=", 1, False, True),  # hard string ~ soft number: the number becomes "1"
    ("10", True, "<", 9, False, True),  # ... and compares as text
    (None, False, "=", "", True, True),  # Empty is ""
    (None, False, "=", 0, True, True),  # ... or 0
])
def test_vbscript_comparison_rules(a, ah, op, b, bh, result):
    assert compare(a, ah, op, b, bh) is result


def test_text_to_number_follows_the_locale():
    assert to_num("6.1", "en") == 6.1
    assert to_num("6.1", "de") == 61  # '.' groups thousands in German
    assert isinstance(to_num("6.1", "fr"), VbError)
    assert isinstance(to_num("10.0.19045", "en"), VbError)


def test_left_of_wmi_version_and_select_case():
    script = WMI + """    v = Left(objOS.Version, 3)
Next
Select Case v
    Case "10."
        WScript.Echo "Windows 10"
    Case "6.1"
        WScript.Echo "Windows 7"
    Case Else
        WScript.Echo "other Windows"
End Select
"""
    r = check(script)
    assert keys(r, "win11-24h2") == ("line 8",) and keys(r, "win7-sp1") == ("line 10",)
    assert keys(r, "win81") == ("line 12",)
    f = next(f for f in r.findings if "Windows 11 24H2" in f.evidence["releases"])
    assert f.rule == "major-equals-10" and f.severity == "error"
    assert 'Win32_OperatingSystem.Version is "10.0.28000"' in f.proof  # WMI's Version has no UBR


def test_buildnumber_against_a_number_literal_is_numeric_but_against_a_variable_is_not():
    literal = WMI + """    If objOS.BuildNumber >= 22000 Then
        WScript.Echo "Windows 11"
    Else
        WScript.Echo "not Windows 11"
    End If
Next
"""
    r = check(literal)
    assert keys(r, "win11-22h2") == ("line 5",) and keys(r, "win81") == ("line 7",)
    assert rules(r, "error") == set()  # soft string ~ hard number: a number comparison, correct
    variable = "minBuild = 22000\n" + literal.replace(">= 22000", ">= minBuild")
    r2 = check(variable)
    assert keys(r2, "win81") == ("line 6",)  # "9600" >= minBuild: any string beats any number
    assert "Windows 8.1" in next(f for f in r2.findings if f.severity == "error").evidence["releases"]


def test_version_strings_compared_as_text():
    script = WMI + """    ver = objOS.Version
Next
If ver >= "6.1" Then
    WScript.Echo "Windows 7 or later"
Else
    WScript.Echo "older than Windows 7"
End If
"""
    r = check(script)
    assert keys(r, "win10-22h2") == ("line 9",)  # "10.0.19045" < "6.1" as text
    f = next(f for f in r.findings if f.rule == "version-string-compare")
    assert f.severity == "error" and "Windows 10 22H2" in f.evidence["releases"]
    fixed = check(script.replace('ver = objOS.Version', 'ver = CLng(objOS.BuildNumber)').replace('"6.1"', "7600"))
    assert keys(fixed, "win10-22h2") == ("line 7",) and rules(fixed, "error") == set()


def test_cdbl_of_the_version_depends_on_the_locale():
    script = WMI + """    v = CDbl(Left(objOS.Version, 3))
Next
If v >= 6.1 And v < 6.2 Then
    WScript.Echo "Windows 7"
End If
"""
    r = check(script)
    assert keys(r, "win7-sp1", "en") == ("line 7",)
    assert keys(r, "win7-sp1", "de") == ()  # CDbl("6.1") is 61 in German
    f = next(f for f in r.findings if f.rule == "locale-bound-parsing")
    assert "de" in f.evidence["languages"] and "en" not in f.evidence["languages"]


def test_instr_on_the_caption_and_split():
    script = WMI + """    cap = objOS.Caption
    parts = Split(objOS.Version, ".")
Next
If InStr(cap, "Windows 7") > 0 Then
    WScript.Echo "Windows 7"
ElseIf CInt(parts(0)) = 10 And CLng(parts(2)) >= 22000 Then
    WScript.Echo "Windows 11"
ElseIf CInt(parts(0)) = 10 Then
    WScript.Echo "Windows 10"
End If
"""
    r = check(script)
    assert keys(r, "win7-sp1") == ("line 8",) and keys(r, "win11-23h2") == ("line 10",)
    assert keys(r, "win10-22h2") == ("line 12",) and keys(r, "ws2022") == ("line 12",)
    assert keys(r, "win7-sp1", "ru") == ("line 8",)  # "Майкрософт Windows 7 ..." still contains it


def test_regread_product_name_says_windows_10_on_11():
    script = """Set sh = CreateObject("WScript.Shell")
name = sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProductName")
If InStr(name, "Windows 10") > 0 Then
    WScript.Echo "Windows 10"
End If
"""
    r = check(script)
    assert keys(r, "win11-23h2") == ("line 4",)
    f = next(f for f in r.findings if "Windows 11 23H2" in f.evidence["releases"])
    assert f.rule == "frozen-registry-value" and "ProductName" in f.proof


def test_function_returning_the_name_and_the_snippet():
    script = """Function OsName()
    Set sh = CreateObject("WScript.Shell")
    b = CLng(sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentBuildNumber"))
    If b >= 22000 Then
        OsName = "Windows 11"
    Else
        OsName = "older"
    End If
End Function
If OsName() = "Windows 11" Then
    WScript.Echo "Windows 11 or Server 2025"
End If
"""
    r = check(script)
    # the Function runs where it is called: its own assignment is a branch, and so is what the caller
    # does with the value it returned (a test on it is a decision proven by the Function's test)
    assert keys(r, "win11-23h2") == ("line 5", "line 11") and keys(r, "win10-22h2") == ("line 7",)
    proof = r.matrix.cell("win11-23h2", "en").hits[1].decisions[-1].because(
        next(m for m in __import__("sbskit.core.osver.scripteval.machines", fromlist=["machines"]).machines()
             if m.release.id == "win11-23h2" and m.lang == "en"))
    assert "line 5" in proof and "22000" in proof
    from sbskit.core.osver.snippet import PRESETS, generate

    for target in PRESETS.values():
        assert check(generate(target, "vbscript").code).findings == []


def test_error_in_if_with_on_error_resume_next_enters_the_block():
    script = WMI + """    v = objOS.Version
Next
On Error Resume Next
If v >= 6 Then
    WScript.Echo "Vista or later"
End If
"""
    r = check(script)
    # "10.0.19045" >= 6 converts the string to a number: Type mismatch; with Resume Next the
    # If runs its Then part anyway - on every release
    assert keys(r, "xp-sp3") == ("line 8",)
    assert any("Windows XP SP3" in f.evidence.get("releases", []) for f in r.findings if f.severity == "error")


def test_wql_where_in_execquery():
    script = """Set col = GetObject("winmgmts:").ExecQuery("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '6.1%'")
For Each os In col
    WScript.Echo "Windows 7"
Next
"""
    r = check(script)
    assert keys(r, "win7-sp1") == ("line 3",) and keys(r, "win10-22h2") == ()
    assert keys(r, "ws2008r2-sp1") == ("line 3",)
