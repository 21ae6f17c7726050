"""``sbskit-cli``: the checks of the kit without a window (the contract: docs/cli.md).

Subcommands are the ``cmd_*.py`` modules of this package, found at start-up, so each
feature adds its own module and nothing else. Module tops import only ``argparse``-level
things; the checks are imported inside ``run`` so ``--help`` and ``--version`` start
fast and Qt is never imported (a test holds us to that).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (start-up time)
    from typing import Sequence

from sbskit import __version__
from sbskit.cli.common import (
    EXIT_INCOMPLETE,
    EXIT_INTERNAL,
    EXIT_USAGE,
    CommandResult,
    OneLineArgumentParser,
    add_common_options,
    error_line,
)
from sbskit.core.errors import CannotCompleteError, UserInputError

EPILOG = """exit status: 0 nothing wrong found, 1 a problem found, 2 bad usage or unusable input,
3 checks could not be completed, 4 internal error (details in the log).
SBSKIT_HOME=DIR keeps every file the kit writes in DIR (portable mode)."""


def command_modules() -> list:
    """The subcommand modules, in name order."""
    package = sys.modules[__name__]
    names = set()
    for folder in package.__path__:  # a plain folder listing: pkgutil costs start-up time
        try:
            names.update(f[:-3] for f in os.listdir(folder) if f.startswith("cmd_") and f.endswith(".py"))
        except OSError:
            pass
    if not names:  # frozen bundle: no .py files on disk, ask the importers
        names = {name for name in _frozen_module_names() if name.startswith("cmd_")}
    names = sorted(names)
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def named_module(argv: Sequence[str]):
    """The one subcommand module ``argv[0]`` names, or None (then every subcommand is loaded).

    ``sbskit-cli blacklist ...`` then imports and builds only the blacklist parser: start-up
    time no longer grows with the number of subcommands (it is benchmarked).
    """
    if not argv or argv[0].startswith("-"):
        return None
    name = argv[0]
    filename = "cmd_" + name.replace("-", "_")
    if not filename.replace("_", "").isalnum() or not filename.isascii():
        return None
    if getattr(sys, "frozen", False):
        exists = filename in _frozen_module_names()  # no .py files in a bundle
    else:
        exists = any(os.path.isfile(os.path.join(folder, filename + ".py")) for folder in sys.modules[__name__].__path__)
    if exists:
        module = importlib.import_module(f"{__name__}.{filename}")
        return module if getattr(module, "NAME", None) == name else None
    return None


def _frozen_module_names() -> set[str]:
    """The modules of this package inside a PyInstaller bundle, from its archive's table of contents.

    (PyInstaller's pkgutil hook would answer too, but importing pkgutil on every start of the
    bundled CLI costs more than the rest of its start-up; the spec leaves that hook out.)
    """
    try:
        import pyimod02_importers  # PyInstaller's bootstrap module, present only in a bundle

        node = pyimod02_importers.get_pyz_toc_tree()
        for part in __name__.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict) and node:
            return set(node)
    except (ImportError, AttributeError):
        pass
    import pkgutil

    return {m.name for m in pkgutil.iter_modules(sys.modules[__name__].__path__)}


def build_parser(modules: list | None = None) -> argparse.ArgumentParser:
    """The whole parser; ``modules`` limits the subcommands (default: all of them)."""
    parser = OneLineArgumentParser(
        prog="sbskit-cli",
        description="SBS Admin Kit checks from the command line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sbskit-cli {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineArgumentParser)
    for module in command_modules() if modules is None else modules:
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=getattr(module, "DESCRIPTION", module.HELP))
        module.add_arguments(cmd)
        add_common_options(cmd)
        cmd.set_defaults(_module=module)
    return parser


def console_main() -> int:
    """The installed ``sbskit-cli`` and the bundled executable: :func:`main` in a process that ends with it.

    Such a process has no use for Python's cycle collector. A command that makes many small
    objects (a blocklist sweep: every answer is held in a cycle with its callbacks) runs with
    the collector off, and on the way out every object is frozen, so the interpreter's last
    full collection (about a tenth of a /24 sweep) does not run for memory the OS takes back.
    """
    return main(one_shot=True)


def main(argv: Sequence[str] | None = None, one_shot: bool = False) -> int:
    """Run one command; the exit status. Called in-process, it leaves the collector as it found it."""
    import gc

    collecting = gc.isenabled()
    try:
        return _main(argv)
    finally:
        if one_shot:
            gc.freeze()
        elif collecting and not gc.isenabled():
            gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    single = named_module(argv)
    parser = build_parser([single] if single is not None else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed as one line
        return int(exc.code or 0)
    module = getattr(args, "_module", None)
    if module is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        _pdf_possible(args)
        _warn_about_overrides()
        result: CommandResult = module.run(args)
        result.emit(args)
        return result.exit_code
    except CannotCompleteError as exc:  # first: a store that cannot be used is both (exit 3, not 2)
        error_line(str(exc))
        return EXIT_INCOMPLETE
    except UserInputError as exc:
        error_line(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        error_line("interrupted; the checks were not completed")
        return EXIT_INCOMPLETE
    except BrokenPipeError:
        return EXIT_INCOMPLETE
    except Exception as exc:  # a bug: one line for the user, the traceback in the log
        where = _log_internal_error(exc)
        error_line(f"internal error: {type(exc).__name__}: {exc} (details in {where})")
        return EXIT_INTERNAL


def _warn_about_overrides() -> None:
    """A newer data file in the override folder that the kit does not use: one warning line on stderr."""
    from sbskit.cli.common import warn
    from sbskit.core import resources

    resources.on_warning = lambda line: warn(f"warning: {line}")


def _pdf_possible(args: argparse.Namespace) -> None:
    """A PDF asked of a build that cannot make one (the one-file sbskit-cli has no Qt) fails before any
    check runs: one line, exit 3, instead of a finished check and no report."""
    wanted = [getattr(args, name, None) for name in ("report", "memo")]
    if any(str(path).lower().endswith(".pdf") for path in wanted if path):
        from sbskit.documents.files import check_pdf_possible

        check_pdf_possible()


def _log_internal_error(exc: BaseException) -> str:
    try:
        import logging  # only on this error path: logging costs start-up time

        from sbskit.core.logsetup import setup_logging

        path = setup_logging()
        logging.getLogger("sbskit.cli").error("internal error", exc_info=exc)
        return str(path) if path else "no log: the kit's folder is read-only"
    except Exception:
        return "no log: the log folder cannot be written"

