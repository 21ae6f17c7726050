"""Which mail system the evidence comes from, and so which commands the plan may show.

A Postfix queue dump must never get an Exchange cmdlet, and an SBS 2008 server must not
get Exchange 2013 PowerShell because nothing said otherwise: the version comes from the
admin, the log headers or the log format (Exchange 2003 writes its own formats), and
when none of them says it, the plan lists each version's command instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sbskit.core.triage.evidence import Evidence

EX2003_FORMATS = ("exchange2003_tracking", "iis_smtp_log")
OTHER = "other"  # a mail system the kit has no commands for (Exim): steps without platform commands
NAMES = {"2003": "Exchange 2003", "2007": "Exchange 2007", "2010": "Exchange 2010", "2013": "Exchange 2013",
         "2016": "Exchange 2016", "2019": "Exchange 2019", "SE": "Exchange Server SE",
         "2013+": "Exchange 2013 or later (2013-2019, SE)"}
# names only Exchange 2013 and later give their connectors (the front end and its proxy to the Mailbox role)
FRONTEND_CONNECTORS = ("default frontend", "client frontend", "outbound proxy frontend", "inbound proxy internal send",
                       "client proxy")


def note_connector(ev: Evidence, connector: str) -> None:
    """A connector name of Exchange 2013 or later's front end says the version range when no header does."""
    if connector and connector.lower().split("\\")[-1].startswith(FRONTEND_CONNECTORS):
        ev.worded_versions["2013+"] += 1


@dataclass
class Platform:
    id: str  # "exchange-2010", "exchange" (version not known), "postfix", "unknown"
    name: str  # "Exchange 2010", "Exchange (version not known)", "Postfix", "not known"
    plan_version: str | None  # what plan.plan_for takes: an Exchange version, "postfix" or None
    version_source: str  # "given", "log headers", "log format", "not known", "evidence"
    note: str = ""  # said to the admin when something is off (a version that does not fit the evidence)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "version_source": self.version_source, "note": self.note}


MIXED = ("The evidence comes from Postfix and from Exchange: each cause's commands follow the mail system of the "
         "evidence behind it.")


def detect_platform(ev: Evidence, given_version: str | None = None) -> Platform:
    postfix = ev.platforms.get("postfix", 0)
    exchange = ev.platforms.get("exchange", 0) + sum(ev.formats.get(f, 0) for f in EX2003_FORMATS)
    if not postfix and not exchange and ev.other_platforms and not given_version:
        name = ev.other_platforms.most_common(1)[0][0]
        return Platform("other", f"{name} (neither Exchange nor Postfix)", OTHER, "evidence",
                        f"The evidence comes from {name}, which is neither Exchange nor Postfix: the plan names the steps "
                        f"without Exchange or Postfix commands; use {name}'s own (Exim: exim -bp lists the queue, "
                        "exim -Mvl <id> shows a message's log).")
    if postfix and postfix >= exchange:
        note = ""
        if given_version:
            note = (f"You chose Exchange {given_version}, but the evidence comes from Postfix: the plan gives "
                    "Postfix commands.")
        elif exchange:
            note = MIXED
        return Platform("postfix", "Postfix", "postfix", "evidence", note)
    found = exchange_platform(ev, given_version)
    if postfix and found.id != "unknown":
        found.note = (found.note + " " + MIXED).strip()
    return found


def platform_for(family: str, ev: Evidence, given_version: str | None, overall: Platform) -> Platform:
    """The platform whose commands fit evidence of one family ('postfix' or 'exchange') in a mixed set."""
    if family == "postfix":
        return Platform("postfix", "Postfix", "postfix", "evidence")
    if overall.id.startswith("exchange"):
        return overall
    found = exchange_platform(ev, None if given_version == "postfix" else given_version)
    return found if found.id != "unknown" else Platform("exchange", "Exchange (version not known)", None, "not known")


def exchange_platform(ev: Evidence, given_version: str | None = None) -> Platform:
    """The Exchange version the admin chose, the log headers or formats show, or 'version not known'."""
    exchange = ev.platforms.get("exchange", 0) + sum(ev.formats.get(f, 0) for f in EX2003_FORMATS)
    if given_version:
        return Platform(f"exchange-{given_version.lower()}", NAMES.get(given_version, f"Exchange {given_version}"),
                        given_version, "given")
    if ev.versions:
        version = ev.versions.most_common(1)[0][0]
        return Platform(f"exchange-{version.lower()}", NAMES.get(version, f"Exchange {version}"), version, "log headers")
    if ev.worded_versions:  # an Exchange 2003 NDR's '<host #4.4.7>', a 2013+ front end's connector names
        version = ev.worded_versions.most_common(1)[0][0]
        return Platform(f"exchange-{version.lower()}", NAMES.get(version, f"Exchange {version}"), version, "evidence")
    if any(ev.formats.get(f, 0) for f in EX2003_FORMATS):
        return Platform("exchange-2003", "Exchange 2003", "2003", "log format")
    if exchange:
        return Platform("exchange", "Exchange (version not known)", None, "not known",
                        "The evidence does not say which Exchange version runs: the plan gives the command for each "
                        "version (choose the version to get one).")
    return Platform("unknown", "not known (no mail server evidence)", None, "not known",
                    "No evidence names the mail system: the plan gives the Exchange command for each version "
                    "(choose the version to get one).")
