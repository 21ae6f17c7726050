"""The blocklist sweep: every target on every list at once, with honest verdicts.

Each result is ``listed`` (a documented listing code), ``clean`` (NXDOMAIN from a list
whose own test entries behave, see ``health``) or ``error`` with a reason (``verdict``).
Follow-up queries (TXT reasons, the resolver Spamhaus saw, PTR and forward-confirmed
reverse DNS, MX hosts of a domain and their addresses) are chained as answers arrive,
all within one overall deadline of about the per-query timeout; on a list that answers
slowly the TXT reason is asked together with the address, so a listing there costs one
round trip, not two. When no blocklist could answer because of the resolver,
``diagnosis`` says so once. Cancel stops at once: lookups that never ran are counted as
not asked, never as timeouts.
"""

from __future__ import annotations

import os
import time
from functools import partial  # a C-level callback: no extra Python frame per answer, unlike a lambda

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.answers import a_records, txt_records
from sbskit.core.dnsbl.catalogue import ERROR, LISTING, Catalogue, Zone, custom_zone, load_catalogue
from sbskit.core.dnsbl.diagnosis import diagnose, probe_name, relabel
from sbskit.core.dnsbl.followups import FollowUps
from sbskit.core.dnsbl.health import RCODE_REASON, RCODE_TEXT, SPAMHAUS_ADVICE, ZoneHealth  # noqa: F401 - re-exported
from sbskit.core.dnsbl.resolvers import check_dqs_key, format_resolver, parse_resolver, system_resolvers
from sbskit.core.dnsbl.summary import exit_code, summarize, summary_line  # noqa: F401 - re-exported for callers
from sbskit.core.dnsbl.targets import Target, parse_target, parse_targets, special_reason
from sbskit.core.dnsbl.transport import CANCELLED, NOT_ASKED, TIMEOUT, Answer, Transport
from sbskit.core.dnsbl.verdict import verdict
from sbskit.core.errors import UserInputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (CLI start-up time)
    from typing import Any

    from sbskit.core.jobs import JobContext

DEFAULT_TIMEOUT = 3.0


