"""Item 3 (round 2): no text is cut off, on any tab or page, on a 1366x768 laptop and at 150%.

The window gets the room a taskbar leaves at those sizes (logical pixels: 1366x700, and
1920x1040 at 150% = 1280x660 after the title bar); every tab in its screenshot state, every
sub-page and wizard page is walked, and every visible label must have the height its wrapped
text needs at its width (and a one-line label its text's width). The triage live checks show
real results first: a relay test against a real Postfix open relay on loopback, the blocklist
and mail DNS checks' refusals.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clip_walk import clipped_labels
from shortcut_walk import inner_states

pytestmark = pytest.mark.gui

SIZES = [(1366, 700), (1280, 660)]


def test_the_walker_sees_a_squeezed_label(qtbot):
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    window = QWidget()
    column = QVBoxLayout(window)
    squeezed = QLabel("A long explanation that needs three or four lines at this width, " * 4)
    squeezed.setWordWrap(True)
    squeezed.setFixedHeight(20)
    column.addWidget(squeezed)
    qtbot.addWidget(window)
    window.resize(300, 200)
    window.show()
    qtbot.waitExposed(window)
    (problem,) = clipped_labels(window, "sample")
    assert "is 20 px high, needs" in problem


def _live_results(window, qtbot, postfix):
    """The triage's live checks, run for real: their result lines are the longest texts of the page."""
    wizard = window.ensure_tab(2).wizard
    window.tabs.setCurrentIndex(2)
    wizard.start_over()
    wizard.next()
    wizard.next()
    live = wizard.live
    qtbot.waitUntil(live.isVisible)
    live.ip_edit.setText("192.168.1.10")
    live.run_blacklist()  # a LAN address: refused at once, with its explanation
    live.domain_edit.clear()
    live.run_maildns()  # no domain: says what to enter
    live.confirm = lambda host, port: True
    live.host_edit.setText(f"127.0.0.1:{postfix.ports['smtp']}")
    live.relay_timeout = 5.0
    live.run_relay()
    qtbot.waitUntil(lambda: not live.relay.busy and live.state.live.relay is not None, timeout=60000)
    assert "relay" in live.relay.result.text()
    return wizard


@pytest.mark.parametrize("size", SIZES, ids=["1366x768", "150pct-1920x1080"])
def test_no_label_is_cut_off_on_any_page(main_window, qtbot, size, postfix_open):
    main_window.resize(*size)
    QApplication.processEvents()
    problems = []
    wizard = _live_results(main_window, qtbot, postfix_open)
    for _ in range(5):
        QApplication.processEvents()
    problems += clipped_labels(main_window, f"{size}: Queue triage > Live checks with results")
    wizard.start_over()
    for index in range(main_window.tabs.count()):
        main_window.tabs.setCurrentIndex(index)
        tab = main_window.ensure_tab(index)
        qtbot.waitUntil(tab.isVisible)
        tab.prepare_screenshot()
        for state in inner_states(tab, f"{size}: {main_window.tabs.tabText(index)}"):
            problems += clipped_labels(main_window, state)
    unique = sorted(set(problems))
    assert unique == [], "\n" + "\n".join(unique)


def test_the_live_page_scrolls_to_its_last_result(main_window, qtbot, postfix_open):
    """At 150% the page is taller than the window: it scrolls, and the relay verdict can be read;
    Tab from the relay test's button lands in view too (the focused widget is scrolled to)."""
    from sbskit.ui.common.scroll_into_view import ensure_visible, scroll_areas_around, visible_in_scroll_areas

    main_window.resize(1280, 560)
    wizard = _live_results(main_window, qtbot, postfix_open)
    live = wizard.live
    (page_area, *_outer) = scroll_areas_around(live.relay.result)
    assert page_area.verticalScrollBar().maximum() > 0  # the page is taller than its room: it scrolls
    page_area.verticalScrollBar().setValue(0)
    live.ip_edit.setFocus()
    qtbot.waitUntil(live.ip_edit.hasFocus)
    assert not visible_in_scroll_areas(live.relay.result)
    ensure_visible(live.relay.result)
    assert visible_in_scroll_areas(live.relay.result)
    page_area.verticalScrollBar().setValue(0)
    live.relay.run.setFocus(Qt.FocusReason.TabFocusReason)  # the focus moves: the page follows it
    qtbot.waitUntil(lambda: visible_in_scroll_areas(live.relay.run))
