"""The POP3 risk checklist: the shipped catalogue plus the admin's answers per client.

The catalogue (risks, mitigations, per-Exchange-version commands) is a data file in
``resources/`` so it can be corrected without code changes; the answers (status and
notes per item, :meth:`Checklist.to_dict`) are kept with the client's profile in
profiles.sqlite3 (see ``sbskit.core.profiles.checklists``), or in a named template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sbskit.core.errors import UserInputError

CATALOGUE = "pop3-checklist.json"
STATUSES = ("not-assessed", "fine", "at-risk", "accepted")
DEFAULT_VERSION = "2013-2019"


def catalogue() -> dict[str, Any]:
    from sbskit.core.resources import load_json

    return load_json(CATALOGUE)


def status_label(status: str) -> str:
    return catalogue()["statuses"].get(status, status)


def version_ids() -> list[str]:
    return [v["id"] for v in catalogue()["versions"]]


@dataclass
class ItemState:
    status: str = "not-assessed"
    notes: str = ""


@dataclass
class Checklist:
    client: str = ""
    requested_by: str = ""
    request: str = ""  # what was asked, in the requester's words
    exchange_version: str = DEFAULT_VERSION
    states: dict[str, ItemState] = field(default_factory=dict)
    updated: str = ""

    def state(self, item_id: str) -> ItemState:
        return self.states.setdefault(item_id, ItemState())

    def set_status(self, item_id: str, status: str) -> None:
        if status not in STATUSES:
            raise UserInputError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        self.state(item_id).status = status

    def items(self) -> list[dict[str, Any]]:
        """Catalogue items with this client's status and notes merged in."""
        merged = []
        for item in catalogue()["items"]:
            st = self.states.get(item["id"], ItemState())
            merged.append({**item, "status": st.status, "notes": st.notes})
        return merged

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for item in self.items():
            out[item["status"]] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "client": self.client,
            "requested_by": self.requested_by,
            "request": self.request,
            "exchange_version": self.exchange_version,
            "updated": self.updated,
            "items": {k: {"status": v.status, "notes": v.notes} for k, v in sorted(self.states.items())},
        }

    @classmethod
    def from_dict(cls, data: Any) -> "Checklist":
        """Tolerant: unknown keys are ignored, bad values fall back to defaults."""
        if not isinstance(data, dict):
            raise ValueError("not a checklist")
        cl = cls()
        for key in ("client", "requested_by", "request", "updated"):
            if isinstance(data.get(key), str):
                setattr(cl, key, data[key][:20000])
        if data.get("exchange_version") in version_ids():
            cl.exchange_version = data["exchange_version"]
        items = data.get("items")
        if isinstance(items, dict):
            for key, value in items.items():
                if not isinstance(value, dict):
                    continue
                status = value.get("status") if value.get("status") in STATUSES else "not-assessed"
                notes = value.get("notes") if isinstance(value.get("notes"), str) else ""
                cl.states[str(key)] = ItemState(status, notes[:20000])
        return cl
