"""Which Windows a branch is meant for, read from its label, its echo text and the values it sets.

":ver_2000", "echo OS = Windows 7 / Server 2008R2", "set OSNAME=Windows 10", ":nt6x",
":win81", "Windows 7 or later", ":warnthenexit": names, version numbers, families, ranges
("or later", "pre-") and default branches ("unknown", "unsupported"). The reading is lenient
on purpose ("2008" also covers 2008 R2), so a finding needs a branch that plainly names
another Windows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sbskit.core.osver.releases import Release
from sbskit.core.osver.scripteval.machines import sim_releases

DEFAULT_WORDS = re.compile(
    r"(?i)\b(unknown|unsupported|not (?:a )?supported|(?:does not|doesn't|do not|cannot|can't) support|other|others|"
    r"default|undetermined|undetected|not detected|fixme|todo|tbd|"
    r"notset|not set|cannot be determined|unexpected|"
    r"not a target|nothing done|"
    r"can ?not determine|unrecognized|unrecognised|not recogni[sz]ed|warn\w*|fallback|else)\b|^(warn\w*|unk\w*|other\w*)$")
# Registry keys and file paths name folders, not the Windows a branch is for.
PATHS = re.compile(r"(?i)(?:\b[a-z]:|%\w+%|\bHK(?:LM|CU|CR|U|CC|EY_\w+)|\b(?:SOFTWARE|SYSTEM)(?=\\))\\[^\"'\n]*")
NOT_OS = re.compile(r"(?i)\b(office|exchange|sql|outlook|visual studio|\.net|framework|powershell|java|iis|ie\d*|"
                    r"internet explorer|edge|chrome|firefox|acrobat|adobe)\b")


@dataclass(frozen=True)
class Meaning:
    releases: frozenset[str]  # release ids the words can mean (lenient: "2008" includes 2008 R2)
    default: bool = False
    source: str = ""  # the words it was read from
    core: frozenset[str] | None = None  # the releases the words surely mean ("XP" without x64)
    refusal: bool = False  # "This tool only runs on Windows 10": meant for every release but the one named
    negated: bool = False  # "not Windows 11": everything else, naming nothing in particular
    derived: bool = False  # read from the test that leads to the branch, not from the branch's own words

    @property
    def surely(self) -> frozenset[str]:
        return self.releases if self.core is None else self.core

    @property
    def families(self) -> set[str]:
        return _families(self.releases)


@functools.lru_cache(maxsize=4096)
def _families(ids: frozenset[str]) -> frozenset[str]:
    fam = {r.id: r.family for r in sim_releases()}
    return frozenset(fam[i] for i in ids)


@functools.lru_cache(maxsize=1)
def _releases() -> tuple[Release, ...]:
    return sim_releases()


def _ids(pred) -> set[str]:
    return {r.id for r in _releases() if pred(r)}


def _split_not(text: str) -> str:
    """'notxp', 'not_win7', 'nonXP' -> 'not xp', 'not win7', 'non XP'."""
    return re.sub(r"(?i)(?<![a-z])(not|non)(?=[a-z0-9_])_?", r"\1 ", text)


def _norm(text: str) -> str:
    """Lower case; separators to spaces; abbreviations spelled out (2k8 -> 2008, w2k -> 2000);
    letters and digits split ("win10" -> "win 10"), dots between digits kept."""
    t = text.lower().replace("®", " ").replace("™", " ").replace("(r)", " ").replace("(tm)", " ")
    t = t.replace("+", " plus ")
    t = re.sub(r"[_\-:/\\,;=\"'()\[\]{}|&]", " ", t)
    t = re.sub(r"2k(3|8|12|16|19|22)(?!\d)", lambda m: "20" + m.group(1).zfill(2), t)
    t = re.sub(r"(?<![a-z0-9])(w|win)?2k(?![0-9a-z])", " 2000 ", t)
    t = re.sub(r"(?<![a-z])(win|windows|w)(xp|vista|seven|nt|me|server|srv)", r"\1 \2", t)
    t = re.sub(r"(?<=[a-z])(?=\d)", " ", t)
    t = re.sub(r"(?<=\d)(?=[a-z])(?!x\b)", " ", t)
    t = re.sub(r"\br 2\b", "r2", t)
    t = re.sub(r"\.(?!\d)|(?<!\d)\.", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    pair = re.compile(r"\b(win|windows) (\d{1,2}(?:\.\d)?) (and |or |& |to |through |thru |until )?(\d{1,2}(?:\.\d)?)\b")
    while pair.search(t):
        t = pair.sub(lambda m: f"{m.group(1)} {m.group(2)} {m.group(3) or ''}{m.group(1)} {m.group(4)}", t, count=1)
    return " " + t + " "


SERVER_YEARS = {y: y for y in ("2003", "2008", "2012", "2016", "2019", "2022", "2025")}


def _server_year(year: str, r2: bool, strict: bool = False) -> set[str]:
    """Servers named by a year; leniently also every server on the same version (SBS 2011 and
    Home Server 2011 are Server 2008 R2 underneath)."""
    def pred(r: Release) -> bool:
        if r.family != "server" or year not in r.product:
            return False
        is_r2 = r.product.endswith("R2") or r.id == "ws2003r2"
        return is_r2 if r2 else (not is_r2 or year == "2003" if strict else True)
    named = _ids(pred)
    if strict:
        return named
    rels = [r for r in _releases() if r.id in named]
    keys = {(r.major, r.minor) if r.major < 10 else (r.major, r.minor, r.build) for r in rels}
    return named | _ids(lambda r: r.family == "server" and
                        ((r.major, r.minor) if r.major < 10 else (r.major, r.minor, r.build)) in keys)


def _lenient_xp() -> set[str]:
    """What "XP" may mean but surely does not: XP Professional x64 Edition (5.2, a Server 2003 sibling)."""
    return _ids(lambda r: r.line == "Windows XP" and (r.major, r.minor) == (5, 2))


PRODUCT_RULES: list[tuple[re.Pattern, object]] = [
    (re.compile(r" (?:sbs|small business server) ?(2003|2008|2011)? ?(ess\w*)?"),
     lambda m: _ids(lambda r: r.kind in ("sbs", "essentials") and "Small Business" in r.product and
                    (not m.group(1) or m.group(1) in r.product) and (not m.group(2) or "Essentials" in r.product))),
    (re.compile(r" (?:ebs|essential business server)"), lambda m: _ids(lambda r: r.kind == "ebs")),
    (re.compile(r" (?:whs|home server) ?(2011)?"),
     lambda m: _ids(lambda r: r.kind == "home-server" and (bool(m.group(1)) == ("2011" in r.product)))),
    (re.compile(r" (?:w|win|windows|server|srv|svr|ws|windows server)? ?(2003|2008|2012|2016|2019|2022|2025)(?: ?(r2))?(?= )"),
     lambda m: _server_year(SERVER_YEARS[m.group(1)], bool(m.group(2)))),
    (re.compile(r" (?:windows |win |w |ver )?2000(?= )"),
     lambda m: _ids(lambda r: r.build == 2195)),
    (re.compile(r" (?:win |windows |w )?xp ?(x ?64|64|x ?86|32 ?bit|32)?(?= )"),
     lambda m: (_ids(lambda r: r.line == "Windows XP" and (r.major, r.minor) == (5, 2)) if "64" in m.group(1)
                else _ids(lambda r: r.line == "Windows XP" and (r.major, r.minor) == (5, 1))) if m.group(1)
     else _ids(lambda r: r.line == "Windows XP")),
    (re.compile(r" vista"), lambda m: _ids(lambda r: r.line == "Windows Vista" or r.product == "Windows Vista")),
    (re.compile(r" (?:win|windows|w|seven|ver|os) ?7(?= )|  ?seven "), lambda m: _ids(lambda r: r.product == "Windows 7")),
    (re.compile(r" (?:win|windows|w|ver|os) ?8 ?(?:\.|point )?1(?= )|(?: win| windows| w| ver| os) ?81(?= )"),
     lambda m: _ids(lambda r: r.product == "Windows 8.1")),
    (re.compile(r" (?:win|windows|w|ver|os) ?8(?= )(?! ?\.? ?1 )"), lambda m: _ids(lambda r: r.product in ("Windows 8",
                                                                                                  "Windows 8.1"))),
    (re.compile(r" (?:win|windows|w|ver|os) ?10(?= )(?! ?\.)"),
     lambda m: _ids(lambda r: r.family == "client" and r.major == 10 and r.build < 22000)),
    (re.compile(r" (?:win|windows|w|ver|os) ?11(?= )"), lambda m: _ids(lambda r: r.family == "client" and r.build >= 22000)),
    (re.compile(r" (?:win|windows) ?(?:95|98|me|9x)(?= )| 9x "), lambda m: _ids(lambda r: r.kind == "9x")),
    (re.compile(r" (?:win|windows) ?nt ?4|(?<= )nt ?4(?: 0)?(?= )"), lambda m: _ids(lambda r: r.build == 1381)),
    (re.compile(r"(?<= )(1[5-9][01][0-9]|20[01][0-9]|2[0-9] ?h ?[12])(?= )"),  # release ids: 1803, 21h2
     lambda m: _ids(lambda r: r.major == 10 and (r.release or "").lower().replace(" ", "") ==
                    m.group(1).replace(" ", ""))),
]
VERSION_RULES: list[tuple[re.Pattern, object]] = [
    (re.compile(r"(?<= )(?:v|ver|version|nt|os)? ?(\d{1,2})\.(\d{1,2})(?= )"),
     lambda m: _ids(lambda r: (r.major, r.minor) == (int(m.group(1)), int(m.group(2))) and r.kind != "9x")),
    (re.compile(r" (?:v|ver|nt|os) ?([56])(\d)(?= )"),
     lambda m: _ids(lambda r: (r.major, r.minor) == (int(m.group(1)), int(m.group(2))) and r.kind != "9x")),
    (re.compile(r" (?:v|ver|nt) ?(5|6|10) ?x?(?= )"), lambda m: _ids(lambda r: r.major == int(m.group(1)) and r.kind != "9x")),
    (re.compile(r" nt(?= )(?! ?\d)"), lambda m: _ids(lambda r: r.kind != "9x")),  # only when nothing else is named
]
LATER = re.compile(r" (or|and) (later|newer|higher|above|up|greater|beyond)| plus | newer | later | orlater ")
EARLIER = re.compile(r" (or|and) (earlier|older|lower|below|less)| or less | and below ")
BEFORE = re.compile(r" (pre|before|older than|below|lower than|less than|lt|prior to) ")
SERVER_WORD = re.compile(r" (server|srv|svr|servers)(?= )")
CLIENT_WORD = re.compile(r" (client|clients|workstation|desktop|ws)(?= )")


NEGATION = re.compile(r"(?i)\b(not|no|non|isn't|is not|other than|except|without|nicht|kein\w*|pas)\b")


REFUSAL = re.compile(r"(?i)\b((?:runs?|works?|supported|usable|available|allowed) (?:only )?(?:on|for|with|under) .*\bonly|"
                     r"only (?:runs?|works?|supports?|for|on|with|under|be run|be used|be installed|supported)|"
                     r"can only|can be (?:run|used|installed) only|requires?|required|needs?|must (?:be|have|run)|"
                     r"at least|minimum|(?:upgrade|update|migrat\w*) to|"
                     # the same in the languages admins write their messages in (es, de, fr, it, nl, pt)
                     r"exclusivamente|s[oó]lo (?:para|en|funciona)|requiere|necesita|"
                     r"nur (?:für|unter|auf|mit)|benötigt|erfordert|mindestens|"
                     r"uniquement|seulement (?:pour|sur|sous)|nécessite|requiert|au moins|"
                     r"solo (?:per|su)|richiede|almeno|alleen (?:voor|op|met)|vereist|minimaal|"
                     r"apenas (?:para|no|em)|requer)\b")
DONE = re.compile(r"(?i)\b(already|has been|have been|was|were|is now|are now)\b")


def refusal_of(text: str) -> Meaning | None:
    """A refusal or guard message names the Windows it wants, so it is meant for all the others:
    "This tool only runs on Windows 10", "needs Windows 11", "Upgrade to Windows 10 1809 or newer"
    ("Already migrated to Windows 11" is not one)."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        m = REFUSAL.search(sentence)
        if not m or DONE.search(sentence[:m.start()]):
            continue
        named = meaning_of(sentence, refusals=False)
        if named is None or named.default or not named.releases:
            continue
        rest = frozenset(r.id for r in _releases()) - named.releases
        return Meaning(rest, source=text, core=rest, refusal=True)
    return None


