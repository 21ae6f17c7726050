"""Build the kit's executables with PyInstaller: ``python packaging/build.py [--mode onedir|onefile|both] [--dist DIR]``.

Why a script around ``pyinstaller``: the spec's layout switch, a separate work folder per layout, and
the same command on Windows (``py packaging\\build.py``) and Linux (the tests). It prints
what it built, the size and the time, so size regressions show up in build logs.

Output: ``DIST/sbskit/`` (one folder holding ``sbskit``, ``sbskit-cli`` and ``_internal``)
for ``onedir``; ``DIST/sbskit[.exe]`` and ``DIST/sbskit-cli[.exe]`` for ``onefile``; with
``both``, the two layouts go to ``DIST/onedir`` and ``DIST/onefile``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPEC = HERE / "sbskit.spec"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


PROGRAMS = ("sbskit", "sbskit-cli")
# zlib level of the bundle's archives (PyInstaller reads PYINSTALLER_ZLIB_COMPRESSION_LEVEL). 0 stores
# them uncompressed: every start of a one-file program inflates all it carries, and every import from
# the PYZ inflates a module; both are CPU on each call (measured: the one-file CLI's start costs ~80 ms
# less, packaging/README.md). Uncompressed is the choice wherever size does not decide it: the one-folder
# layout (both programs) and the one-file CLI (26 MB instead of 10). The one-file GUI stays compressed
# (its Qt would triple its size).
UNCOMPRESSED = "0"


def zlib_level(mode: str, program: str) -> str | None:
    """The archives' zlib level for one program of one layout (None: PyInstaller's default)."""
    if mode == "onedir" or program == "sbskit-cli":
        return UNCOMPRESSED
    return None


def outputs(mode: str, dist: Path, programs: tuple[str, ...] = PROGRAMS) -> list[Path]:
    """What a build of ``mode`` into ``dist`` produces (the spec decides the names)."""
    if mode == "onedir":
        return [dist / "sbskit"]
    return [dist / f"{name}{EXE_SUFFIX}" for name in programs]


def build(mode: str, dist: Path, work: Path, lean: bool = True, quiet: bool = False,
          programs: tuple[str, ...] = PROGRAMS, clean: bool = False) -> list[Path]:
    """Run PyInstaller with the spec; return the built paths. Raises CalledProcessError on failure.

    One-folder: one run (the programs share ``_internal``). One-file: one run per program, so each
    gets its own compression (see :func:`zlib_level`).
    """
    for stale in outputs(mode, dist, programs):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    runs = [programs] if mode == "onedir" else [(program,) for program in programs]
    for run_programs in runs:
        env = dict(os.environ, SBSKIT_BUNDLE=mode, SBSKIT_BUNDLE_LEAN="1" if lean else "0",
                   SBSKIT_BUNDLE_PROGRAMS=",".join(run_programs))
        level = zlib_level(mode, run_programs[0]) if lean else None
        env.pop("PYINSTALLER_ZLIB_COMPRESSION_LEVEL", None)
        if level is not None:
            env["PYINSTALLER_ZLIB_COMPRESSION_LEVEL"] = level
        command = [
            sys.executable, "-m", "PyInstaller", "--noconfirm", *(["--clean"] if clean else []),
            "--distpath", str(dist), "--workpath", str(work / mode / "-".join(run_programs)),
            "--log-level", "WARN" if quiet else "INFO",
            str(SPEC),
        ]
        subprocess.run(command, check=True, env=env, cwd=REPO)
    built = outputs(mode, dist, programs)
    if mode == "onedir":
        built = [built[0] / f"{name}{EXE_SUFFIX}" for name in programs]
    missing = [str(p) for p in built if not p.exists()]
    if missing:
        raise RuntimeError(f"PyInstaller finished but did not produce {', '.join(missing)}")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("onedir", "onefile", "both"), default="onedir",
                        help="onedir (default): one folder, for installs and the recommended USB stick layout "
                             "(nothing unpacked on the client's PC); onefile: two single executables (two files to "
                             "copy; each start unpacks to a temp folder); both: the two layouts")
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=None, help="PyInstaller work folder (default: build/pyinstaller)")
    parser.add_argument("--no-lean", action="store_true", help="skip the excludes and the Qt file filter (to measure them)")
    parser.add_argument("--only", choices=PROGRAMS, action="append",
                        help="build only this program (repeatable; default: both)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first (release builds)")
    parser.add_argument("--quiet", action="store_true", help="only PyInstaller's warnings")
    args = parser.parse_args(argv)

    work = args.work or REPO / "build" / "pyinstaller"
    modes = ["onedir", "onefile"] if args.mode == "both" else [args.mode]
    for mode in modes:
        dist = (args.dist / mode) if args.mode == "both" else args.dist
        started = time.monotonic()
        try:
            built = build(mode, dist.resolve(), work.resolve(), lean=not args.no_lean, quiet=args.quiet,
                          programs=tuple(args.only or PROGRAMS), clean=args.clean)
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            print(f"build.py: {mode} build failed: {exc}", file=sys.stderr)
            return 1
        seconds = time.monotonic() - started
        shown = [built[0].parent] if mode == "onedir" else built
        for path in shown:
            print(f"{mode}: {path} ({folder_size(path) / 1e6:.1f} MB)")
        print(f"{mode}: built in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
