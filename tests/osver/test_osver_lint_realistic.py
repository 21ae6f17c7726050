"""Realistic login scripts written for these tests (modelled on idioms seen in public scripts,
none copied), each with the lines an experienced admin would call a detection bug. The
evaluator must find every bug and raise no error-level finding elsewhere; the old pattern rules
are scored on the same scripts for comparison (see ``score``)."""

from __future__ import annotations

import datetime

import pytest

from sbskit.core.osver.lint import lint_text, pattern_findings

TODAY = datetime.date(2026, 11, 28)

# (name, language, script, lines with a real bug)
SCRIPTS = [
    ("chain-find-years", "batch", r"""@echo off
ver | find "2003" > nul
if %ERRORLEVEL% == 0 goto ver_2003
ver | find "XP" > nul
if %ERRORLEVEL% == 0 goto ver_xp
ver | find "2000" > nul
if %ERRORLEVEL% == 0 goto ver_2000
echo Machine undetermined.
goto done
:ver_2003
echo Windows Server 2003
goto done
:ver_xp
echo Windows XP
goto done
:ver_2000
echo Windows 2000
:done
""", {2, 6}),
    ("anchored-chain", "batch", r"""@echo off
ver | find "Version 6.1." > nul && goto win7
ver | find "Version 6.3." > nul && goto win81
ver | find "Version 10.0." > nul && goto modern
echo other Windows, nothing mapped
goto end
:win7
echo Windows 7 or Server 2008 R2
goto end
:win81
echo Windows 8.1 or Server 2012 R2
goto end
:modern
echo Windows 10, 11 or Server 2016 and later
:end
""", set()),
    ("tokens-ten", "batch", r"""@echo off
for /f "tokens=4-5 delims=. " %%i in ('ver') do set VERSION=%%i.%%j
if "%VERSION%" == "10.0" echo Windows 10
if "%VERSION%" == "6.3" echo Windows 8.1 or Server 2012 R2
if "%VERSION%" == "6.1" echo Windows 7 or Server 2008 R2
""", {3}),
    ("zero-padded", "batch", r"""@echo off
for /f "tokens=3" %%A in ('reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v CurrentBuildNumber ^| find "REG_"') do set BUILD=%%A
for /f "tokens=3" %%T in ('reg query "HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions" /v ProductType ^| find "REG_"') do set PT=%%T
if not defined BUILD goto unknown
set B=00000%BUILD%
set B=%B:~-5%
if /i not "%PT%"=="WinNT" goto unknown
if "%B%" GEQ "22000" goto win11
if "%B%" GEQ "10240" goto win10
goto unknown
:win11
echo Windows 11
goto :eof
:win10
echo Windows 10
goto :eof
:unknown
echo unknown or not a client
""", set()),
    ("frozen-current-version", "batch", r"""@echo off
for /f "tokens=3" %%a in ('reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v CurrentVersion ^| find "REG_"') do set CV=%%a
if "%CV%"=="6.3" goto w81
if "%CV%"=="6.1" goto w7
echo other Windows
goto :eof
:w81
echo Windows 8.1 or Server 2012 R2
goto :eof
:w7
echo Windows 7 or Server 2008 R2
""", {2}),
    ("wmic-cr", "batch", r"""@echo off
for /f "skip=1" %%v in ('wmic os get buildnumber') do set BUILD=%%v
if %BUILD% GEQ 22000 goto w11
echo older than Windows 11
goto :eof
:w11
echo Windows 11
""", {3}),
    ("escaped-findstr", "batch", r"""@echo off
ver | findstr /i "5\.1\." > nul
if %ERRORLEVEL% EQU 0 goto xp
ver | findstr /i "6\.1\." > nul
if %ERRORLEVEL% EQU 0 goto seven
goto other
:xp
echo Windows XP
goto :eof
:seven
echo Windows 7 or Server 2008 R2
goto :eof
:other
echo other Windows
""", set()),
    ("vbs-left-select", "vbscript", r"""Set col = GetObject("winmgmts:\\.\root\cimv2").ExecQuery("SELECT * FROM Win32_OperatingSystem")
For Each os In col
    v = Left(os.Version, 3)
Next
Select Case v
    Case "10."
        WScript.Echo "Windows 10"
    Case "6.3"
        WScript.Echo "Windows 8.1 or Server 2012 R2"
    Case "6.1"
        WScript.Echo "Windows 7 or Server 2008 R2"
    Case Else
        WScript.Echo "Windows XP or older"
End Select
""", {6, (5, 10, 12)}),  # 10. is also 11 and the servers; 6.2 (Windows 8) falls into Case Else
    ("vbs-buildnumber-literal", "vbscript", r"""Set os = GetObject("winmgmts:").ExecQuery("SELECT * FROM Win32_OperatingSystem").ItemIndex(0)
If os.ProductType = 1 And os.BuildNumber >= 22000 Then
    WScript.Echo "Windows 11"
ElseIf os.ProductType = 1 And os.BuildNumber >= 10240 Then
    WScript.Echo "Windows 10"
Else
    WScript.Echo "other Windows"
End If
""", set()),
    ("vbs-productname", "vbscript", r"""Set sh = CreateObject("WScript.Shell")
p = sh.RegRead("HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProductName")
If InStr(p, "Windows 10") > 0 Then
    WScript.Echo "Windows 10"
ElseIf InStr(p, "Windows 7") > 0 Then
    WScript.Echo "Windows 7"
End If
""", {2}),
    ("ps-string-build", "powershell", r"""$os = Get-CimInstance Win32_OperatingSystem
if ($os.ProductType -ne 1) { return }
if ($os.BuildNumber -ge 22000) {
    Write-Host "Windows 11"
} else {
    Write-Host "Windows 10 or older"
}
""", {3}),
    ("ps-version-objects", "powershell", r"""$os = Get-CimInstance Win32_OperatingSystem
$v = [version]$os.Version
if ($os.ProductType -eq 1 -and $v -ge [version]'10.0.22000') {
    Write-Output 'Windows 11'
} elseif ($os.ProductType -eq 1 -and $v -ge [version]'10.0.10240') {
    Write-Output 'Windows 10'
} else {
    Write-Output 'other Windows'
}
""", set()),
("fall-through-vista", "batch", r"""@echo off
ver | find "XP" > nul
if not errorlevel 1 goto xp
ver | find "6.1." > nul
if not errorlevel 1 goto seven
:vista
net use S: \\sbs\shared
goto end
:xp
net use S: \\sbs\shared /persistent:no
goto end
:seven
net use S: \\sbs\shared /persistent:yes
:end
""", {5}),
    ("brackets-then-dots", "batch", r"""@echo off
for /f "tokens=2 delims=[]" %%G in ('ver') do set _version=%%G
for /f "tokens=2,3 delims=. " %%G in ("%_version%") do set _major=%%G& set _minor=%%H
if "%_major%"=="5" goto sub5
if "%_major%"=="6" goto sub6
echo unsupported version
goto :eof
:sub5
if "%_minor%"=="2" goto sub_2003
echo XP
goto :eof
:sub_2003
echo Windows 2003 or XP 64 bit
goto :eof
:sub6
echo Vista or later
""", {(3, 4, 5), (3, 8, 9)}),  # Windows 10's major is "10": unsupported; Windows 2000 (5.00) is called XP
    ("network-guards", "batch", r"""@echo off
for /f "tokens=3" %%A in ('reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v CurrentBuildNumber ^| find "REG_"') do set BUILD=%%A
if not defined BUILD goto :eof
if exist \\filesrv\apps\nul (
  net use P: \\filesrv\apps /persistent:no
)
if %BUILD% GEQ 10240 (
  echo Windows 10 or later, or Server 2016 and later
) else (
  echo older than Windows 10
)
""", set()),
    ("ps-major-ten", "powershell", r"""$v = [System.Environment]::OSVersion.Version
if ($v.Major -eq 10) {
    Write-Host "Windows 10"
} elseif ($v.Major -eq 6 -and $v.Minor -eq 1) {
    Write-Host "Windows 7 or Server 2008 R2"
}
""", {2}),
    ("ps-releaseid", "powershell", r"""$cv = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
if ([int]$cv.CurrentBuildNumber -ge 22000) {
    Write-Host "Windows 11"
} elseif ([int]$cv.ReleaseId -ge 2104) {
    Write-Host "Windows 10 21H1 or later"
}
""", {4}),
    ("vbs-cdbl", "vbscript", r"""Set os = GetObject("winmgmts:").ExecQuery("SELECT * FROM Win32_OperatingSystem").ItemIndex(0)
v = CDbl(Left(os.Version, 3))
If v >= 6.1 And v < 6.2 Then
    WScript.Echo "Windows 7 or Server 2008 R2"
End If
""", {2}),
]


