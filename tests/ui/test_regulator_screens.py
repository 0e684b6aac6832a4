"""Issue 17 in the window: what an import changed (a table to filter and export, kept for every
import), this council's own names as an owner, and the placement check with its printed page."""

import csv

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt

from qa_desktop.domain.oversight import EmbargoKind, EmbargoScope, InformalReason
from qa_desktop.ui.import_report_window import ImportReportWindow
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace.register import What
from tests.ofsted_files import PROVIDER_LEVEL, later_rows, provider_level_rows, write_csv


@pytest.fixture
def window(qtbot, workspace, hub, tmp_path):
    shown = MainWindow(workspace, hub, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(shown)
    shown.resize(1280, 720)
    shown.show()
    return shown


def import_in_window(qtbot, window, path):
    task = window.import_providers(str(path))
    with qtbot.waitSignal(task.finished, timeout=120000):
        pass
    return window.import_report


def test_the_change_report_filters_by_words_and_kind_and_exports_what_is_shown(qtbot, window, tmp_path, messages):
    import_in_window(qtbot, window, write_csv(tmp_path / "2025.csv", PROVIDER_LEVEL, provider_level_rows(80)))
    report = import_in_window(qtbot, window, write_csv(tmp_path / "2026.csv", PROVIDER_LEVEL, later_rows(80)))
    qtbot.addWidget(report)
    assert report.chooser.count() == 2 and "2026.csv" in report.chooser.currentText()
    total = report.proxy.rowCount()
    assert total > 10 and "need attention" in report.count.text()
    report.what.setCurrentIndex(report.what.findData(What.JUDGEMENT))
    judgements = report.shown_lines()
    assert judgements and all(line.what is What.JUDGEMENT for line in judgements)
    assert any(line.after.startswith("Inadequate, inspected 14/10/2026") for line in judgements)
    qtbot.keyClicks(report.search, "renamed")
    assert report.proxy.rowCount() == 0  # a judgement line says nothing of a rename
    report.what.setCurrentIndex(0)
    assert [line.what for line in report.shown_lines()] == [What.NAME]
    report.search.clear()
    assert report.proxy.rowCount() == total
    # flagged rows say why in words, not colour alone
    sanctioned = next(r for r in range(report.proxy.rowCount())
                      if report.proxy.index(r, 2).data() == What.SANCTIONED.value)
    assert "on the sanctions list" in report.proxy.index(sanctioned, 0).data(Qt.ItemDataRole.ToolTipRole)
    report.what.setCurrentIndex(report.what.findData(What.SANCTIONED))
    target = tmp_path / "sanctioned.csv"
    task = report.export(str(target))
    with qtbot.waitSignal(task.finished, timeout=60000):
        pass
    with target.open(encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == report.proxy.rowCount() and {r["What changed"] for r in exported} == {What.SANCTIONED.value}
    # the earlier import is a choice away
    report.chooser.setCurrentIndex(1)
    assert "2025.csv" in report.summary.text() and report.model.rowCount() > 0


def test_an_import_synced_from_another_laptop_joins_the_list(qtbot, window, workspace, hub, tmp_path):
    report = ImportReportWindow(workspace, hub)
    qtbot.addWidget(report)
    assert report.chooser.count() == 0 and "No provider file" in report.summary.text()
    workspace.register.import_providers(write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(20)))
    assert report.chooser.count() == 1 and report.model.rowCount() > 0  # heard through the change signal


def test_this_councils_names_mark_its_homes_from_the_file_menu(qtbot, window, workspace, tmp_path):
    import_in_window(qtbot, window, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, provider_level_rows(60))).close()
    changed = window.set_internal_owners("Medway Council\n\n")
    assert changed and workspace.admin.internal_owners() == ("Medway Council",)
    assert "marked again by owner" in window.statusBar().currentMessage()


def test_the_placement_check_from_the_provider_page_and_its_page_for_art(qtbot, window, workspace, tmp_path):
    rows = [r for r in provider_level_rows(60) if r[14] == "Inadequate" and r[2] == "Active"][:1]
    import_in_window(qtbot, window, write_csv(tmp_path / "a.csv", PROVIDER_LEVEL, rows)).close()
    window.table.selectRow(0)
    dialog = window.panel.show_placement_check()
    qtbot.addWidget(dialog)
    assert "PLACE ONLY WITH CARE" in dialog.headline.text()
    assert dialog.model.rowCount() == len(dialog.check.lines)
    assert dialog.view.model().index(0, 0).data() == "CONCERN"
    provider_id = dialog.provider_id
    workspace.oversight.issue_embargo(provider_id, kind=EmbargoKind.INFORMAL, scope=EmbargoScope.PROVIDER,
                                      reason="LADO enquiry", informal_reason=InformalReason.INVESTIGATION)
    assert "DO NOT PLACE" in dialog.headline.text()  # redrawn by the change
    assert dialog.view.model().index(0, 0).data() == "STOP"
    path = dialog.save_pdf(str(tmp_path / "check"))
    assert path.suffix == ".pdf" and len(PdfReader(str(path)).pages) == 1
