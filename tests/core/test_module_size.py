"""No module of the kit is over 500 lines: a newcomer reads one in a sitting (issue 17).

The size is read from the module's syntax tree (the line where its last statement ends), so a
file that only fits by losing its trailing blank lines or comments does not count as split.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app" / "sbskit"
LIMIT = 500
MODULES = sorted(APP.rglob("*.py"))


def module_lines(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    ends = [getattr(node, "end_lineno", 0) or 0 for node in tree.body]
    return max(ends, default=0)


def test_modules_are_found():
    assert len(MODULES) > 100 and APP / "core" / "resources.py" in MODULES


def test_no_module_is_over_500_lines():
    over = {p.relative_to(APP).as_posix(): n for p in MODULES if (n := module_lines(p)) > LIMIT}
    assert over == {}, f"split these (by responsibility) below {LIMIT} lines: {over}"


def test_the_measure_counts_code_not_trailing_blank_lines(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text('"""Doc."""\n\nX = 1\n\n\ndef f():\n    return (\n        1\n    )\n\n\n# end\n', encoding="utf-8")
    assert module_lines(sample) == 9
