"""The PowerShell evaluator: [Environment]::OSVersion.Version, Get-CimInstance/Get-WmiObject
Win32_OperatingSystem, Get-ItemProperty of CurrentVersion, [version]/[int] casts and the
comparison operators with PowerShell's rule that the left operand's type decides, run on every
release that has Windows PowerShell (2.0 on Windows 7, 5.1 on Windows 10 and later)."""

from __future__ import annotations

import re

from sbskit.core.osver.scripteval import ps_parse as pp
from sbskit.core.osver.scripteval import ps_values as pv
from sbskit.core.osver.scripteval import structured as sr
from sbskit.core.osver.scripteval import vbs_objects as com
from sbskit.core.osver.scripteval.values import Lazy, Unknown, first_unknown, lift, not_keeping_unknown, partly_known_logic

OUTPUT = {"write-host", "write-output", "echo", "write-warning", "write-verbose", "write-information", "out-host"}
WMI_COMMANDS = {"get-ciminstance", "gcim", "get-wmiobject", "gwmi"}
REG_COMMANDS = {"get-itemproperty", "gp", "get-itempropertyvalue", "gpv"}


class OsVersionInfo:
    """[Environment]::OSVersion: real on Windows PowerShell (it has a manifest); Revision is the
    service pack in its high word on Windows 7 (6.1.7601.65536), 0 from Windows 8 on."""

    def member(self, name: str, line: int):
        if name == "version":
            v = Lazy(_os_version, lambda m: f"[Environment]::OSVersion.Version is {_os_version(m)} (line {line})",
                     frozenset({"osversion"}))
            v.origin = line
            return v
        if name == "versionstring":
            return Lazy(lambda m: f"Microsoft Windows NT {_os_version(m)}", lambda m: f"OSVersion.VersionString is "
                        f"\"Microsoft Windows NT {_os_version(m)}\" (line {line})", frozenset({"osversion"}))
        if name == "platform":
            return "Win32NT"
        return Unknown(f"[Environment]::OSVersion.{name} (line {line})", line)


def _os_version(m) -> pv.PsVersion:
    r = m.release
    sp = int(r.service_pack[2:]) if r.service_pack and r.service_pack.startswith("SP") else 0
    return pv.PsVersion(r.major, r.minor, r.build, sp << 16 if r.build < 9200 else 0)


class RegistryKey:
    def __init__(self, path: str) -> None:
        self.path = path

    def member(self, name: str, line: int):
        return com.reg_read(self.path.rstrip("\\") + "\\" + name, line)


