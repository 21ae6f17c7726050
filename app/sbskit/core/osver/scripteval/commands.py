"""Commands that exist only on some releases (``netsh advfirewall`` since Vista, ``bootcfg`` until
2003; script-outputs.json "commands"), and the finding for a release that the script's own tests
send to one its Windows does not have."""

from __future__ import annotations

import datetime as _dt

from sbskit.core.osver.lint_common import Finding
from sbskit.core.osver.scripteval.machines import data, machines

FIX = ("Send each Windows to the commands it has: test the build (Vista and later are 6000 and up) instead of "
       "names in ver, and keep a branch for the old command (netsh firewall, bootcfg).")


def lacking(name: str, first_arg: str, envs) -> dict:
    """{machine idx: why} for the computers of ``envs`` that do not have this command."""
    table = data().get("commands", {})
    key = f"{name.removesuffix('.exe')} {first_arg}".strip()
    spec = table.get(key) or table.get(name.removesuffix(".exe"))
    if not isinstance(spec, dict):
        return {}
    shown = key if key in table else name.removesuffix(".exe")
    out = {}
    for m in envs:
        if not m.is_nt:
            continue
        if "from_build" in spec and m.release.build < spec["from_build"]:
            out[m.idx] = f"{shown} exists only from {spec['since']} on"
        elif "until_build" in spec and m.release.build > spec["until_build"]:
            out[m.idx] = f"{shown} exists only up to {spec['until']}"
    return out


def command_findings(matrix, today: _dt.date) -> list[Finding]:
    ms = machines()
    first = matrix.languages[0]
    by: dict[tuple, dict] = {}
    for o in matrix.distinct_outcomes():
        for line, text, missing in o.lacking:
            for idx, why in missing.items():
                if ms[idx].lang == first:
                    entry = by.setdefault(why, {"lines": {}, "rows": {}})
                    entry["lines"].setdefault(line, text)
                    entry["rows"].setdefault(idx, o)
    out = []
    for why, entry in sorted(by.items(), key=lambda kv: min(kv[1]["lines"])):
        line, text, rows = min(entry["lines"]), entry["lines"][min(entry["lines"])], entry["rows"]
        more = sorted(entry["lines"])[1:]
        rels = sorted({ms[i].release for i in rows}, key=lambda r: (not r.supported(today), -r.build))
        names = list(dict.fromkeys(r.label for r in rels))
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        m = next(ms[i] for i in rows if ms[i].release.label == names[0])
        o = rows[m.idx]
        reason = o.hits[-1].decisions[-1].because(m) if o.hits and o.hits[-1].decisions else \
            (o.chain[-1].because(m) if o.chain else "of the tests before it")
        severity = "error" if any(r.supported(today) for r in rels) else "warning"
        f = Finding(line, "wrong-branch", severity,
                    f"{shown} run|runs `{text[:80]}` (line {line}"
                    f"{', also lines ' + ', '.join(map(str, more[:8])) if more else ''}): {why}, so it fails there.".replace(
                        "run|runs", "run" if len(names) > 1 else "runs"), FIX, {"releases": names})
        f.proof = f"{m.name} reaches line {line} because {reason}; {why}"
        f.proof_doc = {"release": m.release.label, "version": m.full_version, "language": m.lang, "reached": None,
                       "line": line, "because": f.proof}
        out.append(f)
    return out
