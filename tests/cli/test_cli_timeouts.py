"""Every timeout option of every command refuses 0, negatives and non-numbers: one clear line, exit 2.

The commands are found by walking the real parser, so a new command with a timeout is covered
without touching this test.
"""

from __future__ import annotations

import argparse

import pytest

from sbskit.cli import build_parser, main

BAD = ["0", "-1", "-0.5", "abc", "", "nan", "inf", "3601", "1,5"]


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, path + (name,))
    options = [o for a in parser._actions for o in a.option_strings if "timeout" in o]
    if options:
        positionals = [a for a in parser._actions if not a.option_strings and not isinstance(a, argparse._SubParsersAction)]
        yield path, ["127.0.0.1"] * len(positionals), options


def timeout_options():
    return [(path, args, option) for path, args, options in _walk(build_parser()) for option in options]


def test_every_command_with_a_timeout_is_found():
    found = {(" ".join(path), option) for path, _args, option in timeout_options()}
    assert {("blacklist", "--timeout"), ("maildns", "--timeout"), ("mailprobe", "--timeout"), ("relaytest", "--timeout"),
            ("triage", "--timeout"), ("profile rerun", "--timeout"), ("profile rerun", "--probe-timeout")} <= found


@pytest.mark.parametrize("path,args,option", timeout_options(), ids=lambda v: "-".join(v) if isinstance(v, tuple) else None)
def test_bad_timeouts_are_one_line_exit_2(path, args, option, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SBSKIT_HOME", str(tmp_path))
    for value in BAD:
        code = main([*path, option, value, *args])
        out, err = capsys.readouterr()
        assert code == 2, (path, option, value, err)
        assert out == "" and err.count("\n") == 1 and err.startswith("sbskit-cli: error: "), err
        assert option in err and "Traceback" not in err
        if value in ("0", "-1"):
            assert "more than 0" in err, err
        if value == "abc":
            assert "not a number of seconds: 'abc'" in err, err


def test_as_a_process_too(run_cli):
    proc = run_cli("blacklist", "--timeout", "0", "192.0.2.1")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ("sbskit-cli: error: argument --timeout: timeout must be more than 0 and at most 3600 seconds, "
                           "not 0 (try 'sbskit-cli blacklist --help')\n")
