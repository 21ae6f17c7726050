"""The blocklist sweep: every target on every list at once, with honest verdicts.

Each result is ``listed`` (a documented listing code), ``clean`` (NXDOMAIN from a list
whose own test entries behave) or ``error`` with a reason. The test points decide trust:
a list that does not list its own test entry (RFC 5782: 127.0.0.2), lists the
never-listed one (127.0.0.1) or answers for a random name cannot give a trustworthy
"not listed", so its NXDOMAINs become errors instead of green ticks. Follow-up queries
(TXT reasons, the resolver Spamhaus saw, PTR and forward-confirmed reverse DNS, MX
hosts of a domain and their addresses) are chained as answers arrive, all within one
overall deadline of about the per-query timeout.
"""

from __future__ import annotations

import os
import time

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.answers import RFC_TEST_POINTS, a_records, probe_label, resolver_in_txt, txt_records
from sbskit.core.dnsbl.catalogue import ERROR, LISTING, Catalogue, Zone, custom_zone, load_catalogue, worst_category
from sbskit.core.dnsbl.resolvers import check_dqs_key, format_resolver, parse_resolver, system_resolvers
from sbskit.core.dnsbl.summary import summarize, summary_line  # noqa: F401 - re-exported for callers
from sbskit.core.dnsbl.targets import Target, parse_target, parse_targets, special_reason
from sbskit.core.dnsbl.transport import MALFORMED, TIMEOUT, UNREACHABLE, Answer, Transport
from sbskit.core.errors import UserInputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (CLI start-up time)
    from typing import Any

    from sbskit.core.jobs import JobContext

DEFAULT_TIMEOUT = 3.0
MAX_MX_HOSTS = 5
MAX_ADDRESSES_PER_MX = 4
MAX_PTR_NAMES = 4

RCODE_REASON = {wire.SERVFAIL: "servfail", wire.REFUSED: "refused"}
RCODE_TEXT = {wire.SERVFAIL: "SERVFAIL (the resolver could not get an answer from the list's servers)",
              wire.REFUSED: "REFUSED (the server would not answer this query)",
              wire.FORMERR: "FORMERR", wire.NOTIMP: "NOTIMP"}

SPAMHAUS_ADVICE = ("Spamhaus does not answer queries that come through public or cloud resolvers. "
                   "Check from a resolver you run yourself (the server's own DNS service), or get a free "
                   "Spamhaus DQS key and use it here.")
SPAMHAUS_RATE_ADVICE = ("Spamhaus limits free queries per resolver; a shared resolver passes that limit quickly. "
                        "Check from a resolver you run yourself, or use a free Spamhaus DQS key.")


def _spamhaus_advice(reason: str) -> str:
    return SPAMHAUS_RATE_ADVICE if reason == "rate-limited" else SPAMHAUS_ADVICE


