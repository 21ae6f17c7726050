"""PyInstaller entry for the console ``sbskit-cli`` executable (same as the ``sbskit-cli`` script)."""

from sbskit.cli import console_main

raise SystemExit(console_main())
