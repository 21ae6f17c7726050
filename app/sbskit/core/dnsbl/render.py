"""Plain-text and CSV forms of a sweep and of the catalogue (CLI output, copy, export).

Listed and could-not-tell results are shown in full with reasons and delisting links;
clean ones are folded into one line per target so the real news is not buried.
"""

from __future__ import annotations

import textwrap
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

from sbskit.core.dnsbl.catalogue import load_catalogue
from sbskit.core.dnsbl.summary import doc_headline

CSV_COLUMNS = ["target", "kind", "source", "zone", "list", "status", "verdict", "category", "codes", "meanings",
               "error", "detail", "txt", "delist_url"]


def _target_heading(t: dict[str, Any]) -> str:
    head = f"{t['target']} ({t['kind']})"
    if t.get("source"):
        head += f"  - mail server {t['source']['mx']} of {t['source']['domain']}"
    return head


def _reverse_line(t: dict[str, Any]) -> str | None:
    if "ptr" not in t:
        return None
    if t["ptr"] is None:
        return f"  reverse DNS: could not tell ({t.get('ptr_error') or 'no answer'})"
    if not t["ptr"]:
        return "  reverse DNS: none (no PTR record; many receivers reject mail from such addresses)"
    confirmed = {True: "forward-confirmed", False: "NOT forward-confirmed", None: "forward check could not tell"}[t.get("fcrdns")]
    return f"  reverse DNS: {', '.join(t['ptr'])} ({confirmed})"


def _error_lines(errors: list[dict[str, Any]], width: int) -> list[str]:
    """One line per list that could not answer; three or more with the same reason share one."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in errors:
        groups.setdefault((r["error"], r["detail"]), []).append(r)
    lines = []
    for (error, detail), group in groups.items():
        if len(group) >= 3:
            text = f"{len(group)} lists: {error}: {detail}: " + ", ".join(r["zone"] for r in group)
            lines.extend(textwrap.wrap(text, 100, initial_indent=f"  {'ERROR':<7} ", subsequent_indent=" " * 10))
            continue
        for r in group:
            codes = f" ({', '.join(r['codes'])})" if r["codes"] else ""
            lines.append(f"  {'ERROR':<7} {r['zone']:<{width}}  {error}{codes}: {detail}")
    return lines


def render_text(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    catalogue = load_catalogue()
    resolver = ", ".join(doc["resolver"])
    lines.append(f"Resolver: {resolver} ({doc.get('resolver_kind', 'custom')}){'  Spamhaus via DQS' if doc.get('dqs') else ''}")
    lines.append("")
    lines.extend(textwrap.wrap(doc_headline(doc), 100))  # the verdict first, the resolver's trouble first of all
    if not doc.get("resolver_problem"):  # else the headline has said it, once
        for problem in doc.get("problems", []):
            lines.append("")
            lines.extend(textwrap.wrap(f"Resolver problem: {problem['detail']}", 100, subsequent_indent="  "))
    for t in doc["targets"]:
        lines.append("")
        lines.append(_target_heading(t))
        if t.get("skipped"):
            lines.append(f"  skipped: {t['skipped']}")
            continue
        reverse = _reverse_line(t)
        if reverse:
            lines.append(reverse)
        if t.get("mx") is not None:
            for mx in t["mx"]:
                addrs = ", ".join(mx["addresses"]) or "no address"
                lines.append(f"  mail server: {mx['host']}{' (implicit: no MX record)' if mx.get('implicit') else ''} -> {addrs}")
            if not t["mx"]:
                lines.append("  mail server: none (null MX or no mail)")
        elif "mx_error" in t:
            lines.append(f"  mail server: could not tell ({t['mx_error']})")
        results = t["results"]
        width = max((len(r["zone"]) for r in results), default=10)
        for r in results:
            if r["status"] == "listed":
                label = {"bad": "LISTED", "good": "allow", "neutral": "noted"}.get(r.get("verdict"), "LISTED")
                cat = catalogue.category_label(r["category"]) if r.get("category") else ""
                lines.append(f"  {label:<7} {r['zone']:<{width}}  {', '.join(r['codes'])}  {cat}")
                for meaning in r["meanings"]:
                    lines.append(f"  {'':<7} {'':<{width}}  {meaning}")
                for txt in r["txt"]:
                    lines.append(f"  {'':<7} {'':<{width}}  reason: {txt}")
                if r.get("detail"):
                    lines.append(f"  {'':<7} {'':<{width}}  {r['detail']}")
                if r.get("delist_url") and r.get("verdict") == "bad":
                    lines.append(f"  {'':<7} {'':<{width}}  delist: {r['delist_url']}")
        lines.extend(_error_lines([r for r in results if r["status"] == "error"], width))
        clean = [r["zone"] for r in results if r["status"] == "clean"]
        if clean:
            text = f"not listed on {len(clean)}: " + ", ".join(clean)
            lines.extend(textwrap.wrap(text, 100, initial_indent="  clean   ", subsequent_indent=" " * 10))
        if not results:
            lines.append("  no list in the selection takes this kind of target")
    return "\n".join(lines)


def csv_rows(doc: dict[str, Any]) -> list[list[str]]:
    rows = [CSV_COLUMNS]
    for t in doc["targets"]:
        source = f"{t['source']['domain']} MX {t['source']['mx']}" if t.get("source") else ""
        for r in t["results"]:
            rows.append([t["target"], t["kind"], source, r["zone"], r.get("name", ""), r["status"], r.get("verdict") or "",
                         r.get("category") or "", " ".join(r["codes"]), " | ".join(r["meanings"]), r.get("error") or "",
                         r.get("detail") or "", " | ".join(r["txt"]), r.get("delist_url") or ""])
    return rows


def catalogue_doc() -> dict[str, Any]:
    cat = load_catalogue()
    zones = []
    for z in cat.zones:
        zones.append({
            "zone": z.zone, "name": z.name, "operator": z.operator, "targets": list(z.targets), "group": z.group,
            "default": z.default and not z.requires, "requires": z.requires or None, "terms": z.terms, "note": z.note,
            "lookup_url": z.lookup_url, "delist_url": z.delist_url,
            "codes": {c: {"meaning": m, "category": k} for c, (m, k) in z.codes.items()},
            "errors": {c: {"meaning": m, "error": k} for c, (m, k) in z.errors.items()},
            "test_points": {"listed": z.test_listed, "not_listed": z.test_not_listed},
        })
    return {"zones": zones, "dead": cat.dead}


def catalogue_text(doc: dict[str, Any]) -> str:
    lines = ["Active lists (* = queried by default):"]
    for z in doc["zones"]:
        flag = "*" if z["default"] else " "
        extra = f"  [needs {z['requires']}]" if z["requires"] else ""
        lines.append(f" {flag} {z['zone']:<34} {'/'.join(z['targets']):<20} {z['name']}{extra}")
    lines.append("")
    lines.append("Dead or dangerous lists (never queried):")
    for d in doc["dead"]:
        lines.append(f"   {d['zone']:<34} dead since {d.get('since', '?'):<8} {d.get('now', '')}")
    return "\n".join(lines)
