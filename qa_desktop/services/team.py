"""The QA team: the officers' names the visit forms pick from, the same on every laptop (synced).

A visit records its officers by name, and the name is what the audit trail, the reports and the
Section 11 two-officer rule read. Typed freely, "Jo Morgn" on one visit is a new person; picked from
the team's list it is the same officer everywhere. A member's id is derived from their name (case
and spacing folded), so two laptops adding the same officer meet on one record when they sync.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.roles import Role
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.models import TeamMember


class TeamError(ValueError):
    """A name the team list cannot take, in words."""


@dataclass(frozen=True)
class TeamMemberLine:
    id: str
    name: str
    role: Role


def folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def team(session: Session) -> list[TeamMemberLine]:
    """The team, by name (those removed are left out)."""
    rows = session.scalars(select(TeamMember).where(TeamMember.deleted.is_(False)))
    return sorted((TeamMemberLine(r.id, r.name, r.role) for r in rows), key=lambda m: m.name.casefold())


def add_member(changes: Changes, name: str, role: Role = Role.QA_OFFICER) -> TeamMember:
    """Add an officer (or the lead) to the team; adding a name already there updates its role,
    and a name removed before comes back."""
    clean = " ".join(name.split())
    if not clean:
        raise TeamError("Team member: a name is needed.")
    if role not in (Role.QA_OFFICER, Role.QA_LEAD):
        raise TeamError("Team member: the team is QA officers and the QA lead (a Young Inspector is not listed).")
    member_id = derived_id("team_member", folded(clean))
    row = changes.session.get(TeamMember, member_id)
    if row is None:
        return changes.create(TeamMember, id=member_id, name=clean, role=role)
    # (``deleted`` through ``update`` was refused with a TypeError since the write path stopped
    # taking it: Team and user's Save with the officer already listed stopped on it, review6)
    changes.update(row, name=clean, role=role)
    changes.restore(row)
    return row


def remove_member(changes: Changes, member_id: str) -> None:
    row = changes.session.get(TeamMember, member_id)
    if row is None or row.deleted:
        raise TeamError("That team member is not in the list (it may have been removed on another laptop).")
    changes.delete(row)
