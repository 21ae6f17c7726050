"""Round 3 of the script checker (issue 10), batch: cmd's ERRORLEVEL survives rem/echo/set in a
.bat file; variables a script reads before it sets them come from whoever starts it; a search
that reads the version from its start ("10.0.1") is no accident of the digits; registry paths name
no Windows. Scripts of our own, in the shapes found in a second sample of real login scripts."""

from __future__ import annotations

import datetime

from sbskit.core.osver.lint import lint_text
from sbskit.core.osver.scripteval.batch_exec import caller_inputs
from sbskit.core.osver.scripteval.intent import accident_in
from sbskit.core.osver.scripteval.meaning import meaning_of

TODAY = datetime.date(2026, 11, 28)


def check(script: str, filename: str | None = None):
    return lint_text(script, filename=filename, language="batch", today=TODAY)


def keys(result, release: str, lang: str = "en") -> tuple[str, ...]:
    return result.matrix.cell(release, lang).keys


def naming(result, release: str) -> list:
    return [f for f in result.findings if f.rule != "not-evaluated" and release in f.evidence.get("releases", [])]


# A comment between the search and the test of its answer: REM does not touch ERRORLEVEL.
REM_BETWEEN = """@echo off
ver | find "Version 5.1"
rem  the answer of find is in errorlevel now
if "%errorlevel%" == "0" goto oldxp
ver | find "Version 6"
echo checking the next one
if "%errorlevel%" == "0" goto vistaera
goto done
:oldxp
echo installing the XP package
goto done
:vistaera
echo installing the Vista / Server 2008 package
goto done
:done
echo finished
"""


def test_rem_and_echo_keep_the_errorlevel_of_the_search():
    r = check(REM_BETWEEN)
    assert ":oldxp" in keys(r, "xp-sp3") and ":vistaera" not in keys(r, "xp-sp3")
    assert ":vistaera" in keys(r, "vista-sp2")
    assert ":vistaera" not in keys(r, "win10-22h2") and ":oldxp" not in keys(r, "win10-22h2")
    # "Version 6" also finds 6.1 to 6.3: Windows 7 and 8.1 take the Vista package, with a proof
    assert ":vistaera" in keys(r, "win81")
    wrong = [f for f in naming(r, "Windows 8.1") if "Version 6" in f.proof]
    assert wrong and "6.3.9600" in wrong[0].proof


# `if errorlevel 0` is always true; the second test overrides the first. In a .bat file SET leaves
# ERRORLEVEL alone, so `if errorlevel 1 set os=OLD` still sees find's answer.
ALWAYS_TRUE = """@echo off
ver | find "Version 6.1" >nul
if errorlevel 0 set mode=NEW
if errorlevel 1 set mode=OLD
if %mode%==OLD echo old choice syntax
if %mode%==NEW echo new choice syntax
"""


def test_set_keeps_errorlevel_in_a_bat_file_and_clears_it_in_a_cmd_file():
    bat = check(ALWAYS_TRUE, "setup.bat")
    # Windows 11 does not find "Version 6.1": errorlevel 1 survives `set mode=NEW`, so mode ends OLD
    assert "line 4" in keys(bat, "win11-24h2") and "line 5" in keys(bat, "win11-24h2")
    assert "line 6" not in keys(bat, "win11-24h2")
    assert "line 6" in keys(bat, "win7-sp1") and "line 4" not in keys(bat, "win7-sp1")
    cmd = check(ALWAYS_TRUE, "setup.cmd")
    # in a .cmd file `set mode=NEW` clears errorlevel to 0: nobody reaches `set mode=OLD`
    assert "line 4" not in keys(cmd, "win11-24h2") and "line 6" in keys(cmd, "win11-24h2")


# A phase variable the script sets only further down, read at the top: the script is started again
# by itself (or by a parent) with it set. Its value is unknown, not "empty, so a syntax error".
REENTERED = """:restart
@echo off
if %Stage%==Two goto secondpass
set Result=Unsupported
ver | find "6.1" > nul && set Result=Win7
ver | find "10.0." > nul && set Result=Win10
echo %Result% > result.txt
set Stage=Two
start "" "%~f0"
exit
:secondpass
echo second pass
"""


def test_a_variable_read_before_the_script_sets_it_is_its_callers_input():
    assert caller_inputs(REENTERED) == frozenset({"stage"})
    r = check(REENTERED)
    assert not [f for f in r.findings if f.rule == "script-stops" or f.severity == "error"]
    notes = [f for f in r.findings if f.rule == "not-evaluated"]
    assert notes and "whoever starts it" in notes[0].message
    # the OS test itself is still run: Windows 7 sets Win7 on the first pass
    assert any("set Result=Win7" in k or k == "line 5" for k in keys(r, "win7-sp1"))
    # a variable set above its first read, or a standard one, is no input
    assert caller_inputs("set A=1\necho %A% %OS% %USERNAME% %PROCESSOR_ARCHITEW6432%\n") == frozenset()
    # names computed at run time could set anything: then nothing is assumed to be an input
    assert caller_inputs("set %1=x\necho %B%\n") == frozenset()
    # a variable the script never sets is more likely a typo than an input: it stays empty
    assert caller_inputs("set OSNAME=x\nif %OSNAEM%==x echo y\n") == frozenset()
    typo = check("@echo off\nver | find \"6.1\" > nul && set OSNAME=seven\nif %OSNAEM%==seven echo Windows 7\n")
    assert [f for f in typo.findings if f.rule == "script-stops" and f.severity == "error"]


