"""Placements: a child placed at a setting, planned or in an emergency (Section 11).

Only the child's case reference from the council's case system is kept, never a name: it is enough
to find the child there, and keeps children's personal data off the laptop.

What a placement makes due (``schedule``): "For any commissioned service a compliance review is
required prior to a child or young person accessing that service" and likewise a QA visit "prior to
a child or young person being placed". A *planned* placement therefore needs both before it starts;
an *emergency* one ("insufficient time ... prior to the child or young person needing to move") may
start with the minimum urgent review of Section 11, and the full review and the visit follow
"within 24-48 hours of the placement commencing".
"""

from __future__ import annotations

import datetime as dt
import enum
import re


class PlacementKind(enum.StrEnum):
    PLANNED = "planned"
    EMERGENCY = "emergency"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PlacementError(ValueError):
    """A placement the framework (or the rule of no names) does not allow, in one sentence."""


#: A case reference: letters, digits and a few separators, with at least one digit (PL-2041,
#: 1234567, LAC/2026/0412). A name has no digit, so it is refused.
_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$")


def check_reference(text: str | None) -> str:
    """The child's case reference, cleaned; ``PlacementError`` unless it is one (and not a name)."""
    reference = (text or "").strip()
    if not reference:
        raise PlacementError("Case reference: give the child's case reference from the case system (e.g. PL-2041).")
    if not _REFERENCE.match(reference):
        raise PlacementError(f"Case reference: {reference!r} is not a case reference; use the case system's "
                             "reference (letters and numbers, e.g. PL-2041), never the child's name.")
    return reference


def check_dates(started_at: dt.datetime, ended_at: dt.datetime | None) -> None:
    if ended_at is not None and ended_at < started_at:
        raise PlacementError(f"End: the placement cannot end ({ended_at.astimezone():%d %b %Y %H:%M}) before it "
                             f"starts ({started_at.astimezone():%d %b %Y %H:%M}).")


def is_current(started_at: dt.datetime, ended_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the child is there now (started, not yet ended)."""
    return started_at <= now and (ended_at is None or ended_at > now)


def is_live(started_at: dt.datetime, ended_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Current or still to start: a placement the 24-48 hour rules still apply to."""
    return ended_at is None or ended_at > now
