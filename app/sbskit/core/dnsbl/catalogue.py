"""The blocklist catalogue (``resources/dnsbl-zones.json``) and the decoding of answer codes.

Honesty starts here: an answer is a listing only when the operator documents that code
as one. Error codes (Spamhaus's 127.255.255.x, URIBL's 127.0.0.1, ...) become errors
with a reason, and anything undocumented is an ``unexpected-answer``, never a listing.
"""

from __future__ import annotations

import functools

from sbskit.core.resources import load_json

CATALOGUE_FILE = "dnsbl-zones.json"
TARGET_KINDS = ("ipv4", "ipv6", "domain")

# decode() outcomes
LISTING = "listing"
ERROR = "error"
UNDOCUMENTED = "undocumented"
OUTSIDE = "outside"

CUSTOM_CATEGORY = "listed"  # a code on a zone the catalogue does not know


def _ip4_int(text: str) -> int | None:
    parts = text.split(".")
    if len(parts) != 4:
        return None
    value = 0
    for part in parts:
        if not part.isdigit() or len(part) > 3 or int(part) > 255:
            return None
        value = (value << 8) | int(part)
    return value


class Decoded:
    """One decoded answer: ``kind`` is LISTING, ERROR, UNDOCUMENTED or OUTSIDE."""

    __slots__ = ("kind", "code", "meaning", "category", "reason")

    def __init__(self, kind: str, code: str, meaning: str, category: str = "", reason: str = "") -> None:
        self.kind = kind
        self.code = code
        self.meaning = meaning
        self.category = category  # for listings
        self.reason = reason  # for errors: an error reason of the CLI contract


class Zone:
    """One list: what it takes, what its codes mean, how to get off it.

    A plain class, not a dataclass: the CLI's start-up time is benchmarked.
    """

    _DEFAULTS = {
        "operator": "", "targets": TARGET_KINDS, "group": "spam", "default": True,
        "requires": "",  # "", "dqs-key", "abusix-key"
        "family": "",  # "spamhaus" for the DQS rewrite and resolver diagnosis
        "dqs_zone": "", "codes": None, "ranges": None, "bitmask": None, "bitmask_errors": None, "errors": None,
        "terms": "", "note": "", "lookup_url": "", "delist_url": "", "test_listed": None, "test_not_listed": None,
        "known": True,  # False for a zone the user named that the catalogue lacks
        "dead": None,  # the catalogue's dead-list entry, if this zone is dead
    }
    __slots__ = ("zone", "name", *_DEFAULTS)

    def __init__(self, zone: str, name: str, **values) -> None:
        self.zone = zone
        self.name = name
        for key, default in self._DEFAULTS.items():
            setattr(self, key, values.pop(key, default))
        if values:
            raise TypeError(f"unknown zone fields: {sorted(values)}")
        for key in ("codes", "bitmask", "bitmask_errors", "errors"):
            if getattr(self, key) is None:
                setattr(self, key, {})
        if self.ranges is None:
            self.ranges = []

    def takes(self, kind: str) -> bool:
        return kind in self.targets

    def delist_for(self, target: str) -> str:
        url = self.delist_url or self.lookup_url
        return url.replace("{target}", target) if url else ""

    def decode(self, code: str) -> Decoded:
        """What one A-record answer means on this zone."""
        if code in self.errors:
            meaning, reason = self.errors[code]
            return Decoded(ERROR, code, meaning, reason=reason)
        value = _ip4_int(code)
        if value is None or value >> 24 != 127:
            return Decoded(OUTSIDE, code, f"{code} is outside 127.0.0.0/8, where blocklists answer")
        if code in self.codes:
            meaning, category = self.codes[code]
            return Decoded(LISTING, code, meaning, category)
        for low, high, meaning, category in self.ranges:
            if low <= value <= high:
                return Decoded(LISTING, code, meaning, category)
        if self.bitmask or self.bitmask_errors:
            if value >> 8 == 0x7F0000:  # bitmask lists answer 127.0.0.X
                bits = value & 0xFF
                for bit, (meaning, reason) in self.bitmask_errors.items():
                    if bits & bit:
                        return Decoded(ERROR, code, meaning, reason=reason)
                found = [(bit, entry) for bit, entry in sorted(self.bitmask.items()) if bits & bit]
                if found:
                    meaning = "; ".join(entry[0] for _, entry in found)
                    extra = bits & ~sum(bit for bit, _ in found)
                    if extra:
                        meaning += f" (plus undocumented bits {extra})"
                    return Decoded(LISTING, code, meaning, worst_category([entry[1] for _, entry in found]))
        if not self.known:
            if value == 0x7F000001:
                return Decoded(UNDOCUMENTED, code, "127.0.0.1 is the RFC 5782 'never listed' address; the list misbehaves")
            if value >> 8 == 0x7FFFFF:
                return Decoded(UNDOCUMENTED, code, f"{code} looks like an operator's error code, not a listing")
            return Decoded(LISTING, code, f"listed ({code}; the kit's catalogue does not know this list's codes)", CUSTOM_CATEGORY)
        return Decoded(UNDOCUMENTED, code, f"{code} is not a code {self.name} documents")


