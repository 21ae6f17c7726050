"""Counting a sweep's results and saying it in one line ("Listed on 2 of 38 lists; ...").

Shared by the CLI text, the GUI's summary label and the client report.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def summarize(targets: list[dict]) -> dict[str, Any]:
    listed = [r for t in targets for r in t["results"] if r["status"] == "listed" and r.get("verdict") == "bad"]
    good = [r for t in targets for r in t["results"] if r["status"] == "listed" and r.get("verdict") != "bad"]
    errors = [r for t in targets for r in t["results"] if r["status"] == "error"]
    clean = [r for t in targets for r in t["results"] if r["status"] == "clean"]
    reasons: dict[str, int] = {}
    for r in errors:
        reasons[r["error"]] = reasons.get(r["error"], 0) + 1
    lists = {r["zone"] for t in targets for r in t["results"]}
    return {"lists": len(lists), "results": len(listed) + len(good) + len(errors) + len(clean),
            "listed": len(listed), "allow_or_reputation": len(good), "clean": len(clean), "errors": len(errors),
            "error_reasons": reasons}


def summary_line(summary: dict[str, Any], targets: int = 1) -> str:
    """'Listed on 2 of 38 lists; 3 could not answer (2 timeout, 1 servfail).'"""
    n = summary["results"]
    where = "lookups" if targets > 1 else "lists"
    if summary["listed"]:
        text = f"Listed on {summary['listed']} of {n} {where}"
    elif summary["errors"] and not summary["clean"] and not summary["allow_or_reputation"]:
        text = f"No list could answer ({n} {where})"
    else:
        text = f"Not listed on any of {n} {where}" if not summary["errors"] else f"Not listed where the lists answered ({n} {where})"
    if summary["errors"]:
        why = ", ".join(f"{count} {reason}" for reason, count in sorted(summary["error_reasons"].items(), key=lambda x: -x[1]))
        text += f"; {summary['errors']} could not answer ({why})"
    if summary["allow_or_reputation"]:
        text += f"; {summary['allow_or_reputation']} allow-list or reputation entries"
    return text + "."
