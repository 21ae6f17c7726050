"""The Dovecot config generator: one server description, 2.3 or 2.4 syntax by the installed version.

The installed Dovecot's own ``doveconf`` judges the config for its version (Debian 12: 2.3,
Debian 13: 2.4; CI runs both). The other syntax is held to its version's key names here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from servers.common import need_binary
from servers.dovecot import DovecotOptions, auth_users, check_config, dovecot_config, installed_version, parse_version

PORTS = {"pop3": 1110, "pop3s": 1995, "imap": 1143, "imaps": 1993}
CAREFUL = DovecotOptions(cert=Path("/c/server.pem"), key=Path("/c/server.key"), ssl_required=True,
                         allow_cleartext=False)
CARELESS = DovecotOptions(cert=Path("/c/self.pem"), key=Path("/c/self.key"), ssl_required=False, allow_cleartext=True,
                          min_protocol="TLSv1", ciphers="DEFAULT:@SECLEVEL=0")


@pytest.mark.parametrize("text, expected", [
    ("2.3.19.1 (9b53102964)\n", (2, 3)),
    ("2.4.1-4 (7d8c0e5759)\n", (2, 4)),
    ("2.4.0 (2.4.0)", (2, 4)),
])
def test_version_is_read_from_dovecot_version_output(text, expected):
    assert parse_version(text) == expected


def test_a_version_line_without_a_version_is_refused():
    with pytest.raises(ValueError):
        parse_version("dovecot: command not found")


def _settings(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(\w+) = (.*)$", text, re.MULTILINE))


def test_2_3_syntax():
    text = dovecot_config((2, 3), Path("/d"), "127.0.0.2", PORTS, CARELESS)
    settings = _settings(text)
    assert "dovecot_config_version" not in text and "%{" not in text
    assert settings["ssl_cert"] == "</c/self.pem" and settings["ssl_key"] == "</c/self.key"
    assert settings["disable_plaintext_auth"] == "no"
    assert settings["ssl"] == "yes" and settings["ssl_min_protocol"] == "TLSv1"
    assert settings["mail_location"] == "maildir:/d/mail/%u"
    assert "driver = passwd-file" in text and "args = uid=dovecot gid=dovecot home=/d/mail/%u" in text


def test_2_4_syntax():
    text = dovecot_config((2, 4), Path("/d"), "127.0.0.2", PORTS, CAREFUL)
    settings = _settings(text)
    assert text.startswith("dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n")
    assert settings["ssl_server_cert_file"] == "/c/server.pem" and settings["ssl_server_key_file"] == "/c/server.key"
    assert settings["auth_allow_cleartext"] == "no" and settings["ssl"] == "required"
    for old in ("ssl_cert", "disable_plaintext_auth", "mail_location", "driver", "args"):
        assert old not in settings, old
    assert not re.search(r"%[a-z]", text)  # 2.4 has no one-letter variables
    assert "passdb passwd-file {\n  passwd_file_path = /d/users\n}" in text
    assert settings["mail_driver"] == "maildir" and settings["mail_path"] == "/d/mail/%{user}"


@pytest.mark.parametrize("opts", [CAREFUL, CARELESS], ids=["careful", "careless"])
def test_both_servers_render_the_same_listeners_and_keep_stock_delays(opts):
    for version in ((2, 3), (2, 4)):
        text = dovecot_config(version, Path("/d"), "127.0.0.2", PORTS, opts)
        for port in PORTS.values():
            assert f"    port = {port}\n" in text
        assert text.count("    ssl = yes\n") == 2  # pop3s and imaps
        assert "anvil-auth-penalty" not in text and "auth_failure_delay" not in text  # Dovecot's own delays
    quick = DovecotOptions(cert=opts.cert, key=opts.key, ssl_required=opts.ssl_required,
                           allow_cleartext=opts.allow_cleartext, auth_failure_delay="0", auth_penalty=False)
    for version in ((2, 3), (2, 4)):
        text = dovecot_config(version, Path("/d"), "127.0.0.2", PORTS, quick)
        assert "anvil-auth-penalty" in text and "auth_failure_delay = 0\n" in text


@pytest.mark.servers
@pytest.mark.parametrize("opts", [CAREFUL, CARELESS], ids=["careful", "careless"])
def test_installed_doveconf_accepts_the_config_for_its_version(opts, tmp_path):
    version = installed_version()
    assert version in ((2, 3), (2, 4)), f"Dovecot {version}: teach servers/dovecot.py its syntax"
    check_config(dovecot_config(version, tmp_path, "127.0.0.2", PORTS, opts), tmp_path / "dovecot.conf")


@pytest.mark.servers
def test_installed_doveconf_rejects_the_other_versions_syntax(tmp_path):
    """Proof the generator matters: the installed Dovecot refuses the other syntax."""
    version = installed_version()
    other = (2, 3) if version >= (2, 4) else (2, 4)
    (tmp_path / "dovecot.conf").write_text(dovecot_config(other, tmp_path, "127.0.0.2", PORTS, CAREFUL))
    done = subprocess.run([need_binary("doveconf"), "-n", "-c", str(tmp_path / "dovecot.conf")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, done.stdout[-2000:]


def test_auth_users_reads_both_log_formats():
    log = (
        "Dec 01 15:15:59 auth: Info: passwd-file(sbskit-probe-a,127.0.0.1,<XzRt>): unknown user\n"
        "Dec 01 15:15:59 auth(sbskit-probe-b,127.0.0.1,sasl:plain)<I339AJRh0rF/AAAB>: Info: passwd-file: unknown user\n"
        "Dec 01 15:16:00 pop3-login: Info: Login aborted: (auth_failed): user=<sbskit-probe-c>, method=PLAIN\n"
    )
    assert auth_users(log) == {"sbskit-probe-a", "sbskit-probe-b"}
