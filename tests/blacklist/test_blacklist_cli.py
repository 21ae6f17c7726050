"""``sbskit-cli blacklist`` as a real process against the test BIND: contract keys and exit codes."""

from __future__ import annotations

import json

import pytest
from blacklist_world import CLEAN_IP, LISTED_IP, MAIL_DOMAIN

RESULT_KEYS = {"zone", "status", "codes", "meanings", "txt", "error", "detail", "delist_url"}


def test_listed_exit_1_and_contract_json(bind, run_cli):
    proc = run_cli("blacklist", LISTED_IP, "--resolver", bind.address, "--zone", "zen.spamhaus.org",
                   "--zone", "good.bl.test", "--timeout", "1", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["resolver"] == [bind.address]
    target = doc["targets"][0]
    assert target["target"] == LISTED_IP and target["kind"] == "ipv4"
    for r in target["results"]:
        assert RESULT_KEYS <= set(r)
        assert r["status"] == "listed"
    assert target["fcrdns"] is True


def test_clean_exit_0_and_text(bind, run_cli):
    proc = run_cli("blacklist", CLEAN_IP, "--resolver", bind.address, "--zone", "zen.spamhaus.org", "--no-ptr")
    assert proc.returncode == 0, proc.stderr
    assert "Not listed on the 1 blocklist asked." in proc.stdout
    assert proc.stderr == ""


def test_could_not_answer_exit_3(bind, run_cli):
    proc = run_cli("blacklist", CLEAN_IP, "--resolver", bind.address, "--zone", "slow.bl.test",
                   "--zone", "good.bl.test", "--timeout", "0.5", "--json")
    assert proc.returncode == 3
    doc = json.loads(proc.stdout)
    errors = [r["error"] for r in doc["targets"][0]["results"] if r["status"] == "error"]
    assert errors == ["timeout"]


def test_listed_wins_over_errors(bind, run_cli):
    proc = run_cli("blacklist", LISTED_IP, "--resolver", bind.address, "--zone", "missing.bl.test",
                   "--zone", "good.bl.test", "--timeout", "0.5")
    assert proc.returncode == 1
    assert "LISTED" in proc.stdout and "servfail" in proc.stdout


def test_ipv6_resolver_and_domain_with_mx(bind, run_cli):
    proc = run_cli("blacklist", MAIL_DOMAIN, "--resolver", f"[::1]:{bind.port}", "--zone", "zen.spamhaus.org", "--json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert [t["target"] for t in doc["targets"]][0] == MAIL_DOMAIN
    assert {t["kind"] for t in doc["targets"]} == {"domain", "ipv4", "ipv6"}


@pytest.mark.parametrize("bad,needle", [
    ("999.1.1.1", "larger than 255"), ("1.2.3", "3 parts"), ("junk", "not an IP address"), ("10.0.0.1", "private"),
])
def test_bad_input_exit_2_one_line(run_cli, bad, needle):
    proc = run_cli("blacklist", bad)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [
    ["192.0.2.1", "--resolver", "dns.example"],
    ["192.0.2.1", "--resolver", "127.0.0.1", "--timeout", "0"],
    ["192.0.2.1", "--resolver", "127.0.0.1", "--dqs-key", "x y"],
    [],
])
def test_bad_options_exit_2(run_cli, args):
    proc = run_cli("blacklist", *args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.strip()


def test_list_zones(run_cli):
    proc = run_cli("blacklist", "--list-zones", "--json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert len(doc["zones"]) >= 40
    assert any(d["zone"] == "dnsbl.sorbs.net" for d in doc["dead"])
    text = run_cli("blacklist", "--list-zones").stdout
    assert "dead since 2024-06" in text


def test_html_report(bind, run_cli, tmp_path):
    report = tmp_path / "bl.html"
    proc = run_cli("blacklist", LISTED_IP, "--resolver", bind.address, "--zone", "good.bl.test", "--report", str(report))
    assert proc.returncode == 1
    text = report.read_text(encoding="utf-8")
    assert LISTED_IP in text and "Listings" in text and "What to do" in text
    assert "spam trap hits" in text  # the list's TXT reason


def test_blacklist_run_stays_import_light(bind, isolated_home):
    """The benchmark against pydnsbl counts start-up: no Qt, asyncio, dnspython, logging, dataclasses or pathlib."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, io\n"
        "from sbskit.cli import main\n"
        f"rc = main(['blacklist', '{LISTED_IP}', '--resolver', '{bind.address}', '--zone', 'good.bl.test', '--json'])\n"
        "heavy = sorted(m for m in ('PySide6', 'asyncio', 'dns', 'logging', 'dataclasses', 'inspect', 'typing', 'tomllib',"
        " 'pathlib', 'urllib.parse', 'fnmatch')"
        " if m in sys.modules)\n"
        "print('HEAVY', heavy, rc, file=sys.stderr)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "app"), SBSKIT_HOME=str(isolated_home))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert "HEAVY [] 1" in proc.stderr, proc.stderr


def test_only_the_named_subcommand_is_loaded(bind, isolated_home):
    """Start-up does not grow with the number of subcommands: no other cmd_* module, no shutil."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sbskit.cli import main\n"
        f"rc = main(['blacklist', '{CLEAN_IP}', '--resolver', '{bind.address}', '--zone', 'good.bl.test', '--json'])\n"
        "others = sorted(m for m in sys.modules if m.startswith('sbskit.cli.cmd_') and m != 'sbskit.cli.cmd_blacklist')\n"
        "print('OTHERS', others, 'shutil' in sys.modules, rc, file=sys.stderr)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "app"), SBSKIT_HOME=str(isolated_home))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert "OTHERS [] False 0" in proc.stderr, proc.stderr


def test_dnspython_only_for_the_windows_resolver_list(bind, isolated_home, tmp_path):
    """dnspython is imported in one place (the system resolvers on Windows) and by no CLI run here."""
    import ast
    import os
    import subprocess
    import sys
    from pathlib import Path

    app = Path(__file__).resolve().parents[2] / "app" / "sbskit"
    importers = []
    for path in app.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(n == "dns" or n.startswith("dns.") for n in names):
                importers.append((path.relative_to(app).as_posix(), node.lineno))
    assert [p for p, _line in importers] == ["core/dnsbl/resolvers.py"], importers
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\n")
    report = tmp_path / "bl.html"
    code = (
        "import sys\n"
        "from sbskit.cli import main\n"
        f"main(['blacklist', '{LISTED_IP}', '{MAIL_DOMAIN}', '--resolver', '{bind.address}', '--zone', 'good.bl.test'])\n"
        f"main(['blacklist', '{CLEAN_IP}', '--resolver', '{bind.address}', '--zone', 'good.bl.test', '--report', "
        f"{str(report)!r}])\n"
        "from sbskit.core.dnsbl.resolvers import system_resolvers\n"
        f"assert system_resolvers({str(resolv)!r}) == [('127.0.0.1', 53)]\n"
        "print('DNS', sorted(m for m in sys.modules if m == 'dns' or m.startswith('dns.')), file=sys.stderr)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(app.parent), SBSKIT_HOME=str(isolated_home))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert "DNS []" in proc.stderr, proc.stderr
    assert report.exists()


def test_windows_resolver_list_comes_from_dnspython(monkeypatch):
    """On Windows the registry holds the resolvers; dnspython reads it (here its reader is stood in for)."""
    import sys
    import types

    from sbskit.core.dnsbl import resolvers

    fake = types.ModuleType("dns.resolver")
    fake.Resolver = lambda: types.SimpleNamespace(nameservers=["127.0.0.53", "::1", "not an address"])
    package = types.ModuleType("dns")
    package.resolver = fake
    monkeypatch.setitem(sys.modules, "dns", package)
    monkeypatch.setitem(sys.modules, "dns.resolver", fake)
    monkeypatch.setattr(resolvers.sys, "platform", "win32")
    assert resolvers.system_resolvers() == [("127.0.0.53", 53), ("::1", 53)]
