"""Item 7 (the general rule): every text on every tab reaches WCAG AA (4.5:1) in light and dark
mode: labels on their real background, rich-text colours, coloured table and tree cells.

The tabs are put in their screenshot state first (real offline work: an identified build, a
checked script, the catalogue, the triage sample, the checklist), then every sub-page is walked.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from contrast_walk import indicator_problems, item_problems, label_problems
from sbskit.ui.common.contrast import contrast_ratio, readable_on
from sbskit.ui.common.theme import STATUS_COLORS, STATUS_TEXT
from shortcut_walk import inner_states

pytestmark = pytest.mark.gui


def test_the_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#bebebe", "#ffffff") == pytest.approx(1.86, abs=0.01)  # the grey
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey
    assert readable_on("#ffffff", "#bebebe") == "#000000"


@pytest.mark.parametrize("dark", [0, 1])
@pytest.mark.parametrize("kind", sorted(STATUS_COLORS))
def test_status_colours_pass_in_both_modes(kind, dark):
    assert contrast_ratio(STATUS_TEXT[kind][dark], STATUS_COLORS[kind][dark]) >= 4.5


def test_the_walker_sees_a_grey_label_and_a_grey_cell(qtbot):
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

    from contrast_walk import item_problems, label_problems

    window = QWidget()
    window.setStyleSheet("background: #ffffff;")
    column = QVBoxLayout(window)
    grey = QLabel("lower-ranked cause")
    grey.setStyleSheet("color: #bebebe;")
    inline = QLabel("<span style='color: #bebebe'>muted</span> and plain")
    table = QTableWidget(1, 1)
    cell = QTableWidgetItem("3%")
    cell.setForeground(QColor("#bebebe"))
    table.setItem(0, 0, cell)
    for widget in (grey, inline, table):
        column.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert len(label_problems(window, "sample")) == 2
    assert len(item_problems(window, "sample")) == 1


@pytest.fixture(params=["light", "dark"])
def themed_window(request, qtbot):
    from sbskit.core.settings import Settings
    from sbskit.ui.common.theme import apply_theme
    from sbskit.ui.shell.main_window import MainWindow

    app = QApplication.instance()
    palette, style = app.palette(), app.style().name()
    apply_theme(app, request.param)
    window = MainWindow(settings=Settings())
    window.persist_state = False
    qtbot.addWidget(window)
    window.resize(1100, 740)
    window.show()
    qtbot.waitExposed(window)
    yield request.param, window
    for tab in window.built_tabs():
        tab.shutdown()
    window.close()
    app.setStyle(style)
    app.setPalette(palette)


def test_every_text_on_every_tab_reaches_aa(themed_window, qtbot):
    theme, window = themed_window
    problems = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tab = window.ensure_tab(index)
        qtbot.waitUntil(tab.isVisible)
        tab.prepare_screenshot()
        for state in inner_states(tab, f"{theme}: {window.tabs.tabText(index)}"):
            problems += label_problems(window, state) + item_problems(window, state)
            problems += indicator_problems(window, state)
    window.tabs.setCurrentIndex(2)  # the form's own error text, shown on a typed mistake
    wizard = window.ensure_tab(2).wizard
    wizard.restart()
    wizard.symptoms.server_ip.setText("192.168.1.999")
    qtbot.waitUntil(lambda: bool(wizard.symptoms.error.text()))
    problems += label_problems(window, f"{theme}: Queue triage > Symptoms with a bad IP")
    unique = sorted(set(problems))
    assert unique == [], "\n" + "\n".join(unique)


def test_the_indicator_check_sees_plain_fusion_fail_in_dark_mode(qtbot):
    """Without the kit's style, Fusion's unchecked indicators are 1.1:1 on the dark palette."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyleFactory, QVBoxLayout, QWidget

    from contrast_walk import indicator_edge_contrast
    from sbskit.ui.common.theme import _dark_palette, kit_style

    window = QWidget()
    window.setPalette(_dark_palette())
    column = QVBoxLayout(window)
    boxes = [QCheckBox("Check a domain's mail servers"), QRadioButton("Yes")]
    for box in boxes:
        column.addWidget(box)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    fusion, kit = QStyleFactory.create("Fusion"), kit_style()
    for box in boxes:
        box.setStyle(fusion)
        assert indicator_edge_contrast(box) < 3.0
        box.setStyle(kit)
        assert indicator_edge_contrast(box) >= 3.0
