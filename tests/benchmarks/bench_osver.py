"""Benchmark: OS identification and script checking, as ratios against baselines measured
in the same run (so the numbers mean the same on a slow CI runner and a fast laptop).

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
from sbskit.core.osver.lint import lint_text  # noqa: E402
from sbskit.core.osver.snippet import PRESETS, generate  # noqa: E402
from sbskit.core.osver.textio import read_file  # noqa: E402

CORPUS = ROOT / "tests" / "osver" / "corpus"


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / repeat


def main() -> None:
    texts = [read_file(p)[0] for p in sorted(CORPUS.iterdir())]
    naive = re.compile(r"\d+\.\d+\.\d+")

    def baseline_identify():  # what a script does: find the first dotted number
        for t in texts:
            naive.search(t)

    def kit_identify():
        for t in texts:
            identify_text(t)

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
