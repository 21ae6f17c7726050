"""The ordered action plan per cause and the evidence still worth collecting, per platform.

Texts and commands live in ``resources/triage-actions.json`` (reviewed data, not code).
This module picks the steps for the mail system the evidence shows (an Exchange version,
or Postfix: never a cmdlet for a Postfix server), keeps the "if ..." steps whose reply
categories the evidence shows, and fills in the names the evidence found (the abused
account, the sender to purge). When the Exchange version is unknown it does not guess:
each step lists its command per version.
"""

from __future__ import annotations

from sbskit.core.resources import load_json

POSTFIX = "postfix"
OTHER = "other"  # neither Exchange nor Postfix (Exim): the steps both have, without their commands
ANY = "any"
EXCHANGE_KEYS = ("2003", "2007", "2010", "2013")

# which evidence formats satisfy each "collect" entry of the data file
COLLECT_FORMATS = {
    "tracking_log": ("exchange_tracking", "exchange_tracking_csv", "exchange2003_tracking", "postfix_maillog"),
    "receive_log": ("smtp_receive_log", "iis_smtp_log", "postfix_maillog"),
    "send_log": ("smtp_send_log", "postfix_maillog"),
    "queue_export": ("get_queue_csv", "get_message_csv", "postfix_queue_json", "postfix_mailq"),  # pastes lack columns
    "firewall_log": ("windows_firewall_log", "filterlog", "firewall_csv"),
}


def _data() -> dict:
    return load_json("triage-actions.json")


def version_key(version: str | None) -> str | None:
    """'2016' -> '2013', 'SE' -> '2013', 'postfix' -> 'postfix'; None or unknown -> None (not known)."""
    if not version:
        return None
    if version == OTHER:
        return OTHER
    if version == "2013+":  # Exchange 2013 or later, told by its front end's names: they share the commands
        return "2013"
    data = _data()
    if version in data["versions"]:
        return version
    return data["version_aliases"].get(version)


def version_name(version: str | None) -> str:
    key = version_key(version)
    if key == OTHER:
        return "a mail system that is neither Exchange nor Postfix"
    return _data()["versions"][key] if key else "the Exchange version (not known: commands for each version)"


def cause_info(cause: str) -> dict:
    return _data()["causes"][cause]


def _fill(text: str, fills: dict[str, str]) -> str:
    for placeholder, value in fills.items():
        if value:
            text = text.replace(placeholder, value)
    return text


_PLAIN = ("On the ", "Exchange System Manager", "Copy the files", "Active Directory", "SMTP virtual server",
          "Relay restrictions", "Default Domain Policy")


def prompt(key: str | None, command: str = "") -> str:
    """How a command is shown: 'PS>' for PowerShell, '$' for a shell, '' for instructions (GUI steps)."""
    if command.startswith(_PLAIN):
        return ""
    if key == POSTFIX:
        return "$"
    if key == "2003":
        return ""
    return "PS>"


def _alternatives(commands: dict[str, str], fills: dict[str, str]) -> list[dict]:
    """One entry per distinct Exchange command: {'versions': 'Exchange 2007 (SBS 2008), ...', 'command': ...}."""
    names = _data()["versions"]
    out: list[dict] = []
    for key in EXCHANGE_KEYS:
        command = commands.get(key)
        if not command:
            continue
        command = _fill(command, fills)
        same = next((alt for alt in out if alt["command"] == command), None)
        if same:
            same["versions"] += ", " + names[key]
            same["keys"].append(key)
        else:
            out.append({"versions": names[key], "keys": [key], "command": command, "prompt": prompt(key, command)})
    return out


def plan_for(cause: str, version: str | None, fills: dict[str, str] | None = None,
             kinds: list[str] | tuple[str, ...] = ()) -> list[dict]:
    """Ordered steps {step, title, detail, command, prompt, alternatives, links} for one platform.

    ``version``: an Exchange version ('2007' ... 'SE'), 'postfix', or None (Exchange, version not
    known: ``command`` is '' and ``alternatives`` lists the command per version). ``kinds``: the
    reply categories the evidence shows; steps with a 'when' list are kept only when one of
    them is among the kinds (all are kept when ``kinds`` is empty: nothing specific is known).
    """
    fills = fills or {}
    key = version_key(version)
    steps = []
    for step in cause_info(cause)["steps"]:
        when = step.get("when")
        if when and kinds and not set(when) & set(kinds):
            continue
        commands = step.get("commands", {})
        command, alternatives = "", []
        if commands.get(ANY):
            command = _fill(commands[ANY], fills)
        elif commands:
            if key == OTHER:
                if POSTFIX not in commands or not any(k in commands for k in EXCHANGE_KEYS):
                    continue  # a step only one of the two systems has (an Exchange connector, a Postfix plugin)
            elif key is None:
                alternatives = _alternatives(commands, fills)
                if not alternatives:
                    continue  # a Postfix-only step
            elif commands.get(key):
                command = _fill(commands[key], fills)
            else:
                continue  # no such step on this platform (an Exchange cmdlet for Postfix, or the reverse)
        postfix = key == POSTFIX
        steps.append({
            "title": step.get("title_postfix", step["title"]) if postfix else step["title"],
            "detail": step.get("detail_postfix", step.get("detail", "")) if postfix else step.get("detail", ""),
            "command": command,
            "prompt": "$" if commands.get(ANY) else (prompt(key, command) if command else ""),
            "alternatives": alternatives,
            "links": list(step.get("links", [])),
        })
    for number, step in enumerate(steps, 1):
        step["step"] = number
    return steps


def action_lines(steps: list[dict]) -> list[str]:
    """One line per step for the CLI contract's ``actions`` list."""
    lines = []
    for step in steps:
        text = f"{step['step']}. {step['title']}"
        if step["command"]:
            text += f" \u2014 {step['command']}"
        for alt in step["alternatives"]:
            text += f" \u2014 [{alt['versions']}] {alt['command']}"
        if step["links"]:
            text += " \u2014 " + " ".join(step["links"])
        lines.append(text)
    return lines


def missing_evidence(causes: list[str], formats_present: set[str], version: str | None) -> list[dict]:
    """What evidence would confirm or rule out ``causes``, with the command to collect it."""
    data = _data()
    key = version_key(version)
    wanted: list[str] = []
    for cause in causes:
        for item in data["collect_for"][cause]:
            if item not in wanted and not formats_present & set(COLLECT_FORMATS[item]):
                wanted.append(item)
    result = []
    if key == POSTFIX and "tracking_log" in wanted:  # one maillog holds what Exchange keeps in three logs
        wanted = [item for item in wanted if item not in ("receive_log", "send_log")]
    for item in wanted:
        entry = data["collect"][item]
        commands = entry["commands"]
        postfix = key == POSTFIX
        command = commands.get(key, "") if key and key != OTHER else ""
        result.append(
            {
                "evidence": item,
                "title": entry.get("title_postfix", entry["title"]) if postfix else entry["title"],
                "why": entry.get("why_postfix", entry["why"]) if postfix else entry["why"],
                "command": command,
                "prompt": prompt(key, command) if command else "",
                "alternatives": [] if key else _alternatives(commands, {}),
                "note": entry.get("note_postfix", "") if key == POSTFIX else entry.get("note", ""),
            }
        )
    return result
