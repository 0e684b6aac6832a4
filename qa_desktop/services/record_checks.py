"""The checks every tracker record's service makes before it writes, worded for the officer.

A refusal is one sentence naming the field, raised as the caller's own error type (a
``PartnershipError``, an ``UnregisteredError`` ...: each a ``ValueError``), so the window shows it
beside what was typed and the command line prints it, and nothing is written.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes
from qa_desktop.store.models import Provider, Setting

Row = TypeVar("Row")


def words(text: str | None, what: str, error: type[ValueError]) -> str:
    """Required text, trimmed: ``Write {what}.`` when there is none."""
    if text is None or not text.strip():
        raise error(f"Write {what}.")
    return text.strip()


def optional(text: str | None) -> str | None:
    """Optional text, trimmed; None when blank."""
    return text.strip() or None if text is not None else None


def existing(changes: Changes, model: type[Row], record_id: str, what: str, error: type[ValueError]) -> Row:
    """The live row of ``model``, or a refusal naming what was not found."""
    officer(changes.session, f"or change a {what}")
    row: Any = changes.session.get(model, record_id)
    if row is None or row.deleted:
        raise error(f"That {what} does not exist (it may have been deleted).")
    return row


def live_provider(session: Session, provider_id: str, error: type[ValueError]) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None or provider.deleted:
        raise error("That provider is not in the register (it may have been deleted).")
    return provider


def live_setting(session: Session, setting_id: str, error: type[ValueError], provider_id: str | None = None) -> Setting:
    setting = session.get(Setting, setting_id)
    if setting is None or setting.deleted or (provider_id is not None and setting.provider_id != provider_id):
        raise error("That property is not in the register" + (" under this provider." if provider_id else "."))
    return setting
