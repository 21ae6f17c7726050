"""Benchmark: OS identification and script checking, as ratios against baselines measured
in the same run (so the numbers mean the same on a slow CI runner and a fast laptop).

The script checker's goal (issue 10): one 500-line login script run on every release in every
language in under a second. The baseline is one pass of the old pattern rules over the same
script (what the checker did before it ran scripts).

Run: PYTHONPATH=app python tests/benchmarks/bench_osver.py
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "app"))

from sbskit.core.osver.identify import identify_text  # noqa: E402
from sbskit.core.osver.lint import lint_text, pattern_findings  # noqa: E402
from sbskit.core.osver.snippet import PRESETS, generate  # noqa: E402
from sbskit.core.osver.textio import read_file  # noqa: E402

CORPUS = ROOT / "tests" / "osver" / "corpus"


def logon_script(target_lines: int = 500) -> str:
    """A realistic logon script written for this benchmark: a ver/find chain, reg query, per-department
    drive mappings guarded by network paths and the build, a logging subroutine."""
    head = r"""@echo off
setlocal
rem Logon script of a small office: detect Windows, then map drives and printers per department.
set LOG=%TEMP%\logon.log
echo %DATE% %TIME% logon start>>"%LOG%"
ver | find "2000" > nul
if not errorlevel 1 goto os_2000
ver | find "XP" > nul
if not errorlevel 1 goto os_xp
ver | find "5.2." > nul
if not errorlevel 1 goto os_2003
ver | find "6.0." > nul
if not errorlevel 1 goto os_vista
ver | find "6.1." > nul
if not errorlevel 1 goto os_7
ver | find "6.2." > nul
if not errorlevel 1 goto os_8
ver | find "6.3." > nul
if not errorlevel 1 goto os_81
for /f "tokens=4-5 delims=. " %%i in ('ver') do set V=%%i.%%j
if "%V%"=="10.0" goto os_10
echo unknown Windows>>"%LOG%"
goto detected
:os_2000
set OSNAME=Windows 2000
goto detected
:os_xp
set OSNAME=Windows XP
goto detected
:os_2003
set OSNAME=Windows Server 2003
goto detected
:os_vista
set OSNAME=Windows Vista
goto detected
:os_7
set OSNAME=Windows 7
goto detected
:os_8
set OSNAME=Windows 8
goto detected
:os_81
set OSNAME=Windows 8.1
goto detected
:os_10
set OSNAME=Windows 10
goto detected
:detected
for /f "tokens=3" %%B in ('reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v CurrentBuildNumber 2^>nul ^| find "REG_"') do set BUILD=%%B
for /f "tokens=3" %%T in ('reg query "HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions" /v ProductType 2^>nul ^| find "REG_"') do set OSTYPE=%%T
if not defined BUILD set BUILD=0
if not defined OSTYPE set OSTYPE=unknown
call :log "detected %OSNAME% build %BUILD% type %OSTYPE%"
if /i not "%OSTYPE%"=="WinNT" goto servers
"""
    body = []
    n = 0
    while len((head + "\n".join(body)).splitlines()) < target_lines - 30:
        n += 1
        body.append(rf"""rem --- department {n} ---
if exist "\\fileserver\dept{n}\nul" (
  net use {chr(ord('G') + n % 15)}: \\fileserver\dept{n} /persistent:no >nul 2>&1
  call :log "mapped dept{n}"
)
if %BUILD% GEQ 9200 (
  reg add "HKCU\Software\Office\Dept{n}" /v Modern /t REG_DWORD /d 1 /f >nul
) else (
  reg add "HKCU\Software\Office\Dept{n}" /v Modern /t REG_DWORD /d 0 /f >nul
)
echo dept{n} done>>"%LOG%"
""")
    tail = r"""goto end
