"""Build boundaries come from windows-releases.json, not from numbers typed into modules."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from sbskit.core.osver import landmarks, releases

APP = Path(__file__).resolve().parents[2] / "app" / "sbskit"
BOUNDARIES = {7600, 9200, 10240, 14393, 22000, 26100}
# Modules of the script checker (being reworked in another branch) still compare against literals;
# they move to landmarks when that work has landed. A NEW module on this list fails the test.
NOT_YET = {"core/osver/scripteval/machines.py", "core/osver/scripteval/meaning.py", "core/osver/scripteval/ps.py"}


def test_landmarks_are_read_from_the_release_table():
    assert landmarks.known_major_minor() == {(4, 0), (4, 10), (4, 90), (5, 0), (5, 1), (5, 2), (6, 0), (6, 1), (6, 2),
                                             (6, 3), (10, 0)}
    assert (landmarks.windows7(), landmarks.windows8(), landmarks.windows10(), landmarks.windows11()) == \
        (7600, 9200, 10240, 22000)
    assert landmarks.server2016() == 14393 and landmarks.without_wmic() == 26100
    change = landmarks.build_change("Windows Server 2008")
    assert (change["from"], change["to"]) == (6002, 6003)


def test_a_new_release_line_moves_the_landmark(monkeypatch):
    """Proof that nothing is hard-wired: a table whose Windows 11 starts elsewhere moves the boundary."""
    table = releases.load_table()
    moved = tuple(dataclasses.replace(r, build=r.build + 5) if r.line == "Windows 11" else r for r in table.releases)
    landmarks.first_build.cache_clear()
    try:
        with monkeypatch.context() as patch:
            patch.setattr(landmarks, "load_table", lambda: dataclasses.replace(table, releases=moved))
            assert landmarks.windows11() == 22005
    finally:
        landmarks.first_build.cache_clear()
    assert landmarks.windows11() == 22000


def _literal_comparisons(path: Path) -> list[int]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                if isinstance(side, ast.Constant) and side.value in BOUNDARIES and type(side.value) is int:
                    found.append(side.lineno)
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "KNOWN_MAJOR_MINOR" for t in targets):
                found.append(node.lineno)
    return found


def test_no_module_compares_against_a_typed_in_build_boundary():
    offenders = {}
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP).as_posix()
        lines = _literal_comparisons(path)
        if lines and rel not in NOT_YET:
            offenders[rel] = lines
    assert offenders == {}, "compare against sbskit.core.osver.landmarks, not a literal build number"
    for rel in NOT_YET:  # the exceptions must still need it, or leave the list
        assert _literal_comparisons(APP / rel), f"{rel} no longer compares literals: remove it from NOT_YET"
