"""QA oversight through the workspace (Section 12): cases and risk ratings, action plans and their
actions, embargoes, regulatory alerts, the sanctions list and its export, the dashboard,
retention.

Each method opens its own unit of work on the workspace's store and returns plain frozen data.
A date left out ("opened on", "ended on", "as at") is the workspace clock's today, a moment left
out its now, so the Oversight window, the provider page and ``qa-desktop cases``/``sanctions``/...
agree on what is in force and what is overdue. Mutations return ``Done`` (``workspace.changes``),
and every open screen hears of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa_desktop.domain.oversight import (
    AlertKind,
    CaseSource,
    EmbargoKind,
    EmbargoScope,
    InformalReason,
    OversightError,
    PlanKind,
    RemovalReason,
)
from qa_desktop.domain.regulation import Regulator
from qa_desktop.domain.risk import IfaArea, IfaConcern, IfaRiskFlags, Rag
from qa_desktop.domain.roles import NotAllowed
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services import oversight as qa
from qa_desktop.services.due import DueItem
from qa_desktop.services.oversight import (
    CaseEntry,
    EmbargoInForce,
    OpenAlert,
    PropertyChoice,
    TrackedAction,
    YearRating,
)
from qa_desktop.services.placement_check import CheckLine, PlacementCheck, Weight, placement_check, write_pdf
from qa_desktop.services.retention import RETENTION_YEARS, Expired, RetentionReport, apply_retention, past_retention
from qa_desktop.services.sanctions import COLUMNS as EXPORT_COLUMNS
from qa_desktop.services.sanctions import (
    Dashboard,
    ReviewDue,
    Sanction,
    SanctionRow,
    dashboard,
    export,
    sanctions_count,
    sanctions_list,
)
from qa_desktop.services.sanctions import cells as export_cells
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

if TYPE_CHECKING:
    pass

__all__ = ["OversightService", "CaseEntry", "YearRating", "TrackedAction", "EmbargoInForce", "OpenAlert",
           "PropertyChoice", "SanctionRow", "Sanction", "Dashboard", "ReviewDue", "DueItem", "Expired",
           "RetentionReport", "RETENTION_YEARS", "EXPORT_COLUMNS", "export_cells", "OversightError", "NotAllowed",
           "PlacementCheck", "CheckLine", "Weight"]


class OversightService(Service):
    area = "oversight"

    def _today(self, day: dt.date | None) -> dt.date:
        return day if day is not None else self._ws.clock.today()

    def _now(self, moment: dt.datetime | None) -> dt.datetime:
        return moment if moment is not None else self._ws.clock.now()

    # -- cases and ratings (Figures 6 and 7) ---------------------------------------------------------

    def log_case(self, provider_id: str, *, source: CaseSource, category: str, summary: str,
                 opened_on: dt.date | None = None, safeguarding: bool = False,
                 significant: bool = False, quality_concern: bool = False) -> Done[str]:
        """Log a case in the duty log (opened today unless said); its id. A quality concern, a
        safeguarding matter or a significant one makes a review (and a visit) due now."""
        opened = self._today(opened_on)
        return self._ws._mutation(lambda: qa.log_case(
            self._ws._store, provider_id, opened_on=opened, source=source, category=category, summary=summary,
            safeguarding=safeguarding, significant=significant, quality_concern=quality_concern))

    def close_case(self, case_id: str, *, outcome: str, closed_on: dt.date | None = None) -> Done[None]:
        closed = self._today(closed_on)
        return self._ws._mutation(lambda: qa.close_case(self._ws._store, case_id, closed_on=closed, outcome=outcome))

    def cases(self, provider_id: str | None = None) -> list[CaseEntry]:
        """The duty log, newest first; of one provider with ``provider_id``."""
        with self._ws._read() as session:
            return qa.case_log(session, provider_id=provider_id)

    def rating_history(self, provider_id: str) -> list[YearRating]:
        """Figure 6 for each year the provider has cases in, newest first."""
        with self._ws._read() as session:
            return qa.rating_history(session, provider_id)

    def risk_ratings(self, year: int | None = None, *, provider_id: str | None = None) -> dict[str, Rag]:
        """Figure 6 for ``year`` (this year by default) of every provider with cases, or of one."""
        chosen = year if year is not None else self._ws.clock.today().year
        with self._ws._read() as session:
            return qa.risk_ratings(session, chosen, provider_id=provider_id)

    def ifa_flags(self, provider_id: str) -> IfaRiskFlags | None:
        """Figure 7 for an IFA today; None for other services."""
        with self._ws._read() as session:
            return qa.ifa_flags(session, provider_id, self._ws.clock.today())

    def set_ifa_concern(self, provider_id: str, area: IfaArea, concern: IfaConcern) -> Done[None]:
        return self._ws._mutation(lambda: qa.set_ifa_concern(self._ws._store, provider_id, area, concern))

    # -- action plans and the actions tracked --------------------------------------------------------

    def issue_action_plan(self, provider_id: str, *, kind: PlanKind, reason: str,
                          actions: Sequence[tuple[str, ConcernLevel]], issued_on: dt.date | None = None,
                          raised_at: dt.datetime | None = None) -> Done[str]:
        """Issue a plan (today unless said) with its actions, each due by Figure 8 from ``raised_at``
        (now unless said); its id."""
        issued, raised = self._today(issued_on), self._now(raised_at)
        return self._ws._mutation(lambda: qa.issue_action_plan(
            self._ws._store, provider_id, kind=kind, issued_on=issued, reason=reason, actions=list(actions),
            raised_at=raised))

    def add_plan_action(self, plan_id: str, text: str, level: ConcernLevel,
                        raised_at: dt.datetime | None = None) -> Done[str]:
        raised = self._now(raised_at)
        return self._ws._mutation(lambda: qa.add_plan_action(self._ws._store, plan_id, text, level, raised))

    def remove_action_plan(self, plan_id: str, *, reason: RemovalReason,
                           removed_on: dt.date | None = None) -> Done[None]:
        removed = self._today(removed_on)
        return self._ws._mutation(lambda: qa.remove_action_plan(self._ws._store, plan_id, removed_on=removed,
                                                                reason=reason))

    def social_work_informed(self, kind: str, record_id: str, on: dt.date | None = None) -> Done[None]:
        """Record that the social work team was told of a plan or an embargo (``kind`` "plan" or
        "embargo", as a sanctions-list line's ``record`` says), today unless said."""
        told = self._today(on)
        return self._ws._mutation(lambda: qa.social_work_informed(self._ws._store, kind, record_id, told))

    def tracked_actions(self, provider_id: str | None = None, *, include_completed: bool = False,
                        everyone: bool = True) -> list[TrackedAction]:
        """Actions from plans in place, visits and reviews, as of now: overdue first, then by due
        date; of the providers monitored by us only with ``everyone=False``."""
        with self._ws._read() as session:
            return qa.tracked_actions(session, self._ws.clock.now(), provider_id=provider_id,
                                      include_completed=include_completed, monitored_only=not everyone)

    def extend_action(self, kind: str, action_id: str, *, new_due: dt.datetime, reason: str) -> Done[None]:
        return self._ws._mutation(lambda: qa.extend_action(self._ws._store, kind, action_id, new_due=new_due,
                                                           reason=reason))

    def complete_action(self, kind: str, action_id: str, *, evidence: str,
                        completed_at: dt.datetime | None = None) -> Done[None]:
        completed = self._now(completed_at)
        return self._ws._mutation(lambda: qa.complete_action(self._ws._store, kind, action_id,
                                                             completed_at=completed, evidence=evidence))

    # -- embargoes ----------------------------------------------------------------------------------

    def issue_embargo(self, provider_id: str, *, kind: EmbargoKind, scope: EmbargoScope, reason: str,
                      start_on: dt.date | None = None, review_on: dt.date | None = None,
                      approved_by: str | None = None, informal_reason: InformalReason | None = None,
                      setting_id: str | None = None, foster_carer: str | None = None,
                      social_work_informed_on: dt.date | None = None) -> Done[str]:
        """Issue an embargo (from today unless said); its id. A formal one is the QA lead's."""
        start = self._today(start_on)
        return self._ws._mutation(lambda: qa.issue_embargo(
            self._ws._store, provider_id, kind=kind, scope=scope, reason=reason, start_on=start, review_on=review_on,
            approved_by=approved_by, informal_reason=informal_reason, setting_id=setting_id,
            foster_carer=foster_carer, social_work_informed_on=social_work_informed_on))

    def end_embargo(self, embargo_id: str, end_on: dt.date | None = None) -> Done[None]:
        ended = self._today(end_on)
        return self._ws._mutation(lambda: qa.end_embargo(self._ws._store, embargo_id, ended))

    def active_embargoes(self, provider_id: str | None = None, *, on: dt.date | None = None) -> list[EmbargoInForce]:
        """Embargoes in force (today unless said), earliest first."""
        with self._ws._read() as session:
            return qa.active_embargoes(session, self._today(on), provider_id=provider_id)

    def embargo_warnings(self, setting_id: str, on: dt.date | None = None) -> list[str]:
        """Embargoes in force (today unless said) on a setting, its provider or their carers, in words."""
        with self._ws._read() as session:
            return qa.embargo_warnings(session, setting_id, self._today(on))

    def placement_check(self, provider_id: str, on: dt.date | None = None) -> PlacementCheck:
        """Everything QA holds that should stop or worry a placing social worker, in words (today
        unless said); "Nothing recorded against this provider" only when nothing does."""
        with self._ws._read() as session:
            return placement_check(session, provider_id, self._today(on), self._ws.clock.now())

    def placement_check_pdf(self, check: PlacementCheck, path: Path) -> Path:
        """The check as one printed page for the Access to Resources team, written to ``path``.
        It changes no record, so it is no mutation."""
        write_pdf(self._ws._store, check, path)
        return path

    def provider_warnings(self, provider_id: str, on: dt.date | None = None) -> list[str]:
        """Before a placement: embargoes, open restrictions and a HIGH rating (today unless said), in words."""
        with self._ws._read() as session:
            return qa.provider_warnings(session, provider_id, self._today(on))

    def properties(self, provider_id: str) -> list[PropertyChoice]:
        """The provider's properties an embargo can be on, by name."""
        with self._ws._read() as session:
            return qa.provider_properties(session, provider_id)

    # -- regulatory alerts --------------------------------------------------------------------------

    def log_alert(self, provider_id: str, *, regulator: Regulator, kind: AlertKind, summary: str,
                  received_on: dt.date | None = None) -> Done[str]:
        """Log an alert (received today unless said) with its review date; its id."""
        received = self._today(received_on)
        return self._ws._mutation(lambda: qa.log_alert(self._ws._store, provider_id, regulator=regulator, kind=kind,
                                                       received_on=received, summary=summary))

    def close_alert(self, alert_id: str, closed_on: dt.date | None = None) -> Done[None]:
        closed = self._today(closed_on)
        return self._ws._mutation(lambda: qa.close_alert(self._ws._store, alert_id, closed))

    def open_alerts(self, provider_id: str | None = None) -> list[OpenAlert]:
        with self._ws._read() as session:
            return qa.open_alerts(session, provider_id=provider_id)

    def end_record(self, kind: str, record_id: str, on: dt.date | None = None,
                   reason: RemovalReason | None = None) -> Done[None]:
        """End what a sanctions-list line stands for (its ``record``), today unless said."""
        ended = self._today(on)
        return self._ws._mutation(lambda: qa.end_record(self._ws._store, kind, record_id, ended, reason))

    # -- the lists across the register --------------------------------------------------------------

    def sanctions(self, sanction: Sanction | None = None, *, text: str = "",
                  provider_id: str | None = None) -> list[SanctionRow]:
        """The provider sanctions list as at today, filtered by kind of sanction and words."""
        with self._ws._read() as session:
            return sanctions_list(session, self._ws.clock.today(), sanction=sanction, text=text,
                                  provider_id=provider_id)

    def sanctions_count(self) -> int:
        """How many lines ``sanctions()`` gives unfiltered, without making them: the Oversight
        window's tab says it before the list is first shown."""
        with self._ws._read() as session:
            return sanctions_count(session, self._ws.clock.today())

    def export_sanctions(self, path: Path, sanction: Sanction | None = None, *, text: str = "") -> int:
        """Write the list as ``sanctions`` gives it to ``path`` (.xlsx or .csv, else ``ValueError``);
        how many lines it has. It changes no record, so it is no mutation."""
        rows = self.sanctions(sanction, text=text)
        export(rows, path, self._ws.clock.today())
        return len(rows)

    def dashboard(self, *, everyone: bool = False) -> Dashboard:
        """What is due and overdue now: visits and reviews, actions, restrictions and embargoes to
        review; of the providers monitored by us (every provider with ``everyone``)."""
        with self._ws._read() as session:
            return dashboard(session, self._ws.clock.now(), monitored_only=not everyone)

    # -- retention (Section 11) ---------------------------------------------------------------------

    def past_retention(self, on: dt.date | None = None) -> list[Expired]:
        """What ended more than five years before today (or ``on``), oldest first."""
        with self._ws._read() as session:
            return past_retention(session, self._today(on))

    def apply_retention(self, items: Sequence[Expired]) -> Done[RetentionReport]:
        """Delete ``items`` for good, on every laptop that syncs (after the officer confirmed)."""
        return self._ws._mutation(lambda: apply_retention(self._ws._store, list(items)))
