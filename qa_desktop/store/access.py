"""The user a session was opened for (``Store.user``), for the services' role checks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qa_desktop.domain.roles import User, require_lead, require_officer

__all__ = ["officer", "lead", "user_of"]


def user_of(session: Session) -> User:
    """Every session the store opens carries its user; one made elsewhere (a migration) is an officer's."""
    return session.info.get("user") or User("system")


def officer(session: Session, what: str) -> None:
    require_officer(user_of(session), what)


def lead(session: Session, what: str) -> None:
    require_lead(user_of(session), what)
