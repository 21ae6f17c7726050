"""The batch evaluator: each cmd construct from issue 10, in scripts written for these tests,
asserting where named releases end up and what the findings (with proofs) say."""

from __future__ import annotations

import datetime

import pytest

from sbskit.core.osver.lint import lint_text
from sbskit.core.osver.scripteval.batch_text import (
    cmd_compare,
    cmd_number,
    findstr_match,
    findstr_spec,
    for_iterations,
    parse_for_options,
    substring,
)

TODAY = datetime.date(2026, 11, 28)
REG_BUILD = ("for /f \"tokens=3\" %%A in ('reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" "
             "/v CurrentBuildNumber ^| find \"REG_\"') do set BUILD=%%A\n")
REG_TYPE = ("for /f \"tokens=3\" %%T in ('reg query \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions\" "
            "/v ProductType ^| find \"REG_\"') do set OSTYPE=%%T\n")


def check(script: str):
    return lint_text(script, language="batch", today=TODAY)


def keys(result, release: str, lang: str = "en") -> tuple[str, ...]:
    return result.matrix.cell(release, lang).keys


def rules(result, severity: str | None = None) -> set[str]:
    return {f.rule for f in result.findings if severity is None or f.severity == severity}


# --- the two examples of the issue -----------------------------------------------------------
FIND_2000 = """@echo off
ver | find "2003" > nul
if %ERRORLEVEL% == 0 goto ver_2003
ver | find "2000" > nul
if %ERRORLEVEL% == 0 goto ver_2000
echo Windows version not recognised
goto done
:ver_2003
echo Windows Server 2003
goto done
:ver_2000
echo Windows 2000
:done
"""


def test_find_2000_sends_windows_11_21h2_to_the_windows_2000_branch():
    r = check(FIND_2000)
    assert keys(r, "win11-21h2") == (":ver_2000",)
    assert keys(r, "w2k-pro") == (":ver_2000",)
    assert keys(r, "win11-22h2") == ("line 6",)
    f = next(f for f in r.findings if "Windows 11 21H2" in f.evidence.get("releases", []))
    assert f.severity == "error" and f.rule == "substring-build-match" and f.line == 4
    assert f.proof.startswith("Windows 11 21H2 (10.0.22000.194) reaches :ver_2000 (line 11)")
    assert 'find "2000" (line 4) matches its ver text "Microsoft Windows [Version 10.0.22000.194]"' in f.proof
    # the same script also misses Server 2003, whose ver has no "2003" in it
    f2003 = next(f for f in r.findings if "Windows Server 2003" in f.evidence.get("releases", []))
    assert f2003.severity == "warning" and ":ver_2003 (line 8) meant for it" in f2003.proof  # support ended 2015
    assert 'find "2003" (line 2) does not match its ver text "Microsoft Windows [Version 5.2.3790]"' in f2003.proof


ZERO_PADDED = "@echo off\n" + REG_BUILD + REG_TYPE + """if not defined BUILD goto unknown
set B=00000%BUILD%
set B=%B:~-5%
if /i not "%OSTYPE%"=="WinNT" goto server
if "%B%" GEQ "22000" goto win11
if "%B%" GEQ "10240" goto win10
goto unknown
:win11
echo Windows 11
goto :eof
:win10
echo Windows 10
goto :eof
:server
echo server
goto :eof
:unknown
echo unknown Windows %BUILD%
"""


def test_zero_padded_text_comparison_is_not_flagged():
    r = check(ZERO_PADDED)
    # only NT 4.0 / 2000 Server, which have no reg.exe, are noted (a warning: support ended long ago)
    assert [f.severity for f in r.findings] in ([], ["warning"]), [f.message for f in r.findings]
    assert not any(f.rule == "version-string-compare" for f in r.findings)
    assert keys(r, "win11-21h2") == (":win11",) and keys(r, "win10-22h2") == (":win10",)
    assert keys(r, "win81") == (":unknown",) and keys(r, "ws2022") == (":server",)


def test_unpadded_text_comparison_is_flagged_with_the_numbers():
    script = ZERO_PADDED.replace("set B=00000%BUILD%\nset B=%B:~-5%\n", "set B=%BUILD%\n")
    r = check(script)
    assert keys(r, "win81") == (":win11",)  # "9600" GEQ "22000" as text: "9" sorts after "2"
    f = next(f for f in r.findings if f.rule == "version-string-compare")
    assert f.severity == "error" and "Windows 8.1" in f.evidence["releases"]
    assert "compared as numbers it would be false" in f.proof or "Windows 11" in f.message


