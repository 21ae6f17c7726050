"""What a pasted text says about a Windows installation, before it is matched to releases.

Every parser fills the same record; :mod:`identify` narrows the release table with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Facts:
    kind: str = "version"
    major: int | None = None
    minor: int | None = None
    build: int | None = None
    revision: int | None = None
    product_text: str | None = None
    product_type: int | None = None
    installation_type: str | None = None
    edition_id: str | None = None
    sku: int | None = None
    service_pack: str | None = None  # "SP2", or "" for "no service pack"
    display_version: str | None = None
    release_id: str | None = None
    family_hint: str | None = None  # from a localized systeminfo "OS Configuration" line
    role_type: int | None = None  # that line as a ProductType: 1 workstation, 2 domain controller, 3 server
    role_text: str | None = None  # the line's value as printed ("Основной контроллер домена")
    servicing_base_only: bool = False  # build came from $PSVersionTable.BuildVersion
    maybe_shimmed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def version(self) -> str | None:
        if self.major is None:
            return None
        if self.build is None:
            return f"{self.major}.{self.minor or 0}"
        return f"{self.major}.{self.minor or 0}.{self.build}"