class Options:
    """How to sweep. ``resolvers`` empty means the system's; ``zones`` empty means the catalogue.

    ``share_answers``: keep answers in the process-wide cache for later sweeps (the window's
    tabs and re-runs); a one-shot CLI process has no later sweep and skips the bookkeeping.
    """

    def __init__(self, resolvers: list[str] | None = None, zones: list[str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, dqs_key: str | None = None, include_mx: bool = True,
                 reverse_dns: bool = True, per_zone_limit: int = 64, share_answers: bool = True) -> None:
        self.resolvers = list(resolvers or [])
        self.zones = list(zones or [])
        self.timeout = timeout
        self.dqs_key = dqs_key
        self.include_mx = include_mx
        self.reverse_dns = reverse_dns
        self.per_zone_limit = per_zone_limit
        self.share_answers = share_answers


def _sweep_deadline(timeout: float) -> float:
    return timeout + min(1.5, max(0.5, timeout * 0.25))


class _Slot:
    """One target on one zone."""

    __slots__ = ("target", "zone", "qname", "answer", "txt", "txt_state", "waiting_txt", "emitted", "result",
                 "health", "on_txt")

    def __init__(self, target: Target, zone: Zone, qname: str) -> None:
        self.target = target
        self.zone = zone
        self.qname = qname
        self.answer: Answer | None = None
        self.txt: list[str] = []
        self.txt_state = 0  # 0 not asked, 1 asked, 2 answered
        self.waiting_txt = False
        self.emitted = False
        self.result: dict | None = None
        self.health: ZoneHealth | None = None
        self.on_txt = None  # the TXT callback while the TXT question is out


class Sweep(FollowUps):
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
        self._health: dict[str, ZoneHealth] = {}
        self._target_info: dict[str, dict] = {}
        self._order: list[str] = []
        self._slots: list[_Slot] = []
        self._open_by_qzone: dict[str, dict[_Slot, None]] = {}  # slots whose address answer is still out
        self._resolver_probe: Answer | None = None
        self._ctx = None
        self._streaming = False
        self._done = 0
        self._total = 0
        self.problems: dict[str, dict] = {}
        self.cancelled_counts: dict[str, int] | None = None  # after a cancel: ran, not_asked, total

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
        with Transport(self.servers, timeout=self.options.timeout, per_key_limit=self.options.per_zone_limit,
                       use_cache=self.options.share_answers) as tr:
            self._transport = tr
            tr.on_slow = self._on_slow_zone
            tr.submit(probe_name(os.urandom(4).hex()), wire.A, self._on_resolver_probe, key="#resolver")
            for target in self.targets:
                self._add_target(target)
            self._progress()
            # about the per-query timeout plus a little; a big sweep (a /24 on 40 lists) queues
            # behind the in-flight caps, so it gets 1 ms more per query beyond the first 500
            deadline = start + _sweep_deadline(self.options.timeout) + max(0, tr.queued() - 500) * 0.001
            tr.run(deadline, self._ctx.is_cancelled)
        if self._ctx.is_cancelled():
            self._cancelled()
        for slot in self._slots:  # anything still open (should not happen): settle honestly
            if not slot.emitted:
                if slot.answer is None:
                    slot.answer = Answer(error=TIMEOUT, detail="no answer before the overall time limit")
                self._emit(slot, force=True)
        return self.document(elapsed=time.monotonic() - start)

    def _cancelled(self) -> None:
        from sbskit.core.jobs import Cancelled

        self.cancelled_counts = {"ran": self._done, "not_asked": self._total - self._done, "total": self._total}
        if self._streaming:
            self._ctx.result({"type": "cancelled", **self.cancelled_counts})
        raise Cancelled()

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
            self._open_by_qzone.setdefault(qzone, {})[slot] = None
            tr.submit(slot.qname, wire.A, partial(self._on_answer, slot), key=qzone)
            if tr.is_slow(qzone):
                self._ask_txt(slot)

    # --- test points ----------------------------------------------------------------------------
    def _zone_health(self, zone: Zone, qzone: str, kind: str) -> ZoneHealth:
        key = qzone if zone.known else f"{qzone}#{kind}"
        health = self._health.get(key)
        if health is not None:
            return health
        health = self._health[key] = ZoneHealth(zone, qzone, kind)
        for role, name in health.probes():
            self._transport.submit(name, wire.A, partial(self._on_probe, health, role), key=qzone)
        return health

    def _on_probe(self, health: ZoneHealth, role: str, answer: Answer) -> None:
        setattr(health, role, answer)
        health.waiting -= 1
        if health.wants_txt(role, answer):
            health.waiting += 1
            self._transport.submit(answer.msg.qname, wire.TXT, lambda a, h=health: self._on_probe_txt(h, a),
                                   key=health.qzone)
        if health.waiting == 0:
            self._settle(health)

    def _on_probe_txt(self, health: ZoneHealth, answer: Answer) -> None:
        health.waiting -= 1
        health.txt = txt_records(answer)
        if health.waiting == 0:
            self._settle(health)

    def _settle(self, health: ZoneHealth) -> None:
        health.settle()
        for reason, detail, seen in health.problems:
            key = f"spamhaus:{reason}:{seen}:{detail[:60]}"
            self.problems.setdefault(key, {"lists": "spamhaus", "error": reason, "detail": detail, "resolver_seen": seen})
        waiting, health.slots = health.slots, []
        for slot in waiting:
            self._emit(slot)

    def _on_resolver_probe(self, answer: Answer) -> None:
        self._resolver_probe = answer

    # --- target answers ------------------------------------------------------------------------
    def _on_slow_zone(self, qzone: str) -> None:
        """A zone answers slowly: ask the TXT reasons of its open lookups now, not after the address."""
        for slot in list(self._open_by_qzone.get(qzone, ())):
            self._ask_txt(slot)

    def _ask_txt(self, slot: _Slot) -> None:
        if slot.txt_state == 0:
            slot.txt_state = 1
            slot.on_txt = partial(self._on_txt, slot)
            self._transport.submit(slot.qname, wire.TXT, slot.on_txt, key=slot.health.qzone)

    def _on_answer(self, slot: _Slot, answer: Answer) -> None:
        slot.answer = answer
        self._open_by_qzone.get(slot.health.qzone, {}).pop(slot, None)
        codes = a_records(answer)
        if codes and any(slot.zone.decode(c).kind in (LISTING, ERROR) for c in codes) and slot.txt_state != 2:
            slot.waiting_txt = True
            self._ask_txt(slot)
            return
        if slot.txt_state == 1:  # asked early (a slow list), but there is no listing to give a reason for
            self._transport.withdraw(slot.qname, wire.TXT, slot.on_txt)
            slot.txt_state = 0
        self._emit(slot)

    def _on_txt(self, slot: _Slot, answer: Answer) -> None:
        slot.on_txt = None
        slot.txt = txt_records(answer)
        slot.txt_state = 2
        if slot.waiting_txt:
            slot.waiting_txt = False
            self._emit(slot)

    def _emit(self, slot: _Slot, force: bool = False) -> None:
        if slot.emitted or slot.answer is None or (slot.waiting_txt and not force):
            return
        if slot.answer.error in (CANCELLED, NOT_ASKED) or (self._streaming and self._ctx.is_cancelled()):
            return  # never a verdict: the lookup did not run to its end (only a streaming caller can cancel)
        health = slot.health
        if health is not None and not health.settled:
            if not force:
                return
            health.settle_late()  # the deadline passed while test points were out
        slot.emitted = True
        slot.result = verdict(slot.zone, slot.target.text, slot.answer, slot.txt, health, self.catalogue)
        self._done += 1
        if self._streaming:
            self._ctx.result({"type": "result", "target": slot.target.text, "kind": slot.target.kind,
                              "source": slot.target.source, **slot.result})
            self._progress()

    def _emit_info(self, info: dict) -> None:
        if self._streaming and not self._ctx.is_cancelled():
            self._ctx.result({"type": "target", **info})

    # --- output -----------------------------------------------------------------------------
    def resolver_problem(self) -> dict[str, Any] | None:
        """The diagnosis when the resolver, not the lists, is why nothing answered."""
        resolver = ", ".join(format_resolver(h, p) for h, p in self.servers)
        return diagnose(list(self._health.values()), self._resolver_probe, resolver, self.options.timeout)

    def document(self, elapsed: float = 0.0) -> dict[str, Any]:
        """The contract's JSON document (plus extra keys: summary, headline, problems, resolver_problem, ptr, mx)."""
        problem = self.resolver_problem()
        by_target: dict[str, list[dict]] = {t: [] for t in self._order}
        for slot in self._slots:
            if slot.result is not None:
                if problem:
                    relabel(slot.result, slot.health, problem)
                by_target[slot.target.text].append(slot.result)
        targets = []
        for text in self._order:
            entry = dict(self._target_info[text])
            entry["results"] = by_target[text]
            targets.append(entry)
        summary = summarize(targets, problem)
        return {
            "resolver": [format_resolver(h, p) for h, p in self.servers],
            "resolver_kind": "custom" if self.custom_resolver else "system",
            "dqs": bool(self.dqs_key),
            "headline": summary_line(summary, len(targets)),
            "targets": targets,
            "problems": list(self.problems.values()),
            "resolver_problem": problem,
            "summary": summary,
            "elapsed_seconds": round(elapsed, 3),
        }


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
