"""QA oversight through the workspace (Section 12): cases and risk ratings, action plans and their
actions, embargoes, regulatory alerts, the sanctions list and its export, the dashboard,
retention."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace


class OversightService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
