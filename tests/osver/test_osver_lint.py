"""Login-script checker: every rule fires on a bad script, stays quiet on the fixed one, and proves itself."""

from __future__ import annotations

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.osver.lint import RULES, detect_language, lint_file, lint_text

GUARD_BAT = 'for /f "tokens=3" %%A in (\'reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions" /v ProductType ^| find "REG_"\') do set "OSTYPE=%%A"\n'
BUILD_BAT = 'for /f "tokens=3" %%B in (\'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v CurrentBuildNumber ^| find "REG_"\') do set "BUILD=%%B"\n'
GUARD_PS = "$pt = (Get-CimInstance Win32_OperatingSystem).ProductType\n"
GUARD_VBS = "pt = objOS.ProductType\n"

# rule, language, bad script, fixed script
CASES = [
    ("substring-build-match", "batch", 'ver > "%TEMP%\\v.txt"\nfindstr "6000" "%TEMP%\\v.txt"\n',
     BUILD_BAT + GUARD_BAT + 'if "%OSTYPE%"=="WinNT" if %BUILD% GEQ 6000 echo vista-or-later\n'),
    ("substring-build-match", "vbscript", 'If InStr(strVersion, "6.1") > 0 Then WScript.Echo "7"\n',
     GUARD_VBS + 'If CLng(objOS.BuildNumber) >= 7600 Then WScript.Echo "7+"\n'),
    ("substring-build-match", "powershell", 'if ($v -like "*6.1*") { "7" }\n',
     GUARD_PS + 'if ([int]$b -ge 7600) { "7+" }\n'),
    ("substring-build-match", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "%6.1%" AND ProductType = 1',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "6.1.%" AND ProductType = 1'),
    ("regex-unescaped-dot", "batch", 'ver | findstr "6.1"\n', 'ver | findstr /L "6.1"\n'),
    ("regex-unescaped-dot", "powershell", 'if ($v -match "6.1") { "7" }\n', 'if ($v -match "6\\.1") { "7" }\n'),
    ("product-name-match", "batch", 'systeminfo | find "Windows 7"\n', BUILD_BAT + GUARD_BAT),
    ("product-name-match", "powershell", 'if ($os.Caption -like "*Server 2008*") { "x" }\n',
     GUARD_PS + 'if ([int]$os.BuildNumber -ge 6001) { "x" }\n'),
    ("product-name-match", "vbscript", 'If InStr(objOS.Caption, "Windows XP") Then x = 1\n',
     GUARD_VBS + 'If CLng(objOS.BuildNumber) = 2600 Then x = 1\n'),
    ("goto-fallthrough", "batch",
     'ver | find "XP" > nul\nif not errorlevel 1 goto xp\n:vista\necho vista\ngoto end\n:xp\necho xp\n:end\n',
     'ver | find "XP" > nul\nif not errorlevel 1 goto xp\ngoto unknown\n:vista\necho vista\ngoto end\n:xp\necho xp\n:unknown\n:end\n'),
    ("missing-default-branch", "powershell",
     GUARD_PS + 'switch ($build) {\n  "7601" { "7" }\n  "9600" { "8.1" }\n}\n',
     GUARD_PS + 'switch ($build) {\n  "7601" { "7" }\n  "9600" { "8.1" }\n  default { Write-Warning "other" }\n}\n'),
    ("missing-default-branch", "powershell",
     GUARD_PS + 'if ($build -ge 22000) {\n  "11"\n} elseif ($build -ge 10240) {\n  "10"\n}\n',
     GUARD_PS + 'if ($build -ge 22000) {\n  "11"\n} elseif ($build -ge 10240) {\n  "10"\n} else {\n  "other"\n}\n'),
    ("missing-default-branch", "vbscript",
     GUARD_VBS + 'Select Case build\n  Case 7601\n    x = 1\n  Case 9600\n    x = 2\nEnd Select\n',
     GUARD_VBS + 'Select Case build\n  Case 7601\n    x = 1\n  Case Else\n    x = 0\nEnd Select\n'),
    ("missing-default-branch", "vbscript",
     GUARD_VBS + 'If build >= 22000 Then\n  x = 11\nElseIf build >= 10240 Then\n  x = 10\nEnd If\n',
     GUARD_VBS + 'If build >= 22000 Then\n  x = 11\nElseIf build >= 10240 Then\n  x = 10\nElse\n  x = 0\nEnd If\n'),
    ("errorlevel-order", "batch", 'find "x" a.txt\nif errorlevel 0 goto found\n', 'find "x" a.txt\nif not errorlevel 1 goto found\n'),
    ("errorlevel-order", "batch", 'choice /c abc\nif errorlevel 1 goto a\nif errorlevel 2 goto b\n',
     'choice /c abc\nif errorlevel 2 goto b\nif errorlevel 1 goto a\n'),
    ("ver-token-position", "batch", "for /f \"tokens=4 delims=] \" %%a in ('ver') do set v=%%a\n", BUILD_BAT),
    ("version-string-compare", "batch", 'if "%v%" GEQ "6.1" echo new\n', BUILD_BAT + 'if %BUILD% GEQ 7600 echo new\n'),
    ("version-string-compare", "powershell", 'if ((Get-CimInstance Win32_OperatingSystem).BuildNumber -ge 22000) { 1 }\n',
     'if ([int](Get-CimInstance Win32_OperatingSystem).BuildNumber -ge 22000) { 1 }\n'),
    ("version-string-compare", "powershell", '$v = $os.Version\nif ($v -lt "6.1") { "old" }\n',
     '$v = [version]$os.Version\nif ($v -lt [version]"6.1") { "old" }\n'),
    ("version-string-compare", "vbscript", 'If strVer >= "6.0" Then x = 1\n', 'If CLng(build) >= 6000 Then x = 1\n'),
    ("version-string-compare", "vbscript", 'If objOS.BuildNumber >= 9200 Then x = 1\n',
     'If CLng(objOS.BuildNumber) >= 9200 Then x = 1\n'),
    ("version-string-compare", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE BuildNumber >= "22000" AND ProductType = 1',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.0.%" AND BuildNumber >= "22000" AND ProductType = 1'),
    ("os-env-version-test", "batch", 'if "%OS%"=="Windows_NT" goto nt\n', 'if defined ProgramFiles goto nt\n'),
    ("os-env-version-test", "powershell", 'if ($env:OS -eq "Windows_NT") { 1 }\n', 'if ($IsWindows) { 1 }\n'),
    ("frozen-registry-value", "batch", 'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v ReleaseId\n',
     'reg query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v DisplayVersion\n'),
    ("frozen-registry-value", "powershell",
     "$p = (Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion').ProductName\n",
     "$p = (Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion').CurrentBuildNumber\n"),
    ("frozen-registry-value", "vbscript",
     'v = sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentVersion")\n',
     'v = sh.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\CurrentBuildNumber")\n'),
    ("wmic-deprecated", "batch", "for /f \"skip=1\" %%v in ('wmic os get version') do set v=%%v\n", BUILD_BAT),
    ("wmic-deprecated", "powershell", "$v = wmic os get version\n", "$v = (Get-CimInstance Win32_OperatingSystem).Version\n"),
    ("major-equals-10", "powershell", 'if ([Environment]::OSVersion.Version.Major -eq 10) { "10" }\n',
     GUARD_PS + 'if ([Environment]::OSVersion.Version.Build -ge 22000) { "11" }\n'),
    ("major-equals-10", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.%" AND ProductType = 1',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "10.0.%" AND BuildNumber < "22000" AND ProductType = 1'),
    ("major-equals-10", "vbscript", 'If Left(strVer, 2) = "10" Then x = 1\n', GUARD_VBS + 'If CLng(build) >= 10240 Then x = 1\n'),
    ("no-family-guard", "batch", BUILD_BAT + 'if %BUILD% GEQ 7600 echo 7+\n',
     BUILD_BAT + GUARD_BAT + 'if "%OSTYPE%"=="WinNT" if %BUILD% GEQ 7600 echo 7+\n'),
    ("no-family-guard", "wql", 'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "6.1.%" AND ProductType = 3',
     'SELECT * FROM Win32_OperatingSystem WHERE Version LIKE "6.1.%" AND ProductType <> 1'),
    ("locale-bound-parsing", "batch", 'ver | find "Version" > nul\n', BUILD_BAT),
    ("locale-bound-parsing", "powershell", "systeminfo | Select-String -Pattern 'OS Name'\n",
     "$sku = (Get-CimInstance Win32_OperatingSystem).OperatingSystemSKU\n"),
    ("locale-bound-parsing", "vbscript", 'If InStr(objOS.Caption, "Professional") > 0 Then x = 1\n',
     'If objOS.OperatingSystemSKU = 48 Then x = 1\n'),
    ("locale-bound-parsing", "batch", "for /f \"tokens=2 delims=:\" %%a in ('systeminfo') do set x=%%a\n", BUILD_BAT),
]


def rules_of(script: str, language: str) -> set[str]:
    return {f.rule for f in lint_text(script, language=language).findings}


@pytest.mark.parametrize("rule,language,bad,good", CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_bad_and_not_on_fixed(rule, language, bad, good):
    assert rule in rules_of(bad, language)
    assert rule not in rules_of(good, language)


def test_every_rule_has_a_positive_case():
    assert {c[0] for c in CASES} == set(RULES)


def test_the_vista_script_from_the_issue_is_proven_wrong():
    script = 'ver > %systemdrive%\\ver.txt\nfindstr "6000" %systemdrive%\\ver.txt\nif not errorlevel 1 goto vista\n'
    finding = next(f for f in lint_text(script, language="batch").findings if f.rule == "substring-build-match")
    assert finding.line == 2 and finding.severity == "error"
    assert "Windows Vista SP1 (6.0.6001)" in finding.evidence["misses"]
    assert "Windows Vista SP2 (6.0.6002)" in finding.evidence["misses"]


def test_6002_test_misses_the_2019_servers():
    finding = lint_text('ver | find "6.0.6002"\n', language="batch").findings[0]
    assert "Windows Server 2008 SP2 (build 6003) (6.0.6003)" in finding.evidence["misses"]


def test_string_compare_evidence_names_real_releases():
    f = next(f for f in lint_text('if "%v%" GEQ "6.1" echo new\n', language="batch").findings
             if f.rule == "version-string-compare")
    assert any(x.startswith("Windows 10 22H2") for x in f.evidence["misses"])
    wql = 'SELECT * FROM Win32_OperatingSystem WHERE BuildNumber >= "22000" AND ProductType = 1'
    f = next(f for f in lint_text(wql, language="wql").findings if f.rule == "version-string-compare")
    assert any(x.startswith("Windows XP") for x in f.evidence["also_matches"])


def test_ver_token_simulation_shows_the_shift():
    f = next(f for f in lint_text("for /f \"tokens=4 delims=] \" %%a in ('ver') do set v=%%a\n", language="batch").findings
             if f.rule == "ver-token-position")
    shapes = f.evidence["tokens"]
    assert "[Version" in shapes and "N.N.N.N" in shapes  # XP/2000 vs Windows 10+


def test_vbscript_execquery_is_checked_as_wql():
    script = 'Set c = o.ExecQuery("SELECT * FROM Win32_OperatingSystem WHERE Version >= \'6.1\' AND ProductType = 1")\n'
    assert "version-string-compare" in rules_of(script, "vbscript")


@pytest.mark.parametrize("language,script", [
    ("batch", "@echo off\nrem choose by build number, as a number\n" + BUILD_BAT + GUARD_BAT +
     'if not defined BUILD goto unknown\nif /i "%OSTYPE%"=="WinNT" if %BUILD% GEQ 22000 goto win11\n'
     'goto unknown\n:win11\necho Windows 11\ngoto end\n:unknown\necho %BUILD% %OSTYPE%>>"%TEMP%\\os.log"\n:end\n'),
    ("powershell", "$os = Get-CimInstance Win32_OperatingSystem\n[int]$build = $os.BuildNumber\n"
     "if ($os.ProductType -eq 1 -and $build -ge 22000) {\n  'Windows 11'\n} elseif ($build -ge 10240) {\n  'Windows 10'\n"
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
    path.write_bytes(b"\xff\xfe" + '@echo off\r\nrem caf\u00e9\r\nver | findstr "6000"\r\n'.encode("utf-16-le"))
    result = lint_file(path)
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


def test_english_word_and_version_in_one_search():
    rules = rules_of('ver | find "Version 10.0" > nul\n', "batch")
    assert {"locale-bound-parsing", "major-equals-10"} <= rules


def test_the_common_stack_overflow_ver_snippet():
    script = ("@echo off\nfor /f \"tokens=4-5 delims=. \" %%i in ('ver') do set VERSION=%%i.%%j\n"
              'if "%version%" == "10.0" echo Windows 10\n')
    findings = lint_text(script, language="batch").findings
    rules = {(f.line, f.rule) for f in findings}
    assert (2, "ver-token-position") in rules and (3, "major-equals-10") in rules
    tokens = next(f for f in findings if f.rule == "ver-token-position").evidence["tokens"]
    assert tokens["N"] and tokens["[Version"]  # 10 on new Windows, '[Version' on XP and 2000


def test_wmic_in_prose_is_not_a_call():
    assert "wmic-deprecated" not in rules_of("Write-Output 'wmic may be missing here'\n", "powershell")
    assert "wmic-deprecated" in rules_of('Set e = sh.Exec("wmic os get version")\n', "vbscript")
