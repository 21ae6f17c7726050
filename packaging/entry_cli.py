"""PyInstaller entry for the console ``sbskit-cli`` executable (same as the ``sbskit-cli`` script)."""

from sbskit.cli import main

raise SystemExit(main())
