"""Visits through the workspace: starting one, filling it in, Young Inspector forms, reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace


class VisitService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
