"""``sbskit-cli mailprobe`` and ``relaytest`` as real subprocesses against real servers."""

from __future__ import annotations

import json
import socket

import pytest

SKIP_SMTP = ["--smtp-port", "0", "--submission-port", "0", "--smtps-port", "0"]
SKIP_ALL_BUT_SMTP = ["--pop3-port", "0", "--pop3s-port", "0", "--imap-port", "0", "--imaps-port", "0",
                     "--submission-port", "0", "--smtps-port", "0"]


def dovecot_args(server) -> list[str]:
    p = server.ports
    return ["--pop3-port", str(p["pop3"]), "--pop3s-port", str(p["pop3s"]), "--imap-port", str(p["imap"]),
            "--imaps-port", str(p["imaps"]), *SKIP_SMTP, "--timeout", "5"]


def test_mailprobe_risky_json_and_exit_1(run_cli, dovecot_risky):
    args = dovecot_args(dovecot_risky) + ["--imap-port", "0", "--imaps-port", "0"]  # IMAP would wait out a delay
    done = run_cli("mailprobe", dovecot_risky.addr, *args, "--json", "--as-outsider")
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert doc["host"] == "127.0.0.2" and doc["risk"] == "high" and doc["complete"] is True
    assert [s["protocol"] for s in doc["services"]] == ["pop3", "pop3"]
    pop3 = doc["services"][0]
    for key in ("protocol", "port", "reachable", "tls", "cleartext_login_before_tls", "capabilities", "banner",
                "certificate", "findings", "login_proof", "open_questions", "starttls_offered", "login_delay_seconds"):
        assert key in pop3
    assert pop3["login_proof"] == {"kind": "pop3-user-accepted", "seen": "USER sbskit-probe-nobody -> +OK"}
    assert pop3["open_questions"] == [] and pop3["starttls_offered"] is True
    assert pop3["port"] == dovecot_risky.ports["pop3"] and pop3["reachable"] is True
    assert pop3["tls"] == "starttls" and pop3["cleartext_login_before_tls"] is True
    assert pop3["certificate"]["self_signed"] is True
    assert any(f["id"] == "cleartext-login" for f in pop3["findings"])
    assert "POP3" in done.stderr  # progress on stderr, stdout is one JSON document


def test_mailprobe_safe_text_exit_0_and_reports(run_cli, dovecot_safe, certs, tmp_path):
    report = tmp_path / "probe.html"
    memo = tmp_path / "memo.html"
    done = run_cli("mailprobe", dovecot_safe.addr, *dovecot_args(dovecot_safe), "--ca-file", str(certs.ca),
                   "--report", str(report), "--memo", str(memo))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "overall risk LOW" in done.stdout
    assert "starttls" in done.stdout and "trusted" in done.stdout
    assert "made-up user" in done.stdout
    assert "overall risk LOW" in report.read_text()
    memo_html = memo.read_text()
    assert "Memo: request to enable POP3" in memo_html and "LOW" in memo_html


def test_mailprobe_memo_pdf(run_cli, tmp_path):
    memo = tmp_path / "memo.pdf"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        done = run_cli("mailprobe", "127.0.0.1", "--pop3-port", str(port), "--pop3s-port", "0", "--imap-port", "0",
                       "--imaps-port", "0", *SKIP_SMTP, "--memo", str(memo))
    assert done.returncode == 3, done.stderr
    assert memo.read_bytes().startswith(b"%PDF")


def test_mailprobe_ipv6_zero_skips_and_unreachable_is_exit_3(run_cli):
    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
        done = run_cli("mailprobe", "[::1]", "--pop3-port", str(port), "--pop3s-port", "0", "--imap-port", "0",
                       "--imaps-port", "0", *SKIP_SMTP, "--json", "--timeout", "2")
    assert done.returncode == 3
    doc = json.loads(done.stdout)
    assert doc["host"] == "::1" and doc["risk"] == "unknown"
    assert [(s["port"], s["reachable"]) for s in doc["services"]] == [(port, False)]


