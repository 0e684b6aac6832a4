"""Who may do what: QA officers, the QA lead, and Young Inspectors.

- A **QA officer** works with the whole register, visits, cases and sanctions.
- The **QA lead** can do all of that and also issue a *formal* embargo. Section 12 says
  agreement must come from senior management; the lead records it.
- A **Young Inspector** (a care leaver) sees only the Young Inspector form of the one visit they
  are assigned to. That means no provider register, no cases, sanctions, notes or other visits.

The services enforce this, not only the screens: each checks the user its session was opened for
(``Store.user``, put in ``session.info``), so a call that skips the window is refused all the same.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    QA_OFFICER = "qa_officer"
    QA_LEAD = "qa_lead"
    YOUNG_INSPECTOR = "young_inspector"

    @property
    def label(self) -> str:
        return {"qa_officer": "QA officer", "qa_lead": "QA lead", "young_inspector": "Young Inspector"}[self.value]


class NotAllowed(Exception):
    """A user asked for something their role does not allow; the message says what they may do."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role = Role.QA_OFFICER
    assigned_visit: str | None = None  # a Young Inspector's one visit

    @property
    def is_officer(self) -> bool:
        return self.role in (Role.QA_OFFICER, Role.QA_LEAD)


def require_officer(user: User, what: str) -> None:
    if not user.is_officer:
        raise NotAllowed(f"A Young Inspector cannot see {what}; only the Young Inspector form of their visit.")


def require_lead(user: User, what: str) -> None:
    if user.role is not Role.QA_LEAD:
        raise NotAllowed(f"Only the QA lead can {what}.")


def require_visit_access(user: User, visit_id: str, young_inspector_form_only: bool) -> None:
    """Officers may open any visit; a Young Inspector only the form of the visit they are assigned to."""
    if user.is_officer:
        return
    if visit_id != user.assigned_visit:
        raise NotAllowed("A Young Inspector can open only the visit they are assigned to.")
    if not young_inspector_form_only:
        raise NotAllowed("A Young Inspector can open only the Young Inspector form, not the officers' checklists.")
