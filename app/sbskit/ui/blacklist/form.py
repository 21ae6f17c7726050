"""The sweep options of the Blacklist tab: resolver, DQS key, lists, timeout, MX and reverse DNS.

Kept apart from the tab so the tab module stays about running and showing a sweep.
Mnemonics here are part of the tab's set (R, Q, Z, I, M, P): see the tab's test that
walks every one of them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from sbskit.core.dnsbl.engine import Options
from sbskit.core.settings import Settings


class SweepOptionsForm(QWidget):
    changed = Signal()  # the resolver text changed: the tab validates again

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        options = QHBoxLayout()
        form = QFormLayout()
        resolver = settings.get("blacklist/resolver", "")
        self.resolver_edit = QLineEdit(resolver if isinstance(resolver, str) else "")
        self.resolver_edit.setPlaceholderText("this computer's resolver")
        self.resolver_edit.setAccessibleName("DNS resolver")
        self.resolver_edit.setToolTip("The DNS server that asks the lists: IP or IP:PORT, IPv6 as [::1]:5353. Leave empty "
                                      "for this computer's. Public resolvers (Google, Cloudflare) are refused by Spamhaus "
                                      "and others: use your own server's DNS, or a Spamhaus DQS key.")
        self.resolver_edit.textChanged.connect(lambda _t: self.changed.emit())
        form.addRow("&Resolver:", self.resolver_edit)
        self.dqs_edit = QLineEdit()
        self.dqs_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.dqs_edit.setPlaceholderText("optional")
        self.dqs_edit.setAccessibleName("Spamhaus DQS key")
        self.dqs_edit.setToolTip("Spamhaus Data Query Service key (free for low volume): Spamhaus lists are then asked "
                                 "through DQS, which works from any resolver. The key is not saved.")
        form.addRow("Spamhaus D&QS key:", self.dqs_edit)
        self.zones_edit = QLineEdit()
        self.zones_edit.setPlaceholderText("all default lists for each kind of target")
        self.zones_edit.setAccessibleName("Only these lists")
        self.zones_edit.setToolTip("Optional: ask only these list zones (e.g. zen.spamhaus.org, bl.spamcop.net), "
                                   "separated by spaces or commas. Lists not in the catalogue follow RFC 5782.")
        form.addRow("Only these list &zones:", self.zones_edit)
        options.addLayout(form, 2)
        side = QFormLayout()
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0.5, 30.0)
        self.timeout_spin.setSingleStep(0.5)
        self.timeout_spin.setSuffix(" s")
        try:
            self.timeout_spin.setValue(float(settings.get("blacklist/timeout", 3.0) or 3.0))
        except (TypeError, ValueError):  # a hand-edited settings file
            self.timeout_spin.setValue(3.0)
        self.timeout_spin.setMaximumWidth(110)
        self.timeout_spin.setAccessibleName("Timeout per query")
        self.timeout_spin.setToolTip("How long to wait for each list; the whole check ends shortly after.")
        side.addRow("T&imeout:", self.timeout_spin)
        self.mx_check = QCheckBox("Check a domain's &mail servers (MX)")
        self.mx_check.setChecked(True)
        self.mx_check.setToolTip("For a domain, also check the addresses of its MX hosts, where its mail comes from.")
        self.ptr_check = QCheckBox("Reverse DNS (&PTR, forward-confirmed)")
        self.ptr_check.setChecked(True)
        self.ptr_check.setToolTip("Look up the PTR name of each address and whether it points back (FCrDNS); many "
                                  "receivers reject mail from addresses without it.")
        side.addRow(self.mx_check)
        side.addRow(self.ptr_check)
        options.addLayout(side, 1)
        outer.addLayout(options)

    def options(self) -> Options:
        resolver = self.resolver_edit.text().strip()
        zones = [z for z in self.zones_edit.text().replace(",", " ").split() if z]
        return Options(resolvers=[resolver] if resolver else [], zones=zones, timeout=self.timeout_spin.value(),
                       dqs_key=self.dqs_edit.text().strip() or None, include_mx=self.mx_check.isChecked(),
                       reverse_dns=self.ptr_check.isChecked())
