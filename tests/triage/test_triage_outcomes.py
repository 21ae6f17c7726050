"""Healthy only on evidence that covers enough; everything less is 'not enough evidence' with reasons.

Also: the plan follows the Exchange version the evidence shows (or lists each version's
command), the verdict is the same in the JSON, the text, the report and the history fact.
"""

from __future__ import annotations

import json
import random
from datetime import datetime

from sbskit.core.profiles.kinds import ERROR, OK, PROBLEM, extract
from sbskit.core.report import render_html
from sbskit.core.triage import Answers, analyse
from sbskit.core.triage import samples as S
from sbskit.core.triage.live import LiveChecks
from sbskit.core.triage.render import make_report, to_text
from sbskit.core.triage.tally import Span, covered_hours, make_span, parse_times
from triage_fixtures import backscatter, config_error, healthy


def test_healthy_rests_on_what_it_covers(evidence_dir):
    result = analyse(healthy(evidence_dir))
    assert result.outcome == "healthy" and result.exit_code == 0
    cov = result.coverage
    assert cov.hours >= 8 and cov.messages >= 20 and cov.failures == 0 and cov.queued == 1
    assert result.rests_on.startswith(f"{cov.hours:.1f} h of delivery logs (27 Nov 2026 06:00")
    assert "167 messages sent out to remote hosts (233 more delivered here), 0.0% failures, no failure bursts" in result.rests_on
    assert "all queues near empty (1 message(s), the biggest 1)" in result.rests_on


def _with_queue(folder, count, status="Retry"):
    rows = [{"Identity": "SBS01\\9", "DeliveryType": "DnsConnectorDelivery", "Status": status, "MessageCount": count,
             "NextHopDomain": "partner.example.com"}]
    return S.write_text(folder / "more-queues.csv", S.queue_export(rows))


def test_a_long_queue_spoils_healthy(evidence_dir):
    result = analyse(healthy(evidence_dir) + [_with_queue(evidence_dir, 40)])
    assert result.outcome == "not_enough_evidence" and result.exit_code == 3
    assert any("wait in the queues" in g for g in result.coverage.gaps)


def test_an_unreadable_file_spoils_healthy(evidence_dir):
    bad = evidence_dir / "screenshot.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = analyse(healthy(evidence_dir) + [bad])
    assert result.outcome == "not_enough_evidence"
    assert "screenshot.png could not be read" in result.coverage.gaps


def test_what_the_admin_reports_must_be_explained(evidence_dir):
    result = analyse(healthy(evidence_dir), Answers({"queues_long": "yes"}))
    assert result.outcome == "not_enough_evidence"
    assert any("you report long queues" in g for g in result.coverage.gaps)


def test_a_short_log_is_not_enough(evidence_dir):
    log = S.TrackingLog("2016", seed=4, gap=2.0)
    log.normal_traffic(200)  # plenty of mail, but only minutes of it
    result = analyse([S.write_text(evidence_dir / "MSGTRK.LOG", log.lines)])
    assert result.outcome == "not_enough_evidence" and result.findings == []
    assert any("at least a working day" in g for g in result.coverage.gaps)
    assert result.verdict().startswith("Not enough evidence to tell (the delivery logs cover only")


def test_a_failure_burst_is_not_healthy(evidence_dir):
    log = S.TrackingLog("2016", seed=5, gap=90.0)
    log.normal_traffic(300)
    rng = random.Random(5)
    log.clock.now = datetime(2026, 11, 27, 9, 0, 0, tzinfo=log.clock.now.tzinfo)
    for _ in range(25):  # one hour of deferrals to one busy receiver
        log.add("DEFER", "SMTP", "anna@smallbiz.example", [f"x{rng.randint(1, 999)}@busy.example"],
                status="451 4.7.500 Server busy. Please try again later from [198.51.100.7]. (AS843)")
    log.lines.sort(key=lambda line: line if line.startswith("#") else "~" + line)
    result = analyse([S.write_text(evidence_dir / "MSGTRK.LOG", log.lines)])
    assert result.outcome == "not_enough_evidence"
    assert result.coverage.burst is not None and result.coverage.burst[1] == 25
    assert any("burst of 25 delivery failures" in g for g in result.coverage.gaps)
    assert next(r for r in result.replies if r["pattern"] == "remote_busy")["count"] == 25


def test_an_incomplete_live_check_is_not_healthy(evidence_dir):
    doc = {"resolver": [], "targets": [{"target": "198.51.100.7", "kind": "ipv4", "results": [
        {"zone": "zen.spamhaus.org", "status": "error", "codes": [], "meanings": [], "txt": [], "error": "timeout",
         "detail": "no answer", "delist_url": ""}]}]}
    result = analyse(healthy(evidence_dir), live=LiveChecks(blacklist=doc))
    assert result.outcome == "not_enough_evidence" and result.exit_code == 3
    assert "a live check could not be completed" in result.coverage.gaps


def test_a_live_listing_alone_is_a_cause(evidence_dir):
    doc = {"resolver": [], "targets": [{"target": "198.51.100.7", "kind": "ipv4", "results": [
        {"zone": "bl.spamcop.net", "status": "listed", "verdict": "bad", "category": "spam-source",
         "codes": ["127.0.0.2"], "meanings": ["listed"], "txt": [],
         "error": None, "detail": "", "delist_url": ""}]}]}
    result = analyse([], Answers(), live=LiveChecks(blacklist=doc))
    assert result.outcome == "cause" and result.findings[0].cause == "blocklisted"
    assert "listed now on" in result.findings[0].summary