def test_anchored_find_is_not_an_error_but_other_languages_are_named():
    script = """@echo off
ver | find "Version 6.1" > nul
if not errorlevel 1 goto win7
echo other
goto :eof
:win7
echo Windows 7 or Server 2008 R2
"""
    r = check(script)
    assert rules(r, "error") == set()
    assert keys(r, "win7-sp1", "en") == (":win7",) and keys(r, "win10-22h2", "en") == ("line 4",)
    assert keys(r, "win7-sp1", "es") == ("line 4",)  # [Versión 6.1.7601]
    assert keys(r, "win7-sp1", "de") == (":win7",) and keys(r, "win7-sp1", "ja") == (":win7",)
    lang = next(f for f in r.findings if f.rule == "locale-bound-parsing")
    assert lang.severity == "warning" and {"es", "fr", "it", "nl", "ru", "zh-CN"} == set(lang.evidence["languages"])
    assert "[Versión 6.1.760" in lang.proof or "[version 6.1.760" in lang.proof


# --- find and findstr ---------------------------------------------------------------------------
def test_find_options_i_v_c():
    script = """@echo off
ver | find /i "version 10.0" > nul && goto ten
ver | find /v "Windows" > nul && goto odd
ver | find /c "2000" > nul && goto counted
goto :eof
:ten
echo Windows 10 or 11
goto :eof
:odd
echo impossible
goto :eof
:counted
echo counted
"""
    r = check(script)
    assert keys(r, "win11-23h2", "fr") == (":ten",)  # /i also finds "[version 10.0"
    assert keys(r, "win11-23h2", "es") == (":odd",)  # find /v: the empty first line of ver has no "Windows"
    assert keys(r, "win81") == (":odd",)


@pytest.mark.parametrize("options,strings,cstrings,text,matches", [
    ({"l"}, ["6.0"], [], "10.0.26100.1742", False),
    (set(), ["6.0"], [], "10.0.26100.1742", True),  # '.' is any character: 6-1-0
    (set(), ["6\\.0\\."], [], "10.0.26100.1742", False),
    (set(), ["6\\.0\\."], [], "6.0.6001", True),
    (set(), ["Vista XP"], [], "Microsoft Windows XP [Version 5.1.2600]", True),  # several words = OR
    (set(), [], ["Vista XP"], "Microsoft Windows XP [Version 5.1.2600]", False),
    ({"i"}, ["windows"], [], "Microsoft Windows [Version 6.1.7601]", True),
    ({"b"}, ["Version"], [], "Microsoft Windows [Version 6.1.7601]", False),
    ({"b"}, ["Microsoft"], [], "Microsoft Windows [Version 6.1.7601]", True),
    ({"e"}, ["7601\\]"], [], "Microsoft Windows [Version 6.1.7601]", True),
    ({"x"}, ["6.1.7601"], [], "6.1.7601", True),
    ({"x"}, ["6.1"], [], "6.1.7601", False),
    ({"r"}, [], ["Version 6\\.1"], "Microsoft Windows [Version 6.1.7601]", True),
    (set(), ["200 51.4"], [], "x 51a4 y", False),  # first string has no meta-character: all literal
    (set(), ["51.4 200"], [], "x 51a4 y", True),  # first string is a regex: all regexes
    (set(), ["^Micro"], [], "Microsoft Windows", True),
    (set(), ["[0-9]*\\.[0-9]"], [], "Version 6.1", True),
])
def test_findstr_rules(options, strings, cstrings, text, matches):
    spec = findstr_spec(options, cstrings, strings)
    assert bool(findstr_match((text,), spec)) is matches


def test_findstr_unescaped_dot_reaches_windows_11_24h2():
    script = """@echo off
ver | findstr "6.0" > nul && goto vista
echo not Vista
goto :eof
:vista
echo Windows Vista or Server 2008
"""
    r = check(script)
    assert keys(r, "win11-24h2") == (":vista",) and keys(r, "vista-sp2") == (":vista",)
    assert keys(r, "xp-sp3") == (":vista",)  # "6.0" also matches the "600" of 5.1.2600
    assert keys(r, "win10-22h2") == ("line 3",)
    f = next(f for f in r.findings if "Windows 11 24H2" in f.evidence["releases"])
    assert f.rule == "regex-unescaped-dot" and f.severity == "error" and "Windows XP SP3" in f.evidence["releases"]
    assert 'findstr "6.0" (line 2) matches its ver text' in f.proof
    fixed = check(script.replace('findstr "6.0"', 'findstr "6\\.0\\."'))
    assert keys(fixed, "win11-24h2") == ("line 3",) and rules(fixed, "error") == set()