class Options:
    """How to sweep. ``resolvers`` empty means the system's; ``zones`` empty means the catalogue."""

    def __init__(self, resolvers: list[str] | None = None, zones: list[str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, dqs_key: str | None = None, include_mx: bool = True,
                 reverse_dns: bool = True, per_zone_limit: int = 64) -> None:
        self.resolvers = list(resolvers or [])
        self.zones = list(zones or [])
        self.timeout = timeout
        self.dqs_key = dqs_key
        self.include_mx = include_mx
        self.reverse_dns = reverse_dns
        self.per_zone_limit = per_zone_limit


def _sweep_deadline(timeout: float) -> float:
    return timeout + min(1.5, max(0.5, timeout * 0.25))


class _ZoneHealth:
    """What the test points said about one zone (on this resolver, this session)."""

    def __init__(self, zone: Zone, qzone: str) -> None:
        self.zone = zone
        self.qzone = qzone
        self.waiting = 0
        self.listed: Answer | None = None
        self.not_listed: Answer | None = None
        self.wildcard: Answer | None = None
        self.txt: list[str] = []
        self.settled = False
        # outcome
        self.error: tuple[str, str] | None = None  # (reason, detail): every result of the zone is this error
        self.clean_doubt: tuple[str, str] | None = None  # NXDOMAIN answers cannot be trusted: (reason, detail)
        self.resolver_seen: str | None = None
        self.slots: list[_Slot] = []  # results waiting for the verdict
        self.test_listed = zone.test_listed
        self.test_not_listed = zone.test_not_listed


class _Slot:
    """One target on one zone."""

    __slots__ = ("target", "zone", "qname", "answer", "txt", "waiting_txt", "emitted", "result", "health")

    def __init__(self, target: Target, zone: Zone, qname: str) -> None:
        self.target = target
        self.zone = zone
        self.qname = qname
        self.answer: Answer | None = None
        self.txt: list[str] = []
        self.waiting_txt = False
        self.emitted = False
        self.result: dict | None = None
        self.health: _ZoneHealth | None = None


class Sweep:
    """One run: build with targets and :class:`Options`, then :meth:`run`."""

    def __init__(self, targets: list[str] | str, options: Options | None = None, catalogue: Catalogue | None = None) -> None:
        self.options = options or Options()
        self.catalogue = catalogue or load_catalogue()
        if not 0 < self.options.timeout <= 3600:
            raise UserInputError("the timeout must be between 0 and 3600 seconds")
        self.custom_resolver = bool(self.options.resolvers)
        self.targets = parse_targets(targets)
        if self.options.resolvers:
            self.servers = [parse_resolver(r) for r in self.options.resolvers]
        self.dqs_key = check_dqs_key(self.options.dqs_key) if self.options.dqs_key else None
        self.zone_choice = self._choose_zones()
        if not any(self.zone_choice[t.kind] for t in self.targets) and not (
                self.options.include_mx and any(t.kind == "domain" for t in self.targets)):
            kinds = ", ".join(sorted({t.kind for t in self.targets}))
            raise UserInputError(f"none of the chosen lists takes these targets ({kinds})")
        if not self.custom_resolver:
            for target in self.targets:
                if target.kind != "domain":
                    why = special_reason(target.text)
                    if why:
                        raise UserInputError(
                            f"{target.text} is {why}; public blocklists never list it. To test against your own "
                            "DNS server, name it with --resolver")
            self.servers = system_resolvers()  # last: only usable input gets this far
        self._transport: Transport | None = None
        self._health: dict[str, _ZoneHealth] = {}
        self._target_info: dict[str, dict] = {}
        self._order: list[str] = []
        self._slots: list[_Slot] = []
        self._ctx = None
        self._streaming = False
        self._done = 0
        self._total = 0
        self.problems: dict[str, dict] = {}

    # --- zones ------------------------------------------------------------------------------
    def _choose_zones(self) -> dict[str, list[Zone]]:
        if not self.options.zones:
            return {kind: self.catalogue.defaults(kind, self.dqs_key) for kind in ("ipv4", "ipv6", "domain")}
        chosen: list[Zone] = []
        seen = set()
        for name in self.options.zones:
            name = name.strip().lower().rstrip(".")
            if not name or name in seen:
                continue
            seen.add(name)
            try:
                parse_target(name)
            except UserInputError:
                raise UserInputError(f"zone {name[:80]!r} is not a DNS zone name (like zen.spamhaus.org)") from None
            zone = self.catalogue.by_name(name)
            if zone is None:
                zone = custom_zone(name)
                dead = self.catalogue.dead_entry(name)
                if dead:
                    zone.dead = dead
                    zone.name = dead.get("name", name)
                    zone.operator = dead.get("operator", "")
            chosen.append(zone)
        if not chosen:
            raise UserInputError("no zone given")
        return {kind: [z for z in chosen if z.takes(kind)] for kind in ("ipv4", "ipv6", "domain")}

    def _query_zone(self, zone: Zone) -> str | None:
        """The zone name actually asked (DQS form with the key), or None if it cannot be asked."""
        if zone.family == "spamhaus" and self.dqs_key and zone.dqs_zone:
            return f"{self.dqs_key}.{zone.dqs_zone}"
        if zone.requires == "dqs-key":
            return None
        return zone.zone

    # --- running ----------------------------------------------------------------------------
    def run(self, ctx: "JobContext | None" = None) -> dict[str, Any]:
        self._ctx = ctx or _NullContext()
        self._streaming = ctx is not None
        start = time.monotonic()
        with Transport(self.servers, timeout=self.options.timeout, per_key_limit=self.options.per_zone_limit) as tr:
            self._transport = tr
            for target in self.targets:
                self._add_target(target)
            self._progress()
            # about the per-query timeout plus a little; a big sweep (a /24 on 40 lists) queues
            # behind the in-flight caps, so it gets 1 ms more per query beyond the first 500
            deadline = start + _sweep_deadline(self.options.timeout) + max(0, tr.queued() - 500) * 0.001
            tr.run(deadline, self._ctx.is_cancelled)
        if self._ctx.is_cancelled():
            from sbskit.core.jobs import Cancelled

            raise Cancelled()
        for slot in self._slots:  # anything still open (should not happen): settle honestly
            if not slot.emitted:
                if slot.answer is None:
                    slot.answer = Answer(error=TIMEOUT, detail="no answer before the overall time limit")
                self._emit(slot, force=True)
        return self.document(elapsed=time.monotonic() - start)

    def _progress(self) -> None:
        if self._streaming:
            self._ctx.progress(self._done, self._total, f"{self._done} of {self._total} lookups answered")

    def _add_target(self, target: Target) -> None:
        if target.text in self._target_info:
            return
        info = {"target": target.text, "kind": target.kind, "source": target.source, "skipped": None}
        self._target_info[target.text] = info
        self._order.append(target.text)
        tr = self._transport
        if target.source is not None and not self.custom_resolver:
            why = special_reason(target.text)
            if why:
                info["skipped"] = f"{target.text} is {why}; public blocklists never list it"
                self._emit_info(info)
                return
        if target.kind in ("ipv4", "ipv6") and self.options.reverse_dns:
            info["ptr"] = None
            info["fcrdns"] = None
            self._reverse_dns(target, info)
        if target.kind == "domain" and self.options.include_mx:
            info["mx"] = None
            tr.submit(target.text, wire.MX, lambda a, t=target, i=info: self._on_mx(t, i, a), key="#mx")
        for zone in self.zone_choice[target.kind]:
            qzone = self._query_zone(zone)
            slot = _Slot(target, zone, f"{target.label}.{qzone}" if qzone else "")
            self._slots.append(slot)
            self._total += 1
            if zone.dead is not None:
                slot.answer = Answer(error="dead", detail=_dead_detail(zone.dead))
                self._emit(slot, force=True)
                continue
            if qzone is None:
                slot.answer = Answer(error="needs-key", detail=f"{zone.name} answers only with a Spamhaus DQS key (--dqs-key)")
                self._emit(slot, force=True)
                continue
            health = self._zone_health(zone, qzone, target.kind)
            slot.health = health
            health.slots.append(slot)
            tr.submit(slot.qname, wire.A, lambda a, s=slot: self._on_answer(s, a), key=qzone)

    # --- test points ----------------------------------------------------------------------------
    def _zone_health(self, zone: Zone, qzone: str, kind: str) -> _ZoneHealth:
        key = qzone if zone.known else f"{qzone}#{kind}"
        health = self._health.get(key)
        if health is not None:
            return health
        health = self._health[key] = _ZoneHealth(zone, qzone)
        if not zone.known:  # RFC 5782 section 5 test points for the kind of target asked
            health.test_listed, health.test_not_listed = RFC_TEST_POINTS[kind]
        tr = self._transport
        probes = []
        if health.test_listed:
            probes.append(("listed", health.test_listed))
        if health.test_not_listed:
            probes.append(("not_listed", health.test_not_listed))
        for role, point in probes:
            label = probe_label(point)
            health.waiting += 1
            tr.submit(f"{label}.{qzone}", wire.A, lambda a, h=health, r=role: self._on_probe(h, r, a), key=qzone)
        # a name no list can hold: any address answer means a wildcard (parked or dead zone)
        health.waiting += 1
        probe = f"sbskit-wildcard-probe-{os.urandom(4).hex()}.{qzone}"
        tr.submit(probe, wire.A, lambda a, h=health: self._on_probe(h, "wildcard", a), key=qzone)
        return health

    def _on_probe(self, health: _ZoneHealth, role: str, answer: Answer) -> None:
        setattr(health, role, answer)
        health.waiting -= 1
        codes = a_records(answer)
        if codes and any(health.zone.decode(c).kind == ERROR for c in codes) and role == "listed":
            # the operator refused us: its TXT usually names the resolver it saw
            health.waiting += 1
            self._transport.submit(answer.msg.qname, wire.TXT, lambda a, h=health: self._on_probe_txt(h, a),
                                   key=health.qzone)
        if health.waiting == 0:
            self._settle(health)

    def _on_probe_txt(self, health: _ZoneHealth, answer: Answer) -> None:
        health.waiting -= 1
        health.txt = txt_records(answer)
        if health.waiting == 0:
            self._settle(health)

    def _settle(self, health: _ZoneHealth) -> None:
        zone = health.zone
        first_error = None
        for role in ("listed", "not_listed", "wildcard"):
            for code in a_records(getattr(health, role)):
                decoded = zone.decode(code)
                if decoded.kind == ERROR and first_error is None:
                    first_error = decoded
        if first_error is not None:
            detail = first_error.meaning
            seen = resolver_in_txt(health.txt)
            if seen:
                health.resolver_seen = seen
                detail += f". The list saw the query coming from {seen}"
            if zone.family == "spamhaus" and first_error.reason in ("blocked-resolver", "rate-limited"):
                detail += ". " + _spamhaus_advice(first_error.reason)
                self._problem("spamhaus", first_error.reason, detail, seen)
            health.error = (first_error.reason, detail)
        else:
            health.error = self._broken(health)
            if health.error is None:
                health.clean_doubt = self._doubt(health)
        health.settled = True
        waiting, health.slots = health.slots, []
        for slot in waiting:
            self._emit(slot)

    def _broken(self, health: _ZoneHealth) -> tuple[str, str] | None:
        zone = health.zone
        for role, what in (("not_listed", f"its never-listed test entry {health.test_not_listed}"),
                           ("wildcard", "a random name that no list can hold")):
            codes = a_records(getattr(health, role))
            if codes:
                return ("zone-broken", f"{zone.name} answers {', '.join(codes)} for {what}: it lists everything "
                        "(dead, parked or wildcarded), so none of its answers mean anything")
        return None

    def _doubt(self, health: _ZoneHealth) -> tuple[str, str] | None:
        """Why an NXDOMAIN from this zone cannot be trusted, if it cannot."""
        zone = health.zone
        if not health.test_listed:
            return None
        answer = health.listed
        point = health.test_listed
        if answer is not None and answer.error == UNREACHABLE:
            return ("refused", answer.detail)
        if answer is None or answer.error:
            detail = answer.detail if answer is not None else "no answer"
            return ("timeout", f"the list's test entry {point} did not answer ({detail}), so 'not listed' cannot be confirmed")
        msg = answer.msg
        if msg.rcode in RCODE_REASON:
            return (RCODE_REASON[msg.rcode], f"the list's test entry {point} got {RCODE_TEXT[msg.rcode]}, so 'not listed' cannot be confirmed")
        if msg.rcode == wire.NXDOMAIN or (msg.rcode == wire.NOERROR and not a_records(answer)):
            if zone.family == "spamhaus":
                detail = (f"the resolver says Spamhaus's own test entry {point} is not listed; some public resolvers "
                          "(Google Public DNS among them) answer 'not listed' for every Spamhaus query, so these "
                          "'not listed' answers are false. " + SPAMHAUS_ADVICE)
                self._problem("spamhaus", "blocked-resolver", detail, None)
                return ("blocked-resolver", detail)
            return ("zone-broken", f"{zone.name} does not list its own test entry {point}: the list is empty, dead or "
                    "hidden by the resolver, so its 'not listed' answers cannot be trusted")
        if msg.rcode != wire.NOERROR:
            return ("unexpected-answer", f"the list's test entry {point} got DNS error code {msg.rcode}")
        decoded = [zone.decode(c) for c in a_records(answer)]
        if not any(d.kind == LISTING for d in decoded):
            return ("unexpected-answer", f"the list's test entry {point} answered {', '.join(d.code for d in decoded)}, "
                    "which is not a documented listing code")
        return None

    def _problem(self, family: str, reason: str, detail: str, seen: str | None) -> None:
        key = f"{family}:{reason}:{seen}:{detail[:60]}"
        if key not in self.problems:
            self.problems[key] = {"lists": family, "error": reason, "detail": detail, "resolver_seen": seen}

    # --- target answers ------------------------------------------------------------------------
    def _on_answer(self, slot: _Slot, answer: Answer) -> None:
        slot.answer = answer
        codes = a_records(answer)
        if codes and any(slot.zone.decode(c).kind in (LISTING, ERROR) for c in codes):
            slot.waiting_txt = True
            self._transport.submit(slot.qname, wire.TXT, lambda a, s=slot: self._on_txt(s, a), key="#txt")
            return
        self._emit(slot)

    def _on_txt(self, slot: _Slot, answer: Answer) -> None:
        slot.txt = txt_records(answer)
        slot.waiting_txt = False
        self._emit(slot)

    def _emit(self, slot: _Slot, force: bool = False) -> None:
        if slot.emitted or slot.answer is None or (slot.waiting_txt and not force):
            return
        health = slot.health
        if health is not None and not health.settled:
            if not force:
                return
            health.settled = True  # the deadline passed while test points were out
            health.clean_doubt = ("timeout", "the list's test entries did not answer in time, so 'not listed' cannot be confirmed")
        slot.emitted = True
        slot.result = self._verdict(slot, health)
        self._done += 1
        if self._streaming:
            self._ctx.result({"type": "result", "target": slot.target.text, "kind": slot.target.kind,
                              "source": slot.target.source, **slot.result})
            self._progress()

    def _verdict(self, slot: _Slot, health: _ZoneHealth | None) -> dict[str, Any]:
        zone = slot.zone
        result: dict[str, Any] = {
            "zone": zone.zone, "name": zone.name, "status": "error", "codes": [], "meanings": [],
            "category": None, "verdict": None, "txt": slot.txt, "error": None, "detail": "",
            "delist_url": zone.delist_for(slot.target.text),
        }
        answer = slot.answer

        def error(reason: str, detail: str) -> dict[str, Any]:
            result["error"] = reason
            result["detail"] = detail
            return result

        if answer.error == "dead":
            return error("zone-broken", answer.detail)
        if answer.error == "needs-key":
            return error("blocked-resolver", answer.detail)
        if health is not None and health.error is not None:
            codes = a_records(answer)
            result["codes"] = codes
            return error(*health.error)
        if answer.error == TIMEOUT:
            return error("timeout", f"no answer from the resolver ({answer.detail})")
        if answer.error == UNREACHABLE:
            return error("refused", answer.detail)
        if answer.error == MALFORMED:
            return error("unexpected-answer", answer.detail)
        msg = answer.msg
        if msg.rcode in RCODE_REASON:
            return error(RCODE_REASON[msg.rcode], RCODE_TEXT[msg.rcode])
        if msg.rcode == wire.NXDOMAIN:
            if health is not None and health.clean_doubt is not None:
                return error(*health.clean_doubt)
            result["status"] = "clean"
            result["detail"] = "not listed" + (" (cached answer)" if answer.cached else "")
            return result
        if msg.rcode != wire.NOERROR:
            return error("unexpected-answer", f"DNS error code {msg.rcode}")
        codes = a_records(answer)
        result["codes"] = codes
        if not codes:
            return error("unexpected-answer", "the name exists but has no address record (a list answers NXDOMAIN when not listed)")
        decoded = [zone.decode(c) for c in codes]
        errors = [d for d in decoded if d.kind == ERROR]
        if errors:
            detail = errors[0].meaning
            seen = resolver_in_txt(slot.txt)
            if seen:
                detail += f". The list saw the query coming from {seen}"
            if zone.family == "spamhaus" and errors[0].reason in ("blocked-resolver", "rate-limited"):
                detail += ". " + _spamhaus_advice(errors[0].reason)
            result["meanings"] = [d.meaning for d in errors]
            return error(errors[0].reason, detail)
        listings = [d for d in decoded if d.kind == LISTING]
        if not listings:
            result["meanings"] = [d.meaning for d in decoded]
            return error("unexpected-answer", "; ".join(d.meaning for d in decoded))
        result["status"] = "listed"
        result["codes"] = [d.code for d in listings]
        result["meanings"] = [d.meaning for d in listings]
        categories = [d.category for d in listings]
        verdicts = [self.catalogue.verdict(c) for c in categories]
        worst = "bad" if "bad" in verdicts else ("neutral" if "neutral" in verdicts else "good")
        result["verdict"] = worst
        result["category"] = worst_category([c for c, v in zip(categories, verdicts) if v == worst])
        others = [d for d in decoded if d.kind != LISTING]
        notes = []
        if others:
            notes.append("also answered " + ", ".join(d.code for d in others) + " (undocumented, ignored)")
        if health is not None and health.clean_doubt is not None:
            notes.append("note: " + health.clean_doubt[1])
        result["detail"] = "; ".join(notes)
        return result

    # --- reverse DNS, MX ------------------------------------------------------------------------
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

        def on_forward(a: Answer, name: str) -> None:
            state["left"] -= 1
            if a.error or a.msg.rcode not in (wire.NOERROR, wire.NXDOMAIN):
                state["unsure"] = True
            else:
                import ipaddress

                addrs = {str(ipaddress.ip_address(v)) for v in a.msg.values(qtype)}
                if target.text in addrs:
                    state["match"] = True
            if state["left"] == 0:
                info["fcrdns"] = True if state["match"] else (None if state["unsure"] else False)
                self._emit_info(info)

        for name in names:
            self._transport.submit(name, qtype, lambda a, n=name: on_forward(a, n), key="#ptr")

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

    def _emit_info(self, info: dict) -> None:
        if self._streaming:
            self._ctx.result({"type": "target", **info})

    # --- output -----------------------------------------------------------------------------
    def document(self, elapsed: float = 0.0) -> dict[str, Any]:
        """The contract's JSON document (plus extra keys: summary, problems, ptr, mx)."""
        by_target: dict[str, list[dict]] = {t: [] for t in self._order}
        for slot in self._slots:
            if slot.result is not None:
                by_target[slot.target.text].append(slot.result)
        targets = []
        for text in self._order:
            entry = dict(self._target_info[text])
            entry["results"] = by_target[text]
            targets.append(entry)
        doc = {
            "resolver": [format_resolver(h, p) for h, p in self.servers],
            "resolver_kind": "custom" if self.custom_resolver else "system",
            "dqs": bool(self.dqs_key),
            "targets": targets,
            "problems": list(self.problems.values()),
            "summary": summarize(targets),
            "elapsed_seconds": round(elapsed, 3),
        }
        return doc


def _dead_detail(entry: dict) -> str:
    return (f"{entry.get('name', entry['zone'])} is dead since {entry.get('since', '?')}: {entry.get('now', '')} "
            "The kit does not query it.").strip()


class _NullContext:
    """Stand-in for :class:`sbskit.core.jobs.JobContext` (not imported: CLI start-up time)."""

    @staticmethod
    def progress(done: int, total: int, message: str) -> None:
        return None

    @staticmethod
    def result(item: Any) -> None:
        return None

    @staticmethod
    def is_cancelled() -> bool:
        return False


def check(targets: list[str] | str, options: Options | None = None, ctx: "JobContext | None" = None) -> dict[str, Any]:
    """Sweep ``targets`` and return the JSON document (streams results through ``ctx``)."""
    return Sweep(targets, options).run(ctx)
