"""Rotating log file in the kit's log folder; the GUI routes Qt's messages here too."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from sbskit.core.paths import app_paths

LOG_FILE = "sbskit.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(level: int = logging.INFO, log_dir: Path | None = None) -> Path | None:
    """Attach one rotating file handler to the root logger (idempotent); return the file.

    On a read-only stick there is no log file (None): the kit writes nothing to the PC.
    """
    if log_dir is None and app_paths().read_only:
        logging.getLogger().setLevel(min(logging.getLogger().level or level, level))
        return None
    folder = log_dir or app_paths().logs
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path
