"""What the receiving side does with each mistake, and the hosted providers the kit recognises.

The texts live in ``resources/maildns.json`` (they change when the providers reword their
bounces); this module fills in the domain and address and matches MX hosts to providers.
"""

from __future__ import annotations

from sbskit.core.resources import load_json


def data() -> dict:
    return load_json("maildns.json")


def receivers(key: str, domain: str = "", ip: str = "") -> list[dict]:
    """The reply texts (or effects) for one kind of mistake, with [domain] and [ip] filled in."""
    entry = data()["receivers"].get(key)
    if not entry:
        return []
    out = [{"provider": "", "what": entry["what"]}]
    for item in entry["replies"]:
        filled = {"provider": item["provider"]}
        for field in ("reply", "effect"):
            if field in item:
                filled[field] = item[field].replace("[domain]", domain or "[domain]").replace("[ip]", ip or "[ip]")
        out.append(filled)
    return out


def well_known_selectors() -> list[str]:
    return list(data()["dkim_selectors"])


def provider_for_hosts(hosts: list[str]) -> dict | None:
    """The hosted mail provider whose MX hosts these are (Microsoft 365, Google Workspace...)."""
    for provider in data()["providers"]:
        for host in hosts:
            host = host.rstrip(".").lower()
            if any(host == s or host.endswith("." + s) for s in provider["mx_suffixes"]):
                return provider
    return None
