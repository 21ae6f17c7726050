"""Live checks for the triage: the public IP through the blocklist engine, the safe relay test.

The logs say what happened; a live check says what is true now. A real listing is
stronger than the admin's answer to "is the IP listed?", and *which* lists matter:
an exploited-host (XBL/CBL-type) listing points at a bot on the LAN, a backscatter
listing at misdirected bounces, a policy (PBL-type) listing at a configuration
matter. A relay variant the server accepted is strong evidence of an open relay;
a completed test where every variant was refused lowers it. Both checks reuse the
kit's engines (``sbskit.core.dnsbl``, ``sbskit.core.mailprobe``) and keep their
JSON documents, so the CLI, the GUI and tests share one reading of them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from sbskit.core import netclass
from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext
from sbskit.core.triage.evidence import Line, clip

BLACKLIST_FILE = "live check: blocklists"
RELAY_FILE = "live check: relay test"
NO_LINE = 0  # live checks have no line number; Line.where() then shows the source only

# (cause, log-odds, why) per listing category of the blocklist catalogue
CATEGORY_EFFECTS: dict[str, list[tuple[str, float, str]]] = {
    "exploited-host": [
        ("compromised_workstation", 2.0, "lists it as an exploited host (XBL/CBL-type: malware or a bot sending "
                                         "from behind this address)"),
    ],
    "spam-source": [
        ("authenticated_relay", 0.4, "lists it as a spam source"),
        ("open_relay", 0.4, "lists it as a spam source"),
        ("compromised_workstation", 0.3, "lists it as a spam source"),
    ],
    "backscatter": [
        ("ndr_backscatter", 1.5, "lists it for backscatter (bounces sent to forged senders)"),
    ],
    "policy": [
        ("configuration_error", 0.6, "lists it as a range that should not send mail directly (policy/dynamic, "
                                     "PBL-type): send through the provider's smart host"),
    ],
}
RELAY_ACCEPTED_LOGIT = 3.5
LISTED_LOGIT = 2.5  # a listing now: receivers using that list refuse our mail (a clean check only answers
# "is the IP listed?" when the admin left it open: Microsoft's and Gmail's own lists are not public)
RELAY_REFUSED_LOGIT = -2.0


@dataclass
class LiveChecks:
    """The documents of the live checks that were run (None: not run)."""

    blacklist: dict | None = None  # as `sbskit-cli blacklist --json` prints it
    relay: dict | None = None  # as `sbskit-cli relaytest --json` prints it
    maildns: dict | None = None  # as `sbskit-cli maildns --json` prints it (live_maildns)

    def any(self) -> bool:
        return self.blacklist is not None or self.relay is not None or self.maildns is not None

    def incomplete(self) -> bool:
        """A check that ran but could not tell."""
        from sbskit.core.triage.live_maildns import maildns_state

        return (self.blacklist is not None and blacklist_state(self.blacklist) == "unknown") or (
            self.relay is not None and relay_state(self.relay) == "unknown") or (
            self.maildns is not None and maildns_state(self.maildns) == "unknown")

    def as_dict(self) -> dict:
        out: dict = {}
        if self.blacklist is not None:
            out["blacklist"] = blacklist_brief(self.blacklist)
        if self.relay is not None:
            out["relay"] = relay_brief(self.relay)
        if self.maildns is not None:
            from sbskit.core.triage.live_maildns import maildns_brief

            out["maildns"] = maildns_brief(self.maildns)
        return out


# --- running --------------------------------------------------------------------------------
def check_public_ip(text: str) -> str:
    """The public IP as typed; UserInputError for anything that is not one IP address."""
    text = (text or "").strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise UserInputError(f"not an IP address: {text[:60]!r} (give the server's public IP, like 203.0.113.7)") from None
    return str(ip)


def is_public(text: str) -> bool:
    """False for LAN, carrier-NAT, loopback, link-local, multicast and reserved addresses: no blocklist lists those
    (``core/netclass.py``; a documentation address stands for a public one)."""
    try:
        return netclass.counts_as_public(text)
    except ValueError:
        return False


def run_blacklist(ip: str, resolvers: list[str] | None = None, zones: list[str] | None = None,
                  timeout: float = 3.0, ctx: JobContext | None = None, dqs_key: str | None = None) -> dict:
    """The public IP through the blocklist engine (no PTR or MX look-ups: the listing is what counts)."""
    from sbskit.core.dnsbl.engine import Options, check

    ip = check_public_ip(ip)
    resolvers = [r.strip() for r in (resolvers or []) if r and r.strip()]
    options = Options(resolvers=resolvers, zones=list(zones or []), timeout=timeout, dqs_key=dqs_key or None,
                      include_mx=False, reverse_dns=False)
    return check([ip], options, ctx)


def split_host_port(text: str, default_port: int = 25) -> tuple[str, int]:
    """``host``, ``host:2525``, ``[::1]:2525`` -> (host, port)."""
    import re

    text = (text or "").strip()
    if not text:
        raise UserInputError("give the mail server's host name or address for the relay test")
    match = re.match(r"^\[([^\]]+)\]:(\d{1,5})$", text) or re.match(r"^([^:\[\]]+):(\d{1,5})$", text)
    if match:
        port = int(match.group(2))
        if not 1 <= port <= 65535:
            raise UserInputError(f"port {port} is not a port number (1-65535)")
        return match.group(1), port
    return text.strip("[]"), default_port


def run_relay(host: str, port: int = 25, timeout: float = 8.0, ctx: JobContext | None = None,
              assume_untrusted: bool = False) -> dict:
    """The safe relay test (MAIL FROM/RCPT TO only, never DATA) as its JSON document.

    From an address the server may trust (loopback, the LAN) an accepted recipient is no
    open-relay verdict (``open_relay`` null) unless ``assume_untrusted`` (see mailprobe.vantage).
    """
    from sbskit.core.mailprobe.relay import run_relay_test

    return run_relay_test(host, port, timeout=timeout, ctx=ctx, assume_untrusted=assume_untrusted).to_dict()


# --- reading the documents ------------------------------------------------------------------
def _results(doc: dict) -> list[dict]:
    return [r for t in doc.get("targets", []) for r in t.get("results", [])]


def listings(doc: dict) -> list[dict]:
    """Real listings (a documented code with a 'bad' verdict), not allow-lists or good reputation."""
    return [r for r in _results(doc) if r.get("status") == "listed" and r.get("verdict") == "bad"]


def blacklist_state(doc: dict) -> str:
    """'listed', 'clean' or 'unknown', from the sweep's own summary verdict (``core/dnsbl/summary``).

    Only a "not listed" verdict that covers every list asked is clean: a blocklist that could
    not answer, a resolver problem, a cancelled sweep or allow-lists alone are "could not tell".
    """
    from sbskit.core.dnsbl.summary import LISTED, NOT_LISTED, doc_summary, verdict_of

    summary = doc.get("summary") if isinstance(doc.get("summary"), dict) else None
    verdict = verdict_of(summary) if summary else verdict_of(doc_summary(doc))
    if verdict == LISTED or listings(doc):  # a real listing seen is listed, even in a cancelled sweep
        return "listed"
    if verdict == NOT_LISTED and not (summary or {}).get("not_asked") and _results(doc):
        return "clean"
    return "unknown"


def _zone_name(r: dict) -> str:
    return r.get("name") or r.get("zone", "?")


def blacklist_summary(doc: dict) -> tuple[str, str]:
    """(kind for the colour: bad/good/unknown, one plain sentence)."""
    target = doc["targets"][0]["target"] if doc.get("targets") else "the IP"
    results = _results(doc)
    listed = listings(doc)
    errors = [r for r in results if r.get("status") == "error"]
    if listed:
        names = ", ".join(_zone_name(r) for r in listed)
        text = f"{target} is listed on {len(listed)} of {len(results)} lists: {names}."
        if errors:
            text += f" {len(errors)} list(s) could not answer."
        return "bad", text
    if not results:
        problems = "; ".join(p.get("detail", "") if isinstance(p, dict) else str(p) for p in doc.get("problems", []))
        return "unknown", f"Could not tell for {target}: no list was asked{': ' + problems if problems else ''}."
    if errors:
        why: dict[str, int] = {}
        for r in errors:
            why[r.get("error") or "error"] = why.get(r.get("error") or "error", 0) + 1
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(why.items(), key=lambda x: -x[1]))
        clean = len(results) - len(errors)
        if clean:
            return "unknown", (f"{target} is not listed where the lists answered ({clean} of {len(results)}), "
                               f"but {len(errors)} could not answer ({reasons}).")
        return "unknown", f"Could not tell for {target}: no list could answer ({reasons})."
    if blacklist_state(doc) != "clean":  # allow-lists alone, a resolver problem, a cancelled sweep
        from sbskit.core.dnsbl.summary import doc_headline

        return "unknown", f"Could not tell for {target}: {doc_headline(doc)}"
    return "good", f"{target} is clean: not listed on any of {len(results)} lists."


def blacklist_brief(doc: dict) -> dict:
    kind, text = blacklist_summary(doc)
    return {
        "target": doc["targets"][0]["target"] if doc.get("targets") else None,
        "state": blacklist_state(doc),
        "summary": text,
        "resolver": doc.get("resolver", []),
        "lists": len(_results(doc)),
        "listed_on": [{"zone": r["zone"], "name": _zone_name(r), "category": r.get("category"),
                       "codes": r.get("codes", []), "delist_url": r.get("delist_url")} for r in listings(doc)],
        "errors": sum(1 for r in _results(doc) if r.get("status") == "error"),
    }


def relay_state(doc: dict) -> str:
    """'open' (a variant accepted), 'closed' (test complete, none accepted) or 'unknown'."""
    return {True: "open", False: "closed"}.get(doc.get("open_relay"), "unknown")


def relay_summary(doc: dict) -> tuple[str, str]:
    attempts = doc.get("attempts", [])
    accepted = [a for a in attempts if a.get("relayed")]
    where = f"{doc.get('host')} port {doc.get('port')}"
    state = relay_state(doc)
    if state == "open":
        names = ", ".join(a["variant"] for a in accepted[:4]) + (", ..." if len(accepted) > 4 else "")
        return "bad", f"{where} accepted {len(accepted)} of {len(attempts)} relay variants ({names}). No DATA was sent."
    if state == "closed":
        return "good", f"{where} accepted none of the {len(attempts)} relay variants. No DATA was sent."
    why = doc.get("detail") or doc.get("error") or "some answers were temporary (4xx)"
    return "unknown", f"The relay test of {where} could not complete: {why}."


def relay_brief(doc: dict) -> dict:
    kind, text = relay_summary(doc)
    attempts = doc.get("attempts", [])
    return {"host": doc.get("host"), "port": doc.get("port"), "state": relay_state(doc),
            "open_relay": doc.get("open_relay"), "summary": text, "variants": len(attempts),
            "accepted": [a["variant"] for a in attempts if a.get("relayed")], "error": doc.get("error"),
            "data_sent": False}


# --- what they mean for the diagnosis -------------------------------------------------------
def _categories(result: dict) -> set[str]:
    """Every listing category of a result: ZEN answering 127.0.0.4 and 127.0.0.11 is XBL *and* PBL."""
    from sbskit.core.dnsbl.catalogue import LISTING, load_catalogue

    found = {result.get("category") or ""}
    zone = load_catalogue().by_name(result.get("zone", ""))
    if zone is not None:
        for code in result.get("codes", []):
            decoded = zone.decode(code)
            if decoded.kind == LISTING:
                found.add(decoded.category)
    return found - {""}


@dataclass
class Effect:
    cause: str
    logit: float
    fact: str
    line: Line | None = None


def listed_answer(live: LiveChecks | None) -> tuple[str, str] | None:
    """('yes'|'no', why) when the blocklist check settles "is the public IP listed?"."""
    if live is None or live.blacklist is None:
        return None
    state = blacklist_state(live.blacklist)
    if state == "listed":
        names = ", ".join(_zone_name(r) for r in listings(live.blacklist))
        return "yes", f"the live blocklist check found it on {names}"
    if state == "clean":
        return "no", "the live blocklist check found it on none of the lists asked"
    return None


def effects(live: LiveChecks | None) -> list[Effect]:
    """Evidence entries the live checks add, per cause, with plain-words reasons."""
    out: list[Effect] = []
    if live is None:
        return out
    if live.blacklist is not None:
        doc = live.blacklist
        target = doc["targets"][0]["target"] if doc.get("targets") else "the IP"
        strongest: dict[tuple[str, str], tuple[float, list[str], list[Line]]] = {}
        for r in listings(doc):
            line = Line(BLACKLIST_FILE, NO_LINE, clip(
                f"{target} listed on {_zone_name(r)} ({r['zone']}): {', '.join(r.get('codes', []))} "
                f"{'; '.join(r.get('meanings', []))}".strip()))
            for category in sorted(_categories(r)):
                for cause, logit, why in CATEGORY_EFFECTS.get(category, []):
                    best, names, lines = strongest.get((cause, why), (0.0, [], []))
                    strongest[(cause, why)] = (max(best, logit), names + [_zone_name(r)], lines + [line])
        for (cause, why), (logit, names, lines) in strongest.items():
            out.append(Effect(cause, logit, f"Live blocklist check: {', '.join(names)} {why}.", lines[0]))
            out.extend(Effect(cause, 0.0, "", extra) for extra in lines[1:3])
        found = listings(doc)
        if found:
            names = ", ".join(_zone_name(r) for r in found)
            out.append(Effect("blocklisted", LISTED_LOGIT, f"Live blocklist check: {target} is listed now on {names}; "
                              "receivers that use these lists refuse our mail.", Line(BLACKLIST_FILE, NO_LINE, clip(
                                  f"{target} listed on {names}"))))

    if live.relay is not None:
        doc = live.relay
        _kind, text = relay_summary(doc)
        state = relay_state(doc)
        if state == "open":
            accepted = [a for a in doc.get("attempts", []) if a.get("relayed")]
            fact = (f"Live relay test: {text} A server that takes outside-to-outside recipients without a logon is "
                    "an open relay (unless the test ran from an address the server trusts, e.g. inside the LAN).")
            first = accepted[0]
            out.append(Effect("open_relay", RELAY_ACCEPTED_LOGIT, fact, Line(RELAY_FILE, NO_LINE, clip(
                f"MAIL FROM:<{first['mail_from']}> RCPT TO:<{first['rcpt_to']}> -> {first['reply_code']} {first['reply']}"))))
            out.extend(Effect("open_relay", 0.0, "", Line(RELAY_FILE, NO_LINE, clip(
                f"MAIL FROM:<{a['mail_from']}> RCPT TO:<{a['rcpt_to']}> -> {a['reply_code']} {a['reply']}"))) for a in accepted[1:3])
        elif state == "closed":
            refused = next((a for a in doc.get("attempts", []) if a.get("reply_code")), None)
            line = Line(RELAY_FILE, NO_LINE, clip(
                f"RCPT TO:<{refused['rcpt_to']}> -> {refused['reply_code']} {refused['reply']}")) if refused else None
            out.append(Effect("open_relay", RELAY_REFUSED_LOGIT, f"Live relay test: {text}", line))
        else:
            out.append(Effect("open_relay", 0.0, f"Live relay test: {text} It neither confirms nor rules out an open relay."))
    return out
