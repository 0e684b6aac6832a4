"""Visit planning through the workspace: plan a visit (date and time, level, announced or not, the
officers assigned), move it or change its officers, cancel it, begin it on the day; "my visits" for
the laptop's user; the calendar invitation (.ics) of a planned visit; the list of visits with the
reference ``report``, ``export-visit`` and ``audit --visit`` accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qa_desktop.domain.visits import VisitLevel, VisitReason, VisitRuleError, VisitStatus
from qa_desktop.services import visit_planning as vp
from qa_desktop.services.visit_planning import VisitSummary
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

__all__ = ["PlanningService", "VisitSummary", "VisitRuleError", "VisitLevel", "VisitReason", "VisitStatus"]


class PlanningService(Service):
    area = "planning"

    def plan(self, *, setting_id: str, visit_date: dt.date, level: VisitLevel, announced: bool,
             officers: Sequence[str], reason: VisitReason, starts_at: dt.datetime | None = None,
             duration_minutes: int | None = None) -> Done[str]:
        """Plan a visit (today or later); its id. An unannounced one needs two officers (Section 11)."""
        return self._ws._mutation(lambda: vp.plan_visit(
            self._ws._store, self._ws.library, setting_id=setting_id, visit_date=visit_date, level=level,
            announced=announced, officers=officers, reason=reason, starts_at=starts_at,
            duration_minutes=duration_minutes, today=self._ws.clock.today()))

    def edit(self, visit_id: str, fields: Mapping[str, Any],
             seen: Mapping[str, Sequence[str]] | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: vp.edit_planned_visit(self._ws._store, visit_id, fields, seen))

    def cancel(self, visit_id: str) -> Done[None]:
        return self._ws._mutation(lambda: vp.cancel_planned_visit(self._ws._store, visit_id))

    def begin(self, visit_id: str) -> Done[str]:
        """Begin a planned visit today: its checklists are added and it opens like any visit."""
        return self._ws._mutation(lambda: vp.begin_visit(self._ws._store, self._ws.library, visit_id,
                                                         self._ws.clock.today()))

    def visits(self, *, provider_id: str | None = None, status: VisitStatus | None = None,
               officer: str | None = None, since: dt.date | None = None,
               until: dt.date | None = None) -> list[VisitSummary]:
        with self._ws._read() as session:
            return vp.visit_list(session, provider_id=provider_id, status=status, officer_name=officer, since=since,
                                 until=until)

    def my_visits(self) -> list[VisitSummary]:
        """Visits planned or in progress with this laptop's user among the officers."""
        with self._ws._read() as session:
            return vp.my_visits(session, self._ws.user.name)

    def record_past(self, *, setting_id: str, visit_date: dt.date, level: VisitLevel, announced: bool,
                    officers: Sequence[str], reason: VisitReason) -> Done[str]:
        """A visit done before QA Desktop was used (from the team's tracker), recorded as completed."""
        return self._ws._mutation(lambda: vp.record_past_visit(
            self._ws._store, setting_id=setting_id, visit_date=visit_date, level=level, announced=announced,
            officers=officers, reason=reason, today=self._ws.clock.today()))

    def summary(self, visit_id: str) -> VisitSummary:
        with self._ws._read() as session:
            return vp.visit_summary(session, visit_id)

    def invitation(self, visit_id: str) -> str:
        """The planned visit's calendar invitation (iCalendar text)."""
        with self._ws._read() as session:
            return vp.invitation_text(session, visit_id, self._ws.clock.now())

    def save_invitation(self, visit_id: str, path: Path | None = None) -> Path:
        """Write the .ics (to ``path``, or the data folder's ``invitations``); changes no record."""
        return vp.write_invitation(self._ws._store, visit_id, path, self._ws.clock.now())
