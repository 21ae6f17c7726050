"""The version of the machine the kit runs on, read the way scripts should read it.

On Windows this reads ``HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion`` through
the 64-bit registry view (a 32-bit process would otherwise see the WOW64 view) and
``ProductOptions\\ProductType``; unlike GetVersionEx it is not compatibility-shimmed.
Elsewhere it says so plainly, so the admin pastes text from the Windows machine instead.
"""

from __future__ import annotations

import sys

from sbskit.core.errors import UserInputError
from sbskit.core.osver import landmarks
from sbskit.core.osver.identify import Identification, identify_facts
from sbskit.core.osver.parse import Facts

CV_KEY = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion"
PO_KEY = r"SYSTEM\CurrentControlSet\Control\ProductOptions"
NOT_WINDOWS = ("this computer runs {platform}, not Windows: paste the output of 'ver', 'systeminfo' or "
               "'reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\"' from the Windows machine instead")


def read_local_facts() -> Facts:
    if sys.platform != "win32":
        raise UserInputError(NOT_WINDOWS.format(platform=sys.platform))
    import winreg  # only on Windows

    def values(path: str) -> dict[str, object]:
        found: dict[str, object] = {}
        access = winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path, 0, access) as key:
                index = 0
                while True:
                    try:
                        name, value, _kind = winreg.EnumValue(key, index)
                    except OSError:
                        break
                    found[name.lower()] = value
                    index += 1
        except OSError as exc:
            raise UserInputError(f"cannot read HKLM\\{path}: {exc.strerror or exc}") from None
        return found

    return facts_from_registry(values(CV_KEY), values(PO_KEY))


def facts_from_registry(cv: dict[str, object], po: dict[str, object]) -> Facts:
    """Facts from the values of ``...\\Windows NT\\CurrentVersion`` and ``ProductOptions``
    (names lower-cased, values as winreg returns them: DWORDs as int, strings as str)."""
    facts = Facts(kind="local")
    major = cv.get("currentmajorversionnumber")
    if isinstance(major, int):
        facts.major, facts.minor = major, int(cv.get("currentminorversionnumber") or 0)
    elif isinstance(cv.get("currentversion"), str):
        a, _, b = str(cv["currentversion"]).partition(".")
        facts.major, facts.minor = int(a), int(b or 0)
    build = cv.get("currentbuildnumber") or cv.get("currentbuild")
    facts.build = int(str(build)) if build and str(build).isdigit() else None
    if facts.major == 6 and facts.minor == 3 and (facts.build or 0) >= landmarks.windows10():
        facts.major, facts.minor = 10, 0  # CurrentVersion is frozen at 6.3
    ubr = cv.get("ubr")
    facts.revision = ubr if isinstance(ubr, int) else None
    facts.product_text = str(cv.get("productname") or "") or None
    facts.edition_id = str(cv.get("editionid") or "") or None
    facts.installation_type = str(cv.get("installationtype") or "") or None
    facts.display_version = str(cv.get("displayversion") or "") or None
    csd = cv.get("csdversion")
    facts.service_pack = None if csd is None else ("SP" + str(csd).split()[-1] if str(csd).strip() else "")
    pt = str(po.get("producttype") or "").lower()
    facts.product_type = {"winnt": 1, "lanmannt": 2, "servernt": 3}.get(pt)
    if facts.build and facts.build >= landmarks.windows11() and facts.product_text and "windows 10" in facts.product_text.lower():
        facts.notes.append(f"ProductName says Windows 10, but build {landmarks.windows11()}+ is Windows 11.")
        facts.product_text = facts.product_text.replace("Windows 10", "Windows 11")
    if facts.build is None:
        raise UserInputError("the registry of this computer has no CurrentBuildNumber")
    return facts


def identify_local() -> Identification:
    return identify_facts(read_local_facts())
