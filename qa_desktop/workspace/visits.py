"""Visits through the workspace: starting one, filling it in, Young Inspector forms, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError, VisitStatus
from qa_desktop.reports.visit_report import Progress, ReportResult, no_progress
from qa_desktop.services.audit import AuditLine, visit_audit
from qa_desktop.services.oversight import embargo_warnings
from qa_desktop.services.reports import find_visit_id, write_visit_report, write_young_inspector_report
from qa_desktop.services.visits import start_visit
from qa_desktop.store.models import Provider, Setting, Visit
from qa_desktop.workspace.changes import Done

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace

__all__ = ["VisitService", "VisitChoice", "SettingChoice", "VisitHeader", "VisitRuleError", "ReportResult"]


@dataclass(frozen=True)
class VisitChoice:
    """A visit as a list offers it."""

    id: str
    label: str  # "Harbour Home, 22 Nov 2026 (Full)"


@dataclass(frozen=True)
class SettingChoice:
    """A setting as the start-a-visit dialog offers it."""

    id: str
    provider_id: str
    label: str  # "Harbour Home (Harbour Care Ltd) · Chatham, ME4 4AA"


@dataclass(frozen=True)
class VisitHeader:
    """What a visit screen shows above its checklists."""

    id: str
    provider_id: str
    provider: str
    setting: str
    visit_date: dt.date
    level: VisitLevel
    announced: bool
    status: VisitStatus
    officers: tuple[str, ...]


class VisitService:
    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def settings_to_visit(self, provider_id: str | None = None) -> list[SettingChoice]:
        """Settings a visit can be started at (one provider's, or every provider's), by name."""
        with self._ws._read() as session:
            query = (select(Setting.id, Setting.name, Setting.town, Setting.postcode, Provider.id, Provider.name)
                     .join(Provider, Setting.provider_id == Provider.id)
                     .where(Setting.deleted.is_(False), Provider.deleted.is_(False)).order_by(Setting.name))
            if provider_id:
                query = query.where(Provider.id == provider_id)
            choices = []
            for setting_id, name, town, postcode, owner_id, owner in session.execute(query):
                where = ", ".join(p for p in (town, postcode) if p)
                shown = name if name == owner else f"{name} ({owner})"
                choices.append(SettingChoice(setting_id, owner_id, f"{shown}{' · ' + where if where else ''}"))
            return choices

    def embargo_warnings(self, setting_id: str) -> list[str]:
        """Embargoes in force on the setting or its provider, in words (shown before a visit starts)."""
        with self._ws._read() as session:
            return embargo_warnings(session, setting_id, self._ws.clock.today())

    def start(self, *, setting_id: str, visit_date: dt.date, level: VisitLevel, reason: VisitReason,
              announced: bool, officers: Sequence[str]) -> Done[str]:
        """Start a visit (the Section 11 two-officer rule is checked); its id."""
        return self._ws._mutation(lambda: start_visit(
            self._ws._store, self._ws.library, setting_id=setting_id, visit_date=visit_date, level=level,
            reason=reason, announced=announced, officers=list(officers)))

    def in_progress(self) -> list[VisitChoice]:
        """Visits in progress on this laptop, newest first."""
        with self._ws._read() as session:
            rows = session.execute(select(Visit.id, Visit.visit_date, Visit.level, Setting.name)
                                   .join(Setting, Visit.setting_id == Setting.id)
                                   .where(Visit.status == VisitStatus.IN_PROGRESS, Visit.deleted.is_(False))
                                   .order_by(Visit.visit_date.desc())).all()
        return [VisitChoice(visit_id, f"{name}, {day:%d %b %Y} ({level.label})") for visit_id, day, level, name in rows]

    def header(self, visit_id: str) -> VisitHeader:
        with self._ws._read() as session:
            visit = session.get(Visit, visit_id)
            if visit is None or visit.deleted:
                raise VisitRuleError("That visit does not exist (it may have been deleted).")
            setting = session.get(Setting, visit.setting_id)
            provider = session.get(Provider, setting.provider_id) if setting is not None else None
            if setting is None or provider is None:
                raise VisitRuleError("That visit's setting or provider is not on this laptop yet; sync, then try again.")
            return VisitHeader(visit.id, provider.id, provider.name, setting.name, visit.visit_date, visit.level,
                               visit.announced, visit.status, tuple(visit.officers))

    def find(self, text: str) -> str:
        """A visit's id from its id, the first characters of it, or its report reference."""
        return find_visit_id(self._ws._store, text)

    def report(self, visit_id: str, path: Path | None = None, progress: Progress = no_progress) -> Done[ReportResult]:
        """The visit's formal PDF report: a new revision in the data folder when the visit changed
        since the last one, or a copy at ``path``."""
        return self._ws._mutation(lambda: write_visit_report(self._ws._store, visit_id, path, progress))

    def young_inspector_report(self, visit_id: str, path: Path | None = None,
                               progress: Progress = no_progress) -> Done[ReportResult]:
        return self._ws._mutation(lambda: write_young_inspector_report(self._ws._store, visit_id, path, progress))

    def audit(self, visit_id: str) -> list[AuditLine]:
        with self._ws._read() as session:
            return visit_audit(session, visit_id)
