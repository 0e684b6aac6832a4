"""The main window, driven as an officer would: type to search, pick a service type, sort; and
kept up to date by what changed, wherever the change was made."""

import pytest
from PySide6.QtCore import QSettings, Qt

from qa_desktop.domain.oversight import CaseSource
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.services.demo import load_demo
from qa_desktop.store.database import Store
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import Workspace
from tests.conftest import OFSTED_HEADER, TODAY


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, store, workspace, hub, settings):
    load_demo(store, today=TODAY)
    shown = MainWindow(workspace, hub, settings)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def visible_names(window):
    proxy = window.proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_lists_every_provider_sorted_by_name(window):
    names = visible_names(window)
    assert len(names) == 13 and names == sorted(names, key=str.lower)
    assert window.count.text().startswith("13 providers")


def test_type_ahead_search_by_postcode(qtbot, window):
    qtbot.keyClicks(window.search, "me7 1")
    qtbot.waitUntil(lambda: visible_names(window) == ["Willow House"])
    assert window.count.text() == "1 provider"
    window.search.clear()
    qtbot.waitUntil(lambda: len(visible_names(window)) == 13)


def test_ctrl_f_focuses_search(qtbot, window):
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search.hasFocus)


def test_filter_by_service_type(window):
    window.type_filter.setCurrentIndex(window.type_filter.findData(ServiceType.UNREGULATED))
    assert visible_names(window) == ["Lantern House"]


def test_sort_by_tier(window):
    tier = [c.header for c in window.model.columns].index("Tier")
    window.table.sortByColumn(tier, Qt.SortOrder.AscendingOrder)
    tiers = [window.proxy.index(r, tier).data() for r in range(window.proxy.rowCount())]
    assert [t for t in tiers if t] == ["A", "A", "A", "B"]


def test_window_size_is_remembered(qtbot, workspace, settings, window):
    window.resize(760, 555)
    window.close()
    again = MainWindow(workspace, settings=settings)  # makes its own change hub
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (760, 555)


def select_provider(qtbot, window, name):
    window.search.setText(name)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.setCurrentIndex(window.proxy.index(0, 0))


def test_filters_by_judgement_and_overdue_with_the_overdue_flagged_in_words(window):
    from qa_desktop.domain.regulation import Judgement
    window.judgement_filter.setCurrentIndex(window.judgement_filter.findData(Judgement.REQUIRES_IMPROVEMENT.value))
    assert visible_names(window) == ["Harbour View"]
    window.judgement_filter.setCurrentIndex(0)
    window.due_filter.setCurrentIndex(window.due_filter.findText("Overdue"))
    overdue = visible_names(window)
    assert "Harbour View" in overdue and len(overdue) < 12
    due_column = [c.header for c in window.model.columns].index("Next due (Figures 1, 2)")
    for row in range(window.proxy.rowCount()):
        cell = window.proxy.index(row, due_column)
        assert cell.data().startswith("Overdue: ") and cell.data(Qt.ItemDataRole.FontRole).bold()
    assert window.count.text() == f"{len(overdue)} providers, {len(overdue)} overdue"


def test_provider_page_shows_settings_due_visits_and_actions_and_opens_a_visit(qtbot, window):
    select_provider(qtbot, window, "Harbour View")
    panel = window.panel
    assert panel.title.text() == "Harbour View" and "SC700102" in panel.facts.text()
    assert [panel.tabs.tabText(i) for i in range(4)] == ["Settings (1)", "What is due (2 overdue)", "Visits (2)",
                                                         "Actions (1)"]
    assert panel.actions_model.row_at(0).source.endswith(": Carbon monoxide detector")
    visits = panel.views["visits"]
    panel.tabs.setCurrentIndex(panel.tab_index["visits"])  # its list is read when its tab is shown
    visits.setFocus()
    visits.setCurrentIndex(visits.model().index(0, 0))
    qtbot.keyClick(visits, Qt.Key.Key_Return)  # Enter opens the visit
    (opened,) = window.visit_windows
    qtbot.addWidget(opened)
    assert opened.windowTitle() == "Visit: Harbour View, 22 Nov 2026"


def test_import_providers_in_the_background_then_a_bad_file_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    shown = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind: shown.append((title, text)))
    header = ("URN,Provision type,Registration status,Sector,Name,Address 1,Address 2,Town,County,Postcode,"
              "Local authority,Places,Organisation which owns the provider,Latest full inspection date,"
              "Overall experiences and progress of children and young people")
    lines = [header] + [f"SC9{n:05d},Children's home,Active,Private,Home {n},{n} High St,,Chatham,Kent,ME4 {n % 9}AA,"
                        f"Medway,3,Acme Care Ltd,01/02/2024,Good" for n in range(300)]
    (tmp_path / "ofsted.csv").write_text("\n".join(lines), encoding="utf-8")
    task = window.import_providers(str(tmp_path / "ofsted.csv"))
    with qtbot.waitSignal(task.finished, timeout=60000):
        pass
    assert task.dialog.maximum() == 300  # the progress dialog counted the rows
    report = window.import_report  # what it changed, shown when it ends
    assert report.isVisible() and "300 added" in report.summary.text() and report.model.rowCount() == 300
    assert window.count.text().startswith("313 providers")
    (tmp_path / "photo.csv").write_bytes(b"\xff\xd8\xff\xe0 not a csv at all")
    with qtbot.waitSignal(window.import_providers(str(tmp_path / "photo.csv")).failed, timeout=60000):
        pass
    assert shown[-1][0] == "Providers not imported" and "photo.csv" in shown[-1][1]
    assert window.count.text().startswith("313 providers")