_SEVERITY = ["malicious", "exploited-host", "spam-source", "backscatter", "reputation-bad", "policy", CUSTOM_CATEGORY,
             "reputation-neutral", "reputation-good", "allow-list"]


def worst_category(categories: list[str]) -> str:
    for candidate in _SEVERITY:
        if candidate in categories:
            return candidate
    return categories[0]


class Catalogue:
    """Active zones (in display order), dead ones, and the category and group names."""

    def __init__(self, zones: list[Zone], dead: list[dict], categories: dict[str, dict], groups: dict[str, str]) -> None:
        self.zones = zones
        self.dead = dead
        self.categories = categories
        self.groups = groups
        # by name, for the lists a user names (a sweep of 60 named lists asked each of them in turn)
        self._by_name = {}
        for zone in reversed(zones):  # the first of two entries with one name wins, as a scan would find it
            self._by_name[zone.zone] = zone
        self._dead_by_name: dict[str, tuple[int, dict]] = {}
        for index, entry in reversed(list(enumerate(dead))):
            self._dead_by_name[entry["zone"]] = (index, entry)

    def by_name(self, name: str) -> Zone | None:
        return self._by_name.get(name.lower().rstrip("."))

    def dead_entry(self, name: str) -> dict | None:
        """The dead list ``name`` is, or lies under (a dead operator's sub-lists are dead too)."""
        name = name.lower().rstrip(".")
        found = None
        while name:  # the name itself, then each parent; of several dead entries, the catalogue's first
            hit = self._dead_by_name.get(name)
            if hit is not None and (found is None or hit[0] < found[0]):
                found = hit
            name = name.partition(".")[2]
        return found[1] if found is not None else None

    def defaults(self, kind: str, dqs_key: str | None = None) -> list[Zone]:
        """Zones queried for ``kind`` when the user names none."""
        chosen = []
        for zone in self.zones:
            if not zone.takes(kind) or not zone.default:
                continue
            if zone.requires == "dqs-key" and not dqs_key:
                continue
            if zone.requires == "abusix-key":
                continue
            chosen.append(zone)
        return chosen

    def category_label(self, category: str) -> str:
        if category == CUSTOM_CATEGORY:
            return "Listed"
        return self.categories.get(category, {}).get("label", category)

    def verdict(self, category: str) -> str:
        """``bad``, ``good`` or ``neutral`` for a listing category."""
        if category == CUSTOM_CATEGORY:
            return "bad"
        return self.categories.get(category, {}).get("verdict", "bad")


def custom_zone(name: str) -> Zone:
    """A zone the user named that the catalogue lacks: RFC 5782 rules, every target kind."""
    return Zone(zone=name.lower().rstrip("."), name=name.lower().rstrip("."), operator="(not in the catalogue)",
                group="custom", known=False, test_listed=None, test_not_listed=None)


def _zone_from_entry(entry: dict, error_sets: dict) -> Zone:
    targets = tuple(entry["targets"])
    errors = {}
    if entry.get("error_set"):
        errors.update({code: tuple(v) for code, v in error_sets[entry["error_set"]].items()})
    errors.update({code: tuple(v) for code, v in entry.get("errors", {}).items()})
    ranges = []
    for low, high, meaning, category in entry.get("ranges", []):
        ranges.append((_ip4_int(low), _ip4_int(high), meaning, category))
    if "domain" in targets and len(targets) == 1:
        listed, not_listed = "test", "invalid"
    elif "ipv4" in targets:
        listed, not_listed = "127.0.0.2", "127.0.0.1"
    else:
        listed, not_listed = "::ffff:7f00:2", "::ffff:7f00:1"
    test = entry.get("test", {})
    return Zone(
        zone=entry["zone"],
        name=entry.get("name", entry["zone"]),
        operator=entry.get("operator", ""),
        targets=targets,
        group=entry.get("group", "spam"),
        default=entry.get("default", True),
        requires=entry.get("requires", ""),
        family=entry.get("family", ""),
        dqs_zone=entry.get("dqs_zone", ""),
        codes={code: tuple(v) for code, v in entry.get("codes", {}).items()},
        ranges=ranges,
        bitmask={int(bit): tuple(v) for bit, v in entry.get("bitmask", {}).items()},
        bitmask_errors={int(bit): tuple(v) for bit, v in entry.get("bitmask_errors", {}).items()},
        errors=errors,
        terms=entry.get("terms", ""),
        note=entry.get("note", ""),
        lookup_url=entry.get("lookup_url", ""),
        delist_url=entry.get("delist_url", ""),
        test_listed=test.get("listed", listed),
        test_not_listed=test.get("not_listed", not_listed),
    )


@functools.lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    data = load_json(CATALOGUE_FILE)
    error_sets = data.get("error_sets", {})
    zones = [_zone_from_entry(entry, error_sets) for entry in data["zones"]]
    return Catalogue(zones=zones, dead=list(data.get("dead", [])), categories=data.get("categories", {}),
                     groups=data.get("groups", {}))
