"""``python -m sbskit`` starts the desktop app, like the ``sbskit`` script."""

from sbskit.ui.app import main

raise SystemExit(main())