:servers
call :log "server or domain controller: no drive mappings"
goto end
:log
echo %DATE% %TIME% %~1>>"%LOG%"
goto :eof
:end
echo %DATE% %TIME% logon end>>"%LOG%"
endlocal
"""
    return head + "\n".join(body) + tail


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / repeat


def script_checker() -> None:
    import datetime

    script = logon_script()
    lines = script.split("\n")
    today = datetime.date(2026, 11, 28)
    start = time.perf_counter()
    result = lint_text(script, language="batch", today=today)  # also builds the simulated computers
    first = time.perf_counter() - start
    matrix = result.matrix
    cells = len(matrix.releases) * len(matrix.languages)
    b = timed(lambda: pattern_findings(lines, "batch"), 5)
    k = timed(lambda: lint_text(script, language="batch", today=today), 3)
    print(f"script checker, {len(lines)}-line logon script x {len(matrix.releases)} releases x "
          f"{len(matrix.languages)} languages ({cells} runs): first run {first:.2f} s, then {k:.2f} s "
          f"(goal < 1 s); old pattern rules {b * 1e3:.1f} ms; RATIO {k / b:.0f}; "
          f"{len(result.findings)} findings, {len(matrix.branches)} branches")


def many_decisions_script(departments: int = 120) -> str:
    """A long script that asks about Windows again and again (a build test, a ver search and a
    version compare per department): thousands of computer-dependent decisions, the shape that
    once took 8 s."""
    head = r"""@echo off
for /f "tokens=3" %%B in ('reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v CurrentBuildNumber ^| find "REG_"') do set BUILD=%%B
for /f "tokens=4-5 delims=. " %%i in ('ver') do set V=%%i.%%j
"""
    builds = [2600, 3790, 6000, 7600, 9200, 9600, 10240, 14393, 17763, 19041, 19045, 22000, 22621, 26100]
    needles = ["5.1", "5.2", "6.0", "6.1", "6.2", "6.3", "10.0", "XP", "2003", "Vista"]
    body = []
    for n in range(departments):
        body.append(f"""if %BUILD% GEQ {builds[n % len(builds)]} (
  echo dept{n} modern
) else (
  echo dept{n} legacy
)
ver | find "{needles[n % len(needles)]}" > nul
if not errorlevel 1 echo dept{n} matched
if "%V%"=="6.1" echo dept{n} seven
""")
    return head + "".join(body)


def many_decisions() -> None:
    import datetime

    script = many_decisions_script()
    lines = script.split("\n")
    today = datetime.date(2026, 11, 28)
    result = lint_text(script, language="batch", today=today)
    decisions = sum(len(h.decisions) for c in result.matrix.cells.values() for o in c.outcomes for h in o.hits)
    b = timed(lambda: pattern_findings(lines, "batch"), 3)
    k = timed(lambda: lint_text(script, language="batch", today=today), 1)
    print(f"script checker, {len(lines)}-line script with {decisions} decisions along its paths: {k:.2f} s; "
          f"old pattern rules {b * 1e3:.1f} ms; RATIO {k / b:.0f}")


def main() -> None:
    script_checker()
    many_decisions()
    texts = [read_file(p)[0] for p in sorted(CORPUS.iterdir())]
    naive = re.compile(r"\d+\.\d+\.\d+")

    def baseline_identify():  # what a script does: find the first dotted number
        for t in texts:
            naive.search(t)

    from sbskit.core.errors import UserInputError

    def kit_identify():
        for t in texts:
            try:
                identify_text(t)
            except UserInputError:  # the corpus also holds texts that must be refused
                pass

    b, k = timed(baseline_identify, 200), timed(kit_identify, 20)
    print(f"identify corpus ({len(texts)} texts): baseline {b * 1e6:.1f} us, kit {k * 1e6:.1f} us, RATIO {k / b:.1f}")

    bat = "\n".join(['ver | findstr "6.1"', 'if "%v%" GEQ "6.1" goto new', "goto x", ":x"] * 500)

    def baseline_lines():
        for line in bat.splitlines():
            line.lower().find("findstr")

    def kit_lint():
        lint_text(bat, language="batch")

    b, k = timed(baseline_lines, 20), timed(kit_lint, 3)
    print(f"lint 2,000-line batch script: baseline {b * 1e3:.2f} ms, kit {k * 1e3:.1f} ms, RATIO {k / b:.1f}")

    def baseline_render():
        for t in PRESETS.values():
            str(t)

    def kit_snippets():
        for t in PRESETS.values():
            generate(t, "wql")

    b, k = timed(baseline_render, 200), timed(kit_snippets, 5)
    print(f"generate + read back {len(PRESETS)} WQL snippets: baseline {b * 1e6:.1f} us, kit {k * 1e3:.1f} ms, "
          f"RATIO {k / b:.0f}")


if __name__ == "__main__":
    main()
