"""Placements: a child placed at a setting (the child's case reference only), planned or in an
emergency, started and ended. The 24-48 hour rules follow from them in ``services.due``; recording
one marks the provider "monitored by us", and a provider with a current placement is "in use".

Refusals are one sentence naming the field (``domain.placements``), raised before anything is
written, so a form keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from qa_desktop.domain.placements import PlacementError, PlacementKind, check_dates, check_reference, is_current
from qa_desktop.services.oversight import provider_warnings
from qa_desktop.services.providers import Seen, mark_monitored_by_placement, shown_heads
from qa_desktop.store.access import officer
from qa_desktop.store.database import Store
from qa_desktop.store.models import PackageElement, Placement, Provider, Setting


@dataclass(frozen=True)
class PlacementLine:
    """A placement as lists show it."""

    id: str
    provider_id: str
    provider: str
    setting_id: str
    setting: str
    reference: str
    kind: PlacementKind
    started_at: dt.datetime
    ended_at: dt.datetime | None
    current: bool
    element_id: str | None = None
    element: str | None = None
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def when(self) -> str:
        start = f"{self.started_at.astimezone():%d %b %Y %H:%M}"
        return f"{start} to {self.ended_at.astimezone():%d %b %Y %H:%M}" if self.ended_at else f"from {start}"


def _setting(session: Session, setting_id: str) -> Setting:
    setting = session.get(Setting, setting_id)
    if setting is None or setting.deleted:
        raise PlacementError("Setting: that setting is not in the register (it may have been deleted).")
    provider = session.get(Provider, setting.provider_id)
    if provider is None or provider.deleted:
        raise PlacementError("Setting: its provider is not in the register (it may have been deleted).")
    return setting


def _element(session: Session, element_id: str | None, setting: Setting) -> str | None:
    if not element_id:
        return None
    element = session.get(PackageElement, element_id)
    if element is None or element.deleted or element.provider_id != setting.provider_id:
        raise PlacementError("Element: that element is not part of this provider's package.")
    return element.id


def record_placement(store: Store, *, setting_id: str, reference: str, kind: PlacementKind,
                     started_at: dt.datetime, ended_at: dt.datetime | None = None,
                     element_id: str | None = None) -> str:
    """Record a placement; the provider becomes monitored (by this placement) if it was not. Its id."""
    clean = check_reference(reference)
    if not isinstance(kind, PlacementKind):
        raise PlacementError("Kind: say whether the placement is planned or an emergency.")
    check_dates(started_at, ended_at)
    with store.write() as changes:
        officer(changes.session, "or record placements")
        setting = _setting(changes.session, setting_id)
        element = _element(changes.session, element_id, setting)
        placement = changes.create(Placement, setting_id=setting.id, reference=clean, kind=kind,
                                   started_at=started_at, ended_at=ended_at, element_id=element)
        provider = changes.session.get(Provider, setting.provider_id)
        assert provider is not None  # checked by _setting
        mark_monitored_by_placement(changes, provider, f"{kind.label.lower()} placement {clean} at {setting.name} "
                                                       f"from {started_at.astimezone():%d/%m/%Y}")
        return placement.id


def edit_placement(store: Store, placement_id: str, fields: Mapping[str, Any], seen: Seen | None = None) -> set[str]:
    """Correct a placement (reference, kind, start, end); the end cannot come before the start."""
    allowed = {"reference", "kind", "started_at", "ended_at"}
    if set(fields) - allowed:
        raise TypeError(f"not placement fields: {', '.join(sorted(set(fields) - allowed))}")
    clean = dict(fields)
    if "reference" in clean:
        clean["reference"] = check_reference(clean["reference"])
    with store.write() as changes:
        officer(changes.session, "or change placements")
        placement = changes.session.get(Placement, placement_id)
        if placement is None or placement.deleted:
            raise PlacementError("That placement is not recorded (it may have been deleted).")
        check_dates(clean.get("started_at", placement.started_at), clean.get("ended_at", placement.ended_at))
        shown = {name: list(seen[name]) for name in clean if seen and name in seen}
        return changes.update(placement, seen=shown or None, **clean)


def end_placement(store: Store, placement_id: str, ended_at: dt.datetime) -> None:
    edit_placement(store, placement_id, {"ended_at": ended_at})


@functools.cache
def _placements(one: bool) -> Select[*tuple[Any, ...]]:
    """``placements``' read, built once (of one provider: ``provider_id`` bound at each call; built at
    each call it cost more than reading a provider's placements, on every provider page: issue 22)."""
    query = (select(Placement, Setting.name, Provider.id, Provider.name, PackageElement.name)
             .join(Setting, Placement.setting_id == Setting.id).join(Provider, Setting.provider_id == Provider.id)
             .outerjoin(PackageElement, Placement.element_id == PackageElement.id)
             .where(Placement.deleted.is_(False)))
    if one:
        query = query.where(Provider.id == bindparam("provider_id"))
    return query.order_by(Placement.started_at.desc())


def placements(session: Session, now: dt.datetime, *, provider_id: str | None = None, current_only: bool = False,
               device_id: str | None = None) -> list[PlacementLine]:
    """Placements, newest first; of one provider, or only those current now."""
    officer(session, "placements")
    found = []
    for p, setting, pid, provider, element in session.execute(_placements(provider_id is not None),
                                                              {"provider_id": provider_id}):
        current = is_current(p.started_at, p.ended_at, now)
        if current_only and not current:
            continue
        found.append(PlacementLine(p.id, pid, provider, p.setting_id, setting, p.reference or "",
                                   p.kind or PlacementKind.EMERGENCY, p.started_at, p.ended_at, current, p.element_id,
                                   element, shown_heads(session, "placements", p.id, device_id) if device_id else {}))
    return found


def in_use(session: Session, now: dt.datetime, provider_id: str) -> bool:
    """Whether the council has a child placed with the provider now."""
    return any(p.current for p in placements(session, now, provider_id=provider_id, current_only=True))


def placement_warnings(session: Session, setting_id: str, today: dt.date) -> list[str]:
    """What an officer recording a placement must see first: the provider's embargoes,
    restrictions and a HIGH rating, in words."""
    setting = _setting(session, setting_id)
    return provider_warnings(session, setting.provider_id, today)
