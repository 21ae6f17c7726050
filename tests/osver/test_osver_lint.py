"""Login-script checker: every rule fires on a bad script, stays quiet on the fixed one, and proves itself."""

from __future__ import annotations

import datetime

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.lint import RULES, detect_language, lint_file, lint_text

TODAY = datetime.date(2026, 11, 28)

GUARD_BAT = 'for /f "tokens=3" %%A in (\'reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions" /v ProductType ^| find "REG_"\') do set "OSTYPE=%%A"\n'
BUILD_BAT = 'for /f "tokens=3" %%B in (\'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v CurrentBuildNumber ^| find "REG_"\') do set "BUILD=%%B"\n'
GUARD_PS = "$pt = (Get-CimInstance Win32_OperatingSystem).ProductType\n"
GUARD_VBS = "pt = objOS.ProductType\n"

# Batch is run on every release (scripteval): its bad scripts send a named release to a branch
# meant for another Windows, and the rule id says why. WQL, VBScript and PowerShell rows below.
OTHER = "echo other Windows\ngoto :eof\n"
XP_BRANCH = ":xp\necho Windows XP\n"


def branch(test: str, label: str, text: str) -> str:
    return f"@echo off\n{test}\n{OTHER}:{label}\necho {text}\n"


BATCH_CASES = [
    ("substring-build-match", branch('ver | find "2000" > nul && goto w2k', "w2k", "Windows 2000"),
     branch('ver | find "Windows 2000" > nul && goto w2k', "w2k", "Windows 2000")),
    ("regex-unescaped-dot", branch('ver | findstr "6.0" > nul && goto vista', "vista", "Vista or Server 2008"),
     branch('ver | findstr "6\\.0\\." > nul && goto vista', "vista", "Vista or Server 2008")),
    ("product-name-match", branch('systeminfo | find "Windows Server 2008" > nul && goto s2008', "s2008", "Server 2008"),
     branch('systeminfo | find "Server" | find "2008" > nul && goto s2008', "s2008", "Server 2008")),
    ("goto-fallthrough", '@echo off\nver | find "XP" > nul\nif not errorlevel 1 goto xp\n:vista\necho Vista\ngoto end\n'
     ':xp\necho XP\n:end\n',
     '@echo off\nver | find "XP" > nul\nif not errorlevel 1 goto xp\ngoto end\n:vista\necho Vista\ngoto end\n'
     ':xp\necho XP\n:end\n'),
    ("missing-default-branch", "@echo off\n" + BUILD_BAT + "if %BUILD% LSS 9600 goto end\nif %BUILD% LSS 10240 goto w81\n"
     "goto end\n:w81\necho Windows 8.1\n:end\n",
     "@echo off\n" + BUILD_BAT + "if %BUILD% LSS 9600 goto other\nif %BUILD% LSS 10240 goto w81\n"
     "goto other\n:w81\necho Windows 8.1\ngoto :eof\n:other\necho unknown Windows\n"),
    ("errorlevel-order", branch('ver | find "XP" > nul\nif errorlevel 0 goto xp', "xp", "Windows XP"),
     branch('ver | find "XP" > nul\nif not errorlevel 1 goto xp', "xp", "Windows XP")),
    ("ver-token-position", branch("for /f \"tokens=4 delims=] \" %%a in ('ver') do set V=%%a\n"
                                  'if "%V:~0,4%"=="5.1." goto xp', "xp", "Windows XP"),
     branch("for /f \"tokens=2 delims=[]\" %%a in ('ver') do set V=%%a\n"
            'for /f "tokens=2" %%b in ("%V%") do set N=%%b\nif "%N:~0,4%"=="5.1." goto xp32', "xp32", "Windows XP x86")),
    ("version-string-compare", branch(BUILD_BAT + 'if "%BUILD%" GEQ "9600" goto w81', "w81", "Windows 8.1 or later"),
     branch(BUILD_BAT + 'if %BUILD% GEQ 9600 goto w81', "w81", "Windows 8.1 or later")),
    ("os-env-version-test", branch('if "%OS%"=="Windows_NT" goto xp', "xp", "Windows XP"),
     branch('if "%OS%"=="Windows_NT" goto nt', "nt", "Windows NT family")),
    ("frozen-registry-value", branch("for /f \"tokens=3\" %%a in ('reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT"
                                     "\\CurrentVersion\" /v CurrentVersion ^| find \"REG_\"') do set CV=%%a\n"
                                     'if "%CV%"=="6.3" goto w81', "w81", "Windows 8.1"),
     branch(BUILD_BAT + 'if "%BUILD%"=="9600" goto w81', "w81", "Windows 8.1 or Server 2012 R2")),
    ("wmic-deprecated", branch("for /f \"tokens=2 delims==\" %%a in ('wmic os get version /value') do set V=%%a\n"
                               'if "%V:~0,3%"=="10." goto w10\nif not "%V%"=="" goto old', "w10",
                               "Windows 10 or later\ngoto :eof\n:old\necho older than Windows 10"),
     branch(BUILD_BAT + 'if %BUILD% GEQ 10240 goto w10', "w10", "Windows 10 or later")),
    ("major-equals-10", branch("for /f \"tokens=4-5 delims=. \" %%i in ('ver') do set V=%%i.%%j\n"
                               'if "%V%"=="10.0" goto w10', "w10", "Windows 10"),
     branch("for /f \"tokens=4-5 delims=. \" %%i in ('ver') do set V=%%i.%%j\n"
            'if "%V%"=="10.0" goto w10', "w10", "Windows 10, 11 or Server 2016 and later")),
    ("no-family-guard", branch(BUILD_BAT + "if %BUILD% GEQ 22000 goto w11\nif %BUILD% GEQ 14393 goto s2016", "w11",
                               "Windows 11\ngoto :eof\n:s2016\necho Server 2016 or later"),
     branch(BUILD_BAT + GUARD_BAT + 'if not defined OSTYPE goto :eof\nif /i not "%OSTYPE%"=="WinNT" goto srv\n'
            'if %BUILD% GEQ 22000 goto w11', "w11",
            "Windows 11\ngoto :eof\n:srv\necho a server")),
    ("locale-bound-parsing", branch('ver | find "Version 6.1" > nul && goto w7', "w7", "Windows 7 or 2008 R2"),
     branch(BUILD_BAT + 'if "%BUILD:~0,2%"=="76" goto w7', "w7", "Windows 7 or 2008 R2")),
    ("wrong-branch", branch(BUILD_BAT + "if %BUILD% GEQ 9200 goto w8", "w8", "Windows 8"),
     branch(BUILD_BAT + "if %BUILD% GEQ 9200 if %BUILD% LSS 9600 goto w8", "w8", "Windows 8 or Server 2012")),
    ("script-stops", branch("for /f \"skip=1\" %%v in ('wmic os get buildnumber') do set B=%%v\nif %B% GEQ 22000 goto w11",
                            "w11", "Windows 11"),
     branch("for /f \"skip=1\" %%v in ('wmic os get buildnumber') do if not defined B set B=%%v\n"
            'if "%B%"=="" goto :eof\nif %B% GEQ 22000 goto w11', "w11", "Windows 11")),
    ("not-evaluated", branch("for /f %%v in ('\\\\srv\\netlogon\\osver.exe') do set V=%%v\nif \"%V%\"==\"7\" goto w7",
                             "w7", "Windows 7"),
     branch(BUILD_BAT + 'if "%BUILD:~0,2%"=="76" goto w7', "w7", "Windows 7 or 2008 R2")),
]

