"""Receivers cannot verify us: PTR/HELO, SPF, DKIM, DMARC and sender-domain refusals in the replies."""

from __future__ import annotations

from sbskit.core.triage.detectors._replies import counted, describe, evidence_of, kinds_of
from sbskit.core.triage.detectors._util import plural
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.model import Assessment

CAUSE = "mail_dns"
UNRESOLVABLE = (".local", ".lan", ".internal", ".localdomain", ".corp", ".home")


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    groups = ev.replies.supporting(CAUSE)
    total = sum(counted(g) for g in groups)
    a.verbatim = total > 0  # the receivers said so in their replies
    if total:
        what = groups[0].reply.pattern.title if groups[0].reply.pattern else "verification failed"
        a.add(3.0 if total >= 3 else 2.2,
              f"Receivers refused or deferred {plural(total, 'message')} because they cannot verify us ({what}). "
              "Run the Mail DNS health check for the domain and the public IP.")
    if total >= 10:
        a.add(0.5, f"{plural(total, 'message')} held up in all.")
    for group in groups[:5]:
        a.facts.append(describe(group) + ".")
    a.evidence = evidence_of(groups)
    a.kinds = kinds_of(groups)
    local_names = sorted(n for n in ev.server_names if n.endswith(UNRESOLVABLE) or "." not in n)
    if local_names and total:
        a.add(0.5, f"The server announces itself as {local_names[0]}, a name the internet cannot resolve: set the "
                   "Send connector's FQDN (Postfix: smtp_helo_name) to the public mail name.")
        a.subjects.append(local_names[0])
    a.subjects.extend(g.reply.code for g in groups[:3])
    return a
