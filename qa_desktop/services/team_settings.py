"""Settings the whole team shares, kept as synced, audited records (``TeamSetting``).

``internal_owners``: the names under which this council owns children's homes ("Medway Council",
"Medway Borough Council"). Ofsted's data names every home's owner; a home owned by this council is
an internally commissioned residential provision (Figure 2: visited yearly, not every 3 years),
which Ofsted's provision type alone cannot tell (``domain.provision_types``). Setting the names
marks the homes already in the register at once, and every later import marks new ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa_desktop.domain.provision_types import OWNED_BY_THIS_COUNCIL, map_provision, owned_by_this_council
from qa_desktop.store.access import officer
from qa_desktop.store.changes import Changes, derived_id
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider, TeamSetting

INTERNAL_OWNERS = "internal_owners"

#: The most names a council owns homes under: more is a list pasted by mistake.
MAX_OWNER_NAMES = 20


class SettingError(ValueError):
    """A setting the team cannot use, said in words."""


def setting(session: Session, key: str) -> Any:
    row = session.get(TeamSetting, derived_id("team_setting", key))
    return None if row is None or row.deleted else row.value


def internal_owners(session: Session) -> tuple[str, ...]:
    """The names this council owns homes under (none until the team sets them)."""
    value = setting(session, INTERNAL_OWNERS)
    return tuple(str(name) for name in value) if isinstance(value, list) else ()


def _clean(names: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = " ".join(str(name).split())
        if name and name.casefold() not in {n.casefold() for n in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_OWNER_NAMES:
        raise SettingError(f"This council's own names as an owner: {len(cleaned)} names given, at most "
                           f"{MAX_OWNER_NAMES} make sense (one per line, as Ofsted writes the owner).")
    for name in cleaned:
        if len(name) > 200:
            raise SettingError(f"This council's own names as an owner: {name[:40]!r}... is longer than any "
                               "organisation's name (at most 200 characters).")
    return cleaned


def set_internal_owners(store: Store, names: Iterable[str]) -> int:
    """Keep the names and mark the register's homes by them: a children's home owned under one of
    them becomes internally commissioned, and one no longer owned under any goes back to a
    children's home. Returns how many providers changed."""
    cleaned = _clean(names)
    with store.write() as changes:
        officer(changes.session, "change the team's settings")
        previous = internal_owners(changes.session)
        _put(changes, INTERNAL_OWNERS, cleaned)
        return _mark(changes, previous, cleaned)


def _put(changes: Changes, key: str, value: Any) -> None:
    row_id = derived_id("team_setting", key)
    row = changes.session.get(TeamSetting, row_id)
    if row is None:
        changes.create(TeamSetting, id=row_id, key=key, value=value)
    else:
        changes.update(row, value=value)


def _mark(changes: Changes, previous: Iterable[str], owners: list[str]) -> int:
    """Mark homes owned under ``owners``; unmark those marked only because of a name no longer in
    them (a home the team marked internal by hand, under no such name, stays so)."""
    internal = set(OWNED_BY_THIS_COUNCIL.values())
    candidates = changes.session.scalars(select(Provider).where(
        Provider.deleted.is_(False), Provider.service_type.in_([*OWNED_BY_THIS_COUNCIL, *internal])))
    changed = 0
    for provider in candidates:
        if provider.provision_type is None:
            continue
        # what the provider's own provision type gives, with this council's names as they are now
        mapped = map_provision(provider.provision_type, owner=provider.organisation, council_owners=owners)
        wanted = mapped.service_type
        if wanted is None or wanted is provider.service_type:
            continue
        owned = owned_by_this_council(provider.organisation, owners)
        was_owned = owned_by_this_council(provider.organisation, previous)
        if (owned and wanted in internal) or (not owned and was_owned and provider.service_type in internal
                                               and wanted in OWNED_BY_THIS_COUNCIL):
            changes.update(provider, service_type=wanted)
            changed += 1
    return changed

