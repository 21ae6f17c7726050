"""Each cause found in its own evidence; the healthy server gets no strong finding."""

from __future__ import annotations

import pytest

from sbskit.core.errors import UserInputError
from sbskit.core.jobs import Cancelled, JobContext
from sbskit.core.triage import CAUSES, Answers, analyse
from triage_fixtures import SCENARIOS, backscatter, healthy, postfix_backscatter, workstation


@pytest.mark.parametrize("cause", CAUSES)
def test_each_cause_is_found_first(evidence_dir, cause):
    files = SCENARIOS[cause](evidence_dir)
    result = analyse(files, server_ips=["192.168.1.10"])
    assert result.findings, result.scores
    top = result.findings[0]
    assert top.cause == cause, result.scores
    assert top.confidence >= 0.7
    assert result.diagnosis
    others = [f for f in result.findings[1:] if f.confidence >= 0.5]
    if cause == "authenticated_relay":  # the sample's queues hold Spamhaus refusals: the listing follows the abuse
        assert [f.cause for f in others] == ["blocklisted"] and "follows from" in others[0].reasons[-1]
    else:
        assert not others, [(f.cause, f.confidence) for f in others]
    assert result.outcome == "cause" and result.exit_code == 1
    assert all(q in result.answers.derived for q, v in result.answers.values.items() if v)  # no answer given
    assert top.evidence and all(line.line > 0 and line.file for line in top.evidence)
    assert top.summary and top.actions
    assert top.plan[0]["title"].lower().startswith(("stop the bleeding", "read the queue errors", "run the mail dns"))


def test_healthy_server_has_no_finding(evidence_dir):
    result = analyse(healthy(evidence_dir))
    assert result.findings == []
    assert not result.diagnosis
    assert max(s["confidence"] for s in result.scores.values()) < 0.2
    assert result.outcome == "healthy" and result.exit_code == 0, result.coverage.gaps
    assert result.verdict().startswith("Healthy: outbound mail flows and no cause of queue trouble was found. This rests on ")
    assert "h of delivery logs" in result.rests_on and "all queues near empty" in result.rests_on


def test_workstation_is_named_and_server_is_not(evidence_dir):
    result = analyse(workstation(evidence_dir), server_ips=["192.168.1.10"])
    top = result.findings[0]
    assert top.subjects[:2] == ["192.168.1.37", "192.168.1.41"]
    assert "192.168.1.10" not in top.subjects
    assert "192.168.1.37" in top.summary


def test_workstation_without_server_ip_asks_for_it(evidence_dir):
    result = analyse(workstation(evidence_dir))
    top = result.findings[0]
    assert "192.168.1.10" in top.subjects  # unknown server address: it is listed too, and the text says why
    assert any("--server-ip" in r for r in top.reasons)


def test_harvest_names_the_source(evidence_dir):
    from triage_fixtures import harvest

    top = analyse(harvest(evidence_dir)).findings[0]
    assert top.subjects[0] == "203.0.113.66"
    assert "96" in top.summary


def test_auth_relay_fills_the_account_into_the_plan(evidence_dir):
    from triage_fixtures import auth_relay

    top = analyse(auth_relay(evidence_dir), exchange_version="2010").findings[0]
    commands = " ".join(step["command"] for step in top.plan)
    assert "-Identity reception" in commands and "reception@smallbiz.example" in commands
    assert "Default SBS" not in commands and "\"$env:COMPUTERNAME\\Default $env:COMPUTERNAME\"" in commands


def test_version_from_headers_and_override(evidence_dir):
    files = backscatter(evidence_dir)
    assert analyse(files).exchange_version == "2010"
    result = analyse(files, exchange_version="2003")
    assert result.version_source == "given"
    assert "Exchange System Manager" in result.findings[0].plan[0]["command"]


def test_postfix_bounces_are_backscatter_not_configuration(evidence_dir):
    result = analyse(postfix_backscatter(evidence_dir))
    assert [f.cause for f in result.findings if f.confidence >= 0.5] == ["ndr_backscatter"]


