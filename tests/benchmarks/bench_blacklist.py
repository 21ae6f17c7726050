"""Whole-process speed of ``sbskit-cli blacklist`` against pydnsbl, on one local BIND.

Run: ``python tests/benchmarks/bench_blacklist.py [--runs N]`` (needs bind9 and
``pip install pydnsbl``). Both tools run as fresh processes, so start-up and imports
count, as they do for an admin. pydnsbl has no nameserver option; its c-ares resolver
is swapped for one aimed at the local BIND. sbskit does its full, honest work
(test points, TXT reasons, decoding, reverse DNS); pydnsbl only asks one A query per
list. Workloads: 1 IP x 60 zones, 256 IPs x 10 zones (the second also without
reverse DNS, which pydnsbl does not do: 256 PTR queries fewer). Prints the ratio
sbskit time / pydnsbl time (the goal is <= 0.5). The machine's load moves both
numbers; run it on a quiet machine and with several --runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from servers.bind import BindServer  # noqa: E402

ENTRY_POINT = "import sys; from sbskit.cli import main; sys.exit(main())"

PYDNSBL_RUNNER = r"""
import sys, json
import aiodns
from pydnsbl import DNSBLIpChecker
from pydnsbl.providers import Provider
port = int(sys.argv[1]); zones = sys.argv[2].split(","); ips = sys.argv[3].split(",")
checker = DNSBLIpChecker(providers=[Provider(z) for z in zones], timeout=3, tries=2)
checker._resolver = aiodns.DNSResolver(nameservers=["127.0.0.1"], udp_port=port, tcp_port=port,
                                       timeout=3, tries=2, loop=checker._loop)
results = checker.bulk_check(ips)
print(json.dumps(sum(1 for r in results if r.blacklisted)))
"""


def zone_names(count: int) -> list[str]:
    return [f"z{i:02d}.bench.test" for i in range(count)]


def ips(count: int) -> list[str]:
    return [f"198.18.{i // 256}.{i % 256}" for i in range(count)]


def build(server: BindServer, zones: list[str], addresses: list[str]) -> None:
    for n, zone in enumerate(zones):
        records = ["2.0.0.127 A 127.0.0.2", '2.0.0.127 TXT "test point"']
        for i, ip in enumerate(addresses):
            if (i + n) % 9 == 0:  # about one address in nine is listed, with a reason
                rev = ".".join(reversed(ip.split(".")))
                records.append(f"{rev} A 127.0.0.2")
                records.append(f'{rev} TXT "listed for the benchmark"')
        server.add_zone(zone, "\n".join(records) + "\n")


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    return time.perf_counter() - start, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    try:
        import pydnsbl  # noqa: F401
    except ImportError:
        print("pydnsbl is not installed: pip install pydnsbl", file=sys.stderr)
        return 2
    # an installed kit (wheel or bundle) has byte-code, as pip gave pydnsbl; a checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise recompile every module in every process
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "app" / "sbskit")], check=True,
                   capture_output=True)
    all_zones = zone_names(60)
    all_ips = ips(256)
    with tempfile.TemporaryDirectory(prefix="bench-bl-") as tmp:
        server = BindServer(Path(tmp))
        build(server, all_zones, all_ips)
        server.start()
        try:
            env = dict(os.environ, PYTHONPATH=str(ROOT / "app"), SBSKIT_HOME=str(Path(tmp) / "home"))
            workloads = [("1 IP x 60 zones", all_ips[:1], all_zones, []),
                         ("256 IPs x 10 zones", all_ips, all_zones[:10], []),
                         ("256 IPs x 10, --no-ptr", all_ips, all_zones[:10], ["--no-ptr"])]
            runner = Path(tmp) / "pydnsbl_runner.py"
            runner.write_text(PYDNSBL_RUNNER)
            print(f"BIND on 127.0.0.1:{server.port}; {args.runs} runs each, median wall time of whole processes")
            ratios = []
            for title, targets, zones, extra in workloads:
                pyd_cmd = [sys.executable, str(runner), str(server.port), ",".join(zones), ",".join(targets)]
                # what the installed ``sbskit-cli`` console script runs (no runpy, unlike ``python -m``)
                sbs_cmd = [sys.executable, "-c", ENTRY_POINT, "blacklist", *targets, "--resolver", server.address,
                           "--json", *extra] + [a for z in zones for a in ("--zone", z)]
                pyd_times, sbs_times = [], []
                for run in range(args.runs + 1):  # first round warms the OS caches and is not counted
                    t_pyd, p_pyd = timed(pyd_cmd, env)
                    t_sbs, p_sbs = timed(sbs_cmd, env)
                    if p_pyd.returncode != 0:
                        print(p_pyd.stderr[-2000:], file=sys.stderr)
                        return 1
                    if p_sbs.returncode not in (0, 1):
                        print(p_sbs.stderr[-2000:], file=sys.stderr)
                        return 1
                    if run:
                        pyd_times.append(t_pyd)
                        sbs_times.append(t_sbs)
                doc = json.loads(p_sbs.stdout)
                listed = sum(1 for t in doc["targets"] if any(r["status"] == "listed" for r in t["results"]))
                errors = doc["summary"]["errors"]
                pyd, sbs = statistics.median(pyd_times), statistics.median(sbs_times)
                ratios.append(sbs / pyd)
                print(f"{title:<24} pydnsbl {pyd * 1000:7.1f} ms (listed IPs: {p_pyd.stdout.strip()})   "
                      f"sbskit-cli {sbs * 1000:7.1f} ms (listed IPs: {listed}, errors: {errors})   "
                      f"ratio {sbs / pyd:.2f}x")
            print(f"RATIO sbskit-cli/pydnsbl: {ratios[0]:.2f}x and {ratios[1]:.2f}x (goal <= 0.50x); "
                  f"without reverse DNS (which pydnsbl does not do) {ratios[2]:.2f}x")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
