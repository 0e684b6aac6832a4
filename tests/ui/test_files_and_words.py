"""Files and words (issue 21): names Windows accepts, dialogs in Documents, the setting picker one can
type into, officers from the team list, first-run setup in the window, the audit trail and sync
messages in words, and "Start a visit" on the provider page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog

from qa_desktop.domain.roles import Role
from qa_desktop.forms.checklist import NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.demo import load_demo
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.settings import SyncSettings, save_settings
from qa_desktop.ui.file_names import safe_file_name
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.setup_dialog import SetupDialog
from qa_desktop.ui.start_visit_dialog import StartVisitDialog
from qa_desktop.ui.visit_window import VisitWindow
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY
from tests.sync.conftest import first_items, make_visit


@pytest.mark.parametrize(("words", "expected"), [
    ("Visit: Maple Lodge, 24 Nov 2026", "Visit - Maple Lodge, 24 Nov 2026.qabundle"),
    ('Who? "Harbour" <View> | a*b', "Who - Harbour - View - a - b.qabundle"),
    ("CON", "_CON.qabundle"),
    ("  ...  ", "QA Desktop.qabundle"),
])
def test_suggested_names_are_names_windows_accepts(words, expected):
    name = safe_file_name(words, ".qabundle")
    assert name == expected
    assert not set(name) & set(':?*"<>|\\/')


def test_share_and_save_as_suggest_a_safe_name_in_documents(qtbot, store, workspace, hub, monkeypatch, tmp_path):
    visit_id = make_visit(store, TemplateLibrary.load())
    window = VisitWindow(workspace, hub, visit_id)
    qtbot.addWidget(window)
    asked = []

    def cancelled(parent, title, suggested, kinds):
        asked.append(suggested)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancelled)
    window.share_visit()
    window.save_report_as()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert len(asked) == 2
    for suggested in asked:
        path = Path(suggested)
        assert ":" not in path.name and "Harbour View, 22 Nov 2026" in path.name
        assert str(path.parent) in (documents, str(Path.home()))
    assert asked[0].endswith(".qabundle") and asked[1].endswith(".pdf")


@pytest.fixture
def demo(store):
    load_demo(store, today=TODAY)
    return store


def test_the_setting_picker_is_typed_into_and_a_setting_not_in_the_list_is_said(qtbot, demo, workspace):
    dialog = StartVisitDialog(workspace, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.setting.currentText() == "" and dialog.setting.isEditable()
    qtbot.keyClicks(dialog.setting.lineEdit(), "gilling")  # a town, as the officer remembers it
    completer = dialog.setting.completer()
    found = [completer.completionModel().index(r, 0).data() for r in range(completer.completionCount())]
    assert found and all("Gillingham" in f for f in found)
    dialog.setting.setEditText("Nowhere House")
    dialog.accept()
    assert dialog.visit_id is None and dialog.error.text().startswith("Setting: no setting is called")
    dialog.setting.setEditText(found[0])
    dialog.accept()
    assert dialog.visit_id is not None


def test_officer_two_is_picked_from_the_team_list_and_a_typo_is_refused(qtbot, demo, workspace):
    workspace.admin.add_team_member("Alex Patel")
    workspace.admin.add_team_member("Jo Morgan")
    dialog = StartVisitDialog(workspace, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.setting.setCurrentIndex(0)
    dialog.unannounced.setChecked(True)
    dialog.officer_one.setText("Alex Patel")
    assert [dialog.officer_two.itemText(i) for i in range(dialog.officer_two.count())] == ["Alex Patel", "Jo Morgan"]
    dialog.officer_two.setText("Jo Morgn")
    dialog.accept()
    assert dialog.visit_id is None and "\u201cJo Morgn\u201d is not on the team list" in dialog.error.text()
    dialog.officer_two.setText("jo morgan")
    dialog.accept()
    assert dialog.visit_id is not None


def test_first_run_asks_who_uses_the_laptop_and_the_team_in_the_window_and_the_team_syncs(qtbot, tmp_path):
    laptop = Store(tmp_path / "new", key=b"k" * 32)  # no name given: the computer's account name
    workspace = Workspace(laptop)
    assert workspace.admin.needs_setup()
    dialog = SetupDialog(workspace, first_run=True)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == ""  # not "root"
    dialog.accept()
    assert dialog.error.text().startswith("Your name:")
    dialog.name.setText("Priya Shah")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.QA_LEAD.value))
    dialog.new_member.setText("Jo Morgan")
    dialog.add_member()
    dialog.accept()
    assert dialog.result() == SetupDialog.DialogCode.Accepted
    assert (workspace.user.name, workspace.user.role) == ("Priya Shah", Role.QA_LEAD)
    assert [m.name for m in workspace.admin.team()] == ["Jo Morgan", "Priya Shah"] and not workspace.admin.needs_setup()

    shared = FolderStore(tmp_path / "shared")
    other = Store(tmp_path / "other", actor="Jo Morgan", key=b"o" * 32)
    sync(laptop, shared), sync(other, shared)
    assert [m.name for m in Workspace(other).admin.team()] == ["Jo Morgan", "Priya Shah"]  # the same list there
    other.close()
    laptop.close()


def test_first_run_adds_officers_by_keyboard_under_the_officers_own_name(qtbot, tmp_path):
    """walk6: Enter in "Another officer's name" added them and also pressed Save (the dialog closed
    after the first name), and officers added before Save were recorded as added by the computer's
    account name."""
    from PySide6.QtCore import Qt
    from sqlalchemy import select

    from qa_desktop.store.models import Op

    laptop = Store(tmp_path / "new", key=b"k" * 32)
    workspace = Workspace(laptop)
    dialog = SetupDialog(workspace, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.new_member.setFocus()
    qtbot.keyClicks(dialog.new_member, "Jo Morgan")
    qtbot.keyClick(dialog.new_member, Qt.Key.Key_Return)  # no name of their own yet: asked for, nothing added
    assert dialog.error.text().startswith("Your name:") and dialog.isVisible() and workspace.admin.team() == []
    assert dialog.new_member.text() == "Jo Morgan"  # kept as typed
    dialog.name.setText("Priya Shah")
    for name in ("Jo Morgan", "Sam Patel"):
        dialog.new_member.setFocus()
        dialog.new_member.selectAll()
        qtbot.keyClicks(dialog.new_member, name)
        qtbot.keyClick(dialog.new_member, Qt.Key.Key_Return)
        assert dialog.new_member.text() == "" and dialog.error.isHidden()
        assert dialog.isVisible() and dialog.result() != SetupDialog.DialogCode.Accepted
    # the officer is on the team from the first name added, so a Cancel now does not leave them off it (review6)
    assert [m.name for m in workspace.admin.team()] == ["Jo Morgan", "Priya Shah", "Sam Patel"]
    with laptop.read() as session:
        assert set(session.scalars(select(Op.actor).where(Op.entity == "team_members"))) == {"Priya Shah"}
    dialog.new_member.setText("Lee\x1b[31m Carter")  # pasted from a terminal: refused in words, dialog open
    qtbot.keyClick(dialog.new_member, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible() and dialog.new_member.text() == "Lee\x1b[31m Carter"
    dialog.reject()
    assert workspace.user.name == "Priya Shah" and "Priya Shah" in [m.name for m in workspace.admin.team()]
    laptop.close()


def test_the_audit_trail_says_labels_and_names(store, workspace):
    visit_id = make_visit(store, TemplateLibrary.load())
    (template, item), = first_items(store, visit_id, 1)
    open_visit(store, visit_id).set_answer(template, item, NOT_MET)
    lines = workspace.visits.audit(visit_id)
    answer = next(line for line in lines if line.field == "value")
    assert (answer.label, answer.words) == ("Answer", "Not met")
    setting = next(line for line in lines if line.field == "setting_id")
    assert (setting.label, setting.words) == ("Setting", "Harbour View")


def test_what_a_sync_brought_is_said_about_people_and_places(tmp_path):
    library = TemplateLibrary.load()
    alex, jo = Store(tmp_path / "alex", actor="Alex Patel"), Store(tmp_path / "jo", actor="Jo Morgan")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(jo, library)
    (template, item), = first_items(jo, visit_id, 1)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(jo, shared)
    workspace = Workspace(alex)
    save_settings(alex.data_dir, SyncSettings("folder", str(tmp_path / "shared")))
    words = workspace.admin.in_words(workspace.sync.run().changes)
    assert words.startswith("Jo Morgan's changes arrived:")
    assert "the visit to Harbour View on 22 Nov 2026" in words and "change(s)" not in words
    alex.close(), jo.close()


def test_start_a_visit_from_the_provider_page(qtbot, demo, workspace, hub, tmp_path):
    window = MainWindow(workspace, hub, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.search.setText("Willow House")
    window.refresh()
    assert window.panel.title.text() == "Willow House" and window.panel.start_button.isEnabled()
    opened = []
    window.start_visit = lambda: opened.append(StartVisitDialog(workspace, provider_id=window.selected_provider_id()))
    window.panel.start_button.click()  # the page asks the window, which opens the dialog on its settings
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.setting.count() == 1 and dialog.setting.currentText().startswith("Willow House")