def test_mixed_evidence_ranks_both_causes(evidence_dir):
    (evidence_dir / "a").mkdir()
    (evidence_dir / "b").mkdir()
    files = backscatter(evidence_dir / "a") + workstation(evidence_dir / "b")
    result = analyse(files, server_ips=["192.168.1.10"])
    strong = {f.cause for f in result.findings if f.confidence >= 0.7}
    assert strong == {"ndr_backscatter", "compromised_workstation"}


def test_answers_alone_give_a_reasoned_prior():
    answers = Answers()
    for qid, value in (("queues_long", "no"), ("ip_listed", "yes"), ("shared_ip", "yes")):
        answers.set(qid, value)
    result = analyse([], answers)
    top = result.findings[0]
    assert top.cause == "compromised_workstation"
    assert 0.5 <= top.confidence <= 0.65  # answers alone never claim certainty
    assert top.summary.startswith("From your answers")
    assert any("queues clean but the IP listed" in r for r in top.reasons)
    assert {m["evidence"] for m in result.missing} >= {"firewall_log"}


def test_evidence_overrules_answers(evidence_dir):
    answers = Answers()
    for qid, value in (("queues_long", "no"), ("ip_listed", "yes"), ("shared_ip", "yes")):
        answers.set(qid, value)
    result = analyse(healthy(evidence_dir), answers)
    assert result.scores["compromised_workstation"]["confidence"] < 0.3  # the firewall log is clean


def test_answers_move_confidence_in_the_stated_direction():
    def conf(**given):
        answers = Answers()
        for k, v in given.items():
            answers.set(k, v)
        return analyse([], answers).scores

    yes = conf(users_get_ndrs="yes", queues_long="yes")
    no = conf(users_get_ndrs="no", queues_long="yes")
    assert yes["configuration_error"]["confidence"] > no["configuration_error"]["confidence"]
    assert conf(shared_ip="no")["compromised_workstation"]["confidence"] < conf(shared_ip="yes")["compromised_workstation"]["confidence"]


def test_missing_evidence_gives_the_collection_commands(evidence_dir):
    from triage_fixtures import harvest

    result = analyse(harvest(evidence_dir), exchange_version="2016")
    commands = {m["evidence"]: m["command"] for m in result.missing}
    assert "tracking_log" in commands
    assert "-ResultSize Unlimited" in commands["tracking_log"]
    assert "Export-Csv -Encoding UTF8 -NoTypeInformation" in commands["tracking_log"]


def test_nothing_to_do_is_a_user_error(evidence_dir):
    with pytest.raises(UserInputError, match="nothing to analyse"):
        analyse([])
    with pytest.raises(UserInputError, match="not an IP"):
        analyse([], Answers({"queues_long": "yes"}), server_ips=["mail.example"])


def test_progress_results_and_cancel(evidence_dir):
    files = backscatter(evidence_dir)
    seen, progress = [], []
    analyse(files, ctx=JobContext(progress=lambda d, t, m: progress.append((d, t)), result=seen.append))
    assert [s.file for s in seen] == [str(f) for f in files]
    assert progress[-1] == (1000, 1000)
    with pytest.raises(Cancelled):
        analyse(files, ctx=JobContext(is_cancelled=lambda: True))


def _iis(folder, body):
    from sbskit.core.triage import samples as S

    head = ["#Software: Microsoft Internet Information Services 6.0", "#Version: 1.0", "#Date: 2026-11-27 06:00:00",
            "#Fields: date time c-ip cs-username s-sitename s-computername s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status"]
    return S.write_text(folder / "ex261127.log", head + body)


