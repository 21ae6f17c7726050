"""Round 2 of the script checker (issue 10): VBScript and PowerShell shapes an independent trial
met in real login scripts, rewritten here in scripts of our own. Each test asserts where named
releases end up and that the finding (or the absence of one) is right."""

from __future__ import annotations

import datetime

from sbskit.core.osver.lint import lint_text

TODAY = datetime.date(2026, 11, 28)
WMI = 'Set svc = GetObject("winmgmts:\\\\.\\root\\cimv2")\n'


def check(script: str, language: str):
    return lint_text(script, language=language, today=TODAY)


def keys(result, release: str, lang: str = "en") -> tuple[str, ...]:
    return result.matrix.cell(release, lang).keys


def naming(result, release: str, severity: str | None = None) -> list:
    return [f for f in result.findings if f.rule != "not-evaluated" and release in f.evidence.get("releases", [])
            and (severity is None or f.severity == severity)]


def exit_code(result) -> int:
    if any(f.severity in ("error", "warning") and f.rule != "not-evaluated" for f in result.findings):
        return 1
    return 3 if any(f.rule == "not-evaluated" for f in result.findings) else 0


# --- VBScript ----------------------------------------------------------------------------------
def test_a_refusal_msgbox_is_meant_for_the_releases_it_refuses():
    script = WMI + """For Each os In svc.ExecQuery("SELECT BuildNumber FROM Win32_OperatingSystem")
    If CLng(os.BuildNumber) < 22000 Then
        MsgBox "Sorry, this kiosk app needs Windows 11."
    End If
Next
"""
    r = check(script, "vbscript")
    assert keys(r, "win10-22h2") == ("line 4",) and keys(r, "win11-23h2") == ()
    assert not [f for f in r.findings if f.severity in ("error", "warning")]  # refused as meant, 11 goes on


def test_quit_codes_are_branches_and_a_2003_domain_controller_is_treated_as_not_2003():
    script = WMI + """For Each os In svc.ExecQuery("SELECT Caption, ProductType FROM Win32_OperatingSystem")
    If os.ProductType = 3 And InStr(os.Caption, "2003") > 0 Then WScript.Quit 42
Next
WScript.Quit 0
"""
    r = check(script, "vbscript")
    assert keys(r, "ws2003-sp2") == ("line 3",) and keys(r, "ws2003-sp2-dc") == ("line 5",)
    assert keys(r, "win10-22h2") == ("line 5",) and not naming(r, "Windows 10 22H2")
    # every SBS 2003 is a domain controller (ProductType 2): it takes the "not 2003" exit
    f = naming(r, "Windows Small Business Server 2003")[0]
    assert "line 3" in f.message and "InStr" in f.proof
    assert "Windows Server 2003 SP2 (domain controller)" in f.evidence["releases"]


def test_a_function_reading_winver_exe_runs_where_it_is_called():
    script = """Function WinName()
    Set fso = CreateObject("Scripting.FileSystemObject")
    v = fso.GetFileVersion(fso.GetSpecialFolder(1).Path & "\\winver.exe")
    If InStr(v, "5.1") = 1 Then
        WinName = "Windows XP"
    ElseIf InStr(v, "5.2") = 1 Then
        WinName = "Windows Server 2003"
    Else
        WinName = "later"
    End If
End Function
WScript.Echo WinName()
"""
    r = check(script, "vbscript")
    assert exit_code(r) == 1 and not [f for f in r.findings if f.rule == "not-evaluated"]
    assert "line 5" in keys(r, "xp-sp3") and "line 7" in keys(r, "ws2003-sp2")
    # XP x64's winver.exe is 5.2: the client gets the server's name while the script has an XP branch
    f = naming(r, "Windows XP Professional x64 Edition", "error")[0]
    assert "Server 2003" in f.message and 'GetFileVersion gives "5.2.3790' in f.proof
    # InStr(v, "5.2") = 1 is anchored: no claim that a patch level of Windows 10 could match it
    assert not naming(r, "Windows 10 22H2")


def test_exec_of_ver_and_a_status_wait_loop_are_followed():
    script = """Set sh = CreateObject("WScript.Shell")
Set p = sh.Exec("%comspec% /c ver")
Do While p.Status = 0
    WScript.Sleep 100
Loop
txt = p.StdOut.ReadAll
If InStr(txt, "6.1.") > 0 Then WScript.Echo "Windows 7 start menu tweaks"
"""
    r = check(script, "vbscript")
    assert keys(r, "win7-sp1") == ("line 7",) and keys(r, "win10-22h2") == ()
    assert not [f for f in r.findings if f.rule == "not-evaluated"]


def test_a_concatenated_major_minor_compared_to_a_decimal():
    script = """Set sh = CreateObject("WScript.Shell")
txt = sh.Exec("cmd /c ver").StdOut.ReadAll
p = Split(Mid(txt, InStr(txt, "[") + 9), ".")
If CInt(p(0) & p(1)) >= 61 Then WScript.Echo "pinning task bar items"
"""
    r = check(script, "vbscript")
    # "5" & "1" is 51, below 61: XP is kept out; "10" & "0" is 100: Windows 10 gets in
    assert keys(r, "win10-22h2") == ("line 4",) and keys(r, "xp-sp3") == ()


