"""A real Dovecot on 127.0.0.2 for the POP3/IMAP probe tests, configured for the installed version.

Dovecot listens on 127.0.0.2 (the client connects from 127.0.0.1): Dovecot treats a client
whose address equals its own as secure, which would hide the cleartext risk.

Why the config is generated: Dovecot 2.4 (Debian 13) rejects 2.3 syntax (Debian 12) and the
other way round. :func:`dovecot_config` writes the same server in either syntax from one set
of :class:`DovecotOptions`; nothing else in the tests knows the difference. The 2.4 names
follow Dovecot's "Upgrading 2.3 to 2.4" notes: ``dovecot_config_version`` first,
``ssl_server_cert_file`` for ``ssl_cert = <``, ``auth_allow_cleartext`` (the inverse of
``disable_plaintext_auth``), named ``passdb``/``userdb`` blocks with ``passwd_file_path`` and
``fields``, ``mail_driver``/``mail_path`` for ``mail_location``, ``%{user}`` for ``%u``.
"""

from __future__ import annotations

import re
import socket
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from servers.certs import Certs
from servers.common import MailServer, free_port, need_binary, stop_process, wait_for_greeting, world_readable_tmpdir

DOVECOT_ADDR = "127.0.0.2"
USERS_FILE = "alice:{PLAIN}correct-horse-battery::::::\n"


@dataclass(frozen=True)
class DovecotOptions:
    """What a test server looks like, in words that mean the same in every Dovecot version."""

    cert: Path
    key: Path
    ssl_required: bool  # ssl = required (else: offered)
    allow_cleartext: bool  # passwords before TLS
    min_protocol: str = "TLSv1.2"
    ciphers: str = "DEFAULT"
    auth_failure_delay: str | None = None  # None: Dovecot's stock delay (2 s) after a failed login
    auth_penalty: bool = True  # anvil's stock per-address slow-down after failed logins
    mechanisms: str = "plain login"  # auth_mechanisms; without plain/login, IMAP offers no cleartext SASL


def parse_version(text: str) -> tuple[int, int]:
    """``dovecot --version`` output (``2.3.19.1 (9b53102964)``, ``2.4.1-4 (7d8c0e5759)``) -> (2, 3)."""
    match = re.match(r"\s*(\d+)\.(\d+)", text)
    if not match:
        raise ValueError(f"not a Dovecot version: {text!r}")
    return int(match.group(1)), int(match.group(2))


@lru_cache(maxsize=1)
def installed_version() -> tuple[int, int]:
    done = subprocess.run([need_binary("dovecot"), "--version"], capture_output=True, text=True, timeout=30)
    return parse_version(done.stdout)


