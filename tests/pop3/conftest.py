"""Real mail servers on loopback for the POP3-risk tests: Dovecot, Postfix, hostile fakes.

Dovecot listens on 127.0.0.2 (the client connects from 127.0.0.1): Dovecot treats a
client whose address equals its own as secure, which would hide the cleartext risk.
Postfix is configured so it can never deliver anything (every transport ``discard``,
and the tests never send DATA anyway). The small socket servers at the end play only
the hostile cases a real server will not: drip, endless line, garbage, hang, broken TLS.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOVECOT_ADDR = "127.0.0.2"


def free_port(addr: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((addr, 0))
        return s.getsockname()[1]


def need_binary(name: str) -> str:
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not path:
        pytest.fail(f"{name} is not installed: the POP3-risk tests need the real server (apt install {name})")
    return path


def wait_for_greeting(addr: str, port: int, proc: subprocess.Popen, log: Path, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"server exited early ({proc.returncode}); log:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection((addr, port), timeout=1) as s:
                s.settimeout(2)
                if s.recv(100):
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server on {addr}:{port} did not greet in {seconds}s; log:\n{log.read_text(errors='replace')[-3000:]}")


def run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode:
        pytest.fail(f"{' '.join(cmd)} failed: {done.stderr[-2000:]}")


def world_readable_tmpdir(prefix: str) -> Path:
    """Dovecot and Postfix drop privileges, so their files cannot live in pytest's 0700 tmp."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


@dataclass
class Certs:
    dir: Path
    ca: Path  # test CA certificate (what --ca-file gets)
    server_cert: Path  # signed by the CA, names mail.sbskit.test and IP 127.0.0.2
    server_key: Path
    self_cert: Path  # self-signed, CN only, expires in 10 days
    self_key: Path


def make_certs() -> Certs:
    """A test CA, a server certificate it signed, and a self-signed one, all made by ``openssl``."""
    d = world_readable_tmpdir("sbskit-certs-")
    openssl = need_binary("openssl")
    run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "30", "-subj", "/CN=SBS Kit Test CA"], d)
    run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=mail.sbskit.test"], d)
    (d / "san.ext").write_text("subjectAltName=DNS:mail.sbskit.test,IP:127.0.0.2,IP:127.0.0.1\n")
    run([openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "30", "-extfile", "san.ext"], d)
    run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.pem",
         "-days", "10", "-subj", "/CN=oldbox.sbskit.test"], d)
    for f in d.iterdir():
        f.chmod(0o644)
    return Certs(d, d / "ca.pem", d / "server.pem", d / "server.key", d / "self.pem", d / "self.key")


@pytest.fixture(scope="session")
def certs():
    made = make_certs()
    yield made
    shutil.rmtree(made.dir, ignore_errors=True)


@dataclass
class MailServer:
    addr: str
    ports: dict[str, int]
    dir: Path
    log: Path
    proc: subprocess.Popen | None = None
    extra: dict = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def dovecot_config(d: Path, addr: str, ports: dict[str, int], certs: Certs, secure: bool) -> str:
    """The whole dovecot.conf (Dovecot 2.3 syntax) for one fixture; the one place to adapt for 2.4.

    Stock behaviour stays on: ``auth_failure_delay`` (2 s) and the anvil auth penalty are
    not touched, so the probe meets the delays a real server imposes on failed logins.
    """
    cert, key = (certs.server_cert, certs.server_key) if secure else (certs.self_cert, certs.self_key)
    return f"""\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = pop3 imap
listen = {addr}
default_internal_user = dovecot
default_login_user = dovenull
ssl = {"required" if secure else "yes"}
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = {"TLSv1.2" if secure else "TLSv1"}
ssl_cipher_list = {"DEFAULT" if secure else "DEFAULT:@SECLEVEL=0"}
disable_plaintext_auth = {"yes" if secure else "no"}
auth_mechanisms = plain login
auth_verbose = yes
login_greeting = Dovecot ready.
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
mail_location = maildir:{d}/mail/%u
service pop3-login {{
  inet_listener pop3 {{
    port = {ports["pop3"]}
  }}
  inet_listener pop3s {{
    port = {ports["pop3s"]}
    ssl = yes
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {ports["imap"]}
  }}
  inet_listener imaps {{
    port = {ports["imaps"]}
    ssl = yes
  }}
}}
"""


