"""A client profile as plain data, and the checks that keep bad input out of the database.

Validation lives here (not in the dialog or the CLI) so both give the same one-sentence
:class:`UserInputError` for the same mistake, and an imported file passes the same gate.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from sbskit.core.errors import UserInputError

MAX_NAME = 100
MAX_NOTES = 100_000
MAX_ENTRIES = 500  # per list: IPs, domains or mail hosts
MAX_CHECKLIST_BYTES = 1_000_000
MAX_DOCUMENT_BYTES = 32_000_000

FIELDS = ("ips", "domains", "mail_hosts")
FIELD_DB = {"ips": "ip", "domains": "domain", "mail_hosts": "mail_host"}
FIELD_LABEL = {"ips": "public IP", "domains": "domain", "mail_hosts": "mail host"}

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Profile:
    name: str
    ips: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    mail_hosts: list[str] = field(default_factory=list)
    notes: str = ""
    checklist: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    updated: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ips": list(self.ips),
            "domains": list(self.domains),
            "mail_hosts": list(self.mail_hosts),
            "notes": self.notes,
            "checklist": self.checklist,
            "created": self.created,
            "updated": self.updated,
        }


@dataclass(frozen=True)
class ProfileSummary:
    name: str
    runs: int
    last_run: str | None  # timestamp (UTC, see :func:`timestamp`)


@dataclass(frozen=True)
class Run:
    id: int
    profile: str
    at: str
    kind: str
    target: str
    document: dict[str, Any] | None = None  # None in listings; load_run() fills it
    counts: dict[str, int] = field(default_factory=dict)  # facts per state

    def to_json(self, with_document: bool = False) -> dict[str, Any]:
        doc = {"id": self.id, "at": self.at, "kind": self.kind, "target": self.target, "counts": dict(self.counts)}
        if with_document:
            doc["document"] = self.document
        return doc


# --- names ---------------------------------------------------------------------------
def clean_name(name: Any) -> str:
    if not isinstance(name, str):
        raise UserInputError("a client name must be text")
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        raise UserInputError("a client name cannot be empty")
    if len(name) > MAX_NAME:
        raise UserInputError(f"a client name can have at most {MAX_NAME} characters")
    if _CONTROL.search(name):
        raise UserInputError("a client name cannot contain control characters")
    return name


def name_key(name: str) -> str:
    """The case-insensitive identity of a name ("ACME Ltd" and "acme ltd" are one client)."""
    return clean_name(name).casefold()


# --- addresses -------------------------------------------------------------------------
def clean_ip(text: Any) -> str:
    value = str(text).strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise UserInputError(f"{_show(text)} is not an IPv4 or IPv6 address") from None


def clean_hostname(text: Any, what: str = "domain") -> str:
    raw = str(text).strip()
    value = unicodedata.normalize("NFC", raw).lower().rstrip(".")
    if not value:
        raise UserInputError(f"an empty {what} is not allowed")
    try:
        ascii_form = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise UserInputError(f"{_show(raw)} is not a valid {what} name") from None
    labels = ascii_form.split(".")
    if len(ascii_form) > 253 or not all(_LABEL.match(label) for label in labels):
        raise UserInputError(f"{_show(raw)} is not a valid {what} name")
    if what == "domain" and len(labels) < 2:
        raise UserInputError(f"{_show(raw)} is not a full domain name (expected something like example.com)")
    return value


def clean_mail_host(text: Any) -> str:
    """A mail server: a host name or an IP address (``[::1]`` brackets allowed)."""
    value = str(text).strip()
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    if value.startswith("["):
        raise UserInputError(f"{_show(text)} is not an IP address")
    if re.fullmatch(r"[0-9.]+", value):
        raise UserInputError(f"{_show(text)} is not a valid IPv4 address")
    return clean_hostname(value, "mail host")


_CLEANERS = {"ips": clean_ip, "domains": clean_hostname, "mail_hosts": clean_mail_host}


def clean_list(field_name: str, values: Iterable[Any] | None) -> list[str]:
    """Validate, normalise and de-duplicate one list, keeping the admin's order."""
    if values is None:
        return []
    if isinstance(values, str):
        values = split_entries(values)
    cleaner = _CLEANERS[field_name]
    out: list[str] = []
    for value in values:
        if not isinstance(value, (str, int)) or not str(value).strip():
            continue
        cleaned = cleaner(value)
        if cleaned not in out:
            out.append(cleaned)
            if len(out) > MAX_ENTRIES:  # stop early: a huge paste must not take minutes
                raise UserInputError(f"a profile can hold at most {MAX_ENTRIES} {FIELD_LABEL[field_name]} entries")
    return out


