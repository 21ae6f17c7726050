"""The layers of the kit, read from the source (AST), so a wrong import fails here and not in the field.

The contract (README's layout section):
- ``sbskit.core`` never imports PySide6, ``sbskit.ui``, ``sbskit.cli`` or ``sbskit.documents``;
- ``sbskit.cli`` never imports ``sbskit.ui`` or PySide6, and ``sbskit.documents`` only lazily
  (inside a function), so ``sbskit-cli`` starts without Qt;
- ``sbskit.documents`` never imports ``sbskit.ui`` or ``sbskit.cli``;
- outside the GUI there is exactly one Qt edge: ``sbskit.documents.pdf`` (QtGui renders the PDF),
  imported lazily and only by ``sbskit.documents.files``;
- no import cycle between the kit's modules, lazy imports included (a lazy import must not be the
  way a cycle is hidden).

"Lazy" means inside a function; imports under ``if TYPE_CHECKING:`` are not run and are ignored.
Imports by string (``importlib.import_module``) are invisible here; the subprocess tests below and
tests/core/test_core_without_qt.py cover what actually gets loaded.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app"
QT = ("PySide6", "shiboken6")
QT_EDGE = "sbskit.documents.pdf"  # the one documented Qt module outside sbskit.ui
QT_EDGE_IMPORTER = "sbskit.documents.files"
GUI = ("sbskit.ui", "sbskit.__main__")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    lazy: bool
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}{' (lazily)' if self.lazy else ''}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, modules: set[str]) -> None:
        self.module, self.is_package, self.modules = module, is_package, modules
        self.depth = 0
        self.edges: list[Edge] = []

    def _add(self, target: str, node: ast.AST) -> None:
        if target != self.module:
            self.edges.append(Edge(self.module, target, self.depth > 0, node.lineno))

    def _function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in self.modules]
        for name in submodules:
            self._add(name, node)
        if len(submodules) < len(node.names):  # some names come from the package itself
            self._add(base, node)


def _graph() -> tuple[set[str], list[Edge]]:
    files = sorted((APP / "sbskit").rglob("*.py"))
    modules = {_module_name(p) for p in files}
    edges: list[Edge] = []
    for path in files:
        collector = _Collector(_module_name(path), path.name == "__init__.py", modules)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        edges.extend(collector.edges)
    return modules, edges


MODULES, EDGES = _graph()


def _in(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_graph_sees_the_whole_kit():
    assert len(MODULES) > 100
    for name in ("sbskit.core.report", "sbskit.cli.common", "sbskit.ui.shell.main_window", QT_EDGE, QT_EDGE_IMPORTER):
        assert name in MODULES
    assert any(e.source == "sbskit.cli.common" and e.target == QT_EDGE_IMPORTER and e.lazy for e in EDGES)
    assert any(e.source == QT_EDGE and e.target.startswith("PySide6.QtGui") for e in EDGES)


def test_core_imports_neither_qt_nor_the_shells_nor_documents():
    bad = [str(e) for e in EDGES if _in(e.source, "sbskit.core")
           and _in(e.target, *QT, "sbskit.ui", "sbskit.cli", "sbskit.documents")]
    assert bad == []


def test_cli_never_imports_the_gui_or_qt_and_documents_only_lazily():
    cli = [e for e in EDGES if _in(e.source, "sbskit.cli")]
    assert [str(e) for e in cli if _in(e.target, *QT, "sbskit.ui")] == []
    assert [str(e) for e in cli if _in(e.target, "sbskit.documents") and not e.lazy] == []


def test_documents_never_imports_the_shells():
    bad = [str(e) for e in EDGES if _in(e.source, "sbskit.documents") and _in(e.target, "sbskit.ui", "sbskit.cli")]
    assert bad == []


def test_exactly_one_qt_edge_outside_the_gui_and_it_is_lazy():
    qt_users = {e.source for e in EDGES if _in(e.target, *QT) and not _in(e.source, *GUI)}
    assert qt_users == {QT_EDGE}
    outside_gui = [e for e in EDGES if e.target == QT_EDGE and not _in(e.source, *GUI)]
    assert [(e.source, e.lazy) for e in outside_gui] == [(QT_EDGE_IMPORTER, True)]


def _closure(roots: list[str], *, lazy: bool, skip: tuple[str, ...] = ()) -> set[str]:
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for e in EDGES:
            if e.source == name and (lazy or not e.lazy) and not _in(e.target, *skip):
                if _in(e.target, *QT):
                    seen.add(e.target)
                elif e.target in MODULES:
                    todo.append(e.target)
    return seen


def test_starting_the_cli_loads_no_qt_and_every_cli_path_to_qt_goes_through_the_one_edge():
    roots = sorted(m for m in MODULES if _in(m, "sbskit.cli"))
    eager = _closure(roots, lazy=False)
    assert sorted(m for m in eager if _in(m, *QT, "sbskit.ui", "sbskit.documents")) == []
    everything = _closure(roots, lazy=True)
    assert QT_EDGE in everything  # --report FILE.pdf really reaches the renderer
    assert sorted(m for m in _closure(roots, lazy=True, skip=(QT_EDGE,)) if _in(m, *QT, "sbskit.ui")) == []


def _cycles(edges: list[Edge]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative enough for ~200 nodes)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if e.target in MODULES:
            graph.setdefault(e.source, set()).add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_lazy_imports_included():
    assert _cycles(EDGES) == []


def test_the_cycle_finder_finds_a_cycle():
    fake = [Edge("sbskit.core.report", "sbskit.core.errors", False, 1),
            Edge("sbskit.core.errors", "sbskit.core.report", True, 1)]
    assert _cycles(fake) == [["sbskit.core.errors", "sbskit.core.report"]]


# What actually gets loaded: the installed `sbskit-cli` script with PySide6 made unimportable.
BLOCK_QT = '''
import sys

class _BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, _BlockQt())
'''


def _cli_script() -> Path:
    """The console script pip installed for this Python (``bin/`` of a venv, ``Scripts\\`` on Windows)."""
    folder = Path(sysconfig.get_path("scripts"))
    script = folder / ("sbskit-cli.exe" if os.name == "nt" else "sbskit-cli")
    assert script.is_file(), f"no {script.name} in {folder}: install the kit with pip install -e ."
    return script


@pytest.fixture
def qtless(tmp_path, monkeypatch):
    """Run the installed ``sbskit-cli`` in a process where ``import PySide6`` fails."""
    site = tmp_path / "blocker"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK_QT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(APP)]), SBSKIT_HOME=str(tmp_path / "home"))
    env.pop("QT_QPA_PLATFORM", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(_cli_script()), *args], capture_output=True, text=True, timeout=120, env=env,
                              cwd=tmp_path, stdin=subprocess.DEVNULL)

    probe = subprocess.run([sys.executable, "-c", "import PySide6"], capture_output=True, text=True, env=env,
                           timeout=60)
    assert probe.returncode != 0 and "blocked in this test" in probe.stderr, "the Qt blocker did not load"
    return run


def test_sbskit_cli_starts_and_writes_html_without_qt(qtless, tmp_path):
    for args in (("--version",), ("--help",), ("paths", "--help")):
        proc = qtless(*args)
        assert proc.returncode == 0, proc.stderr
    report = tmp_path / "paths.html"
    proc = qtless("paths", "--json", "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert '"' in proc.stdout  # the JSON document still came out


def test_sbskit_cli_pdf_without_qt_is_one_clear_line_and_exit_3(qtless, tmp_path):
    report = tmp_path / "p.pdf"
    proc = qtless("paths", "--report", str(report))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("sbskit-cli: error: cannot write a PDF: it needs Qt (PySide6 QtGui)")
    assert ".html instead" in lines[0]
    assert "Traceback" not in proc.stderr
    assert not report.exists()