# --- errorlevel ----------------------------------------------------------------------------------
def test_if_errorlevel_means_n_or_higher():
    script = """@echo off
ver | find "XP" > nul
if errorlevel 1 goto notxp
echo Windows XP
goto :eof
:notxp
echo not XP
"""
    r = check(script)
    assert keys(r, "xp-sp3") == ("line 4",) and keys(r, "win7-sp1") == (":notxp",)
    always = check(script.replace("if errorlevel 1 goto notxp", "if errorlevel 0 goto notxp"))
    assert keys(always, "xp-sp3") == (":notxp",)
    assert "errorlevel-order" in rules(always)


def test_errorlevel_in_a_block_is_the_value_before_the_block():
    script = """@echo off
setlocal
ver | find "XP" > nul
if errorlevel 0 (
  ver | find "Windows 2000" > nul
  if %ERRORLEVEL% == 0 echo Windows XP
)
"""
    r = check(script)
    # %ERRORLEVEL% was read when the block was, after the XP test: XP prints "Windows XP" although
    # the test inside the block just failed, and Windows 2000 does not
    assert keys(r, "xp-sp3") == ("line 6",) and keys(r, "w2k-pro") == ()
    delayed = check(script.replace("setlocal", "setlocal enabledelayedexpansion").replace("%ERRORLEVEL%", "!ERRORLEVEL!"))
    assert keys(delayed, "xp-sp3") == () and keys(delayed, "w2k-pro") == ("line 6",)


# --- if / else, goto, call, fall-through ---------------------------------------------------------
def test_if_else_blocks_and_call_subroutine():
    script = "@echo off\n" + REG_BUILD + """if %BUILD% GEQ 22000 (
  call :setname "Windows 11"
) else (
  call :setname "Windows 10 or older"
)
echo %OSNAME%
goto :eof
:setname
set OSNAME=%~1
goto :eof
"""
    r = check(script)
    # a call with words is its own branch: the words say what it is for (the sub is shared)
    assert keys(r, "win11-24h2") == ("line 4",)
    branch = r.matrix.branches["line 4"]
    assert branch.desc.startswith('call :setname "Windows 11"') and "win11-24h2" in branch.meaning.releases
    assert "win10-22h2" not in branch.meaning.releases
    cell = r.matrix.cell("win10-22h2", "en")
    assert cell.hits[0].via == "condition" and cell.hits[0].decisions[-1].outcome is False


def test_fall_through_into_the_next_label():
    script = """@echo off
ver | find "XP" > nul
if not errorlevel 1 goto xp
:vista
echo Windows Vista
goto end
:xp
echo Windows XP
:end
"""
    r = check(script)
    assert keys(r, "win7-sp1") == (":vista",)
    hit = r.matrix.cell("win7-sp1", "en").hits[0]
    assert hit.via == "fall-through"
    f = next(f for f in r.findings if "Windows 7" in f.evidence["releases"])
    assert f.rule == "goto-fallthrough" and f.severity == "error" and "by falling through" in f.proof


def test_missing_label_stops_cmd_and_computed_goto_is_followed():
    script = "@echo off\n" + REG_BUILD + """for /f "tokens=1 delims=." %%a in ("%BUILD%") do set B=%%a
if "%BUILD:~0,1%"=="2" (goto win11) else goto win_%BUILD:~0,1%
:win11
echo Windows 11
goto :eof
:win_1
echo Windows 10
"""
    r = check(script)
    assert keys(r, "win11-22h2") == (":win11",) and keys(r, "win10-22h2") == (":win_1",)
    assert r.matrix.cell("win81", "en").status == "error"  # goto win_9: no such label, cmd stops
    assert any(f.rule == "script-stops" or "label :win_9" in f.message for f in r.findings)


