"""The Young Inspectors programme (scrutiny report sections 4.10, 5, 7) through the workspace: the
roster, training and DBS dates and what falls due, visits joined with briefings and debriefs,
incentives. The same service for the Tracker window and ``qa-desktop young-inspectors``. (A Young
Inspector's own form on a visit is ``ws.visits``'s.)"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from qa_desktop.domain.young_inspector_programme import DebriefBy, Due, DueKind, ProgrammeError
from qa_desktop.services import young_inspector_programme as y
from qa_desktop.services.young_inspector_programme import IncentiveLine, InspectorLine, JoinedVisit, ProgrammeDue
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    pass

__all__ = ["YoungInspectorService", "InspectorLine", "JoinedVisit", "IncentiveLine", "ProgrammeDue", "Due", "DueKind",
           "DebriefBy", "ProgrammeError"]


class YoungInspectorService(Service):
    area = "young_inspectors"

    def _today(self, day: dt.date | None) -> dt.date:
        return day if day is not None else self._ws.clock.today()

    def add(self, name: str, *, joined_on: dt.date | None = None, trained_on: dt.date | None = None,
            dbs_checked_on: dt.date | None = None, notes: str | None = None) -> Done[str]:
        """Put a Young Inspector on the roster under the name they are known by (a reference such as
        YI-04, or a first name where the team prefers), joined today unless said; their id."""
        joined = self._today(joined_on)
        return self._ws._mutation(lambda: y.add_young_inspector(
            self._ws._store, name=name, joined_on=joined, trained_on=trained_on, dbs_checked_on=dbs_checked_on,
            notes=notes))

    def update(self, inspector_id: str, *, name: str | None = None, trained_on: dt.date | None = None,
               dbs_checked_on: dt.date | None = None, notes: str | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: y.update_young_inspector(
            self._ws._store, inspector_id, name=name, trained_on=trained_on, dbs_checked_on=dbs_checked_on,
            notes=notes))

    def opt_out(self, inspector_id: str, *, on: dt.date | None = None, reason: str | None = None) -> Done[None]:
        day = self._today(on)
        return self._ws._mutation(lambda: y.opt_out(self._ws._store, inspector_id, day, reason=reason))

    def rejoin(self, inspector_id: str) -> Done[None]:
        return self._ws._mutation(lambda: y.rejoin(self._ws._store, inspector_id))

    def join_visit(self, inspector_id: str, visit_id: str, *, briefed_on: dt.date | None = None) -> Done[str]:
        return self._ws._mutation(lambda: y.join_visit(self._ws._store, inspector_id, visit_id,
                                                       briefed_on=briefed_on))

    def record_support(self, joined_id: str, *, briefed_on: dt.date | None = None,
                       debriefed_on: dt.date | None = None, debrief_by: DebriefBy | None = None,
                       opted_out: bool | None = None, notes: str | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: y.record_visit_support(
            self._ws._store, joined_id, briefed_on=briefed_on, debriefed_on=debriefed_on, debrief_by=debrief_by,
            opted_out=opted_out, notes=notes))

    def leave_visit(self, joined_id: str) -> Done[None]:
        return self._ws._mutation(lambda: y.leave_visit(self._ws._store, joined_id))

    def give_incentive(self, inspector_id: str, *, description: str, given_on: dt.date | None = None,
                       value_pence: int | None = None) -> Done[str]:
        day = self._today(given_on)
        return self._ws._mutation(lambda: y.give_incentive(self._ws._store, inspector_id, given_on=day,
                                                           description=description, value_pence=value_pence))

    def roster(self, *, include_opted_out: bool = True) -> list[InspectorLine]:
        with self._ws._read() as session:
            return y.roster(session, self._ws.clock.today(), include_opted_out=include_opted_out)

    def joined_visits(self, *, inspector_id: str | None = None, first: dt.date | None = None,
                      last: dt.date | None = None) -> list[JoinedVisit]:
        with self._ws._read() as session:
            return y.joined_visits(session, inspector_id=inspector_id, first=first, last=last)

    def incentives(self, *, inspector_id: str | None = None) -> list[IncentiveLine]:
        with self._ws._read() as session:
            return y.incentives(session, inspector_id=inspector_id)

    def due(self) -> list[ProgrammeDue]:
        """DBS checks and training expiring, briefings and debriefs owed, as of today."""
        with self._ws._read() as session:
            return y.programme_due(session, self._ws.clock.today())
