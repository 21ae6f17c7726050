"""The wizard's optional live checks: the public IP through the blocklists, the sender domain's
Mail DNS health, the safe relay test.

All talk to the network, so none runs unless the admin clicks; the relay test also
asks for confirmation (``confirm`` is an attribute so tests answer it without a modal
window). Work runs on a JobWorker with progress and Cancel; what finished goes into
``state.live`` and from there into the diagnosis. Skipping the page is fine: the page
says so, and a cancelled or failed check adds nothing.
"""

from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from sbskit.core.settings import Settings
from sbskit.core.triage import live as lc
from sbskit.ui.common.theme import status_background, status_foreground
from sbskit.ui.triage.state import TriageState
from sbskit.core.errors import UserInputError
from sbskit.ui.common.job_panel import start_job
from sbskit.ui.common.workers import JobWorker
from sbskit.ui.common.save_paths import is_lan_address

NOT_RUN = "Not run: the diagnosis does not use this check."


def _esc(text: str) -> str:
    """For the rich-text result lines: &, < and > only, so quotes stay readable in .text()."""
    return html.escape(text, quote=False)


class _Check:
    """The widgets and the worker of one check (button, Cancel, progress, result line)."""

    def __init__(self, page: "LiveChecksPage", name: str, run_text: str, tip: str) -> None:
        self.worker: JobWorker | None = None
        self._busy = False
        self.run = QPushButton(run_text)
        self.run.setToolTip(tip)
        self.run.setAccessibleName(run_text.replace("&", "").rstrip("."))
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.cancel.setAccessibleName(f"Cancel the {name}")
        self.progress = QProgressBar()
        self.progress.setAccessibleName(f"{name} progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(self.run.sizeHint().height() // 2)
        self.progress.setVisible(False)
        self.result = QLabel(NOT_RUN)
        self.result.setObjectName(f"live{name.title().replace(' ', '')}Result")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)  # escaped text: '&amp;' shows as '&'
        self.result.setMargin(6)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAccessibleName(f"{name} result")
        self.cancel.clicked.connect(lambda: self.worker.cancel() if self.busy else None)
        self.page = page

    @property
    def busy(self) -> bool:
        """From start until the worker's ``ended`` reached the GUI (its results are shown by then)."""
        return self._busy

    def row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.run)
        row.addWidget(self.cancel)
        row.addWidget(self.progress, 1)
        row.addStretch(1)  # buttons keep their size while no progress bar shows
        return row

    def show(self, kind: str | None, text: str) -> None:
        self.result.setText(text)
        if kind is None:
            self.result.setStyleSheet("")
            return
        bg, fg = status_background(kind, self.page).name(), status_foreground(kind, self.page).name()
        self.result.setStyleSheet(f"#{self.result.objectName()} {{ background: {bg}; color: {fg}; border-radius: 3px; }}")

    def start(self, job, name: str, done: Callable[[object], None]) -> None:
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.worker = start_job(job, name, progress=self._progress, finished=done,
                                failed=lambda msg, _detail: self.show("bad", f"Could not run: {_esc(msg)}"),
                                cancelled=lambda: self.show(None, "Cancelled: the diagnosis does not use this check."),
                                ended=lambda: self._running(False))
        self._running(True)

    def _progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setToolTip(message)

    def _running(self, running: bool) -> None:
        self._busy = running
        self.run.setEnabled(not running)
        self.cancel.setEnabled(running)
        if not running:
            self.progress.setVisible(False)
        self.page.completeChanged.emit()


