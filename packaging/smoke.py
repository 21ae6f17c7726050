"""Smoke-test built executables: ``python packaging/smoke.py FOLDER`` (Windows and Linux).

Why: a build that finishes can still ship a kit that does not start (a missing hidden import,
Qt plugin or data file). This runs what a consultant runs first, from FOLDER (the one holding
``sbskit[.exe]`` and ``sbskit-cli[.exe]``: ``dist/onedir/sbskit`` or ``dist/onefile``), with all
files the kit writes kept in a temporary folder. Exit 0 if every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from version_info import package_version  # noqa: E402

EXE = ".exe" if sys.platform == "win32" else ""
TABS_MODULE = HERE.parent / "app" / "sbskit" / "ui" / "shell" / "tabs.py"


def expected_tab_count() -> int:
    """How many tabs the checkout's window has (``TABS`` in ui/shell/tabs.py), read without Qt."""
    tree = ast.parse(TABS_MODULE.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if getattr(target, "id", None) == "TABS" and isinstance(node.value, ast.List):
            return len(node.value.elts)
    raise ValueError(f"no TABS list in {TABS_MODULE}")


def run(exe: Path, *args: str, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)


def smoke(folder: Path) -> list[str]:
    """Run the checks; return the failures (empty when all passed). Prints one line per check."""
    failures: list[str] = []

    def check(ok: bool, what: str, detail: str = "") -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
        if not ok:
            failures.append(what)

    cli, gui = folder / f"sbskit-cli{EXE}", folder / f"sbskit{EXE}"
    for exe in (cli, gui):
        check(exe.is_file(), f"{exe.name} exists in {folder}")
    if failures:
        return failures

    with tempfile.TemporaryDirectory(prefix="sbskit-smoke-") as tmp:
        home = Path(tmp) / "home"
        env = dict(os.environ, SBSKIT_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        version = package_version()

        proc = run(cli, "--version", env=env)
        check(proc.stdout.strip() == f"sbskit-cli {version}", f"sbskit-cli --version says {version}",
              proc.stdout + proc.stderr)

        proc = run(cli, "paths", "--json", env=env)
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            doc = {}
        check(proc.returncode == 0 and doc.get("mode") == "portable", "sbskit-cli paths: portable with SBSKIT_HOME",
              proc.stdout + proc.stderr)

        report = Path(tmp) / "paths.pdf"
        proc = run(cli, "paths", "--report", str(report), env=env)
        if (folder / "_internal").is_dir():  # one-folder: the CLI finds Qt in the shared _internal
            ok = proc.returncode == 0 and report.is_file() and report.read_bytes()[:5] == b"%PDF-"
            check(ok, "sbskit-cli paths --report FILE.pdf (Qt in the shared _internal)", proc.stderr)
        else:  # one-file: built without Qt, it must say so in one line and write nothing
            ok = proc.returncode == 3 and "built without Qt" in proc.stderr and not report.exists()
            check(ok, "one-file sbskit-cli refuses --report FILE.pdf in one line (no Qt inside)", proc.stderr)
        html = Path(tmp) / "paths.html"
        proc = run(cli, "paths", "--report", str(html), env=env)
        check(proc.returncode == 0 and html.is_file() and "<html" in html.read_text(encoding="utf-8", errors="replace").lower(),
              "sbskit-cli paths --report FILE.html", proc.stderr)

        shots = Path(tmp) / "shots"
        proc = run(gui, "--screenshots", str(shots), env=env)
        count = len(list(shots.glob("*.png"))) if shots.is_dir() else 0
        wanted = expected_tab_count()
        check(proc.returncode == 0 and count == wanted, f"sbskit --screenshots wrote {wanted} PNGs",
              f"exit {proc.returncode}, {count} PNGs {proc.stderr}")
        check((home / "logs" / "sbskit.log").is_file(), "sbskit logged into SBSKIT_HOME")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder holding sbskit and sbskit-cli")
    args = parser.parse_args(argv)
    failures = smoke(args.folder)
    if failures:
        print(f"FAILED: {len(failures)} check(s)")
        return 1
    print("passed: every check")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
