"""The ordered action plan per cause and the evidence still worth collecting.

Texts and PowerShell live in ``resources/triage-actions.json`` (reviewed data, not code);
this module picks the commands for the server's Exchange version and fills in the names
the evidence found (the abused account, the sender to purge).
"""

from __future__ import annotations

from sbskit.core.resources import load_json

DEFAULT_VERSION = "2013"

# which evidence formats satisfy each "collect" entry of the data file
COLLECT_FORMATS = {
    "tracking_log": ("exchange_tracking", "exchange_tracking_csv", "exchange2003_tracking"),
    "receive_log": ("smtp_receive_log", "iis_smtp_log"),
    "send_log": ("smtp_send_log",),
    "queue_export": ("get_queue_csv", "get_message_csv", "postfix_queue_json"),
    "firewall_log": ("windows_firewall_log", "filterlog", "firewall_csv"),
}


def version_key(version: str | None) -> str:
    data = load_json("triage-actions.json")
    version = version or DEFAULT_VERSION
    return data["version_aliases"].get(version, version) if version in data["versions"] or version in data["version_aliases"] else DEFAULT_VERSION


def version_name(version: str | None) -> str:
    return load_json("triage-actions.json")["versions"][version_key(version)]


def cause_info(cause: str) -> dict:
    return load_json("triage-actions.json")["causes"][cause]


def _fill(text: str, fills: dict[str, str]) -> str:
    for placeholder, value in fills.items():
        if value:
            text = text.replace(placeholder, value)
    return text


def plan_for(cause: str, version: str | None, fills: dict[str, str] | None = None) -> list[dict]:
    """Ordered steps: {step, title, detail, command, links} with the command for ``version``."""
    key = version_key(version)
    steps = []
    for number, step in enumerate(cause_info(cause)["steps"], 1):
        commands = step.get("commands", {})
        command = commands.get(key) or ""
        steps.append(
            {
                "step": number,
                "title": step["title"],
                "detail": step.get("detail", ""),
                "command": _fill(command, fills or {}),
                "links": list(step.get("links", [])),
            }
        )
    return steps


def action_lines(steps: list[dict]) -> list[str]:
    """One line per step for the CLI contract's ``actions`` list."""
    lines = []
    for step in steps:
        text = f"{step['step']}. {step['title']}"
        if step["command"]:
            text += f" \u2014 {step['command']}"
        if step["links"]:
            text += " \u2014 " + " ".join(step["links"])
        lines.append(text)
    return lines


def missing_evidence(causes: list[str], formats_present: set[str], version: str | None) -> list[dict]:
    """What evidence would confirm or rule out ``causes``, with the command to collect it."""
    data = load_json("triage-actions.json")
    key = version_key(version)
    wanted: list[str] = []
    for cause in causes:
        for item in data["collect_for"][cause]:
            if item not in wanted and not formats_present & set(COLLECT_FORMATS[item]):
                wanted.append(item)
    result = []
    for item in wanted:
        entry = data["collect"][item]
        result.append(
            {
                "evidence": item,
                "title": entry["title"],
                "why": entry["why"],
                "command": entry["commands"].get(key) or entry["commands"].get(DEFAULT_VERSION, ""),
                "note": entry.get("note", ""),
            }
        )
    return result
