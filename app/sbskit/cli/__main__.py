"""``python -m sbskit.cli`` is ``sbskit-cli``."""

from sbskit.cli import main

raise SystemExit(main())
