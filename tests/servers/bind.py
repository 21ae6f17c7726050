"""A real BIND (``named -g``) on loopback with the zones a feature's tests write (blocklists, mail DNS).

The server is authoritative for the root zone too, so a recursive query can never
leave the machine: every name outside the test zones is simply NXDOMAIN. Timeouts come
from a response-policy zone (``CNAME rpz-drop.``), SERVFAIL from a zone whose file is
missing, REFUSED from a zone that allows no queries.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

SOA = "@ 3600 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 {neg}\n@ 3600 IN NS ns.test.\n"


def free_port(addresses: tuple[str, ...] = ("127.0.0.1",)) -> int:
    """A port free on 127.0.0.1 (UDP and TCP), the other ``addresses`` (UDP) and ::1 (UDP and TCP)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            others = [(socket.AF_INET, a, socket.SOCK_DGRAM) for a in addresses if a != "127.0.0.1"]
            for family, host, kind in [(socket.AF_INET, "127.0.0.1", socket.SOCK_STREAM), *others,
                                       (socket.AF_INET6, "::1", socket.SOCK_DGRAM),
                                       (socket.AF_INET6, "::1", socket.SOCK_STREAM)]:
                with socket.socket(family, kind) as check:
                    check.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port on loopback")


class BindServer:
    """Write zones with :meth:`add_zone`, then :meth:`start`; :meth:`stop` when done."""

    addresses: tuple[str, ...] = ("127.0.0.1",)  # IPv4 loopback addresses named listens on (interface addresses only)

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = 0
        self.zones: list[str] = []  # zone statements
        self.rpz: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.add_zone(".", "ns.test. 3600 IN A 127.0.0.1\n")

    def add_zone(self, name: str, records: str, negative_ttl: int = 60, options: str = "", missing_file: bool = False,
                 ttl: int = 300) -> None:
        fname = "root.db" if name == "." else f"{name}.db"
        if not missing_file:
            origin = "." if name == "." else f"{name}."
            text = f"$ORIGIN {origin}\n$TTL {ttl}\n" + SOA.format(neg=negative_ttl) + records
            (self.dir / fname).write_text(text, encoding="ascii")
        self.zones.append(f'zone "{name}" {{ type primary; file "{self.dir / fname}"; {options} }};')

    def options(self) -> str:
        policy = 'response-policy { zone "rpz.local"; } qname-wait-recurse no;' if self.rpz else ""
        listen = " ".join(f"{a};" for a in self.addresses)
        return f"""
options {{
    directory "{self.dir}";
    pid-file "{self.dir}/named.pid";
    listen-on port {self.port} {{ {listen} }};
    listen-on-v6 port {self.port} {{ ::1; }};
    recursion yes;
    allow-recursion {{ 127.0.0.0/8; ::1; }};
    allow-query {{ 127.0.0.0/8; ::1; }};
    dnssec-validation no;
    notify no;
    minimal-responses yes;
    recursive-clients 10000;
    tcp-clients 100;
    {policy}
}};
controls {{ }};
"""

    def config(self) -> str:
        return self.options() + "\n".join(self.zones) + "\n"

    def drop(self, name: str) -> None:
        """Queries for ``name`` and everything below it get no answer at all (a timeout)."""
        self.rpz.append(f"{name} CNAME rpz-drop.\n*.{name} CNAME rpz-drop.\n")

    def start(self, timeout: float = 15.0) -> None:
        named = shutil.which("named") or ("/usr/sbin/named" if os.path.exists("/usr/sbin/named") else None)
        if named is None:
            raise RuntimeError("BIND's named is not installed (apt-get install bind9); these tests need a real DNS server")
        if self.rpz:
            self.add_zone("rpz.local", "".join(self.rpz))
        self.port = free_port(self.addresses)
        conf_path = self.dir / "named.conf"
        conf_path.write_text(self.config(), encoding="ascii")
        self.log = open(self.dir / "named.log", "wb")
        self.proc = subprocess.Popen([named, "-g", "-c", str(conf_path), "-n", "2"], stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"named exited at start-up:\n{self.log_text()[-3000:]}")
            if self._answers():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"named did not answer within {timeout} s:\n{self.log_text()[-3000:]}")

    def _answers(self) -> bool:
        query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x02ns\x04test\x00\x00\x01\x00\x01"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(0.2)
            try:
                sock.sendto(query, (self.addresses[0], self.port))
                data, _ = sock.recvfrom(512)
                return data[:2] == b"\x12\x34"
            except OSError:
                return False

    def log_text(self) -> str:
        try:
            return (self.dir / "named.log").read_text(errors="replace")
        except OSError:
            return ""

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
        if getattr(self, "log", None):
            self.log.close()
