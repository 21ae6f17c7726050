"""``python -m sbskit.cli`` is ``sbskit-cli``."""

from sbskit.cli import console_main

raise SystemExit(console_main())
