"""The main window: four tabs, File and Help menus, a status bar, a warning bar.

It owns no checks; tabs do their own work through ``sbskit.core`` and workers.
Dialogs are attributes (``ask_save_path``, ``show_about``) so tests drive them
without modal windows.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QByteArray, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbskit import APP_NAME, __version__
from sbskit.core.paths import AppPaths, app_paths
from sbskit.core.report import Report
from sbskit.core.resources import data_versions, resource_path
from sbskit.core.settings import Settings
from sbskit.ui.shell.client_runs import ClientRuns
from sbskit.ui.shell.report_dialog import ReportOptions
from sbskit.ui.shell.report_export import ReportExport
from sbskit.ui.common.tab_base import KitTab
from sbskit.ui.shell.tabs import TABS
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.common.screen_fit import all_available_rects, available_rect, fit_rect, fits_any, install_dialog_fitter
from sbskit.ui.common.text_dialog import show_text
from sbskit.ui.common.scroll_into_view import FocusScroller
from sbskit.ui.common.shortcut_priority import ShortcutPriority
from sbskit.ui.common.spill_guard import SpillGuard
from sbskit.ui.common.wheel_guard import install_wheel_guard
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.profiles.client_menu import ClientFollow

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    return QIcon(str(resource_path("art", "sbskit.svg")))


def override_notes() -> str:
    """About's lines on the newer data files in the override folder: which is used, which not and why."""
    import html

    from sbskit.core.resources import data_sources, override_root

    try:
        notes = [s.note for s in data_sources() if s.note]
    except (OSError, ValueError) as exc:
        notes = [f"the override folder cannot be read: {exc}"]
    if not notes:
        return ""
    lines = "".join(f"<tr><td colspan=2>{html.escape(n)}</td></tr>" for n in notes)
    return f"<tr><td colspan=2><b>Newer data files</b> ({html.escape(str(override_root()))})</td></tr>{lines}"


def with_access_key(text: str, taken: set[str]) -> str:
    """``text`` with an access key (&) no other item of its menu uses: a word's first letter if
    one is free, else any free letter (``taken`` collects them)."""
    words = [i for i, c in enumerate(text) if c.isalnum() and (i == 0 or not text[i - 1].isalnum())]
    for index in words + [i for i, c in enumerate(text) if c.isalnum()]:
        if text[index].lower() not in taken:
            taken.add(text[index].lower())
            return text[:index] + "&" + text[index:]
    return text


