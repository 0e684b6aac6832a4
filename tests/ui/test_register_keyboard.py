"""The register by keyboard and on real-sized data: from Find into the results, filters that do not
change unseen, a single match selected, the local authority filter, and columns that fit the text
size (issue 21, "The provider page and the register on real data")."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics

from qa_desktop.services.demo import load_demo
from qa_desktop.ui.main_window import MainWindow
from tests.conftest import TODAY


@pytest.fixture
def window(qtbot, store, workspace, hub, tmp_path):
    load_demo(store, today=TODAY)
    shown = MainWindow(workspace, hub, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(shown)
    shown.resize(1280, 720)
    shown.show()
    return shown


def names(window):
    return [window.proxy.index(row, 0).data() for row in range(window.proxy.rowCount())]


def test_down_from_find_goes_into_the_results_and_enter_on_to_the_page(qtbot, window):
    window.search.setFocus()
    qtbot.keyClicks(window.search, "chatham")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.table.hasFocus() and window.table.currentIndex().row() == 0
    first = names(window)[0]
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.panel.title.text() == names(window)[1] != first  # the arrows walk the results, page follows
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.panel.tabs.hasFocus()


def test_enter_in_find_goes_into_the_results_too(qtbot, window):
    window.search.setFocus()
    qtbot.keyClicks(window.search, "house")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.table.hasFocus() and window.selected_provider_id() is not None


def test_a_single_match_is_selected_and_its_page_shown(qtbot, window):
    window.search.setFocus()
    qtbot.keyClicks(window.search, "willow")
    qtbot.waitUntil(lambda: names(window) == ["Willow House"])
    assert window.panel.title.text() == "Willow House"
    assert window.search.hasFocus()  # still typing: the page shows, the focus stays


def test_tab_from_find_goes_to_the_results_and_arrows_on_a_filter_do_not_change_it(qtbot, window):
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Tab)
    assert window.table.hasFocus()
    window.type_filter.setFocus()
    qtbot.keyClick(window.type_filter, Qt.Key.Key_Down)
    assert window.type_filter.currentIndex() == 0 and len(names(window)) == 13  # not changed unseen
    assert window.type_filter.view().isVisible()  # the list opened instead, to choose from
    window.type_filter.hidePopup()


def test_local_authority_filter(window):
    combo = window.local_authority_filter
    assert [combo.itemText(i) for i in range(combo.count())] == ["Any local authority", "Kent", "Medway"]
    combo.setCurrentIndex(combo.findData("Kent"))
    assert names(window) == ["Northgate Secure Unit", "Riverside School (Residential)"]
    assert window.count.text().startswith("2 providers")


def test_the_window_and_the_command_line_find_the_same_providers(window, workspace):
    for text in ("me4", "chatham good", "sc7001", "ltd", "%", "zoë", "ME2 4UX"):
        window.search.setText(text)
        window.refresh()
        assert sorted(names(window)) == sorted(r.name for r in workspace.register.search(text)), text


def test_columns_fit_again_when_the_text_is_made_larger(qtbot, window):
    urn = [c.header for c in window.model.columns].index("URN")
    font = QFont(window.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    window.setFont(font)  # as the officer's larger text reaches the window
    qtbot.waitUntil(lambda: window.table.font().pointSizeF() == font.pointSizeF())
    metrics = QFontMetrics(window.table.font())
    assert window.table.columnWidth(urn) > metrics.horizontalAdvance("SC700102")  # URNs whole
    header = QFontMetrics(window.table.horizontalHeader().font())
    for column, spec in enumerate(window.model.columns[:-1]):
        assert window.table.columnWidth(column) > header.horizontalAdvance(spec.header), spec.header
    due = [c.header for c in window.model.columns].index("Next due (Figures 1, 2)")
    assert window.table.columnViewportPosition(due) + 40 < window.table.viewport().width()  # on screen at 1280
