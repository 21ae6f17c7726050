"""Is the resolver the reason no blocklist answered? Said once, first, with what to do.

Eleven lists each called "zone-broken" is wrong when the cause is the one resolver
they were all asked through: a public resolver the operators refuse, a filtering one
that answers "not listed" for everything, one that rewrites non-existent names, or one
that refuses or cannot reach anything. The evidence: no blocklist passed its own test
entries, and either a name that exists nowhere (``<random>.invalid``, RFC 6761) came
back wrong, or at least three lists failed (a single list failing is that list's
problem). One working blocklist is enough to clear the resolver.
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.health import HIDDEN, NO_ANSWER, ODD, OPERATOR, REFUSED, SERVFAIL, WILDCARD, ZoneHealth
from sbskit.core.dnsbl.transport import CANCELLED, NOT_ASKED, TIMEOUT, UNREACHABLE, Answer
from sbskit.core.dnsbl.verdict import list_kind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MIN_FAILING = 3  # fewer failing lists than this, with a sane resolver, is the lists' own problem

ADVICE = ("Use another resolver: the mail server's own DNS service or one you run yourself, not a public, "
          "filtering or ISP one. For the Spamhaus lists a free Spamhaus DQS key works through any resolver.")

_PROBE_TROUBLE = {
    "refused": "it refuses queries from this computer (REFUSED)",
    "servfail": "it cannot resolve names at all (SERVFAIL even for a name that needs no list)",
    "unreachable": "nothing answers DNS at its address",
    "no-answer": "it does not answer",
    "rewrites": "it answers made-up addresses for names that do not exist (NXDOMAIN rewriting), so no list's "
                "answer can be trusted through it",
}


def probe_name(token: str) -> str:
    """A name that exists nowhere: ``.invalid`` is reserved for exactly that (RFC 6761)."""
    return f"sbskit-resolver-check-{token}.invalid"


def probe_state(answer: Answer | None) -> str | None:
    """What the resolver did with the nowhere-name: None when it behaved (NXDOMAIN) or was not asked."""
    if answer is None or answer.error in (CANCELLED, NOT_ASKED):
        return None
    if answer.error == TIMEOUT:
        return "no-answer"
    if answer.error == UNREACHABLE:
        return "unreachable"
    if answer.error is not None or answer.msg is None:
        return None
    msg = answer.msg
    if msg.rcode == wire.REFUSED:
        return "refused"
    if msg.rcode == wire.SERVFAIL:
        return "servfail"
    if msg.rcode == wire.NOERROR and (msg.values(wire.A) or msg.values(wire.AAAA)):
        return "rewrites"
    return None


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _failure_clauses(failing: list[ZoneHealth], timeout: float) -> list[str]:
    counts: dict[str, int] = {}
    seen = None
    for health in failing:
        counts[health.failure] = counts.get(health.failure, 0) + 1
        seen = seen or health.resolver_seen
    words = {
        HIDDEN: lambda n: (f"{n} lists say their own test entries are not listed" if n > 1 else
                           "1 list says its own test entry is not listed") + " (the resolver hides or filters their answers)",
        OPERATOR: lambda n: (f"{_plural(n, 'list refuses', 'lists refuse')} it as a public or shared resolver"
                             + (f" (they saw the query come from {seen})" if seen else "")),
        WILDCARD: lambda n: f"{_plural(n, 'list answers', 'lists answer')} 'listed' for names that cannot be listed",
        NO_ANSWER: lambda n: f"{_plural(n, 'list', 'lists')} gave no answer within {timeout:g} s",
        SERVFAIL: lambda n: (f"{_plural(n, 'list', 'lists')} got SERVFAIL (the resolver cannot get answers from "
                             "their servers)"),
        REFUSED: lambda n: f"{_plural(n, 'list', 'lists')} got REFUSED",
        ODD: lambda n: f"{_plural(n, 'list', 'lists')} gave answers no list documents",
    }
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return [words[failure](n) for failure, n in ordered if failure in words]


def diagnose(healths: list[ZoneHealth], probe: Answer | None, resolver: str, timeout: float) -> dict[str, Any] | None:
    """``{"reason", "headline", "advice", "blocklists", "failing"}`` when the resolver is to blame, else None."""
    blocklists = [h for h in healths if list_kind(h.zone) == "blocklist"]
    if any(h.passed for h in blocklists):
        return None
    failing = [h for h in blocklists if h.settled and h.failure]
    state = probe_state(probe)
    clauses = _failure_clauses(failing, timeout)
    if state in ("refused", "servfail", "unreachable", "rewrites"):
        reason = state  # the resolver fails a name that needs no list: that alone explains the lists
        clauses = [_PROBE_TROUBLE[state]]
    elif state == "no-answer" and failing and all(h.failure == NO_ANSWER for h in failing):
        reason = "no-answer"
        clauses = [_PROBE_TROUBLE[state]]
    elif len(failing) >= MIN_FAILING:
        reason = max({h.failure for h in failing}, key=lambda f: sum(1 for h in failing if h.failure == f))
    else:
        return None
    headline = f"Your resolver ({resolver}) cannot reach the blocklists: " + "; ".join(clauses) + "."
    return {"reason": reason, "headline": headline, "advice": ADVICE, "blocklists": len(blocklists),
            "failing": len(failing)}


def relabel(result: dict[str, Any], health: ZoneHealth | None, problem: dict[str, Any]) -> None:
    """A list called "zone-broken" only because of the resolver: say so on its row too."""
    if health is None or result.get("error") != "zone-broken" or health.failure not in (HIDDEN, WILDCARD):
        return
    result["error"] = "blocked-resolver"
    if health.failure == HIDDEN:
        result["detail"] = (f"the list's own test entry {health.test_listed} comes back 'not listed' through this "
                            "resolver, as for most lists: the resolver hides their answers, so 'not listed' cannot "
                            "be trusted")
    else:
        result["detail"] = ("this resolver answers addresses for names that do not exist, so no answer of this list "
                            "means anything")
