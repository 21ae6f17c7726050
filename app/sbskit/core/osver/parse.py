"""Read a Windows version out of whatever text an admin pastes.

Formats: ``ver`` in any language (the word "Version" is translated, lower-cased or in
another script; 9x, NT 4.0 and 2000's ``5.00`` forms), ``systeminfo`` (localized labels),
``wmic os get ...`` (UTF-16, ``\\r\\r\\n``, alphabetical columns, or ``/value``),
``reg query`` of ``...\\Windows NT\\CurrentVersion`` (hex DWORDs) and ``.reg`` exports,
PowerShell (``[Environment]::OSVersion``, ``Get-CimInstance Win32_OperatingSystem``,
``Get-ComputerInfo``, ``$PSVersionTable``), ``winver`` text, and a bare version or build.

The parser only collects *facts*; :mod:`identify` turns them into releases.
"""

from __future__ import annotations

import re

from sbskit.core.errors import UserInputError
from sbskit.core.osver import landmarks
from sbskit.core.osver.codepage import repair_mojibake
from sbskit.core.osver.facts import Facts
from sbskit.core.osver.paste import unwrap_paste
from sbskit.core.osver.sysinfo import parse_systeminfo
from sbskit.core.osver.textio import check_text, normalize_newlines

__all__ = ["Facts", "parse_text"]



_VERSION = r"(\d{1,2})\.(\d{1,2})(?:\.(\d{1,5}))?(?:\.(\d{1,6}))?"
_VER_RE = re.compile(
    r"(?P<name>(?:Microsoft\s*(?:\(R\)|®)?\s*)?Windows[^\[\]\n]{0,40}?)\s*\[\s*(?P<word>[^\d\]\n]{0,20}?)\s*"
    r"(?P<ver>\d{1,2}\.\d{1,2}(?:\.\d{1,5}){0,2})\s*\]",
    re.IGNORECASE,
)
_NT_VER_RE = re.compile(r"\bWindows\s+NT\s+[^\d\n]{1,20}?\s*(4\.0|3\.51)\b", re.IGNORECASE)
_REG_LINE = re.compile(r"^\s*(\S+)\s+REG_(SZ|DWORD|EXPAND_SZ|MULTI_SZ|QWORD|BINARY)\s*(.*?)\s*$", re.IGNORECASE)
_REGFILE_LINE = re.compile(r'^"([^"]+)"=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-fA-F]{1,8}))\s*$')
_PS_LIST = re.compile(r"^([A-Za-z][\w.]*)\s+:(?:\s(.*?))?\s*$")
_WMIC_VALUE = re.compile(r"^([A-Za-z]\w*)=(.*?)\s*$")
_WINVER = re.compile(r"\b(?:OS\s+Build|Build\s+du\s+syst\S+|Betriebssystembuild|compilaci\S+\s+del\s+SO)\s+(\d{4,5})\.(\d{1,6})\b",
                     re.IGNORECASE)
_DISPLAY_VERSION = re.compile(r"\b(\d{2}H[12])\b")

WMI_COLUMNS = {
    "buildnumber", "caption", "csdversion", "operatingsystemsku", "producttype", "servicepackmajorversion",
    "servicepackminorversion", "version", "name", "osarchitecture", "buildtype", "systemdirectory", "organization",
    "registereduser", "serialnumber", "manufacturer", "lastbootuptime", "installdate", "locale", "oslanguage",
    "countrycode", "csname", "suitemask", "ostype", "status", "description", "freephysicalmemory",
}

