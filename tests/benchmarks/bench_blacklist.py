"""Whole-process speed and completeness of ``sbskit-cli blacklist`` against pydnsbl, on one local BIND.

Run: ``python tests/benchmarks/bench_blacklist.py [--runs N] [--only loopback|lossy]``
(needs bind9 and ``pip install pydnsbl``). Both tools run as fresh processes, so
start-up and imports count, as they do for an admin.

Loopback: pydnsbl has no nameserver option; its c-ares resolver is swapped for one aimed
at the local BIND. sbskit does its full, honest work (test points, TXT reasons, decoding,
reverse DNS); pydnsbl only asks one A query per list. Workloads: 1 IP x 60 zones, 256 IPs
x 10 zones (also without reverse DNS, which pydnsbl does not do). Prints the ratio sbskit
time / pydnsbl time (the goal is <= 0.5).

Lossy link: a UDP proxy (``tests/blacklist/lossy_proxy.py``) in front of the same BIND
delays answers by zone (20-150 ms, one zone 900 ms) and loses 3% of round trips (then
10%). 8 IPs x 40 zones with 64 listings, ``--no-ptr``, each tool's default timeout
(pydnsbl: 5 s, 2 tries). A run is "complete and exact" when every list answered for every
IP and the listings found are exactly the 64 served. Goal for sbskit: every 3% run
complete and exact, median under 1.3 s, max under 1.6 s; at 10% loss, at least 9 of 10.
The machine's load moves every number; the ratios and counts are what to compare.

``--instructions`` (needs valgrind) also counts the CPU instructions of one whole process of
each tool on the loopback workloads (callgrind): the same count on every run, whatever the
machine's load, so two versions of the kit (``--baseline-app``) can be told apart exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from servers.bind import BindServer  # noqa: E402
from blacklist.lossy_proxy import LossyProxy  # noqa: E402

# what the installed ``sbskit-cli`` console script runs (an older checkout given to --baseline-app has only main)
ENTRY_POINT = "import sys; from sbskit import cli; sys.exit(getattr(cli, 'console_main', cli.main)())"

PYDNSBL_RUNNER = r"""
import sys, json
import aiodns
from pydnsbl import DNSBLIpChecker
from pydnsbl.providers import Provider
port = int(sys.argv[1]); zones = sys.argv[2].split(","); ips = sys.argv[3].split(",")
timeout, tries = float(sys.argv[4]), int(sys.argv[5])
checker = DNSBLIpChecker(providers=[Provider(z) for z in zones], timeout=timeout, tries=tries)
checker._resolver = aiodns.DNSResolver(nameservers=["127.0.0.1"], udp_port=port, tcp_port=port,
                                       timeout=timeout, tries=tries, loop=checker._loop)
results = checker.bulk_check(ips)
print(json.dumps({r.addr: {"listed": sorted(r.detected_by), "failed": sorted(p.host for p in r.failed_providers)}
                  for r in results}))
