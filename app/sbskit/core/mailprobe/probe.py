"""Run the whole exposure probe: every requested port, in parallel, each one bounded.

Each service gets its own deadline (a few times the per-read timeout), so a server that
hangs or drips cannot stall the run; a refused or filtered port is "not reachable",
which is an answer, not an error. Results stream through ``ctx.result`` as they finish.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext, null_context
from sbskit.core.mailprobe import findings, imap, pop3, smtp, tlsinfo
from sbskit.core.mailprobe.common import CLIENT_NAME
from sbskit.core.mailprobe.model import ProbeReport, ServiceResult, ServiceSpec
from sbskit.core.mailprobe.netio import Conn, ProbeError, split_host

DEFAULT_PORTS = {"pop3": 110, "pop3s": 995, "imap": 143, "imaps": 993, "smtp": 25, "submission": 587, "smtps": 465}
SPEC_TEMPLATES = {
    "pop3": ("POP3", "pop3", "none"),
    "pop3s": ("POP3S", "pop3", "implicit"),
    "imap": ("IMAP", "imap", "none"),
    "imaps": ("IMAPS", "imap", "implicit"),
    "smtp": ("SMTP", "smtp", "none"),
    "submission": ("Submission", "smtp", "none"),
    "smtps": ("SMTPS", "smtp", "implicit"),
}
DIALOGUES = {"pop3": pop3.probe, "imap": imap.probe, "smtp": smtp.probe}
DEADLINE_FACTOR = 3.0  # one service may take this many timeouts in total
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_-]{1,63})*\.?$")


def normalise_host(text: str) -> str:
    """A host name, IPv4 or IPv6 address (``[::1]`` allowed); UserInputError otherwise."""
    host = split_host(str(text or ""))
    if not host:
        raise UserInputError("give the mail server's host name or IP address")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOST_NAME.match(host):
        shown = host if len(host) < 60 else host[:57] + "..."
        raise UserInputError(f"not a host name or IP address: {shown!r}")
    return host


def check_port(value: int, what: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= 65535:
        raise UserInputError(f"{what} must be a port number from 1 to 65535 (or 0 to skip), not {value}")
    return value


def build_specs(ports: dict[str, int] | None = None) -> list[ServiceSpec]:
    """Specs in the standard order; a port of 0 skips that service."""
    merged = dict(DEFAULT_PORTS)
    merged.update(ports or {})
    specs = []
    for key, (name, protocol, tls) in SPEC_TEMPLATES.items():
        port = check_port(merged[key], f"the {name} port")
        if port:
            specs.append(ServiceSpec(name, protocol, port, tls))
    return specs


def _tls_ready(spec: ServiceSpec, host: str, timeout: float, cancelled) -> Conn:
    """A fresh connection at the point where the TLS handshake starts (after STARTTLS if needed)."""
    conn = Conn(host, spec.port, timeout, time.monotonic() + timeout * 2, cancelled)
    try:
        if spec.tls != "implicit":
            if spec.protocol == "pop3":
                conn.read_line()
                conn.send_line("STLS")
                ok = conn.read_line().startswith("+OK")
            elif spec.protocol == "imap":
                conn.read_line()
                conn.send_line("t1 STARTTLS")
                line = conn.read_line()
                while line.startswith("*"):
                    line = conn.read_line()
                ok = line.upper().startswith("T1 OK")
            else:
                smtp.read_reply(conn)
                smtp.command(conn, f"EHLO {CLIENT_NAME}")
                ok = smtp.command(conn, "STARTTLS")[0] == 220
            if not ok:
                raise ProbeError("rejected", "STARTTLS refused on the second connection")
        return conn
    except BaseException:
        conn.close()
        raise


def _trust_check(spec: ServiceSpec, host: str, timeout: float, ca_file: str | None, cancelled) -> tuple[bool | None, str | None]:
    """A second handshake with a verifying context: (trusted, why not)."""
    try:
        with _tls_ready(spec, host, timeout, cancelled) as conn:
            conn.start_tls(tlsinfo.verify_context(ca_file), None)
            return True, None
    except ProbeError as exc:
        if exc.kind == "untrusted":
            return False, exc.detail
        return None, exc.detail
    except (OSError, ValueError) as exc:  # e.g. an unreadable CA file
        return None, str(exc)


def _legacy_check(spec: ServiceSpec, host: str, timeout: float, cancelled) -> str | None:
    """The retired protocol (TLSv1/TLSv1.1) the server still accepts, or None."""
    ctx = tlsinfo.legacy_context()
    if ctx is None:
        return None
    try:
        with _tls_ready(spec, host, timeout, cancelled) as conn:
            conn.start_tls(ctx, None)
            tls = conn.tls_socket
            return tls.version() if tls is not None else None
    except (ProbeError, OSError, ValueError):
        return None


def _lookup_ptr(address: str, timeout: float) -> str | None:
    out: list[str | None] = [None]

    def work() -> None:
        try:
            out[0] = socket.gethostbyaddr(address)[0]
        except OSError:
            out[0] = None

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout)
    return out[0]


def _ptr(res: ServiceResult, address: str | None, timeout: float) -> None:
    name = smtp.banner_name(res.banner)
    if not address or not name:
        return
    if findings.is_loopback(address):
        res.ptr = {"checked": False, "address": address, "banner_name": name, "note": "loopback address: not checked"}
        return
    found = _lookup_ptr(address, timeout)
    res.ptr = {
        "checked": True,
        "address": address,
        "name": found,
        "banner_name": name,
        "matches": bool(found) and found.rstrip(".").lower() == name,
    }


def probe_service(spec: ServiceSpec, host: str, timeout: float = 8.0, ca_file: str | None = None,
                  cancelled=lambda: False, check_ptr: bool = True) -> ServiceResult:
    """Check one service; never raises for anything the server does."""
    res = ServiceResult(spec.name, spec.protocol, spec.port, tls="implicit" if spec.tls == "implicit" else "none")
    started = time.monotonic()
    deadline = started + timeout * DEADLINE_FACTOR
    conn: Conn | None = None
    try:
        conn = Conn(host, spec.port, timeout, deadline, cancelled)
        res.reachable = True
        DIALOGUES[spec.protocol](conn, res, host, spec.tls == "implicit")
        res.status = "ok"
    except ProbeError as exc:
        if exc.not_reachable:
            res.status, res.error, res.detail = "not-reachable", exc.kind, exc.detail
        else:
            res.status, res.error, res.detail = "error", exc.kind, exc.detail
            if exc.kind == "tls-failed":
                res.add("tls-failed", "medium", "The TLS handshake fails", exc.detail)
    finally:
        peer = conn.peer_ip if conn else None
        if conn is not None:
            res.transcript = conn.transcript[:200]
            conn.close()
    if res.tls_session and not cancelled():
        trusted, why = _trust_check(spec, host, timeout, ca_file, cancelled)
        if res.certificate is not None:
            res.certificate["trusted"] = trusted
            res.certificate["trust_error"] = why
        if not cancelled():
            res.tls_session["legacy_accepted"] = _legacy_check(spec, host, timeout, cancelled)
    if spec.name == "SMTP" and res.status == "ok" and check_ptr:
        _ptr(res, peer, timeout)
    if res.reachable:
        findings.banner_findings(res)
        findings.tls_findings(res)
        findings.access_findings(res)
        findings.ptr_findings(res)
    res.seconds = time.monotonic() - started
    return res


def run_probe(host: str, ports: dict[str, int] | None = None, timeout: float = 8.0, ca_file: str | None = None,
              ctx: JobContext | None = None, check_ptr: bool = True, workers: int = 4) -> ProbeReport:
    """Probe every requested service of ``host``; stream each :class:`ServiceResult` via ``ctx.result``."""
    ctx = ctx or null_context()
    host = normalise_host(host)
    if not 0 < timeout <= 3600:
        raise UserInputError(f"the timeout must be between 0 and 3600 seconds, not {timeout}")
    if ca_file:
        try:
            tlsinfo.verify_context(ca_file)
        except (OSError, ValueError) as exc:
            raise UserInputError(f"cannot use the CA file {ca_file}: {getattr(exc, 'strerror', None) or exc}") from None
    specs = build_specs(ports)
    if not specs:
        raise UserInputError("every port is 0: there is nothing to probe")
    report = ProbeReport(host)
    results: dict[ServiceSpec, ServiceResult] = {}
    ctx.progress(0, len(specs), f"probing {host}")
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="mailprobe")
    try:
        futures = {pool.submit(probe_service, spec, host, timeout, ca_file, ctx.is_cancelled, check_ptr): spec
                   for spec in specs}
        for future in as_completed(futures):
            spec = futures[future]
            res = future.result()
            results[spec] = res
            ctx.result(res)
            ctx.progress(len(results), len(specs), f"{res.label}: {res.status}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    report.services = [results[s] for s in specs if s in results]
    report.cancelled = ctx.is_cancelled()
    findings.overall(report)
    return report