def meaning_of(text: str, refusals: bool = True) -> Meaning | None:
    """The releases a branch text names, or a default branch, or None when it names none
    ("not Windows 11" names none: it is an 'everything else' branch)."""
    if not text:
        return None
    text = PATHS.sub(" ", text)  # "SOFTWARE\Microsoft\Windows NT\CurrentVersion": a key, not Windows NT
    if not text.strip():
        return None
    if NOT_OS.search(text):  # "Office 2010", "PowerShell 2.0" are not Windows; "PowerShell path (before 2012 R2)" is
        text = re.sub(NOT_OS.pattern + r"(?:\s*(?:v|version)?\s*\d[\d.]*\w?)?", " ", text)
        if not re.search(r"(?i)\d|xp|vista|windows|server|client|workstation", text):
            return None
    if refusals:
        refused = refusal_of(text)
        if refused is not None:
            return refused
    if DEFAULT_WORDS.search(text) and not re.search(r"(?i)\bor (later|newer|older|earlier|higher)\b", text):
        # "unknown or not a client": a default branch; "Vista is not supported!": one that answers Vista itself
        named = meaning_of(DEFAULT_WORDS.sub(" ", text), refusals=False) if re.search(r"\d|xp|vista", text, re.I) \
            else None
        told = named.surely if named is not None and not named.default else frozenset()
        return Meaning(told, default=True, source=text)
    neg = NEGATION.search(_split_not(text))
    if neg:
        clause = re.split(r"[,;!?]|\.(?:\s|$)", _split_not(text)[neg.end():])[0]  # "Not Win10, i'm not sure ..."
        rest = meaning_of(clause, refusals=False)
        if rest is None or rest.default or not rest.releases:
            return None
        everything = {r.id for r in _releases()}
        return Meaning(frozenset(everything - rest.surely), source=text,  # "not XP": XP x64 is not surely XP
                       core=frozenset(everything - rest.releases), negated=True)
    t = _norm(text)
    found: set[str] = set()
    core: set[str] = set()
    product_hit = False
    release_ids: set[str] = set()
    for rx, fn in PRODUCT_RULES:
        for m in rx.finditer(t):
            hit = fn(m)
            if rx is PRODUCT_RULES[-1][0]:
                release_ids |= hit
                continue
            found |= hit
            product_hit = True
            if rx is PRODUCT_RULES[3][0]:
                core |= _server_year(SERVER_YEARS[m.group(1)], bool(m.group(2)), strict=True)
            elif rx is PRODUCT_RULES[5][0] and not m.group(1):
                core |= hit - _lenient_xp()
            elif rx is PRODUCT_RULES[9][0]:  # "Windows 8" may mean 8.1 too; surely only 8
                core |= _ids(lambda r: r.product == "Windows 8")
            else:
                core |= hit
    if release_ids:  # "Windows 10 2004": that release of it; "2004" alone: every release called so
        narrowed = found & release_ids
        found, core = (narrowed, core & release_ids) if narrowed else (found | release_ids, core | release_ids)
        product_hit = True
    version_found: set[str] = set()
    for rx, fn in VERSION_RULES[:-1]:
        for m in rx.finditer(t):
            version_found |= fn(m)
    bare_nt = False
    if not version_found and not found:
        for m in VERSION_RULES[-1][0].finditer(t):
            version_found |= VERSION_RULES[-1][1](m)
            bare_nt = True  # "Windows NT" may be any NT; surely it is NT 4.0
    if version_found and not product_hit:
        if SERVER_WORD.search(t) and not CLIENT_WORD.search(t):
            version_found = {i for i in version_found if _family(i) == "server"}
        elif CLIENT_WORD.search(t) and not SERVER_WORD.search(t):
            version_found = {i for i in version_found if _family(i) == "client"}
    found |= version_found
    core |= _ids(lambda r: r.build == 1381) if bare_nt else version_found
    if not found:
        if DEFAULT_WORDS.search(text.strip()) or DEFAULT_WORDS.search(t.strip()):
            return Meaning(frozenset(), default=True, source=text)
        if SERVER_WORD.search(t) and not CLIENT_WORD.search(t):
            return Meaning(frozenset(_ids(lambda r: r.family == "server")), source=text)
        if re.search(r" (client|workstation)s? ", t) and not SERVER_WORD.search(t):
            return Meaning(frozenset(_ids(lambda r: r.family == "client" and r.kind != "9x")), source=text)
        return None
    broad = _ranges(t, found)
    families = {r.family for r in _releases() if r.id in (core or found)}
    sure = {i for i in (_ranges(t, core) if core else broad) if _family(i) in families or i in core}
    return Meaning(frozenset(broad), source=text, core=frozenset(sure))