def score(findings, bugs: set) -> tuple[int, int]:
    """(bugs found, error-level findings on lines without a bug). A bug is a line, or a tuple of
    the lines an admin could point at (a missing Case: the Select, the last Case, the Case Else)."""
    flagged = {f.line for f in findings if f.severity in ("error", "warning")}
    groups = [set(b) if isinstance(b, tuple) else {b} for b in bugs]
    found = sum(1 for g in groups if g & flagged)
    ok_lines = set().union(*groups) if groups else set()
    false_alarms = len({f.line for f in findings if f.severity == "error" and f.line not in ok_lines})
    return found, false_alarms


@pytest.mark.parametrize("name,language,script,bugs", SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_every_bug_found_and_no_false_error(name, language, script, bugs):
    findings = lint_text(script, language=language, today=TODAY).findings
    found, false_alarms = score(findings, bugs)
    assert found == len(bugs), [(f.line, f.rule, f.message) for f in findings]
    assert false_alarms == 0, [(f.line, f.rule, f.message) for f in findings if f.severity == "error"]
    assert all(f.proof for f in findings if f.severity == "error")


def test_better_than_the_pattern_rules_on_the_same_scripts(capsys):
    total = sum(len(b) for *_x, b in SCRIPTS)
    new_found = new_false = old_found = old_false = 0
    for _name, language, script, bugs in SCRIPTS:
        f, a = score(lint_text(script, language=language, today=TODAY).findings, bugs)
        new_found, new_false = new_found + f, new_false + a
        f, a = score(pattern_findings(script.replace("\r\n", "\n").split("\n"), language), bugs)
        old_found, old_false = old_found + f, old_false + a
    with capsys.disabled():
        print(f"\nrealistic scripts: {total} bugs; evaluator found {new_found}, false errors {new_false}; "
              f"pattern rules found {old_found}, false errors {old_false}")
    assert new_found == total and new_false == 0
    assert old_false > new_false
