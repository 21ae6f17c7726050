"""One mail-DNS health run: every check for a domain (and the server's address), streamed.

The first round asks every independent question at once (MX, the domain's TXT, DMARC,
the DKIM selectors, MTA-STS, TLS-RPT, BIMI, the PTR of the given address); the checks
then follow their chains (MX addresses, includes, report authorizations) on answers
already in memory where they can. Results stream through the job context as they are
ready; the document is the CLI contract's.
"""

from __future__ import annotations

import time

from sbskit.core.dnsbl import wire
from sbskit.core.errors import UserInputError
from sbskit.core.maildns import check_dkim, check_dmarc, check_extras, check_mx, check_ptr, check_spf, spf_macros
from sbskit.core.maildns.lookups import Resolver
from sbskit.core.maildns.model import exit_code, summarize
from sbskit.core.maildns.names import is_public, parse_domain, parse_ip, parse_selector

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time (CLI start-up time)
    from typing import Any

DEFAULT_TIMEOUT = 3.0
MAX_MX_ADDRESSES = 4
STEPS = 7


class Options:
    def __init__(self, ip: str | None = None, selectors: list[str] | None = None, resolvers: list[str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, helo: str | None = None) -> None:
        self.ip = ip
        self.selectors = list(selectors or [])
        self.resolvers = list(resolvers or [])
        self.timeout = timeout
        self.helo = helo


class _Quiet:
    @staticmethod
    def progress(done: int, total: int, message: str) -> None:
        return None

    @staticmethod
    def result(item: Any) -> None:
        return None

    @staticmethod
    def is_cancelled() -> bool:
        return False


class Run:
    """Validate the input at construction (UserInputError), then :meth:`run`."""

    def __init__(self, domain: str, options: Options | None = None) -> None:
        self.options = options or Options()
        if not 0 < self.options.timeout <= 60:
            raise UserInputError("the timeout must be between 0 and 60 seconds")
        self.domain = parse_domain(domain)
        self.ip = parse_ip(self.options.ip) if self.options.ip else None
        self.selectors = list(dict.fromkeys(parse_selector(s) for s in self.options.selectors))
        self.helo = parse_domain(self.options.helo) if self.options.helo else ""
        from sbskit.core.dnsbl.resolvers import parse_resolver, system_resolvers

        if self.options.resolvers:
            self.servers = [parse_resolver(r) for r in self.options.resolvers]
        else:
            self.servers = system_resolvers()

    def run(self, ctx=None) -> dict[str, Any]:
        ctx = ctx or _Quiet()
        start = time.monotonic()
        resolver = Resolver(self.servers, timeout=self.options.timeout, is_cancelled=ctx.is_cancelled)
        checks: list[dict] = []
        done = 0

        def emit(*items: dict) -> None:
            nonlocal done
            for item in items:
                checks.append(item)
                ctx.result({"type": "check", **item})
            done += 1
            ctx.progress(done, STEPS, f"{done} of {STEPS} checks done")

        domain = self.domain
        selectors = self.selectors + [s for s in check_dkim.advice.well_known_selectors() if s not in self.selectors]
        first = [(domain, wire.MX), (domain, wire.TXT), (f"_dmarc.{domain}", wire.TXT)]
        first += [(f"{s}._domainkey.{domain}", wire.TXT) for s in selectors] + check_extras.questions(domain)
        if self.ip:
            first.append((spf_macros.reverse_name(spf_macros.client_ip(self.ip)), wire.PTR))
        ctx.progress(0, STEPS, f"Asking the DNS about {domain}...")
        resolver.fetch(first)

        mx = check_mx.check(resolver, domain)
        emit(mx)
        parked, null_mx = bool(mx.get("parked")), bool(mx.get("null_mx"))
        hosts = check_mx.mx_hosts(resolver, domain)
        if self.ip:
            ips, from_mx = [self.ip], False
        else:
            ips, from_mx = self._mx_ips(resolver, hosts), True
        results = check_spf.evaluate_ips(resolver, domain, ips, self.helo) if ips else []
        judged = check_spf.check_record(resolver, domain)
        suggestion = self._suggestion(resolver, judged, ips, results, from_mx, hosts)
        emit(check_spf.attach(judged.check, suggestion, judged.analysis))
        no_address = "" if ips else self._no_address(resolver, domain)
        if parked and not ips:
            emit(parked_check("spf-ip", "SPF result for the sending address", mx))
        else:
            emit(check_spf.check_ip(resolver, domain, ips, results, from_mx, suggestion, no_address))
        public = [r for ip, r in zip(ips, results) if is_public(ip)]
        spf_passes = None if from_mx or not public or any(r.result == "temperror" for r in public) else \
            all(r.result == "pass" for r in public)
        emit(check_dmarc.check(resolver, domain, spf_passes, parked=parked, null_mx=null_mx))
        emit(check_dkim.check(resolver, domain, self.selectors, hosts))
        if parked and not ips:
            emit(parked_check("ptr", "Reverse DNS (PTR) of the sending address", mx))
        else:
            emit(check_ptr.check(resolver, ips, from_mx, self.helo, no_address))
        emit(*check_extras.checks(resolver, domain))
        summary = summarize(checks)
        return {
            "domain": domain,
            "ip": self.ip,
            "helo": self.helo or None,
            "checks": checks,
            "summary": summary,
            "resolver": [f"{h}:{p}" if p != 53 else h for h, p in self.servers],
            "queries": resolver.asked,
            "elapsed_seconds": round(time.monotonic() - start, 3),
        }


    def _mx_ips(self, resolver: Resolver, hosts: list[str]) -> list[str]:
        """Without --ip: the MX hosts' addresses (or the implicit MX's), which usually send too."""
        domain = self.domain
        addresses = check_mx.mx_addresses(resolver, domain)
        if not hosts and resolver.get(domain, wire.MX).status == "nodata":  # implicit MX: the domain's address
            addresses = {domain: resolver.get(domain, wire.A).records + resolver.get(domain, wire.AAAA).records}
            hosts = [domain]
        return list(dict.fromkeys(a for host in hosts for a in addresses.get(host, [])))[:MAX_MX_ADDRESSES]

    @staticmethod
    def _no_address(resolver: Resolver, domain: str) -> str:
        """Why there is no address to evaluate (no --ip given): a failed lookup is said as such."""
        lookup = resolver.get(domain, wire.MX)
        if lookup.failed:
            return f"No address to evaluate: no --ip was given and the MX lookup failed ({lookup.detail})."
        hosts = check_mx.mx_hosts(resolver, domain)
        if any(resolver.get(h, wire.A).failed for h in hosts):
            return "No address to evaluate: no --ip was given and the MX hosts' addresses could not be looked up."
        return "No address to evaluate: no --ip was given and the domain's MX hosts have no address."

    def _suggestion(self, resolver: Resolver, judged, ips: list[str], results: list, from_mx: bool,
                    hosts: list[str]):
        """The proved SPF record to publish, when the record or this server's result needs one."""
        from sbskit.core.maildns import advice, spf_suggest
        from sbskit.core.maildns.names import is_public

        failing = [ip for ip, r in zip(ips, results) if r.result != "pass" and is_public(ip)]
        if not judged.readable or (judged.check["status"] not in ("problem", "warning") and not failing):
            return None
        servers = ips if not from_mx or not advice.provider_for_hosts(hosts) else []
        from sbskit.core.jobs import Cancelled

        try:
            return spf_suggest.suggest(resolver, self.domain, judged.texts, judged.unusable, servers, hosts)
        except Cancelled:
            raise
        except Exception as exc:  # a record the kit cannot build is withheld; the checks themselves stand
            import logging

            logging.getLogger(__name__).exception("building the SPF record to publish for %s failed", self.domain)
            return spf_suggest.Suggestion(withheld=f"the kit could not build a record it can prove ({exc!r})",
                                          advice_text="Write the record by hand from the details above.")


def parked_check(check_id: str, title: str, mx: dict) -> dict:
    """spf-ip and ptr of a parked domain (null MX, SPF that authorises no one) when no address was given."""
    from sbskit.core.maildns.model import OK, make_check

    return make_check(check_id, OK, title, "Nothing to evaluate: the domain is parked (it neither sends nor receives "
                      "mail, see MX and SPF), so no server sends in its name.", list(mx["evidence"]))


def check(domain: str, options: Options | None = None, ctx=None) -> dict[str, Any]:
    return Run(domain, options).run(ctx)


__all__ = ["Options", "Run", "check", "exit_code"]
