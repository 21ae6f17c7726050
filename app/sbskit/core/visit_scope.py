"""What belongs to a client's visit report, and why (no Qt).

A consultant sees three clients in a morning; the window still holds whatever was checked
before. A result goes into client X's report when:

* it checked something of X's: every target is one of the profile's public IPs, a domain of
  the profile (or a host under one), or one of its mail hosts. A result whose targets are
  not all X's is left out, even when it was run while X was chosen (a look at another
  domain is not X's finding); the consultant can still tick it, and its chapter then says so;
* it has no target (a pasted ``systeminfo``, a logon script, a triage without domains) and
  was made while X was the current client, in this session;
* it is kept per client (the POP3 checklist): it is X's own.

A profile that lists no addresses and no domains cannot be matched by target: its results
follow the session rule.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ReportPart:
    """One result a tab offers the visit report: its page-1 line, its chapter and its pictures.

    ``result`` is the object the part was made from: the window notes which client was current
    when it first saw it (:class:`Provenance`). ``views`` are (caption, widget) pairs the shell
    renders offscreen; this module never touches them.
    """

    key: str  # unique in the window: "blacklist/maildns"
    label: str  # what the export dialog lists: "Mail DNS health: acme-dental.test"
    summary: Any  # sbskit.core.report.CheckSummary
    sections: list = field(default_factory=list)
    views: list = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # IPs, domains, hosts it checked; [] = no target
    owner: str | None = None  # kept per client (the POP3 checklist): whose it is
    result: Any = None


@dataclass(frozen=True)
class Inclusion:
    include: bool
    reason: str  # one line for the export dialog (and the chapter, when ticked against it)


def _ip(text: str):
    value = text.strip().strip("[]")
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _host(text: str) -> str:
    return text.strip().lower().rstrip(".")


@dataclass(frozen=True)
class ClientScope:
    name: str
    ips: frozenset = frozenset()
    domains: tuple[str, ...] = ()
    mail_hosts: frozenset = frozenset()

    @classmethod
    def from_profile(cls, profile: Any) -> ClientScope:
        ips = {ip for ip in (_ip(v) for v in list(profile.ips) + list(profile.mail_hosts)) if ip is not None}
        hosts = {_host(v) for v in profile.mail_hosts if _ip(v) is None}
        return cls(profile.name, frozenset(ips), tuple(_host(d) for d in profile.domains), frozenset(hosts))

    @property
    def empty(self) -> bool:
        return not (self.ips or self.domains or self.mail_hosts)

    def owns(self, target: str) -> bool:
        """Is ``target`` (an address, a domain or a host name) one of this client's?"""
        ip = _ip(target)
        if ip is not None:
            return ip in self.ips
        host = _host(target)
        if host in self.mail_hosts:
            return True
        return any(host == d or host.endswith("." + d) for d in self.domains)


def _names(values: list[str], limit: int = 3) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def decide(scope: ClientScope | None, part: ReportPart, made_under: str) -> Inclusion:
    """Does ``part`` belong in ``scope``'s report? ``made_under`` names the client that was
    current when the result appeared ('' for none)."""
    if scope is None:
        return Inclusion(True, "no client is chosen: everything checked in this session")
    name = scope.name
    if part.owner is not None:
        if part.owner.casefold() == name.casefold():
            return Inclusion(True, f"{name}'s own")
        return Inclusion(False, f"belongs to {part.owner or 'no client'}, not {name}")
    if part.targets and not scope.empty:
        foreign = [t for t in part.targets if not scope.owns(t)]
        if not foreign:
            return Inclusion(True, f"checked {_names(part.targets)}, in {name}'s profile")
        return Inclusion(False, f"{_names(foreign)} {'is' if len(foreign) == 1 else 'are'} not in {name}'s profile")
    if made_under.casefold() == name.casefold():
        why = "no target to match" if not part.targets else f"{name}'s profile lists no addresses or domains"
        return Inclusion(True, f"made while {name} was the client ({why})")
    if not made_under:
        return Inclusion(False, f"made before {name} was chosen")
    return Inclusion(False, f"made while {made_under} was the client")


def history_targets(kind: str, target: str) -> list[str]:
    """What a saved run of the client's history was about, from its stored target text:
    "a.test (192.0.2.1)" for Mail DNS, "host:25" for a relay test, "ip, ip" for blocklists."""
    if kind == "maildns":
        domain, _, rest = target.partition(" (")
        return [domain] + ([rest.rstrip(")")] if rest else [])
    if kind == "relaytest":
        host, sep, port = target.rpartition(":")
        plain_port = bool(sep) and port.isdigit() and (host.endswith("]") or ":" not in host)
        return [host if plain_port else target]
    if kind in ("blacklist", "mailprobe"):
        return [t.strip() for t in target.split(",") if t.strip()]
    return []  # a triage's target is its evidence files: nothing to match


def history_belongs(scope: ClientScope | None, kind: str, target: str) -> bool:
    """A saved run's comparison goes into the report when what it checked is the client's (a
    look at another domain saved to this client's history stays out, as on screen)."""
    targets = history_targets(kind, target)
    return scope is None or scope.empty or not targets or all(scope.owns(t) for t in targets)


class Provenance:
    """Which client was current when each result first appeared (the window feeds it).

    On every change of client the window calls :meth:`seal` with the parts on screen: those not
    yet noted were made under the client that is being left. A part never sealed was made under
    the current client.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[Any, str]] = {}

    def seal(self, parts: list[ReportPart], leaving: str) -> None:
        for part in parts:
            noted = self._seen.get(part.key)
            if noted is None or not _same(noted[0], part.result):
                self._seen[part.key] = (part.result, leaving)  # holds the result: its identity stays unique

    def renamed(self, old: str, new: str) -> None:
        """The client was renamed: what was made for it is the renamed client's (not another's)."""
        for key, (result, under) in list(self._seen.items()):
            if under.casefold() == old.casefold():
                self._seen[key] = (result, new)

    def made_under(self, part: ReportPart, current: str) -> str:
        noted = self._seen.get(part.key)
        return noted[1] if noted is not None and _same(noted[0], part.result) else current


def _same(a: Any, b: Any) -> bool:
    """The same result: the same object (a tuple, a value, compares by value)."""
    return a is b or (isinstance(a, tuple) and a == b)
