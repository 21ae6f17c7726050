"""Check one service: the facts dialogue, the login question, trust and retired TLS, each bounded.

The parts run on separate connections, one after the other, so that a slow answer late
in one part never throws away what an earlier part learned: a login answer held back by
a failed-login penalty still leaves the banner, capabilities, STARTTLS offer and
certificate in the report, and the report names the one question that stayed open and
why. Nothing the server does makes this raise.
"""

from __future__ import annotations

import socket
import threading
import time

from sbskit.core.mailprobe import findings, imap, pop3, smtp, tlschecks
from sbskit.core.mailprobe.common import LOGIN_DELAY_ALLOWANCE, login_turn
from sbskit.core.mailprobe.model import QUESTIONS, ServiceResult, ServiceSpec
from sbskit.core.mailprobe.netio import Conn, ProbeError
from sbskit.core.mailprobe.vantage import SAME_ADDRESS, Vantage

DIALOGUES = {"pop3": pop3, "imap": imap, "smtp": smtp}
DEADLINE_FACTOR = 3.0  # the facts dialogue may take this many timeouts in total
FACTS_PLAN = {False: ("greeting", "capabilities", "tls", "after-tls"), True: ("tls", "greeting", "capabilities")}
MAX_TRANSCRIPT = 200


def _settled_without_asking(module, res: ServiceResult, caps: list[str]) -> bool:
    settle = getattr(module, "settled_without_asking", None)
    return bool(settle and settle(res, caps))


def _not_reached(res: ServiceResult, implicit: bool, stopped_at: str) -> None:
    """The questions of the facts plan after the one that broke: not asked."""
    plan = FACTS_PLAN[implicit]
    if stopped_at not in plan:
        return
    for qid in plan[plan.index(stopped_at) + 1 :]:
        if qid in ("tls", "after-tls") and res.starttls_offered is False:
            continue
        res.leave_open(qid, f"not asked: the dialogue stopped at \"{QUESTIONS[stopped_at]}\"")


def _facts(spec: ServiceSpec, host: str, timeout: float, res: ServiceResult, cancelled) -> tuple[list[str] | None, str | None]:
    """(capabilities or None, the server address) after the facts dialogue; records what broke."""
    implicit = spec.tls == "implicit"
    conn: Conn | None = None
    res.asking = "greeting" if not implicit else "tls"
    try:
        conn = Conn(host, spec.port, timeout, time.monotonic() + timeout * DEADLINE_FACTOR, cancelled)
        res.reachable = True
        res.peer_ip, res.local_ip = conn.peer_ip, conn.local_ip
        return DIALOGUES[spec.protocol].facts(conn, res, host, implicit), conn.peer_ip
    except ProbeError as exc:
        if exc.not_reachable and not res.reachable:
            res.status, res.error, res.detail = "not-reachable", exc.kind, exc.detail
            return None, None
        res.error, res.detail = exc.kind, exc.detail
        if exc.kind == "not-tls" and implicit:  # nothing learned: not a TLS mail service here, no weakness of one
            exc.detail = _plain_greeting(spec, host, timeout, cancelled) or exc.detail
            res.detail = exc.detail
            res.add("not-tls", "info", f"No TLS on this port: not a {spec.name} service",
                    f"{exc.detail}. A {spec.name} port starts with TLS; something else answers here (a plain-text "
                    "service, a web server, a wrongly mapped port), so nothing could be checked.")
            res.leave_open("tls", f"not a {spec.name} service: {exc.detail}")
        elif exc.kind in ("tls-failed", "not-tls"):  # after STARTTLS was agreed: a broken TLS service
            res.error = "tls-failed"
            res.add("tls-failed", "medium", "The TLS handshake fails", exc.detail)
        else:
            res.leave_open(res.asking, exc.detail)
        learned = bool(res.banner or res.tls_session)
        if learned:
            _not_reached(res, implicit, res.asking)
        caps_known = FACTS_PLAN[implicit].index(res.asking) > FACTS_PLAN[implicit].index("capabilities")
        return (_raw_caps(res) if caps_known else None), (conn.peer_ip if conn else None)
    finally:
        if conn is not None:
            res.transcript = conn.transcript[:MAX_TRANSCRIPT]
            conn.close()


def _plain_greeting(spec: ServiceSpec, host: str, timeout: float, cancelled) -> str | None:
    """A port that answered a TLS hello in plain text: what does it say on its own, on a fresh connection?

    Mail servers speak first, so a plain POP3/IMAP/SMTP service on a TLS port shows its greeting
    whole here (the failed handshake had swallowed its first bytes); a server that waits for the
    client (HTTP) says nothing, and the caller keeps what the handshake saw.
    """
    wait = min(timeout, 2.0)
    try:
        with Conn(host, spec.port, wait, time.monotonic() + wait, cancelled) as conn:
            line = conn.read_line()
    except ProbeError:
        return None
    shown = "".join(ch for ch in line if ch.isprintable())[:80]
    return f"the port answered without TLS, in plain text: '{shown}'" if shown else None