"""

LOSSY_IPS = 8
LOSSY_ZONES = 40
LISTINGS_PER_IP = 8  # 8 x 8 = 64 listings
SLOW_ZONE = 23  # this one answers in 900 ms
SLOW_DELAY = 0.9


def zone_names(count: int, suffix: str = "bench.test") -> list[str]:
    return [f"z{i:02d}.{suffix}" for i in range(count)]


def ips(count: int, prefix: str = "198.18") -> list[str]:
    return [f"{prefix}.{i // 256}.{i % 256}" for i in range(count)]


def _rev(ip: str) -> str:
    return ".".join(reversed(ip.split(".")))


def build(server: BindServer, zones: list[str], addresses: list[str]) -> None:
    for n, zone in enumerate(zones):
        records = ["2.0.0.127 A 127.0.0.2", '2.0.0.127 TXT "test point"']
        for i, ip in enumerate(addresses):
            if (i + n) % 9 == 0:  # about one address in nine is listed, with a reason
                records.append(f"{_rev(ip)} A 127.0.0.2")
                records.append(f'{_rev(ip)} TXT "listed for the benchmark"')
        server.add_zone(zone, "\n".join(records) + "\n")


def lossy_listings(zones: list[str], addresses: list[str]) -> set[tuple[str, str]]:
    """Which (ip, zone) pairs are listed: each IP on 8 of the 40 zones, 64 in all."""
    return {(ip, zones[(i * 5 + k) % len(zones)]) for i, ip in enumerate(addresses) for k in range(LISTINGS_PER_IP)}


def build_lossy(server: BindServer, zones: list[str], addresses: list[str]) -> set[tuple[str, str]]:
    listed = lossy_listings(zones, addresses)
    for zone in zones:
        records = ["2.0.0.127 A 127.0.0.2", '2.0.0.127 TXT "test point"']
        for ip in addresses:
            if (ip, zone) in listed:
                records += [f"{_rev(ip)} A 127.0.0.2", f'{_rev(ip)} TXT "listed for the lossy benchmark"']
        server.add_zone(zone, "\n".join(records) + "\n")
    return listed


def lossy_delays(zones: list[str]) -> dict[str, float]:
    """20-150 ms by zone, spread over the range; one zone 900 ms."""
    delays = {zone: (20 + (i * 53) % 131) / 1000 for i, zone in enumerate(zones)}
    delays[zones[SLOW_ZONE]] = SLOW_DELAY
    return delays


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict, cpu: list[float] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of a whole process; its CPU time (user + system) is appended to ``cpu``.

    On a machine shared with other work, wall times swing with the load; CPU time barely
    does, so the loopback table gives both ratios.
    """
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180)
    elapsed = time.perf_counter() - start
    if cpu is not None:
        cpu.append(_children_cpu() - cpu_before)
    return elapsed, proc


def sbskit_cmd(address: str, targets: list[str], zones: list[str], extra: list[str]) -> list[str]:
    # what the installed ``sbskit-cli`` console script runs (no runpy, unlike ``python -m``)
    return [sys.executable, "-c", ENTRY_POINT, "blacklist", *targets, "--resolver", address, "--json", *extra] + [
        a for z in zones for a in ("--zone", z)]


def loopback(args, server: BindServer, env: dict, runner: Path) -> list[float]:
    all_zones = zone_names(60)
    all_ips = ips(256)
    workloads = [("1 IP x 60 zones", all_ips[:1], all_zones, []),
                 ("256 IPs x 10 zones", all_ips, all_zones[:10], []),
                 ("256 IPs x 10, --no-ptr", all_ips, all_zones[:10], ["--no-ptr"])]
    print(f"Loopback: BIND on 127.0.0.1:{server.port}; {args.runs} runs each, median wall time of whole processes")
    ratios = []
    for title, targets, zones, extra in workloads:
        pyd_cmd = [sys.executable, str(runner), str(server.port), ",".join(zones), ",".join(targets), "3", "2"]
        sbs_cmd = sbskit_cmd(server.address, targets, zones, extra)
        pyd_times, sbs_times, pyd_cpu, sbs_cpu, base_times, base_cpu = [], [], [], [], [], []
        for run in range(args.runs + 1):  # first round warms the OS caches and is not counted
            t_pyd, p_pyd = timed(pyd_cmd, env, pyd_cpu if run else None)
            t_sbs, p_sbs = timed(sbs_cmd, env, sbs_cpu if run else None)
            if args.baseline_app:  # another checkout's sbskit-cli, in the same round (same load)
                t_base, p_base = timed(sbs_cmd, dict(env, PYTHONPATH=str(Path(args.baseline_app) / "app")),
                                       base_cpu if run else None)
                if p_base.returncode not in (0, 1) or '"targets"' not in p_base.stdout:
                    print(p_base.stderr[-2000:], file=sys.stderr)
                    raise SystemExit(f"the baseline checkout {args.baseline_app} did not complete the sweep")
                if run:
                    base_times.append(t_base)
            if p_pyd.returncode != 0 or p_sbs.returncode not in (0, 1):
                print(p_pyd.stderr[-2000:], p_sbs.stderr[-2000:], file=sys.stderr)
                raise SystemExit(1)
            if run:
                pyd_times.append(t_pyd)
                sbs_times.append(t_sbs)
        doc = json.loads(p_sbs.stdout)
        listed = sum(1 for t in doc["targets"] if any(r["status"] == "listed" for r in t["results"]))
        pyd_listed = sum(1 for v in json.loads(p_pyd.stdout).values() if v["listed"])
        pyd, sbs = statistics.median(pyd_times), statistics.median(sbs_times)
        cpu_ratio = statistics.median(sbs_cpu) / statistics.median(pyd_cpu)
        ratios.append(sbs / pyd)
        print(f"  {title:<24} pydnsbl {pyd * 1000:7.1f} ms (listed IPs: {pyd_listed})   "
              f"sbskit-cli {sbs * 1000:7.1f} ms (listed IPs: {listed}, errors: {doc['summary']['errors']})   "
              f"ratio {sbs / pyd:.2f}x   CPU time ratio {cpu_ratio:.2f}x")
        if base_times:
            print(f"  {'':<24} baseline {args.baseline_app}: ratio {statistics.median(base_times) / pyd:.2f}x   "
                  f"CPU time ratio {statistics.median(base_cpu) / statistics.median(pyd_cpu):.2f}x")
    print(f"RATIO sbskit-cli/pydnsbl: {ratios[0]:.2f}x and {ratios[1]:.2f}x (goal <= 0.50x); "
          f"without reverse DNS (which pydnsbl does not do) {ratios[2]:.2f}x")
    return ratios


