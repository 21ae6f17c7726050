"""A DMARC record as receivers read it (RFC 7489 6.3, 6.6.3), and the same record with its mistakes repaired.

Only a record that does not start with v=DMARC1, or has no usable policy, is ignored by
receivers. A mistake in an optional tag (a rua without 'mailto:', 'ruf:' for 'ruf=', a
pct of 150) is discarded in favour of the default: the policy stays in force and only
that tag is lost. So such a record is a warning naming the tag, and the record to publish
is the same one with the tag repaired, never a weaker policy.
"""

from __future__ import annotations

import re

POLICIES = ("none", "quarantine", "reject")
STRICTNESS = {p: n for n, p in enumerate(POLICIES)}
_MAILTO = re.compile(r"mailto:([^@!\s]+)@([A-Za-z0-9.\-]+)(?:!\d+[kmgt]?)?$", re.IGNORECASE)
_ADDRESS = re.compile(r"([^@!\s:;,]+)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$")
_COLON_TAG = re.compile(r"(v|p|sp|rua|ruf|pct|adkim|aspf|fo|rf|ri|np|t)\s*:\s*(.+)$", re.IGNORECASE)


class Bad:
    """A mistake receivers discard: the tag, what is wrong, and the repaired ``tag=value`` (None: drop it)."""

    def __init__(self, tag: str, message: str, repaired: str | None = None) -> None:
        self.tag = tag
        self.message = message
        self.repaired = repaired


class DmarcRecord:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tags: dict[str, str] = {}  # the tags receivers use (bad optional ones left out)
        self.order: list[str] = []  # tag=value parts in the order written, repaired ones included
        self.fatal: list[str] = []  # mistakes that make receivers ignore the whole record
        self.bad: list[Bad] = []  # mistakes receivers discard (the policy still applies)

    @property
    def policy(self) -> str:
        return self.tags.get("p", "").lower()

    @property
    def strictness(self) -> int:
        return STRICTNESS.get(self.policy, -1) if not self.fatal else -1

    def repaired(self, drop: tuple[str, ...] = (), add: str = "") -> str:
        """The record with each bad tag repaired or left out (and ``drop`` tags removed, ``add`` appended)."""
        parts = [p for p in self.order if p.split("=", 1)[0].lower() not in drop]
        return "; ".join(parts + ([add] if add else []))


def report_uris(value: str) -> list[str]:
    return [u.strip() for u in value.split(",") if u.strip()]


def report_domain(uri: str) -> str | None:
    match = _MAILTO.match(uri)
    return match.group(2).rstrip(".").lower() if match else None


def read_dmarc(text: str) -> DmarcRecord:
    record = DmarcRecord(text)
    parts = [p.strip() for p in text.split(";")]
    for index, part in enumerate(parts):
        if not part:
            continue
        name, eq, value = part.partition("=")
        name, value = name.strip().lower(), value.strip()
        if not eq:
            colon = _COLON_TAG.match(part)
            if colon:
                name, value = colon.group(1).lower(), colon.group(2).strip()
                record.bad.append(Bad(name, f"'{part}' has ':' where '=' belongs, so receivers ignore it",
                                      f"{name}={value}"))
            else:
                record.bad.append(Bad(part, f"'{part}' is not a tag=value pair; receivers ignore it"))
                continue
        if index == 0:
            if name != "v" or value != "DMARC1":
                record.fatal.append("the record must start with v=DMARC1")
            record.order.append("v=DMARC1")
            continue
        if name in record.tags:
            record.bad.append(Bad(name, f"tag '{name}' appears twice; receivers use the first"))
            continue
        _read_tag(record, name, value, part)
    _check_policy(record)
    return record


def _read_tag(record: DmarcRecord, name: str, value: str, part: str) -> None:
    problem = ""
    fixed = f"{name}={value}"
    if name in ("sp", "np") and value.lower() not in POLICIES:
        problem = f"{name}={value} is not none, quarantine or reject (receivers use p= instead)"
        fixed = ""
    elif name == "p" and value.lower() not in POLICIES:
        record.order.append(part)  # judged with the whole record in _check_policy
        record.tags["p!"] = value
        return
    elif name == "pct" and not (value.isdigit() and 0 <= int(value) <= 100):
        problem, fixed = f"pct={value} is not a number from 0 to 100 (receivers use 100)", ""
    elif name in ("adkim", "aspf") and value.lower() not in ("r", "s"):
        problem, fixed = f"{name}={value} is not r (relaxed) or s (strict) (receivers use r)", ""
    elif name == "ri" and not value.isdigit():
        problem, fixed = f"ri={value} is not a number of seconds (receivers use a day)", ""
    elif name == "fo" and not all(v.strip() in ("0", "1", "d", "s") for v in value.split(":")):
        problem, fixed = f"fo={value} is not 0, 1, d or s (receivers use 0)", ""
    elif name in ("rua", "ruf"):
        uris, repairs = [], []
        for uri in report_uris(value):
            if _MAILTO.match(uri):
                uris.append(uri)
                continue
            address = _ADDRESS.match(uri)
            if address:
                uris.append(f"mailto:{uri}")
                repairs.append(f"'{uri}' lacks 'mailto:'")
            else:
                repairs.append(f"'{uri}' is not a mailto: address")
        if repairs:
            lost = "aggregate" if name == "rua" else "failure"
            problem = (f"the {name} address {'; '.join(repairs)} (write it like mailto:dmarc@example.com), so "
                       f"receivers send no {lost} reports there")
            fixed = f"{name}={','.join(uris)}" if uris else ""
        value = ",".join(uris)
        if not uris:
            if problem:
                record.bad.append(Bad(name, problem, None))
            return
    if problem:
        record.bad.append(Bad(name, problem, fixed or None))
        if not fixed:
            return
    record.tags[name] = fixed.split("=", 1)[1] if fixed else value
    record.order.append(fixed or f"{name}={value}")


def _check_policy(record: DmarcRecord) -> None:
    """RFC 7489 6.6.3: no usable p= is fatal, unless rua has a usable address (then it counts as p=none)."""
    if record.fatal:
        return
    written = record.tags.pop("p!", None)
    if "p" in record.tags:
        return
    reason = f"p={written} is not none, quarantine or reject" if written else "the required policy tag p= is missing"
    if any(report_domain(u) for u in report_uris(record.tags.get("rua", ""))):
        record.tags["p"] = "none"
        record.bad.append(Bad("p", f"{reason}; with a rua address receivers treat the record as p=none", "p=none"))
        record.order = [("p=none" if p.lower().startswith("p=") else p) for p in record.order]
        if "p=none" not in record.order:
            record.order.insert(1, "p=none")
    else:
        record.fatal.append(reason)
