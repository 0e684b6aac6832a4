"""The laptop itself through the workspace: who uses it, the demo data, the template library's
health, recovery of a lost key."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace


class AdminService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