def start_dovecot(certs: Certs, secure: bool):
    binary = need_binary("dovecot")
    d = world_readable_tmpdir("sbskit-dovecot-")
    for sub in ("run", "state", "mail"):
        (d / sub).mkdir()
    (d / "users").write_text("alice:{PLAIN}correct-horse-battery::::::\n")
    (d / "users").chmod(0o644)
    ports = {k: free_port(DOVECOT_ADDR) for k in ("pop3", "pop3s", "imap", "imaps")}
    conf = dovecot_config(d, DOVECOT_ADDR, ports, certs, secure)
    (d / "dovecot.conf").write_text(conf)
    out = open(d / "stdout.txt", "w")
    proc = subprocess.Popen([binary, "-F", "-c", str(d / "dovecot.conf")], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = MailServer(DOVECOT_ADDR, ports, d, d / "dovecot.log", proc)
    try:
        wait_for_greeting(DOVECOT_ADDR, ports["pop3"], proc, d / "stdout.txt")
        warm_up_auth(ports["imaps"])
    except BaseException:
        stop_process(proc)
        raise
    return server, out


def warm_up_auth(imaps_port: int) -> None:
    """Dovecot starts its auth process lazily and slowly; make it ready before the probe runs.

    Starts a SASL exchange over TLS and cancels it at the continuation: the auth process
    answers, no credentials are sent, and no failed login feeds Dovecot's penalty.
    """
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection((DOVECOT_ADDR, imaps_port), timeout=20) as raw:
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


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture(scope="session")
def dovecot_risky(certs):
    """Cleartext logins allowed before TLS, TLS 1.0 accepted, self-signed certificate expiring in 10 days."""
    server, out = start_dovecot(certs, secure=False)
    yield server
    stop_process(server.proc)
    out.close()
    shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_safe(certs):
    """TLS required (``ssl = required``, ``disable_plaintext_auth = yes``), CA-signed certificate."""
    server, out = start_dovecot(certs, secure=True)
    yield server
    stop_process(server.proc)
    out.close()
    shutil.rmtree(server.dir, ignore_errors=True)


def postfix_main(d: Path, certs: Certs, open_relay: bool, limits: dict[str, str] | None = None) -> str:
    """main.cf for one fixture. Postfix's own error handling (sleep, soft and hard error
    limits) stays at its defaults unless ``limits`` sets it, as a tarpitting server would."""
    text = POSTFIX_MAIN.format(d=d, mynetworks="127.0.0.0/8" if open_relay else "192.0.2.0/32",
                               cert=certs.self_cert, key=certs.self_key)
    return text + "".join(f"{key} = {value}\n" for key, value in (limits or {}).items())


POSTFIX_MAIN = """\
compatibility_level = 3.6
queue_directory = {d}/queue
data_directory = {d}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = relay.sbskit.test
mydomain = sbskit.test
mydestination = $myhostname, localhost
mynetworks = {mynetworks}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
alias_maps =
alias_database =
local_recipient_maps = proxy:unix:passwd.byname
default_transport = discard
relay_transport = discard
local_transport = discard
virtual_transport = discard
maillog_file = /dev/stdout
smtpd_banner = $myhostname ESMTP
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
biff = no
notify_classes =
"""

POSTFIX_MASTER = """\
127.0.0.1:{smtp} inet n - n - - smtpd
127.0.0.1:{smtps} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
tlsmgr    unix  - - n 1000? 1 tlsmgr
"""


def start_postfix(certs: Certs, open_relay: bool, limits: dict[str, str] | None = None):
    binary = need_binary("postfix")
    d = world_readable_tmpdir("sbskit-postfix-")
    (d / "conf").mkdir()
    (d / "queue").mkdir()
    (d / "data").mkdir()
    shutil.chown(d / "data", "postfix")
    ports = {"smtp": free_port(), "smtps": free_port()}
    (d / "conf" / "main.cf").write_text(postfix_main(d, certs, open_relay, limits))
    (d / "conf" / "master.cf").write_text(POSTFIX_MASTER.format(**ports))
    log = d / "maillog.txt"
    out = open(log, "w")
    proc = subprocess.Popen([binary, "-c", str(d / "conf"), "start-fg"], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = MailServer("127.0.0.1", ports, d, log, proc)
    try:
        wait_for_greeting("127.0.0.1", ports["smtp"], proc, log, seconds=30)
    except BaseException:
        stop_postfix(server)
        raise
    return server, out


def stop_postfix(server: MailServer) -> None:
    subprocess.run([need_binary("postfix"), "-c", str(server.dir / "conf"), "stop"], capture_output=True, timeout=30)
    try:
        server.proc.wait(15)
    except subprocess.TimeoutExpired:
        pass
    stop_process(server.proc)


@pytest.fixture(scope="session")
def postfix_open(certs):
    yield from _postfix_fixture(certs, True)


@pytest.fixture(scope="session")
def postfix_closed(certs):
    yield from _postfix_fixture(certs, False)


def _postfix_fixture(certs, open_relay: bool, limits: dict[str, str] | None = None):
    server, out = start_postfix(certs, open_relay, limits)
    server.extra.update(limits or {})
    yield server
    stop_postfix(server)
    out.close()
    shutil.rmtree(server.dir, ignore_errors=True)


TARPIT_SECONDS = 5


@pytest.fixture(scope="session")
def postfix_tarpit(certs):
    """A closed relay that tarpits like Exchange: after the first error every reply waits 5 s."""
    yield from _postfix_fixture(certs, False, {"smtpd_error_sleep_time": f"{TARPIT_SECONDS}s",
                                               "smtpd_soft_error_limit": "1", "smtpd_hard_error_limit": "100"})


@pytest.fixture(scope="session")
def postfix_hangup(certs):
    """A closed relay that ends the session after 3 errors (421), without sleeping."""
    yield from _postfix_fixture(certs, False, {"smtpd_error_sleep_time": "0", "smtpd_soft_error_limit": "10",
                                               "smtpd_hard_error_limit": "3"})


# ---- hostile fakes ---------------------------------------------------------------


class HostileServer:
    """A loopback TCP server whose every connection runs ``behaviour(conn, stop)`` in a thread."""

    def __init__(self, behaviour, addr: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((addr, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.connections = 0
        self.threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            t.start()
            self.threads.append(t)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        try:
            self.behaviour(conn, self.stop)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for t in self.threads:
            t.join(5)
        self.sock.close()


@pytest.fixture
def hostile():
    servers: list[HostileServer] = []

    def make(behaviour, addr: str = "127.0.0.1") -> HostileServer:
        server = HostileServer(behaviour, addr)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
