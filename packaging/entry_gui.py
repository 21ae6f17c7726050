"""PyInstaller entry for the windowed ``sbskit`` executable (same as the ``sbskit`` script)."""

from sbskit.ui.app import main

raise SystemExit(main())
