"""The audit log is tamper-evident: each device's ops form a hash chain.

Every op a device records gets the next number in that device's chain (``dseq``: 1, 2, 3...), the
SHA-256 of its value (``vhash``) and a link (``chain``): the SHA-256 of the previous op's link and
everything the op says (its place, id, what it changed, the value's hash, clock, device, who, what
it was written over, when). The chain travels with the ops, so every laptop holds a copy of every
other laptop's chain, and checks it:

- **on sync** (``check_arriving``), each op that arrives is checked against its neighbours in its
  device's chain that this laptop already holds: one that does not link to the op before it or to
  the op after it, claims a place another op holds, does not match its own value's hash, or (from a
  device whose chain had begun before it) has no place at all, is **forged**: named in words, and
  not applied;
- **on demand** (``qa-desktop audit --verify``: ``verify``), the whole log: each chain's links and
  places, each op's value against its hash, and this laptop's own chain for gaps. An op whose value
  is gone is in order only where retention deleted its record (the caller says which); one blanked
  any other way is named as **blanked**, one whose value changed as **changed**, a gap in this
  laptop's own chain as **missing**.

Why a chain as well as the triggers (migration 0008): the triggers stop the app's own connection
from deleting or rewriting an op, but whoever can open the database can drop a trigger, insert an
op "by qa.lead", or blank one. The chain does not stop that; it makes it show, here and against
every other laptop's copy. What it cannot do: stop someone who holds this laptop's login and keys
from recording new changes in its name, as its officer could (the README says so). Values are
hashed into the chain rather than chained themselves, so retention can remove a value and the chain
still checks. Ops from before the chain (``dseq`` None) are counted as such, not as forged, unless
their device's chain had begun before them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qa_desktop.store.driver import driver_rows
from qa_desktop.store.models import Op
from qa_desktop.store.oplog import CHUNK, ROW_FIELD, OpRecord, canonical, op_record

GENESIS = "0" * 64


def value_hash(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


def link(previous: str, op: OpRecord | dict[str, Any], vhash: str, dseq: int) -> str:
    """The chain's link for an op at place ``dseq`` after the link ``previous``."""
    if isinstance(op, dict):
        get: Callable[[str], Any] = op.get
        op_id, entity, entity_id, field, hlc, device_id, actor, base, wall = (get(name) for name in (
            "op_id", "entity", "entity_id", "field", "hlc", "device_id", "actor", "base", "wall"))
    else:  # an arriving op (every op of a pull): its attributes read directly
        op_id, entity, entity_id, field, hlc, device_id, actor, base, wall = (
            op.op_id, op.entity, op.entity_id, op.field, op.hlc, op.device_id, op.actor, op.base, op.wall)
    parts = [previous, str(dseq), str(op_id), str(entity), str(entity_id), str(field), vhash, str(hlc), str(device_id),
             str(actor), canonical(list(base) if base is not None else None), str(wall)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


#: It runs at every save: plain SQL for the driver (``store.driver``: a place and a link are a number
#: and text), as the statement SQLAlchemy built from the model said it.
_LAST_LINK = "SELECT dseq, chain FROM ops WHERE device_id = ? AND dseq IS NOT NULL ORDER BY dseq DESC LIMIT 1"


def last_link(session: Session, device_id: str) -> tuple[int, str]:
    """The place and link of a device's newest chained op here (0 and ``GENESIS`` before any)."""
    rows = driver_rows(session.connection(), _LAST_LINK, (device_id,))
    return (int(rows[0][0] or 0), str(rows[0][1])) if rows else (0, GENESIS)


def stamp(session: Session, device_id: str, pending: list[dict[str, Any]]) -> None:
    """Give this device's new ops (rows about to be inserted, in order) their places and links."""
    dseq, previous = last_link(session, device_id)
    for op in pending:
        dseq += 1
        vhash = value_hash(op["value"])
        op["dseq"], op["vhash"] = dseq, vhash
        op["chain"] = previous = link(previous, op, vhash, dseq)


def canonical_of_text(text: str) -> str:
    """``canonical(json.loads(text))`` for a value's JSON text as the write path's bulk verbs make it
    (``changes.op_value_text``, ``json_text``): a number, ``true``, ``false``, ``null`` or a string
    with nothing escaped as ``\\u`` is its own canonical text, which spares an import's hundred
    thousand values a decode and an encode each."""
    if text[:1] in ("[", "{") or "\\u" in text:
        return canonical(json.loads(text))
    return text


def chained_rows(session: Session, device_id: str, actor: str, wall: int,
                 ops: Iterable[tuple[str, str, tuple[str, str, str, str, str]]]) -> list[tuple[Any, ...]]:
    """This device's new ops, given as text and in order, as rows of the op log with their places,
    links and value hashes: each op is (op id, hlc, (entity, entity id, field, the value's JSON text
    as the write path's bulk verbs make it (``changes.op_value_text``; a row op's, ``ROW_FIELD``, is
    its canonical text already), base JSON)); each row is (op id, entity, entity id, field, value,
    hlc, device, actor, base, wall, dseq, chain, vhash). The same links as ``stamp`` (a test holds
    them so), for the bulk verbs, whose values are already JSON text: without this their ops had no
    place in the chain, and a laptop that held this one's earlier changes refused them as forged.
    One pass that hashes and builds each row (an import chains 34,000 ops)."""
    dseq, previous = last_link(session, device_id)
    sha = hashlib.sha256
    wall_text = str(wall)
    # what follows the clock in the text a link is taken over (``link``): the device, who, the base, when;
    # the same for every op written over nothing
    over_nothing = f"\x1f{device_id}\x1f{actor}\x1f[]\x1f{wall_text}"
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    for op_id, hlc, (entity, entity_id, field, value, base) in ops:
        dseq += 1
        # the value's canonical text: a row op's is written so; a number, ``true``, ``false``, ``null`` or a
        # string with nothing escaped as ``\u`` is its own (``canonical_of_text``, without the call)
        text = value if field == ROW_FIELD or not (value[:1] in ("[", "{") or "\\u" in value) \
            else canonical(json.loads(value))
        vhash = sha(text.encode("utf-8")).hexdigest()
        rest = over_nothing if base == "[]" else \
            f"\x1f{device_id}\x1f{actor}\x1f{canonical(json.loads(base))}\x1f{wall_text}"
        previous = sha(f"{previous}\x1f{dseq}\x1f{op_id}\x1f{entity}\x1f{entity_id}\x1f{field}\x1f{vhash}\x1f"
                       f"{hlc}{rest}".encode()).hexdigest()
        add((op_id, entity, entity_id, field, value, hlc, device_id, actor, base, wall, dseq, previous, vhash))
    return rows


@dataclass(frozen=True)
class Finding:
    """One op that breaks its device's chain, in words."""

    op_id: str
    device_id: str
    kind: str   # "forged", "blanked", "changed", "missing"
    words: str


def describe(op: Any) -> str:
    return (f"the change {str(op.op_id)[:8]} to {op.entity} {str(op.entity_id)[:8]} (field '{op.field}', "
            f"by {op.actor or 'nobody named'}, laptop {str(op.device_id)[:8]})")


def _first_chained(session: Session, device_id: str) -> str | None:
    """The clock value of the earliest chained op of a device held here."""
    return session.scalar(select(func.min(Op.hlc)).where(Op.device_id == device_id, Op.dseq.is_not(None)))


def check_arriving(session: Session, ops: Iterable[OpRecord], *,
                   unopened: frozenset[str] = frozenset()) -> tuple[list[OpRecord], list[Finding]]:
    """The arriving ops that fit their devices' chains as this laptop holds them, and the findings
    for those that do not (forged: named, never applied). An op whose neighbours are not here yet
    is taken as it is, and checked against them when they come. ``unopened``: ops whose value this
    laptop cannot see (its record's key was destroyed): their value's hash is not checked."""
    ops = list(ops)
    by_device: dict[str, list[OpRecord]] = defaultdict(list)
    for op in ops:
        by_device[op.device_id].append(op)
    refused: dict[str, Finding] = {}
    for device_id, arriving in by_device.items():
        chained = [op for op in arriving if op.dseq is not None]
        places = sorted({p for n in (op.dseq for op in chained if op.dseq) for p in (n - 1, n, n + 1) if p > 0})
        held: dict[int, list[OpRecord]] = defaultdict(list)
        for row in _held_at(session, device_id, places):
            held[int(row.dseq)].append(op_record(row))
        batch: dict[int, OpRecord] = {}
        for op in sorted(chained, key=lambda o: o.dseq or 0):
            batch.setdefault(op.dseq or 0, op)
        # looked for only when an unchained op arrives: it reads every chained op of the device (no
        # index has its clock), once per batch, which made a long pull quadratic (issue 22)
        first = _first_chained(session, device_id) if len(chained) < len(arriving) else None
        for op in arriving:
            problem = _problem(op, held, batch, first, op.op_id in unopened)
            if problem:
                refused[op.op_id] = Finding(op.op_id, device_id, "forged", f"{describe(op)} {problem}")
    return [op for op in ops if op.op_id not in refused], list(refused.values())


def _held_at(session: Session, device_id: str, places: list[int]) -> Iterator[Any]:
    """The ops of a device held here at these places of its chain (``places`` sorted). Places with no
    gap (a pull's: each of a laptop's changes one after another, and their neighbours) are one range
    of the chain's index, read in one step: asked place by place, 500 to a statement, each was a
    look-up of its own, 300,000 of them for 100,000 changes (issue 22)."""
    table = Op.__table__
    if places and places[-1] - places[0] == len(places) - 1:
        yield from session.execute(select(table).where(table.c.device_id == device_id,
                                                       table.c.dseq.between(places[0], places[-1])))
        return
    for start in range(0, len(places), CHUNK):
        yield from session.execute(select(table).where(table.c.device_id == device_id,
                                                       table.c.dseq.in_(places[start:start + CHUNK])))


def _problem(op: OpRecord, held: dict[int, list[OpRecord]], batch: dict[int, OpRecord], first: str | None,
             unopened: bool) -> str | None:
    if op.dseq is None:
        if first is not None and op.hlc > first:
            return "claims to come from a laptop whose changes are chained, but has no place in its chain"
        return None
    if op.chain is None or op.vhash is None:
        return "has a place in its laptop's chain but no link"
    if not unopened and op.vhash != value_hash(op.value):
        return "does not hold the value its hash says"
    if any(other.op_id != op.op_id for other in held.get(op.dseq, [])) or \
            (batch.get(op.dseq) is not None and batch[op.dseq].op_id != op.op_id):
        return f"claims place {op.dseq} of its laptop's chain, which another change holds"
    before = [GENESIS] if op.dseq == 1 else \
        [o.chain for o in held.get(op.dseq - 1, [])] + ([batch[op.dseq - 1].chain] if op.dseq - 1 in batch else [])
    if before and link(str(before[0]), op, op.vhash, op.dseq) != op.chain:
        return "does not follow the change before it in its laptop's chain"
    for after in held.get(op.dseq + 1, []):
        if after.vhash is not None and link(op.chain, after, after.vhash, op.dseq + 1) != after.chain:
            return "is not the change the next one in its laptop's chain follows"
    return None


@dataclass(frozen=True)
class Verified:
    """What ``verify`` found."""

    findings: tuple[Finding, ...]
    checked: int        # ops checked
    unchained: int      # ops from before the chain
    devices: int        # laptops whose chains were checked


def verify(session: Session, own_device: str, removed_by_retention: Callable[[Op], bool]) -> Verified:
    """Check the whole log (module docstring). ``removed_by_retention(op)``: whether a redacted op's
    record was deleted under retention (its value's absence is then in order)."""
    findings: list[Finding] = []
    checked = unchained = 0
    devices = [row[0] for row in session.execute(select(Op.device_id).distinct())]
    for device_id in devices:
        first = _first_chained(session, device_id)
        previous: tuple[int, str] | None = None
        holders: dict[int, str] = {}
        rows = session.scalars(select(Op).where(Op.device_id == device_id).order_by(Op.dseq, Op.hlc))
        for op in rows:
            checked += 1
            if op.dseq is None:
                unchained += 1
                if first is not None and op.hlc > first:
                    findings.append(Finding(op.op_id, device_id, "forged", f"{describe(op)} claims to come from a "
                                            "laptop whose changes are chained, but has no place in its chain"))
                continue
            if op.dseq in holders:
                findings.append(Finding(op.op_id, device_id, "forged", f"{describe(op)} claims place {op.dseq} of "
                                        f"its laptop's chain, which the change {holders[op.dseq][:8]} holds"))
                continue
            holders[op.dseq] = op.op_id
            if op.value is None and op.vhash != value_hash(None):
                if not (op.redacted and removed_by_retention(op)):
                    findings.append(Finding(op.op_id, device_id, "blanked", f"{describe(op)} was blanked, but its "
                                            "record was not deleted under retention"))
            elif op.vhash != value_hash(op.value):
                findings.append(Finding(op.op_id, device_id, "changed",
                                        f"{describe(op)} no longer holds the value it was recorded with"))
            expected_before = GENESIS if op.dseq == 1 else (previous[1] if previous and previous[0] == op.dseq - 1
                                                            else None)
            if device_id == own_device and op.dseq > 1 and (previous is None or previous[0] != op.dseq - 1):
                gap = f"{(previous[0] if previous else 0) + 1}" + \
                    ("" if (previous[0] if previous else 0) + 1 == op.dseq - 1 else f" to {op.dseq - 1}")
                findings.append(Finding(op.op_id, device_id, "missing", f"changes {gap} of this laptop's own chain "
                                        "are missing from its log (deleted?)"))
            if expected_before is not None and link(expected_before, _record(op), str(op.vhash), op.dseq) != op.chain:
                findings.append(Finding(op.op_id, device_id, "forged",
                                        f"{describe(op)} does not follow the change before it in its laptop's chain"))
            previous = (op.dseq, str(op.chain))
    return Verified(tuple(findings), checked, unchained, len(devices))


def _record(op: Op) -> dict[str, Any]:
    return {"op_id": op.op_id, "entity": op.entity, "entity_id": op.entity_id, "field": op.field, "hlc": op.hlc,
            "device_id": op.device_id, "actor": op.actor, "base": op.base, "wall": op.wall}