def test_iis_smtp_harvest_needs_to_know_our_domain(evidence_dir):
    body = []
    for i in range(60):
        body.append(f"2026-11-27 06:{i // 60:02d}:{i % 60:02d} 203.0.113.99 x SMTPSVC1 SBS01 192.168.1.10 25 MAIL - +FROM:<a@b.example> 250")
        body.append(f"2026-11-27 06:{i // 60:02d}:{i % 60:02d} 203.0.113.99 x SMTPSVC1 SBS01 192.168.1.10 25 RCPT - +TO:<user{i}@smallbiz.example> 550")
    path = _iis(evidence_dir, body)
    assert analyse([path], local_domains=["smallbiz.example"]).findings[0].cause == "directory_harvest"
    unknown = analyse([path])  # 550 on a domain not known to be ours could be refused relaying
    assert unknown.scores["directory_harvest"]["confidence"] < 0.35


def test_iis_smtp_open_relay(evidence_dir):
    body = []
    for i in range(25):
        body.append(f"2026-11-27 06:00:{i:02d} 198.51.100.44 x SMTPSVC1 SBS01 192.168.1.10 25 MAIL - +FROM:<promo@cheap.example> 250")
        body.append(f"2026-11-27 06:00:{i:02d} 198.51.100.44 x SMTPSVC1 SBS01 192.168.1.10 25 RCPT - +TO:<x@victim{i}.example> 250")
    result = analyse([_iis(evidence_dir, body)], exchange_version="2003")
    top = result.findings[0]
    assert top.cause == "open_relay" and top.subjects[0] == "198.51.100.44"
    assert "Relay" in " ".join(step["command"] for step in top.plan)  # the Exchange 2003 (ESM) instructions


def test_exchange_2003_backscatter(evidence_dir):
    from sbskit.core.triage import samples as S

    cols = ("Date\tTime\tclient-ip\tClient-hostname\tPartner-Name\tServer-hostname\tserver-IP\tRecipient-Address\tEvent-ID\t"
            "MSGID\tPriority\tRecipient-Report-Status\ttotal-bytes\tNumber-Recipients\tOrigination-Time\tEncryption\t"
            "service-Version\tLinked-MSGID\tMessage-Subject\tSender-Address")
    lines = ["# Message Tracking Log File", "# Exchange System Attendant Version 6.5.7638.1", "# " + cols]
    row = "2026-11-27\t6:0:{s} GMT\t{ip}\t-\t-\tSBS01\t192.168.1.10\t{rcpt}\t{ev}\t<m{i}@x>\t0\t-1\t900\t1\t2026-11-27 6:0:0 GMT\t0\tVersion: 6.0.3790.3959\t-\tx\t{sender}\t-"
    for i in range(80):
        ip = f"203.0.113.{i % 200 + 1}"
        sender = f"bob{i}@forged{i}.example"
        rcpt = f"nobody{i}@smallbiz.example"
        lines.append(row.format(s=i % 60, ip=ip, rcpt=rcpt, ev="1019", i=i, sender=sender))
        lines.append(row.format(s=i % 60, ip=ip, rcpt=rcpt, ev="1030", i=i, sender=sender))
    lines.append(row.format(s=0, ip="-", rcpt="anna@smallbiz.example", ev="1028", i=999, sender="p@partner.example"))
    result = analyse([S.write_text(evidence_dir / "20261127.log", lines)])
    assert result.exchange_version == "2003"
    assert result.findings[0].cause == "ndr_backscatter"
    assert "Exchange System Manager" in result.findings[0].plan[0]["command"]


def test_lan_host_relaying_through_exchange_is_named(evidence_dir):
    import random

    from sbskit.core.triage import samples as S

    rng = random.Random(21)
    log = S.TrackingLog("2016", seed=21)
    log.normal_traffic(30)
    for i in range(40):
        log.add("RECEIVE", "SMTP", f"scan{i}@{S.LOCAL_DOMAIN}", [f"x@{S.outside_domain(rng)}"], client_ip="192.168.1.55",
                connector=f"{S.SERVER_NAME}\\Anonymous Relay")
    result = analyse([S.write_text(evidence_dir / "MSGTRK.LOG", log.lines)])
    top = result.findings[0]
    assert top.cause == "compromised_workstation" and "192.168.1.55" in top.subjects
    assert "relay connector" in top.summary
