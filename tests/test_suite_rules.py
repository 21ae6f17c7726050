"""The suite's own rules: Qt tests are marked gui, bundle builds are slow, server tests are marked servers.

Why: the fast loop ``-m "not gui and not slow"`` must start no Qt and build no bundle, and the
Windows job deselects ``servers`` (no BIND/Dovecot/Postfix there). The rules are checked on the
items of this very run, so a run with ``-m`` checks what it kept.
"""

from __future__ import annotations

QT = {"qtbot", "qapp"}
BUNDLE = {"bundle", "onefile_cli"}
SERVERS = {"dovecot_risky", "dovecot_safe", "postfix_open", "postfix_closed", "postfix_tarpit", "postfix_hangup",
           "certs", "bind"}


def _items(request):
    return [i for i in request.session.items if hasattr(i, "fixturenames")]


def test_every_qt_test_is_marked_gui(request):
    unmarked = [i.nodeid for i in _items(request) if QT & set(i.fixturenames) and not i.get_closest_marker("gui")]
    assert unmarked == []


def test_every_bundle_build_is_marked_slow(request):
    fast = [i.nodeid for i in _items(request)
            if (BUNDLE & set(i.fixturenames) or "test_frozen_bundle" in i.nodeid) and not i.get_closest_marker("slow")]
    assert fast == []


def test_every_server_test_is_marked_servers(request):
    unmarked = [i.nodeid for i in _items(request)
                if SERVERS & set(i.fixturenames) and not i.get_closest_marker("servers")]
    assert unmarked == []


def test_the_rules_see_this_run(request):
    assert request.node in request.session.items