class _EnterRuns(QObject):
    """Enter in a field runs its check instead of pressing the wizard's Next."""

    def __init__(self, action: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.action = action

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.action()
            return True
        return False


class LiveChecksPage(QWizardPage):
    """Optional checks against the live server; their results join the evidence."""

    def __init__(self, state: TriageState, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = settings
        self.confirm: Callable[[str, int], bool] = self._confirm
        self.zones: list[str] = []  # lists to ask; empty: the kit's catalogue
        self.relay_timeout = 8.0  # seconds per answer
        self.setTitle("Live checks (optional)")
        self.setSubTitle("Checks against the running server add to the evidence. Nothing runs until you click; "
                         "press Next to skip them.")
        layout = QVBoxLayout(self)
        layout.addWidget(self._blacklist_box())
        layout.addWidget(self._maildns_box())
        layout.addWidget(self._relay_box())
        self.skip_note = QLabel()
        self.skip_note.setWordWrap(True)
        layout.addWidget(self.skip_note)
        layout.addStretch(1)
        self._update_note()

    # --- building ---------------------------------------------------------------------------
    def _blacklist_box(self) -> QGroupBox:
        box = QGroupBox("Blocklist check of the server's public IP")
        self.ip_edit = QLineEdit()
        self.ip_edit.setPlaceholderText("e.g. 203.0.113.7 (the address the internet sees)")
        self.ip_edit.setAccessibleName("Public IP to check")
        self.ip_edit.setToolTip("The server's public (internet) address. A LAN address like 192.168.x.x cannot be "
                                "on a public blocklist.")
        self.resolver_edit = QLineEdit()
        self.resolver_edit.setPlaceholderText("the system's resolver")
        self.resolver_edit.setAccessibleName("DNS resolver for the blocklist check")
        self.resolver_edit.setToolTip("IP[:PORT] of the DNS resolver to ask (IPv6 as [::1]:5353). Spamhaus refuses "
                                      "queries through public resolvers such as 8.8.8.8: use your own DNS server.")
        self.blacklist = _Check(self, "blocklist check", "Check block&lists",
                                "Ask the DNS blocklists whether this IP is listed (DNS queries only)")
        self.blacklist.run.clicked.connect(self.run_blacklist)
        self.ip_edit.installEventFilter(_EnterRuns(self.run_blacklist, self))
        self.resolver_edit.installEventFilter(_EnterRuns(self.run_blacklist, self))
        form = QFormLayout()
        form.addRow("Public &IP:", self.ip_edit)
        form.addRow("R&esolver:", self.resolver_edit)
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addLayout(self.blacklist.row())
        inner.addWidget(self.blacklist.result)
        return box

    def _maildns_box(self) -> QGroupBox:
        box = QGroupBox("Mail DNS health of the sender domain")
        self.domain_edit = QLineEdit()
        self.domain_edit.setPlaceholderText("e.g. example.com (the part after @ of your senders)")
        self.domain_edit.setAccessibleName("Sender domain for the Mail DNS check")
        self.domain_edit.setToolTip("The domain your mail is sent from: its MX, SPF, DMARC and DKIM records are "
                                    "checked, with the resolver above")
        self.sending_ip_edit = QLineEdit()
        self.sending_ip_edit.setPlaceholderText("the public IP above, or empty: the domain's MX addresses")
        self.sending_ip_edit.setAccessibleName("Sending IP for the Mail DNS check")
        self.sending_ip_edit.setToolTip("The public address the server sends from: SPF must allow it and its PTR "
                                        "must name the server")
        self.maildns = _Check(self, "mail DNS check", "Check m&ail DNS",
                              "Ask the DNS for the records receivers verify (DNS queries only)")
        self.maildns.run.clicked.connect(self.run_maildns)
        self.domain_edit.installEventFilter(_EnterRuns(self.run_maildns, self))
        self.sending_ip_edit.installEventFilter(_EnterRuns(self.run_maildns, self))
        form = QFormLayout()
        form.addRow("Sen&der domain:", self.domain_edit)
        form.addRow("Sendin&g IP:", self.sending_ip_edit)
        inner = QVBoxLayout(box)
        inner.addLayout(form)
        inner.addLayout(self.maildns.row())
        inner.addWidget(self.maildns.result)
        return box

    def _relay_box(self) -> QGroupBox:
        box = QGroupBox("Safe open-relay test")
        intro = QLabel("Tries the relay tricks spammers use with MAIL FROM and RCPT TO only; <b>DATA is never "
                       "sent</b>, so nothing is delivered. Run it from outside the LAN: inside, a trusted address "
                       "may pass legitimately. You are asked to confirm first.")
        intro.setWordWrap(True)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("mail server name or address, e.g. mail.example.com")
        self.host_edit.setAccessibleName("Mail server host for the relay test")
        self.host_edit.setToolTip("The mail server's name or address as seen from where this PC is; HOST:PORT "
                                  "and [IPv6]:PORT also work")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(25)
        self.port_spin.setAccessibleName("SMTP port for the relay test")
        self.port_spin.setToolTip("25 for the internet-facing SMTP port; 587 is submission, which needs a logon anyway")
        self.relay = _Check(self, "relay test", "Run relay &test...", "Asks for confirmation first; never sends DATA")
        self.relay.run.clicked.connect(self.run_relay)
        self.host_edit.installEventFilter(_EnterRuns(self.run_relay, self))
        host_row = QHBoxLayout()
        host_row.addWidget(self.host_edit, 1)
        host_row.addWidget(QLabel("&Port:", buddy=self.port_spin))
        host_row.addWidget(self.port_spin)
        form = QFormLayout()
        form.addRow(QLabel("Mail &server:", buddy=self.host_edit), host_row)
        inner = QVBoxLayout(box)
        inner.addWidget(intro)
        inner.addLayout(form)
        inner.addLayout(self.relay.row())
        inner.addWidget(self.relay.result)
        return box

    # --- wizard -----------------------------------------------------------------------------
    def initializePage(self) -> None:
        ips = self.state.server_ips
        if not self.ip_edit.text().strip():
            public = next((ip for ip in ips if lc.is_public(ip)), "")
            self.ip_edit.setText(public)
        # the relay test belongs outside the LAN: never offer the server's LAN address
        outside = [ip for ip in ips if not is_lan_address(ip)]
        if not self.host_edit.text().strip() and outside:
            self.host_edit.setText(outside[0])
        if not self.resolver_edit.text().strip():
            self.resolver_edit.setText(str(self._settings().get("blacklist/resolver", "") or ""))
        if not self.domain_edit.text().strip():
            known = list(self.state.local_domains) or sorted(self.state.evidence.local_domains())
            self.domain_edit.setText(known[0] if known else "")
        self._update_note()

    def isComplete(self) -> bool:
        return not (self.blacklist.busy or self.relay.busy or self.maildns.busy)  # a running check would miss it

    def shutdown(self) -> None:
        for check in (self.blacklist, self.maildns, self.relay):
            if check.busy:
                check.worker.cancel()

    def reset(self) -> None:
        self.shutdown()
        for edit in (self.ip_edit, self.resolver_edit, self.host_edit, self.domain_edit, self.sending_ip_edit):
            edit.clear()
        self.port_spin.setValue(25)
        for check in (self.blacklist, self.maildns, self.relay):
            check.show(None, NOT_RUN)
        self._update_note()

    def _settings(self) -> Settings:
        window_settings = getattr(self.window(), "settings", None)
        if isinstance(window_settings, Settings):
            return window_settings
        if self.settings is None:
            self.settings = Settings()
        return self.settings

    def _update_note(self) -> None:
        live = self.state.live
        used = [name for name, doc in (("the blocklist check", live.blacklist), ("the Mail DNS check", live.maildns),
                                       ("the relay test", live.relay)) if doc]
        if used:
            said = " and ".join(used) if len(used) < 3 else ", ".join(used[:-1]) + " and " + used[-1]
            self.skip_note.setText(f"The diagnosis will use {said}. Press <b>Next</b> for it.")
        else:
            self.skip_note.setText("No live check has run: the diagnosis rests on your answers and the files. "
                                   "Press <b>Next</b> for it.")

    # --- blocklists -------------------------------------------------------------------------
    def run_blacklist(self) -> None:
        if self.blacklist.busy:
            return
        text = self.ip_edit.text().strip()
        try:
            ip = lc.check_public_ip(text)
        except UserInputError as exc:
            self.blacklist.show("bad", _esc(str(exc)))
            return
        if not lc.is_public(ip):
            self.blacklist.show("unknown", f"{_esc(ip)} is not a public address: no public blocklist can list "
                                           "it. Enter the address the internet sees (your router's WAN IP).")
            return
        resolver = self.resolver_edit.text().strip()
        zones = list(self.zones)
        try:
            timeout = float(self._settings().get("blacklist/timeout", 3.0) or 3.0)
        except (TypeError, ValueError):
            timeout = 3.0
        self.state.live.blacklist = None
        self._update_note()
        self.blacklist.show("info", f"Asking the blocklists about {_esc(ip)}...")
        self.blacklist.start(lambda ctx: lc.run_blacklist(ip, [resolver] if resolver else [], zones, timeout, ctx),
                             "triage blocklist check", self._blacklist_done)

    def _blacklist_done(self, doc: object) -> None:
        self.state.live.blacklist = doc
        kind, text = lc.blacklist_summary(doc)
        self.blacklist.show(kind, _esc(text))
        self._update_note()

    # --- mail DNS -----------------------------------------------------------------------------
    def run_maildns(self) -> None:
        if self.maildns.busy:
            return
        from sbskit.core.maildns.engine import Options, Run
        from sbskit.core.triage.live_maildns import maildns_summary

        domain = self.domain_edit.text().strip()
        if not domain:
            self.maildns.show("bad", "Enter the sender domain first (the part after @ of your senders).")
            return
        ip = self.sending_ip_edit.text().strip() or self.ip_edit.text().strip()
        if ip and not lc.is_public(ip):
            ip = ""  # a LAN address: receivers never see it; the check uses the domain's MX addresses then
        resolver = self.resolver_edit.text().strip()
        try:
            timeout = min(float(self._settings().get("blacklist/timeout", 3.0) or 3.0), 60.0)
        except (TypeError, ValueError):
            timeout = 3.0
        try:
            run = Run(domain, Options(ip=ip or None, resolvers=[resolver] if resolver else [], timeout=timeout))
        except UserInputError as exc:
            self.maildns.show("bad", _esc(str(exc)))
            return
        self.state.live.maildns = None
        self._update_note()
        self.maildns.show("info", f"Asking the DNS about {_esc(run.domain)}{' for ' + _esc(ip) if ip else ''}...")

        def done(doc: object) -> None:
            self.state.live.maildns = doc
            kind, text = maildns_summary(doc)
            self.maildns.show(kind, _esc(text))
            self._update_note()

        self.maildns.start(run.run, "triage mail DNS check", done)

    # --- relay ------------------------------------------------------------------------------
    def _confirm(self, host: str, port: int) -> bool:
        from sbskit.ui.pop3.relay import confirm_relay_test

        return confirm_relay_test(self, host, port)

    def run_relay(self) -> None:
        if self.relay.busy:
            return
        text = self.host_edit.text().strip()
        if not text:
            self.relay.show("bad", "Enter the mail server's name or address first.")
            return
        try:
            host, port = lc.split_host_port(text, self.port_spin.value())
        except UserInputError as exc:
            self.relay.show("bad", _esc(str(exc)))
            return
        if (host, port) != (text, self.port_spin.value()):  # 'host:2525' typed: show what will be tested
            self.host_edit.setText(host)
            self.port_spin.setValue(port)
        if not self.confirm(host, port):
            self.relay.show(None, "Not run (not confirmed): the diagnosis does not use this check.")
            return
        timeout = self.relay_timeout
        self.state.live.relay = None
        self._update_note()
        self.relay.show("info", f"Testing {_esc(host)} port {port} (never sends DATA)...")
        self.relay.start(lambda ctx: lc.run_relay(host, port, timeout, ctx), "triage relay test", self._relay_done)

    def _relay_done(self, doc: object) -> None:
        self.state.live.relay = doc
        kind, text = lc.relay_summary(doc)
        self.relay.show(kind, _esc(text))
        self._update_note()