def _int(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    try:
        if text.lower().startswith("0x"):
            return int(text, 16)
        return int(text)
    except ValueError:
        return None


def _set_version(facts: Facts, text: str, *, revision_is_ubr: bool = True) -> bool:
    m = re.search(r"\b" + _VERSION + r"\b", text)
    if not m:
        return False
    facts.major, facts.minor = int(m.group(1)), int(m.group(2))
    facts.build = int(m.group(3)) if m.group(3) else facts.build
    if m.group(4) is not None and revision_is_ubr:
        facts.revision = int(m.group(4))
    return True


def _service_pack(text: str) -> str | None:
    text = text.strip()
    if not text or text.lower() in ("n/a", "none", "0"):
        return ""
    m = re.search(r"(\d+)\s*$", text) or re.search(r"(\d+)", text)
    if m and int(m.group(1)) > 0:
        return f"SP{int(m.group(1))}"
    return "" if m else None


# --- key/value collection ----------------------------------------------------------------
def _table_rows(lines: list[str]) -> list[dict[str, str]]:
    """Fixed-width tables: a header and, for PowerShell, a ``----`` rule under it (wmic has none)."""
    rows: list[dict[str, str]] = []
    for i, line in enumerate(lines):
        words = line.split()
        if len(words) < 1:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt.strip() and set(nxt.strip()) <= {"-", " "}:  # PowerShell Format-Table
            starts = [m.start() for m in re.finditer(r"-+", nxt)]
            # one rule per header word: name the columns by order, so a header copied without its
            # indentation (the first line of a selection) still names the right columns
            names = words if len(words) == len(starts) else None
            data_lines = []
            for later in lines[i + 2:]:
                if not later.strip():
                    break
                data_lines.append(later)
            for data in data_lines:
                row = {}
                for j, start in enumerate(starts):
                    end = starts[j + 1] if j + 1 < len(starts) else None
                    key = names[j] if names else line[start:end].strip()
                    row[key] = data[start:end].strip() if end else data[start:].strip()
                rows.append(row)
            continue
        lower = [w.lower() for w in words]
        if len(lower) >= 1 and all(w in WMI_COLUMNS for w in lower) and i + 1 < len(lines):
            starts = [m.start() for m in re.finditer(r"\S+", line)]
            for data in lines[i + 1:]:
                if not data.strip():
                    continue
                if set(data.split()) & set(words):
                    break
                rows.append(_wmic_row(words, starts, data))
                break
    return rows


def _wmic_row(names: list[str], starts: list[int], data: str) -> dict[str, str]:
    """wmic pads every column to its header plus two spaces, but a value with characters the
    console counts differently (the ® in captions) shifts the rest of the row: each value
    (a run without double spaces) goes to the column whose header starts nearest to it."""
    row = dict.fromkeys(names, "")
    for m in re.finditer(r"\S+(?: \S+)*", data):
        j = min(range(len(starts)), key=lambda k: abs(starts[k] - m.start()))
        row[names[j]] = (row[names[j]] + " " + m.group(0)).strip()
    return row


def _collect(lines: list[str]) -> tuple[dict[str, str], set[str]]:
    """Every ``key -> value`` pair in the text, and which syntaxes were seen."""
    pairs: dict[str, str] = {}
    seen: set[str] = set()

    def put(key: str, value: str, how: str) -> None:
        k = key.lower()
        if k not in pairs or not pairs[k]:
            pairs[k] = value
        seen.add(how)

    for line in lines:
        if m := _REG_LINE.match(line):
            put(m.group(1), m.group(3), "registry")
        elif m := _REGFILE_LINE.match(line.strip()):
            put(m.group(1), m.group(2) if m.group(2) is not None else "0x" + m.group(3), "registry")
        elif m := _WMIC_VALUE.match(line.strip()):
            put(m.group(1), m.group(2), "wmic")
        elif m := _PS_LIST.match(line):
            put(m.group(1), m.group(2) or "", "powershell")
    for row in _table_rows(lines):
        if set(row) == {"Name", "Value"}:  # $PSVersionTable and other hashtables
            put(row["Name"], row["Value"], "table")
            continue
        for key, value in row.items():
            put(key, value, "table")
    return pairs, seen


def _apply_pairs(facts: Facts, pairs: dict[str, str]) -> bool:
    """Fill ``facts`` from known property names; True if a version or build was found."""
    g = pairs.get
    found = False
    major = _int(g("currentmajorversionnumber"))
    minor = _int(g("currentminorversionnumber"))
    build = _int(g("currentbuildnumber") or g("currentbuild") or g("buildnumber") or g("osbuildnumber") or g("build"))
    if major is not None:
        facts.major, facts.minor = major, minor or 0
        found = True
    for key in ("version", "osversion", "versionstring", "os"):
        value = g(key)
        if value and re.search(_VERSION, value):
            if key == "version" and re.fullmatch(r"\d{2}H\d|\d{4}", value.strip()):
                continue
            if not found or facts.build is None:
                _set_version(facts, value, revision_is_ubr=key not in ("versionstring",))
                found = True
                if key == "versionstring" and facts.revision in (0, None):
                    facts.revision = None
            break
    if g("major") and _int(g("major")) is not None and facts.major is None:
        facts.major, facts.minor = _int(g("major")), _int(g("minor")) or 0
        build = build or _int(g("build"))
        rev = _int(g("revision"))
        facts.revision = rev if rev else None
        found = True
    cv = g("currentversion")
    if cv and facts.major is None and re.fullmatch(r"\d+\.\d+", cv.strip()):
        facts.major, facts.minor = (int(x) for x in cv.strip().split("."))
        found = True
    if build is not None:
        facts.build = build
        found = True
    if facts.major == 6 and facts.minor == 3 and (facts.build or 0) >= landmarks.windows10():
        facts.major, facts.minor = 10, 0
        facts.notes.append("CurrentVersion says 6.3 but it is frozen there since Windows 10; the build shows this is 10.0.")
    ubr = _int(g("ubr"))
    if ubr is not None:
        facts.revision = ubr
    if not found:
        for key in ("windowsbuildlabex", "buildlabex", "buildlab", "windowsbuildlab"):
            value = g(key)
            if value and (m := re.match(r"(\d{4,5})\.(\d+)", value)):
                facts.build = int(m.group(1))
                found = True
                break
    if (g("platform") or "").strip().lower() == "win32nt":
        facts.revision = None  # [Environment]::OSVersion: the 4th part is 0, not the UBR
    ps_build = g("buildversion")
    if not found and ps_build and re.search(_VERSION, ps_build):
        _set_version(facts, ps_build)
        facts.servicing_base_only = True
        facts.notes.append("$PSVersionTable.BuildVersion is Windows PowerShell's own build: on an enablement-package "
                           "release it shows the servicing base (10.0.19041 on 20H2-22H2), not the OS build.")
        found = True
    for key in ("caption", "osname", "windowsproductname", "productname", "name"):
        value = g(key)
        if value and re.search(r"windows", value, re.IGNORECASE):
            facts.product_text = value.split("|")[0].strip()
            break
    pt = g("producttype") or g("osproducttype")
    if pt:
        facts.product_type = _int(pt) if _int(pt) is not None else {
            "workstation": 1, "domaincontroller": 2, "server": 3, "winnt": 1, "lanmannt": 2, "servernt": 3,
        }.get(pt.strip().lower())
    it = g("installationtype") or g("windowsinstallationtype")
    if it:
        facts.installation_type = it.strip()
    ed = g("editionid") or g("windowseditionid")
    if ed:
        facts.edition_id = ed.strip()
    sku = _int(g("operatingsystemsku") or g("osoperatingsystemsku") or "")
    if sku is not None:
        facts.sku = sku
    sp = g("csdversion")
    if sp is not None:  # present but empty: the column or property is there and names no service pack
        facts.service_pack = _service_pack(sp)
    elif g("servicepackmajorversion") or g("osservicepackmajorversion"):
        n = _int(g("servicepackmajorversion") or g("osservicepackmajorversion"))
        if n is not None:
            facts.service_pack = f"SP{n}" if n else ""
    dv = g("displayversion") or g("osdisplayversion")
    if dv:
        facts.display_version = dv.strip()
    rid = g("releaseid") or g("windowsversion")
    if rid:
        facts.release_id = rid.strip()
    return found


# --- the individual formats ----------------------------------------------------------------
def _parse_ver(text: str) -> Facts | None:
    m = _VER_RE.search(text)
    if m:
        facts = Facts(kind="ver")
        _set_version(facts, m.group("ver"))
        # ver names no edition (2000 Server and Professional both print "Microsoft Windows 2000"),
        # so its product words are not used to narrow the candidates.
        if m.group("ver").startswith("5.00."):
            facts.notes.append("Windows 2000's ver prints the minor version as '00' (5.00.2195).")
        return facts
    m = _NT_VER_RE.search(text)
    if m:
        facts = Facts(kind="ver")
        major, minor = m.group(1).split(".")
        facts.major, facts.minor = int(major), int(minor)
        facts.build = 1381 if m.group(1) == "4.0" else None
        facts.notes.append("NT 4.0's ver prints no build; every NT 4.0 service pack is build 1381.")
        return facts
    return None


def _readers(text: str, lines: list[str]):
    """Each way of reading the text, most specific first; each yields Facts or None."""
    pairs, seen = _collect(lines)

    def from_pairs(kind: str) -> Facts | None:
        facts = Facts(kind=kind)
        return facts if _apply_pairs(facts, pairs) else None

    if "registry" in seen:
        yield lambda: from_pairs("registry")
    if ("wmic" in seen or "table" in seen) and any(k in pairs for k in _TABLE_KEYS):
        ruled = any(set(line.strip()) <= {"-", " "} and line.strip() for line in lines)
        yield lambda: from_pairs("wmic" if "wmic" in seen or ("table" in seen and not ruled) else "powershell")
    yield lambda: parse_systeminfo(lines, Facts)
    if "powershell" in seen:
        yield lambda: from_pairs("powershell")
    yield lambda: _parse_ver(text)
    yield lambda: _parse_winver(text)
    yield lambda: _parse_version_string(text)
    yield lambda: _parse_bare(text)


_TABLE_KEYS = ("version", "buildnumber", "caption", "major", "buildversion", "versionstring", "os", "osversion")


def parse_text(text: str) -> Facts:
    """Find the Windows version in ``text``; raises :class:`UserInputError` if there is none.

    A reading that gives an impossible version (a table whose columns a paste has shifted)
    gives way to the next one; only if none is plausible is the first problem reported.
    """
    text = check_text(text)
    text = normalize_newlines(text).replace("\ufeff", "")
    if not text.strip():
        raise UserInputError("the text is empty: paste the output of ver, systeminfo, wmic, reg query or PowerShell")
    text, codepage = repair_mojibake(text)  # first: a no-break space may be a garbled Cyrillic 'а'
    text, paste_notes = unwrap_paste(text)
    first_problem: UserInputError | None = None
    facts: Facts | None = None
    for read in _readers(text, text.split("\n")):
        candidate = read()
        if candidate is None:
            continue
        try:
            _finish(candidate, text)
        except UserInputError as problem:
            first_problem = first_problem or problem
            continue
        facts = candidate
        break
    if facts is None:
        raise first_problem or UserInputError(
            "no Windows version found in the text: paste the output of ver, systeminfo, wmic os get, "
            "reg query ...\\CurrentVersion, PowerShell, or a version such as 6.0.6001")
    if paste_notes:
        facts.notes.append("Read as a pasted copy: " + "; ".join(paste_notes) + ".")
    if codepage:
        facts.notes.append(f"The text had been read with the wrong code page (its accented or non-Latin words were "
                           f"garbled); it was re-read as {codepage}.")
    return facts


# Settings > System > About, "Copy": "OS build 22631.2861" in any language ("Сборка ОС", "操作系统版本")
_SETTINGS_BUILD = re.compile(r"(?m)^[^\d\n:]{2,40}?[\s:]\s*(\d{5})\.(\d{1,5})\s*$")


def _parse_winver(text: str) -> Facts | None:
    m = _WINVER.search(text) or _SETTINGS_BUILD.search(text)
    if not m:
        return None
    facts = Facts(kind="winver", build=int(m.group(1)), revision=int(m.group(2)))
    if dv := _DISPLAY_VERSION.search(text):
        facts.display_version = dv.group(1)
    if pm := re.search(r"Windows\s+(1[01]|Server\s+\d{4})[^\n]*", text):
        facts.product_text = pm.group(0).strip()
    return facts


def _parse_version_string(text: str) -> Facts | None:
    """``Microsoft Windows NT 10.0.22621.0`` ([Environment]::OSVersion.VersionString): the 4th part is not a UBR."""
    m = re.search(r"Microsoft Windows NT\s+" + _VERSION, text)
    if not m:
        return None
    facts = Facts(kind="powershell")
    _set_version(facts, m.group(0), revision_is_ubr=False)
    return facts


def _parse_bare(text: str) -> Facts | None:
    stripped = text.strip()
    if m := re.fullmatch(r"(?i)v?(?:version\s*)?" + _VERSION, stripped):
        facts = Facts(kind="version")
        _set_version(facts, stripped)
        return facts
    if m := re.fullmatch(r"(?i)(?:build\s*|b)?(\d{3,5})(?:\.(\d{1,6}))?", stripped):
        facts = Facts(kind="build", build=int(m.group(1)))
        if m.group(2):
            facts.revision = int(m.group(2))
        return facts
    m = re.search(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{3,5})(?:\.(\d{1,6}))?(?![\d.])", stripped)
    if m and (int(m.group(1)), int(m.group(2))) in landmarks.known_major_minor():
        facts = Facts(kind="version")
        _set_version(facts, m.group(0))
        return facts
    if m := re.search(r"(?i)\bbuild\s*(\d{4,5})(?:\.(\d{1,6}))?\b", stripped):
        facts = Facts(kind="build", build=int(m.group(1)), revision=int(m.group(2)) if m.group(2) else None)
        return facts
    return None


def _finish(facts: Facts, text: str) -> None:
    """Cross-checks every format shares: lying names, frozen values, plausibility."""
    if facts.major is not None and (facts.major, facts.minor) not in landmarks.known_major_minor():
        raise UserInputError(f"{facts.version} is not a Windows version (no Windows release has {facts.major}.{facts.minor})")
    if facts.build is not None and not 100 <= facts.build <= 99999:
        raise UserInputError(f"{facts.build} is not a plausible Windows build number")
    if facts.product_text and facts.build and facts.build >= landmarks.windows11() and re.search(r"windows\s+10", facts.product_text, re.I):
        facts.notes.append(f"The name says '{facts.product_text}', but build {facts.build} is Windows 11: ProductName was "
                           "never updated for Windows 11 (it still says Windows 10).")
        facts.product_text = re.sub(r"(?i)windows\s+10", "Windows 11", facts.product_text)
    if facts.release_id == "2009" and facts.build and facts.build > 19042:
        facts.notes.append("ReleaseId is frozen at 2009 since 20H2; DisplayVersion holds the real release label.")
    if facts.major == 6 and facts.minor == 2 and facts.build == landmarks.windows8() and facts.kind in ("powershell", "version"):
        facts.maybe_shimmed = True
        facts.notes.append("6.2.9200 is also what GetVersionEx and .NET's OSVersion report on Windows 8.1 and later "
                           "to programs without a compatibility manifest; check the registry or ver to be sure.")
    if facts.kind == "powershell" and facts.revision is None and facts.major == 10:
        facts.notes.append("[Environment]::OSVersion carries no UBR (revision 0); read UBR from the registry.")