# -- redrawn by what changed ---------------------------------------------------------------------------

@pytest.fixture
def full_redraws(window, monkeypatch):
    """How often the register was worked out again whole (``reload``) or its model reset
    (``set_rows``): a change to one provider needs neither."""
    counted = {"reload": 0, "set_rows": 0}

    def counter(name, original):
        def counting(*args, **kwargs):
            counted[name] += 1
            return original(*args, **kwargs)
        return counting

    monkeypatch.setattr(window, "reload", counter("reload", window.reload))
    monkeypatch.setattr(window.model, "set_rows", counter("set_rows", window.model.set_rows))
    return counted


def cell(window, name, column):
    columns = [c.header for c in window.model.columns]
    for row in range(window.proxy.rowCount()):
        if window.proxy.index(row, 0).data() == name:
            return window.proxy.index(row, columns.index(column)).data()
    return None


def write_ofsted_csv(tmp_path, *rows):
    path = tmp_path / "update.csv"
    path.write_text("\n".join([OFSTED_HEADER, *rows]), encoding="utf-8")
    return path


HARBOUR_ROW = ("SC700102,Children's Home,Active,Private,{name},3 Quayside Walk,Upnor,Rochester,Kent,ME2 4UX,Medway,3,"
               "Harbourlight Children's Services Ltd,02/10/2023,Requires improvement to be good")


def test_cases_logged_through_the_workspace_redraw_that_row_and_page_only(qtbot, workspace, window, full_redraws):
    select_provider(qtbot, window, "Harbour View")
    window.panel.tabs.setCurrentIndex(window.panel.tab_index["cases"])  # the list on show follows the change
    harbour = window.selected_provider_id()
    full_redraws.update(reload=0, set_rows=0)  # the search typed above did reset the model
    for n in range(4):
        workspace.oversight.log_case(harbour, source=CaseSource.LADO, category="Allegation", summary=f"Case {n}")
    assert cell(window, "Harbour View", "Risk (Figure 6)") == "MEDIUM"
    assert window.panel.tabs.tabText(4) == "Risk and cases (MEDIUM)" and window.panel.cases_model.rowCount() == 4
    assert full_redraws == {"reload": 0, "set_rows": 0}
    assert window.selected_provider_id() == harbour  # the selection stayed where it was


def test_an_import_renames_adds_and_drops_just_the_rows_it_touched(qtbot, workspace, window, tmp_path, full_redraws):
    window.type_filter.setCurrentIndex(window.type_filter.findData(ServiceType.RESIDENTIAL))
    window.search.setText("harbour")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1)
    window.table.setCurrentIndex(window.proxy.index(0, 0))
    full_redraws.update(reload=0, set_rows=0)
    new_home = ("SC799001,{kind},Active,Private,Harbour Lights,1 Dock Road,,Chatham,Kent,ME4 4TZ,Medway,2,"
                "Harbour Lights Ltd,01/02/2024,Good")
    workspace.register.import_providers(write_ofsted_csv(tmp_path, HARBOUR_ROW.format(name="Harbour View House"),
                                                         new_home.format(kind="Children's home")))
    assert sorted(visible_names(window)) == ["Harbour Lights", "Harbour View House"]  # renamed, and added
    assert window.count.text().startswith("2 providers") and window.panel.title.text() == "Harbour View House"

    fostering = new_home.format(kind="Independent fostering agency")
    workspace.register.import_providers(write_ofsted_csv(tmp_path, fostering))
    assert visible_names(window) == ["Harbour View House"]  # no longer a children's home: dropped
    assert window.count.text().startswith("1 provider") and window.panel.title.text() == "Harbour View House"
    assert full_redraws == {"reload": 0, "set_rows": 0}


def test_a_change_made_by_another_program_shows_once_the_window_catches_up(qtbot, store, hub, window, tmp_path,
                                                                          full_redraws):
    select_provider(qtbot, window, "Harbour View")
    window.panel.tabs.setCurrentIndex(window.panel.tab_index["cases"])
    harbour = window.selected_provider_id()
    full_redraws.update(reload=0, set_rows=0)
    other = Workspace(Store(store.data_dir, key=store.key))  # e.g. `qa-desktop` in a terminal
    try:
        other.oversight.log_case(harbour, source=CaseSource.POLICE, category="Missing", summary="Missing overnight")
        other.register.import_providers(write_ofsted_csv(tmp_path, HARBOUR_ROW.format(name="Harbour View Home")))
    finally:
        other.close()
    assert visible_names(window) == ["Harbour View"]  # this window has not looked yet
    hub.catch_up()
    assert visible_names(window) == ["Harbour View Home"]
    assert cell(window, "Harbour View Home", "Risk (Figure 6)") == "LOW"
    assert window.panel.title.text() == "Harbour View Home" and window.panel.cases_model.rowCount() == 1
    assert full_redraws == {"reload": 0, "set_rows": 0}


def test_a_change_too_large_to_list_reloads_the_register(hub, window, full_redraws):
    from qa_desktop.workspace import OpChanges

    hub.changed.emit(OpChanges(everything=True))
    assert full_redraws["reload"] == 1 and len(visible_names(window)) == 13