VBS_OS = ('Set objOS = GetObject("winmgmts:").ExecQuery("SELECT * FROM Win32_OperatingSystem").ItemIndex(0)\n')
VBS_SH = 'Set sh = CreateObject("WScript.Shell")\n'
VBS_BUILD = VBS_SH + 'b = CLng(sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentBuildNumber"))\n'


VBS_S2022 = 'If objOS.ProductType = 2 Then WScript.Echo "a domain controller"\n'


def vbs_if(cond: str, text: str, pre: str = VBS_OS) -> str:
    return f'{pre}If {cond} Then\n    WScript.Echo "{text}"\nElse\n    WScript.Echo "other Windows"\nEnd If\n'


VBS_CASES = [
    ("substring-build-match", vbs_if('InStr(objOS.Version, "2000") > 0', "Windows 2000"),
     vbs_if('Left(objOS.Version, 4) = "5.0."', "Windows 2000")),
    ("product-name-match", vbs_if('InStr(objOS.Caption, "Windows Server 2008") > 0', "Server 2008"),
     vbs_if('objOS.ProductType <> 1 And Left(objOS.Version, 4) = "6.0."', "Server 2008")),
    ("version-string-compare", vbs_if('objOS.Version >= "6.1"', "Windows 7 or later"),
     vbs_if("CLng(objOS.BuildNumber) >= 7600", "Windows 7 or later")),
    ("frozen-registry-value", vbs_if('sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentVersion")'
                                     ' = "6.3"', "Windows 8.1", VBS_SH),
     vbs_if("b = 9600", "Windows 8.1 or Server 2012 R2", VBS_BUILD)),
    ("major-equals-10", vbs_if('Left(objOS.Version, 2) = "10"', "Windows 10"),
     vbs_if('Left(objOS.Version, 2) = "10"', "Windows 10, 11 or Server 2016 and later")),
    ("locale-bound-parsing", vbs_if('CDbl(Left(objOS.Version, 3)) = 6.1', "Windows 7 or 2008 R2"),
     vbs_if('Left(objOS.Version, 4) = "6.1."', "Windows 7 or 2008 R2")),
    # a family finding needs a script that tells the families apart elsewhere (here: a ProductType test)
    ("no-family-guard", vbs_if("CLng(objOS.BuildNumber) >= 22000", "Windows 11", pre=VBS_OS + VBS_S2022),
     vbs_if("objOS.ProductType = 1 And CLng(objOS.BuildNumber) >= 22000", "Windows 11", pre=VBS_OS + VBS_S2022)),
]


