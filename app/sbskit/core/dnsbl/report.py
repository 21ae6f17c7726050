"""Client-report sections for a blocklist check (File > Export report, ``--report``).

Plain HTML with inline styles that Qt's rich-text engine renders the same way in PDF:
what was asked and through which resolver, the listings with reasons and delisting
links, what could not be checked and why, and what to do next.
"""

from __future__ import annotations

import html

from sbskit.core.dnsbl.catalogue import load_catalogue
from sbskit.core.dnsbl.summary import doc_summary, summary_line

ROW_BAD = "background:#fbe3e1"
ROW_UNKNOWN = "background:#fdf0d5"
ROW_GOOD = "background:#e2f4e6"

ADVICE = {
    "spam-source": "Find what sent the spam (a compromised mailbox or password, an infected PC, a web form, an "
                   "open relay), stop it, then ask for delisting at the link.",
    "exploited-host": "An infected or hijacked machine sends through this address: find it (firewall logs of "
                      "outbound port 25, anti-virus), clean it, block outbound port 25 for everything but the "
                      "mail server, then ask for delisting.",
    "policy": "The range is listed as one that should not send mail directly (dynamic or residential). Send "
              "through your provider's smarthost, or ask the provider for a static, business range with "
              "reverse DNS.",
    "backscatter": "The server bounces or auto-replies to forged senders: turn on recipient filtering (reject "
                   "unknown recipients during SMTP) and check out-of-office rules. These lists expire entries "
                   "by themselves.",
    "malicious": "The domain is listed for phishing, malware or botnet use: check the web site and mail "
                 "accounts for compromise before asking for delisting.",
    "reputation-bad": "The sender's reputation is poor: reduce bounces and complaints, fix authentication "
                      "(SPF, DKIM, DMARC), then reputation recovers over days to weeks.",
    "listed": "Ask the list's operator why, fix the cause, then request delisting.",
}
ERROR_ADVICE = {
    "blocked-resolver": "Run the check from a resolver you operate (the server's own DNS service) or with a "
                        "Spamhaus DQS key; public resolvers are refused.",
    "rate-limited": "Run the check again later or from your own resolver.",
    "timeout": "Run the check again; if the same lists stay silent, the resolver cannot reach them.",
    "servfail": "The resolver could not reach the list's servers; run the check again later.",
    "refused": "The resolver refused the query: use another resolver.",
    "zone-broken": "The list itself misbehaves (dead, parked or wildcarded); its answers are ignored.",
    "unexpected-answer": "The list answered something it does not document; it was not counted as a listing.",
}


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(head: list[str], rows: list[tuple[str, list[str]]]) -> str:
    cells = "".join(f"<th align='left'>{_e(h)}</th>" for h in head)
    body = "".join(f"<tr style='{style}'>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for style, row in rows)
    return f"<table cellspacing='0' cellpadding='3' border='1' width='100%'><thead><tr>{cells}</tr></thead>{body}</table>"


def _collapsed(rows: list) -> list:
    """Lists that failed the same way for the same target share one row: "32 lists" (visit report)."""
    groups: dict[tuple, list] = {}
    for style, cells in rows:
        groups.setdefault((style, cells[0], cells[2], cells[3]), []).append(cells[1])
    out = []
    for (style, target, why, detail), names in groups.items():
        if len(names) >= 3:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            out.append((style, [target, f"{len(names)} lists ({shown})", why, detail]))
        else:
            out.extend((style, [target, name, why, detail]) for name in names)
    return out


def no_listing_text(summary: dict) -> str:
    """The Listings section when no blocklist lists the targets: "not listed" only when every
    blocklist asked answered (the headline's rule, summary.verdict_of); else what could not be seen."""
    from sbskit.core.dnsbl.summary import NOT_LISTED, verdict_of

    block = summary.get("blocklists") or {}
    answered, failed = block.get("clean", summary.get("clean", 0)), block.get("errors", summary.get("errors", 0))
    if verdict_of(summary) == NOT_LISTED:
        return f"Not listed: every blocklist asked answered ({answered} answers), and none lists these targets."
    if not answered:
        return ("No blocklist answered, so no listing could be seen: this check could not tell whether these "
                "targets are listed.")
    return (f"The {answered} blocklist answers that came back show no listing, but {failed} could not answer "
            "(see below): could not tell whether these targets are listed there.")


def report_sections(doc: dict) -> list:
    """``Section`` items describing one sweep's document (the CLI's JSON)."""
    from sbskit.core.report import Section

    catalogue = load_catalogue()
    targets = doc.get("targets") or []
    if not targets:
        return []
    summary = doc_summary(doc)
    sections = []
    asked = ", ".join(_e(t["target"]) for t in targets[:20]) + (" ..." if len(targets) > 20 else "")
    intro = (f"<p><b>{_e(summary_line(summary, len(targets)))}</b></p>"
             f"<p>Checked: {asked}. Resolver: {_e(', '.join(doc.get('resolver') or []))}"
             f"{' (Spamhaus through DQS)' if doc.get('dqs') else ''}.</p>")
    if not doc.get("resolver_problem"):  # else the headline has said it, once
        for problem in doc.get("problems") or []:
            intro += f"<p style='{ROW_UNKNOWN}'>{_e(problem['detail'])}</p>"
    details = []
    for t in targets:
        bits = []
        if t.get("ptr"):
            confirmed = {True: "forward-confirmed", False: "not forward-confirmed", None: "not confirmed"}[t.get("fcrdns")]
            bits.append(f"reverse DNS {', '.join(t['ptr'])} ({confirmed})")
        elif t.get("ptr") == []:
            bits.append("no reverse DNS (PTR) record")
        if t.get("mx"):
            bits.append("mail servers " + "; ".join(f"{m['host']} ({', '.join(m['addresses']) or 'no address'})"
                                                    for m in t["mx"]))
        if t.get("source"):
            bits.append(f"mail server {t['source']['mx']} of {t['source']['domain']}")
        if bits:
            details.append(f"<li>{_e(t['target'])}: {_e('; '.join(bits))}</li>")
    if details:
        intro += "<ul>" + "".join(details[:50]) + "</ul>"
    sections.append(Section("What was checked", intro))

    listed, unknown, good = [], [], []
    categories: set[str] = set()
    reasons: set[str] = set()
    for t in targets:
        for r in t["results"]:
            if r["status"] == "listed" and r.get("verdict") == "bad":
                categories.add(r.get("category") or "listed")
                link = f"<a href='{_e(r['delist_url'])}'>{_e(r['delist_url'])}</a>" if r.get("delist_url") else ""
                reason = _e(" | ".join(r["txt"])) if r["txt"] else ""
                listed.append((ROW_BAD, [_e(t["target"]), _e(r.get("name") or r["zone"]),
                                         _e(catalogue.category_label(r.get("category") or "listed")),
                                         _e("; ".join(r["meanings"])), reason, link]))
            elif r["status"] == "listed":
                good.append((ROW_GOOD, [_e(t["target"]), _e(r.get("name") or r["zone"]), _e("; ".join(r["meanings"]))]))
            elif r["status"] == "error":
                reasons.add(r["error"])
                unknown.append((ROW_UNKNOWN, [_e(t["target"]), _e(r.get("name") or r["zone"]), _e(r["error"]),
                                              _e(r["detail"])]))
    if listed:
        sections.append(Section("Listings", _table(["Target", "List", "Kind", "Meaning", "Reason given", "Delisting"],
                                                   listed)))
    else:
        sections.append(Section("Listings", f"<p>{_e(no_listing_text(summary))}</p>"))
    if good:
        sections.append(Section("Allow-lists and reputation", _table(["Target", "List", "Meaning"], good)))
    if unknown:
        sections.append(Section("Could not be checked", "<p>These lists gave no usable answer, so they are "
                                "<b>not</b> counted as clean.</p>" + _table(["Target", "List", "Why", "Detail"],
                                                                            _collapsed(unknown)[:300])))
    actions = [doc["resolver_problem"]["advice"]] if doc.get("resolver_problem") else []
    actions += [ADVICE.get(c, ADVICE["listed"]) for c in sorted(categories)]
    actions += [ERROR_ADVICE[r] for r in sorted(reasons) if r in ERROR_ADVICE]
    if actions:
        sections.append(Section("What to do", "<ul>" + "".join(f"<li>{_e(a)}</li>" for a in actions) + "</ul>"))
    return sections
