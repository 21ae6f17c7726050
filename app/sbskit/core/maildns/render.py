"""Plain-text rendering of a maildns document (the CLI's output and the GUI's Copy)."""

from __future__ import annotations

MARK = {"ok": "OK", "warning": "WARN", "problem": "PROBLEM", "error": "COULD NOT TELL"}


def check_text(check: dict, verbose: bool = True) -> list[str]:
    lines = [f"{MARK[check['status']]:>14}  {check['id']:<8} {check['title']}"]
    if check["detail"]:
        lines.append(f"{'':16}{check['detail']}")
    if verbose:
        for receiver in check.get("receivers") or []:
            if receiver.get("what"):
                lines.append(f"{'':16}Receivers: {receiver['what']}")
            elif receiver.get("reply"):
                lines.append(f"{'':18}{receiver['provider']}: \"{receiver['reply']}\"")
            elif receiver.get("effect"):
                lines.append(f"{'':18}{receiver['provider']}: {receiver['effect']}")
    if check["fix"] and check["status"] != "ok":
        lines.append(f"{'':16}Fix: {check['fix']}")
    return lines


def suggested_records(doc: dict) -> list[dict]:
    """Every record the run suggests publishing, once each."""
    seen = set()
    out = []
    for check in doc["checks"]:
        if check["status"] == "ok":
            continue
        for record in check.get("records") or []:
            key = (record["name"], record["value"])
            if key not in seen:
                seen.add(key)
                out.append(record)
    return out


def records_text(doc: dict) -> str:
    lines = []
    for record in suggested_records(doc):
        lines.append(f"{record['name']}.  {record['type']}  \"{record['value']}\"")
        for note in record.get("notes") or []:
            lines.append(f"    ; {note}")
        if record.get("verified"):
            lines.append("    ; proved before it was offered: " + proof_text(record["verified"]))
    return "\n".join(lines)


def proof_text(verified: list[dict]) -> str:
    """``203.0.113.25 (this server) pass, 198.18.0.1 (any other server) softfail``."""
    return ", ".join(f"{v['ip']} ({v['for']}) {v['result']}" for v in verified)


def render_text(doc: dict, evidence: bool = False) -> str:
    who = doc["domain"] + (f" sending from {doc['ip']}" if doc.get("ip") else "")
    lines = [f"Mail DNS health of {who}"]
    for check in doc["checks"]:
        lines.extend(check_text(check))
        if evidence:
            lines.extend(f"{'':18}{e}" for e in check["evidence"])
    records = records_text(doc)
    if records:
        lines += ["", "Records to publish:", records]
    lines += ["", doc["summary"]["line"]]
    return "\n".join(lines) + "\n"
