"""The headline a sweep leads with, the same in the JSON, the CLI (text and exit code) and the report.

Resolvers that answer nothing useful are real BIND processes (``bad_resolvers.py``):
the headline must blame the resolver once, first, with what to do, and never lead with
"Not listed"; an allow-list answering is no evidence about blocklists; Cancel never
turns lookups that did not run into timeouts.
"""

from __future__ import annotations

import json
import socket

import pytest
from bad_resolvers import ALLOWED_IP, VIEWS
from blacklist_world import CLEAN_IP, LISTED_IP

from sbskit.core.dnsbl.engine import Options, Sweep, check
from sbskit.core.dnsbl.render import render_text
from sbskit.core.dnsbl.summary import exit_code
from sbskit.core.jobs import Cancelled, JobContext

ROW_WORDS = {"refusing": "refused", "hiding": "blocked-resolver", "servfail": "servfail", "rewriting": "blocked-resolver"}
WHY = {"refusing": "refuses queries", "hiding": "own test entries are not listed", "servfail": "SERVFAIL",
       "rewriting": "names that do not exist"}


@pytest.mark.parametrize("view", VIEWS)
def test_a_resolver_that_cannot_reach_the_lists_is_said_once_first(bad_resolvers, view):
    doc = check([ALLOWED_IP], Options(resolvers=[bad_resolvers.address_of(view)], timeout=1.0, reverse_dns=False))
    headline = doc["headline"]
    assert headline.startswith("Your resolver (") and "cannot reach the blocklists" in headline
    assert WHY[view] in headline and "Use another resolver" in headline and "DQS key" in headline
    assert headline.count("cannot reach the blocklists") == 1 and "Not listed" not in headline
    assert doc["summary"]["verdict"] == "resolver-problem" and exit_code(doc["summary"]) == 3
    assert doc["resolver_problem"]["failing"] == doc["resolver_problem"]["blocklists"] >= 25
    errors = {r["error"] for r in doc["targets"][0]["results"] if r["list_kind"] == "blocklist"}
    assert errors == {ROW_WORDS[view]}  # never eleven lists called "zone-broken"
    text = render_text(doc).splitlines()
    assert text[2].startswith("Your resolver (")  # first after the resolver line
    assert sum("cannot reach the blocklists" in line for line in text) == 1


def test_an_allow_list_answering_is_not_evidence_of_not_listed(bad_resolvers):
    doc = check([ALLOWED_IP], Options(resolvers=[bad_resolvers.address_of("hiding")], timeout=1.0, reverse_dns=False))
    allow = [r for r in doc["targets"][0]["results"] if r["zone"] == "list.dnswl.org"]
    assert allow[0]["status"] == "listed" and allow[0]["verdict"] == "good"
    assert "they say nothing about blocklists" in doc["headline"]
    assert "Not listed" not in doc["headline"]


def test_a_resolver_that_never_answers(bind):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        doc = check([CLEAN_IP], Options(resolvers=[address], zones=["good.bl.test", "zen.spamhaus.org", "dom.bl.test"],
                                        timeout=0.6, reverse_dns=False))
    assert doc["summary"]["verdict"] == "resolver-problem"
    assert doc["headline"].startswith(f"Your resolver ({address}) cannot reach the blocklists: it does not answer.")
    assert {r["error"] for r in doc["targets"][0]["results"]} == {"timeout"}


def test_one_working_list_clears_the_resolver(bind):
    doc = check([CLEAN_IP], Options(resolvers=[bind.address], timeout=0.8, reverse_dns=False,
                                    zones=["missing.bl.test", "closed.bl.test", "empty.bl.test", "wild.bl.test",
                                           "good.bl.test"]))
    assert doc["resolver_problem"] is None
    assert doc["summary"]["verdict"] == "could-not-tell" and exit_code(doc["summary"]) == 3
    assert doc["headline"].startswith("Could not tell: 4 of the 5 blocklists could not answer")
    assert "not listed on the 1 that answered" in doc["headline"]
    assert {r["error"] for r in doc["targets"][0]["results"]} == {None, "servfail", "refused", "zone-broken"}


def test_only_allow_lists_asked_is_could_not_tell(bind):
    doc = check([LISTED_IP], Options(resolvers=[bind.address], zones=["list.dnswl.org"], timeout=1.0,
                                     reverse_dns=False))
    assert doc["summary"]["verdict"] == "could-not-tell"
    assert doc["headline"].startswith("Could not tell: no blocklist was asked")


def test_every_blocklist_answering_is_not_listed_even_if_an_allow_list_did_not(bind):
    doc = check([CLEAN_IP], Options(resolvers=[bind.address], zones=["good.bl.test", "zen.spamhaus.org",
                                                                      "list.dnswl.org"], timeout=1.0, reverse_dns=False))
    allow = [r for r in doc["targets"][0]["results"] if r["zone"] == "list.dnswl.org"][0]
    assert allow["status"] == "clean"  # not on the allow-list: no evidence either way about blocklists
    assert doc["summary"]["verdict"] == "not-listed" and exit_code(doc["summary"]) == 0
    assert doc["headline"] == "Not listed on any of the 2 blocklists."


def test_cli_exit_3_json_and_report_agree(bad_resolvers, run_cli, tmp_path):
    report = tmp_path / "report.html"
    proc = run_cli("blacklist", ALLOWED_IP, "--resolver", bad_resolvers.address_of("hiding"), "--timeout", "1",
                   "--no-ptr", "--json", "--report", str(report))
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["verdict"] == "resolver-problem" and doc["headline"].startswith("Your resolver (")
    html = report.read_text(encoding="utf-8")
    first = html.index("cannot reach the blocklists")
    assert html.count("cannot reach the blocklists") == 1 and first < html.index("Checked:")
    text = run_cli("blacklist", ALLOWED_IP, "--resolver", bad_resolvers.address_of("refusing"), "--timeout", "1",
                   "--no-ptr")
    assert text.returncode == 3 and text.stdout.splitlines()[2].startswith("Your resolver (")


def test_cancel_counts_lookups_that_never_ran_as_not_asked(bind):
    streamed = []

    def cancel_after_some():
        return sum(1 for item in streamed if item["type"] == "result") >= 40

    ctx = JobContext(result=streamed.append, is_cancelled=cancel_after_some)
    sweep = Sweep("192.0.2.0/24", Options(resolvers=[bind.address], zones=["good.bl.test", "slow.bl.test"], timeout=10,
                                          reverse_dns=False))
    with pytest.raises(Cancelled):
        sweep.run(ctx)
    results = [item for item in streamed if item["type"] == "result"]
    assert results and all(item["error"] != "timeout" for item in results)
    assert all(item["zone"] == "good.bl.test" for item in results)  # the dropped zone never answered, never "ran"
    counts = [item for item in streamed if item["type"] == "cancelled"]
    total = 2 * len(sweep.targets)  # every address on both lists
    assert counts == [{"type": "cancelled", "ran": len(results), "not_asked": total - len(results), "total": total}]
