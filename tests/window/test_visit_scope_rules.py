"""What belongs to a client's visit (core/visit_scope.py), without Qt: by target first, by the
client chosen when the result was made when there is no target, by owner for a checklist."""

from __future__ import annotations

from sbskit.core.profiles.model import Profile
from sbskit.core.visit_scope import ClientScope, Provenance, ReportPart, decide, history_belongs, history_targets

ACME = ClientScope.from_profile(Profile("Acme Dental", ips=["203.0.113.7"], domains=["acme-dental.test"],
                                        mail_hosts=["mail.acme-hosting.test", "127.0.0.2"]))


def part(targets=(), owner=None, key="k"):
    return ReportPart(key, "label", None, targets=list(targets), owner=owner, result=object())


def test_targets_decide_whatever_client_was_chosen():
    assert ACME.owns("203.0.113.7") and ACME.owns("ACME-dental.test.") and ACME.owns("mx1.acme-dental.test")
    assert ACME.owns("mail.acme-hosting.test") and ACME.owns("127.0.0.2") and ACME.owns("[127.0.0.2]")
    assert not ACME.owns("evil-acme-dental.test") and not ACME.owns("203.0.113.8") and not ACME.owns("acme.test")
    inside = decide(ACME, part(["203.0.113.7", "acme-dental.test"]), made_under="")
    assert inside.include and "in Acme Dental's profile" in inside.reason  # even when made before choosing
    outside = decide(ACME, part(["broken-mail.test"]), made_under="Acme Dental")
    assert not outside.include and outside.reason == "broken-mail.test is not in Acme Dental's profile"
    mixed = decide(ACME, part(["203.0.113.7", "198.51.100.1", "192.0.2.1"]), made_under="Acme Dental")
    assert not mixed.include and mixed.reason.startswith("198.51.100.1, 192.0.2.1 are not")


def test_without_a_target_the_client_chosen_at_the_time_decides():
    assert decide(ACME, part(), made_under="acme dental").include
    assert decide(ACME, part(), made_under="").reason == "made before Acme Dental was chosen"
    assert decide(ACME, part(), made_under="Bob's Bakery").reason == "made while Bob's Bakery was the client"
    empty = ClientScope("New Client")
    assert decide(empty, part(["anything.test"]), made_under="New Client").include  # nothing to match against
    assert not decide(empty, part(["anything.test"]), made_under="").include


def test_owned_results_and_no_client():
    assert decide(ACME, part(owner="Acme Dental"), made_under="").include
    assert not decide(ACME, part(owner="Bob's Bakery"), made_under="Acme Dental").include
    assert decide(None, part(["broken-mail.test"]), made_under="").include  # no client: the whole session


def test_provenance_seals_what_was_on_screen_when_the_client_changed():
    provenance = Provenance()
    before = part(key="osver/identify")
    provenance.seal([before], "")
    assert provenance.made_under(before, "Acme Dental") == ""
    after = part(key="osver/identify")  # a new result under the same key, made after the change
    assert provenance.made_under(after, "Acme Dental") == "Acme Dental"
    provenance.seal([after], "Acme Dental")
    provenance.seal([after], "Bob's Bakery")  # still on screen at the next change: keeps its first client
    assert provenance.made_under(after, "Bob's Bakery") == "Acme Dental"


def test_history_runs_are_matched_by_their_saved_targets():
    assert history_targets("maildns", "acme-dental.test (203.0.113.7)") == ["acme-dental.test", "203.0.113.7"]
    assert history_targets("relaytest", "127.0.0.2:25") == ["127.0.0.2"]
    assert history_targets("relaytest", "[::1]:25") == ["[::1]"]
    assert history_targets("blacklist", "203.0.113.7, acme-dental.test") == ["203.0.113.7", "acme-dental.test"]
    assert history_targets("triage", "tracking.log") == []
    assert history_belongs(ACME, "maildns", "acme-dental.test")
    assert not history_belongs(ACME, "maildns", "broken-mail.test")
    assert history_belongs(ACME, "triage", "anything.log") and history_belongs(None, "maildns", "x.test")
