"""Where the admin's answer and the evidence disagree, said in plain words.

An answer is a belief; a receiver's reply is a fact. When a "no" stands against what the
evidence states verbatim, the answer is not counted (``answers.prior_logits``) and the
finding says why: "is the IP listed?" is about public blocklists, and Microsoft's S3150
list is Microsoft's own; a relay host refusing our logon proves a smart host is used; a
bounce the log shows being generated is an NDR a user got.
"""

from __future__ import annotations

from sbskit.core.triage.answers import Answers
from sbskit.core.triage.detectors._util import plural
from sbskit.core.triage.evidence import Evidence

# catalogue patterns of receivers' own lists and reputation systems: no public DNSBL lookup shows these
OWN_LISTS = frozenset({"microsoft_s3150", "microsoft_legacy_sc", "microsoft_banned_ip", "microsoft_banned_ip_text",
                       "microsoft_customer_block", "microsoft_ip_reputation", "gmail_unusual_rate",
                       "gmail_likely_unsolicited", "gmail_low_reputation", "yahoo_tss04", "generic_bad_reputation",
                       "cloudmark_orange"})
SMART_HOST_KINDS = frozenset({"smarthost_auth", "sasl_mechanism", "smarthost_sender"})
VERBATIM_CAUSES = ("configuration_error", "blocklisted", "mail_dns")


def contradicted(ev: Evidence, given: Answers) -> dict[str, list[str]]:
    """{cause: ['You answered ... but ...']} for the answers the evidence contradicts."""
    out: dict[str, list[str]] = {}
    if given.get("ip_listed") == "no":
        groups = ev.replies.supporting("blocklisted")
        own = [g for g in groups if g.reply.pattern and g.reply.pattern.id in OWN_LISTS]
        public = [g for g in groups if g not in own]
        if own:
            names = sorted({g.reply.pattern.lists or g.reply.pattern.title for g in own})
            out.setdefault("blocklisted", []).append(
                f"You answered 'no' to 'is the IP on a blocklist?': that is about public lists. The refusals name the "
                f"receivers' own lists or reputation ({', '.join(names)}), which no public lookup shows.")
        if public:
            names = sorted({g.reply.pattern.lists or g.reply.pattern.title for g in public if g.reply.pattern})
            out.setdefault("blocklisted", []).append(
                f"You answered 'no' to 'is the IP on a blocklist?', but receivers refused mail naming {', '.join(names)}: "
                "check the IP again (the listing may have ended since the refusals).")
    if given.get("smart_host") == "no":
        relay = [g for g in ev.replies.groups.values()
                 if g.direction == "outbound" and g.reply.category in SMART_HOST_KINDS]
        if relay:
            n = sum(g.count for g in relay)
            out.setdefault("configuration_error", []).append(
                f"You answered 'no' to 'does mail go through a smart host?', but our server logs on to a relay host "
                f"({plural(n, 'message')}: {relay[0].reply.pattern.title if relay[0].reply.pattern else relay[0].reply.code}): "
                "mail does go through one.")
    if given.get("users_get_ndrs") == "no":
        n = ev.counts["bounced_own"] + ev.formats.get("ndr_text", 0)  # a bounce handed in is one a user got
        if n:
            for cause in VERBATIM_CAUSES:
                out.setdefault(cause, []).append(
                    f"You answered 'no' to 'do users get NDRs?', but the log shows {plural(n, 'non-delivery report')} "
                    "generated for mail they sent.")
    return out