class ComputerInfo:
    PROPS = {"windowsproductname": ("reg", "ProductName"), "osname": ("wmi", "caption"),
             "osversion": ("wmi", "version"), "osbuildnumber": ("wmi", "buildnumber"),
             "windowsversion": ("reg", "ReleaseId"), "oscurrentbuild": ("wmi", "buildnumber")}

    def member(self, name: str, line: int):
        kind, key = self.PROPS.get(name, (None, None))
        if kind == "wmi":
            return com.OS.member(key, line)
        if kind == "reg":
            return com.reg_read("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\" + key, line)
        return Unknown(f"Get-ComputerInfo .{name} (line {line})", line)


# --- expressions -----------------------------------------------------------------------------
def ev(rt, st, node):
    if isinstance(node, pp.Lit):
        return node.value
    if isinstance(node, pp.Str):
        return lift(lambda *parts: "".join(pv.to_str(p) for p in parts), *[p if isinstance(p, str) else ev(rt, st, p)
                                                                          for p in node.parts])
    if isinstance(node, pp.Var):
        return variable(rt, st, node.name)
    if isinstance(node, pp.ArrayLit):
        return lift(lambda *items: tuple(items), *[ev(rt, st, i) for i in node.items])
    if isinstance(node, pp.Cast):
        return _tagged(lift(lambda v: pv.cast(node.type, v), ev(rt, st, node.value)), {f"cast:{node.type}"})
    if isinstance(node, pp.TypeName):
        return node
    if isinstance(node, pp.Member):
        return member(rt, st, node)
    if isinstance(node, pp.MethodCall):
        return method(rt, st, node)
    if isinstance(node, pp.Index):
        return lift(lambda seq, i: _index(seq, i), ev(rt, st, node.obj), ev(rt, st, node.index))
    if isinstance(node, pp.UnOp):
        v = ev(rt, st, node.operand)
        if node.op == "-not":
            return not_keeping_unknown(v, pv.truthy)
        return lift(lambda x: -pv.to_num(x), v)
    if isinstance(node, pp.BinOp):
        return binop(rt, st, node)
    if isinstance(node, pp.Command):
        return command(rt, st, node, None)
    if isinstance(node, pp.Pipeline):
        value = None
        for element in node.elements:
            value = command(rt, st, element, value) if isinstance(element, pp.Command) else ev(rt, st, element)
        return value
    return Unknown(f"an expression on line {rt.line}", rt.line)


def _tagged(value, tags):
    if isinstance(value, Lazy):
        value.tags = value.tags | frozenset(tags)
    return value


def _index(seq, i):
    n = pv.to_num(i)
    if isinstance(seq, (tuple, str)) and isinstance(n, int) and -len(seq) <= n < len(seq):
        return seq[n]
    return None


def variable(rt, st, name: str):
    if name.startswith("env:"):
        var = name[4:]
        if var.upper() in ("OS", "PROCESSOR_ARCHITECTURE", "SYSTEMROOT", "WINDIR"):
            key = {"OS": "OS", "PROCESSOR_ARCHITECTURE": "PROCESSOR_ARCHITECTURE", "SYSTEMROOT": "SystemRoot",
                   "WINDIR": "windir"}[var.upper()]
            return Lazy(lambda m: m.env().get(key), lambda m: f"$env:{var} is \"{m.env().get(key)}\"",
                        frozenset({f"env:{key.lower()}"}))
        if var.upper() in ("TEMP", "TMP"):
            return "C:\\Users\\user\\AppData\\Local\\Temp"
        return Unknown(f"$env:{var} depends on the user and the computer", rt.line)
    if name == "psversiontable":
        return PsVersionTable()
    if name == "_":
        return st.get("_")
    got = st.get(name, _MISSING)
    return None if got is _MISSING else got


_MISSING = object()


class PsVersionTable:
    def member(self, name: str, line: int):
        if name == "psversion":
            return Lazy(lambda m: pv.PsVersion.parse(m.ps_version or "1.0"), None, frozenset({"psversion"}))
        return Unknown(f"$PSVersionTable.{name}", line)


def member(rt, st, node):
    if isinstance(node.obj, pp.TypeName):
        if node.obj.name in ("environment", "system.environment") and node.name == "osversion":
            return OsVersionInfo()
        return Unknown(f"[{node.obj.name}]::{node.name} (line {rt.line})", rt.line)
    target = ev(rt, st, node.obj)
    return get_member(target, node.name, rt.line, pp.text_of(node))


def get_member(target, name: str, line: int, shown: str | None = None):
    if isinstance(target, Unknown):
        return target
    if isinstance(target, Lazy):
        label = shown or name

        def why(m) -> str:
            value = out.at(m)
            text = f'"{value}"' if isinstance(value, str) else "$null" if value is None else str(value)
            return f"{label} is {text} (line {line})"

        extra = {f"member:{name}"} | ({f"wmi:{name}"} if "wmi" in target.tags else set())
        out = Lazy(lambda m: _plain_member(target.at(m), name, m), why, target.tags | extra,
                   target.lang or name in com.LANG_PROPS)
        out.origin = target.origin or line
        return out
    got = _direct_member(target, name, line)
    if isinstance(got, Lazy) and shown:
        inner = got.why
        got.why = (lambda m: f"{shown}: {inner(m)}") if inner else None
    return got


def _direct_member(target, name: str, line: int):
    if target is None:
        return None  # $null.Anything is $null in PowerShell
    if isinstance(target, pv.PsVersion):
        return target.member(name)
    if isinstance(target, str) and name == "length":
        return len(target)
    if isinstance(target, tuple):
        if name in ("count", "length"):
            return len(target)
        return tuple(_direct_member(x, name, line) for x in target)
    if hasattr(target, "member"):
        return target.member(name, line)
    return None


def _plain_member(value, name, m):
    got = _direct_member(value, name, 0)
    return got.at(m) if isinstance(got, Lazy) else got


def method(rt, st, node):
    if isinstance(node.obj, pp.TypeName):
        return Unknown(f"[{node.obj.name}]::{node.name}() (line {rt.line})", rt.line)
    target = ev(rt, st, node.obj)
    args = [ev(rt, st, a) for a in node.args]
    unknown = first_unknown(target, *args)
    if unknown is not None:
        return unknown

    def call(t, *a):
        if isinstance(t, str) and node.name in pv.STRING_METHODS:
            try:
                return pv.STRING_METHODS[node.name](t, *a)
            except (TypeError, ValueError, IndexError):
                return pv.PsError(f".{node.name}() failed")
        if isinstance(t, pv.PsVersion) and node.name == "compareto":
            other = pv.cast("version", a[0]) if a else None
            return pv.PsError("bad version") if isinstance(other, pv.PsError) else (t > other) - (t < other)
        if node.name == "tostring":
            return pv.to_str(t)
        return None

    out = lift(call, target, *args)
    return _tagged(out, {"instr"} if node.name in ("contains", "startswith", "indexof", "endswith") else set())


def binop(rt, st, node):
    a, b = ev(rt, st, node.left), ev(rt, st, node.right)
    op = node.op.lstrip("-")
    if op in ("and", "or", "xor"):
        partial = partly_known_logic(op, a, b, pv.truthy)
        if partial is not None:
            return partial
        return lift(lambda x, y: {"and": pv.truthy(x) and pv.truthy(y), "or": pv.truthy(x) or pv.truthy(y),
                                  "xor": pv.truthy(x) != pv.truthy(y)}[op], a, b)
    if op in ("+", "-", "*", "/", "%"):
        return lift(lambda x, y: _arith(op, x, y), a, b)
    base = op[1:] if op[:1] in ("c", "i") and op[1:] in ("eq", "ne", "lt", "le", "gt", "ge", "like", "notlike",
                                                           "match", "notmatch") else op
    if base in ("split", "replace", "join", "f", "is", "isnot", "as"):
        return Unknown(f"-{base} (line {rt.line})", rt.line)
    out = lift(lambda x, y: pv.compare(x, base, y), a, b)
    if isinstance(out, Lazy):
        tags = {"like"} if "like" in base else {"match"} if "match" in base else set()
        if "match" in base and isinstance(b, str) and re.search(r"(?<!\\)\.", b):
            tags.add("regex-dot")
        if base in ("lt", "le", "gt", "ge"):
            tags.add("compare-order")
            out.intent = _intent(a, base, b)
            out.order = base
        out.tags = out.tags | frozenset(tags)
        rt.intents.append(out)
        if base in ("le", "ge") and isinstance(node.right if base == "le" else node.left, pp.Var):
            _edge_probe(out, node, base, a, b)
        literal_left, literal_right = isinstance(node.left, pp.Lit), isinstance(node.right, pp.Lit)
        if literal_left != literal_right:  # -eq '6.1', -ge 22000, -like '*Server 2008*': what it is for
            positive = {"ne": "eq", "notlike": "like", "notmatch": "match"}.get(base, base)
            lit, var = (node.left.value, b) if literal_left else (node.right.value, a)
            probe_test(out, positive, lit, var, literal_left, a, b)
    return out


MINIMUM = re.compile(r"(?i)min(imum|imal)?|required|least|lowest")


def _edge_probe(out, node, base: str, a, b) -> None:
    """``$os -le $MinimumVersion`` (or ``$Minimum -ge $os``) is also true on the minimum itself: the
    test meant "older than the minimum" refuses the oldest release it wants."""
    from sbskit.core.osver.scripteval.intent import Probe

    var, bound, value = (node.right, b, a) if base == "le" else (node.left, a, b)
    if not MINIMUM.search(var.name) or isinstance(bound, (Lazy, Unknown)) or not isinstance(value, Lazy):
        return

    def edge(m) -> bool:
        return pv.compare(value.at(m), "eq", bound) is True

    out.probes = tuple(out.probes) + (Probe(f"${var.name} ({pv.to_str(bound)})", None, None, lambda m: False,
                                            edge=edge),)


def probe_test(out, op: str, lit, var, flipped: bool, a, b) -> None:
    from sbskit.core.osver.scripteval.intent import add_compare_probe

    def actual(m) -> bool:
        x, y = (a.at(m) if isinstance(a, Lazy) else a), (b.at(m) if isinstance(b, Lazy) else b)
        return pv.compare(x, op, y) is True

    add_compare_probe(out, op, lit, var, flipped, actual)


def _arith(op, x, y):
    if op == "+" and isinstance(x, str):
        return x + pv.to_str(y)
    nx, ny = pv.to_num(x), pv.to_num(y)
    if isinstance(nx, pv.PsError) or isinstance(ny, pv.PsError):
        return nx if isinstance(nx, pv.PsError) else ny
    try:
        return {"+": nx + ny, "-": nx - ny, "*": nx * ny, "/": nx / ny if ny else pv.PsError("division by zero"),
                "%": nx % ny if ny else pv.PsError("division by zero")}[op]
    except ZeroDivisionError:
        return pv.PsError("division by zero")


def _intent(a, op, b):
    def intent(m):
        x, y = (a.at(m) if isinstance(a, Lazy) else a), (b.at(m) if isinstance(b, Lazy) else b)
        if not isinstance(x, str):
            return None
        xs, ys = pv.to_str(x), pv.to_str(y)
        if not (re.fullmatch(r"\d+(\.\d+)*", xs) and re.fullmatch(r"\d+(\.\d+)*", ys)):
            return None
        actual = pv.compare(x, op, y)
        tx, ty = tuple(int(p) for p in xs.split(".")), tuple(int(p) for p in ys.split("."))
        c = (tx > ty) - (tx < ty)
        return (actual, {"lt": c < 0, "le": c <= 0, "gt": c > 0, "ge": c >= 0}[op])
    return intent


def command(rt, st, node: pp.Command, piped):
    name, line = node.name, rt.line
    named = {p: v for p, v in node.args if p}
    positional = [v for p, v in node.args if not p]
    if name in ("new-object",) and positional:
        kind = ev(rt, st, positional[0])
        if isinstance(kind, str) and kind.lower() in ("version", "system.version"):
            given = named.get("argumentlist") or (positional[1] if len(positional) > 1 else None)
            value = ev(rt, st, given) if given is not None else None
            return lift(_new_version, value) if value is not None else pv.PsError("new Version() without values")
        return Unknown(f"New-Object {kind} (line {line}), outside the script", line)
    if name in WMI_COMMANDS and "computername" in named:
        target = ev(rt, st, named["computername"])
        if not (isinstance(target, str) and target.lower() in (".", "localhost", "127.0.0.1")):
            return Unknown(f"the Windows of the remote computer named by -ComputerName (line {line})", line)
    if name in WMI_COMMANDS:
        query = named.get("query")
        cls = named.get("classname") or named.get("class") or (positional[0] if positional else None)
        if query is not None:
            q = ev(rt, st, query)
            if not isinstance(q, str):
                return Unknown(f"a WMI query that differs between computers (line {line})", line)
            result = com.WmiCollection(q, line).items()
        else:
            cls_name = ev(rt, st, cls) if cls is not None else None
            if not isinstance(cls_name, str) or cls_name.lower() != "win32_operatingsystem":
                return Unknown(f"{name} {cls_name} (line {line}) is not simulated", line)
            result = com.OS
        if name in ("get-ciminstance", "gcim"):
            return Lazy(lambda m: _single(result, m) if m.ps_version and m.ps_version >= "3.0" else None,
                        lambda m: "Get-CimInstance is not in Windows PowerShell 2.0 (its result is $null there)"
                        if not (m.ps_version and m.ps_version >= "3.0") else "Get-CimInstance ran",
                        frozenset({"wmi", "cim"}))
        return result if not isinstance(result, Lazy) else Lazy(lambda m: _single(result, m), result.why, result.tags)
    if name in REG_COMMANDS:
        path = ev(rt, st, named.get("path") or named.get("literalpath") or (positional[0] if positional else pp.Lit("")))
        if not isinstance(path, str):
            return Unknown(f"a registry path that differs between computers (line {line})", line)
        key = RegistryKey(re.sub(r"(?i)^hklm:\\?", lambda _m: "HKLM\\", re.sub(r"(?i)^registry::", "", path)))
        prop = named.get("name") or (positional[1] if len(positional) > 1 else None)
        if name in ("get-itempropertyvalue", "gpv") and prop is not None:
            return key.member(pv.to_str(ev(rt, st, prop)), line)
        return key
    if name in ("select-object", "select"):
        prop = named.get("expandproperty")
        if prop is not None:
            return get_member(piped, pv.to_str(ev(rt, st, prop)).lower(), line)
        return piped
    if name == "get-computerinfo":
        return Lazy(lambda m: ComputerInfo() if m.ps_version == "5.1" else None, None, frozenset({"cim"}))
    if name in OUTPUT:
        return None
    if name in ("cmd", "cmd.exe", "ver", "systeminfo"):
        text = " ".join(pv.to_str(ev(rt, st, v)) for _p, v in node.args).lower()
        if name == "ver" or re.search(r"\bver\b", text):
            return Lazy(lambda m: m.ver_line, lambda m: f'ver prints "{m.ver_line}" (line {line})',
                        frozenset({"ver"}), True)
        if name == "systeminfo":
            return Lazy(lambda m: tuple(m.sysinfo_lines), lambda m: f"its systeminfo output (line {line})",
                        frozenset({"systeminfo"}), True)
    if name in rt.program.procs:
        return call_function(rt, st, name, [ev(rt, st, v) for _p, v in node.args], line)
    return Unknown(f"{name} (line {line}), a command outside the script", line)


def _new_version(value):
    """New-Object Version "10.0.22000.0" / New-Object 'Version' 6,2,9200,0."""
    if isinstance(value, tuple):
        nums = [pv.to_num(v) for v in value]
        if all(isinstance(n, int) for n in nums) and 2 <= len(nums) <= 4:
            return pv.PsVersion(*nums)
        return pv.PsError("bad Version arguments")
    return pv.cast("version", value)


def message_of(node) -> str | None:
    """The text Write-Host / Write-Error / Write-Output prints, as written (-Message or the first words)."""
    named = {p: v for p, v in node.args if p}
    sources = [named[k] for k in ("message", "object") if k in named] or [v for p, v in node.args if not p]
    return " ".join(_shown(v) for v in sources) if sources else None


def _shown(source) -> str:
    if isinstance(source, pp.Lit):
        return to_text(source.value)
    if isinstance(source, pp.Str):
        return "".join(p if isinstance(p, str) else "$x" for p in source.parts)
    return "..."


def to_text(value) -> str:
    return pv.to_str(value)


def _single(result, m):
    if isinstance(result, Lazy):
        items = result.at(m)
        return items[0] if items else None
    return result


def call_function(rt, st, name: str, args: list, line: int):
    sub = sr.Runner(rt.program, list(st.envs), lambda envs: dict(st.globals), rt.evaluate_test, rt.describe_test)
    sub.intents, sub.line, sub.function, sub.results = [], line, "@return", {}
    pc, params, _kind = rt.program.procs[name]
    state = sub.pending[0]
    state.vars = {p: (args[n] if n < len(args) else None) for n, p in enumerate(params)}
    state.pc, state.regions = pc, []
    sub.run()
    values = list(sub.results.values())
    if values and all(v is values[0] for v in values):
        return values[0]
    if any(isinstance(v, Unknown) for v in values):
        return next(v for v in values if isinstance(v, Unknown))
    table = sub.results
    return Lazy(lambda m: (lambda v: v.at(m) if isinstance(v, Lazy) else v)(table.get(m.idx)),
                lambda m: f"{name} returns a different value there (line {line})", frozenset({"function"}))
