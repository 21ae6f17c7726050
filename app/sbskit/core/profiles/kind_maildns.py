"""History facts of a Mail DNS health run, one per check, from ``sbskit.core.maildns.history``.

The maildns module decides each check's state (a check that could not be completed is an
error, never ok); this module registers the kind, the words its history is told in, and how
its facts are keyed so that visits compare:

* the target is the domain alone, so a run with ``--ip`` and one without are one history;
* the two checks that judge a sending address (the SPF result and the PTR) are keyed by that
  address (``ptr@198.51.100.30``): a new office address is a new check, never "fixed".
"""

from __future__ import annotations

from typing import Any

from sbskit.core.profiles.kinds import Fact, KindSpec, register_kind

#: Checks whose answer depends on the sending address as well as on the domain.
PER_ADDRESS = ("spf-ip", "ptr")
#: Short names for the history (the check titles carry a long explanation in parentheses).
NAMES = {
    "mx": "MX record",
    "spf": "SPF record",
    "spf-ip": "SPF result for {address}",
    "dmarc": "DMARC policy",
    "dkim": "DKIM key",
    "ptr": "Reverse DNS (PTR) of {address}",
    "mta-sts": "MTA-STS policy",
    "tls-rpt": "TLS reporting record",
    "bimi": "BIMI record",
}
MX_ADDRESSES = "mx"  # no --ip: the SPF result and the PTR were judged for the MX hosts' addresses


def _domain(doc: dict[str, Any]) -> str:
    return str(doc.get("domain") or "").strip().lower().rstrip(".")


def _target(doc: dict[str, Any]) -> str:
    from sbskit.core.maildns.history import target

    return target(doc)  # the run's label: "bakers.test (198.51.100.30)"


def _facts(doc: dict[str, Any]) -> list[Fact]:
    from sbskit.core.maildns.history import facts
    from sbskit.core.profiles.history import REASON_WORDS

    domain = _domain(doc)
    address = str(doc.get("ip") or "").strip() or MX_ADDRESSES
    evidence = {c.get("id"): c.get("evidence") for c in doc.get("checks") or [] if isinstance(c, dict)}
    out = []
    for _label, item, status, state, detail in facts(doc):
        key = f"{item}@{address}" if item in PER_ADDRESS else item
        if state == "error" and not any(pattern.search(detail) for pattern, _word in REASON_WORDS):
            # "None of the selectors could be looked up": the why is in the check's evidence lines
            lines = [str(line) for line in evidence.get(item) or [] if isinstance(line, str)]
            if lines:
                detail = f"{detail} ({lines[0]})"[:300]
        out.append(Fact(domain, key, status, state, detail))
    return out


def check_name(item: str) -> str:
    """``spf`` -> ``SPF record``; ``ptr@198.51.100.30`` -> ``Reverse DNS (PTR) of 198.51.100.30``."""
    check, _sep, address = item.partition("@")
    template = NAMES.get(check)
    if template is None:
        return item
    shown = "the MX hosts' addresses" if address == MX_ADDRESSES else (address or "the sending address")
    return template.format(address=shown)


register_kind(KindSpec(
    "maildns", "Mail DNS health", _target, _facts, item_label="check", problem_word="with a problem",
    still_word="still a problem", problem_text="{item} has a problem", fixed_text="{item} no longer has a problem",
    detail_after=True, item_name=check_name, recognise=lambda doc: "checks" in doc and "domain" in doc,
))
