"""The Windows release table: loading, lookups and support status on a given day.

Support status is always computed against a ``today`` the caller passes in (the GUI and
CLI pass the real date, tests a fixed one), never against a date baked into the data.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass, field
from typing import Any

from sbskit.core.resources import load_json

DATA_FILE = "windows-releases.json"


@dataclass(frozen=True)
class Channel:
    name: str
    mainstream_end: _dt.date | None
    extended_end: _dt.date


@dataclass(frozen=True)
class Release:
    id: str
    product: str
    family: str  # "client" | "server"
    line: str
    kind: str  # standard, ltsc, sac, annual, sbs, ebs, essentials, home-server, 9x
    major: int
    minor: int
    build: int
    service_pack: str | None
    release: str | None
    released: _dt.date
    channels: tuple[Channel, ...]
    service_pack_end: _dt.date | None
    esu: tuple[tuple[str, _dt.date], ...]
    caption: str | None
    ver_product: str
    skus: tuple[int, ...]
    notes: str | None
    source: str
    reviewed: str
    version_text: str = field(default="")  # as ``ver`` prints it (5.00.2195, 4.0, 6.1.7601)
    # what CSDVersion / systeminfo show on it ("" = none): SBS 2008 on the 2008 SP1 base says
    # "Service Pack 1"; one NT 4.0 row covers SP1-SP6a
    reported_service_packs: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        return f"{self.major}.{self.minor}.{self.build}"

    @property
    def label(self) -> str:
        """Product plus service pack or release label: 'Windows Vista SP1', 'Windows 10 22H2'."""
        parts = [self.product]
        if self.release and not self.release.startswith("build") and not self.product.endswith(self.release) and not (
            self.family == "server" and self.kind in ("standard", "essentials")
        ):
            parts.append(self.release)
        if self.service_pack:
            parts.append(self.service_pack)
        if self.release and self.release.startswith("build"):
            parts.append(f"(build {self.build})")
        return " ".join(parts)

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.build)

    def reports_service_pack(self, sp: str) -> bool:
        """True if a machine of this release can show ``sp`` ("SP2", or "" for none) as its service pack."""
        return sp in (self.reported_service_packs or ((self.service_pack or ""),))

    def ver_line(self, revision: int | None = None) -> str:
        """The line ``ver`` prints on this release (English), used to prove token-position findings."""
        if self.major == 4 and self.minor == 0 and self.build == 1381:
            return "Windows NT Version 4.0"
        text = self.version_text
        if revision is not None and self.major >= 10:
            text = f"{text}.{revision}"
        return f"{self.ver_product} [Version {text}]"

    # -- support ------------------------------------------------------------------
    def end_of_support(self) -> _dt.date:
        """The product's last day of free security updates in any channel (ESU not counted)."""
        return max(c.extended_end for c in self.channels)

    def effective_end(self) -> _dt.date:
        """End of support for this service pack level (earlier than the product's when the SP retired)."""
        end = self.end_of_support()
        if self.service_pack_end and self.service_pack_end < end:
            end = self.service_pack_end
        return end

    def esu_end(self) -> _dt.date | None:
        return max((d for _, d in self.esu), default=None)

    def supported(self, today: _dt.date) -> bool:
        return today <= self.effective_end()

    def support_rows(self, today: _dt.date) -> list[dict[str, Any]]:
        """Per servicing channel: its dates and status today (ESU channels included)."""
        rows = []
        for c in self.channels:
            end = c.extended_end
            if self.service_pack_end and self.service_pack_end < end:
                end = self.service_pack_end
            if today <= (c.mainstream_end or _dt.date.min) and c.mainstream_end and c.mainstream_end < c.extended_end:
                status = "mainstream"
            elif today <= end:
                status = "supported" if not c.mainstream_end or c.mainstream_end >= end else "extended"
            else:
                status = "ended"
            rows.append({"channel": c.name, "mainstream_end": _iso(c.mainstream_end), "end": end.isoformat(), "status": status})
        for name, end in self.esu:
            rows.append({"channel": name, "mainstream_end": None, "end": end.isoformat(),
                         "status": "esu" if today <= end else "ended"})
        return rows

    def status_text(self, today: _dt.date) -> str:
        end = self.effective_end()
        if self.service_pack_end and self.service_pack_end < self.end_of_support():
            sp = self.service_pack or "the original release"
            if today > self.service_pack_end:
                return (f"ended: {sp} lost support {self.service_pack_end.isoformat()} "
                        f"(the product {'ended' if today > self.end_of_support() else 'ends'} "
                        f"{self.end_of_support().isoformat()})")
        ends = sorted({c.extended_end for c in self.channels})
        if len(ends) > 1 and ends[0] < today <= ends[-1]:
            live = [c.name for c in self.channels if today <= c.extended_end]
            dead = [f"{c.name} ended {c.extended_end.isoformat()}" for c in self.channels if today > c.extended_end]
            return (f"supported until {ends[-1].isoformat()} for {', '.join(live)} "
                    f"({(ends[-1] - today).days} days left); {'; '.join(dead)}")
        if today <= end:
            return f"supported until {end.isoformat()} ({(end - today).days} days left)"
        esu = [(n, d) for n, d in self.esu if today <= d]
        if esu:
            name, d = max(esu, key=lambda x: x[1])
            return f"ended {end.isoformat()}; paid {name} until {d.isoformat()}"
        return f"ended {end.isoformat()}"


