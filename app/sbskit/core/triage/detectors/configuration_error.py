"""Configuration error: mail cannot leave (connector, DNS, port 25, smart-host logon, own domain refused)."""

from __future__ import annotations

from sbskit.core.triage.detectors._replies import counted, describe, evidence_of, kinds_of
from sbskit.core.triage.detectors._util import plural
from sbskit.core.triage.detectors.formats import DELIVERY
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.model import Assessment

CAUSE = "configuration_error"
# replies that name a configuration problem of ours outright: one is enough
DECISIVE = frozenset({"smarthost_auth", "starttls_required", "relay_denied", "smarthost_sender", "no_route",
                      "mail_loop", "internal_auth", "policy_listed", "resources", "sasl_mechanism", "tls_policy",
                      "tls_certificate", "dnsbl_query", "local_delivery", "transport_service", "transport_config",
                      "local_mailbox", "ipv6_route"})


INTERNAL_TLDS = (".local", ".lan", ".internal", ".localdomain", ".corp", ".home", ".intra")


def is_decisive(group) -> bool:
    """A reply naming a setting of ours outright; our DNS lookups failing count when they fail for more than one
    destination, or in a queue error that names none (one domain's broken DNS is that domain's problem)."""
    category = group.reply.category
    return category in DECISIVE or (category == "dns_failure" and len(group.subjects) != 1)


def _own_names_unresolved(ev: Evidence):
    """'Nonexistent domain' for one of our own domains or an internal name: our server's DNS cannot see it."""
    local = ev.local_domains()
    found = []
    for g in ev.replies.groups.values():
        if g.direction == "outbound" and g.reply.category == "recipient_domain":
            names = sorted(s for s in g.subjects if s in local or s.endswith(INTERNAL_TLDS))
            if names:
                found.append((g, names))
    return found


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    groups = ev.replies.supporting(CAUSE) + ev.replies.supporting(CAUSE, "inbound")
    total = sum(counted(g) for g in groups)
    decisive = sum(counted(g) for g in groups if is_decisive(g))
    destinations = len({s for g in groups for s in g.subjects})
    sent = ev.counts["sent"]
    noticeable = sent == 0 or total >= 0.05 * sent
    a.verbatim = decisive > 0
    if decisive >= 3:
        lead = next(g for g in groups if is_decisive(g))
        a.add(3.0, f"{plural(decisive, 'message')} cannot leave because of a setting on our side: "
                   f"{lead.reply.pattern.title if lead.reply.pattern else lead.reply.code}.")
        kinds = {g.reply.category for g in groups if is_decisive(g)}
        if len(kinds) > 1:
            a.add(0.5, f"{len(kinds)} different configuration problems show in the replies.")
        if total >= 50:
            a.add(0.5, f"{plural(total, 'message')} are held up in all.")
    elif decisive:
        a.add(2.2, f"The next hop answered with a configuration problem of ours ({plural(decisive, 'message')}).")
    elif total >= 10 and noticeable and destinations >= 2:
        a.add(2.5, f"{plural(total, 'message')} to {plural(destinations, 'destination')} cannot be delivered.")
    elif total >= 3 and noticeable:
        a.add(1.5, f"{plural(total, 'message')} cannot be delivered.")
    elif total:
        a.add(0.3, f"{plural(total, 'delivery error')}, a normal amount for mail to the internet.")
    for group in groups[:5]:
        a.facts.append(describe(group) + ".")
    a.evidence = evidence_of(groups)
    a.kinds = kinds_of(groups)
    connect = [g for g in groups if g.reply.category == "connect_failure"]
    if connect:  # many destinations unreachable: our side (port 25); one: that host (or our smart host's name)
        hosts = {s for g in connect for s in g.subjects}
        a.kinds.append("connect_failure_one" if len(hosts) == 1 else "connect_failure_many")
    a.subjects = [g.reply.code for g in groups[:4]]
    unresolved = _own_names_unresolved(ev)
    if unresolved:
        n = sum(counted(g) for g, _ in unresolved)
        names = ", ".join(sorted({name for _, found in unresolved for name in found})[:3])
        a.add(2.2, f"Our server finds no DNS entry for {names}, one of our own or an internal domain "
                   f"({plural(n, 'message')}): its DNS servers are outside ones that cannot see internal names.")
        a.verbatim = True
        a.kinds.append("dns_failure")
        a.evidence.extend(evidence_of([g for g, _ in unresolved], 2))
    own = _own_domain_refusals(ev)
    if own:
        n = sum(stat.count for _, stat in own)
        names = ", ".join(domain for domain, _ in own[:3])
        a.add(2.5 if n >= 3 else 1.2,
              f"Our server answered 'Unable to relay' to {plural(n, 'recipient')} of its own domain {names}: the domain "
              "is missing from the accepted domains (a configuration error, not an open relay).")
        a.kinds.append("relay_denied_own")
        a.subjects.extend(domain for domain, _ in own[:3])
        for _, stat in own[:2]:
            a.evidence.extend(stat.samples[:2])
    if ev.has_any(*DELIVERY) and total == 0 and not own and not unresolved:
        a.add(-1.2, "No queue or log entry shows mail failing for lack of a route, DNS, a logon or TLS.")
    a.evidence = a.evidence[:8]
    return a


def _own_domain_refusals(ev: Evidence):
    local = ev.local_domains() | _server_domains(ev)
    refused = [(d, s) for d, s in ev.table("relay_refused_domain").items() if d and d in local]
    refused.sort(key=lambda item: -item[1].count)
    return refused


def _server_domains(ev: Evidence) -> set[str]:
    """'sbs01.smallbiz.example' from the server's banner -> 'smallbiz.example' (and the name itself)."""
    found = set()
    for name in ev.server_names:
        parts = name.split(".")
        if len(parts) >= 3:
            found.add(".".join(parts[1:]))
    return found