def test_mailprobe_smtp_on_postfix(run_cli, postfix_closed):
    done = run_cli("mailprobe", "127.0.0.1", *SKIP_ALL_BUT_SMTP, "--smtp-port", str(postfix_closed.ports["smtp"]),
                   "--json", "--timeout", "5")
    doc = json.loads(done.stdout)
    (smtp,) = doc["services"]
    assert smtp["protocol"] == "smtp" and smtp["tls"] == "starttls" and smtp["cleartext_login_before_tls"] is False
    assert done.returncode == 1  # self-signed certificate on the fixture: medium


@pytest.mark.parametrize("args,needle", [
    (["mailprobe", "not a host"], "not a host name"),
    (["mailprobe", "x" * 5000], "not a host name"),
    (["mailprobe", "127.0.0.1", "--imap-port", "-1"], "port"),
    (["mailprobe", "127.0.0.1", "--timeout", "0"], "timeout"),
    (["mailprobe", "127.0.0.1", "--ca-file", "/nonexistent/ca.pem"], "CA file"),
    (["mailprobe", "127.0.0.1", "--pop3-port", "0", "--pop3s-port", "0", "--imap-port", "0", "--imaps-port", "0",
      "--smtp-port", "0", "--submission-port", "0", "--smtps-port", "0"], "nothing to probe"),
    (["mailprobe", "127.0.0.1", "--memo", "memo.txt"], ".html or .pdf"),
    (["relaytest", "127.0.0.1", "--mail-from", "not-an-address"], "plain mail address"),
    (["relaytest", "127.0.0.1", "--port", "0"], "port"),
    (["relaytest", "bad/host"], "not a host name"),
    (["relaytest", "[::1]:2525", "--port", "25"], "two different ports"),
    (["mailprobe", "999.1.1.1"], "not an IPv4 address: '999.1.1.1' (999 is more than 255)"),
    (["mailprobe", "1.2.3"], "not an IPv4 address"),
    (["mailprobe", "10.0.0.256"], "256 is more than 255"),
    (["relaytest", "999.1.1.1"], "not an IPv4 address"),
    (["relaytest", "10.0.0.256:2525"], "256 is more than 255"),
    (["relaytest", "127.0.0.1", "--deadline", "0"], "more than 0 and at most 86400"),
])
def test_bad_input_is_one_line_exit_2(run_cli, args, needle):
    done = run_cli(*args)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_relaytest_open_relay_exit_1(run_cli, postfix_open):
    here = run_cli("relaytest", "127.0.0.1", "--port", str(postfix_open.ports["smtp"]), "--timeout", "5")
    assert here.returncode == 3, here.stderr  # Postfix trusts loopback: no verdict from here
    assert "could not tell" in here.stdout.splitlines()[0] and "tested from a trusted network" in here.stdout
    done = run_cli("relaytest", "127.0.0.1", "--port", str(postfix_open.ports["smtp"]), "--json", "--timeout", "5",
                   "--as-outsider")
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert doc["host"] == "127.0.0.1" and doc["port"] == postfix_open.ports["smtp"] and doc["open_relay"] is True
    for key in ("mail_from", "rcpt_to", "reply_code", "reply", "relayed"):
        assert key in doc["attempts"][0]
    assert all(a["relayed"] for a in doc["attempts"])


def test_relaytest_closed_relay_exit_0_text(run_cli, postfix_closed):
    done = run_cli("relaytest", f"127.0.0.1:{postfix_closed.ports['smtp']}",
                   "--mail-from", "boss@example.com", "--rcpt-to", "friend@example.org", "--timeout", "5")
    assert done.returncode == 0, done.stderr
    assert "no relay variant accepted" in done.stdout
    assert "RCPT TO:<friend@example.org>" in done.stdout
    assert "never sends DATA" in done.stdout


def test_garbage_ca_file_is_exit_2(run_cli, tmp_path):
    garbage = tmp_path / "ca.pem"
    garbage.write_bytes(b"\xff\xfe" + bytes(range(256)) * 40)
    done = run_cli("mailprobe", "127.0.0.1", "--ca-file", str(garbage))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot use the CA file" in done.stderr


