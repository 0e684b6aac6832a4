"""The register as the window first shows it, from the store's first look (``store.first_look``):
the rows ``register.search`` gives with ``register.context(due=False)``, made from the same columns
by the same functions (``services.register_rows``, ``services.sanction_kinds``), without
SQLAlchemy (issue 22's cold start). Each row is made when first read (``RowsOnDemand``): the first
paint reads a screenful of them.

What is due is not in it (``RegisterContext.due`` is empty): the window works it out after the
first paint, as it does for a large register anyway, and says so meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_desktop.domain.framework import framework_in_force
from qa_desktop.domain.roles import Role, User
from qa_desktop.services.register_rows import RegisterContext, RowsOnDemand, ratings_of
from qa_desktop.services.sanction_kinds import alert_lines, ceased_lines, embargo_lines, plan_lines, sanction_kinds
from qa_desktop.store.first_look import DEVICE_ID, USER_CONFIRMED, USER_NAME, USER_ROLE, StoreFirstLook


@dataclass(frozen=True)
class RegisterFirstLook:
    """The register's rows and context as at one snapshot of the store, and who it was read for."""

    context: RegisterContext
    rows: RowsOnDemand  # by name, each made when first read: a first paint reads a screenful
    user: User
    device_id: str
    position: int  # where the op log ended: changes after it reach the window through the change signal
    user_confirmed: bool  # someone said who uses this laptop (``Store.user_confirmed``)


def register_first_look(look: StoreFirstLook, actor: str | None = None,
                        role: Role | None = None) -> RegisterFirstLook | None:
    """The register from ``look`` for ``actor`` (default: the laptop's user) in ``role`` (default:
    the laptop's); ``None`` for a Young Inspector (who sees no register), a role this version does
    not know, or a user or role not yet kept (the store's own opening says or makes them)."""
    name, role_text = actor or look.local.get(USER_NAME), look.local.get(USER_ROLE)
    if not name:
        return None  # the store, opened, makes what is missing (the login name, an officer's role)
    if role is None:
        try:
            role = Role(role_text) if role_text is not None else None
        except ValueError:
            return None
    if role is None:
        return None
    user = User(name, role)
    if not user.is_officer:
        return None
    live = {record[0] for record in look.providers}  # the sanctions of providers in the register (not deleted)
    terminated: set[str] = set()  # the alerts' terminations first: a termination lists "ceased operating" itself
    lines = [*embargo_lines((r for r in look.embargoes if r[0] in live), look.today),
             *plan_lines(r for r in look.plans if r[0] in live),
             *alert_lines((r for r in look.alerts if r[0] in live), terminated)]
    lines += ceased_lines(look.ceased, terminated)
    context = RegisterContext({}, ratings_of(look.cases, framework_in_force(look.framework)), sanction_kinds(lines))
    return RegisterFirstLook(context, RowsOnDemand(list(look.providers), look.places, context), user,
                             look.local[DEVICE_ID], look.position, USER_CONFIRMED in look.local)
