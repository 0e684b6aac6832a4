"""Ops held because their clock was too far ahead of this laptop's (``sync.merge``, ``store.hlc``).

A laptop whose clock is set two days (or ten years) fast writes ops stamped in the future. If the
other laptops adopted those clock values, every later edit everywhere would be stamped there too,
for good. So the merge keeps such ops in ``held_ops`` instead of applying them: nothing is lost,
the rest of the sync goes on, and the team is told in words (``held_summary``). A held op is
applied later in one of two ways:

- ``release_due``: this laptop's clock has caught up (the op is no longer more than ``MAX_AHEAD``
  ahead): applied like any op that arrives, and adopted by the clock as usual. The engine calls it
  at every sync.
- ``accept_held``: an officer accepts them now (the fast laptop's edits are wanted today): applied,
  *without* being adopted by the clock.

A laptop cannot tell whose clock is wrong: on a laptop whose own clock is far *behind*, every other
laptop's changes are held, and the words say to check this laptop's date and time (once it is put
right, ``release_due`` applies them at the next sync).

Both go through the merge's materialising path (``merge.apply_held``), so rows, heads and
conflicts come out exactly as if the ops had been applied on arrival, and both remove what they
apply from ``held_ops``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa_desktop.store.database import session_clock
from qa_desktop.store.hlc import adoptable_ceiling
from qa_desktop.store.models import HeldOp
from qa_desktop.store.oplog import OpRecord
from qa_desktop.sync.merge import Applied, apply_held, held_words, laptop_words


def held_summary(session: Session) -> list[str]:
    """What is held, in words, one line per laptop (device): whose, how many, how far ahead its
    clock is of this laptop's now, and when they will apply. Empty when nothing is held."""
    wall = session_clock(session).wall_ms()
    by_device: dict[str, list[HeldOp]] = defaultdict(list)
    for row in session.scalars(select(HeldOp).order_by(HeldOp.device_id, HeldOp.hlc)):
        by_device[row.device_id].append(row)
    lines = []
    for device_id, rows in by_device.items():
        newest = rows[-1]
        lines.append(held_words(len(rows), laptop_words(newest.actor.strip(), device_id), newest.hlc, wall,
                                [row.source for row in rows]))
    return lines


def held_count(session: Session) -> int:
    """How many ops are held (for a status bar)."""
    return session.scalar(select(func.count()).select_from(HeldOp)) or 0


def release_due(session: Session, now_ms: int) -> Applied:
    """Apply the held ops that are no longer beyond the bound now that this laptop's clock reads
    ``now_ms`` (it has caught up with theirs), and take them out of ``held_ops``.

    They are applied as if they had just arrived: the returned ``max_hlc`` may (and should) be
    handed to the store's clock, ``observe``, like a pulled batch's: it is within the bound.
    Runs inside the caller's transaction."""
    rows = session.scalars(select(HeldOp).where(HeldOp.hlc <= adoptable_ceiling(now_ms))).all()
    return apply_held(session, _batches(rows), adopt=True)


def accept_held(session: Session, device_id: str | None = None) -> Applied:
    """An officer accepts the held ops (of one laptop, or all): apply them now, WITHOUT letting the
    hybrid clock adopt their clock values (``max_hlc`` is ``None``: do not ``observe`` anything).

    Why that is safe. Not adopting means this laptop's next edit may carry a smaller clock value
    than an accepted op it was made over. That does not let the accepted value win over it: an
    edit is written *over* the ops its screen showed (its ``base``), and an op written over is
    never a head, so never the winner, whatever its clock says (``store.oplog``: the winner is the
    greatest ``(hlc, device_id)`` *among the heads*). So a later local edit replaces what it was
    made over on every laptop, as the officer meant. Only edits made without seeing each other are
    ordered by the clock, and those are a conflict kept for an officer anyway, whichever wins. A
    laptop's own ops stay in order because its own clock never moved. Adopting instead would
    stamp every later edit of this laptop (and, through sync, of the team) in the fast laptop's
    future: the very thing holding prevents. (So the store's clock must not pick them up from the
    log either: ``Store.write`` and the clock a store starts with read the newest op through
    ``store.hlc.newest_adoptable``, which leaves them out.)

    Runs inside the caller's transaction."""
    query = select(HeldOp)
    if device_id is not None:
        query = query.where(HeldOp.device_id == device_id)
    rows = session.scalars(query).all()
    return apply_held(session, _batches(rows), adopt=False)


def _batches(rows: Sequence[HeldOp]) -> list[tuple[str, list[OpRecord]]]:
    """Held ops grouped by the store they were received from, oldest first."""
    grouped: dict[str, list[OpRecord]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.hlc, r.device_id, r.op_id)):
        grouped[row.received_from].append(_record(row.op))
    return list(grouped.items())


def _record(op: dict[str, Any]) -> OpRecord:
    """A held op as the merge takes it (as ``OpRecord.as_dict`` wrote it)."""
    base = op.get("base")
    return OpRecord(op["op_id"], op["entity"], op["entity_id"], op["field"], op.get("value"), op["hlc"],
                    op["device_id"], op.get("actor") or "", tuple(base) if base is not None else None,
                    op.get("wall"), op.get("dseq"), op.get("chain"), op.get("vhash"))
