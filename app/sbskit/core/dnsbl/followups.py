"""Reverse DNS (PTR and its forward confirmation) and a domain's mail servers, for the sweep.

Chained on the same transport as the blocklist queries, within the same deadline:
a domain's MX hosts are resolved to addresses, which join the sweep as targets of
their own; each address's PTR names are looked up and must point back (FCrDNS).
"""

from __future__ import annotations

import ipaddress

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.health import RCODE_TEXT
from sbskit.core.dnsbl.targets import Target, parse_target
from sbskit.core.dnsbl.transport import Answer
from sbskit.core.errors import UserInputError

MAX_MX_HOSTS = 5
MAX_ADDRESSES_PER_MX = 4
MAX_PTR_NAMES = 4


class FollowUps:
    """Mixed into :class:`~sbskit.core.dnsbl.engine.Sweep` (uses its transport and streaming)."""

    _transport = None

    def _emit_info(self, info: dict) -> None:  # pragma: no cover - provided by the sweep
        raise NotImplementedError

    def _add_target(self, target: Target) -> None:  # pragma: no cover - provided by the sweep
        raise NotImplementedError

    def _progress(self) -> None:  # pragma: no cover - provided by the sweep
        raise NotImplementedError

    def _reverse_dns(self, target: Target, info: dict) -> None:
        if target.kind == "ipv4":
            name = f"{target.label}.in-addr.arpa"
        else:
            name = f"{target.label}.ip6.arpa"
        self._transport.submit(name, wire.PTR, lambda a: self._on_ptr(target, info, a), key="#ptr")

    def _on_ptr(self, target: Target, info: dict, answer: Answer) -> None:
        if answer.error or answer.msg.rcode not in (wire.NOERROR, wire.NXDOMAIN):
            info["ptr"] = None
            info["fcrdns"] = None
            info["ptr_error"] = answer.detail or RCODE_TEXT.get(answer.rcode, "no answer")
            self._emit_info(info)
            return
        names = [n.rstrip(".").lower() for n in answer.msg.values(wire.PTR)][:MAX_PTR_NAMES]
        info["ptr"] = names
        if not names:
            info["fcrdns"] = False
            self._emit_info(info)
            return
        qtype = wire.A if target.kind == "ipv4" else wire.AAAA
        state = {"left": len(names), "match": False, "unsure": False}

        def on_forward(a: Answer) -> None:
            state["left"] -= 1
            if a.error or a.msg.rcode not in (wire.NOERROR, wire.NXDOMAIN):
                state["unsure"] = True
            elif target.text in {str(ipaddress.ip_address(v)) for v in a.msg.values(qtype)}:
                state["match"] = True
            if state["left"] == 0:
                info["fcrdns"] = True if state["match"] else (None if state["unsure"] else False)
                self._emit_info(info)

        for name in names:
            self._transport.submit(name, qtype, on_forward, key="#ptr")

    def _on_mx(self, target: Target, info: dict, answer: Answer) -> None:
        if answer.error or answer.msg.rcode not in (wire.NOERROR, wire.NXDOMAIN):
            info["mx"] = None
            info["mx_error"] = answer.detail or RCODE_TEXT.get(answer.rcode, "no answer")
            self._emit_info(info)
            return
        records = sorted(answer.msg.values(wire.MX))
        hosts = [host.rstrip(".").lower() for _pref, host in records if host.rstrip(".")][:MAX_MX_HOSTS]
        implicit = False
        if not records and answer.msg.rcode == wire.NOERROR:
            hosts = [target.text]  # RFC 5321: no MX means the domain's own address is the mail host
            implicit = True
        info["mx"] = [{"host": h, "addresses": [], "implicit": implicit} for h in hosts]
        self._emit_info(info)
        for entry in info["mx"]:
            for qtype in (wire.A, wire.AAAA):
                self._transport.submit(entry["host"], qtype,
                                       lambda a, e=entry, t=target, q=qtype: self._on_mx_address(t, info, e, q, a),
                                       key="#mx")

    def _on_mx_address(self, domain: Target, info: dict, entry: dict, qtype: int, answer: Answer) -> None:
        if answer.error or answer.msg is None:
            entry.setdefault("errors", []).append(f"{wire.TYPE_NAMES[qtype]}: {answer.detail}")
            self._emit_info(info)
            return
        added = []
        for value in answer.msg.values(qtype)[:MAX_ADDRESSES_PER_MX]:
            try:
                address = parse_target(value)
            except UserInputError:
                continue
            if address.text not in entry["addresses"]:
                entry["addresses"].append(address.text)
                added.append(address)
        self._emit_info(info)
        for address in added:
            address.source = {"domain": domain.text, "mx": entry["host"]}
            self._add_target(address)
        self._progress()
