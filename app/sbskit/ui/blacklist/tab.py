"""The Blacklist lookup tab: "is my server's IP blacklisted, where, why, how do I get off?".

The tab is a thin shell over ``sbskit.core.dnsbl``: it validates what the admin typed,
runs the sweep on a :class:`~sbskit.ui.common.workers.JobWorker`, streams rows into the results
tree as answers arrive, and offers copy, CSV export and the delisting pages.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sbskit.core.dnsbl.catalogue import load_catalogue
from sbskit.core.dnsbl.engine import Options, Sweep
from sbskit.core.dnsbl.summary import doc_summary, headline_parts, summarize, summary_line
from sbskit.core.dnsbl.targets import parse_targets
from sbskit.core.errors import UserInputError
from sbskit.core.settings import Settings, atomic_write_text
from sbskit.ui.blacklist.catalogue import CatalogueTree
from sbskit.ui.blacklist.form import SweepOptionsForm
from sbskit.ui.blacklist.maildns import attach_mail_dns
from sbskit.ui.blacklist.results import ResultsTree
from sbskit.ui.common.tab_base import KitTab
from sbskit.ui.common.theme import status_foreground
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.common.remembered import worth_remembering
from sbskit.ui.common.save_paths import in_reports

HISTORY_KEY = "blacklist/history"
VERDICT_COLOURS = {"listed": "bad", "not-listed": "good"}  # could not tell, resolver problem, cancelled: amber
HISTORY_SIZE = 20
RESULTS_PAGE, LISTS_PAGE = 0, 1


class BlacklistTab(KitTab):
    slug = "blacklist"
    title = "Blacklist lookup"

    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.worker: JobWorker | None = None
        self.last_doc: dict[str, Any] | None = None
        self._counts = (0, 0)  # lookups answered, lookups in the sweep (from the progress signal)
        self._cancel_counts: dict | None = None
        self._cancelled_summary: dict | None = None
        # injectable for tests: no real browser or file dialog in a test run
        self.open_url: Callable[[str], object] = lambda url: QDesktopServices.openUrl(QUrl(url))
        self.ask_save_path: Callable[[str], str] = self._ask_save_path
        self._build()
        self._validate_timer = QTimer(self, singleShot=True, interval=250, timeout=self.validate)
        self._summary_timer = QTimer(self, singleShot=True, interval=100, timeout=self._live_summary)
        self.validate()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel("Check IP addresses and domains (and a domain's mail servers) against DNS blocklists. "
                       "Every list answers <b>listed</b>, <b>not listed</b>, or <b>could not tell</b> with the reason "
                       "&mdash; never a false all-clear.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)

        row = QHBoxLayout()
        self.target_box = QComboBox()
        self.target_box.setEditable(True)
        self.target_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.target_box.setCompleter(None)  # a single IP must not complete into an old multi-target line
        self.target_box.setMinimumContentsLength(36)
        self.target_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target_box.lineEdit().setPlaceholderText("IP address, domain, or several (spaces, commas); CIDR up to /24")
        self.target_box.setAccessibleName("Targets to check")
        self.target_box.setToolTip("An IPv4 or IPv6 address, a domain (its mail servers are checked too), several "
                                   "separated by spaces or commas, or an address block up to /24 (256 addresses).")
        self.target_box.addItems(self._history(self.settings))
        self.target_box.setCurrentIndex(-1)
        self.target_box.lineEdit().textChanged.connect(lambda _t: self._validate_timer.start())
        self.target_box.lineEdit().returnPressed.connect(self.start)
        targets_label = QLabel("&Targets:")  # mnemonics: unique on this tab and against the menus (F, C, V, H)
        targets_label.setBuddy(self.target_box)
        row.addWidget(targets_label)
        row.addWidget(self.target_box, 1)
        self.check_button = QPushButton("Chec&k")  # Alt+C is the Client menu
        self.check_button.setDefault(True)
        self.check_button.setToolTip("Check now (Enter)")
        self.check_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the check (Esc); answers so far stay")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.check_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)

        self.validation_label = QLabel()
        self.validation_label.setAccessibleName("Input check")
        self.validation_label.setWordWrap(True)
        layout.addWidget(self.validation_label)

        self.form = SweepOptionsForm(self.settings)
        self.form.changed.connect(lambda: self._validate_timer.start())
        for name in ("resolver_edit", "dqs_edit", "zones_edit", "timeout_spin", "mx_check", "ptr_check"):
            setattr(self, name, getattr(self.form, name))
        layout.addWidget(self.form)

        status = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.progress.setMaximumWidth(260)
        self.progress.setValue(0)
        self.progress.setFormat("not started")
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Summary")
        self.summary_label.setWordWrap(True)
        bold = self.summary_label.font()
        bold.setBold(True)
        self.summary_label.setFont(bold)
        status.addWidget(self.progress)
        status.addWidget(self.summary_label, 1)
        self.problem_label = QLabel()
        self.problem_label.setAccessibleName("Resolver problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(False)
        # the sweep's own strip: hidden on the Mail DNS page, which has its own (never "not started" beside a run)
        self.sweep_strip = QWidget()
        strip = QVBoxLayout(self.sweep_strip)
        strip.setContentsMargins(0, 0, 0, 0)
        strip.addLayout(status)
        strip.addWidget(self.problem_label)
        layout.addWidget(self.sweep_strip)

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.results = ResultsTree()
        self.results.copy_selection = self.copy_results
        self.results.delist_requested.connect(self.open_delisting)
        self.catalogue_view = CatalogueTree()
        active, dead = self.catalogue_view.counts()
        self.pages.addTab(self.results, "Res&ults")
        self.pages.addTab(self.catalogue_view, f"&Lists ({active} active, {dead} dead)")
        self.pages.setTabToolTip(LISTS_PAGE, "Every list the kit knows, with terms, and the dead ones it never asks")
        attach_mail_dns(self)  # the "Mail DNS health" page (ui/blacklist/maildns.py)
        self.pages.currentChanged.connect(self._show_page_strip)
        layout.addWidget(self.pages, 1)

        buttons = QHBoxLayout()
        self.delist_button = QPushButton("Open &delisting page")
        self.delist_button.setToolTip("Open the selected list's lookup and delisting page in the browser")
        self.delist_button.clicked.connect(lambda: self.open_delisting(self.results.selected_delist_url()))
        self.copy_button = QPushButton("C&opy results")
        self.copy_button.setToolTip("Copy the selected rows, or the whole result as text (Ctrl+C in the table)")
        self.copy_button.clicked.connect(self.copy_results)
        self.export_button = QPushButton("E&xport CSV...")
        self.export_button.setToolTip("Save every result as a CSV file (Ctrl+Shift+E; Ctrl+E exports the client report)")
        self.export_button.clicked.connect(self.export_csv)
        for button in (self.delist_button, self.copy_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.results.itemSelectionChanged.connect(self._update_buttons)
        # Ctrl+E is File > Export report, window-wide: a second Ctrl+E here made both ambiguous (neither ran)
        QShortcut(QKeySequence("Ctrl+Shift+E"), self, activated=self.export_csv)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.start)
        self._update_buttons()
        self._set_summary("Ready. Type an address or a domain and press Enter.", "info")

    def _show_page_strip(self, _index: int = 0) -> None:
        """The status strip shown is the one of the page shown: the sweep's, or the Mail DNS page's own."""
        self.sweep_strip.setVisible(self.pages.currentWidget() is not self.mail_dns)

    # --- input -------------------------------------------------------------------------------
    def target_text(self) -> str:
        return self.target_box.currentText()

    def validate(self) -> bool:
        """Check the target box (and resolver) as the admin types; say what is wrong."""
        text = self.target_text().strip()
        if not text:
            self.validation_label.setText("")
            self.check_button.setEnabled(False)
            return False
        try:
            targets = parse_targets(text)
            if self.resolver_edit.text().strip():
                from sbskit.core.dnsbl.resolvers import parse_resolver

                parse_resolver(self.resolver_edit.text())
        except UserInputError as exc:
            self._show_validation(str(exc), "bad")
            self.check_button.setEnabled(False)
            return False
        if not self.resolver_edit.text().strip():
            from sbskit.core.dnsbl.targets import special_reason

            for t in targets:
                why = special_reason(t.text) if t.kind != "domain" else None
                if why:
                    self._show_validation(f"{t.text} is {why}; public blocklists never list it. To test against "
                                          "your own DNS server, enter it as the resolver.", "bad")
                    self.check_button.setEnabled(False)
                    return False
        kinds = {}
        for t in targets:
            kinds[t.kind] = kinds.get(t.kind, 0) + 1
        names = {"ipv4": "IPv4 address", "ipv6": "IPv6 address", "domain": "domain"}
        parts = [f"{n} {names[k]}{'es' if n > 1 and k != 'domain' else ('s' if n > 1 else '')}" for k, n in kinds.items()]
        self._show_validation("Will check " + ", ".join(parts) + ".", "info")
        self.check_button.setEnabled(self.worker is None)
        return True

    def _show_validation(self, text: str, kind: str) -> None:
        self.validation_label.setText(text)
        color = status_foreground(kind, self).name()
        self.validation_label.setStyleSheet(f"color: {color};")

    def _set_summary(self, text: str, kind: str) -> None:
        # colour by style sheet, bold by font: a style-sheet font is not in QLabel's height-for-width,
        # and a long headline was cut off after two lines
        self.summary_label.setStyleSheet(f"color: {status_foreground(kind, self).name()};")
        self.summary_label.setText(text)

    def _settings(self) -> Settings:
        """The main window's Settings when docked in it (one writer per file), else our own."""
        window_settings = getattr(self.window(), "settings", None)
        return window_settings if isinstance(window_settings, Settings) else self.settings

    @staticmethod
    def _history(settings: Settings) -> list[str]:
        stored = settings.get(HISTORY_KEY, [])
        return [h for h in stored if isinstance(h, str)][:HISTORY_SIZE] if isinstance(stored, list) else []

    def _remember(self, text: str) -> None:
        settings = self._settings()
        keep = [text] if worth_remembering(text) else []  # a 10,000-character paste stays out of settings.json
        history = keep + [h for h in self._history(settings) if h != text]
        history = history[:HISTORY_SIZE]
        settings.set(HISTORY_KEY, history)
        settings.set("blacklist/resolver", self.resolver_edit.text().strip())
        settings.set("blacklist/timeout", self.timeout_spin.value())
        try:
            settings.save()
        except OSError as exc:
            self.status_message.emit(f"Settings not saved: {exc}")
        self.target_box.blockSignals(True)
        self.target_box.clear()
        self.target_box.addItems(history)
        self.target_box.setCurrentIndex(0 if keep else -1)
        self.target_box.setEditText(text)
        self.target_box.blockSignals(False)

    def options(self) -> Options:
        return self.form.options()

    # --- running -----------------------------------------------------------------------------
    def start(self) -> None:
        if self.worker is not None or not self.validate():
            return
        text = self.target_text().strip()
        try:
            sweep = Sweep(text, self.options())
        except UserInputError as exc:
            self._show_validation(str(exc), "bad")
            return
        self._remember(text)
        self.results.clear_results()
        self.last_doc = None
        self._cancel_counts = None
        self._cancelled_summary = None
        self._counts = (0, 0)
        self.problem_label.setVisible(False)
        self.pages.setCurrentIndex(RESULTS_PAGE)
        self.progress.setRange(0, 0)
        self._set_summary("Checking...", "info")
        self.check_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status_message.emit(f"Checking {text[:60]} against blocklists...")
        self.worker = start_job(sweep.run, "blacklist", progress=self._on_progress, result=self._on_result,
                                finished=self._on_finished, failed=self._on_failed, cancelled=self._on_cancelled,
                                ended=self._on_ended)

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self._set_summary("Cancelling...", "unknown")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Esc cancels a running check; a line edit passes Esc up to us, so no shortcut is needed
        if event.key() == Qt.Key.Key_Escape and self.worker is not None:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
        self.mail_dns.shutdown()

    def _on_progress(self, done: int, total: int, _message: str) -> None:
        self._counts = (done, total)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"{done} / {total}")

    def _on_result(self, item: dict) -> None:
        kind = item.get("type")
        if kind == "cancelled":  # how many lookups really ran before the cancel
            self._cancel_counts = item
            return
        if kind == "target":
            self.results.update_target(item)
            return
        self.results.add_result(item)
        if not self._summary_timer.isActive():  # at most ten label updates a second
            self._summary_timer.start()

    def _live_summary(self) -> None:
        """Progress, not a verdict: no "not listed" before every list has answered."""
        if self.worker is None:
            return
        s = self.results.summary
        done, total = self._counts
        self._set_summary(f"Checking: {done} of {total} lookups answered so far ({s['listed']} listed, "
                          f"{s['errors']} could not answer)...", "info")

    def _on_finished(self, doc: dict) -> None:
        self.last_doc = doc
        summary = doc_summary(doc)
        if doc.get("resolver_problem"):  # rows were relabelled at the end: show the final words
            self.results.show_document(doc)
        found, advice = headline_parts(summary, len(doc["targets"]))
        self._set_summary(found, VERDICT_COLOURS.get(summary["verdict"], "unknown"))
        problems = doc.get("problems") or []
        if not advice and problems:  # Spamhaus trouble explained once, under the summary
            advice = "Resolver problem: " + " ".join(dict.fromkeys(p["detail"] for p in problems))
        if advice:  # what to do, under the headline (a resolver that cannot reach the lists: said once, there)
            self.problem_label.setText(advice)
            self.problem_label.setStyleSheet(f"color: {status_foreground('unknown', self).name()};")
            self.problem_label.setVisible(True)
        self.status_message.emit(found)
        self.run_completed.emit("blacklist", doc)  # the main window keeps it in the client's history

    def _on_failed(self, message: str, _details: str) -> None:
        self._set_summary(f"The check failed: {message}", "bad")

    def _on_cancelled(self) -> None:
        counts = self._cancel_counts or {}
        done, total = self._counts
        not_asked = counts.get("not_asked", max(0, total - len(self.results.items)))
        self._cancelled_summary = self.results.tally.summary(not_asked=not_asked, cancelled=True)
        text = summary_line(self._cancelled_summary, max(1, len(self.results.tally.targets)))
        self._set_summary(text, "unknown")
        self.status_message.emit(text)

    def _on_ended(self) -> None:
        self.worker = None
        self.cancel_button.setEnabled(False)
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
        self.validate()
        self._update_buttons()

    # --- actions -----------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        has = bool(self.results.items)
        self.copy_button.setEnabled(has)
        self.export_button.setEnabled(has)
        self.delist_button.setEnabled(bool(self.results.selected_delist_url()))

    def open_delisting(self, url: str) -> None:
        if url:
            self.open_url(url)
            self.status_message.emit(f"Opened {url}")

    def current_document(self) -> dict[str, Any]:
        if self.last_doc is not None:
            return self.last_doc
        doc = self.results.as_document()
        cancelled = self._cancelled_summary or {}
        summary = summarize(doc["targets"], not_asked=cancelled.get("not_asked", 0), cancelled=bool(cancelled))
        doc.update({"resolver": [self.resolver_edit.text().strip() or "system"], "problems": [], "summary": summary,
                    "headline": summary_line(summary, len(doc["targets"]))})
        return doc

    def copy_results(self) -> None:
        text = self.results.selected_text()
        if not text and self.results.items:
            from sbskit.core.dnsbl.render import render_text

            text = render_text(self.current_document())
        if text:
            QGuiApplication.clipboard().setText(text)
            self.status_message.emit("Results copied to the clipboard")

    def export_csv(self) -> None:
        if not self.results.items:
            return
        path = self.ask_save_path(in_reports("blacklist-results.csv"))
        if not path:
            return
        from pathlib import Path

        from sbskit.core.csvout import to_csv
        from sbskit.core.dnsbl.render import csv_rows

        try:
            atomic_write_text(Path(path), to_csv(csv_rows(self.current_document())))
        except OSError as exc:
            self._set_summary(f"The CSV file was not saved: {exc.strerror or exc}", "bad")
            return
        self.status_message.emit(f"Results saved to {path}")

    def _ask_save_path(self, default: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export blocklist results", default, "CSV files (*.csv)")
        return path

    def report_sections(self) -> list:
        """The last check (or the answers so far) as client-report sections, then the mail DNS page's."""
        mail_dns = self.mail_dns.report_sections()
        if not self.results.items and self.last_doc is None:
            return mail_dns
        from sbskit.core.dnsbl.report import report_sections

        return report_sections(self.current_document()) + mail_dns

    def report_parts(self) -> list:
        """The blocklist check and the Mail DNS check, each with its targets (an MX-derived address
        counts as its domain's), so a look at another client's domain stays out of this one's report."""
        from sbskit.core.dnsbl.report import report_sections
        from sbskit.core.visit_scope import ReportPart
        from sbskit.core.visit_summary import blacklist_summary

        parts = []
        if self.results.items:
            doc = self.current_document()
            targets = [t["source"]["domain"] if t.get("source") else t["target"] for t in doc.get("targets") or []]
            shown = ", ".join(dict.fromkeys(targets))
            summary = blacklist_summary(doc)
            if summary is not None:
                parts.append(ReportPart("blacklist/lookup", f"Blacklist lookup: {shown}", summary,
                                        report_sections(doc), self.report_views(), list(dict.fromkeys(targets)),
                                        result=self.results.items[0]))
        return parts + self.mail_dns.report_parts()

    # --- screenshots -------------------------------------------------------------------------
    def report_summary(self):
        from sbskit.core.visit_summary import blacklist_summary

        return blacklist_summary(self.current_document())

    def report_views(self) -> list:
        return [("The blocklist results", self.results)] if self.results.items else []

    def prepare_screenshot(self) -> None:
        """Offline and real: the catalogue page, with a typed (not yet checked) target."""
        self.target_box.setEditText("mail.example.com")
        self.validate()
        self.pages.setCurrentIndex(LISTS_PAGE)
        view = self.catalogue_view
        for index in range(1, view.topLevelItemCount() - 1):  # show the major lists and the dead ones
            view.topLevelItem(index).setExpanded(False)
        catalogue = load_catalogue()
        default_v4 = len(catalogue.defaults("ipv4"))
        default_dom = len(catalogue.defaults("domain"))
        self._set_summary(f"Not checked yet. A check asks {default_v4} lists for each IPv4 address and {default_dom} for "
                          f"each domain; the {len(catalogue.dead)} dead lists are never asked.", "info")
