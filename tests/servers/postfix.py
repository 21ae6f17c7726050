"""A real Postfix on 127.0.0.1 that can never deliver anything, for the relay and SMTP probe tests.

Every transport is ``discard`` (and the tests never send DATA anyway); ``mynetworks`` makes
it an open relay for loopback or closed to everyone. Postfix 3.7 (Debian 12) and 3.10
(Debian 13) take the same config.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from servers.certs import Certs
from servers.common import MailServer, free_port, need_binary, stop_process, wait_for_greeting, world_readable_tmpdir


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


def postfix_main(d: Path, certs: Certs, open_relay: bool, limits: dict[str, str] | None = None) -> str:
    """main.cf for one fixture. Postfix's own error handling (sleep, soft and hard error
    limits) stays at its defaults unless ``limits`` sets it, as a tarpitting server would.
    A key of ``limits`` that the template already has replaces that line (Postfix would
    warn about a second entry), any other key is added."""
    text = POSTFIX_MAIN.format(d=d, mynetworks="127.0.0.0/8" if open_relay else "192.0.2.0/32",
                               cert=certs.self_cert, key=certs.self_key)
    extra = dict(limits or {})
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        lines.append(f"{key} = {extra.pop(key)}" if key in extra else line)
    return "\n".join(lines) + "\n" + "".join(f"{key} = {value}\n" for key, value in extra.items())


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