PS_CIM = "$os = Get-CimInstance Win32_OperatingSystem\n"
PS_REG = "$cv = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'\n"


def ps_if(cond: str, text: str, pre: str = PS_CIM) -> str:
    return f"{pre}if ({cond}) {{\n    Write-Host '{text}'\n}} else {{\n    Write-Host 'other Windows'\n}}\n"


PS_CASES = [
    ("substring-build-match", ps_if('$os.Version -like "*2000*"', "Windows 2000"),
     ps_if('$os.Version -like "5.0.*"', "Windows 2000")),
    ("regex-unescaped-dot", ps_if('$os.Version -match "6.0"', "Vista or Server 2008"),
     ps_if('$os.Version -match "^6\\.0\\."', "Vista or Server 2008")),
    # "Windows 8" may well cover 8.1, unless the script has an 8.1 branch that the test order makes unreachable
    ("product-name-match", PS_CIM + "if ($os.Caption -like '*Windows 8*') { 'Windows 8' }\n"
                           "elseif ($os.Caption -like '*Windows 8.1*') { 'Windows 8.1' }\n",
     ps_if('[int]$os.BuildNumber -eq 9200 -and $os.ProductType -eq 1', "Windows 8")),
    ("version-string-compare", ps_if("$os.BuildNumber -ge 9200", "Windows 8 or later"),
     ps_if("[int]$os.BuildNumber -ge 9200", "Windows 8 or later")),
    ("frozen-registry-value", ps_if('$cv.ProductName -like "*Windows 10*"', "Windows 10", PS_REG),
     ps_if("[int]$cv.CurrentBuildNumber -ge 10240 -and [int]$cv.CurrentBuildNumber -lt 22000", "Windows 10 or Server 2016-2022",
           PS_REG)),
    ("major-equals-10", ps_if("[Environment]::OSVersion.Version.Major -eq 10", "Windows 10", ""),
     ps_if("[Environment]::OSVersion.Version.Major -eq 10", "Windows 10, 11 or Server 2016 and later", "")),
]


