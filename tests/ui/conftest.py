"""Fixtures for screens: the workspace over the test's store, and the window's change hub.

The hub's poll for other programs is off (``poll_ms=0``): a test says when the window looks
(``hub.catch_up()``), so what a screen shows never depends on timing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from qa_desktop.ui.change_hub import ChangeHub
from qa_desktop.workspace import Workspace


@pytest.fixture
def messages(monkeypatch) -> list[tuple[str, str, str]]:
    """Message boxes the screens would show, as (kind, title, text), instead of showing them."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind: shown.append((_k, title, text)))
    return shown


@pytest.fixture
def workspace(store) -> Workspace:
    return Workspace(store)


@pytest.fixture
def hub(qtbot, workspace) -> ChangeHub:
    made = ChangeHub(workspace, poll_ms=0)
    yield made
    made.close()