def test_the_plan_follows_the_version_in_the_headers(evidence_dir):
    result = analyse(backscatter(evidence_dir))  # Exchange 2010 headers
    assert result.platform.id == "exchange-2010"
    plan = result.findings[0].plan
    assert all(not step["alternatives"] for step in plan)
    assert "Set-RemoteDomain Default -NDREnabled $false" in plan[0]["command"]


def test_without_a_version_each_version_gets_its_command(evidence_dir):
    (queues,) = [p for p in config_error(evidence_dir) if p.suffix == ".csv"]
    result = analyse([queues])
    assert result.platform.id == "exchange" and result.exchange_version is None
    step = next(s for s in result.findings[0].plan if s["title"].startswith("Retry the queues"))
    assert step["command"] == ""
    keys = [k for alt in step["alternatives"] for k in alt["keys"]]
    assert {"2007", "2010", "2013"} <= set(keys)
    chosen = analyse([queues], exchange_version="2007")
    retry = next(s for s in chosen.findings[0].plan if s["title"].startswith("Retry the queues"))
    assert retry["command"] == "Get-Queue | Where-Object {$_.Status -eq 'Retry'} | Retry-Queue" and not retry["alternatives"]


def test_exchange_se_is_named_from_its_build(evidence_dir):
    log = S.TrackingLog("2016", seed=6)
    log.lines[1] = "#Version: 15.02.2562.017"
    log.normal_traffic(10)
    result = analyse([S.write_text(evidence_dir / "MSGTRK.LOG", log.lines)])
    assert result.platform.id == "exchange-se" and result.platform.name == "Exchange Server SE"


def test_own_domain_refused_as_relay_is_a_configuration_error(evidence_dir):
    recv = S.ReceiveLog(seed=7)
    for i in range(4):
        recv.inbound(f"203.0.113.{10 + i}", f"client{i}@partner.example",
                     [("sales@smallbiz.example", "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain")])
    result = analyse([S.write_text(evidence_dir / "RECV.LOG", recv.lines)])
    top = result.findings[0]
    assert result.outcome == "cause" and top.cause == "configuration_error"
    assert "own domain smallbiz.example" in top.summary and "not an open relay" in top.summary
    step = next(s for s in top.plan if "accepted domains" in s["title"])
    assert "New-AcceptedDomain -Name 'smallbiz.example'" in step["command"]
    assert result.scores["open_relay"]["confidence"] < 0.35


def test_the_same_verdict_everywhere(run_cli, evidence_dir, tmp_path):
    files = config_error(evidence_dir)
    args = ["triage", *[a for f in files for a in ("--evidence", str(f))]]
    as_json = run_cli(*args, "--json")
    doc = json.loads(as_json.stdout)
    report = tmp_path / "triage.html"
    as_text = run_cli(*args, "--report", str(report))
    assert as_json.returncode == as_text.returncode == 1
    assert as_text.stdout.splitlines()[0] == doc["verdict"]
    html = report.read_text(encoding="utf-8")
    assert "Cause found." in html and doc["verdict"].replace("'", "&#x27;") in html
    assert "What the evidence says" in html and "Smart host refuses the logon" in html
    (fact,) = extract("triage", doc)
    assert (fact.item, fact.status, fact.state, fact.detail) == ("outcome", "cause found", PROBLEM, doc["verdict"])


def test_history_facts_never_call_not_enough_evidence_clean(evidence_dir):
    healthy_doc = analyse(healthy(evidence_dir)).as_dict()
    assert extract("triage", healthy_doc)[0].state == OK
    thin = analyse([], Answers({"queues_long": "yes"})).as_dict()
    (fact,) = extract("triage", thin)
    assert (fact.target, fact.state) == ("mail flow", ERROR)  # every triage of a client compares across visits
    old = {"inputs": [], "findings": []}  # a document from before outcomes existed
    assert extract("triage", old)[0].state == ERROR


def test_text_and_report_show_what_the_evidence_says(evidence_dir):
    result = analyse(healthy(evidence_dir))
    text = to_text(result)
    assert text.startswith("Healthy: outbound mail flows and no cause of queue trouble was found. This rests on ")
    assert "What the evidence says:" in text and "Our server refused to relay 1 time" in text
    html = render_html(make_report(result))
    assert "Healthy." in html and "rests on" in html


def test_time_spans_and_their_readings():
    assert parse_times("2026-11-27T06:00:01.123Z")[0] == datetime(2026, 11, 27, 6, 0, 1, 123000)
    assert parse_times("11/27/2026 6:00:01 PM") == [datetime(2026, 11, 27, 18, 0, 1)]
    assert len(parse_times("03/04/2026 06:00:00")) == 2  # US or day-first: both kept
    assert parse_times("27.11.2026 06:00:01") == [datetime(2026, 11, 27, 6, 0, 1)]
    assert parse_times("Nov 27 06:00:01")[0].month == 11 and parse_times("nonsense") == []
    # an ambiguous pair is read the shortest way: a span is never overstated
    span = make_span("delivery", "x", "03/04/2026 06:00:00", "04/04/2026 06:00:00")
    assert span.hours == 24.0
    assert make_span("delivery", "x", "Dec 31 23:00:00", "Jan 1 01:00:00").hours == 2.0  # over New Year
    spans = [Span("delivery", "a", datetime(2026, 1, 1, 6), datetime(2026, 1, 1, 12)),
             Span("delivery", "b", datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 14)),
             Span("protocol", "c", datetime(2026, 1, 2, 0), datetime(2026, 1, 3, 0))]
    assert covered_hours(spans) == 8.0 and covered_hours(spans, "protocol") == 24.0
