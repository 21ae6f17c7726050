"""Open relay: anonymous sessions relaying from outside senders to outside recipients."""

from __future__ import annotations

from sbskit.core.triage.detectors._util import samples_of, top
from sbskit.core.triage.detectors.formats import RECEIVE
from sbskit.core.triage.evidence import Evidence, GroupStat, domain_of
from sbskit.core.triage.model import Assessment

CAUSE = "open_relay"


def _relayed(stat: GroupStat, local: set[str]) -> int:
    """Outside recipient domains accepted for outside senders ('sender>recipient' pairs)."""
    doms = set()
    for pair in stat.values:
        sdom, _, rdom = pair.partition(">")
        if rdom and rdom not in local and (sdom not in local or not sdom):
            doms.add(rdom)
    if not local and len(doms) < 3:
        return 0  # without known local domains a couple of domains may simply be ours
    return len(doms)


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    local = ev.local_domains()
    relays = top(ev.table("anon_accept"), lambda s: _relayed(s, local))
    if relays:
        ip, stat, n = relays[0]
        everyone = sum(x[2] for x in relays)
        if n >= 10:
            a.add(3.5, f"Without any logon the server accepted mail from outside senders, from {ip}, for {n} different outside domains.")
        elif n >= 3:
            a.add(2.0, f"Without a logon the server accepted mail from {ip} for {n} outside domains.")
        else:
            a.add(1.0, f"Without a logon the server accepted mail from {ip} for an outside domain.")
        if len(relays) > 1:
            a.facts.append(f"{len(relays)} addresses relayed in all ({everyone} outside domains).")
        a.subjects = [key for key, _, _ in relays]
        a.evidence = samples_of(relays)
    # tracking logs: outside senders from the internet to outside recipients (logon unknown)
    foreign = {k: s for k, s in ev.table("sender_from_internet").items() if domain_of(k) not in local}
    foreign.update({k: s for k, s in ev.table("sender_from_internet_2003").items() if domain_of(k) not in local})
    outside = top(foreign, lambda s: len({d for d in s.values if d and d not in local}) if local else 0)
    if outside and outside[0][2] >= 10:
        key, stat, n = outside[0]
        a.add(2.0, f"Messages from the outside sender {key} came in from the internet for {n} different outside domains "
                   "(the tracking log does not say whether the sender logged on).")
        a.evidence.extend(samples_of(outside, 3))
        a.subjects.append(key)
    refused = ev.counts["relay_refused"]
    if refused and a.logit < 2.0:
        a.add(-1.5, f"The server refused relaying {refused} time(s) (5.7.54 / Unable to relay): relay protection works.")
        a.evidence.extend(ev.sample("relay_refused")[:2])
    elif ev.has_any(*RECEIVE) and a.logit <= 0:
        a.add(-1.5, "The protocol logs show no anonymous mail relayed to outside domains.")
    return a
