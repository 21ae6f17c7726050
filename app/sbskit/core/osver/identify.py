"""Turn parsed facts into the Windows releases they can be, narrowed by every hint.

A build number alone is often ambiguous (6001 is Vista SP1, Server 2008, SBS 2008 and EBS
2008). Hints in the text - a caption, ProductType, InstallationType, the SKU, EditionID, a
service pack - narrow the list; a hint that contradicts the build is reported, never
allowed to empty it. What is left is explained: how to tell the candidates apart, and
what this build means for scripts that test it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from sbskit.core.osver import landmarks
from sbskit.core.osver.facts import Facts
from sbskit.core.osver.parse import parse_text
from sbskit.core.osver.releases import Release, ReleaseTable, load_table
from sbskit.core.osver.words import edition_channel_words

EDITION_KINDS = {
    "enterprises": ("ltsc",), "enterprisesn": ("ltsc",), "iotenterprises": ("ltsc",), "iotenterprisesk": ("ltsc",),
    "serversolution": ("sbs", "essentials"), "serversbsstandard": ("sbs",), "serversbspremium": ("sbs",),
    "serverhomestandard": ("home-server",), "serverhomepremium": ("home-server",),
    "professional": ("standard",), "core": ("standard",), "enterprise": ("standard",), "education": ("standard",),
    "professionalworkstation": ("standard",), "coren": ("standard",), "professionaln": ("standard",),
}
# Enterprise LTSC and IoT Enterprise LTSC share a build but not an end date: the SKU tells them apart
EDITION_SKUS = {"enterprises": 125, "enterprisesn": 126, "iotenterprises": 191, "iotenterprisesk": 205}
ROLE_NAMES = {1: "workstation", 2: "domain controller", 3: "server"}


@dataclass
class Identification:
    facts: Facts
    matches: list[Release]
    hints: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    ambiguity: str | None = None
    script_notes: list[str] = field(default_factory=list)
    unknown_build: str | None = None
    channel: str | None = None  # "Home/Pro" or "Enterprise/Education" when the edition is known

    def to_doc(self, today: _dt.date) -> dict[str, Any]:
        f = self.facts
        verdict, why = support_verdict(self, today)
        return {
            "verdict": verdict,
            "verdict_reason": why,
            "input_kind": f.kind,
            "version": f.version,
            "major": f.major,
            "minor": f.minor,
            "build": f.build,
            "revision": f.revision,
            "matches": [match_doc(r, today, self.channel) for r in self.matches],
            "edition_channel": self.channel,
            "today": today.isoformat(),
            "hints": self.hints,
            "conflicts": self.conflicts,
            "ambiguity": self.ambiguity,
            "unknown_build": self.unknown_build,
            "notes": f.notes,
            "script_notes": self.script_notes,
            "data_reviewed": load_table().reviewed,
        }

    def all_unsupported(self, today: _dt.date) -> bool:
        return bool(self.matches) and not any(
            match_doc(r, today, self.channel)["supported"] for r in self.matches)


def support_verdict(result: "Identification", today: _dt.date) -> tuple[str, str]:
    """('supported' | 'ended' | 'unknown', one sentence why). 'supported' only when every release
    and servicing channel the text can be is supported today; paid ESU does not count."""
    if not result.matches:
        return "unknown", f"could not tell: no release in the data fits ({result.unknown_build or 'unknown build'})"
    live, dead = [], []
    for r in result.matches:
        d = match_doc(r, today, result.channel)
        rows = [row for row in d["support"] if not row["channel"].startswith("ESU")]
        if d["channel"] or len(rows) < 2:
            (live if d["supported"] else dead).append(r.label)
            continue
        ended = [row["channel"] for row in rows if row["status"] == "ended"]
        if not ended or len(ended) == len(rows):
            (dead if ended else live).append(r.label)
            continue
        for row in rows:
            (live if row["status"] != "ended" else dead).append(f"{r.label} ({row['channel']})")
    def names(labels: list[str]) -> str:
        unique = list(dict.fromkeys(labels))
        return ", ".join(unique) if len(unique) <= 3 else f"all {len(unique)} releases it can be"

    if not dead:
        return "supported", "supported today: " + names(live)
    if not live:
        return "ended", "out of support today: " + names(dead)
    return "unknown", ("could not tell: supported for " + ", ".join(dict.fromkeys(live)) + "; ended for "
                       + ", ".join(dict.fromkeys(dead)) + ". Paste the edition and role too (systeminfo, or "
                       "Caption, EditionID and ProductType) to tell them apart.")


def edition_channel(f: Facts) -> str | None:
    """The Windows 10/11 servicing channel the edition belongs to, when the text names it
    (in any language systeminfo prints: "Корпоративная", "专业版", "Famille")."""
    words = " ".join(x for x in (f.edition_id, f.product_text) if x)
    if not words:
        return None
    if "professionalworkstation" in words.lower():
        return "Home/Pro"
    return edition_channel_words(words)


def match_doc(r: Release, today: _dt.date, channel: str | None = None) -> dict[str, Any]:
    end = r.effective_end()
    used = None
    for c in r.channels:
        if channel and c.name == channel and r.kind == "standard" and len(r.channels) > 1:
            end, used = c.extended_end, c.name
    return {
        "product": r.product,
        "service_pack": r.service_pack,
        "release": r.release,
        "family": r.family,
        "end_of_support": (end if used else r.end_of_support()).isoformat(),
        "supported": today <= end,
        "service_pack_end": r.service_pack_end.isoformat() if r.service_pack_end else None,
        "channel": used,
        "id": r.id,
        "label": r.label,
        "version": r.version,
        "released": r.released.isoformat(),
        "status": r.status_text(today) if not used else (
            f"{used}: supported until {end.isoformat()} ({(end - today).days} days left)" if today <= end
            else f"{used}: ended {end.isoformat()}"),
        "esu_until": r.esu_end().isoformat() if r.esu_end() else None,
        "support": r.support_rows(today),
        "notes": r.notes,
        "source": r.source,
        "reviewed": r.reviewed,
    }


def _family(f: Facts) -> tuple[str | None, str | None]:
    sku_family = load_table().sku_families.get(f.sku) if f.sku is not None else None
    if f.product_type is not None:
        if f.product_type == 1:
            return "client", f"ProductType {f.product_type} (workstation)"
        if f.product_type in (2, 3):
            return "server", f"ProductType {f.product_type} ({'domain controller' if f.product_type == 2 else 'server'})"
    if f.role_type is not None and f.family_hint:
        return f.family_hint, f"the OS configuration '{f.role_text}': a {ROLE_NAMES[f.role_type]}"
    if f.installation_type:
        low = f.installation_type.lower()
        if low == "client":
            return "client", "InstallationType Client"
        if "server" in low:
            return "server", f"InstallationType {f.installation_type}"
    if f.edition_id and f.edition_id.lower().startswith("server"):
        return "server", f"EditionID {f.edition_id}"
    if sku_family:
        return sku_family, f"OperatingSystemSKU {f.sku}"
    if f.product_text:
        low = f.product_text.lower()
        if re.search(r"server|serveur|servidor|сервер", low):
            return "server", f"the name '{f.product_text}'"
        if re.search(r"windows\s*(nt\s*)?(xp|vista|7|8|8\.1|10|11|2000 professional|me|9[58])\b|workstation", low):
            return "client", f"the name '{f.product_text}'"
    if f.family_hint:
        return f.family_hint, "the OS configuration line"
    return None, None


def _narrow(cands: list[Release], keep, hint: str, result: Identification) -> list[Release]:
    kept = [r for r in cands if keep(r)]
    if kept and len(kept) < len(cands):
        result.hints.append(hint)
        return kept
    if not kept:
        result.conflicts.append(f"{hint} fits none of the releases with this build; ignored")
    return cands


def _caption_text(text: str) -> str:
    text = text.replace("®", " ").replace("(R)", " ").replace("™", " ").replace("(TM)", " ")
    return " ".join(text.lower().split())


def candidates_for(facts: Facts, table: ReleaseTable) -> tuple[list[Release], str | None]:
    releases = list(table.releases)
    if facts.build is not None:
        builds = table.servicing_group(facts.build) if facts.servicing_base_only else [facts.build]
        found = [r for r in releases if r.build in builds]
        if facts.major is not None:
            found = [r for r in found if (r.major, r.minor) == (facts.major, facts.minor)] or found
        if found:
            return found, None
        same_line = [r for r in releases if facts.major is None or (r.major, r.minor) == (facts.major, facts.minor)]
        older = [r for r in same_line if r.build < facts.build]
        newest = max((r.build for r in table.releases), default=0)
        if facts.build > newest:
            why = (f"build {facts.build} is newer than every release in the data (reviewed {table.reviewed}): "
                   "an Insider/preview build or a release newer than the data")
        elif older:
            nearest = max(older, key=lambda r: r.build)
            why = (f"build {facts.build} is not a released build; the nearest older release is "
                   f"{nearest.label} ({nearest.version}) - an Insider, beta or preview build?")
        else:
            why = f"build {facts.build} is not a released Windows build"
        return [], why
    if facts.major is not None:
        return [r for r in releases if (r.major, r.minor) == (facts.major, facts.minor)], None
    return [], "no build number"


def identify_facts(facts: Facts, table: ReleaseTable | None = None) -> Identification:
    table = table or load_table()
    cands, unknown = candidates_for(facts, table)
    erratum = table.erratum(facts.version)
    if erratum and not cands:
        unknown = erratum["note"]
    result = Identification(facts=facts, matches=cands, unknown_build=unknown)
    if not cands:
        return result
    if facts.major is None and len({(r.major, r.minor) for r in cands}) == 1:
        facts.major, facts.minor = cands[0].major, cands[0].minor
    result.channel = edition_channel(facts)
    family, why = _family(facts)
    if family:
        cands = _narrow(cands, lambda r: r.family == family, f"{family} ({why})", result)
    if facts.sku is not None and facts.sku in table.sku_kinds:
        kinds = table.sku_kinds[facts.sku]
        name = table.sku_names.get(facts.sku, "")
        cands = _narrow(cands, lambda r: r.kind in kinds, f"OperatingSystemSKU {facts.sku} ({name})", result)
    if facts.edition_id and facts.edition_id.lower() in EDITION_KINDS:
        kinds = EDITION_KINDS[facts.edition_id.lower()]
        cands = _narrow(cands, lambda r: r.kind in kinds, f"EditionID {facts.edition_id}", result)
    sku = facts.sku if facts.sku is not None else EDITION_SKUS.get((facts.edition_id or "").lower())
    if sku is not None and any(r.skus and sku in r.skus for r in cands):
        cands = _narrow(cands, lambda r: not r.skus or sku in r.skus, f"edition SKU {sku} ({table.sku_names.get(sku, '')})",
                        result)
    if facts.product_text:
        cap = _caption_text(facts.product_text)

        def fit(r: Release) -> int:
            m = re.search(r.caption, cap) if r.caption else None
            return len(m.group(0)) if m else 0

        # the most specific name wins: "small business server 2008" over "server 2008"
        best = max((fit(r) for r in cands), default=0)
        cands = _narrow(cands, lambda r: best > 0 and fit(r) == best, f"the name '{facts.product_text}'", result)
    if facts.service_pack is not None:
        label = facts.service_pack or "no service pack (original release)"
        cands = _narrow(cands, lambda r: r.reports_service_pack(facts.service_pack), label, result)
    if facts.display_version and len({r.release for r in cands}) > 1:
        cands = _narrow(cands, lambda r: r.release == facts.display_version or r.kind != "standard",
                        f"DisplayVersion {facts.display_version}", result)
    result.matches = sorted(cands, key=lambda r: (r.build, r.family, r.kind != "standard", r.released))
    result.ambiguity = explain_ambiguity(result.matches, table)
    result.script_notes = script_notes(facts, result.matches, table)
    return result


def explain_ambiguity(matches: list[Release], table: ReleaseTable) -> str | None:
    labels = sorted({r.label for r in matches})
    if len(labels) < 2:
        return None
    parts = [f"This can be any of {len(labels)} releases: {', '.join(labels)}."]
    families = {r.family for r in matches}
    kinds = {r.kind for r in matches}
    sps = {r.service_pack for r in matches}
    builds = sorted({r.build for r in matches})
    if len(families) > 1:
        parts.append("Client or server: ProductType (1 = workstation, 2 = domain controller, 3 = server) or "
                     "InstallationType (Client / Server / Server Core) tells them apart.")
    if len(kinds) > 1:
        parts.append("Edition: OperatingSystemSKU / EditionID (SBS 9 or 0x19, Essentials 0x32, Home Server 0x13/0x22, "
                     "LTSC EnterpriseS 0x7D) or the Caption names it.")
    if len(sps) > 1:
        parts.append("Service pack: CSDVersion or ServicePackMajorVersion (the build does not change with every service pack).")
    if len(builds) > 1:
        parts.append(f"Builds {', '.join(map(str, builds))} share one servicing base; the OS build (CurrentBuildNumber, "
                     "not $PSVersionTable.BuildVersion) tells them apart.")
    for b in builds:
        tip = table.how_to_tell(b)
        if tip and tip not in parts:
            parts.append(tip)
    return " ".join(parts)


def script_notes(facts: Facts, matches: list[Release], table: ReleaseTable) -> list[str]:
    """What this build means for scripts that test the OS version."""
    notes: list[str] = []
    if not matches:
        return notes
    build = matches[0].build
    builds = {r.build for r in matches}
    sharing = sorted({r.label for r in table.releases if r.build in builds} - {r.label for r in matches})
    if sharing:
        notes.append(f"Build {', '.join(map(str, sorted(builds)))} is shared with {', '.join(sharing)}: a test on the "
                     "build alone matches them too; add a ProductType (client/server) or edition test.")
    for b in sorted(builds):
        change = table.build_change(b)
        if change:
            notes.append(f"{', '.join(change['products'])} moved from {change['from']} to {change['to']} with the 2019 "
                         f"updates; a script that looks for \"{change['from']}\" misses patched servers: test "
                         f"build >= {change['from']} as a number.")
        group = table.servicing_group(b)
        if len(group) > 1:
            notes.append(f"Builds {', '.join(map(str, group))} are enablement-package siblings: same cumulative updates and "
                         "the same UBR; only the build number tells them apart.")
    majors = {(r.major, r.minor) for r in matches}
    if (10, 0) in majors:
        notes.append("Version 10.0 covers Windows 10, Windows 11 and Server 2016-2025: 'Major -eq 10' is not a Windows 10 "
                     f"test. Windows 11 is build {landmarks.windows11()} or higher; compare the build as a number.")
        if any(r.build >= landmarks.windows11() for r in matches):
            notes.append("ProductName in the registry says 'Windows 10' on Windows 11; ReleaseId is frozen at 2009; "
                         "use CurrentBuildNumber and DisplayVersion.")
    if (6, 3) in majors or (10, 0) in majors:
        notes.append("Registry CurrentVersion is frozen at 6.3 on Windows 8.1 and later; read CurrentMajorVersionNumber / "
                     "CurrentMinorVersionNumber, or the build.")
    if (5, 0) in majors:
        notes.append("ver prints 5.00.2195 on Windows 2000: a test for \"5.0.\" fails; compare numbers.")
    if any(r.build >= landmarks.without_wmic() for r in matches):
        notes.append("wmic is an optional feature that is off on new 24H2 installs and absent from Server 2025: use "
                     "PowerShell Get-CimInstance or the registry.")
    if build < 2600 and (4, 0) in majors:
        notes.append("NT 4.0's ver prints 'Windows NT Version 4.0' with no brackets and no build.")
    notes.append(f"A safe test compares whole numbers: build {'>=' if len(builds) == 1 else 'in'} "
                 f"{', '.join(map(str, sorted(builds)))} and ProductType, never a substring of the ver text.")
    return notes


def identify_text(text: str) -> Identification:
    """Parse ``text`` and identify it (raises UserInputError for text without a Windows version)."""
    return identify_facts(parse_text(text))
