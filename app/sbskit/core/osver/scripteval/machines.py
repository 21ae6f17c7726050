"""One simulated computer per release and language: what ver, systeminfo, wmic, reg query,
WMI and .NET return there, built from windows-releases.json plus the per-language words in
script-outputs.json. The evaluators read only these, so every proof quotes real output shapes.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field

from sbskit.core.osver.releases import Release, load_table
from sbskit.core.resources import load_json

DATA_FILE = "script-outputs.json"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "ru", "ja", "zh-CN")

REG_CURRENT_VERSION = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
REG_PRODUCT_OPTIONS = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ProductOptions"


@functools.lru_cache(maxsize=1)
def data() -> dict:
    return load_json(DATA_FILE)


@dataclass(frozen=True)
class SimRelease(Release):
    """A release in a role the table does not list on its own: a server that is a domain controller."""

    role: str = ""

    base: str = ""  # the id of the table's release this one is a twin of

    @property
    def label(self) -> str:
        return f"{super().label} (domain controller)" if self.role == "dc" else super().label


def base_id(r: Release) -> str:
    """The release table's id (a domain-controller twin reads the same data as its release)."""
    return getattr(r, "base", "") or r.id


@functools.lru_cache(maxsize=1)
def sim_releases() -> tuple[Release, ...]:
    """Every release the scripts are run on: the release table, plus a domain-controller twin of each
    server listed in script-outputs.json (ProductType 2 is what breaks many 'is it a server' tests)."""
    dcs = set(data()["domain_controllers"]["releases"])
    out: list[Release] = []
    for r in load_table().releases:
        out.append(r)
        if r.id in dcs:
            fields = {f.name: getattr(r, f.name) for f in dataclasses.fields(Release)}
            fields["id"] = f"{r.id}-dc"
            out.append(SimRelease(**fields, role="dc", base=r.id))
    return tuple(out)


@dataclass
class Machine:
    """Everything a login script can observe about one release in one display language."""

    idx: int
    release: Release
    lang: str
    ubr: int | None
    ver_line: str
    caption: str
    product_name: str
    product_type: int  # 1 workstation, 2 domain controller, 3 server
    tools: frozenset[str]
    ps_version: str | None
    registry: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # key -> value -> (type, data)
    sysinfo_lines: tuple[str, ...] = ()
    memo: dict = field(default_factory=dict)  # tool outputs already built for this computer

    @property
    def is_nt(self) -> bool:
        return self.release.kind != "9x"

    @property
    def family(self) -> str:
        return self.release.family

    @property
    def full_version(self) -> str:
        """major.minor.build[.ubr]: the number the proofs quote."""
        v = f"{self.release.major}.{self.release.minor}.{self.release.build}"
        return f"{v}.{self.ubr}" if self.ubr is not None else v

    @property
    def name(self) -> str:
        return f"{self.release.label} ({self.full_version})"

    @property
    def words(self) -> dict:
        return data()["languages"][self.lang]

    @property
    def ver_output(self) -> list[str]:
        """ver prints an empty line, then the version line."""
        return ["", self.ver_line]

    def wmi(self) -> dict[str, object]:
        """Win32_OperatingSystem: strings where WMI has strings; Version has no UBR (5.0.2195, not 5.00)."""
        done = self.memo.get("wmi")
        if done is None:
            done = self.memo["wmi"] = self._wmi()
        return done

    def _wmi(self) -> dict[str, object]:
        r = self.release
        sp = int(r.service_pack[2:]) if r.service_pack and r.service_pack.startswith("SP") else 0
        return {
            "version": f"{r.major}.{r.minor}.{r.build}", "buildnumber": str(r.build), "caption": self.caption,
            "producttype": self.product_type, "csdversion": f"Service Pack {sp}" if sp else None,
            "servicepackmajorversion": sp, "servicepackminorversion": 0,
            "operatingsystemsku": r.skus[0] if r.skus else 0,
            "othertypedescription": "R2" if base_id(r) == "ws2003r2" else None,
            "osarchitecture": "64-bit" if r.build >= 6000 else None,
            "name": f"{self.caption}|C:\\WINDOWS|\\Device\\Harddisk0\\Partition2",
            "buildtype": "Multiprocessor Free", "manufacturer": "Microsoft Corporation",
        }

    def reg_value(self, key: str, name: str) -> tuple[str, str] | None:
        return self.registry.get(_norm_key(key), {}).get(name.lower())

    def reg_values(self, key: str) -> dict[str, tuple[str, str]] | None:
        return self.registry.get(_norm_key(key))

    def env(self) -> dict[str, str]:
        """Environment variables a logon script sees that depend on the release."""
        done = self.memo.get("env")
        if done is None:
            done = self.memo["env"] = self._env()
        return done

    def _env(self) -> dict[str, str]:
        if not self.is_nt:
            return {"windir": "C:\\WINDOWS", "COMSPEC": "C:\\WINDOWS\\COMMAND.COM"}
        x64 = self.release.build >= 7600 or base_id(self.release) in data()["tools"]["x64_only"]
        env = {"OS": "Windows_NT", "SystemRoot": "C:\\Windows" if self.release.build >= 6000 else "C:\\WINDOWS",
               "PROCESSOR_ARCHITECTURE": "AMD64" if x64 else "x86", "SystemDrive": "C:", "ComSpec": "C:\\Windows\\system32\\cmd.exe"}
        env["windir"] = env["SystemRoot"]
        if x64:
            env["ProgramFiles(x86)"] = "C:\\Program Files (x86)"
        return env

    def file_exists(self, path: str) -> bool | None:
        """Known system files; None when the script asks about anything else."""
        low = path.strip('"').lower().replace("/", "\\")
        low = re.sub(r"^c:\\windows", "%systemroot%", low)
        known = {
            "%systemroot%\\system32\\systeminfo.exe": "systeminfo" in self.tools,
            "%systemroot%\\system32\\reg.exe": "reg" in self.tools,
            "%systemroot%\\system32\\wbem\\wmic.exe": "wmic" in self.tools,
            "%systemroot%\\system32\\windowspowershell\\v1.0\\powershell.exe": self.ps_version is not None,
            "c:\\program files (x86)": "ProgramFiles(x86)" in self.env(),
        }
        return known.get(low)