# --- for /f, set, substrings ---------------------------------------------------------------------
def test_for_f_tokens_shift_between_releases():
    script = """@echo off
for /f "tokens=4 delims=] " %%a in ('ver') do set V=%%a
if "%V:~0,4%"=="5.1." goto xp
if "%V:~0,4%"=="6.1." goto win7
echo other
goto :eof
:xp
echo Windows XP
goto :eof
:win7
echo Windows 7
"""
    r = check(script)
    assert keys(r, "win7-sp1") == (":win7",)
    assert keys(r, "xp-sp3") == ("line 5",)  # "Microsoft Windows XP [Version ...": token 4 is "[Version"
    f = next(f for f in r.findings if "Windows XP SP3" in f.evidence["releases"])
    assert f.rule == "ver-token-position" and '%%a="[Version"' in f.proof


def test_set_substring_and_replace():
    assert substring("10.0.19045.2006", "~0,4") == "10.0" and substring("10.0.19045", "~-5") == "19045"
    assert substring("Microsoft Windows [Version 6.1]", "*[=") == "Version 6.1]"
    assert substring("6.1.7601", ".=_") == "6_1_7601" and substring("ABC", "~1") == "BC"
    script = """@echo off
for /f "tokens=2 delims=[]" %%a in ('ver') do set V=%%a
set V=%V:Version =%
set V=%V:~0,3%
if "%V%"=="6.1" goto win7
echo other
goto :eof
:win7
echo Windows 7
"""
    r = check(script)
    assert keys(r, "win7-sp1", "en") == (":win7",) and keys(r, "win7-sp1", "es") == ("line 6",)


@pytest.mark.parametrize("options,lines,expected", [
    ("tokens=4-5 delims=. ", ("", "Microsoft Windows [Version 10.0.19045.2006]"), (("10", "0"),)),
    ("tokens=4-5 delims=. ", ("", "Microsoft Windows XP [Version 5.1.2600]"), (("[Version", "5"),)),
    ("skip=2 tokens=3", ("", "HKEY_LOCAL_MACHINE\\...", "    CurrentVersion    REG_SZ    6.3", ""), (("6.3",),)),
    ("tokens=3", ("", "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"), ()),
    ("skip=1", ("Version  \r", "10.0.19045  \r", "\r"), (("10.0.19045",), ("\r",))),
    ("tokens=2 delims==", ("\r", "Version=10.0.19045\r", "\r"), (("10.0.19045\r",),)),
    ("tokens=1,2*", ("a b c d",), (("a", "b", "c d"),)),
    ("delims=", ("  x y",), (("  x y",),)),
    ("eol=# tokens=1", ("#comment", "value"), (("value",),)),
])
def test_for_f_tokenizing(options, lines, expected):
    assert for_iterations(lines, parse_for_options(options)) == expected


def test_wmic_skip_1_leaves_a_carriage_return_and_cmd_stops():
    script = """@echo off
for /f "skip=1" %%v in ('wmic os get buildnumber') do set BUILD=%%v
if %BUILD% GEQ 22000 goto win11
echo Windows 10 or older
goto :eof
:win11
echo Windows 11
"""
    r = check(script)
    assert r.matrix.cell("win11-22h2", "en").status == "error"
    f = next(f for f in r.findings if f.rule == "script-stops")
    assert "<CR>" in f.proof and f.severity == "error"
    fixed = check(script.replace("do set BUILD=%%v", "do if not defined BUILD set BUILD=%%v"))
    assert keys(fixed, "win11-22h2") == (":win11",) and keys(fixed, "win10-22h2") == ("line 4",)
    # wmic is gone from Windows 11 24H2 and Server 2025: BUILD stays empty there
    assert fixed.matrix.cell("win11-24h2", "en").status == "error"
    assert any(f.rule == "wmic-deprecated" and "Windows 11 24H2" in f.evidence["releases"] for f in fixed.findings)


# --- if comparison rules -------------------------------------------------------------------------
@pytest.mark.parametrize("left,op,right,icase,result", [
    ("10", "GEQ", "9", False, True),  # both whole numbers: numeric
    ('"10"', "GEQ", '"9"', False, False),  # quoted: text
    ("10.0", "GEQ", "6.1", False, False),  # a dot makes it text
    ("0x10", "EQU", "16", False, True),  # hex
    ("010", "EQU", "8", False, True),  # a leading zero is octal
    ("09", "LSS", "10", False, True),  # 09 is not octal: text, "0" < "1"
    ("abc", "==", "ABC", True, True),
    ("abc", "==", "ABC", False, False),
])
def test_cmd_if_comparison(left, op, right, icase, result):
    assert cmd_compare(left, op, right, icase) is result


