"""Sync through the workspace: the shared store's settings and secrets, a sync run, its status,
conflicts and their resolution, bundles between two laptops."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace


class SyncService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
