"""The Young Inspectors programme (scrutiny report, sections 4.10, 5 and 7).

Care leavers aged 16-25 join QA visits as Young Inspectors. What the programme keeps, from the
report:

* 4.10: "Training covers inspection techniques, safeguarding, and feedback delivery. The process
  includes joint inspections, structured reporting, and provider feedback."
* 2.4: "Budgetary considerations ... include training, DBS checks, staff time, incentives and
  support for young inspectors."
* 7 (risk table, emotional impact on care experienced inspectors): "Pre-visit briefings. Option to
  Opt-Out. Debrief support after inspections for young inspectors from PA, Team Manager and QA
  Lead."

The roster holds the name each Young Inspector is known by: a reference (YI-04), or a first name
where the team prefers; never more of a care leaver's identity than the team needs.

Renewal periods are the team's policy, not the framework's (which sets none): an enhanced DBS check
is renewed every three years, as many councils do for volunteers working with children, and the
training is refreshed every year. What falls due is listed ``DUE_NOTICE`` ahead.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from qa_desktop.domain.periods import ONE_YEAR, Period

#: The team's policy for renewing a Young Inspector's enhanced DBS check.
DBS_RENEWAL = Period(36, "every 3 years")
#: The team's policy for refreshing a Young Inspector's training.
TRAINING_REFRESH = ONE_YEAR
#: What is listed as due this many days before it expires.
DUE_NOTICE = dt.timedelta(days=30)


class ProgrammeError(ValueError):
    """A Young Inspectors programme record that cannot be kept, worded for the officer."""


class DebriefBy(enum.StrEnum):
    """Who gave the debrief support after a visit (section 7: "from PA, Team Manager and QA Lead")."""

    PERSONAL_ADVISER = "personal_adviser"
    TEAM_MANAGER = "team_manager"
    QA_LEAD = "qa_lead"
    QA_OFFICER = "qa_officer"

    @property
    def label(self) -> str:
        return {"personal_adviser": "Personal adviser (PA)", "team_manager": "Team manager", "qa_lead": "QA lead",
                "qa_officer": "QA officer"}[self.value]


class DueKind(enum.StrEnum):
    DBS = "dbs"
    TRAINING = "training"
    BRIEFING = "briefing"
    DEBRIEF = "debrief"

    @property
    def label(self) -> str:
        return {"dbs": "DBS check", "training": "Training", "briefing": "Pre-visit briefing",
                "debrief": "Debrief after the visit"}[self.value]


@dataclass(frozen=True)
class Due:
    """Something the programme must do for a Young Inspector, and by when."""

    kind: DueKind
    due_on: dt.date
    overdue: bool
    words: str


def renewal_due(kind: DueKind, last: dt.date | None, today: dt.date) -> Due | None:
    """The DBS check or training falling due (or never done): None when it is not due within
    ``DUE_NOTICE``."""
    period = DBS_RENEWAL if kind is DueKind.DBS else TRAINING_REFRESH
    if last is None:
        return Due(kind, today, True, f"{kind.label}: none recorded")
    due_on = period.after(last)
    if due_on - today > DUE_NOTICE:
        return None
    state = "expired" if due_on < today else "expires"
    return Due(kind, due_on, due_on < today,
               f"{kind.label} {state} {due_on:%d %b %Y} (done {last:%d %b %Y}, renewed {period})")


#: A debrief is due within a week of the visit; one still missing a month after is no longer listed as
#: due (it is a gap the year's figures show: debriefs beside visits), so the list stays about what can be done.
DEBRIEF_WITHIN = dt.timedelta(days=7)
DEBRIEF_LISTED_FOR = dt.timedelta(days=30)


def visit_support_due(visit_date: dt.date, briefed_on: dt.date | None, debriefed_on: dt.date | None,
                      today: dt.date) -> list[Due]:
    """Section 7's support around a visit a Young Inspector joins: briefed before it, debriefed after.

    A briefing is due by the visit day, and listed from ``DUE_NOTICE`` before it until the day itself
    (after the visit it can no longer be given); a debrief is due within a week of the visit."""
    found: list[Due] = []
    if briefed_on is None and today <= visit_date <= today + DUE_NOTICE:
        found.append(Due(DueKind.BRIEFING, visit_date, False,
                         f"Pre-visit briefing for the visit on {visit_date:%d %b %Y}"))
    if debriefed_on is None and visit_date <= today <= visit_date + DEBRIEF_LISTED_FOR:
        due_on = visit_date + DEBRIEF_WITHIN
        found.append(Due(DueKind.DEBRIEF, due_on, today > due_on,
                         f"Debrief after the visit on {visit_date:%d %b %Y}"))
    return found


def check_name(name: str) -> str:
    """The name a Young Inspector is known by: a reference (YI-04) or a first name, never a full identity."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ProgrammeError("Give the Young Inspector a name the team knows them by, such as the reference YI-04 "
                             "(a full name is not needed).")
    if len(cleaned) > 60:
        raise ProgrammeError("The name is longer than 60 characters: a reference or a first name is enough.")
    return cleaned


def check_support_dates(visit_date: dt.date, briefed_on: dt.date | None, debriefed_on: dt.date | None) -> None:
    if briefed_on is not None and briefed_on > visit_date:
        raise ProgrammeError("The pre-visit briefing cannot be after the visit.")
    if debriefed_on is not None and debriefed_on < visit_date:
        raise ProgrammeError("The debrief cannot be before the visit.")
