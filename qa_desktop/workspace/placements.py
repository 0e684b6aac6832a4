"""Placements through the workspace: recorded (planned or emergency, the child's case reference
only), corrected and ended; listed; a provider "in use". Times left out are the workspace clock's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from qa_desktop.domain.placements import PlacementError, PlacementKind
from qa_desktop.services import placements as pl
from qa_desktop.services.placements import PlacementLine
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

__all__ = ["PlacementService", "PlacementLine", "PlacementKind", "PlacementError"]


class PlacementService(Service):
    area = "placements"

    def record(self, *, setting_id: str, reference: str, kind: PlacementKind, started_at: dt.datetime | None = None,
               ended_at: dt.datetime | None = None, element_id: str | None = None) -> Done[str]:
        """Record a placement (starting now unless said); the provider becomes monitored by us."""
        start = started_at if started_at is not None else self._ws.clock.now()
        return self._ws._mutation(lambda: pl.record_placement(
            self._ws._store, setting_id=setting_id, reference=reference, kind=kind, started_at=start,
            ended_at=ended_at, element_id=element_id))

    def edit(self, placement_id: str, fields: Mapping[str, Any],
             seen: Mapping[str, Sequence[str]] | None = None) -> Done[set[str]]:
        return self._ws._mutation(lambda: pl.edit_placement(self._ws._store, placement_id, fields, seen))

    def end(self, placement_id: str, ended_at: dt.datetime | None = None) -> Done[None]:
        end = ended_at if ended_at is not None else self._ws.clock.now()
        return self._ws._mutation(lambda: pl.end_placement(self._ws._store, placement_id, end))

    def lines(self, provider_id: str | None = None, *, current_only: bool = False) -> list[PlacementLine]:
        with self._ws._read() as session:
            return pl.placements(session, self._ws.clock.now(), provider_id=provider_id, current_only=current_only,
                                 device_id=self._ws.device_id)

    def in_use(self, provider_id: str) -> bool:
        """Whether a child is placed with the provider now."""
        with self._ws._read() as session:
            return pl.in_use(session, self._ws.clock.now(), provider_id)

    def warnings(self, setting_id: str) -> list[str]:
        """Embargoes, restrictions and a HIGH rating of the setting's provider, in words."""
        with self._ws._read() as session:
            return pl.placement_warnings(session, setting_id, self._ws.clock.today())
