"""What a list's own test entries say about it, on this resolver, in this session.

RFC 5782 section 5: an IPv4 list lists 127.0.0.2 and never 127.0.0.1 (IPv6 and domain
lists have their own). A list that does not list its test entry, lists the never-listed
one, or answers for a random name cannot give a trustworthy "not listed", so its
NXDOMAINs become errors instead of green ticks. Operators' error codes on a test entry
(Spamhaus 127.255.255.254: public resolver) condemn every answer of the zone.
"""

from __future__ import annotations

import os

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.answers import RFC_TEST_POINTS, a_records, probe_label, resolver_in_txt
from sbskit.core.dnsbl.catalogue import ERROR, LISTING, Zone
from sbskit.core.dnsbl.transport import UNREACHABLE, Answer

RCODE_REASON = {wire.SERVFAIL: "servfail", wire.REFUSED: "refused"}
RCODE_TEXT = {wire.SERVFAIL: "SERVFAIL (the resolver could not get an answer from the list's servers)",
              wire.REFUSED: "REFUSED (the server would not answer this query)",
              wire.FORMERR: "FORMERR", wire.NOTIMP: "NOTIMP"}

SPAMHAUS_ADVICE = ("Spamhaus does not answer queries that come through public or cloud resolvers. "
                   "Check from a resolver you run yourself (the server's own DNS service), or get a free "
                   "Spamhaus DQS key and use it here.")
SPAMHAUS_RATE_ADVICE = ("Spamhaus limits free queries per resolver; a shared resolver passes that limit quickly. "
                        "Check from a resolver you run yourself, or use a free Spamhaus DQS key.")

# how a zone failed its test entries (for the resolver diagnosis)
HIDDEN = "hidden"  # the listed test entry comes back "not listed"
OPERATOR = "operator"  # the operator answered an error code (refused this resolver, rate limit)
WILDCARD = "wildcard"  # addresses for names no list holds
NO_ANSWER = "no-answer"  # timeouts
SERVFAIL = "servfail"  # the resolver could not get an answer from the list's servers
REFUSED = "refused"  # REFUSED, or nothing listening
ODD = "odd"  # something undocumented


def spamhaus_advice(reason: str) -> str:
    return SPAMHAUS_RATE_ADVICE if reason == "rate-limited" else SPAMHAUS_ADVICE