def _family(rid: str) -> str:
    return next(r.family for r in _releases() if r.id == rid)


THROUGH = re.compile(r" (to|through|thru|until) ")


def _ranges(t: str, found: set[str]) -> set[str]:
    """'or later', 'pre-', 'or older' and 'X to Y' widen the named releases to a build range
    (both families: admins say "Windows 7 or later" of servers too)."""
    rels = [r for r in _releases() if r.id in found]
    old = all(r.kind == "9x" for r in rels)
    same = [r for r in _releases() if (r.kind == "9x") == old]
    before = BEFORE.search(t)
    if before:
        left, right = meaning_of(t[:before.start()]), meaning_of(t[before.end():])
        bound = [r for r in _releases() if right is not None and r.id in right.releases] or rels
        low = min(r.build for r in bound)
        base = left.releases if left is not None and not left.default and left.releases else None
        return {r.id for r in _releases() if r.build < low and (base is None or r.id in base)}
    if LATER.search(t):
        low = min(r.build for r in rels)
        return found | {r.id for r in same if r.build >= low}
    if EARLIER.search(t):
        high = max(r.build for r in rels)
        return found | {r.id for r in _releases() if r.build <= high}
    if THROUGH.search(t) and len({r.build for r in rels}) > 1:
        low, high = min(r.build for r in rels), max(r.build for r in rels)
        return found | {r.id for r in same if low <= r.build <= high}
    return found


