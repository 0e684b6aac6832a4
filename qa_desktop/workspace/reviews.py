"""Compliance reviews through the workspace: start one from Figure 1's template (full, or the
minimum urgent set), record each document and written item, raise actions (Figure 8), complete it;
list them and find one by its reference. Dates and times left out are the workspace clock's.

A review's screen reads a ``ReviewSheet`` (each item carries what it ``seen``) and writes each edit
over what it showed; a save held up by another program's write raises ``StoreBusy`` after a short
wait (``screen=True``), for the screen to keep what was typed and retry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from qa_desktop.domain.compliance import ComplianceError, DocumentCheck, DocumentStatus, ReviewScope, ReviewStatus
from qa_desktop.domain.timescales import ConcernLevel
from qa_desktop.services import reviews as rv
from qa_desktop.services.reviews import ReviewActionLine, ReviewItemLine, ReviewLine, ReviewSheet
from qa_desktop.store.database import StoreBusy
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service

__all__ = ["ReviewService", "ReviewSheet", "ReviewItemLine", "ReviewActionLine", "ReviewLine", "ReviewScope",
           "ReviewStatus", "DocumentStatus", "DocumentCheck", "ComplianceError", "StoreBusy"]

#: As the visit screen: a save from a screen waits this long for another program, then says so.
SCREEN_SAVE_WAIT_MS = 150
Seen = Mapping[str, Sequence[str]]


class ReviewService(Service):
    area = "reviews"

    def _busy(self, screen: bool) -> int | None:
        return SCREEN_SAVE_WAIT_MS if screen else None

    def start(self, provider_id: str, scope: ReviewScope, *, review_date: dt.date | None = None,
              reviewed_by: str | None = None, element_id: str | None = None,
              placement_id: str | None = None) -> Done[str]:
        """Start a review (today, by this laptop's user unless said); its id."""
        day = review_date or self._ws.clock.today()
        by = reviewed_by if reviewed_by is not None else self._ws.user.name
        return self._ws._mutation(lambda: rv.start_review(
            self._ws._store, self._ws.library, provider_id=provider_id, scope=scope, review_date=day,
            reviewed_by=by, element_id=element_id, placement_id=placement_id))

    def record_past(self, provider_id: str, scope: ReviewScope, *, review_date: dt.date, reviewed_by: str,
                    outcome: str, element_id: str | None = None) -> Done[str]:
        """A review done before QA Desktop was used (from the team's tracker), recorded as complete."""
        return self._ws._mutation(lambda: rv.record_past_review(
            self._ws._store, provider_id=provider_id, review_date=review_date, scope=scope, reviewed_by=reviewed_by,
            outcome=outcome, today=self._ws.clock.today(), element_id=element_id))

    def sheet(self, review_id: str) -> ReviewSheet:
        with self._ws._read() as session:
            return rv.review_sheet(session, review_id, self._ws.device_id)

    def record_document(self, review_id: str, item_key: str, status: DocumentStatus | None,
                        dated: dt.date | None = None, expires: dt.date | None = None, *, seen: Seen | None = None,
                        screen: bool = False) -> Done[DocumentCheck]:
        return self._ws._mutation(lambda: rv.record_document(self._ws._store, review_id, item_key, status, dated,
                                                             expires, seen=seen, busy_ms=self._busy(screen)))

    def record_text(self, review_id: str, item_key: str, text: str, *, seen: Seen | None = None,
                    screen: bool = False) -> Done[None]:
        return self._ws._mutation(lambda: rv.record_text(self._ws._store, review_id, item_key, text, seen=seen,
                                                         busy_ms=self._busy(screen)))

    def set_note(self, review_id: str, item_key: str, note: str, *, seen: Seen | None = None,
                 screen: bool = False) -> Done[None]:
        return self._ws._mutation(lambda: rv.set_item_note(self._ws._store, review_id, item_key, note, seen=seen,
                                                           busy_ms=self._busy(screen)))

    def set_outcome(self, review_id: str, text: str, *, seen: Seen | None = None,
                    screen: bool = False) -> Done[None]:
        return self._ws._mutation(lambda: rv.set_outcome(self._ws._store, review_id, text, seen=seen,
                                                         busy_ms=self._busy(screen)))

    def raise_action(self, review_id: str, text: str, level: ConcernLevel, item_key: str | None = None) -> Done[str]:
        """An action raised now, due by Figure 8 for its level."""
        return self._ws._mutation(lambda: rv.raise_review_action(self._ws._store, review_id, text, level,
                                                                 self._ws.clock.now(), item_key))

    def complete(self, review_id: str) -> Done[None]:
        return self._ws._mutation(lambda: rv.complete_review(self._ws._store, review_id, self._ws.clock.now()))

    def delete(self, review_id: str) -> Done[None]:
        return self._ws._mutation(lambda: rv.delete_review(self._ws._store, review_id))

    def lines(self, *, provider_id: str | None = None, status: ReviewStatus | None = None, officer: str | None = None,
              since: dt.date | None = None, until: dt.date | None = None) -> list[ReviewLine]:
        with self._ws._read() as session:
            return rv.reviews(session, provider_id=provider_id, status=status, officer_name=officer, since=since,
                              until=until)

    def find(self, text: str) -> str:
        """A review's id from its reference (CR-YYYYMMDD-XXXXXXXX) or the start of its id."""
        with self._ws._read() as session:
            return rv.find_review_id(session, text)
