"""The Sync menu driven as an officer would: sync with progress, see and resolve a conflict, choose
the shared store, give the server password once, import a bundle. Screens get a workspace; the
tests set up their data with the store and the sync engine directly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from qa_desktop.forms.checklist import MET, NOT_APPLICABLE, NOT_MET
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.demo import load_demo
from qa_desktop.services.visits import open_visit
from qa_desktop.store.database import Store
from qa_desktop.sync.bundle import export_bundle
from qa_desktop.sync.conflicts import list_conflicts
from qa_desktop.sync.engine import status, sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.sync.settings import POSTGRESQL, SyncSettings, load_settings, save_settings
from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.ui.conflicts_dialog import ConflictsDialog
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.workspace import Workspace
from tests.conftest import TODAY
from tests.sync.conftest import first_items, make_visit


@pytest.fixture
def warnings(monkeypatch):
    """Message boxes recorded instead of blocking the test."""
    shown = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind: shown.append((_k, title, text)))
    return shown


def open_window(qtbot, store, tmp_path, name="window"):
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Workspace(store), settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


def run_sync(qtbot, window):
    window.sync_action.trigger()
    assert window.sync.running and not window.sync_action.isEnabled()
    qtbot.waitUntil(lambda: not window.sync.running, timeout=20000)


def test_sync_now_sends_the_register_to_the_shared_folder_and_another_laptop_receives_it(
        qtbot, tmp_path, warnings):
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    load_demo(alex, today=TODAY)
    for laptop in (alex, jo):
        save_settings(laptop.data_dir, SyncSettings("folder", str(tmp_path / "shared")))
    window = open_window(qtbot, alex, tmp_path, "alex")
    assert "Last synced: never" in window.sync.label.text()
    run_sync(qtbot, window)
    assert window.sync.last_report.pushed > 0 and warnings == []
    assert "Last synced: today" in window.sync.label.text() and "all your work is shared" in window.sync.label.text()

    other = open_window(qtbot, jo, tmp_path, "jo")
    assert other.count.text() == "0 providers"
    run_sync(qtbot, other)
    assert other.count.text().startswith("13 providers,")  # the table refreshed itself after the sync
    for laptop in (alex, jo):
        laptop.close()


def test_an_unreachable_folder_is_a_plain_message_and_changes_wait(qtbot, store, tmp_path, warnings):
    load_demo(store, today=TODAY)
    save_settings(store.data_dir, SyncSettings("folder", str(tmp_path / "usb-stick" / "qa")))
    window = open_window(qtbot, store, tmp_path)
    run_sync(qtbot, window)
    (_kind, title, text), = warnings
    assert title == "Sync did not run" and "cannot be reached" in text and "Traceback" not in text
    assert status(store).waiting > 0 and "not on the shared store yet" in window.sync.label.text()


def test_conflict_shown_side_by_side_and_resolved_with_the_keyboard(qtbot, tmp_path, warnings):
    library = TemplateLibrary.load()
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, library)
    sync(alex, shared), sync(jo, shared)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(jo, shared), sync(alex, shared)

    window = open_window(qtbot, alex, tmp_path)
    assert "1 conflict to resolve" in window.sync.label.text()
    assert window.conflicts_action.text() == "&Conflicts to resolve (1)…"
    dialog = window.show_conflicts()
    qtbot.waitExposed(dialog)
    assert dialog.model.rowCount() == 1
    assert dialog.proxy.index(0, 0).data().startswith("Harbour View, visit 22 Nov 2026:")
    cards = [dialog.cards.itemAt(i).widget() for i in range(dialog.cards.count())][1:]
    assert len(cards) == 2
    texts = [c.findChildren(type(dialog.empty))[1].text() for c in cards]
    assert sorted(texts) == ["Met", "Not met"]
    assert "alex" in "".join(c.findChildren(type(dialog.empty))[2].text() for c in cards)
    other_value = texts[1]
    cards[1].keep.setFocus()
    qtbot.keyClick(cards[1].keep, Qt.Key.Key_Space)
    assert dialog.model.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)
    assert list_conflicts(alex) == []
    assert "conflict" not in window.sync.label.text()
    shown = open_visit(alex, visit_id).checklists[template].record(item).answer
    assert {"Met": MET, "Not met": NOT_MET}[other_value] == shown
    for laptop in (alex, jo):
        laptop.close()


def test_the_conflicts_list_follows_changes_made_while_it_is_open(qtbot, tmp_path, warnings):
    """A sync that brings a conflict, and a choice made elsewhere, show in the open list at once."""
    library = TemplateLibrary.load()
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    shared = FolderStore(tmp_path / "shared")
    visit_id = make_visit(alex, library)
    sync(alex, shared), sync(jo, shared)
    (template, item), = first_items(alex, visit_id, 1)
    open_visit(alex, visit_id).set_answer(template, item, MET)
    open_visit(jo, visit_id).set_answer(template, item, NOT_MET)
    sync(jo, shared)
    hub = ChangeHub(Workspace(alex), poll_ms=0)
    dialog = ConflictsDialog(hub.workspace, hub=hub)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0 and dialog.empty.isVisibleTo(dialog)

    hub.workspace.sync.run(settings=SyncSettings("folder", str(tmp_path / "shared")))
    assert dialog.model.rowCount() == 1 and not dialog.empty.isVisibleTo(dialog)
    header = dialog.table.horizontalHeader()  # every heading in full (walk6: "hown now" at large text)
    assert all(header.sectionSize(c) >= header.sectionSizeHint(c) for c in range(1, dialog.proxy.columnCount()))
    hub.workspace.sync.resolve(dialog.selected().key, MET)  # chosen on another screen
    assert dialog.model.rowCount() == 0
    dialog.reject()
    open_visit(jo, visit_id).set_answer(template, item, NOT_APPLICABLE)  # not having seen the choice
    sync(jo, shared)
    hub.workspace.sync.run(settings=SyncSettings("folder", str(tmp_path / "shared")))
    assert len(hub.workspace.sync.conflicts()) == 1 and dialog.model.rowCount() == 0  # closed: not read again
    hub.close()
    for laptop in (alex, jo):
        laptop.close()


def test_settings_dialog_keeps_the_password_in_the_keyring_only(qtbot, store, tmp_path, warnings, memory_keyring):
    window = open_window(qtbot, store, tmp_path)
    dialog = window.show_sync_settings()
    dialog.use_postgres.setChecked(True)
    assert not dialog.folder.isEnabled() and dialog.url.isEnabled()
    dialog.url.setText("postgresql://qa:secret@db.example/qa")
    dialog.accept()
    assert dialog.isVisible() and "keyring" in warnings[-1][2]  # refused, dialog stays open
    dialog.url.setText("postgresql://qa_officer@db.example:5432/qa")
    dialog.password.setText("s3cret pass")
    dialog.accept()
    assert not dialog.isVisible()
    assert load_settings(store.data_dir) == SyncSettings(POSTGRESQL, url="postgresql://qa_officer@db.example:5432/qa")
    assert sorted(memory_keyring.passwords().values()) == ["s3cret pass"]
    for path in store.data_dir.rglob("*"):
        if path.is_file():
            assert b"s3cret pass" not in path.read_bytes()
    assert dialog.password.text() == ""


def test_the_server_password_is_asked_once_then_sync_runs(qtbot, store, tmp_path, warnings, monkeypatch,
                                                         postgres_url, postgres_server, memory_keyring):
    load_demo(store, today=TODAY)
    save_settings(store.data_dir, SyncSettings(POSTGRESQL, url=postgres_url))
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return postgres_server["password"], True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    window = open_window(qtbot, store, tmp_path)
    window.sync_action.trigger()
    qtbot.waitUntil(lambda: window.sync.last_report is not None, timeout=20000)
    qtbot.waitUntil(lambda: not window.sync.running, timeout=20000)
    assert len(asked) == 1 and "PostgreSQL qa_officer@127.0.0.1" in asked[0]
    assert window.sync.last_report.pushed > 0 and warnings == []
    run_sync(qtbot, window)  # the second time it is not asked
    assert len(asked) == 1


def test_import_a_bundle_from_the_menu(qtbot, tmp_path, warnings, monkeypatch):
    library = TemplateLibrary.load()
    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    visit_id = make_visit(alex, library)
    out = export_bundle(alex, tmp_path / "visit", visit_id=visit_id)
    bundle = out.path
    window = open_window(qtbot, jo, tmp_path)
    (tmp_path / "broken.qabundle").write_bytes(b"not a zip")
    with qtbot.waitSignal(window.import_bundle(str(tmp_path / "broken.qabundle")).failed, timeout=30000):
        pass
    assert warnings[-1][1] == "Bundle not imported" and "broken.qabundle" in warnings[-1][2]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (out.code, True))  # the code, typed in
    window.import_bundle(str(bundle))  # in the background; asks for the code, then imports again
    qtbot.waitUntil(lambda: warnings[-1][1] == "Bundle imported", timeout=30000)
    assert window.count.text() == "1 provider"
    for laptop in (alex, jo):
        laptop.close()


def test_a_new_laptop_is_asked_for_the_code_and_joins_the_team_from_the_window(qtbot, tmp_path, warnings,
                                                                             monkeypatch, memory_keyring):
    """Alex's laptop adds a laptop (Sync settings > Add a laptop…: a code); Jo's laptop, which does not
    hold the team key, is asked for the code when it syncs, joins, and syncs."""
    from pathlib import Path

    from qa_desktop.ui.sync_settings_dialog import SyncSettingsDialog

    alex, jo = Store(tmp_path / "alex", actor="alex"), Store(tmp_path / "jo", actor="jo")
    load_demo(alex, today=TODAY)
    for laptop in (alex, jo):
        save_settings(laptop.data_dir, SyncSettings("folder", str(tmp_path / "shared")))
    alex_window = open_window(qtbot, alex, tmp_path, "alex")
    run_sync(qtbot, alex_window)  # sets the store up: Alex's laptop makes the team key
    dialog = SyncSettingsDialog(alex_window.workspace, alex_window)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 720)
    dialog.show()
    shots = Path("/work/shots/privacy-sync")
    if shots.parent.is_dir():
        shots.mkdir(exist_ok=True)
        dialog.grab().save(str(shots / "sync-settings-team-key.png"))
    made = dialog.add_laptop(ask=False)
    assert made is not None and warnings[-1][1] == "Add a laptop" and made.code in warnings[-1][2]
    assert "works once" in warnings[-1][2]
    team_entries = [k for k in memory_keyring.secrets if k[1].startswith("team-key:")]
    secret = memory_keyring.secrets[team_entries[0]]
    del memory_keyring.secrets[team_entries[0]]  # Jo's laptop: its own keyring, without the key

    jo_window = open_window(qtbot, jo, tmp_path, "jo")
    asked = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append((title, label))
        return (made.code, True)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    jo_window.sync_action.trigger()
    qtbot.waitUntil(lambda: not jo_window.sync.running and jo_window.sync.last_report is not None, timeout=30000)
    (title, label), = asked
    assert title == "Join the team" and "does not hold yet" in label and "Add a laptop" in label
    assert memory_keyring.secrets[team_entries[0]] == secret
    assert status(jo).last_synced is not None
    from sqlalchemy import func, select

    from qa_desktop.store.models import Provider
    with alex.read() as session:
        on_alex = session.scalar(select(func.count()).select_from(Provider))
    with jo.read() as session:
        assert on_alex > 10 and session.scalar(select(func.count()).select_from(Provider)) == on_alex  # the demo's
    jo.close(), alex.close()