def dovecot_config(version: tuple[int, int], d: Path, addr: str, ports: dict[str, int], opts: DovecotOptions) -> str:
    """The whole ``dovecot.conf`` for ``version`` (2.3 or 2.4 syntax) with its files under ``d``."""
    v24 = version >= (2, 4)
    lines = ["dovecot_config_version = 2.4.0", "dovecot_storage_version = 2.4.0"] if v24 else []
    lines += [
        f"base_dir = {d}/run",
        f"state_dir = {d}/state",
        f"log_path = {d}/dovecot.log",
        "protocols = pop3 imap",
        f"listen = {addr}",
        "default_internal_user = dovecot",
        "default_login_user = dovenull",
        f"ssl = {'required' if opts.ssl_required else 'yes'}",
    ]
    if v24:
        lines += [f"ssl_server_cert_file = {opts.cert}", f"ssl_server_key_file = {opts.key}"]
    else:
        lines += [f"ssl_cert = <{opts.cert}", f"ssl_key = <{opts.key}"]
    lines += [f"ssl_min_protocol = {opts.min_protocol}", f"ssl_cipher_list = {opts.ciphers}"]
    if v24:
        lines.append(f"auth_allow_cleartext = {'yes' if opts.allow_cleartext else 'no'}")
    else:
        lines.append(f"disable_plaintext_auth = {'no' if opts.allow_cleartext else 'yes'}")
    lines += [f"auth_mechanisms = {opts.mechanisms}", "auth_verbose = yes"]
    if opts.auth_failure_delay is not None:
        lines.append(f"auth_failure_delay = {opts.auth_failure_delay}")
    lines.append("login_greeting = Dovecot ready.")
    if v24:
        lines += [
            "passdb passwd-file {",
            f"  passwd_file_path = {d}/users",
            "}",
            "userdb static {",
            "  fields {",
            "    uid = dovecot",
            "    gid = dovecot",
            f"    home = {d}/mail/%{{user}}",
            "  }",
            "}",
            "mail_driver = maildir",
            f"mail_path = {d}/mail/%{{user}}",
        ]
    else:
        lines += [
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {d}/users",
            "}",
            "userdb {",
            "  driver = static",
            f"  args = uid=dovecot gid=dovecot home={d}/mail/%u",
            "}",
            f"mail_location = maildir:{d}/mail/%u",
        ]
    if not opts.auth_penalty:
        lines += [
            "# no auth penalty: the tests log in (with made-up users) many times from one address",
            "service anvil {",
            "  unix_listener anvil-auth-penalty {",
            "    mode = 0",
            "  }",
            "}",
        ]
    for service, plain, tls in (("pop3-login", "pop3", "pop3s"), ("imap-login", "imap", "imaps")):
        lines += [
            f"service {service} {{",
            f"  inet_listener {plain} {{",
            f"    port = {ports[plain]}",
            "  }",
            f"  inet_listener {tls} {{",
            f"    port = {ports[tls]}",
            "    ssl = yes",
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def options_for(certs: Certs, secure: bool) -> DovecotOptions:
    """The two servers the tests use: a careless one and a careful one.

    Stock behaviour stays on: ``auth_failure_delay`` and the anvil auth penalty are not
    touched, so the probe meets the delays a real server imposes on failed logins.
    """
    if secure:  # TLS required, CA-signed certificate
        return DovecotOptions(cert=certs.server_cert, key=certs.server_key, ssl_required=True,
                              allow_cleartext=False)
    # cleartext logins before TLS, TLS 1.0 accepted, self-signed certificate expiring in 10 days
    return DovecotOptions(cert=certs.self_cert, key=certs.self_key, ssl_required=False, allow_cleartext=True,
                          min_protocol="TLSv1", ciphers="DEFAULT:@SECLEVEL=0")


def start_dovecot(opts: DovecotOptions, addr: str = DOVECOT_ADDR, ports: dict[str, int] | None = None):
    """Start Dovecot on ``addr`` (default 127.0.0.2; 127.0.0.1 is the client's own address, which
    Dovecot treats as secure: the same-host case); ``ports`` (pop3, pop3s, imap, imaps) default to free ones."""
    binary = need_binary("dovecot")
    d = world_readable_tmpdir("sbskit-dovecot-")
    for sub in ("run", "state", "mail"):
        (d / sub).mkdir()
    (d / "users").write_text(USERS_FILE)
    (d / "users").chmod(0o644)
    ports = dict(ports) if ports else {k: free_port(addr) for k in ("pop3", "pop3s", "imap", "imaps")}
    (d / "dovecot.conf").write_text(dovecot_config(installed_version(), d, addr, ports, opts))
    out = open(d / "stdout.txt", "w")
    proc = subprocess.Popen([binary, "-F", "-c", str(d / "dovecot.conf")], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = MailServer(addr, ports, d, d / "dovecot.log", proc)
    try:
        wait_for_greeting(addr, ports["pop3"], proc, d / "stdout.txt")
        warm_up_auth(addr, ports["imaps"])
    except BaseException:
        stop_process(proc)
        out.close()
        raise
    return server, out


def warm_up_auth(addr: str, imaps_port: int) -> None:
    """Dovecot starts its auth process lazily and slowly; make it ready before the probe runs.

    Starts a SASL exchange over TLS and cancels it at the continuation: the auth process
    answers, no credentials are sent, and no failed login feeds Dovecot's penalty.
    """
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((addr, imaps_port), timeout=20) as raw:
        with ctx.wrap_socket(raw) as s:
            s.recv(1000)
            s.sendall(b"w1 AUTHENTICATE PLAIN\r\n")
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = s.recv(1000)
                if not chunk:
                    break
                data += chunk
            s.sendall(b"*\r\n")
            while b"w1 " not in data:
                chunk = s.recv(1000)
                if not chunk:
                    break
                data += chunk


# The user names Dovecot's auth process looked up (auth_verbose), in either version's log format:
# 2.3 "auth: Info: passwd-file(bob,127.0.0.1,<sid>): unknown user",
# 2.4 "auth(bob,127.0.0.1,sasl:plain)<sid>: Info: passwd-file: unknown user".
_AUTH_LOOKUP = re.compile(r"passwd-file\(([^,)]+),|\bauth\(([^,)]+),[^)]*\)(?:<[^>]*>)?: \w+: passwd-file")


def auth_users(log_text: str) -> set[str]:
    """Every user name Dovecot's passwd-file passdb was asked about, from its log."""
    return {a or b for a, b in _AUTH_LOOKUP.findall(log_text)}


def check_config(text: str, where: Path) -> None:
    """Fail with Dovecot's own words when ``doveconf`` rejects ``text`` (written to ``where``)."""
    where.write_text(text)
    done = subprocess.run([need_binary("doveconf"), "-n", "-c", str(where)], capture_output=True, text=True,
                          timeout=60)
    if done.returncode:
        pytest.fail(f"doveconf rejected the generated config:\n{done.stderr[-3000:]}")
