"""One target on one list: the result dict of the CLI contract, from the answer and the zone's health.

``listed`` only for a documented listing code; ``clean`` only for NXDOMAIN from a list
whose test entries behave; everything else is ``error`` with a reason and a detail.
"""

from __future__ import annotations

from sbskit.core.dnsbl import wire
from sbskit.core.dnsbl.answers import a_records, resolver_in_txt
from sbskit.core.dnsbl.catalogue import ERROR, LISTING, Catalogue, Zone, worst_category
from sbskit.core.dnsbl.health import RCODE_REASON, RCODE_TEXT, ZoneHealth, spamhaus_advice
from sbskit.core.dnsbl.transport import MALFORMED, TIMEOUT, UNREACHABLE, Answer

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def list_kind(zone: Zone) -> str:
    """``allow-list`` for lists where being listed is good news, else ``blocklist``."""
    return "allow-list" if zone.group == "allow" else "blocklist"


def verdict(zone: Zone, target: str, answer: Answer, txt: list[str], health: ZoneHealth | None,
            catalogue: Catalogue) -> dict[str, Any]:
    result: dict[str, Any] = {
        "zone": zone.zone, "name": zone.name, "status": "error", "codes": [], "meanings": [],
        "category": None, "verdict": None, "txt": txt, "error": None, "detail": "",
        "delist_url": zone.delist_for(target), "list_kind": "allow-list" if zone.group == "allow" else "blocklist",
    }

    def error(reason: str, detail: str) -> dict[str, Any]:
        result["error"] = reason
        result["detail"] = detail
        return result

    if answer.error == "dead":
        return error("zone-broken", answer.detail)
    if answer.error == "needs-key":
        return error("blocked-resolver", answer.detail)
    if health is not None and health.error is not None:
        result["codes"] = a_records(answer)
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
        seen = resolver_in_txt(txt)
        if seen:
            detail += f". The list saw the query coming from {seen}"
        if zone.family == "spamhaus" and errors[0].reason in ("blocked-resolver", "rate-limited"):
            detail += ". " + spamhaus_advice(errors[0].reason)
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
    verdicts = [catalogue.verdict(c) for c in categories]
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
