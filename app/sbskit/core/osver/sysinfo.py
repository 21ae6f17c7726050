"""systeminfo in any language: the version line, the product name and the machine's role.

The labels are translated (``Название ОС``, ``OS 名称``, ``Configuration du système
d'exploitation``), so lines are picked by label when the label is known and by the shape
of the value otherwise: ``6.3.9600 Н/Д построение 9600`` is the version wherever it
stands. The product name can start with a translated "Microsoft" (``Майкрософт Windows
10 Домашняя``). The "OS Configuration" value names the role (``Основной контроллер
домена``: a domain controller), which tells client from server as surely as ProductType.
A version line without "Service Pack" is the original release: systeminfo prints the
service pack there whenever one is installed.
"""

from __future__ import annotations

import csv
import re

from sbskit.core.osver.words import CONFIG_LABEL_HINT, label_field, role_of

_PAIR = re.compile(r"^([^:\n]{1,70}?\S)\s?:[ \t]+(\S.*?)\s*$")
_VERSION_VALUE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{3,5})\b(.*)$")
_SERVICE_PACK = re.compile(r"(?:service\s*pack|пакет\s+обновления|\bSP)\s*(\d)", re.IGNORECASE)
_PRODUCT = re.compile(r"^(?:[^\s\\/:\[\]]+\s*(?:\(R\)|®)?\s+)?Windows(?:\s*\(R\)|®)?\s+\S", re.IGNORECASE)
ROLE_NAMES = {1: "workstation", 2: "domain controller", 3: "server"}


def _pairs(lines: list[str]) -> list[tuple[str, str, str | None]]:
    """(label, value, known field) for every 'label:   value' line of a systeminfo list."""
    found = []
    for line in lines:
        m = _PAIR.match(line)
        if not m:
            continue
        field = label_field(m.group(1))
        if field or "  " in line:
            found.append((m.group(1).strip(), m.group(2), field))
    return found


def csv_as_list(lines: list[str]) -> list[str] | None:
    """``systeminfo /fo csv``: a quoted header row and a value row, turned into 'label:  value' lines."""
    rows = [line for line in lines if line.strip()][:2]
    if len(rows) < 2 or not (rows[0].startswith('"') and '","' in rows[0]):
        return None
    try:
        header, values = next(csv.reader([rows[0]])), next(csv.reader([rows[1]]))
    except (csv.Error, StopIteration):
        return None
    return [f"{h.strip()}:  {v.strip()}" for h, v in zip(header, values) if h.strip() and v.strip()]


def parse_systeminfo(lines: list[str], facts_type):
    """Facts from systeminfo text (list or CSV form), or None when the text is not systeminfo."""
    pairs = _pairs(csv_as_list(lines) or lines)
    if len(pairs) < 2:
        return None
    version = next((v for _, v, f in pairs if f == "os_version" and _VERSION_VALUE.match(v)), None)
    version = version or next((v for _, v, _f in pairs if _VERSION_VALUE.match(v)), None)
    if version is None:
        return None
    facts = facts_type(kind="systeminfo")
    m = _VERSION_VALUE.match(version)
    facts.major, facts.minor, facts.build = int(m.group(1)), int(m.group(2)), int(m.group(3))
    sp = _SERVICE_PACK.search(m.group(4))
    facts.service_pack = f"SP{sp.group(1)}" if sp else ""
    if not sp:
        facts.notes.append("systeminfo prints the service pack in the OS version line whenever one is installed; "
                           "there is none here, so this is the original release (RTM).")
    product = next((v for _, v, f in pairs if f == "os_name" and _PRODUCT.match(v)), None)
    facts.product_text = product or next((v for _, v, _f in pairs if _PRODUCT.match(v) and "\\" not in v), None)
    for label, value, field in pairs:
        if field == "os_config" or (field is None and CONFIG_LABEL_HINT.search(label)):
            role = role_of(value)
            if role:
                facts.family_hint, facts.role_type = role
                facts.role_text = value
                break
    return facts
