"""The CLI as a one-shot process: what it skips to be fast, and that skipping changes nothing it says.

``sbskit-cli`` is benchmarked against pydnsbl as whole processes. A one-shot process runs
the sweep with Python's cycle collector off and freezes every object on the way out (no
last full collection), keeps no answers for later sweeps, and writes its JSON with one
reused C encoder. Called in-process (the window, tests), ``main`` leaves the collector as
it found it and the output is the same text.
"""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from blacklist_world import CLEAN_IP, LISTED_IP

from sbskit.cli import cmd_blacklist, main
from sbskit.core.dnsbl import transport
from sbskit.core.dnsbl.engine import Options, Sweep

ROOT = Path(__file__).resolve().parents[2]


def _sweep_args(bind) -> list[str]:
    return ["blacklist", LISTED_IP, CLEAN_IP, "--resolver", bind.address, "--zone", "good.bl.test",
            "--zone", "zen.spamhaus.org", "--json"]


@pytest.mark.parametrize("enabled_before", [True, False])
def test_in_process_main_leaves_the_collector_as_it_found_it(bind, isolated_home, enabled_before):
    was = gc.isenabled()
    try:
        (gc.enable if enabled_before else gc.disable)()
        with redirect_stdout(io.StringIO()) as out:
            code = main(_sweep_args(bind))
        assert code == 1
        listed = {t["target"] for t in json.loads(out.getvalue())["targets"]
                  if any(r["status"] == "listed" for r in t["results"])}
        assert listed == {LISTED_IP}
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()


def test_the_console_entry_freezes_instead_of_collecting_at_exit(bind, isolated_home):
    code = ("import gc, sys\n"
            "from sbskit.cli import console_main\n"
            "rc = console_main()\n"
            "sys.stdout.flush()\n"
            "print('FROZEN', gc.get_freeze_count() > 1000, 'COLLECTING', gc.isenabled(), rc, file=sys.stderr)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "app"), SBSKIT_HOME=str(isolated_home))
    proc = subprocess.run([sys.executable, "-c", code, *_sweep_args(bind)], capture_output=True, text=True,
                          timeout=60, env=env)
    assert "FROZEN True COLLECTING False 1" in proc.stderr, proc.stderr
    doc = json.loads(proc.stdout)  # the whole document was written before the process ended
    assert {t["target"] for t in doc["targets"]} == {LISTED_IP, CLEAN_IP}


def test_every_way_of_starting_the_cli_is_the_one_shot_entry():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["sbskit-cli"] == "sbskit.cli:console_main"
    for entry in (ROOT / "app" / "sbskit" / "cli" / "__main__.py", ROOT / "packaging" / "entry_cli.py"):
        text = entry.read_text(encoding="utf-8")
        assert "raise SystemExit(console_main())" in text, entry


def test_a_cli_sweep_keeps_no_answers_and_the_window_s_sweep_does(bind):
    options = dict(resolvers=[bind.address], zones=["good.bl.test"], reverse_dns=False)
    Sweep([LISTED_IP], Options(**options, share_answers=False)).run()
    assert len(transport._CACHE) == 0
    first = Sweep([LISTED_IP], Options(**options)).run()
    assert len(transport._CACHE) > 0
    again = Sweep([LISTED_IP], Options(**options)).run()
    assert "(cached answer)" not in json.dumps(first) and again["targets"][0]["results"][0]["status"] == "listed"


def test_the_reused_encoder_writes_what_json_dumps_writes(bind, monkeypatch):
    doc = Sweep([LISTED_IP, CLEAN_IP, "2001:db8::1"], Options(resolvers=[bind.address], timeout=1)).run()
    doc["targets"][0]["results"][0]["detail"] += ' "quoted", tab\t, é, \u2028, \\ and \x00'
    fast = cmd_blacklist.dumps_lines(doc)
    assert json.loads(fast) == doc
    for line in fast.split("\n"):  # each result line is exactly json.dumps of that result (U+2028 stays raw)
        body = line.strip().rstrip(",")
        if body.startswith('{"zone"'):
            assert body == json.dumps(json.loads(body), ensure_ascii=False)
    from json import encoder

    monkeypatch.setattr(encoder, "c_make_encoder", None)  # a Python without the C encoder
    assert cmd_blacklist.dumps_lines(doc) == fast