def _norm_key(key: str) -> str:
    key = key.strip().strip('"').rstrip("\\")
    key = re.sub(r"(?i)^hklm(?=\\|:)", "HKEY_LOCAL_MACHINE", key).replace(":", "")
    return key.lower()


def _edition_fill(template: str, r: Release, words: dict, lang: str) -> str:
    prefix = words["caption_prefix"]
    if words.get("caption_prefix_from_build") and r.build < words["caption_prefix_from_build"]:
        prefix = "Microsoft"
    text = template.replace("{MS}", prefix).replace("{product}", r.product)
    return re.sub(r"\{e:(\w+)\}", lambda m: words["editions"][m.group(1)], text)


def _kind_key(r: Release) -> str:
    if r.family == "client":
        return "client-pre8" if r.build < 9200 else "client"
    if r.kind == "sac":
        return "sac"
    if r.kind in ("essentials", "home-server"):
        return "essentials"
    return "server"


def _caption(r: Release, lang: str) -> str:
    cfg = data()["captions"]
    words = data()["languages"][lang]
    template = cfg["by_id"].get(base_id(r)) or cfg["by_kind"][_kind_key(r)]
    return _edition_fill(template, r, words, lang)


def _product_name(r: Release) -> str:
    cfg = data()["product_names"]
    if base_id(r) in cfg["by_id"]:
        return cfg["by_id"][base_id(r)]
    if r.family == "client" and r.build >= 22000:
        return cfg["by_kind"]["windows11"]
    return cfg["by_kind"][_kind_key(r)].replace("{product}", r.product)


def _product_type(r: Release) -> int:
    if r.family == "client":
        return 1
    if getattr(r, "role", "") == "dc":
        return 2
    return 2 if r.kind in ("sbs", "ebs") or base_id(r) == "sbs2011-ess" else 3


def _tools(r: Release) -> tuple[frozenset[str], str | None]:
    cfg = data()["tools"]
    tools = {"ver", "find", "findstr"}
    for tool in ("systeminfo", "reg", "wmic"):
        if base_id(r) not in cfg["missing"][tool]:
            tools.add(tool)
    if r.build >= cfg["wmic_missing_from_build"]:
        tools.discard("wmic")
    ps = None
    for build, version in cfg["powershell_by_build"]:
        if r.build >= build:
            ps = version
    feature = cfg.get("powershell_feature")
    if ps is None and feature and r.family == "server" and \
            feature["servers_from_build"] <= r.build <= feature["servers_until_build"]:
        ps = feature["version"]
    if r.kind == "9x":
        tools = {"ver", "find"}
        ps = None
    return frozenset(tools), ps


