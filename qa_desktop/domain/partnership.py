"""Section 13 of the framework, partnership working: the meetings and joint visits the QA team
attends, what arises from them, and QA's feedback on placement funding requests.

The kinds of meeting are the ones Section 13 and the scrutiny report (Figure 2, "multi-agency
meetings/visits attended") name, with the cadence the framework sets where it sets one:

* LADO: "attend a meeting with the LADO every 4 weeks";
* Education and SEND: "attend a meeting with the quality inclusion team, Head of Education and
  Commissioning lead every 4 weeks";
* Access to Resources: "attend weekly drop-in sessions with ART and social care";
* strategy, professionals, joint evaluation (JEM), allegation management, placement planning and
  risk management meetings, CCRAG, and joint visits (with the Education Quality and Inclusion team
  to residential schools, with social care to placements), as they arise.

An action arising from a meeting is either for a provider, and then it is due by Figure 8 for its
concern level like any action on a provider, or for someone else (an officer to send something
on), with a date the meeting agreed, or none.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from qa_desktop.domain.timescales import ConcernLevel, action_due

if TYPE_CHECKING:
    from qa_desktop.domain.framework import Framework


class PartnershipError(ValueError):
    """A partnership record the framework does not allow, worded for the officer who typed it."""


class MeetingKind(enum.StrEnum):
    LADO = "lado"
    EDUCATION_SEND = "education_send"
    ART_DROP_IN = "art_drop_in"
    STRATEGY = "strategy"
    PROFESSIONALS = "professionals"
    JEM = "jem"
    ALLEGATION_MANAGEMENT = "allegation_management"
    PLANNING = "planning"
    RISK_MANAGEMENT = "risk_management"
    CCRAG = "ccrag"
    JOINT_VISIT = "joint_visit"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def cadence(self) -> dt.timedelta | None:
        """How often Section 13 says the team meets (None: as the need arises)."""
        return _CADENCE.get(self)


_KIND_LABELS = {
    MeetingKind.LADO: "LADO (4-weekly)",
    MeetingKind.EDUCATION_SEND: "Education and SEND (4-weekly)",
    MeetingKind.ART_DROP_IN: "Access to Resources drop-in (weekly)",
    MeetingKind.STRATEGY: "Strategy meeting",
    MeetingKind.PROFESSIONALS: "Professionals meeting",
    MeetingKind.JEM: "Joint evaluation meeting (JEM)",
    MeetingKind.ALLEGATION_MANAGEMENT: "Allegation management meeting",
    MeetingKind.PLANNING: "Placement planning meeting",
    MeetingKind.RISK_MANAGEMENT: "Risk management meeting",
    MeetingKind.CCRAG: "CCRAG",
    MeetingKind.JOINT_VISIT: "Joint visit",
    MeetingKind.OTHER: "Other multi-agency meeting",
}

_CADENCE = {
    MeetingKind.LADO: dt.timedelta(weeks=4),
    MeetingKind.EDUCATION_SEND: dt.timedelta(weeks=4),
    MeetingKind.ART_DROP_IN: dt.timedelta(weeks=1),
}


def next_expected(kind: MeetingKind, last_held: dt.date | None, today: dt.date) -> dt.date | None:
    """When the next meeting of a regular kind is expected: one cadence after the last one held
    (today when none has been recorded); None for a kind held as the need arises."""
    cadence = kind.cadence
    if cadence is None:
        return None
    return today if last_held is None else last_held + cadence


class FundingRecommendation(enum.StrEnum):
    """QA's view on a placement funding request (Section 13: "Quality Assurance provide feedback on
    all placement funding requests")."""

    SUPPORTED = "supported"
    SUPPORTED_WITH_CONDITIONS = "supported_with_conditions"
    NOT_SUPPORTED = "not_supported"
    MORE_INFORMATION = "more_information"

    @property
    def label(self) -> str:
        return {"supported": "Supported", "supported_with_conditions": "Supported with conditions",
                "not_supported": "Not supported", "more_information": "More information needed"}[self.value]


def check_meeting(kind: MeetingKind, held_on: dt.date, today: dt.date, attendees: list[str]) -> list[str]:
    """The attendees, cleaned; refuse, in words, a meeting that cannot be recorded."""
    if held_on > today + dt.timedelta(days=366):
        raise PartnershipError("The meeting date is more than a year ahead: check the year.")
    names = [name.strip() for name in attendees if name and name.strip()]
    if len({name.casefold() for name in names}) != len(names):
        raise PartnershipError("The same attendee is named twice.")
    return names


def meeting_action_due(level: ConcernLevel | None, raised_at: dt.datetime, provider_id: str | None,
                       agreed_due: dt.datetime | None, figures: Framework | None = None) -> dt.datetime | None:
    """When an action arising from a meeting is due: by Figure 8 for an action on a provider (its
    concern level is then required; the council's timescales, ``figures``), else the date the
    meeting agreed, if any."""
    if provider_id:
        if level is None:
            raise PartnershipError("An action for a provider needs its concern level, so it is due by Figure 8.")
        return action_due(level, raised_at, figures)
    if agreed_due is not None and agreed_due < raised_at:
        raise PartnershipError("The action cannot be due before the meeting raised it.")
    return agreed_due