FLAG_ON = {"yes", "true", "1", "on", "y", "ja", "si", "oui"}
FLAG_OFF = {"no", "false", "0", "off", "n", "nein", "non"}
NAME_WORDS = {"xp", "vista", "7", "8", "81", "8.1", "10", "11", "2000", "2003", "2008", "2012", "2016", "2019", "2022",
              "2025", "nt4", "w2k", "win7", "win8", "win81", "win10", "win11", "seven"}


def setting_text(name: str, value: str) -> str | None:
    """What ``set NAME=VALUE`` says about Windows: the value when it names one ("OSNAME=Windows 10"),
    else for a flag the variable's name ("RUN_10=yes" is the Windows 10 branch, "IS_XP=0" the not-XP one)."""
    value = value.strip().strip('"').strip()
    low = value.lower()
    if low not in FLAG_ON and low not in FLAG_OFF:
        return value
    words = []
    for token in re.split(r"[_\-\s.]+|(?<=[a-z])(?=\d)", name.lower()):
        if token in NAME_WORDS:
            words.append(token if token.startswith(("w", "nt", "seven", "vista", "xp")) else f"windows {token}")
        elif token in ("or", "and", "server", "client", "workstation"):
            words.append(token)
    if not any(w not in ("or", "and") for w in words):
        return None
    text = " ".join(words)
    return text if low in FLAG_ON else f"not {text}"


def branch_meaning(texts: list[str]) -> Meaning | None:
    """The union of what a branch's label, echo texts and set values name; a default branch
    only when none of them names a Windows."""
    found: set[str] = set()
    core: set[str] = set()
    default = False
    told: set[str] = set()
    sources: list[str] = []
    metas: list[Meaning] = []
    for text in texts:
        m = meaning_of(text)
        if m is None:
            continue
        if m.default:
            default = True
            told |= m.releases  # "Vista is not supported!": the default that answers Vista
            continue
        found |= m.releases
        core |= m.surely
        sources.append(text)
        metas.append(m)
    if found:
        refusal = all(m.refusal for m in metas) if metas else False
        negated = all(m.negated or m.refusal for m in metas) and not refusal if metas else False
        positive = [m for m in metas if not (m.negated or m.refusal)]
        if positive and len(positive) < len(metas):  # ":xp :win7 ... echo Not Win10": surely the ones it names
            core = set().union(*(m.surely for m in positive))
        return Meaning(frozenset(found), source="; ".join(sources), core=frozenset(core), refusal=refusal,
                       negated=negated)
    if default:
        return Meaning(frozenset(told), default=True, source=texts[0] if texts else "")
    return None
