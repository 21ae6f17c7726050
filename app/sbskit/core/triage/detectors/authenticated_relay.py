"""Authenticated relay: LogonDenied bursts, then one account sending to many outside domains."""

from __future__ import annotations

from sbskit.core.triage.detectors._replies import counted, describe, evidence_of, kinds_of
from sbskit.core.triage.detectors._util import plural, samples_of, top
from sbskit.core.triage.detectors.formats import RECEIVE
from sbskit.core.triage.evidence import Evidence, GroupStat, domain_of
from sbskit.core.triage.model import Assessment

CAUSE = "authenticated_relay"


def outside_count(stat: GroupStat, local: set[str]) -> int:
    return len({d for d in stat.values if d and d not in local}) + stat.values_overflow


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    local = ev.local_domains()
    fails = ev.table("auth_fail_by_ip")
    n_fail = sum(s.count for s in fails.values())
    bursts = top(fails, lambda s: s.count if s.count >= 5 else 0, k=8)
    if n_fail >= 50 and len(bursts) >= 2:
        a.add(1.5, f"{n_fail} failed logons (LogonDenied) from {len(fails)} addresses: someone is guessing passwords.")
    elif n_fail >= 10:
        a.add(0.8, f"{n_fail} failed SMTP logons (LogonDenied) from {len(fails)} address(es).")
    users = top(ev.table("auth_user"), lambda s: outside_count(s, local))
    # mail from the internet with one of our own sender domains to outside domains needs a logon
    own = {k: s for k, s in ev.table("sender_from_internet").items() if local and domain_of(k) in local}
    own.update({k: s for k, s in ev.table("queued_by_sender").items() if local and domain_of(k) in local})
    senders = top(own, lambda s: outside_count(s, local))
    best_user = users[0] if users else None
    best_sender = senders[0] if senders else None
    n_best = 0
    if best_user:
        name, stat, n_best = best_user
        where = ", ".join(sorted(stat.ips)[:3])
        if n_best >= 20:
            a.add(3.0, f"The account {name} logged on{' from ' + where if where else ''} and sent to {n_best} different outside domains.")
        elif n_best >= 8:
            a.add(1.5, f"The account {name} logged on and sent to {n_best} different outside domains.")
        a.subjects.extend(key for key, _, n in users if n >= 8)
    if best_sender and best_sender[2] > n_best:
        name, stat, n = best_sender
        if n >= 20:
            a.add(2.0, f"Mail from our own address {name} arrived from the internet ({len(stat.ips)} address(es)) for {n} different outside domains.")
            a.subjects.append(name)
            n_best = n
        elif n >= 8:
            a.add(1.0, f"Mail from our own address {name} arrived from the internet for {n} outside domains.")
            a.subjects.append(name)
            n_best = n
    if n_fail >= 10 and n_best >= 8:
        a.add(0.5, "Password guessing followed by mass sending from one account is the classic pattern.")
    stated = ev.replies.supporting(CAUSE)  # a receiver (Microsoft 365) blocked the sending account for spam
    n_stated = sum(counted(g) for g in stated)
    if n_stated:
        a.add(3.0 if n_stated >= 3 else 2.2, f"A receiver blocked the sending account for spam ({plural(n_stated, 'message')}):"
                                              " almost always a compromised account.")
        a.verbatim = True
        a.facts.extend(describe(g) + "." for g in stated[:3])
        a.kinds = kinds_of(stated)
    a.evidence = evidence_of(stated, 3) + samples_of(users) + samples_of(senders, 3) + samples_of(bursts, 4)
    informed = ev.has_any(*RECEIVE) or ev.formats.get("get_message_csv", 0) > 0
    if informed and a.logit <= 0.8 and n_best < 5 and not n_stated:
        a.add(-1.5, "No account sends to unusually many outside domains.")
    a.subjects.extend(f"guessing from {key}" for key, _, _ in bursts[:3])
    return a
