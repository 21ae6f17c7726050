"""Second and third handshakes with a service: is its certificate trusted, does it still take TLS 1.0/1.1?

The probe's own dialogue accepts any certificate so it can always look at it; trust and
retired protocols are asked on fresh connections, each bounded by its own deadline.
Each check answers (value, why it stayed open): a broken connection is an open question,
never a "no".
"""

from __future__ import annotations

import time

from sbskit.core.mailprobe import smtp, tlsinfo
from sbskit.core.mailprobe.common import CLIENT_NAME, sni_name
from sbskit.core.mailprobe.model import ServiceSpec
from sbskit.core.mailprobe.netio import Conn, ProbeError

# A legacy handshake that fails like this means "not accepted", which is an answer.
REFUSED_KINDS = ("tls-failed", "closed", "untrusted")


def tls_ready(spec: ServiceSpec, host: str, timeout: float, cancelled) -> Conn:
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


def trust_check(spec: ServiceSpec, host: str, timeout: float, ca_file: str | None,
                cancelled, name: str | None = None) -> tuple[bool | None, str | None]:
    """A handshake with a verifying context: (trusted, why not / why unknown); SNI names ``name`` or ``host``."""
    try:
        with tls_ready(spec, host, timeout, cancelled) as conn:
            conn.start_tls(tlsinfo.verify_context(ca_file), sni_name(name or host))
            return True, None
    except ProbeError as exc:
        if exc.kind == "untrusted":
            return False, exc.detail
        return None, exc.detail
    except (OSError, ValueError) as exc:  # e.g. an unreadable CA file
        return None, str(exc)


def legacy_check(spec: ServiceSpec, host: str, timeout: float, cancelled,
                 name: str | None = None) -> tuple[str | None, str | None]:
    """(the retired protocol the server still accepts or None, why the question stayed open or None)."""
    ctx = tlsinfo.legacy_context()
    if ctx is None:
        return None, "this computer's OpenSSL cannot offer TLS 1.0 or 1.1, so it cannot ask"
    try:
        with tls_ready(spec, host, timeout, cancelled) as conn:
            conn.start_tls(ctx, sni_name(name or host))
            tls = conn.tls_socket
            return (tls.version() if tls is not None else None), None
    except ProbeError as exc:
        if exc.kind in REFUSED_KINDS:
            return None, None
        return None, exc.detail
    except (OSError, ValueError) as exc:
        return None, str(exc)