def instructions(cmd: list[str], env: dict) -> int:
    """CPU instructions of one whole process (valgrind's callgrind): unaffected by the machine's load."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                          capture_output=True, text=True, env=env, timeout=600)
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if found is None:
        raise SystemExit(f"valgrind did not count: {proc.stderr[-500:]}")
    return int(found.group(1))


def instruction_counts(args, server: BindServer, env: dict, runner: Path) -> None:
    all_zones, all_ips = zone_names(60), ips(256)
    print("Instructions of one whole process (callgrind; the same on every run):")
    for title, targets, zones in (("1 IP x 60 zones", all_ips[:1], all_zones),
                                  ("256 IPs x 10 zones", all_ips, all_zones[:10])):
        pyd = instructions([sys.executable, str(runner), str(server.port), ",".join(zones), ",".join(targets), "3", "2"],
                           env)
        sbs = instructions(sbskit_cmd(server.address, targets, zones, []), env)
        line = f"  {title:<24} pydnsbl {pyd / 1e6:7.1f} M   sbskit-cli {sbs / 1e6:7.1f} M   ratio {sbs / pyd:.2f}x"
        if args.baseline_app:
            base = instructions(sbskit_cmd(server.address, targets, zones, []),
                                dict(env, PYTHONPATH=str(Path(args.baseline_app) / "app")))
            line += f"   baseline {base / 1e6:7.1f} M (this checkout: {sbs / base:.2f}x of it)"
        print(line)


def sbskit_exact(stdout: str, expected: set[tuple[str, str]], targets: list[str], zones: list[str]) -> tuple[bool, str]:
    doc = json.loads(stdout)
    found, unanswered = set(), []
    for t in doc["targets"]:
        for r in t["results"]:
            if r["status"] == "listed":
                found.add((t["target"], r["zone"]))
            elif r["status"] == "error":
                unanswered.append(f"{t['target']}@{r['zone']}:{r['error']}")
    complete = not unanswered and sum(len(t["results"]) for t in doc["targets"]) == len(targets) * len(zones)
    if complete and found == expected:
        return True, ""
    return False, f"{len(unanswered)} unanswered {unanswered[:3]}, {len(found ^ expected)} wrong"


def pydnsbl_exact(stdout: str, expected: set[tuple[str, str]]) -> tuple[bool, str]:
    doc = json.loads(stdout)
    found = {(ip, zone) for ip, v in doc.items() for zone in v["listed"]}
    failed = [f"{ip}@{zone}" for ip, v in doc.items() for zone in v["failed"]]
    if not failed and found == expected:
        return True, ""
    return False, f"{len(failed)} failed {failed[:3]}, {len(found ^ expected)} wrong"


def lossy(args, server: BindServer, env: dict, runner: Path, zones: list[str], targets: list[str],
          expected: set[tuple[str, str]]) -> dict:
    delays = lossy_delays(zones)
    table = {}
    for loss, runs in ((0.03, args.lossy_runs), (0.10, args.lossy10_runs)):
        times: dict[str, list[float]] = {"pydnsbl": [], "sbskit-cli": []}
        exact: dict[str, int] = {"pydnsbl": 0, "sbskit-cli": 0}
        notes: dict[str, list[str]] = {"pydnsbl": [], "sbskit-cli": []}
        for run in range(runs):
            for tool in ("pydnsbl", "sbskit-cli"):
                with LossyProxy(("127.0.0.1", server.port), delays, default_delay=0.05, loss=loss,
                                seed=run * 1000 + round(loss * 100) + (tool == "pydnsbl") * 100000) as proxy:
                    if tool == "pydnsbl":  # its defaults: timeout 5 s, 2 tries
                        cmd = [sys.executable, str(runner), str(proxy.port), ",".join(zones), ",".join(targets), "5", "2"]
                    else:
                        cmd = sbskit_cmd(proxy.address, targets, zones, ["--no-ptr"])
                    elapsed, proc = timed(cmd, env)
                    copies, busiest = proxy.most_copies()
                if proc.returncode not in (0, 1, 3):
                    print(proc.stderr[-2000:], file=sys.stderr)
                    raise SystemExit(1)
                ok, why = (pydnsbl_exact(proc.stdout, expected) if tool == "pydnsbl"
                           else sbskit_exact(proc.stdout, expected, targets, zones))
                times[tool].append(elapsed)
                exact[tool] += ok
                if not ok:
                    notes[tool].append(f"run {run + 1}: {why}")
                if tool == "sbskit-cli" and elapsed > 1.6:
                    notes[tool].append(f"run {run + 1}: {elapsed:.2f} s; most copies: {copies} of {busiest}")
        print(f"Lossy link, {loss:.0%} loss, {runs} runs (8 IPs x 40 zones, 64 listings, --no-ptr, default timeouts):")
        for tool in ("pydnsbl", "sbskit-cli"):
            series = times[tool]
            print(f"  {tool:<11} median {statistics.median(series):5.2f} s   max {max(series):5.2f} s   "
                  f"complete and exact {exact[tool]} of {runs}   "
                  f"({', '.join(f'{t:.2f}' for t in series)})")
            for note in notes[tool][:4]:
                print(f"      {note}")
        table[loss] = (times, exact)
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="loopback runs per workload (default 7)")
    parser.add_argument("--lossy-runs", type=int, default=7, help="runs at 3%% loss (default 7)")
    parser.add_argument("--lossy10-runs", type=int, default=10, help="runs at 10%% loss (default 10)")
    parser.add_argument("--only", choices=("loopback", "lossy"), default=None)
    parser.add_argument("--baseline-app", metavar="DIR", default=None,
                        help="also time the sbskit-cli of another checkout (DIR/app) on the loopback workloads")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each tool's CPU instructions on the loopback workloads (needs valgrind)")
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
    lossy_zones = zone_names(LOSSY_ZONES, "lossy.test")
    lossy_targets = ips(LOSSY_IPS, "198.19")
    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="bench-bl-") as tmp:
        server = BindServer(Path(tmp))
        build(server, zone_names(60), ips(256))
        expected = build_lossy(server, lossy_zones, lossy_targets)
        server.start()
        try:
            env = dict(os.environ, PYTHONPATH=str(ROOT / "app"), SBSKIT_HOME=str(Path(tmp) / "home"))
            runner = Path(tmp) / "pydnsbl_runner.py"
            runner.write_text(PYDNSBL_RUNNER)
            if args.only in (None, "loopback"):
                loopback(args, server, env, runner)
                if args.instructions:
                    if shutil.which("valgrind") is None:
                        print("--instructions needs valgrind (apt install valgrind)", file=sys.stderr)
                        return 2
                    instruction_counts(args, server, env, runner)
            if args.only in (None, "lossy"):
                lossy(args, server, env, runner, lossy_zones, lossy_targets, expected)
        finally:
            server.stop()
    print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
