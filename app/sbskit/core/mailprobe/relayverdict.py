"""The relay test's verdict and headline from its answers, and what the server's timing showed.

Each answer is read for its meaning (:mod:`relayreplies`): a relay denial counts as a
refusal whatever its code, so a stock Postfix that answers every foreign recipient with
``454 4.7.1 Relay access denied`` is "not an open relay", while greylisting, rate limits
and other temporary failures leave that variant open and the test says so ("every
variant was answered, but N only temporarily"), never "stopped".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

from sbskit.core.mailprobe.relayreplies import enhanced_code, meaning

if TYPE_CHECKING:
    from sbskit.core.mailprobe.relay import Attempt, RelayReport

_ADDRESS_PREFIX = re.compile(r"^<[^>]*>(?:\s*:)?\s*")
DEFER_NOTE = ("a relay refusal with a temporary code, on purpose: Postfix's defer_unauth_destination "
              "(Debian's and Ubuntu's default) answers so")


def _reply_key(a: "Attempt") -> str:
    """``454 4.7.1 Relay access denied`` without the address: groups identical answers."""
    text = (a.reply or "").strip()
    code = enhanced_code(text)
    if code and text.startswith(code):
        text = text[len(code):].strip()
    text = _ADDRESS_PREFIX.sub("", text)
    return " ".join(p for p in (str(a.reply_code), code or "", text[:60]) if p)


def tally(attempts: list["Attempt"]) -> str:
    """``16 x 454 4.7.1 Relay access denied`` for the most common answers (at most three)."""
    counts = Counter(_reply_key(a) for a in attempts)
    parts = [f"{n} \u00d7 {key}" for key, n in counts.most_common(3)]
    if len(counts) > 3:
        parts.append(f"{sum(n for _k, n in counts.most_common()[3:])} other")
    return ", ".join(parts)


def decide(report: "RelayReport", total: int) -> None:
    """Set ``open_relay``, ``verdict``, ``summary`` and (for an open verdict) ``error``/``detail``."""
    answered = [a for a in report.attempts if a.reply_code is not None]
    accepted = [a for a in answered if a.relayed]
    refused = [a for a in answered if not a.relayed and meaning(a.reply_code, a.reply, a.stage).refusal]
    pending = [a for a in answered if not a.relayed and a not in refused]
    if accepted and not report.vantage.relay_evidence_counts:
        report.open_relay, report.verdict = None, "accepted-from-trusted-network"
        report.error = "trusted-network"
        report.detail = (f"{len(accepted)} of {total} variants were accepted, but from {report.vantage.where()}, "
                         "an address the server may trust")
        report.summary = (f"could not tell: {len(accepted)} of {total} variants were accepted, but from "
                          f"{report.vantage.where()}: servers relay for addresses they trust (Postfix mynetworks, "
                          "which is loopback in Debian's stock main.cf; Exchange relay connectors), so this shows "
                          "nothing about the internet. Run the test from outside the network, or, if you know the "
                          "server does not trust this address, with --as-outsider")
        return
    if accepted:
        report.open_relay, report.verdict = True, "possibly-open"
        report.summary = (f"possibly an open relay: {len(accepted)} of {total} variants were accepted at RCPT TO "
                          f"({tally(accepted)})")
        return
    if answered and len(refused) == total:
        report.open_relay, report.verdict = False, "closed"
        report.error, report.detail = None, ""
        deferred = [a for a in refused if 400 <= a.reply_code < 500]
        why = f"; the 4xx ones are {DEFER_NOTE}" if deferred else ""
        report.summary = f"not an open relay: no relay variant accepted, all {total} refused ({tally(refused)}{why})"
        return
    report.open_relay = None
    if report.error is None and pending and len(answered) == total:
        report.verdict = "temporary-only"
        kinds = Counter(meaning(a.reply_code, a.reply, a.stage).title for a in pending)
        words = ", ".join(f"{kind}: {n}" for kind, n in kinds.most_common())
        report.error = "temporary"
        report.detail = (f"every variant was answered, but {len(pending)} only temporarily ({words}; "
                         f"{tally(pending)})")
        if refused:
            report.detail += f"; {len(refused)} refused"
        advice = " Run the test again in a few minutes: greylisting lets a retry through." if "greylisting" in kinds else ""
        report.summary = f"could not tell: {report.detail}. None was accepted.{advice}"
        return
    report.verdict = "incomplete"
    if report.error is None and pending:
        report.error = "temporary"
        report.detail = f"{len(pending)} variant(s) got only a temporary answer ({tally(pending)})"
    none_accepted = " None was accepted." if answered or report.unanswered else ""
    report.summary = f"could not tell: {report.detail.rstrip('.')}.{none_accepted}"


TARPIT_NOTABLE = 1.0  # seconds: refusals slower than this are held back on purpose


def timing_notes(report: "RelayReport", fast: list[float], lanes: int) -> None:
    """Say how the server timed its answers: a tarpit of refusals (Exchange: every one; Postfix: after a few
    errors) is a good sign; every answer slow, accepted ones too, is a slow link or server, not a tarpit."""
    refusals = [a for a in report.attempts if a.seconds is not None and a.reply_code is not None
                and meaning(a.reply_code, a.reply, a.stage).refusal]
    slow = sorted(a.seconds for a in refusals if a.seconds >= TARPIT_NOTABLE)
    if len(slow) < 2:
        return
    typical = slow[len(slow) // 2]
    if fast and sorted(fast)[len(fast) // 2] >= TARPIT_NOTABLE:
        report.notes.append(f"The server answers every command slowly (about {typical:.1f} s, accepted ones too): a "
                            "slow link or a deliberately slow server, not a tarpit of refused recipients.")
        return
    report.tarpit_seconds = round(typical, 1)
    if len(slow) == len(refusals):
        report.notes.append(f"The server holds every refused recipient about {typical:.1f} s before answering (a "
                            "tarpit, as Exchange does), which makes address harvesting slow; the test spread its "
                            f"variants over {lanes} connections at once to keep it short.")
    else:
        report.notes.append(f"{len(slow)} of {len(refusals)} refusals were held back about {typical:.1f} s, the "
                            "others answered at once: the server slows a session once it has counted a few errors "
                            "(Postfix's smtpd_error_sleep_time after smtpd_soft_error_limit), which makes address "
                            "harvesting slow.")


def timeout_hint(report: "RelayReport", timeout: float, allowance: float, held_back: bool) -> None:
    """When RCPT answers never came in time, say which --timeout would let them."""
    waited = [u for u in report.unanswered if "RCPT TO" in u.get("reason", "")]
    if not waited:
        return
    seen = [a.seconds for a in report.attempts if a.seconds is not None]
    if seen:
        suggest = math.ceil(max(seen)) + 3
        why = f"answers that did come took up to {max(seen):.1f} s"
    else:
        suggest = math.ceil(2 * (timeout + allowance))
        why = f"no RCPT TO was answered within {timeout + allowance:g} s"
    report.notes.append(f"The server may hold refused recipients longer than the test waited ({why}; Exchange "
                        f"tarpits 5 s per refused recipient): try a timeout of {suggest} s or more (--timeout "
                        f"{suggest}), with a deadline long enough for it.")
