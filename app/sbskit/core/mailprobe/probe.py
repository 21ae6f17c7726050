"""Run the whole exposure probe: every requested port, in parallel, each one bounded.

Each service is checked by :func:`service.probe_service` within its own deadlines, so a
server that hangs or drips cannot stall the run; a refused or filtered port is "not
reachable", which is an answer, not an error. Login questions to one host take turns
(see :mod:`common`). Results stream through ``ctx.result`` as they finish.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import JobContext, null_context
from sbskit.core.mailprobe import findings, tlsinfo
from sbskit.core.mailprobe.common import LOGIN_DELAY_ALLOWANCE
from sbskit.core.mailprobe.hosts import check_port, normalise_host
from sbskit.core.mailprobe.model import ProbeReport, ServiceResult, ServiceSpec
from sbskit.core.mailprobe.service import DEADLINE_FACTOR, probe_service
from sbskit.core.mailprobe.vantage import Vantage

__all__ = ["DEFAULT_PORTS", "SPEC_TEMPLATES", "DEADLINE_FACTOR", "build_specs", "check_port", "normalise_host",
           "probe_service", "run_probe"]

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


def run_probe(host: str, ports: dict[str, int] | None = None, timeout: float = 8.0, ca_file: str | None = None,
              ctx: JobContext | None = None, check_ptr: bool = True, workers: int = 4,
              login_allowance: float = LOGIN_DELAY_ALLOWANCE, name: str | None = None,
              assume_untrusted: bool = False) -> ProbeReport:
    """Probe every requested service of ``host``; stream each :class:`ServiceResult` via ``ctx.result``.

    ``name``: the name mail clients use for the server (checked against the certificates
    and sent as SNI); without it a probe by IP address cannot check the certificate's name.
    ``assume_untrusted``: the user says the server does not trust this computer's address
    (``--as-outsider``); without it, a "yes" seen from a trusted address is no proof (:mod:`vantage`).
    """
    ctx = ctx or null_context()
    host = normalise_host(host)
    name = normalise_host(name) if name and name.strip() else None
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
    report = ProbeReport(host, name=name)
    results: dict[ServiceSpec, ServiceResult] = {}
    ctx.progress(0, len(specs), f"probing {host}")
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="mailprobe")
    try:
        futures = {pool.submit(probe_service, spec, host, timeout, ca_file, ctx.is_cancelled, check_ptr,
                               login_allowance, name, assume_untrusted): spec for spec in specs}
        for future in as_completed(futures):
            spec = futures[future]
            res = future.result()
            results[spec] = res
            ctx.result(res)
            ctx.progress(len(results), len(specs), f"{res.label}: {res.status}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    report.services = [results[s] for s in specs if s in results]
    seen = next((s for s in report.services if s.peer_ip), None)
    report.vantage = Vantage(seen.peer_ip if seen else None, seen.local_ip if seen else None, assume_untrusted)
    report.cancelled = ctx.is_cancelled()
    findings.overall(report)
    return report