class MainWindow(ClientFollow, QMainWindow):
    PREFERRED_SIZE = (1100, 740)  # logical pixels, on a screen with room for it
    def __init__(self, settings: Settings | None = None, paths: AppPaths | None = None) -> None:
        super().__init__()
        install_wheel_guard()  # before any tab builds its combo boxes
        install_dialog_fitter()
        FocusScroller.install()  # Tab or an Alt+letter scrolls the focused field into view
        self.shortcut_priority = ShortcutPriority.install()  # Ctrl+E in a text field still exports
        SpillGuard.install()  # a view that repaints outside its scroll area is painted over again
        self.settings = settings or Settings()
        self.paths = paths or app_paths()
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.ask_save_path: Callable[[str], str] = self._ask_save_path
        self.show_about: Callable[[], None] = self._show_about
        self.runs = ClientRuns(self)
        self.reports = ReportExport(self)
        self.ask_report_options: Callable[[], ReportOptions | None] = self.reports.ask_options
        self.show_error: Callable[[str], None] = lambda text: QMessageBox.warning(self, APP_NAME, text)
        self.show_info: Callable[[str, str], None] = lambda title, text: show_text(self, title, text)
        self.show_rerun: Callable[[object], None] = self._show_rerun  # the re-run's result (tests replace it)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.warning_bar = QLabel()
        self.warning_bar.setObjectName("warningBar")
        self.warning_bar.setWordWrap(True)
        self.warning_bar.setContentsMargins(12, 8, 12, 8)
        self.warning_bar.setVisible(False)
        layout.addWidget(self.warning_bar)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._built: list[KitTab | None] = [None] * len(TABS)
        self._holders: list[QWidget] = []
        for spec in TABS:
            holder = QWidget()
            holder_layout = QVBoxLayout(holder)
            holder_layout.setContentsMargins(0, 0, 0, 0)
            # a small or scaled screen scrolls a tab instead of cutting off its bottom
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(holder)
            self.tabs.addTab(scroller, spec.title)
            self._holders.append(holder)
        self.tabs.currentChanged.connect(self.ensure_tab)

        self.persist_state = True
        self.current_client: str = ""
        self.choose_profile: Callable[[str], str | None] = self._choose_profile
        self.client_label = QLabel()
        self.client_label.setContentsMargins(8, 0, 8, 0)
        self.statusBar().addPermanentWidget(self.client_label)
        self.tabs.currentChanged.connect(lambda _i: self.statusBar().clearMessage())  # one tab's news is not another's
        self._build_menus()
        self.set_current_client(self.settings.get("client/current", "") or "")
        self.check_saved_client()  # renamed or removed since the last start: back to "no client", said so
        self.statusBar().showMessage("Ready", 3000)
        if self.paths.warning:
            self.show_warning(self.paths.warning)
        self._restore_state()
        self.ensure_tab(self.tabs.currentIndex())
        QTimer.singleShot(150, self, self._build_next_tab)  # the rest right after the first paint

    # --- tabs ----------------------------------------------------------------------------
    def ensure_tab(self, index: int) -> KitTab:
        """The tab at ``index``, built (imported and constructed) on first use."""
        tab = self._built[index]
        if tab is None:
            tab = TABS[index].load()()
            tab.status_message.connect(self.statusBar().showMessage)
            tab.run_completed.connect(self.record_run)
            self._holders[index].layout().addWidget(tab)
            self._built[index] = tab
            if self.current_client:
                tab.client_changed(self.current_client)
        return tab

    def _build_next_tab(self) -> None:
        """Build one more tab per turn of the event loop, so the window stays responsive."""
        for index, tab in enumerate(self._built):
            if tab is None:
                self.ensure_tab(index)
                QTimer.singleShot(0, self, self._build_next_tab)
                return

    @property
    def tab_widgets(self) -> list[KitTab]:
        """Every tab, built if need be (screenshots, tests)."""
        return [self.ensure_tab(i) for i in range(len(TABS))]

    def built_tabs(self) -> list[KitTab]:
        return [tab for tab in self._built if tab is not None]

    # --- menus -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.action_save_screenshot = self._action(
            "&Save screenshot of this tab...", self.save_screenshot_interactive, QKeySequence("Ctrl+Shift+S")
        )
        self.action_copy_screenshot = self._action("&Copy screenshot to clipboard", self.copy_screenshot)
        self.action_export_report = self._action("&Export report...", self.export_report, QKeySequence("Ctrl+E"))
        self.action_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        for action in (self.action_save_screenshot, self.action_copy_screenshot, self.action_export_report):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)

        client_menu = self.menuBar().addMenu("&Client")
        self.action_choose_client = self._action("Client &profiles...", self.choose_client, QKeySequence("Ctrl+Shift+P"))
        self.action_no_client = self._action("&Work without a client", lambda: self.set_current_client(""))
        self.action_recheck = self._action("&Re-run this client's checks", self.recheck_client, QKeySequence("Ctrl+R"))
        self.action_recheck.setToolTip("Blocklists for the client's IPs and domains, the exposure probe for its mail "
                                       "hosts; then what changed since the last visit (Ctrl+R, from every tab)")
        client_menu.addAction(self.action_choose_client)
        client_menu.addAction(self.action_recheck)
        client_menu.addAction(self.action_no_client)

        view_menu = self.menuBar().addMenu("&View")
        self.tab_actions = []
        taken: set[str] = set()
        for index, spec in enumerate(TABS):
            action = self._action(with_access_key(spec.title, taken), lambda _=False, i=index: self.tabs.setCurrentIndex(i),
                                  QKeySequence(f"Ctrl+{index + 1}"))
            view_menu.addAction(action)
            self.tab_actions.append(action)

        help_menu = self.menuBar().addMenu("&Help")
        self.action_about = self._action(f"&About {APP_NAME}", lambda: self.show_about())
        self.action_open_logs = self._action("Open &log folder", self.open_log_folder)
        help_menu.addAction(self.action_about)
        help_menu.addAction(self.action_open_logs)
        if self.shortcut_priority is not None:  # the menus' keys win over a focused text field's
            for menu in (file_menu, client_menu, view_menu, help_menu):
                for action in menu.actions():
                    self.shortcut_priority.protect(*action.shortcuts())

    def _action(self, text: str, slot: Callable[[], object], shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    # --- warning bar -------------------------------------------------------------------
    def show_warning(self, text: str) -> None:
        bg = status_background("unknown", self).name()
        fg = status_foreground("unknown", self).name()
        self.warning_bar.setStyleSheet(f"#warningBar {{ background: {bg}; color: {fg}; }}")
        self.warning_bar.setText(text)
        self.warning_bar.setVisible(True)

    # --- screenshots -------------------------------------------------------------------
    def current_tab(self) -> KitTab:
        return self.ensure_tab(self.tabs.currentIndex())

    def grab_tab(self, index: int | None = None) -> QPixmap:
        """The window with tab ``index`` showing, as a pixmap (menus and status bar included)."""
        if index is not None:
            self.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        return self.grab()

    def save_screenshot(self, path: Path, overwrite: bool = False) -> Path:
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists")
        pixmap = self.grab_tab()
        if not pixmap.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        return path

    def save_screenshot_interactive(self) -> None:
        default = self.paths.reports / f"{self.current_tab().slug}.png"
        chosen = self.ask_save_path(str(default))
        if not chosen:
            return
        try:
            self.paths.reports.mkdir(parents=True, exist_ok=True)
            # the file dialog already asked about overwriting
            self.save_screenshot(Path(chosen), overwrite=True)
        except OSError as exc:
            QMessageBox.warning(self, APP_NAME, f"The screenshot was not saved: {exc}")
            return
        self.statusBar().showMessage(f"Screenshot saved to {chosen}", 5000)

    def copy_screenshot(self) -> None:
        QApplication.clipboard().setPixmap(self.grab_tab())
        self.statusBar().showMessage("Screenshot of this tab copied to the clipboard", 5000)

    def _ask_save_path(self, default: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", default, "PNG images (*.png)")
        return path

    # --- client profile ----------------------------------------------------------------
    def _choose_profile(self, current: str) -> str | None:
        from sbskit.ui.profiles.dialog import choose_current_profile

        return choose_current_profile(self, current or None, **self.profile_hooks())

    def choose_client(self) -> None:
        chosen = self.choose_profile(self.current_client)
        if chosen is not None:
            self.set_current_client(chosen)

    def set_current_client(self, name: str) -> None:
        """Results of the checks run from now on are saved to this client's history."""
        if name.casefold() != self.current_client.casefold():
            self.reports.client_leaving(self.current_client)  # what is on screen was made for the one we leave
        self.current_client = name
        self.settings.set("client/current", name)
        self.setWindowTitle(f"{APP_NAME} \u2014 {name}" if name else APP_NAME)
        self.client_label.setText(f"Client: {name}" if name else "No client selected")
        self.client_label.setToolTip("Checks are saved to this client's history (Client > Client profiles...)"
                                     if name else "Choose a client to keep a history of checks between visits")
        self.action_no_client.setEnabled(bool(name))
        self.action_recheck.setEnabled(bool(name))
        for tab in self.built_tabs():
            tab.client_changed(name)

    def recheck_client(self) -> None:
        """One click on the next visit: run the client's saved checks again (``client_runs.py``)."""
        self.runs.rerun()

    def record_run(self, kind: str, document: dict) -> None:
        """Save a finished check to the current client's history, off the GUI thread."""
        self.runs.record(kind, document)

    @property
    def recheck_worker(self) -> JobWorker | None:
        return self.runs.recheck_worker

    @property
    def history_workers(self) -> list[JobWorker]:
        return self.runs.history_workers

    # --- report (``report_export.py``) -------------------------------------------------
    def build_report(self, options: ReportOptions) -> Report:
        return self.reports.build(options)

    def export_report(self) -> None:
        self.reports.export()

    @property
    def report_worker(self) -> JobWorker | None:
        return self.reports.worker

    # --- help --------------------------------------------------------------------------
    def about_text(self) -> str:
        try:
            versions = data_versions()
        except (OSError, ValueError) as exc:
            versions = {"(data files)": f"unreadable: {exc}"}
        rows = "".join(f"<tr><td>{name}</td><td>{ver}</td></tr>" for name, ver in sorted(versions.items()))
        rows += override_notes()
        p = self.paths
        mode = {"portable": f"portable (everything in one folder: {p.root})",
                "read-only": "read-only (the portable folder is write-protected: nothing is saved)"}.get(p.mode, "installed")
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Checks for small-business Windows and Exchange servers: offline from pasted text, scripts and "
            "logs, live against the servers and DNS resolver you name.</p>"
            f"<p><b>Data files</b></p><table>{rows}</table>"
            f"<p><b>Storage</b>: {mode}<br>Settings: {p.settings}<br>Logs: {p.logs}<br>Data: {p.data}</p>"
        )

    def _show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(self.about_text())
        open_logs = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_logs:
            self.open_log_folder()

    def open_log_folder(self) -> None:
        if not self.paths.read_only:  # a write-protected stick: open what is there, create nothing
            self.paths.logs.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.logs)))

    # --- state -------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.get("window/geometry")
        restored = False
        if geometry:
            try:
                restored = self.restoreGeometry(QByteArray(base64.b64decode(geometry)))
            except (ValueError, TypeError):
                restored = False
        # the saved rectangle was on screen once (frame included): its client area must fit now
        if restored and not fits_any((self.x(), self.y(), self.width(), self.height()), all_available_rects(), (0, 0)):
            restored = False  # saved on a larger or a missing screen: it would open cut off
        if not restored:
            self.setGeometry(*fit_rect(available_rect(self), self.PREFERRED_SIZE, (640, 420)))
        index = self.settings.get("window/last_tab", 0)
        if isinstance(index, int) and 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def save_state(self) -> None:
        if not self.persist_state:
            return
        self.settings.set("window/geometry", base64.b64encode(bytes(self.saveGeometry())).decode("ascii"))
        self.settings.set("window/last_tab", self.tabs.currentIndex())
        try:
            self.settings.save()
        except OSError as exc:
            log.warning("settings not saved: %s", exc)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.reports.cancel()
        self.runs.cancel_all()
        for tab in self.built_tabs():
            tab.shutdown()
        self.save_state()
        super().closeEvent(event)
