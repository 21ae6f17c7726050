"""Compromised workstation: LAN hosts other than the mail server talking SMTP to the internet."""

from __future__ import annotations

from sbskit.core.triage.detectors._util import plural, samples_of, top
from sbskit.core.triage.detectors.formats import FIREWALL
from sbskit.core.triage.evidence import Evidence
from sbskit.core.triage.model import Assessment

CAUSE = "compromised_workstation"


def detect(ev: Evidence) -> Assessment:
    a = Assessment(CAUSE)
    table = ev.table("smtp_out_host")
    server_seen = [ip for ip in table if ev.is_server(ip)]
    hosts = top({ip: s for ip, s in table.items() if not ev.is_server(ip)}, lambda s: s.count, k=10)
    strong = [h for h in hosts if h[1].count >= 5 or h[1].distinct() >= 3]
    described = "; ".join(
        f"{ip} ({plural(stat.count, 'connection')} to {plural(stat.distinct(), 'server')}"
        f"{', firewall: ' + '/'.join(sorted(stat.ips)) if stat.ips else ''})"
        for ip, stat, _ in hosts[:5]
    )
    if strong:
        a.add(4.0, f"LAN host(s) other than the mail server connect out on TCP port 25: {described}. Only the mail server should.")
    elif hosts:
        a.add(2.0, f"LAN host(s) other than the mail server tried TCP port 25 to the internet: {described}.")
    if hosts and not ev.server_ips and not ev.seen_server_ips:
        a.facts.append("The mail server's own address is not known: give it (--server-ip) so it is not named here.")
    a.subjects = [ip for ip, _, _ in hosts]
    a.evidence = samples_of(hosts)
    submitters = top(ev.table("lan_submit"), lambda s: s.distinct())
    if submitters and submitters[0][2] >= 20:
        ip, stat, n = submitters[0]
        a.add(2.0, f"The LAN host {ip} handed Exchange mail for {n} different outside domains (through a relay connector).")
        a.subjects.append(ip)
        a.evidence.extend(samples_of(submitters, 3))
    if server_seen:
        a.facts.append(f"The mail server ({', '.join(server_seen)}) connects out on port 25 too, as it should.")
    if ev.has_any(*FIREWALL) and not hosts:
        a.add(-2.0, "The firewall log shows no LAN host other than the server connecting out on port 25.")
    return a