def _iso(d: _dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(text: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(text) if text else None


def _release(raw: dict[str, Any]) -> Release:
    major_text, minor_text = raw["version"].split(".")
    version_text = f"{int(major_text)}.{minor_text}.{raw['build']}"
    if raw["version"] == "5.0":
        version_text = f"5.00.{raw['build']}"
    if raw["kind"] == "9x":
        version_text = f"{int(major_text)}.{minor_text.ljust(2, '0')}.{raw['build']}"
    return Release(
        id=raw["id"], product=raw["product"], family=raw["family"], line=raw["line"], kind=raw["kind"],
        major=int(major_text), minor=int(minor_text), build=int(raw["build"]),
        service_pack=raw.get("service_pack"), release=raw.get("release"), released=_date(raw["released"]),
        channels=tuple(Channel(c["channel"], _date(c.get("mainstream_end")), _date(c["extended_end"])) for c in raw["support"]),
        service_pack_end=_date(raw.get("service_pack_end")),
        esu=tuple((e["channel"], _date(e["end"])) for e in raw.get("esu", [])),
        caption=raw.get("caption"), ver_product=raw.get("ver_product") or "Microsoft Windows",
        skus=tuple(raw.get("skus", [])), notes=raw.get("notes"), source=raw["source"], reviewed=raw["reviewed"],
        version_text=version_text,
        reported_service_packs=tuple(raw.get("reported_service_packs", ())),
    )


@dataclass(frozen=True)
class ReleaseTable:
    releases: tuple[Release, ...]
    shared_builds: tuple[dict[str, Any], ...]
    build_changes: tuple[dict[str, Any], ...]
    enablement: tuple[dict[str, Any], ...]
    sku_names: dict[int, str]
    sku_kinds: dict[int, tuple[str, ...]]
    reviewed: str
    errata: tuple[dict[str, Any], ...] = ()
    sku_families: dict[int, str] = field(default_factory=dict)

    def erratum(self, version: str | None) -> dict[str, Any] | None:
        """A known wrong version number from a secondary source (endoflife.date's 6.0.6200)."""
        return next((e for e in self.errata if e["version"] == version), None)

    def nt(self) -> list[Release]:
        """Every NT release (the 9x rows are only there to name old ver output)."""
        return [r for r in self.releases if r.kind != "9x"]

    def servicing_group(self, build: int) -> list[int]:
        """Builds sharing one servicing base with ``build`` (enablement packages), else [build]."""
        for group in self.enablement:
            if build in group["builds"]:
                return list(group["builds"])
        return [build]

    def how_to_tell(self, build: int) -> str | None:
        for group in self.shared_builds:
            if build in group["builds"]:
                return group["how_to_tell"]
        return None

    def build_change(self, build: int) -> dict[str, Any] | None:
        for change in self.build_changes:
            if build in (change["from"], change["to"]):
                return change
        return None


@functools.lru_cache(maxsize=1)
def load_table() -> ReleaseTable:
    raw = load_json(DATA_FILE)
    return ReleaseTable(
        releases=tuple(_release(r) for r in raw["releases"]),
        shared_builds=tuple(raw.get("shared_builds", [])),
        build_changes=tuple(raw.get("build_changes", [])),
        enablement=tuple(raw.get("enablement_packages", [])),
        sku_names={int(k): v for k, v in raw.get("skus", {}).items()},
        sku_kinds={int(k): tuple(v) for k, v in raw.get("sku_kinds", {}).items()},
        reviewed=raw.get("reviewed", "?"),
        errata=tuple(raw.get("errata", [])),
        sku_families={int(sku): fam for fam, skus in raw.get("sku_families", {}).items() for sku in skus},
    )


def today() -> _dt.date:
    """The real date, for callers that are not tests."""
    return _dt.date.today()
