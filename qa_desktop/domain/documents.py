"""Documents that go out to providers and professionals, and their lifecycle.

Section 11: "a formal quality assurance report will be produced and distributed to the provider and
key professionals"; Section 12: action plans issued with timescales, a formal notification of an
embargo and of its removal. Each such document passes through the same four states:

- **Draft**: marked DRAFT on every page, in words, with why (the visit is still in progress, how
  many answers remain; or it has not been submitted). Never sent.
- **Submitted** by an officer for the QA lead's approval; a visit report only once the visit is
  complete.
- **Approved** by the QA lead (the lead's name and the date go on the sign-off).
- **Issued**: sent, to whom and when recorded. Only an approved document can be issued, and an
  issued one is never changed: a correction is a new revision that says what it corrects.
"""

from __future__ import annotations

import datetime as dt
import enum


class DocumentKind(enum.StrEnum):
    VISIT_REPORT = "visit"
    YOUNG_INSPECTOR_REPORT = "young_inspector"
    ACTION_PLAN = "action_plan"
    EMBARGO_NOTICE = "embargo_notice"
    EMBARGO_REMOVAL = "embargo_removal"
    PLAN_REMOVAL = "plan_removal"
    YOUNG_INSPECTOR_FEEDBACK = "young_inspector_feedback"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def of_visit(self) -> bool:
        """Made from a visit's records (the others from a plan or an embargo)."""
        return self in (DocumentKind.VISIT_REPORT, DocumentKind.YOUNG_INSPECTOR_REPORT,
                        DocumentKind.YOUNG_INSPECTOR_FEEDBACK)


_KIND_LABELS = {
    DocumentKind.VISIT_REPORT: "QA visit report",
    DocumentKind.YOUNG_INSPECTOR_REPORT: "Young Inspector report",
    DocumentKind.ACTION_PLAN: "QA improvement plan",
    DocumentKind.EMBARGO_NOTICE: "Embargo notification",
    DocumentKind.EMBARGO_REMOVAL: "Removal of an embargo",
    DocumentKind.PLAN_REMOVAL: "Removal of an action plan",
    DocumentKind.YOUNG_INSPECTOR_FEEDBACK: "Young Inspector feedback",
}


class DocumentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ISSUED = "issued"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DocumentRuleError(ValueError):
    """A lifecycle step the document's state does not allow; the message says what to do instead."""


def check_submit(status: DocumentStatus, *, visit_complete: bool | None) -> None:
    """A draft can be submitted; a visit's report only once the visit is complete."""
    if status is not DocumentStatus.DRAFT:
        raise DocumentRuleError(f"Only a draft can be submitted; this one is {status.label.lower()}.")
    if visit_complete is False:
        raise DocumentRuleError("The visit is still in progress: complete it before submitting its report.")


def check_approve(status: DocumentStatus) -> None:
    if status is not DocumentStatus.SUBMITTED:
        raise DocumentRuleError("Only a submitted document can be approved"
                                + (": submit it first." if status is DocumentStatus.DRAFT
                                   else f"; this one is already {status.label.lower()}."))


def check_issue(status: DocumentStatus) -> None:
    if status is DocumentStatus.ISSUED:
        raise DocumentRuleError("This revision has already been issued. An issued document is never changed: "
                                "a correction is a new revision.")
    if status is not DocumentStatus.APPROVED:
        raise DocumentRuleError("Only a document the QA lead has approved can be issued; "
                                f"this one is {status.label.lower()}.")


#: The team's default for a provider's reply (factual accuracy comments, the action plan response).
DEFAULT_REPLY_WORKING_DAYS = 10


def add_working_days(day: dt.date, days: int) -> dt.date:
    """``day`` moved on by ``days`` working days (Monday to Friday). Bank holidays are not counted
    out: the team sets the due date by hand when one falls in the period."""
    current = day
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current
