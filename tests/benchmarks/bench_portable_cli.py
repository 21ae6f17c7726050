"""The portable sbskit-cli (one-file, and the one-folder layout's) against the installed one, same run.

``python tests/benchmarks/bench_portable_cli.py [--onefile EXE] [--onedir EXE] [--rounds N]``

Builds the one-file ``sbskit-cli`` and the one-folder layout with packaging/build.py unless given,
starts the blacklist tests' BIND on loopback, and times whole processes, alternating the
programs round by round so machine noise hits all alike:

* ``osver --text ...``, ``blacklist IP --resolver <loopback BIND>``, ``paths``, each with
  ``--report FILE.html``;
* per program: the median wall time and the median CPU time (user + system of the process and its
  children, from ``wait4``: steadier than wall time on a busy machine), and their ratio to the
  installed ``sbskit-cli`` (the console script beside this Python). Goal: under 2x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "blacklist"), str(REPO / "tests")]
GOAL = 2.0


def build(tmp: Path) -> tuple[Path, Path]:
    """(one-file sbskit-cli, one-folder sbskit-cli), built from this checkout."""
    exe = ".exe" if sys.platform == "win32" else ""
    for mode, only in (("onefile", ["--only", "sbskit-cli"]), ("onedir", ["--only", "sbskit-cli"])):
        started = time.monotonic()
        subprocess.run([sys.executable, str(REPO / "packaging" / "build.py"), "--mode", mode, *only,
                        "--dist", str(tmp / mode), "--work", str(tmp / "work"), "--quiet"],
                       check=True, capture_output=True, text=True)
        print(f"built {mode} in {time.monotonic() - started:.0f} s")
    return tmp / "onefile" / f"sbskit-cli{exe}", tmp / "onedir" / "sbskit" / f"sbskit-cli{exe}"


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            stdin=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):
        raise RuntimeError(f"{command} exited {code}: {proc.stderr.read().decode(errors='replace')[-500:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def bind_world():
    """(BindServer, the listed test address, build_world): the shared server plugin (tests/servers/bind.py)
    and the blacklist tests' zones, importable from any working folder (tests/ is on sys.path above)."""
    from servers.bind import BindServer
    from blacklist_world import LISTED_IP, build_world

    return BindServer, LISTED_IP, build_world


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", type=Path, help="a built one-file sbskit-cli (default: build one)")
    parser.add_argument("--onedir", type=Path, help="the sbskit-cli of a built one-folder layout (default: build)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--also", action="append", default=[], metavar="NAME=EXE",
                        help="time another build too, e.g. before=dist-old/sbskit-cli (repeatable)")
    args = parser.parse_args(argv)
    if not hasattr(os, "wait4"):
        print("needs os.wait4 (Linux, macOS) for CPU times", file=sys.stderr)
        return 2

    BindServer, LISTED_IP, build_world = bind_world()

    installed = Path(sys.executable).parent / ("sbskit-cli.exe" if sys.platform == "win32" else "sbskit-cli")
    with tempfile.TemporaryDirectory(prefix="bench-portable-") as folder:
        tmp = Path(folder)
        onefile, onedir = args.onefile, args.onedir
        if onefile is None or onedir is None:
            built_onefile, built_onedir = build(tmp)
            onefile, onedir = onefile or built_onefile, onedir or built_onedir
        print(f"sizes: one-file {onefile.stat().st_size / 1e6:.1f} MB")
        bind = BindServer(tmp / "bind")
        build_world(bind)
        bind.start()
        try:
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
            env.update(SBSKIT_HOME=str(tmp / "kit-home"), TMPDIR=str(tmp / "pc-tmp"))
            (tmp / "pc-tmp").mkdir()
            report = str(tmp / "report.html")
            checks = {
                "osver": ["osver", "--text", "Microsoft Windows [Version 6.0.6003]", "--report", report],
                "blacklist": ["blacklist", LISTED_IP, "--resolver", bind.address, "--zone", "zen.spamhaus.org",
                              "--zone", "good.bl.test", "--timeout", "2", "--report", report],
                "paths": ["paths", "--report", report],
            }
            programs = {"installed": [str(installed)], "one-file": [str(onefile)], "one-folder": [str(onedir)]}
            programs.update({name: [exe] for name, _sep, exe in (item.partition("=") for item in args.also)})
            for command in programs.values():  # warm the page cache once, like a second call on a stick
                run_once(command + checks["paths"], env)
            print(f"{args.rounds} rounds, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            worst = 0.0
            for check, check_args in checks.items():
                times: dict[str, list[tuple[float, float]]] = {name: [] for name in programs}
                for _ in range(args.rounds):
                    for name, command in programs.items():
                        times[name].append(run_once(command + check_args, env))
                base_wall = statistics.median(w for w, _c in times["installed"])
                base_cpu = statistics.median(c for _w, c in times["installed"])
                parts = []
                for name in programs:
                    wall = statistics.median(w for w, _c in times[name])
                    cpu = statistics.median(c for _w, c in times[name])
                    parts.append(f"{name} {wall * 1000:5.0f} ms ({wall / base_wall:4.2f}x) cpu {cpu * 1000:4.0f} ms "
                                 f"({cpu / base_cpu:4.2f}x)")
                    if name in ("one-file", "one-folder"):
                        worst = max(worst, cpu / base_cpu)
                print(f"{check:9} " + " | ".join(parts))
            leftovers = sorted(p.name for p in (tmp / "pc-tmp").iterdir())
            print(f"unpack folders left in the temp folder: {leftovers or 'none'}")
        finally:
            bind.stop()
    print(f"RATIO worst portable/installed CPU = {worst:.2f}x (goal: under {GOAL:.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