def test_relaytest_ipv6_host_port_form(run_cli):
    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
        done = run_cli("relaytest", f"[::1]:{port}", "--json", "--timeout", "2")
    assert done.returncode == 3
    doc = json.loads(done.stdout)
    assert (doc["host"], doc["port"], doc["open_relay"], doc["error"]) == ("::1", port, None, "refused")


def test_mailprobe_names_what_stayed_open(run_cli, hostile):
    def greet_then_silent(conn, stop):
        conn.sendall(b"+OK ready\r\n")
        stop.wait(30)

    server = hostile(greet_then_silent)
    args = ["--pop3-port", str(server.port), "--pop3s-port", "0", "--imap-port", "0", "--imaps-port", "0",
            *SKIP_SMTP, "--timeout", "1"]
    done = run_cli("mailprobe", "127.0.0.1", *args, "--json")
    assert done.returncode == 3, done.stderr
    (svc,) = json.loads(done.stdout)["services"]
    assert svc["status"] == "partial" and svc["banner"] == "ready"
    assert [q["id"] for q in svc["open_questions"]] == ["capabilities", "tls", "after-tls", "login"]
    text = run_cli("mailprobe", "127.0.0.1", *args)
    assert text.returncode == 3
    assert "partly checked" in text.stdout and "learned: greeting 'ready'" in text.stdout
    assert f"POP3 ({server.port}): What does it offer before TLS? no complete answer to CAPA within 1 s" in text.stdout


def test_relaytest_drip_is_bounded_by_the_answer_deadline(run_cli, hostile):
    def drip(conn, stop):
        conn.sendall(b"220 ")
        while not stop.wait(0.2):
            conn.sendall(b"x")

    server = hostile(drip)
    done = run_cli("relaytest", f"127.0.0.1:{server.port}", "--timeout", "1", "--json")
    assert done.returncode == 3, done.stderr
    doc = json.loads(done.stdout)
    assert doc["error"] == "timeout" and doc["detail"].startswith("no complete answer to the greeting within 1 s")
    assert doc["deadline_seconds"] == 60 and doc["data_sent"] is False


def test_mailprobe_name_option_checks_the_certificate_against_it(run_cli, dovecot_named, certs):
    args = dovecot_args(dovecot_named) + ["--pop3-port", "0", "--imap-port", "0", "--imaps-port", "0"]
    by_ip = run_cli("mailprobe", dovecot_named.addr, *args, "--ca-file", str(certs.ca))
    assert by_ip.returncode == 0, by_ip.stdout + by_ip.stderr
    assert "name not checked (IP)" in by_ip.stdout and "wrong name" not in by_ip.stdout
    named = run_cli("mailprobe", dovecot_named.addr, *args, "--ca-file", str(certs.ca), "--name", "mail.sbskit.test",
                    "--json")
    assert named.returncode == 0, named.stderr
    doc = json.loads(named.stdout)
    assert doc["name"] == "mail.sbskit.test" and doc["services"][0]["certificate"]["hostname_match"] is True
    bad = run_cli("mailprobe", dovecot_named.addr, *args, "--name", "1.2.3")
    assert bad.returncode == 2 and "not an IPv4 address" in bad.stderr


@pytest.mark.parametrize("args,needle", [
    (["relaytest", "127.0.0.1", "--deadline", "0"], "the deadline must be more than 0 and at most 86400 seconds, not 0"),
    (["relaytest", "127.0.0.1:99999"], "a port is 1-65535, not 99999"),
    (["relaytest", "127.0.0.1", "--port", "70000"], "a port is 1-65535, not 70000"),
    (["mailprobe", "127.0.0.1:110"], "give the port with the port options, e.g. --pop3-port"),
    (["mailprobe", "https://mail.example-sbs.test/owa"], "give the host part only, e.g. mail.example-sbs.test"),
    (["mailprobe", "admin@example-sbs.test"], "that is a mail address; give the mail server's name"),
])
def test_bad_input_messages_say_what_to_give(run_cli, args, needle):
    done = run_cli(*args)
    assert done.returncode == 2 and needle in done.stderr, done.stderr
    assert "timeout" not in done.stderr and "or 0 to skip" not in done.stderr
