"""Resolvers that answer nothing useful: real BIND processes, a view per listening address.

Each view is a resolver an admin meets in the field, built from stock BIND behaviour:
- ``refusing``: REFUSED for every query (an ACL that does not include us);
- ``hiding``: every blocklist name is NXDOMAIN, test entries included (a filtering
  resolver, or a public one that hides Spamhaus); one allow-list still answers;
- ``servfail``: SERVFAIL for every list (their zones cannot be loaded);
- ``rewriting``: an address for every name that does not exist (a wildcard at the root,
  as an NXDOMAIN-rewriting ISP resolver does).
named listens only on addresses its interfaces have, so each process serves two views,
one on 127.0.0.1 and one on ::1. The catalogue's default zone names are served, so a
default sweep meets them all.
"""

from __future__ import annotations

from pathlib import Path

from servers.bind import SOA, BindServer

from sbskit.core.dnsbl.catalogue import load_catalogue

REWRITE_ADDRESS = "198.51.100.77"
ALLOWED_IP = "192.0.2.50"  # on list.dnswl.org in the hiding view
PAIRS = (("refusing", "hiding"), ("servfail", "rewriting"))  # (view on 127.0.0.1, view on ::1) per process


def _rev(ip: str) -> str:
    return ".".join(reversed(ip.split(".")))


class _TwoViews(BindServer):
    def __init__(self, workdir: Path, v4_view: str, v6_view: str) -> None:
        super().__init__(workdir)
        self.views = (v4_view, v6_view)

    def _zone_file(self, name: str, records: str, filename: str = "") -> str:
        path = self.dir / (filename or f"{name.strip('.') or 'root'}.db")
        origin = "." if name == "." else f"{name}."
        path.write_text(f"$ORIGIN {origin}\n$TTL 300\n" + SOA.format(neg=60) + records, encoding="ascii")
        return str(path)

    def _view_body(self, view: str) -> str:
        root = self._zone_file(".", "ns.test. 3600 IN A 127.0.0.1\n")
        if view == "refusing":
            return f'allow-query {{ none; }}; zone "." {{ type primary; file "{root}"; }};'
        if view == "hiding":
            dnswl = self._zone_file("list.dnswl.org", f"{_rev('127.0.0.2')} A 127.0.10.0\n{_rev(ALLOWED_IP)} A 127.0.15.2\n")
            return f'zone "." {{ type primary; file "{root}"; }}; zone "list.dnswl.org" {{ type primary; file "{dnswl}"; }};'
        if view == "servfail":
            zones = sorted({z.zone for kind in ("ipv4", "ipv6", "domain") for z in load_catalogue().defaults(kind)})
            missing = " ".join(f'zone "{z}" {{ type primary; file "{self.dir}/missing-{z}.db"; }};' for z in zones)
            return f'zone "." {{ type primary; file "{root}"; }}; {missing}'
        rewrite = self._zone_file(".", f"ns.test. 3600 IN A 127.0.0.1\n* A {REWRITE_ADDRESS}\n", "rewrite-root.db")
        return f'zone "." {{ type primary; file "{rewrite}"; }};'

    def config(self) -> str:
        v4, v6 = self.views
        return self.options() + (f'view "{v4}" {{ match-destinations {{ 127.0.0.1; }}; {self._view_body(v4)} }};\n'
                                 f'view "{v6}" {{ match-destinations {{ ::1; }}; {self._view_body(v6)} }};\n')


class MisbehavingResolvers:
    """Four bad resolvers from two named processes: ``address_of("hiding")`` -> ``[::1]:PORT``."""

    def __init__(self, workdir: Path) -> None:
        self.servers = [_TwoViews(Path(workdir) / f"{v4}-{v6}", v4, v6) for v4, v6 in PAIRS]

    def start(self) -> None:
        for server in self.servers:
            server.start()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def address_of(self, view: str) -> str:
        for server in self.servers:
            if view == server.views[0]:
                return f"127.0.0.1:{server.port}"
            if view == server.views[1]:
                return f"[::1]:{server.port}"
        raise KeyError(view)


VIEWS = [view for pair in PAIRS for view in pair]