MAX_LIST_TEXT = 200_000  # characters of typed/pasted list text


def split_entries(text: str) -> list[str]:
    """Entries typed one per line, or separated by commas, semicolons or spaces."""
    if len(text) > MAX_LIST_TEXT:
        raise UserInputError(f"the list is too long ({len(text):,} characters); paste at most {MAX_ENTRIES} entries")
    return [part for part in re.split(r"[\s,;]+", text) if part]


def clean_notes(notes: Any) -> str:
    if notes is None:
        return ""
    if not isinstance(notes, str):
        raise UserInputError("notes must be text")
    if len(notes) > MAX_NOTES:
        raise UserInputError(f"notes can have at most {MAX_NOTES:,} characters")
    return notes.replace("\r\n", "\n").replace("\x00", "")


def clean_checklist(state: Any) -> dict[str, Any]:
    """The POP3 checklist's state: a JSON object keyed by checklist item id, kept opaque."""
    if state is None:
        return {}
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise UserInputError("the checklist state must be a JSON object keyed by checklist item id")
    encoded = to_json_text(state, "the checklist state")
    if len(encoded.encode("utf-8")) > MAX_CHECKLIST_BYTES:
        raise UserInputError("the checklist state is too large (over 1 MB)")
    return json.loads(encoded)


def clean_document(document: Any) -> str:
    """A result document as JSON text; it must be a JSON object of sensible size."""
    if not isinstance(document, dict):
        raise UserInputError("a result document must be a JSON object (what 'sbskit-cli <check> --json' prints)")
    encoded = to_json_text(document, "the result document")
    if len(encoded.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise UserInputError("the result document is too large to keep (over 32 MB)")
    return encoded


def to_json_text(value: Any, what: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise UserInputError(f"{what} cannot be stored as JSON: {exc}") from None


# --- time ------------------------------------------------------------------------------
def timestamp(when: _dt.datetime | str | None = None) -> str:
    """A sortable UTC timestamp ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (naive times count as UTC)."""
    if when is None:
        when = _dt.datetime.now(_dt.timezone.utc)
    elif isinstance(when, str):
        text = when.strip()
        try:
            when = _dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise UserInputError(f"{_show(text)} is not a date and time like 2026-03-03T09:15:00Z") from None
    if not isinstance(when, _dt.datetime):
        raise UserInputError("a run time must be a date and time")
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    when = when.astimezone(_dt.timezone.utc)
    if not 1990 <= when.year <= 9998:
        raise UserInputError(f"{when.year} is not a plausible year for a check run")
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


FUTURE_SLACK = _dt.timedelta(minutes=5)  # another PC's clock may run a little ahead


def past_timestamp(when: _dt.datetime | str | None) -> str:
    """:func:`timestamp`, refusing a time in the future: a run dated ahead would stay "the latest" for ever."""
    stamp = timestamp(when)
    if parse_timestamp(stamp) > _dt.datetime.now(_dt.timezone.utc) + FUTURE_SLACK:
        raise UserInputError(f"{_show(when)} is in the future; a check run can only be dated when it ran "
                             "(no zone means UTC)")
    return stamp


def parse_timestamp(text: str) -> _dt.datetime:
    return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_dt.timezone.utc)


def local_date(text: str) -> str:
    """``3 Mar 2026`` in local time, for "listed since" sentences."""
    when = parse_timestamp(text).astimezone()
    return f"{when.day} {when.strftime('%b %Y')}"


def local_datetime(text: str) -> str:
    return parse_timestamp(text).astimezone().strftime("%Y-%m-%d %H:%M")


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")
