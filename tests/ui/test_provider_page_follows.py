"""The provider page under the register follows the cursor: at once for every key pressed, however
fast; while Down is held (the keyboard repeating it) it waits for the cursor to rest, then shows the
provider the cursor rests on, and meanwhile nothing on it can act on a provider left behind.

Also: a table of the page is fitted to its text when its tab is shown, not for every provider."""

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

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
    qtbot.waitExposed(shown)
    shown.table.setFocus()
    shown.table.selectRow(0)
    return shown


def cursor_on(window) -> tuple[str, str]:
    row = window.model.row_at(window.proxy.mapToSource(window.table.currentIndex()).row())
    return row.id, row.name


def test_every_down_pressed_shows_the_page_of_the_provider_the_cursor_is_on_at_once(qtbot, window):
    seen = []
    for _ in range(6):  # as fast as the test can press them
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
        provider_id, name = cursor_on(window)
        assert window.panel.overview is not None and window.panel.overview.id == provider_id
        assert window.panel.title.text() == name
        seen.append(provider_id)
    assert len(set(seen)) == 6


def hold_down(window, times: int) -> None:
    """Down pressed, then repeated by the keyboard ``times`` times, then let go."""
    for repeat in [False] + [True] * times:
        QApplication.sendEvent(window.table, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Down,
                                                       Qt.KeyboardModifier.NoModifier, "", repeat))
    QApplication.sendEvent(window.table, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Down,
                                                   Qt.KeyboardModifier.NoModifier))


def test_down_held_shows_the_page_where_the_cursor_rests_and_nothing_acts_on_a_provider_passed(qtbot, window):
    first_id, _ = cursor_on(window)
    hold_down(window, 4)
    rests_on, name = cursor_on(window)
    assert window.table.currentIndex().row() == 5 and rests_on != first_id
    # the keys were not kept waiting for pages; the page says whose it will be and holds no provider
    assert window.panel.overview is None and window.panel.pending == rests_on
    assert window.panel.title.text().startswith(name)
    assert not window.panel.tabs.isEnabled()
    assert not any(b.isEnabled() for b in window.panel.record_buttons)
    # not the page of the provider passed under this one's name: a line says whose page comes
    assert window.panel.body.currentWidget() is window.panel.waiting and window.panel.waiting.isVisible()
    qtbot.waitUntil(lambda: window.panel.overview is not None)
    assert window.panel.overview.id == rests_on and window.panel.title.text() == name
    assert window.panel.body.currentIndex() == 0 and window.panel.tabs.isVisible()
    assert window.panel.tabs.isEnabled() and window.panel.pending is None
    assert any(b.isEnabled() for b in window.panel.record_buttons)


def test_a_key_pressed_after_holding_shows_its_page_at_once(qtbot, window):
    hold_down(window, 3)
    qtbot.keyClick(window.table, Qt.Key.Key_Down)  # pressed again before the page caught up
    provider_id, _ = cursor_on(window)
    assert window.panel.overview is not None and window.panel.overview.id == provider_id
    assert window.panel.pending is None


def test_a_click_after_holding_shows_its_page_at_once(qtbot, window):
    """Down held, let go and the page caught up; then a row clicked: its page is read at once (the
    click is no held key, so the page does not wait for the cursor to rest)."""
    hold_down(window, 3)
    qtbot.waitUntil(lambda: window.panel.overview is not None)
    QApplication.sendEvent(window.table, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Down,
                                                   Qt.KeyboardModifier.NoModifier, "", True))  # held again, not let go
    assert window.panel.overview is None
    qtbot.waitUntil(lambda: window.panel.overview is not None)
    clicked = window.proxy.index(8, 0)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.table.visualRect(clicked).center())
    provider_id, _ = cursor_on(window)
    assert window.table.currentIndex().row() == 8
    assert window.panel.overview is not None and window.panel.overview.id == provider_id
    assert window.panel.pending is None


def test_a_table_on_another_tab_is_fitted_to_its_text_when_its_tab_is_shown(qtbot, window):
    panel = window.panel
    with_visits = next(r for r in range(window.proxy.rowCount()) if (window.table.selectRow(r) or True)
                       and panel.overview is not None and panel.overview.counts["visits"])
    assert window.table.currentIndex().row() == with_visits
    view = panel.views["visits"]
    assert panel.tabs.currentWidget() is not view and not panel.tabs.currentWidget().isAncestorOf(view)
    assert "visits" in panel.overview.unread and panel.visits_model.rowCount() == 0  # read when shown
    panel.tabs.setCurrentIndex(panel.tab_index["visits"])
    assert "visits" not in panel.overview.unread
    assert panel.visits_model.rowCount() == panel.overview.counts["visits"] == len(panel.overview.visits) > 0
    # the last column stretches to the table's edge (``stretchLastSection``): the others as fitted
    fitted = range(view.model().columnCount() - 1)
    widths = [view.columnWidth(c) for c in fitted]
    view.resizeColumnsToContents()
    assert widths == [view.columnWidth(c) for c in fitted]


def test_a_tab_read_earlier_shows_what_changed_while_another_tab_was_on_show(qtbot, window, workspace):
    """A tab's list is read when the tab is shown; a change heard while another tab is on show reads
    the page again (the tabs' words at once) and the list again when its tab is shown."""
    from qa_desktop.domain.contacts import ContactRole
    from qa_desktop.domain.oversight import CaseSource

    panel = window.panel
    panel.tabs.setCurrentIndex(panel.tab_index["cases"])
    cases = panel.cases_model.rowCount()
    panel.tabs.setCurrentIndex(panel.tab_index["contacts"])
    contacts = panel.contacts_model.rowCount()
    panel.tabs.setCurrentIndex(panel.tab_index["settings"])
    workspace.oversight.log_case(panel.overview.id, source=CaseSource.LADO, category="Allegation",
                                 summary="Heard while away")
    workspace.providers.add_contact(panel.overview.id, name="Dana Reyes", kind=ContactRole.IRO)
    assert {"cases", "contacts"} <= panel.overview.unread
    assert panel.tabs.tabText(panel.tab_index["contacts"]) == f"Contacts ({contacts + 1})"
    panel.tabs.setCurrentIndex(panel.tab_index["cases"])
    assert panel.cases_model.rowCount() == cases + 1
    assert panel.cases_model.rows[0].summary == "Heard while away"
    panel.tabs.setCurrentIndex(panel.tab_index["contacts"])
    assert "Dana Reyes" in [c.name for c in panel.contacts_model.rows]