def test_cmd_number():
    assert cmd_number("22000") == 22000 and cmd_number("-5") == -5 and cmd_number("10.0") is None
    assert cmd_number("08") is None and cmd_number("0x1F") == 31


# --- %OS%, registry values, systeminfo, variables the script sets ---------------------------------
def test_os_variable_tells_only_nt_from_9x():
    script = """if "%OS%"=="Windows_NT" goto xp
echo Windows 9x
goto end
:xp
echo Windows XP
:end
"""
    r = check(script)
    assert keys(r, "win10-22h2") == (":xp",) and keys(r, "win98") == ("line 2",)
    assert "os-env-version-test" in rules(r, "error")
    ok = check(script.replace("goto xp", "goto nt").replace(":xp\necho Windows XP", ":nt\necho Windows NT family"))
    assert rules(ok, "error") == set() and keys(ok, "win10-22h2") == (":nt",)


def test_frozen_current_version_and_product_name():
    script = """@echo off
for /f "tokens=3" %%a in ('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v CurrentVersion ^| find "REG_"') do set CV=%%a
if "%CV%"=="6.3" goto win81
echo other
goto :eof
:win81
echo Windows 8.1
"""
    r = check(script)
    assert keys(r, "win10-22h2") == (":win81",) and keys(r, "win81") == (":win81",)
    f = next(f for f in r.findings if f.rule == "frozen-registry-value" and f.severity == "error")
    assert 'CurrentVersion, which says "6.3"' in f.proof and f.line == 2
    names = """@echo off
reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ProductName | find "Windows 10" > nul
if not errorlevel 1 goto win10
echo not Windows 10
goto :eof
:win10
echo Windows 10
"""
    r2 = check(names)
    assert keys(r2, "win11-23h2") == (":win10",)
    assert any(f.rule == "frozen-registry-value" and "Windows 11 23H2" in f.evidence["releases"] for f in r2.findings)


def test_systeminfo_labels_are_translated():
    script = """@echo off
systeminfo | findstr /b /c:"OS Name" | find "Windows 11" > nul && goto win11
echo not Windows 11
goto :eof
:win11
echo Windows 11
"""
    r = check(script)
    assert keys(r, "win11-23h2", "en") == (":win11",) and keys(r, "win11-23h2", "de") == ("line 3",)
    f = next(f for f in r.findings if f.rule == "locale-bound-parsing")
    assert "de" in f.evidence["languages"] and "en" not in f.evidence["languages"]


def test_product_name_with_registered_trademark_sign():
    script = """@echo off
systeminfo | find "Windows Server 2008" > nul
if not errorlevel 1 goto srv2008
echo other
goto :eof
:srv2008
echo Server 2008
"""
    r = check(script)
    assert keys(r, "ws2008r2-sp1") == (":srv2008",)
    assert keys(r, "ws2008-sp2") == ("line 4",)  # "Microsoft® Windows Server® 2008 Standard"
    f = next(f for f in r.findings if "Windows Server 2008 SP2" in f.evidence["releases"])
    assert f.rule == "product-name-match" and "Server® 2008" in f.proof


# --- things the evaluator cannot follow ----------------------------------------------------------
def test_external_program_is_not_evaluated_and_pattern_rules_only_warn():
    script = """@echo off
for /f %%v in ('\\\\server\\netlogon\\osver.exe') do set V=%%v
if "%V%"=="6.1" goto win7
echo other
goto :eof
:win7
ver | findstr "6.1" > nul
echo Windows 7
"""
    r = check(script)
    ne = [f for f in r.findings if f.rule == "not-evaluated"]
    assert ne and ne[0].line == 3 and "osver.exe" in ne[0].message
    assert all(f.severity != "error" for f in r.findings)
    # both ways were followed (so lines 6-8 were run, under that assumption): no pattern guesses for them
    assert ":win7" in keys(r, "win7-sp1") and "both ways are followed" in ne[0].message
    assert not any(f.message.startswith("Pattern rule") for f in r.findings)


def test_snippet_output_passes_in_every_language():
    from sbskit.core.osver.snippet import PRESETS, generate

    for key, target in PRESETS.items():
        code = generate(target, "batch").code
        r = check(code)
        assert r.findings == [], (key, [f.message for f in r.findings])
        assert r.matrix.branches and all(r.matrix.cell(rel.id, "en").outcomes for rel in r.matrix.releases)
