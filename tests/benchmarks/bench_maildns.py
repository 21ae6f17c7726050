"""sbskit maildns side by side with checkdmarc, on the same 20 test domains served by one local BIND.

Run: ``python tests/benchmarks/bench_maildns.py [--runs N]`` (needs bind9 and openssl, and
``pip install checkdmarc`` - a benchmark-only tool, never a runtime dependency of the kit).

Both tools ask the same loopback BIND. A guard in this process refuses every connection
to an address outside 127.0.0.0/8 and ::1 (checkdmarc would otherwise fetch MTA-STS
policies over HTTPS), so nothing leaves the machine. Prints, per domain, what each tool
finds, then the time for the 20 domains (in-process, best of N runs) and the import cost
of each (fresh processes: what the CLI start-up pays). Ratios are sbskit / checkdmarc.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "maildns"), str(ROOT / "tests"), str(ROOT / "app")]

DOMAINS = ["good.test", "nospf.test", "twospf.test", "plusall.test", "qall.test", "noall.test", "toomany.test",
           "voids.test", "loop.test", "deadinc.test", "macros.test", "redirect.test", "syntax.test", "nodmarc.test",
           "pnone.test", "baddmarc.test", "extrua.test", "nullmx.test", "nomx.test", "servfail.test"]


def loopback_only() -> None:
    """Refuse any connection that would leave the machine (both tools run under this guard)."""
    original = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        try:
            ok = ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = False
        if not ok:
            raise ConnectionRefusedError(f"benchmark guard: no connection to {host!r} (loopback only)")
        return original(self, address)

    socket.socket.connect = guarded
    real_getaddrinfo = socket.getaddrinfo

    def local_names_only(host, *args, **kwargs):
        if host not in (None, "localhost") and not _is_ip(host):
            raise socket.gaierror(f"benchmark guard: no name lookup of {host!r} outside the test BIND")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = local_names_only


def _is_ip(text) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def sbskit_findings(doc: dict) -> str:
    return ", ".join(f"{c['id']}:{c['status']}" for c in doc["checks"] if c["status"] != "ok" and not c.get("info")) or "all ok"


def checkdmarc_findings(result: dict) -> str:
    found = []
    for part in ("spf", "dmarc", "mx"):
        section = result.get(part) or {}
        if section.get("error"):
            found.append(f"{part}:error({str(section['error'])[:60]})")
        elif section.get("valid") is False:
            found.append(f"{part}:invalid")
        if section.get("warnings"):
            found.append(f"{part}:{len(section['warnings'])} warning(s)")
    return ", ".join(found) or "all ok"


def import_cost(statement: str, python: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-c", statement], check=True, capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "app")))
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        import checkdmarc
        from dns.nameserver import Do53Nameserver
    except ImportError:
        print("needs checkdmarc: pip install checkdmarc (benchmark only)", file=sys.stderr)
        return 2
    import conftest
    from servers.bind import BindServer

    from sbskit.core.maildns.engine import Options, Run

    server = BindServer(Path(tempfile.mkdtemp(prefix="bench-maildns-")))
    reverse: dict = {}
    conftest.build_world(server, reverse)
    conftest.build_reverse(server, reverse)
    server.start()
    loopback_only()
    try:
        nameserver = Do53Nameserver("127.0.0.1", server.port)
        sbskit_docs, cd_results = {}, {}
        sbskit_times, cd_times = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            for domain in DOMAINS:
                sbskit_docs[domain] = Run(domain, Options(resolvers=[server.address], timeout=2.0)).run()
            sbskit_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            results = checkdmarc.check_domains(DOMAINS, nameservers=[nameserver], timeout=2.0, retries=0)
            cd_times.append(time.perf_counter() - start)
            for result in results if isinstance(results, list) else [results]:
                cd_results[result["domain"]] = result
        print(f"{'domain':15} {'sbskit maildns':60} checkdmarc")
        for domain in DOMAINS:
            print(f"{domain:15} {sbskit_findings(sbskit_docs[domain])[:60]:60} {checkdmarc_findings(cd_results.get(domain, {}))[:90]}")
        ours, theirs = min(sbskit_times), min(cd_times)
        print(f"\n20 domains, in-process, best of {args.runs}: sbskit {ours:.3f} s, checkdmarc {theirs:.3f} s, "
              f"ratio {ours / theirs:.2f} (median {statistics.median(sbskit_times):.3f} / {statistics.median(cd_times):.3f})")
        queries = sum(d["queries"] for d in sbskit_docs.values())
        print(f"sbskit asked {queries} DNS questions for the 20 domains (MX, SPF tree, DMARC, 10 DKIM selectors, PTR, extras)")
    finally:
        server.stop()
    ours = import_cost("import sbskit.core.maildns.engine, sbskit.cli.cmd_maildns", sys.executable, args.runs + 2)
    theirs = import_cost("import checkdmarc", sys.executable, args.runs + 2)
    print(f"import cost (fresh process, best of {args.runs + 2}): sbskit maildns {ours:.3f} s, checkdmarc {theirs:.3f} s, "
          f"ratio {ours / theirs:.2f}")
    print(f"machine load: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (timings are noisy under load)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
