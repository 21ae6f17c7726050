"""``sbskit-cli paths``: where the kit keeps settings, logs and data on this machine."""

from __future__ import annotations

import argparse

NAME = "paths"
HELP = "show where settings, logs, data and reports are kept (and whether portable mode is on)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace):
    from sbskit.cli.common import EXIT_OK, CommandResult
    from sbskit.core import resources
    from sbskit.core.paths import app_paths

    paths = app_paths()
    doc = {
        "mode": paths.mode,
        "read_only": paths.read_only,
        "root": str(paths.root) if paths.root else None,
        "settings": str(paths.settings),
        "data": str(paths.data),
        "logs": str(paths.logs),
        "cache": str(paths.cache),
        "reports": str(paths.reports),
        "warning": paths.warning,
        "resources": None,
        "resources_override": str(resources.override_root()),
    }
    try:
        doc["resources"] = str(resources.resources_root())
        sources = resources.data_sources()
        problem = None
    except (OSError, ValueError) as exc:  # a broken installation: this command is how one finds out
        sources, problem = [], " ".join(str(exc).split())
    width = max(len(k) for k in doc)
    lines = [f"{k.ljust(width)}  {v if v is not None else '-'}" for k, v in doc.items()]
    doc["data_files"] = [s.as_dict() for s in sources]
    lines.append("data files (the copy in use):" if problem is None else f"data files: {problem}")
    for s in sources:
        lines.append(f"  {s.name}  {s.version or '-'}  {s.origin}" + (f"  ({s.note})" if s.note else ""))
    text = "\n".join(lines)
    return CommandResult(EXIT_OK, doc, text, title="SBS Admin Kit folders")