def test_an_unset_variable_the_script_sets_earlier_is_still_empty():
    script = """@echo off
ver | find "Version 6.1" > nul
if %errorlevel%==0 set osname=seven
if %osname%==seven echo Windows 7 branch
"""
    r = check(script)
    # Windows 10 leaves osname empty: `if ==seven` is a syntax error there, and that stays a finding
    stops = [f for f in r.findings if f.rule == "script-stops"]
    assert stops and "Windows 10 22H2" in stops[0].evidence["releases"]


def test_a_search_reading_the_version_from_its_start_is_no_accident():
    line = "Microsoft Windows [Version 10.0.19044.1288]"
    at = line.find("10.0.1")
    assert accident_in(line, [(at, at + len("10.0.1"))]) is None
    at = line.find("4.1")  # "4.1" only inside 19044.1288: an accident
    assert accident_in(line, [(at, at + 3)]) == "19044.1288"
    script = """@echo off
set Kind=Unsupported
ver | find "6.1" > NUL && set Kind=Windows7
ver | find "10.0.1" > NUL && set Kind=Windows10
ver | find "10.0.2" > NUL && set Kind=Windows11
echo %Kind%
"""
    r = check(script)
    assert not [f for f in r.findings if f.rule == "substring-build-match" and "only inside the build" in f.message]
    assert "line 5" in keys(r, "win11-24h2") and "line 4" in keys(r, "win10-22h2")


def test_registry_paths_in_a_branch_name_no_windows():
    assert meaning_of(r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\SystemRestore") is None
    assert meaning_of(r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion") is None
    assert meaning_of(r"copy C:\Windows XP\setup.exe") is None
    assert meaning_of("echo Windows 7 found") is not None


def test_a_proof_names_each_outside_answer_once():
    script = """@echo off
set /p answer=Continue? (Y/N)
if /i "%answer%"=="Y" goto go
if /i "%answer%"=="N" goto go
:go
ver | find "10.0" > nul
if %errorlevel% equ 0 (
  echo Windows 10
  goto :eof
)
echo Windows 11
"""
    r = check(script)
    wrong = naming(r, "Windows 11 24H2")
    assert wrong
    proof = wrong[0].proof
    assert proof.count('`if /i "%answer%" == "Y"`') <= 1
    assert proof.count("assuming") + proof.count("whatever") <= 3


# Two labels that run the same commands (only their echo texts differ): landing in the "wrong" one
# changes a name, not what happens. Still reported, as a warning that says so.
SAME_BODY = """@echo off
ver | find "6.1" > nul
if %ERRORLEVEL% == 0 goto build_2008r2
ver | find "6.3" > nul
if %ERRORLEVEL% == 0 goto build_2012
ver | find "10.0" > nul
if %ERRORLEVEL% == 0 goto build_2016
goto common
:build_2008r2
echo preparing Server 2008 R2 core
dism /online /enable-feature /featurename:NetFx2-ServerCore
goto common
:build_2012
echo preparing Windows Server 2012 R2
goto prepare
:build_2016
echo preparing Windows Server 2016
goto prepare
:prepare
dism /online /enable-feature /featurename:NetFx3
:common
echo done
"""


def test_a_wrong_label_with_the_same_commands_is_a_warning_that_says_so():
    r = check(SAME_BODY)
    newer = [f for f in naming(r, "Windows Server 2022") if ":build_2016" in f.message]
    assert newer and newer[0].severity == "warning" and "same commands as :build_2012" in newer[0].message
    # once the 2016 label runs a command of its own, landing there is a real difference: an error again
    script = SAME_BODY.replace(":build_2016\n", ":build_2016\ndism /online /enable-feature /featurename:Containers\n")
    r = check(script)
    differ = [f for f in naming(r, "Windows Server 2022") if ":build_2016" in f.message]
    assert differ and differ[0].severity == "error" and "same commands" not in differ[0].message


# A menu that loops back to itself on what the user types: followed once, not until the limit.
MENU_LOOP = """@echo off
for /f "tokens=3" %%v in ('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v CurrentVersion ^| findstr /i "CurrentVersion"') do set NT=%%v
set major=%NT:~0,1%
if %major% lss 6 echo This tool needs Windows Vista or later.
:menu
echo 1. start   0. quit
set /p pick=">"
if "%pick%"=="1" start notepad
if "%pick%"=="0" goto :eof
pause
goto menu
"""


def test_a_menu_loop_on_user_input_is_followed_once():
    r = check(MENU_LOOP)
    assert not [f for f in r.findings if "too many" in f.message]
    assert "line 4" in keys(r, "xp-sp3") and "line 4" not in keys(r, "win11-24h2")  # CurrentVersion 6.3 on 11


def test_a_script_run_on_its_own_keeps_its_proofs_when_a_caller_could_set_a_variable():
    # the sub-script fills its variables itself unless a parent script passed them: run on its own
    # (as a logon script is), the gate on the registry's ProductName lets Windows 11 through
    script = """@echo off
if /i "%PARENT_LOG%"=="" (
    set PARENT_LOG=%SystemDrive%\\Logs
    for /f "tokens=3*" %%i IN ('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ProductName ^| Find "ProductName"') DO set OSNAME=%%i %%j
)
if /i not "%OSNAME:~0,10%"=="Windows 10" (
    echo This tool is only for Windows 10.
    goto :eof
)
echo Windows 10 found, continuing
"""
    r = check(script)
    eleven = naming(r, "Windows 11 24H2")
    assert eleven and eleven[0].severity == "error" and "ProductName" in eleven[0].proof
    assert not [f for f in r.findings if f.rule == "not-evaluated"]