def _registry(r: Release, ubr: int | None, product_name: str, product_type: int) -> dict:
    cv: dict[str, tuple[str, str]] = {}
    minor = r.minor
    current_version = "6.3" if (r.major, r.minor) >= (6, 3) else f"{r.major}.{minor}"
    cv["currentversion"] = ("REG_SZ", current_version)
    cv["currentbuildnumber"] = ("REG_SZ", str(r.build))
    cv["currentbuild"] = ("REG_SZ", "1.511.1 () (Obsolete data - do not use)" if r.build < 6000 else str(r.build))
    cv["productname"] = ("REG_SZ", product_name)
    cv["systemroot"] = ("REG_SZ", "C:\\Windows" if r.build >= 6000 else "C:\\WINDOWS")
    if r.service_pack:
        cv["csdversion"] = ("REG_SZ", f"Service Pack {r.service_pack[2:]}")
    if r.build >= 7600:
        cv["installationtype"] = ("REG_SZ", "Client" if r.family == "client" else "Server")
    if r.build >= 6000:
        cv["editionid"] = ("REG_SZ", "Professional" if r.family == "client" else "ServerStandard")
    if r.major >= 10:
        cv["currentmajorversionnumber"] = ("REG_DWORD", "0xa")
        cv["currentminorversionnumber"] = ("REG_DWORD", "0x0")
        if ubr is not None:
            cv["ubr"] = ("REG_DWORD", hex(ubr))
        if r.build >= 10586:
            release_id = "2009" if r.build >= 19042 else _release_ids().get(r.build)
            if release_id:
                cv["releaseid"] = ("REG_SZ", release_id)
        if r.build >= 19042 and r.release and re.fullmatch(r"\d\dH\d", r.release):
            cv["displayversion"] = ("REG_SZ", r.release)
    po = {"producttype": ("REG_SZ", {1: "WinNT", 2: "LanmanNT", 3: "ServerNT"}[product_type])}
    return {_norm_key(REG_CURRENT_VERSION): cv, _norm_key(REG_PRODUCT_OPTIONS): po}


@functools.lru_cache(maxsize=1)
def _release_ids() -> dict[int, str]:
    """Build -> the YYMM release id Windows 10 and Server 2016/2019 write to ReleaseId (LTSC too)."""
    out: dict[int, str] = {}
    for r in load_table().releases:
        if r.major == 10 and r.release and r.release.isdigit():
            out.setdefault(r.build, r.release)
    return out


def _systeminfo(r: Release, words: dict, caption: str, product_type: int) -> tuple[str, ...]:
    s = words["sysinfo"]
    sp = f"Service Pack {r.service_pack[2:]}" if r.service_pack else s["na"]
    role = {1: "workstation", 2: "dc", 3: "member"}[product_type]
    rows = [(s["host"], "PC01"), (s["os_name"], caption.rstrip()),
            (s["os_version"], f"{r.major}.{r.minor}.{r.build} {sp} {s['build']} {r.build}"),
            (s["manufacturer"], "Microsoft Corporation"), (s["configuration"], words["roles"][role]),
            (s["system_type"], "x64-based PC" if r.build >= 7600 else "X86-based PC")]
    width = max(27, max(len(label) for label, _ in rows) + 2)
    return ("",) + tuple(f"{(label + ':').ljust(width)}{value}" for label, value in rows)


def _ver_line(r: Release, lang: str, ubr: int | None) -> str:
    if r.kind == "9x" or (r.major, r.minor) == (4, 0):
        return r.ver_line()
    word = data()["languages"][lang]["ver_word"]
    shown = ubr is not None and r.build >= data()["tools"]["ver_ubr_from_build"]
    text = r.version_text + (f".{ubr}" if shown else "")
    return f"{r.ver_product} [{word} {text}]"


def make_machine(r: Release, lang: str, idx: int = 0) -> Machine:
    samples = data()["ubr_samples"]
    ubr = samples.get(str(r.build)) if r.major >= 10 else None
    caption = _caption(r, lang) if r.kind != "9x" else ""
    product_name = _product_name(r) if r.kind != "9x" else ""
    ptype = _product_type(r)
    tools, ps = _tools(r)
    m = Machine(idx=idx, release=r, lang=lang, ubr=ubr, ver_line=_ver_line(r, lang, ubr), caption=caption,
                product_name=product_name, product_type=ptype, tools=tools, ps_version=ps)
    if r.kind != "9x":
        m.registry = _registry(r, ubr, product_name, ptype)
        m.sysinfo_lines = _systeminfo(r, data()["languages"][lang], caption, ptype)
    return m


@functools.lru_cache(maxsize=4)
def machines(languages: tuple[str, ...] = LANGUAGES) -> tuple[Machine, ...]:
    """Every release in every language, numbered in a stable order (release table order, then language)."""
    out = []
    for r in sim_releases():
        for lang in languages:
            out.append(make_machine(r, lang, len(out)))
    return tuple(out)
