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

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbskit import APP_NAME, __version__
from sbskit.core.paths import AppPaths, app_paths
from sbskit.core.resources import data_versions, resource_path
from sbskit.core.settings import Settings
from sbskit.ui.tab_base import KitTab
from sbskit.ui.tabs import tab_classes
from sbskit.ui.theme import status_background, status_foreground

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    return QIcon(str(resource_path("art", "sbskit.svg")))


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, paths: AppPaths | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.paths = paths or app_paths()
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.ask_save_path: Callable[[str], str] = self._ask_save_path
        self.show_about: Callable[[], None] = self._show_about

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

        self.tab_widgets: list[KitTab] = []
        for cls in tab_classes():
            tab = cls()
            tab.status_message.connect(self.statusBar().showMessage)
            self.tabs.addTab(tab, cls.title)
            self.tab_widgets.append(tab)

        self._build_menus()
        self.statusBar().showMessage("Ready", 3000)
        if self.paths.warning:
            self.show_warning(self.paths.warning)
        self._restore_state()

    # --- menus -------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.action_save_screenshot = self._action(
            "Save screenshot of this tab...", self.save_screenshot_interactive, QKeySequence("Ctrl+Shift+S")
        )
        self.action_copy_screenshot = self._action("Copy screenshot to clipboard", self.copy_screenshot)
        self.action_export_report = self._action("Export report...", lambda: None)
        self.action_export_report.setEnabled(False)
        self.action_export_report.setToolTip("Client reports arrive with the field-kit release.")
        self.action_quit = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        for action in (self.action_save_screenshot, self.action_copy_screenshot, self.action_export_report):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)

        help_menu = self.menuBar().addMenu("&Help")
        self.action_about = self._action(f"About {APP_NAME}", lambda: self.show_about())
        self.action_open_logs = self._action("Open log folder", self.open_log_folder)
        help_menu.addAction(self.action_about)
        help_menu.addAction(self.action_open_logs)

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
        return self.tab_widgets[self.tabs.currentIndex()]

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

    # --- help --------------------------------------------------------------------------
    def about_text(self) -> str:
        try:
            versions = data_versions()
        except (OSError, ValueError) as exc:
            versions = {"(data files)": f"unreadable: {exc}"}
        rows = "".join(f"<tr><td>{name}</td><td>{ver}</td></tr>" for name, ver in sorted(versions.items()))
        p = self.paths
        mode = {"portable": "portable (USB)", "temporary": "temporary folder (portable folder read-only)"}.get(
            p.mode, "installed"
        )
        return (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Offline checks for small-business Windows and Exchange servers.</p>"
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
        if not restored:
            self.resize(1100, 740)
        index = self.settings.get("window/last_tab", 0)
        if isinstance(index, int) and 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def save_state(self) -> None:
        self.settings.set("window/geometry", base64.b64encode(bytes(self.saveGeometry())).decode("ascii"))
        self.settings.set("window/last_tab", self.tabs.currentIndex())
        try:
            self.settings.save()
        except OSError as exc:
            log.warning("settings not saved: %s", exc)

    def closeEvent(self, event: QCloseEvent) -> None:
        for tab in self.tab_widgets:
            tab.shutdown()
        self.save_state()
        super().closeEvent(event)
