"""Benchmark: 1 million message-tracking lines through import and all detectors.

Baseline, measured in the same run on the same file: a bare ``csv.reader`` pass that
does nothing with the rows. Goal: the triage takes under 2x the baseline, and its peak
memory (measured in a fresh subprocess: VmHWM, else ``resource.getrusage``) stays under 300 MB.
Times are CPU seconds of this process (``time.process_time``), best of N interleaved rounds,
so other load on the machine disturbs the ratio as little as possible.

Run: ``python tests/benchmarks/bench_triage.py [--lines N] [--keep FILE]``
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
sys.path.insert(0, str(APP))

from sbskit.core.triage.samples import FIELDS_2016, LOCAL_DOMAIN, SERVER_IP, WORDS  # noqa: E402


def generate(path: Path, lines: int, seed: int = 5) -> None:
    """A busy office server's week: inbound and outbound mail, DSNs, a backscatter wave, deferrals."""
    rng = random.Random(seed)
    partners = [f"{rng.choice(WORDS)}{i}.example.com" for i in range(3000)]
    senders = [f"{rng.choice(WORDS)}{i}@{rng.choice(partners)}" for i in range(60000)]
    users = [f"user{i}@{LOCAL_DOMAIN}" for i in range(60)]
    # a botnet-sized pool of outside addresses (public ranges; nothing is ever contacted)
    ips = [f"{rng.choice((23, 37, 45, 62, 77, 81, 91, 109, 141, 178, 185, 193, 212, 217))}.{rng.randint(0, 255)}."
           f"{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(20000)]
    head = ["#Software: Microsoft Exchange Server", "#Version: 15.01.2507.006", "#Log-type: Message Tracking Log",
            "#Date: 2026-11-27T00:00:00.000Z", "#Fields: " + ",".join(FIELDS_2016)]
    tail = ",Incoming,,,,,Email,{mid},15.01.2507.006"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\r\n".join(head) + "\r\n")
        written = 0
        mid = 100000
        while written < lines:
            mid += 1
            t = f"2026-11-27T{(written // 40000) % 24:02d}:{(written // 700) % 60:02d}:{(written // 12) % 60:02d}.{written % 1000:03d}Z"
            r = rng.random()
            if r < 0.5:  # inbound from the internet, delivered
                s, u, ip = rng.choice(senders), rng.choice(users), rng.choice(ips)
                out.write(f"{t},{ip},mail.{s.split('@')[1]},{SERVER_IP},SBS01,08DB1C2A3F4E5D6C;250 2.6.0,SBS01\\Default Frontend SBS01,SMTP,RECEIVE,{mid},<{mid}@{s.split('@')[1]}>,8f3c{mid:08x}-1c2d,{u},,{rng.randint(2000, 90000)},1,,,\"Re: order {mid}\",{s},{s},2026-11-27T00:00:01.000Z;SRV=SBS01{tail.format(mid=mid)}\r\n")
                out.write(f"{t},,,{SERVER_IP},SBS01,MDB:1f2e3d4c,,STOREDRIVER,DELIVER,{mid},<{mid}@{s.split('@')[1]}>,8f3c{mid:08x}-1c2d,{u},,{rng.randint(2000, 90000)},1,,,\"Re: order {mid}\",{s},{s},{tail.format(mid=mid)}\r\n")
                written += 2
            elif r < 0.9:  # outbound
                u, s = rng.choice(users), rng.choice(senders)
                out.write(f"{t},{SERVER_IP},SBS01,{SERVER_IP},SBS01,MDB:1f2e3d4c,,STOREDRIVER,RECEIVE,{mid},<{mid}@{LOCAL_DOMAIN}>,8f3c{mid:08x}-1c2d,{s},,{rng.randint(2000, 90000)},1,,,Quote {mid},{u},{u},{tail.format(mid=mid)}\r\n")
                out.write(f"{t},{SERVER_IP},SBS01,{rng.choice(ips)},mx.{s.split('@')[1]},;250 2.6.0 <{mid}> Queued mail for delivery,SBS01\\Internet,SMTP,SEND,{mid},<{mid}@{LOCAL_DOMAIN}>,8f3c{mid:08x}-1c2d,{s},250 2.6.0 Queued,{rng.randint(2000, 90000)},1,,,Quote {mid},{u},{u},{tail.format(mid=mid)}\r\n")
                written += 2
            elif r < 0.995:  # a backscatter wave: unknown recipient, DSN to the forged sender
                s, ip = rng.choice(senders), rng.choice(ips)
                ghost = f"{rng.choice(WORDS)}.{rng.randint(1, 99999)}@{LOCAL_DOMAIN}"
                out.write(f"{t},{ip},spam.example,{SERVER_IP},SBS01,08DB1C2A3F4E5D6C;250 2.6.0,SBS01\\Default Frontend SBS01,SMTP,RECEIVE,{mid},<{mid}@x>,8f3c{mid:08x}-1c2d,{ghost},,{rng.randint(2000, 9000)},1,,,Cheap,{s},{s},{tail.format(mid=mid)}\r\n")
                out.write(f"{t},,,{SERVER_IP},SBS01,,,ROUTING,FAIL,{mid},<{mid}@x>,8f3c{mid:08x}-1c2d,{ghost},550 5.1.1 RESOLVER.ADR.RecipNotFound; not found,{rng.randint(2000, 9000)},1,,,Cheap,{s},{s},{tail.format(mid=mid)}\r\n")
                out.write(f"{t},,,{SERVER_IP},SBS01,,,DSN,DSN,{mid + 1},<{mid}@dsn>,8f3c{mid:08x}-1c2d,{s},,3000,1,,,Undeliverable: Cheap,MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@{LOCAL_DOMAIN},<>,{tail.format(mid=mid)}\r\n")
                written += 3
            else:  # deferrals
                u, s = rng.choice(users), rng.choice(senders)
                out.write(f"{t},,,{SERVER_IP},SBS01,,,SMTP,DEFER,{mid},<{mid}@{LOCAL_DOMAIN}>,8f3c{mid:08x}-1c2d,{s},451 4.4.0 Primary target IP address responded with: 421 4.4.2 Connection dropped,{rng.randint(2000, 90000)},1,,,Quote,{u},{u},{tail.format(mid=mid)}\r\n")
                written += 1


def baseline(path: Path) -> float:
    start = time.process_time()
    with open(path, encoding="utf-8", newline="") as handle:
        for _row in csv.reader(handle):
            pass
    return time.process_time() - start


def triage(path: Path) -> tuple[float, str]:
    from sbskit.core.triage import analyse

    start = time.process_time()
    result = analyse([path])
    elapsed = time.process_time() - start
    top = result.findings[0] if result.findings else None
    return elapsed, f"{result.inputs[0].records} records; top finding: {top.cause if top else 'none'} ({top.confidence:.2f})" if top else ""


MEMORY_CHILD = """
import resource, sys
sys.path.insert(0, {app!r})


def peak_kb():
    # VmHWM is reset by exec (ru_maxrss may carry the parent's peak over); fall back to ru_maxrss
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


from sbskit.core.triage import analyse
before = peak_kb()
analyse([{path!r}])
print(before, peak_kb())
"""


def peak_memory_mb(path: Path) -> tuple[float, float]:
    """(peak RSS of a fresh interpreter after imports, peak RSS after the triage), in MB."""
    out = subprocess.run([sys.executable, "-c", MEMORY_CHILD.format(app=str(APP), path=str(path))],
                         capture_output=True, text=True, check=True, timeout=600)
    before, after = (int(x) / 1024 for x in out.stdout.split())
    return before, after


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the generated log here and keep it")
    parser.add_argument("--rounds", type=int, default=4, help="timed rounds of each (best is reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "MSGTRK-bench.LOG"
        t0 = time.process_time()
        generate(path, args.lines)
        print(f"generated {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) in {time.process_time() - t0:.1f} s")
        bases, runs = [], []
        for _ in range(args.rounds):  # interleaved, best of N: the same machine noise for both
            bases.append(baseline(path))
            runs.append(triage(path))
        base = min(bases)
        run, info = min(runs)
        print(f"baseline csv.reader pass: {base:.2f} s")
        print(f"triage (import + all detectors): {run:.2f} s  [{info}]")
        ratio = run / base
        print(f"RATIO {ratio:.2f}x (goal < 2x)")
        before, after = peak_memory_mb(path)
        print(f"PEAK MEMORY {after:.0f} MB RSS (interpreter and imports alone: {before:.0f} MB; goal < 300 MB)")
        if args.keep is None:
            os.unlink(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
