"""Round 2 of the script checker (issue 10): branches whose own words name no Windows take their
meaning from the test that leads to them; searches that match only digits of a build; commands a
release does not have; texts written into the script instead of asked from the computer. Scripts
of our own, in the shapes real login scripts use."""

from __future__ import annotations

import datetime

from sbskit.core.osver.lint import lint_text
from sbskit.core.osver.scripteval.intent import accident_in, needle_meaning, order_meaning

TODAY = datetime.date(2026, 11, 28)


def check(script: str, language: str = "batch"):
    return lint_text(script, language=language, today=TODAY)


def keys(result, release: str, lang: str = "en") -> tuple[str, ...]:
    return result.matrix.cell(release, lang).keys


def naming(result, release: str, severity: str | None = None) -> list:
    return [f for f in result.findings if f.rule != "not-evaluated" and release in f.evidence.get("releases", [])
            and (severity is None or f.severity == severity)]


def test_what_a_searched_text_is_for():
    assert needle_meaning("5.1")[1] == frozenset({"xp-rtm", "xp-sp1", "xp-sp2", "xp-sp3"})
    assert "nt4-ws" in needle_meaning("NT")[0] and "w2k-pro" not in needle_meaning("NT")[0]  # only NT 4.0's ver
    assert "win10-22h2" in needle_meaning("Windows_NT")[0]  # %OS% on every NT
    assert needle_meaning("7") is None and needle_meaning("10") is None  # too short to name a version
    assert needle_meaning("7601")[0] >= {"win7-sp1", "ws2008r2-sp1"}
    assert "win81" in order_meaning("ge", "9200")[0] and "win7-sp1" not in order_meaning("ge", "9200")[0]
    assert order_meaning("gt", "0") is None  # "InStr(...) > 0" is no version test
    # every match inside the build / patch number, none of it the whole build: an accident
    def span(line, needle):
        at = line.find(needle)
        return [(at, at + len(needle))]

    w11 = "Microsoft Windows [Version 10.0.22000.194]"
    assert accident_in(w11, span(w11, "2000")) == "22000.194"
    assert accident_in(w11, span(w11, "10.0")) is None  # major.minor itself
    w7 = "Microsoft Windows [Version 6.1.7601]"
    assert accident_in(w7, span(w7, "7601")) is None  # the whole build number


def test_a_branch_that_sets_a_date_format_is_meant_for_what_its_find_looks_for():
    script = """@echo off
set STAMPFMT=todo
ver | find "5.1" > nul
if %errorlevel% == 0 set STAMPFMT=%date:~10,4%%date:~4,2%
ver | find "6.1" > nul
if %errorlevel% == 0 set STAMPFMT=%date:~6,4%%date:~3,2%
echo %STAMPFMT%
"""
    r = check(script)
    assert r.matrix.branches["line 4"].meaning.derived and "xp-sp3" in r.matrix.branches["line 4"].meaning.surely
    f = naming(r, "Windows 11 24H2", "warning")[0]  # (Windows 10 22H2's support has ended by TODAY)
    assert "keep STAMPFMT=todo" in f.message and 'find "6.1"' in f.proof
    assert not naming(r, "Windows XP SP3") and not naming(r, "Windows 7 SP1")


def test_a_label_with_no_windows_in_its_name_is_meant_for_the_finds_that_jump_there():
    script = """@echo off
ver | find "2003" > nul
if %ERRORLEVEL% == 0 goto legacy
ver | find "XP" > nul
if %ERRORLEVEL% == 0 goto legacy
ver | find "2000" > nul
if %ERRORLEVEL% == 0 goto legacy
goto modern
:legacy
netsh firewall set allowedprogram "%ProgramFiles%\\App\\app.exe" App ENABLE
goto :eof
:modern
netsh advfirewall firewall add rule name=App dir=in action=allow program="%ProgramFiles%\\App\\app.exe"
"""
    r = check(script)
    assert keys(r, "win11-21h2") == (":legacy",) and naming(r, "Windows 11 21H2")  # "2000" in 10.0.22000
    # Server 2003's ver names no 2003: it takes :modern, whose netsh advfirewall it does not have
    assert keys(r, "ws2003-sp2") == (":modern",)
    missing = [f for f in naming(r, "Windows Server 2003 SP2") if "advfirewall" in f.message]
    assert missing and "only from Windows Vista" in missing[0].message
    assert not naming(r, "Windows 10 22H2") and not naming(r, "Windows 7 SP1")


def test_find_7_matches_build_digits_by_accident():
    script = """@echo off
ver | find "XP" > nul
if %errorlevel% EQU 0 set HAS_XP=1
ver | find "7" > nul
if %errorlevel% EQU 0 set HAS_XP=0
if %errorlevel% NEQ 0 goto nope
echo supported: XP or 7
goto :eof
:nope
echo this tool does not support your Windows
"""
    r = check(script)
    accident = [f for f in r.findings if f.message.startswith('The search for "7"')]
    assert accident and accident[0].severity == "error"
    names = accident[0].evidence["releases"]
    # each release is named once per line: 1809 may be named by the finding that says where it goes instead
    on_line = [n for f in r.findings if f.line == 4 for n in f.evidence.get("releases", [])]
    assert "Windows 10 1809" in on_line and "Windows Server 2003 SP2" in names and "Windows 10 22H2" not in on_line
    assert "Windows 7 SP1" not in names  # "7" is its own name
    assert "17763" in accident[0].proof or "26100" in accident[0].proof
    # XP sets HAS_XP=1, then the "7" test fails and it is refused
    assert keys(r, "xp-sp3")[-1] == ":nope" and naming(r, "Windows XP SP3")


def test_a_fixed_ver_text_in_the_script_is_the_same_answer_everywhere():
    script = """@echo off
set SAMPLE="Microsoft Windows [Version 6.3.9600]"
for /f "tokens=4-5 delims=[.] " %%a in (%SAMPLE%) do set V=%%a.%%b
if "%V%"=="6.3" goto eight_one
echo not 8.1
goto :eof
:eight_one
echo Windows 8.1 steps
"""
    r = check(script)
    assert keys(r, "win10-22h2") == (":eight_one",) and keys(r, "win7-sp1") == (":eight_one",)
    f = naming(r, "Windows 10 22H2", "error")[0]
    assert "written into the script" in f.proof and "the same on every computer" in f.proof


def test_a_flag_checked_later_is_a_decision_proven_by_the_test_that_set_it():
    script = """@echo off
ver | find "5.1." > nul && set OLDOS=1
if "%OLDOS%"=="1" (
  echo applying Windows XP policies
) else (
  echo applying Windows 7 policies
)
"""
    r = check(script)
    assert keys(r, "win10-22h2") == ("line 6",)
    f = naming(r, "Windows 10 22H2", "error")[0]
    assert "Windows 7 policies" in f.message and 'find "5.1."' in f.proof


def test_goto_after_the_tests_named_for_the_newest_windows_means_it_and_later():
    script = """@echo off
ver | find " 5.0." > nul
if %errorlevel% == 0 goto w2000
ver | find " 5.1." > nul
if %errorlevel% == 0 goto wxp
goto w2003
:w2000
echo 2000 driver
goto :eof
:wxp
echo XP driver
goto :eof
:w2003
echo 2003 driver
"""
    r = check(script)
    assert keys(r, "win10-22h2") == (":w2003",) and not naming(r, "Windows 10 22H2")
    # ...but a fall-through into the next label stays what it is
    fall = check(script.replace("goto w2003\n", ""))
    assert keys(fall, "win10-22h2") == (":w2000",) and naming(fall, "Windows 10 22H2", "error")
