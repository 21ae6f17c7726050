"""The POP3-risk core and its CLI commands import without Qt (PySide6 blocked)."""

from __future__ import annotations

import subprocess
import sys



def test_mailprobe_core_and_cli_import_without_qt():
    code = (
        "import sys, importlib, pkgutil\n"
        "sys.modules['PySide6'] = None\n"
        "import sbskit.core.mailprobe as m\n"
        "for info in pkgutil.iter_modules(m.__path__):\n"
        "    importlib.import_module('sbskit.core.mailprobe.' + info.name)\n"
        "import sbskit.cli.cmd_mailprobe, sbskit.cli.cmd_relaytest\n"
        "print('clean')\n"
    )
    import os

    app_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "app")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": app_dir})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "clean"
