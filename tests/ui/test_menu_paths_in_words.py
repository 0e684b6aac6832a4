"""Every "Sync > …" path the app's words tell an officer to follow names a real menu item, and a real
button of the dialog it opens (walk6, session 6: the words named "Sync > Add a laptop…" and "Sync >
Join the team…", which are buttons in Sync settings, not menu items). Read from the source, so a path
in any message, dialog or CLI text is checked, not only the ones a test happens to show."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton

import qa_desktop
from qa_desktop.store.database import Store
from qa_desktop.ui.main_window import MainWindow
from qa_desktop.ui.sync_settings_dialog import SyncSettingsDialog
from qa_desktop.workspace import Workspace


def _label(text: str) -> str:
    return text.replace("&", "")


def test_every_sync_menu_path_in_the_apps_words_is_a_real_menu_item_and_button(qtbot, tmp_path):
    store = Store(tmp_path / "laptop", actor="Alex Patel")
    workspace = Workspace(store)
    window = MainWindow(workspace, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    (sync_menu,) = [a.menu() for a in window.menuBar().actions() if _label(a.text()) == "Sync"]
    items = [_label(a.text()) for a in sync_menu.actions() if a.text()]
    dialog = SyncSettingsDialog(workspace, window)
    qtbot.addWidget(dialog)
    buttons = [_label(b.text()) for b in dialog.findChildren(QPushButton) if b.text()]
    assert "Sync settings…" in items and "Add a laptop…" in buttons  # what the words below lead to

    found = 0
    for source in Path(qa_desktop.__file__).parent.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for match in re.finditer(r"Sync > ", text):
            rest = text[match.end():]
            item = next((i for i in items if rest.startswith(i)), None)
            where = f"{source.name}: {text[match.start():match.start() + 70]!r}"
            assert item is not None, f"not an item of the Sync menu {items}: {where}"
            found += 1
            rest = rest[len(item):]
            if rest.startswith(" > "):
                assert item == "Sync settings…", where
                assert any(rest[3:].startswith(b) for b in buttons), f"not a button of Sync settings {buttons}: {where}"
    assert found >= 8
    store.close()