# --- PowerShell ---------------------------------------------------------------------------------
def test_script_param_block_with_defaults_is_read():
    script = """Param([string[]]$Targets = @($env:COMPUTERNAME, "localhost"), [int]$Retries = 2)
$os = Get-WmiObject Win32_OperatingSystem
if ($os.Version -lt 6.1) { 'legacy: older than Windows 7' } else { 'Windows 7 or later' }
"""
    r = check(script, "powershell")
    assert not [f for f in r.findings if f.rule == "not-evaluated"]
    # "10.0.19045" -lt 6.1 compares text: "1" sorts before "6"
    f = naming(r, "Windows 10 22H2", "error")[0]
    assert f.rule == "version-string-compare" and "older than Windows 7" in f.message


def test_switch_runs_every_matching_clause_and_script_block_conditions_compare_text():
    script = """switch ((Get-CimInstance Win32_OperatingSystem).BuildNumber) {
    { $_ -lt '10240' } { 'not supported here' }
    { $_ -ge '22000' } { 'Windows 11 tasks' }
}
"""
    r = check(script, "powershell")
    # "9600" -ge "22000" as text ("9" after "2"), and "9600" -lt "10240" is false: Windows 8.1 gets the
    # Windows 11 tasks and never the refusal
    assert keys(r, "win81") == ("line 3",)
    assert naming(r, "Windows 8.1", "error")
    text_compare = [f for f in r.findings if f.message.startswith("`switch case { $_ -lt '10240' }")]
    assert text_compare and "Windows 8.1" in text_compare[0].evidence["releases"]


def test_switch_with_break_and_a_counter_kept_for_unknown_captions():
    script = """$level = 0
switch -Regex ((Get-CimInstance Win32_OperatingSystem).Caption) {
    '2012 R2' { $level = 5; break }
    '2016'    { $level = 7; break }
}
if ($level -le 4) { 'legacy module path (before 2012 R2)' } else { 'modern module path' }
"""
    r = check(script, "powershell")
    # Server 2022 matches no case, keeps $level = 0 and takes the path meant for releases before 2012 R2
    said = [r.matrix.branches[k].desc for k in keys(r, "ws2022")]
    assert any("legacy" in d for d in said) and naming(r, "Windows Server 2022", "error")
    assert any("modern" in r.matrix.branches[k].desc for k in keys(r, "ws2016"))
    assert not naming(r, "Windows Server 2016")


def test_a_function_the_script_never_calls_is_run_on_its_own():
    script = """function Get-ServerName {
    switch -Wildcard ((Get-WmiObject Win32_OperatingSystem).Caption) {
        'Microsoft Windows Server 2008*' { $n = '2008' }
        default { $n = 'unknown' }
    }
    return $n
}
"""
    r = check(script, "powershell")
    assert any("never called" in note for _line, note in r.matrix.notes)
    # Server 2008's caption is "Microsoft® Windows Server® 2008 Standard" (PowerShell 1.0 is in its box)
    f = naming(r, "Windows Server 2008 SP2")[0]
    assert "line 4" in f.message and "Server® 2008" in f.proof


def test_new_object_version_and_minimum_itself_refused():
    ok = "if ([Environment]::OSVersion.Version -ge (New-Object Version 6,2)) { 'Windows 8 or later' } " \
         "else { 'Windows 7 or earlier' }\n"
    r = check(ok, "powershell")
    assert exit_code(r) == 0 and keys(r, "win81") == ("line 1",)
    edge = """function Test-Os {
  param([version]$MinimumVersion = '6.3.9600')
  $v = [version](Get-CimInstance Win32_OperatingSystem).Version
  if ($v -le $MinimumVersion) { Write-Error "This Windows version is not supported." }
}
Test-Os
"""
    f = naming(check(edge, "powershell"), "Windows 8.1")[0]
    assert "minimum" in f.message and "-lt" in f.suggestion


def test_remote_computer_is_not_evaluated():
    script = """$name = Read-Host "Computer"
$os = Get-WmiObject Win32_OperatingSystem -ComputerName $name
if ($os.Version -eq "5.2.3790") { 'Server 2003' }
"""
    r = check(script, "powershell")
    assert exit_code(r) == 3 and "remote computer" in " ".join(f.message for f in r.findings)


def test_a_parse_failure_is_never_a_clean_result():
    r = check("if ($x -eq {\n", "powershell")
    assert exit_code(r) == 3 and r.findings[0].rule == "not-evaluated"


def test_a_skipped_loop_is_not_a_clean_result():
    script = """while ($true) {
    if ((Get-CimInstance Win32_OperatingSystem).BuildNumber -ge 22000) { 'Windows 11' }
    break
}
"""
    r = check(script, "powershell")
    assert exit_code(r) == 3 and "while" in r.findings[0].message
