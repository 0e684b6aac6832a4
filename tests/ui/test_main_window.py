"""The main window, driven as an officer would: type to search, pick a service type, sort."""

import pytest
from PySide6.QtCore import QSettings, Qt

from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.demo import load_demo
from qa_desktop.ui.main_window import MainWindow
from tests.conftest import TODAY


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, store, settings):
    load_demo(store, today=TODAY)
    shown = MainWindow(store, settings)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def visible_names(window):
    proxy = window.proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_lists_every_provider_sorted_by_name(window):
    names = visible_names(window)
    assert len(names) == 12 and names == sorted(names, key=str.lower)
    assert window.count.text() == "12 providers"


def test_type_ahead_search_by_postcode(qtbot, window):
    qtbot.keyClicks(window.search, "me7 1")
    qtbot.waitUntil(lambda: visible_names(window) == ["Willow House"])
    assert window.count.text() == "1 provider"
    window.search.clear()
    qtbot.waitUntil(lambda: len(visible_names(window)) == 12)


def test_ctrl_f_focuses_search(qtbot, window):
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search.hasFocus)


def test_filter_by_service_type(window):
    window.type_filter.setCurrentIndex(window.type_filter.findData(ServiceType.UNREGULATED))
    assert visible_names(window) == ["Lantern House"]


def test_sort_by_tier(window):
    window.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    tiers = [window.proxy.index(r, 4).data() for r in range(window.proxy.rowCount())]
    assert [t for t in tiers if t] == ["A", "A", "A", "B"]


def test_window_size_is_remembered(qtbot, store, settings, window):
    window.resize(640, 455)
    window.close()
    again = MainWindow(store, settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (640, 455)