# rule, language, bad script, fixed script (WQL filters: the pattern rules)
CASES = [
    ("substring-build-match", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "%6.1%" AND ProductType = 1',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "6.1.%" AND ProductType = 1'),
    ("version-string-compare", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE BuildNumber >= "22000" AND ProductType = 1',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.0.%" AND BuildNumber >= "22000" AND ProductType = 1'),
    ("major-equals-10", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.%" AND ProductType = 1',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.0.%" AND BuildNumber < "22000" AND ProductType = 1'),
    ("no-family-guard", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "6.1.%" AND ProductType = 3',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "6.1.%" AND ProductType <> 1'),
]


def rules_of(script: str, language: str) -> set[str]:
    return {f.rule for f in lint_text(script, language=language, today=TODAY).findings}


@pytest.mark.parametrize("rule,bad,good", BATCH_CASES, ids=[c[0] for c in BATCH_CASES])
def test_batch_rule_fires_with_a_proof_on_bad_and_not_on_fixed(rule, bad, good):
    findings = lint_text(bad, language="batch", today=TODAY).findings
    hit = [f for f in findings if f.rule == rule]
    assert hit, [(f.rule, f.message) for f in findings]
    assert all(f.proof for f in hit)
    assert rule not in rules_of(good, "batch")


@pytest.mark.parametrize("rule,language,bad,good", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_and_not_on_fixed(rule, language, bad, good):
    assert rule in rules_of(bad, language)
    assert rule not in rules_of(good, language)


@pytest.mark.parametrize("rule,bad,good", VBS_CASES, ids=[c[0] for c in VBS_CASES])
def test_vbscript_rule_fires_with_a_proof_on_bad_and_not_on_fixed(rule, bad, good):
    findings = lint_text(bad, language="vbscript", today=TODAY).findings
    hit = [f for f in findings if f.rule == rule]
    assert hit, [(f.rule, f.message) for f in findings]
    assert all(f.proof for f in hit)
    assert rule not in rules_of(good, "vbscript")


@pytest.mark.parametrize("rule,bad,good", PS_CASES, ids=[c[0] for c in PS_CASES])
def test_powershell_rule_fires_with_a_proof_on_bad_and_not_on_fixed(rule, bad, good):
    findings = lint_text(bad, language="powershell", today=TODAY).findings
    hit = [f for f in findings if f.rule == rule]
    assert hit, [(f.rule, f.message) for f in findings]
    assert all(f.proof for f in hit)
    assert rule not in rules_of(good, "powershell")


def test_every_rule_has_a_positive_case():
    assert {c[0] for c in CASES} | {c[0] for c in BATCH_CASES} == set(RULES)


def test_the_vista_script_from_the_issue_is_proven_wrong():
    script = 'ver > %systemdrive%\\ver.txt\nfindstr "6000" %systemdrive%\\ver.txt\nif not errorlevel 1 goto vista\n:vista\n'
    result = lint_text(script, language="batch", today=TODAY)
    assert result.matrix.cell("vista-sp1", "en").keys == (":vista",)  # SP1 falls through into :vista
    finding = next(f for f in result.findings if f.rule == "goto-fallthrough")
    assert finding.line == 3 and finding.severity == "error"
    assert "Windows 7 SP1" in finding.evidence["releases"]
    assert 'findstr "6000" (line 2) does not match its ver text' in finding.proof


def test_errors_always_carry_a_proof_naming_a_release():
    for _rule, bad, _good in BATCH_CASES:
        for f in lint_text(bad, language="batch", today=TODAY).findings:
            if f.severity == "error":
                assert f.proof and "(" in f.proof and ("reaches" in f.proof or "On " in f.proof), f


def test_string_compare_evidence_names_real_releases():
    wql = 'SELECT * FROM Win32_OperatingSystem WHERE BuildNumber >= "22000" AND ProductType = 1'
    f = next(f for f in lint_text(wql, language="wql").findings if f.rule == "version-string-compare")
    assert any(x.startswith("Windows XP") for x in f.evidence["also_matches"])


def test_vbscript_execquery_is_evaluated_as_wql():
    script = ('Set c = GetObject("winmgmts:").ExecQuery("SELECT * FROM Win32_OperatingSystem WHERE Version >= \'6.1\' '
              'AND ProductType = 1")\nFor Each os In c\n    WScript.Echo "Windows 7 or later"\nNext\n')
    result = lint_text(script, language="vbscript", today=TODAY)
    assert result.matrix.cell("win10-22h2", "en").keys == ()  # "10.0.19045" >= "6.1" is false for WMI too
    assert result.matrix.cell("win7-sp1", "en").keys == ("line 3",)
    assert any("Windows 10 22H2" in f.evidence.get("releases", []) for f in result.findings)


@pytest.mark.parametrize("language,script", [
    ("batch", "@echo off\nrem choose by build number, as a number\n" + BUILD_BAT + GUARD_BAT +
     'if not defined BUILD goto unknown\nif /i "%OSTYPE%"=="WinNT" if %BUILD% GEQ 22000 goto win11\n'
     'goto unknown\n:win11\necho Windows 11\ngoto end\n:unknown\necho %BUILD% %OSTYPE%>>"%TEMP%\\os.log"\n:end\n'),
    ("powershell", "$os = Get-CimInstance Win32_OperatingSystem\n[int]$build = $os.BuildNumber\n"
     "if ($os.ProductType -eq 1 -and $build -ge 22000) {\n  'Windows 11'\n} elseif ($os.ProductType -eq 1 -and $build -ge 10240) {\n  'Windows 10'\n"
     "} else {\n  Write-Warning \"unexpected build $build\"\n}\n"),
    ("vbscript", "Set objOS = GetObject(\"winmgmts:\").ExecQuery(\"SELECT * FROM Win32_OperatingSystem\").ItemIndex(0)\n"
     "build = CLng(objOS.BuildNumber)\nIf objOS.ProductType = 1 And build >= 22000 Then\n  WScript.Echo \"11\"\n"
     "Else\n  WScript.Echo \"other\"\nEnd If\n"),
    ("wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.0.%" AND BuildNumber >= "22000" AND ProductType = 1'),
])
def test_well_written_scripts_get_no_findings(language, script):
    assert lint_text(script, language=language).findings == []


@pytest.mark.parametrize("name,text,language", [
    ("logon.bat", "@echo off\ngoto start\n", "batch"), ("logon.cmd", "echo", "batch"), ("x.vbs", "Dim a", "vbscript"),
    ("x.ps1", "$a = 1", "powershell"), (None, "@echo off\nset X=1\nif errorlevel 1 goto x\n", "batch"),
    (None, "Option Explicit\nDim a\nSet o = CreateObject(\"WScript.Shell\")\n", "vbscript"),
    (None, "$os = Get-CimInstance Win32_OperatingSystem\nif ($os.BuildNumber -eq 1) {}\n", "powershell"),
    (None, "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 1", "wql"),
])
def test_language_detection(name, text, language):
    assert detect_language(text, name) == language


def test_utf16_script_file_keeps_line_numbers(tmp_path):
    path = tmp_path / "logon.cmd"
    path.write_bytes(b"\xff\xfe" + '@echo off\r\nrem caf\u00e9\r\nver | find "2000" && goto w2k\r\ngoto :eof\r\n'
                     ':w2k\r\necho Windows 2000\r\n'.encode("utf-16-le"))
    result = lint_file(path, today=TODAY)
    assert result.encoding == "utf-16-le"
    assert any(f.line == 3 and f.rule == "substring-build-match" for f in result.findings)


def test_bad_script_input(tmp_path):
    with pytest.raises(UserInputError, match="empty"):
        lint_text("  \n", language="batch")
    binary = tmp_path / "logon.bat"
    binary.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" * 100)
    with pytest.raises(UserInputError, match="binary"):
        lint_file(binary)
    huge = tmp_path / "huge.bat"
    huge.write_bytes(b"echo x\r\n" * (50 * 1024 * 1024 // 8))
    with pytest.raises(UserInputError, match="limit"):
        lint_file(huge)
    with pytest.raises(UserInputError, match="no such file"):
        lint_file(tmp_path / "missing.bat")
    with pytest.raises(UserInputError, match="language"):
        detect_language("just words", None)


def test_not_every_version_is_the_os_version():
    assert lint_text("if ($PSVersionTable.PSVersion.Major -ge 5) { 'modern' }\n", language="powershell").findings == []


def test_wmic_in_prose_is_not_a_call():
    assert "wmic-deprecated" not in rules_of("Write-Output 'wmic may be missing here'\n", "powershell")
    assert "wmic-deprecated" not in rules_of('WScript.Echo "wmic is old"\n', "vbscript")

