"""The data file behind questions, plans and collection commands is complete and consistent."""

from __future__ import annotations

from sbskit.core.resources import load_json, load_toml
from sbskit.core.triage import CAUSES
from sbskit.core.triage.answers import QUESTION_IDS
from sbskit.core.triage.plan import COLLECT_FORMATS, missing_evidence, plan_for


def test_registered_in_manifest():
    assert "triage-actions.json" in load_toml("MANIFEST.toml")["files"]


def test_questions_and_weights():
    data = load_json("triage-actions.json")
    assert [q["id"] for q in data["questions"]] == list(QUESTION_IDS)
    for question in data["questions"]:
        assert question["text"].endswith("?") and question["help"]
        for answer in ("yes", "no"):
            for cause, (weight, why) in question[answer].items():
                assert cause in CAUSES and isinstance(weight, float) and why


def test_every_cause_has_an_ordered_plan_for_every_version():
    data = load_json("triage-actions.json")
    assert set(data["causes"]) == set(CAUSES)
    for cause in CAUSES:
        info = data["causes"][cause]
        assert info["title"] and info["explain"]
        steps = info["steps"]
        assert len(steps) >= 3
        first = steps[0]["title"].lower()
        assert first.startswith("stop the bleeding") or cause in ("configuration_error", "mail_dns")
        for version in ("2007", "2010", "2013", "2016", "2019"):
            plan = plan_for(cause, version)
            assert any(step["command"] for step in plan), (cause, version)
            assert [s["step"] for s in plan] == list(range(1, len(plan) + 1))
    two_thousand_seven = " ".join(s["command"] for s in plan_for("authenticated_relay", "2007"))
    assert "Set-ADAccountPassword" not in two_thousand_seven  # SBS 2008 has no AD module


def test_collection_commands():
    data = load_json("triage-actions.json")
    assert set(data["collect"]) == set(COLLECT_FORMATS)
    assert set(data["collect_for"]) == set(CAUSES)
    for entry in data["collect"].values():
        assert {"2007", "2010", "2013"} <= set(entry["commands"])
    tracking = missing_evidence(["ndr_backscatter"], set(), "2019")[0]
    assert tracking["evidence"] == "tracking_log"
    assert "Get-MessageTrackingLog" in tracking["command"] and "-ResultSize Unlimited" in tracking["command"]
    receive = missing_evidence(["directory_harvest"], set(), "2013")[0]
    assert "-ProtocolLoggingLevel Verbose" in receive["command"]
    assert missing_evidence(["directory_harvest"], {"smtp_receive_log", "exchange_tracking"}, "2013") == []
