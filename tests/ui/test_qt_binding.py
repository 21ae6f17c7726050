"""Guard against a Qt binding that leaks references to ``None``.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every Qt call that
returns nothing; after a few thousand calls the interpreter aborts ("none_dealloc").
pyproject.toml pins below 6.12 for that reason; this test fails if an install brings
such a binding back, before the app crashes in a client's hands.
"""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

PROBE = """
import sys
from PySide6.QtCore import QObject
o = QObject()
before = sys.getrefcount(None)
for _ in range(20_000):
    o.setObjectName("x")
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_do_not_leak_none_references():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert abs(int(proc.stdout.strip())) < 100, "this PySide6 leaks references to None; see pyproject.toml"
