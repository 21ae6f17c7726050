"""``sbskit``: start the desktop app, or render every tab to PNG with ``--screenshots DIR``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Sequence

from sbskit import APP_ID, APP_NAME, __version__

log = logging.getLogger("sbskit")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="sbskit", description=f"{APP_NAME}: the desktop app.")
    parser.add_argument("--version", action="version", version=f"sbskit {__version__}")
    parser.add_argument("--screenshots", metavar="DIR", type=Path, help="render every tab to DIR/NN-name.png and exit")
    parser.add_argument("--force", action="store_true", help="with --screenshots: overwrite existing PNGs")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system", help="colour scheme")
    return parser.parse_args(argv)


SCREENSHOT_SIZE = (1100, 740)  # logical pixels; x2 at 200% scaling


def screenshot_names(window) -> list[str]:
    return [f"{i:02d}-{tab.slug}.png" for i, tab in enumerate(window.tab_widgets, start=1)]


def render_screenshots(window, folder: Path, force: bool) -> list[Path]:
    """Write one PNG per tab; refuse (FileExistsError) before writing anything if one exists."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / name for name in screenshot_names(window)]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(p) for p in existing))
    window.persist_state = False  # a screenshot run must not change the user's saved window
    window.resize(*SCREENSHOT_SIZE)  # the same framing every time, whatever was saved
    window.show()
    written = []
    for index, (tab, target) in enumerate(zip(window.tab_widgets, targets)):
        window.tabs.setCurrentIndex(index)
        tab.prepare_screenshot()
        written.append(window.save_screenshot(target, overwrite=True))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    from sbskit.ui.common.platform_check import normalise_qt_args, split_qt_args, startup_problem, take_style

    qt_args, own_args = split_qt_args(sys.argv[1:] if argv is None else argv)  # -platform, -style... are Qt's
    style, qt_args = take_style(normalise_qt_args(qt_args))
    args = parse_args(own_args)
    if args.screenshots and "QT_QPA_PLATFORM" not in os.environ and sys.platform.startswith("linux") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and "-platform" not in qt_args:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    problem = startup_problem(qt_args)
    if problem:  # Qt would abort (exit 134), its reason misleading or only in the log
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from sbskit.core.logsetup import setup_logging
    from sbskit.core.paths import app_paths
    from sbskit.ui.common.crash import CrashHandler, install_qt_message_handler, starting_qt
    from sbskit.ui.common.theme import apply_theme, known_style

    paths = app_paths()
    try:
        paths.ensure()
        log_file = setup_logging()
    except OSError as exc:
        print(f"sbskit: error: cannot create the kit's folders: {exc}", file=sys.stderr)
        return 2
    install_qt_message_handler()
    crash = CrashHandler()
    crash.install()
    log.info("%s %s starting (storage %s, logs %s)", APP_NAME, __version__, paths.mode, log_file)

    with starting_qt():  # a platform plugin that still fails: Qt's own reason and exit 2, never an abort
        app = QApplication.instance() or QApplication(sys.argv[:1] + qt_args)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_ID)
    app.setApplicationVersion(__version__)
    if style and not known_style(style):
        from PySide6.QtWidgets import QStyleFactory

        print(f"sbskit: there is no style {style!r} here (available: {', '.join(QStyleFactory.keys())}); "
              "using Fusion", file=sys.stderr)
    apply_theme(app, args.theme, style if style and known_style(style) else "Fusion")

    instance = None
    if not args.screenshots:
        from sbskit.ui.single_instance import ask_running_copy, server_name

        instance_name = server_name(paths.data)
        answer = ask_running_copy(instance_name)
        if answer == "raised":
            print(f"sbskit: {APP_NAME} is already running with this data folder ({paths.data}); "
                  "its window was brought forward.")
            log.info("another copy is running with %s: brought it forward, exiting", paths.data)
            return 0

    from sbskit.ui.shell.main_window import MainWindow, app_icon

    app.setWindowIcon(app_icon())
    window = MainWindow(paths=paths)
    if not args.screenshots:
        instance = start_instance_server(window, instance_name, answer)
        if instance.handed_over:  # two starts in the same instant (a double-click): the other won
            print(f"sbskit: {APP_NAME} was started twice at once with this data folder ({paths.data}); "
                  "the other window was brought forward.")
            log.info("started at the same instant as another copy with %s: it came forward, exiting", paths.data)
            instance.close()
            window.persist_state = False
            window.close()
            return 0
    if args.screenshots:
        try:
            written = render_screenshots(window, args.screenshots, args.force)
        except FileExistsError as exc:
            print(f"sbskit: error: not overwriting existing screenshots ({exc}); use --force", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"sbskit: error: screenshots not written: {exc}", file=sys.stderr)
            return 2
        for path in written:
            print(path)
        window.close()
        return 0
    window.show()
    try:
        return app.exec()
    finally:
        if instance is not None:
            instance.close()


def start_instance_server(window, name: str, answer: str):
    """Listen for later starts of the kit on the same data folder; warn when another copy holds it."""
    from sbskit.ui.single_instance import InstanceServer, ask_running_copy, bring_forward

    server = InstanceServer(name, window)
    server.raise_requested.connect(lambda: bring_forward(window))
    listening = server.listen()
    if not listening and answer != "silent" and ask_running_copy(name) == "raised":
        server.handed_over = True  # started in the same instant as another copy, which now answers
        return server
    if answer == "silent" or not listening:
        log.warning("another copy holds the data folder's socket and did not answer: warning shown")
        window.show_warning("Another copy of the kit is using this data folder and did not answer. Both can work "
                            "(every save is one transaction), but close one of them to avoid confusion.")
    return server


if __name__ == "__main__":
    raise SystemExit(main())
