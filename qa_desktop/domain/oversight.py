"""Section 12 of the framework: QA cases, action plans, embargoes, regulatory alerts, sanctions.

The vocabulary is the framework's own, so the lists read as the team's spreadsheet does. The rules
here are plain functions of dates and values (tested without a database):

* an embargo is *formal* only with a senior manager's agreement recorded ("Agreement **must** be
  sought from senior management before a formal embargo can be issued"), and *informal* only for
  one of the three reasons Section 12 gives;
* an Ofsted restriction or suspension is reviewed 12 weeks after the alert ("Ofsted tend to issue
  a 12-week period on their restrictions");
* an action plan, and a regulatory action plan, is removed only for one of the reasons Section 12
  lists for it.
"""

from __future__ import annotations

import datetime as dt
import enum


class OversightError(ValueError):
    """A record Section 12 does not allow, worded for the officer who typed it."""


class CaseSource(enum.StrEnum):
    LADO = "lado"
    OFSTED_ALERT = "ofsted_alert"
    SOCIAL_WORKER = "social_worker"
    POLICE = "police"
    COUNCILLOR = "councillor"
    PROVIDER = "provider"
    YOUNG_PERSON = "young_person"
    FAMILY = "family"
    QA_VISIT = "qa_visit"
    OTHER_AUTHORITY = "other_authority"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"lado": "LADO", "ofsted_alert": "Ofsted alert", "qa_visit": "QA visit",
                "provider": "Provider notification", "other_authority": "Another local authority",
                "family": "Family or carer"}.get(self.value, self.value.replace("_", " ").capitalize())


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class EmbargoKind(enum.StrEnum):
    FORMAL = "formal"
    INFORMAL = "informal"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class EmbargoScope(enum.StrEnum):
    """What an embargo covers (the sanctions list's three embargo lines)."""

    PROVIDER = "provider"
    PROPERTY = "property"
    FOSTER_CARER = "foster_carer"

    @property
    def label(self) -> str:
        return {"provider": "Embargo on provider/agency", "property": "Embargo on specific property",
                "foster_carer": "Embargo on foster carers"}[self.value]


class InformalReason(enum.StrEnum):
    """Section 12: why a provider may be embargoed without being formally told."""

    INVESTIGATION = "investigation"
    NOT_KNOWN_TO_COUNCIL = "not_known_to_council"
    REGULATOR_RESTRICTION = "regulator_restriction"

    @property
    def label(self) -> str:
        return {"investigation": "Ongoing case review or investigation; information cannot yet be disclosed",
                "not_known_to_council": "Provider not known to the council but operating in the area, with concerns",
                "regulator_restriction": "Restriction or low judgement from the regulator"}[self.value]


class PlanKind(enum.StrEnum):
    QA = "qa"                  # issued by the QA team
    REGULATORY = "regulatory"  # the provider's own plan for the regulator, monitored by QA

    @property
    def label(self) -> str:
        return "Action plan" if self is PlanKind.QA else "Regulatory action plan"


class RemovalReason(enum.StrEnum):
    """Section 12: the reasons an action plan (first three) or a regulatory one (last two) ends."""

    IMPROVED = "improved"
    NO_CHILDREN = "no_children"
    EMBARGOED = "embargoed"
    REINSPECTED_GOOD = "reinspected_good"
    REGULATOR_SATISFIED = "regulator_satisfied"

    @property
    def label(self) -> str:
        return {"improved": "All areas met, with evidence of improved quality",
                "no_children": "The council no longer has children or young people with this service",
                "embargoed": "Concerns escalated and a formal embargo was issued",
                "reinspected_good": "The regulator reinspected and judged Good or above",
                "regulator_satisfied": "All areas met and the evidence seen by the regulator"}[self.value]


REMOVAL_REASONS: dict[PlanKind, tuple[RemovalReason, ...]] = {
    PlanKind.QA: (RemovalReason.IMPROVED, RemovalReason.NO_CHILDREN, RemovalReason.EMBARGOED),
    PlanKind.REGULATORY: (RemovalReason.REINSPECTED_GOOD, RemovalReason.REGULATOR_SATISFIED),
}


class AlertKind(enum.StrEnum):
    """What a regulatory alert or judgement says (Section 12, Regulatory Restrictions)."""

    RESTRICTION = "restriction"
    SUSPENSION = "suspension"
    TERMINATION = "termination"
    INADEQUATE = "inadequate"  # inadequate judgement or widespread concerns
    LIFTED = "lifted"          # the previous restriction has been lifted
    POOR_JUDGEMENT = "poor_judgement"  # CQC / Care Inspectorate: requires improvement or below

    @property
    def label(self) -> str:
        return {"restriction": "Restriction on accommodation or registration",
                "suspension": "Suspension of registration",
                "termination": "Termination of registration",
                "inadequate": "Inadequate judgement or widespread concerns",
                "lifted": "Restriction lifted",
                "poor_judgement": "Judgement of requires improvement or below"}[self.value]


#: "Ofsted tend to issue a 12-week period on their restrictions."
RESTRICTION_REVIEW = dt.timedelta(weeks=12)


def alert_review_date(kind: AlertKind, received_on: dt.date) -> dt.date | None:
    """When the team next looks for Ofsted's updated alert: 12 weeks on for a restriction,
    suspension or inadequate judgement; none for a termination or a lifting (nothing to review)."""
    if kind in (AlertKind.TERMINATION, AlertKind.LIFTED):
        return None
    return received_on + RESTRICTION_REVIEW


def check_embargo(kind: EmbargoKind, *, approved_by: str | None, informal_reason: InformalReason | None,
                  scope: EmbargoScope, setting_id: str | None, foster_carer: str | None,
                  start_on: dt.date, review_on: dt.date | None, end_on: dt.date | None) -> None:
    """Refuse, in words, an embargo Section 12 does not allow."""
    if kind is EmbargoKind.FORMAL and not (approved_by or "").strip():
        raise OversightError("A formal embargo needs the senior manager who agreed it: Section 12 says agreement "
                             "must be sought from senior management first.")
    if kind is EmbargoKind.INFORMAL and informal_reason is None:
        raise OversightError("An informal embargo needs one of the reasons in Section 12 (an investigation, a "
                             "provider not known to the council, or a regulator's restriction or low judgement).")
    if scope is EmbargoScope.PROPERTY and not setting_id:
        raise OversightError("Say which property the embargo is on.")
    if scope is EmbargoScope.FOSTER_CARER and not (foster_carer or "").strip():
        raise OversightError("Say which foster carers the embargo is on (their reference, not a child's name).")
    if review_on is not None and review_on < start_on:
        raise OversightError("The review date cannot be before the embargo starts.")
    if end_on is not None and end_on < start_on:
        raise OversightError("The embargo cannot end before it starts.")


def is_active(start_on: dt.date, end_on: dt.date | None, today: dt.date) -> bool:
    return start_on <= today and (end_on is None or end_on >= today)


def check_removal(kind: PlanKind, reason: RemovalReason) -> None:
    if reason not in REMOVAL_REASONS[kind]:
        allowed = "; ".join(r.label for r in REMOVAL_REASONS[kind])
        raise OversightError(f"A {kind.label.lower()} is removed only when: {allowed}.")
