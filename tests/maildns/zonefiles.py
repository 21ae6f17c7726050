"""Write test DNS data into zone files for the real BIND the maildns tests start.

Data is ``{owner: [(type, value), ...]}`` with owners relative to a zone unless they end
in a dot. TXT values may be a string or a list of strings (one record of several
character-strings); characters outside printable ASCII are written as \\DDD escapes, so a
test can serve the raw bytes a broken record really has. ``("TIMEOUT", None)`` makes
every query for the owner go unanswered.
"""

from __future__ import annotations


def txt_rdata(value) -> str:
    strings = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for text in strings:
        raw = text.encode("latin-1") if all(ord(c) < 256 for c in text) else text.encode("utf-8")
        chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]
        for chunk in chunks:
            escaped = "".join(chr(b) if 0x20 <= b <= 0x7E and b not in (0x22, 0x5C) else f"\\{b:03d}" for b in chunk)
            out.append(f'"{escaped}"')
    return " ".join(out)


def owner_text(owner: str) -> str:
    """A zone-file owner: spaces and other specials escaped, '@' for the apex."""
    if owner in ("", "@"):
        return "@"
    return "".join(c if c.isalnum() or c in "-_.*/:%" else f"\\{ord(c):03d}" for c in owner)


def rdata(rtype: str, value) -> str:
    if rtype in ("TXT", "SPF"):
        return txt_rdata(value)
    if rtype == "MX":
        pref, host = value
        return f"{pref} {host if host.endswith('.') or not host else host + '.'}" if host else f"{pref} ."
    if rtype in ("CNAME", "PTR", "NS"):
        return value if value.endswith(".") else value + "."
    return str(value)


def zone_text(records: dict, zone: str) -> tuple[str, list[str]]:
    """Zone-file lines for the records under ``zone``, and the owners that must time out."""
    lines = []
    drops = []
    for owner, rrs in records.items():
        absolute = owner if owner.endswith(".") else (f"{owner}.{zone}." if owner not in ("", "@") else f"{zone}.")
        for rtype, value in rrs:
            if rtype == "TIMEOUT":
                drops.append(absolute.rstrip("."))
                continue
            lines.append(f"{owner_text(absolute)} 300 IN {rtype} {rdata(rtype, value)}")
    return "\n".join(lines) + "\n", drops


def add_zone(server, zone: str, records: dict, updatable: bool = False) -> None:
    """Add ``zone`` with ``records`` to a :class:`BindServer` (before it starts); ``updatable`` zones
    accept DNS UPDATE (RFC 2136) from loopback, so a test can change a record between two visits."""
    text, drops = zone_text(records, zone)
    server.add_zone(zone, text, options="check-names ignore;" + (" allow-update { 127.0.0.1; };" if updatable else ""))
    for name in drops:
        server.drop(name)
