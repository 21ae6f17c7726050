"""Round 2 of the script checker (issue 10): shapes an independent trial met in real batch login
scripts, rewritten here in scripts of our own. Each test names the real-world trap, asserts where
named releases end up, and that the finding (or the absence of one) is right."""

from __future__ import annotations

import datetime

from sbskit.core.osver.lint import lint_text

TODAY = datetime.date(2026, 11, 28)


def check(script: str):
    return lint_text(script, language="batch", today=TODAY)


def keys(result, release: str, lang: str = "en") -> tuple[str, ...]:
    return result.matrix.cell(release, lang).keys


def naming(result, release: str, severity: str | None = None) -> list:
    """The findings (not 'not evaluated' notes) that name a release."""
    return [f for f in result.findings if f.rule != "not-evaluated" and release in f.evidence.get("releases", [])
            and (severity is None or f.severity == severity)]


def exit_code(result) -> int:
    """As sbskit-cli lint-script decides it."""
    if any(f.severity in ("error", "warning") and f.rule != "not-evaluated" for f in result.findings):
        return 1
    return 3 if any(f.rule == "not-evaluated" for f in result.findings) else 0


# --- ver prints no patch level before Windows 10 1709 ---------------------------------------
def test_windows_10_before_1709_has_no_patch_level_in_ver():
    script = """@echo off
ver | find "6.1" > nul
if %errorlevel% == 0 goto seven
ver | find "10.0" > nul
if %errorlevel% == 0 goto ten
goto elsewhere
:seven
echo Windows 7 settings
goto :eof
:ten
echo Windows 10 settings
goto :eof
:elsewhere
echo something else
"""
    r = check(script)
    # 1511's ver is "[Version 10.0.10586]": nothing after the build for "6.1" to hide in
    assert keys(r, "win10-1511") == (":ten",) and keys(r, "win10-1607") == (":ten",)
    assert not naming(r, "Windows 10 1511")
    # from 1709 on ver shows the patch level (16299.125 has no "6.1" either)
    assert keys(r, "win10-1709") == (":ten",)


# --- the value in effect counts, not every intermediate set ---------------------------------------
def test_a_name_overwritten_by_a_later_test_is_not_reported():
    script = """@echo off
ver | find "5.2" > nul && set WINNAME=Server 2003
ver | find "10.0" > nul && set WINNAME=Windows 10
echo Detected: %WINNAME%
"""
    r = check(script)
    # 10.0.19045.2006 contains "5.2" (in "19045.2006"), but line 3 replaces the name right after
    assert keys(r, "win10-22h2") == ("line 3",)
    assert not [f for f in naming(r, "Windows 10 22H2") if f.line == 2]
    # XP x64 prints "[Version 5.2.3790]": it is a client and keeps the server's name
    assert keys(r, "xp-x64") == ("line 2",)


# --- script arguments are unknown, not empty --------------------------------------------------------
def test_installer_usage_test_on_arguments_does_not_hide_the_os_test():
    script = """@echo off
if "%~1"=="" goto help
ver | find "2000" > nul
if not errorlevel 1 goto old_w2k
echo modern Windows
goto :eof
:old_w2k
echo Windows 2000 settings
goto :eof
:help
echo Usage: install.cmd TARGETDIR
"""
    r = check(script)
    # both ways of the argument test are followed; the usage path says nothing about Windows
    assert ":old_w2k" in keys(r, "win11-21h2") and ":help" in keys(r, "win11-21h2")
    bad = naming(r, "Windows 11 21H2", "error")
    assert bad and bad[0].line == 3 and 'find "2000"' in bad[0].proof and "10.0.22000" in bad[0].proof
    assert not any("no test in the script sends it anywhere" in f.proof for f in r.findings)
    note = next(f for f in r.findings if f.rule == "not-evaluated")
    assert note.line == 2 and "command-line arguments" in note.message and "both ways" in note.message


def test_percent3_dot_test_and_a_command_line_are_both_followed():
    script = """@echo off
IF %3.==. (GOTO manual) ELSE (GOTO detect)
:manual
echo Please run this from the deployment console.
exit
:detect
for /f "tokens=4-5 delims=. " %%i in ('ver') do set V=%%i.%%j
if "%V%"=="6.1" echo Windows 7 packages
"""
    r = check(script)
    assert "line 8" in keys(r, "win7-sp1")
    assert not [f for f in r.findings if f.severity == "error"]


# --- refusal texts name the Windows the tool wants ----------------------------------------------
def test_a_refusal_message_is_meant_for_every_other_windows():
    script = """@echo off
for /f "tokens=3*" %%a in ('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ProductName ^| find "ProductName"') do set PN=%%a %%b
if not "%PN:~0,10%"=="Windows 10" (
  echo Sorry, this cleanup tool requires Windows 10.
  goto :eof
)
echo cleaning up Windows 10 leftovers
"""
    r = check(script)
    assert keys(r, "win81") == ("line 4",) and keys(r, "ws2019") == ("line 4",)
    assert not naming(r, "Windows 8.1") and not naming(r, "Windows Server 2019")  # refused, as meant
    # Windows 11's ProductName still says "Windows 10": it is let through, and that is the bug
    assert keys(r, "win11-23h2") == ("line 7",)
    bad = naming(r, "Windows 11 23H2", "error")
    assert bad and bad[0].rule == "frozen-registry-value"


# --- stacked labels share one body ----------------------------------------------------------
def test_stacked_labels_are_one_branch_for_all_their_names():
    script = """@echo off
ver | find "10.0." > nul
if %errorlevel% == 0 goto utf8
:legacy_xp
:legacy_vista
:legacy_seven
echo Not Windows 10: keep the OEM code page
goto :eof
:utf8
chcp 65001 > nul
"""
    r = check(script)
    assert keys(r, "w2k-pro") == (":legacy_xp",) and keys(r, "win81") == (":legacy_xp",)
    assert not naming(r, "Windows 2000 Professional") and not naming(r, "Windows 8.1")