class ZoneHealth:
    """The test entries of one zone: asked once per sweep, settled when all have answered."""

    def __init__(self, zone: Zone, qzone: str, kind: str) -> None:
        self.zone = zone
        self.qzone = qzone
        self.test_listed = zone.test_listed
        self.test_not_listed = zone.test_not_listed
        if not zone.known:  # RFC 5782 section 5 test points for the kind of target asked
            self.test_listed, self.test_not_listed = RFC_TEST_POINTS[kind]
        self.waiting = 0
        self.listed: Answer | None = None
        self.not_listed: Answer | None = None
        self.wildcard: Answer | None = None
        self.txt: list[str] = []
        self.settled = False
        self.error: tuple[str, str] | None = None  # (reason, detail): every result of the zone is this error
        self.clean_doubt: tuple[str, str] | None = None  # NXDOMAIN answers cannot be trusted: (reason, detail)
        self.failure: str | None = None  # HIDDEN, OPERATOR, ... when the test entries failed
        self.resolver_seen: str | None = None
        self.problems: list[tuple[str, str, str | None]] = []  # (reason, detail, resolver seen) for Spamhaus
        self.slots: list = []  # results waiting for the verdict

    @property
    def passed(self) -> bool:
        """Settled, and the test entries behave: this zone's answers mean what they say."""
        return self.settled and self.error is None and self.clean_doubt is None

    def probes(self) -> list[tuple[str, str]]:
        """(role, name to ask) for every test entry, plus a random name no list can hold."""
        probes = []
        if self.test_listed:
            probes.append(("listed", f"{probe_label(self.test_listed)}.{self.qzone}"))
        if self.test_not_listed:
            probes.append(("not_listed", f"{probe_label(self.test_not_listed)}.{self.qzone}"))
        probes.append(("wildcard", f"sbskit-wildcard-probe-{os.urandom(4).hex()}.{self.qzone}"))
        self.waiting = len(probes)
        return probes

    def wants_txt(self, role: str, answer: Answer) -> bool:
        """The operator refused us on the test entry: its TXT usually names the resolver it saw."""
        codes = a_records(answer)
        return role == "listed" and bool(codes) and any(self.zone.decode(c).kind == ERROR for c in codes)

    def settle(self) -> None:
        zone = self.zone
        first_error = None
        for role in ("listed", "not_listed", "wildcard"):
            for code in a_records(getattr(self, role)):
                decoded = zone.decode(code)
                if decoded.kind == ERROR and first_error is None:
                    first_error = decoded
        if first_error is not None:
            detail = first_error.meaning
            seen = resolver_in_txt(self.txt)
            if seen:
                self.resolver_seen = seen
                detail += f". The list saw the query coming from {seen}"
            if zone.family == "spamhaus" and first_error.reason in ("blocked-resolver", "rate-limited"):
                detail += ". " + spamhaus_advice(first_error.reason)
                self.problems.append((first_error.reason, detail, seen))
            self.error = (first_error.reason, detail)
            self.failure = OPERATOR
        else:
            self.error = self._broken()
            if self.error is None:
                self.clean_doubt = self._doubt()
        self.settled = True

    def settle_late(self) -> None:
        """The overall deadline passed while test entries were still out."""
        self.settled = True
        self.failure = NO_ANSWER
        self.clean_doubt = ("timeout", "the list's test entries did not answer in time, so 'not listed' cannot be "
                            "confirmed")

    def _broken(self) -> tuple[str, str] | None:
        zone = self.zone
        for role, what in (("not_listed", f"its never-listed test entry {self.test_not_listed}"),
                           ("wildcard", "a random name that no list can hold")):
            codes = a_records(getattr(self, role))
            if codes:
                self.failure = WILDCARD
                return ("zone-broken", f"{zone.name} answers {', '.join(codes)} for {what}: it lists everything "
                        "(dead, parked or wildcarded), so none of its answers mean anything")
        return None

    def _doubt(self) -> tuple[str, str] | None:
        """Why an NXDOMAIN from this zone cannot be trusted, if it cannot."""
        zone = self.zone
        if not self.test_listed:
            return None
        answer = self.listed
        point = self.test_listed
        if answer is not None and answer.error == UNREACHABLE:
            self.failure = REFUSED
            return ("refused", answer.detail)
        if answer is None or answer.error:
            self.failure = NO_ANSWER
            detail = answer.detail if answer is not None else "no answer"
            return ("timeout", f"the list's test entry {point} did not answer ({detail}), so 'not listed' cannot be confirmed")
        msg = answer.msg
        if msg.rcode in RCODE_REASON:
            self.failure = SERVFAIL if msg.rcode == wire.SERVFAIL else REFUSED
            return (RCODE_REASON[msg.rcode], f"the list's test entry {point} got {RCODE_TEXT[msg.rcode]}, so 'not listed' "
                    "cannot be confirmed")
        if msg.rcode == wire.NXDOMAIN or (msg.rcode == wire.NOERROR and not a_records(answer)):
            self.failure = HIDDEN
            if zone.family == "spamhaus":
                detail = (f"the resolver says Spamhaus's own test entry {point} is not listed; some public resolvers "
                          "(Google Public DNS among them) answer 'not listed' for every Spamhaus query, so these "
                          "'not listed' answers are false. " + SPAMHAUS_ADVICE)
                self.problems.append(("blocked-resolver", detail, None))
                return ("blocked-resolver", detail)
            return ("zone-broken", f"{zone.name} does not list its own test entry {point}: the list is empty, dead or "
                    "hidden by the resolver, so its 'not listed' answers cannot be trusted")
        self.failure = ODD
        if msg.rcode != wire.NOERROR:
            return ("unexpected-answer", f"the list's test entry {point} got DNS error code {msg.rcode}")
        decoded = [zone.decode(c) for c in a_records(answer)]
        if not any(d.kind == LISTING for d in decoded):
            return ("unexpected-answer", f"the list's test entry {point} answered {', '.join(d.code for d in decoded)}, "
                    "which is not a documented listing code")
        self.failure = None
        return None
