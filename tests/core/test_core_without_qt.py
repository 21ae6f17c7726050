"""sbskit.core must import in a process where PySide6 cannot be imported at all."""

import subprocess
import sys

BLOCK_QT_AND_IMPORT_CORE = r"""
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, BlockQt())
try:
    import PySide6  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("the blocker failed: PySide6 imported")

import sbskit.core
names = [m.name for m in pkgutil.walk_packages(sbskit.core.__path__, "sbskit.core.")]
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
print(len(names), "modules;", "leaked:", leaked)
raise SystemExit(1 if leaked else 0)
"""


def test_every_core_module_imports_with_pyside6_blocked(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", BLOCK_QT_AND_IMPORT_CORE], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    count = int(proc.stdout.split()[0])
    assert count >= 6  # jobs, errors, paths, settings, logsetup, report, resources, ...


def test_cli_version_and_help_do_not_import_qt():
    code = (
        "import sys; from sbskit.cli import main\n"
        "for argv in (['--version'], ['--help'], ['paths', '--json']):\n"
        "    try: main(argv)\n"
        "    except SystemExit: pass\n"
        "leaked = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "sys.stderr.write(repr(leaked)); raise SystemExit(1 if leaked else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