# --- lines cmd can read only when it gets there ---------------------------------------------
def test_for_f_options_in_a_variable_are_read_when_the_line_runs():
    script = """@echo off
set SPLIT="tokens=2 delims=-"
for /f %SPLIT% %%a in ("build-2024") do set YEAR=%%a
ver | find "2000" > nul
if %errorlevel% == 0 goto nt5
echo newer
goto :eof
:nt5
echo Windows 2000 branch
"""
    r = check(script)
    assert keys(r, "win11-21h2") == (":nt5",) and keys(r, "win10-22h2") == ("line 6",)
    assert naming(r, "Windows 11 21H2", "error")


def test_bash_lines_of_a_polyglot_are_skipped_until_cmd_reaches_one():
    polyglot = """:; echo "running under a POSIX shell"; exec ./setup.sh
@echo off
goto cmd_part
if [[ -n "$HOME" ]]; then
  for x in a b ; do echo $x ; done
fi
:cmd_part
ver | find "2000" > nul && goto w2k
echo not 2000
goto :eof
:w2k
echo Windows 2000 only
"""
    r = check(polyglot)
    assert keys(r, "win11-21h2") == (":w2k",) and naming(r, "Windows 11 21H2", "error")
    assert not [f for f in r.findings if f.rule == "not-evaluated"]
    # a line it cannot read that cmd does reach: not evaluated from there, exit 3, never a clean 0
    reached = check(polyglot.replace("goto cmd_part\n", ""))
    note = next(f for f in reached.findings if f.rule == "not-evaluated")
    assert note.line == 3 and "cannot read" in note.message
    assert exit_code(check("@echo off\nif [[ -n $X ]]; then\n")) == 3


# --- missing labels, kept defaults, flags named after a Windows --------------------------------
def test_goto_a_label_that_does_not_exist_is_reported():
    script = """@echo off
for /f "tokens=2 delims=:" %%i in ('systeminfo ^| find "OS Name"') do set OSN=%%i
echo %OSN% | find "Server 2008" > nul
if %errorlevel% == 0 goto srv08
echo not a 2008 server
"""
    r = check(script)
    f = naming(r, "Windows Server 2008 R2 SP1")
    assert f and f[0].rule == "script-stops" and "srv08" in f[0].message
    assert r.matrix.cell("ws2008r2-sp1", "en").status == "error"


def test_a_default_set_before_the_tests_is_the_branch_of_everyone_else():
    script = """@echo off
set PROFILE=winxp
wmic os get version | find "6.1" > nul
if %errorlevel% == 0 set PROFILE=win7
echo applying the %PROFILE% profile
"""
    r = check(script)
    assert keys(r, "win10-22h2") == ("line 2",) and keys(r, "win7-sp1") == ("line 4",)
    f = naming(r, "Windows 10 22H2", "error")[0]
    assert "set PROFILE=winxp" in f.message and 'find "6.1"' in f.proof
    assert not naming(r, "Windows XP SP3")


def test_an_unknown_default_kept_is_no_branch():
    script = """@echo off
set DATEFMT=unknown
ver | find "5.1" > nul
if %errorlevel% == 0 set DATEFMT=xp-style
ver | find "6.1" > nul
if %errorlevel% == 0 set DATEFMT=seven-style
echo %DATEFMT%
"""
    r = check(script)
    f = naming(r, "Windows 11 24H2", "warning")[0]
    assert "keep DATEFMT=unknown" in f.message and "no test in the script" not in f.proof


def test_a_flag_named_after_windows_10_set_on_windows_11():
    script = """@echo off
set IS_WIN10=no
for /f "tokens=3*" %%i in ('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ProductName ^| find "ProductName"') do set PN=%%i %%j
if "%PN:~0,10%"=="Windows 10" set IS_WIN10=yes
"""
    r = check(script)
    assert keys(r, "win11-24h2") == ("line 4",)
    f = naming(r, "Windows 11 24H2", "error")[0]
    assert f.rule == "frozen-registry-value" and "IS_WIN10=yes" in f.message


# --- client/server findings only where the script tells them apart ---------------------------------
def test_servers_in_client_branches_are_no_finding_without_a_family_test():
    script = """@echo off
ver | find "6.1." > nul && set LABEL=Windows 7
ver | find "6.2." > nul && set LABEL=Windows 8
ver | find "6.3." > nul && set LABEL=Windows 8.1
echo %LABEL%
"""
    r = check(script)
    assert keys(r, "ws2012") == ("line 3",)
    assert not naming(r, "Windows Server 2012") and not naming(r, "Windows Server 2008 R2")
    told = check(script.replace('echo %LABEL%', 'for /f "tokens=3" %%t in (\'reg query '
                                '"HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions" /v ProductType ^| '
                                'find "REG_"\') do if not "%%t"=="WinNT" echo this is a server'))
    assert naming(told, "Windows Server 2012", "error")


def test_xp_x64_in_the_2003_branch_when_the_script_has_an_xp_branch():
    script = """@echo off
ver | find "5.1." > nul && set OSN=Windows XP
ver | find "5.2." > nul && set OSN=Windows Server 2003
echo %OSN%
"""
    r = check(script)
    # XP Professional x64 Edition is 5.2.3790 like Server 2003; the script has an XP branch for it
    f = naming(r, "Windows XP Professional x64 Edition", "error")
    assert f and "Server 2003" in f[0].message