def _raw_caps(res: ServiceResult) -> list[str]:
    return list(res.capabilities)


def _login(spec: ServiceSpec, host: str, timeout: float, res: ServiceResult, caps: list[str], cancelled,
           allowance: float) -> None:
    """The login question on its own connection, one per host at a time."""
    module = DIALOGUES[spec.protocol]
    if _settled_without_asking(module, res, caps):
        return
    conn: Conn | None = None
    try:
        with login_turn(host, cancelled):
            conn = Conn(host, spec.port, timeout, time.monotonic() + 2 * timeout + allowance, cancelled)
            module.login(conn, res, caps, allowance)
    except ProbeError as exc:
        if res.cleartext_login_before_tls is None:  # a proof seen before the break still stands
            res.leave_open("login", exc.detail)
            res.error, res.detail = res.error or exc.kind, res.detail or f"login question: {exc.detail}"
    finally:
        if conn is not None:
            res.transcript += ["-- the login question, on a new connection --"] + conn.transcript
            res.transcript = res.transcript[:MAX_TRANSCRIPT]
            conn.close()


def _weigh_vantage(res: ServiceResult, where: Vantage) -> None:
    """A password path seen from an address the server trusts is no proof for other clients: the question
    stays open ("could not tell from here"), with what was seen and what to do."""
    if not res.cleartext_login_before_tls or where.login_evidence_counts:
        return
    seen = (res.login_proof or {}).get("seen", "")
    res.login_seen_from_trusted_network, res.login_proof = res.login_proof, None
    res.cleartext_login_before_tls = None
    res.login_test = f"seen from {where.where()} only: {res.login_test}"
    if where.kind == SAME_ADDRESS:
        why = ("this computer is the server itself, and Dovecot treats connections from its own address as secure "
               "(passwords before TLS are allowed there whatever its settings)")
        todo = "test from another machine, ideally outside the network"
    else:
        why = f"that came over {where.where()}, which the server may trust (login_trusted_networks)"
        todo = "test from outside the network, or use --as-outsider if the server does not trust this address"
    res.leave_open("login", f"could not tell from here: the server answered '{seen}', but {why}; {todo}")


def _tls_extras(spec: ServiceSpec, host: str, timeout: float, ca_file: str | None, res: ServiceResult, cancelled) -> None:
    trusted, why = tlschecks.trust_check(spec, host, timeout, ca_file, cancelled, res.client_name)
    if res.certificate is not None:
        res.certificate["trusted"] = trusted
        res.certificate["trust_error"] = why if trusted is False else None
        if trusted is None:
            res.leave_open("trust", why or "the verifying handshake did not finish")
    if cancelled():
        res.leave_open("legacy-tls", "cancelled")
        return
    legacy, open_reason = tlschecks.legacy_check(spec, host, timeout, cancelled, res.client_name)
    res.tls_session["legacy_accepted"] = legacy
    if open_reason:
        res.leave_open("legacy-tls", open_reason)


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
                  cancelled=lambda: False, check_ptr: bool = True,
                  login_allowance: float = LOGIN_DELAY_ALLOWANCE, name: str | None = None,
                  assume_untrusted: bool = False) -> ServiceResult:
    """Check one service; never raises for anything the server does. ``name``: the name clients use;
    ``assume_untrusted``: the user says the server does not trust this address (see :mod:`vantage`)."""
    res = ServiceResult(spec.name, spec.protocol, spec.port, tls="implicit" if spec.tls == "implicit" else "none",
                        client_name=name)
    started = time.monotonic()
    caps, peer = _facts(spec, host, timeout, res, cancelled)
    if not res.reachable:
        res.seconds = time.monotonic() - started
        return res
    if spec.tls != "implicit":
        if caps is not None and not cancelled():
            _login(spec, host, timeout, res, caps, cancelled, login_allowance)
            _weigh_vantage(res, Vantage(res.peer_ip, res.local_ip, assume_untrusted))
        elif res.banner or cancelled():
            res.leave_open("login", "cancelled" if cancelled() else "not asked: the first dialogue stopped before it")
    if res.tls_session and not cancelled():
        _tls_extras(spec, host, timeout, ca_file, res, cancelled)
    if spec.name == "SMTP" and res.banner and check_ptr:
        _ptr(res, peer, timeout)
    if res.open_questions or res.error:
        res.status = "partial" if (res.banner or res.tls_session) else "error"
    else:
        res.status = "ok"
    findings.banner_findings(res)
    findings.tls_findings(res)
    findings.access_findings(res)
    findings.ptr_findings(res)
    res.seconds = time.monotonic() - started
    return res
