"""Purged records: what retention leaves of a record (content blank, marked deleted), and the
redaction of their earlier values from the op log and of photos only they used.

Kept in the store layer because sync runs it too: a purge made on one laptop arrives as ordinary
ops (blanks and a tombstone), and each laptop that receives them redacts its own copy of the old
values (``services.retention`` says why the deletion is done this way).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, String, Text, bindparam, delete, insert, null, select, update
from sqlalchemy.orm import Session

from qa_desktop.store.database import Store
from qa_desktop.store.models import (
    SYNCED_MODELS,
    ActionPlan,
    Answer,
    ComplianceReview,
    Embargo,
    Op,
    Placement,
    PlanAction,
    QaCase,
    RecordKeyRow,
    RegulatoryAlert,
    ReportRecipient,
    ReportRevision,
    ReviewAction,
    ReviewItem,
    ShreddedUnit,
    SyncedColumns,
    Visit,
    VisitAction,
    VisitTemplate,
    table_of,
)
from qa_desktop.store.models import TRACKER_MODELS as TRACKER_PURGEABLE
from qa_desktop.store.oplog import CHUNK, OpRecord


def blank_fields(model: type[SyncedColumns]) -> dict[str, object]:
    """What a purged row keeps of each content field: nothing (keys, dates, kinds and flags stay)."""
    blanks: dict[str, object] = {}
    for column in table_of(model).columns:
        if (column.primary_key or column.foreign_keys or column.name in SyncedColumns.BOOKKEEPING
                or column.name == "deleted"):
            continue
        if column.nullable:
            blanks[column.name] = None
        elif isinstance(column.type, (String, Text)):
            blanks[column.name] = ""
        elif isinstance(column.type, JSON):
            blanks[column.name] = []
    return blanks


_CONTENT: dict[str, frozenset[str]] = {}


def content_fields(entity: str) -> frozenset[str]:
    """The fields of a record's table whose values retention removes (``blank_fields``); none for a
    table retention never deletes."""
    found = _CONTENT.get(entity)
    if found is None:
        model = models_by_table().get(entity)
        found = _CONTENT[entity] = frozenset(blank_fields(model)) if model is not None and entity in RECORD_OF \
            else frozenset()
    return found


def _is_purged(row: SyncedColumns) -> bool:
    """Deleted with every content field blank: what retention leaves (and only retention)."""
    blanks = blank_fields(type(row))
    return row.deleted and bool(blanks) and all(getattr(row, name) in (None, "", []) for name in blanks)


@dataclass(frozen=True)
class Purged:
    """What one redaction removed on this laptop."""

    ops: int = 0       # earlier values redacted in the op log
    photos: int = 0    # photos only purged records used
    reports: int = 0   # report files of purged visits


def redact_purged(store: Store) -> Purged:
    """Redact, on this laptop, every record deleted under retention (here, or elsewhere: told by
    sync), once: its content fields' values removed from the op log (the fact of each change kept),
    its rows blank and marked deleted, the photos only it used and its report files deleted.

    Which records: those in ``shredded_units`` not yet redacted here (retention marks them; a sync
    marks the ones the shared store says were deleted), and records that arrived deleted and blank
    from a laptop that never marked them (a version from before, or a bundle), which are marked
    now. Run after retention and after each sync that received anything."""
    with store.transaction() as session:
        _mark_blank_records(session, store.clock.now())
        units = list(session.scalars(select(ShreddedUnit.unit).where(ShreddedUnit.redacted.is_(False))))
    if not units:
        return Purged()
    redacted = 0
    photos: set[str] = set()
    visits: list[str] = []
    with store.transaction() as session:
        for model, ids in _rows_of_units(session, units).items():
            name = model.__tablename__
            content = sorted(blank_fields(model))
            if model is Visit:
                visits.extend(ids)
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start:start + CHUNK]
                ops = session.execute(select(Op.op_id, Op.field, Op.value).where(
                    Op.entity == name, Op.entity_id.in_(chunk), Op.field.in_(content), Op.redacted.is_(False))).all()
                for op_id, field_name, value in ops:
                    if value in (None, "", []):
                        continue  # a blank (retention's own, or never answered): nothing to remove
                    if field_name == "evidence" and isinstance(value, list):
                        photos |= {e["blob"] for e in value if isinstance(e, dict) and isinstance(e.get("blob"), str)}
                    session.execute(update(Op).where(Op.op_id == bindparam("id")).values(value=null(), redacted=True),
                                    {"id": op_id})
                    redacted += 1
                table = table_of(model)
                session.execute(update(table).where(table.c.id.in_(chunk)).values(**blank_fields(model), deleted=True))
        session.execute(update(ShreddedUnit).where(ShreddedUnit.unit.in_(units)).values(redacted=True))
        # As stored (JSON, from any laptop's ops): checked here, not taken to be the model's shape.
        live_evidence: Iterable[Sequence[object] | None] = session.scalars(
            select(Answer.evidence).where(Answer.deleted.is_(False)))
        still_used = {e["blob"] for evidence in live_evidence for e in evidence or [] if isinstance(e, dict)}
    deleted = 0
    for digest in photos - still_used:
        path = store.blobs.path(digest)
        if path.exists():
            path.unlink()
            deleted += 1
    reports = sum(store.reports.delete_owner(unit) for unit in set(visits) | set(units))
    return Purged(redacted, deleted, reports)


def _mark_blank_records(session: Session, now: dt.datetime) -> None:
    """Records that arrived deleted and blank (retention's mark) without being marked shredded."""
    known = shredded_units(session)
    found: set[str] = set()
    for model in PURGEABLE:
        if RECORD_OF[model.__tablename__] is not None:
            continue  # a record's parts go with it
        found |= {row.id for row in session.scalars(select(model).where(model.deleted.is_(True)))
                  if row.id not in known and _is_purged(row)}
    if found:
        mark_shredded(session, found, now)


def _rows_of_units(session: Session, units: list[str]) -> dict[type[SyncedColumns], list[str]]:
    """Every row of these records, made here or still waiting for the rest of its changes (named
    only by the ops that say which record it belongs to), by model."""
    tables = models_by_table()
    found: dict[type[SyncedColumns], set[str]] = defaultdict(set)
    wanted = set(units)
    for name, parent in RECORD_OF.items():
        model = tables[name]
        table = table_of(model)
        for start in range(0, len(units), CHUNK):
            chunk = units[start:start + CHUNK]
            found[model].update(session.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
            if parent is not None:
                found[model].update(session.scalars(select(table.c.id).where(table.c[parent].in_(chunk))))
        if parent is not None:  # rows not made here yet: the op that names their record
            for entity_id, value in session.execute(select(Op.entity_id, Op.value).where(
                    Op.entity == name, Op.field == parent)):
                if value in wanted:
                    found[model].add(entity_id)
            found[model].update(session.scalars(select(Op.entity_id).where(
                Op.entity == name, Op.entity_id.in_(units)).distinct()))
    return {model: sorted(ids) for model, ids in found.items() if ids}


def shredded_units(session: Session, units: Iterable[str] | None = None) -> set[str]:
    """The records deleted under retention that this laptop knows of (of ``units``, or all)."""
    if units is None:
        return set(session.scalars(select(ShreddedUnit.unit)))
    listed = sorted(set(units))
    found: set[str] = set()
    for start in range(0, len(listed), CHUNK):
        chunk = listed[start:start + CHUNK]
        found.update(session.scalars(select(ShreddedUnit.unit).where(ShreddedUnit.unit.in_(chunk))))
    return found


def mark_shredded(session: Session, units: Iterable[str], now: dt.datetime) -> set[str]:
    """Record that these records were deleted under retention (here or elsewhere) and destroy this
    laptop's keys of them (``sync.records``); returns the ones new to this laptop. Their values are
    redacted by ``redact_purged``, and any change to them that arrives later is taken as blank."""
    units = set(units)
    new = units - shredded_units(session, units)
    if new:
        session.execute(insert(ShreddedUnit.__table__), [{"unit": u, "shredded_at": now, "redacted": False}
                                                         for u in sorted(new)])
    listed = sorted(units)
    for start in range(0, len(listed), CHUNK):
        session.execute(delete(RecordKeyRow.__table__).where(RecordKeyRow.unit.in_(listed[start:start + CHUNK])))
    return new


def units_of(session: Session, ops: Iterable[OpRecord]) -> dict[str, str | None]:
    """Each op's record (``None``: sealed under the team key alone)."""
    found: dict[str, str | None] = {}
    wanted: dict[str, set[str]] = defaultdict(set)  # entity -> row ids whose record comes from a parent column
    ops = list(ops)
    for op in ops:
        if op.entity not in RECORD_OF:
            found[op.op_id] = None
        elif RECORD_OF[op.entity] is None:
            found[op.op_id] = op.entity_id
        else:
            wanted[op.entity].add(op.entity_id)
    parents: dict[tuple[str, str], str] = {}
    tables = models_by_table()
    for entity, ids in wanted.items():
        column = str(RECORD_OF[entity])
        table = table_of(tables[entity])
        listed = sorted(ids)
        for start in range(0, len(listed), CHUNK):
            chunk = listed[start:start + CHUNK]
            for row_id, parent in session.execute(select(table.c.id, table.c[column]).where(table.c.id.in_(chunk))):
                if parent:
                    parents[(entity, row_id)] = parent
            missing = [i for i in chunk if (entity, i) not in parents]
            if missing:  # the row is not made yet here: its record from the op that named it
                for row_id, value in session.execute(select(Op.entity_id, Op.value).where(
                        Op.entity == entity, Op.entity_id.in_(missing), Op.field == column)):
                    if isinstance(value, str) and value:
                        parents[(entity, row_id)] = value
    for op in ops:
        if op.op_id not in found:
            value_in_batch = op.value if op.field == RECORD_OF.get(op.entity) and isinstance(op.value, str) else None
            found[op.op_id] = parents.get((op.entity, op.entity_id)) or value_in_batch or op.entity_id
    return found


def units_of_rows(model: type[SyncedColumns], rows: Iterable[SyncedColumns]) -> set[str]:
    """The records these rows belong to (``RECORD_OF``)."""
    parent = RECORD_OF.get(model.__tablename__)
    return {row.id if parent is None else getattr(row, parent) or row.id for row in rows}


def models_by_table() -> dict[str, type[SyncedColumns]]:
    return {model.__tablename__: model for model in SYNCED_MODELS}


#: The records retention deletes (a purged visit's parts included). The framework keeps "essential
#: provider information and case information ... for up to 5 years" (Section 11), so besides the
#: visits, cases, sanctions and the tracker's records:
#: - a document revision's distribution record (who a report or letter was sent to, by name and
#:   e-mail): part of the revision, deleted with it; a letter (a revision with no visit) goes with
#:   the plan or embargo it is about (``services.retention``);
#: - a compliance review of a provider's essential documents, with its items (documents seen,
#:   written answers, notes) and actions;
#: - a placement: its case reference leads to a child's record in the council's case system.
#: Not deleted: the register itself (providers, settings, contacts, package elements), which is
#: current rather than ended; provider imports and their change reports (the regulators' public
#: register, no case information); the team's and council's settings.
PURGEABLE: tuple[type[SyncedColumns], ...] = (Visit, Answer, VisitAction, ReportRevision, ReportRecipient,
                                              VisitTemplate, QaCase, ActionPlan, PlanAction, Embargo, RegulatoryAlert,
                                              ComplianceReview, ReviewItem, ReviewAction, Placement,
                                              *TRACKER_PURGEABLE)

#: The rows that belong to another's record: their table and the column naming it. A record is what
#: retention deletes whole, and what a record key seals (``sync.records``): a visit with its answers,
#: actions, checklists and reports; a plan with its actions; a meeting with its topics and actions;
#: an unregulated-placement notification with its updates; a compliance review with its items and
#: actions; a revision with its distribution record. Every other table of ``PURGEABLE`` holds records
#: of their own (a case, an embargo, an alert, a placement, a Young Inspector's visit or incentive,
#: which retention may delete one at a time). A letter's revision has no visit: it is a record of its
#: own (its id), deleted with the plan or embargo it is about.
_PART_OF: dict[str, str] = {
    "answers": "visit_id", "visit_actions": "visit_id", "report_revisions": "visit_id", "visit_templates": "visit_id",
    "plan_actions": "plan_id", "meeting_topics": "meeting_id", "meeting_actions": "meeting_id",
    "notification_updates": "notification_id", "report_recipients": "revision_id", "review_items": "review_id",
    "review_actions": "review_id",
}
#: Per table of ``PURGEABLE``, the column naming the record a row belongs to (``None``: the row is a
#: record itself).
RECORD_OF: dict[str, str | None] = {model.__tablename__: _PART_OF.get(model.__tablename__) for model in PURGEABLE}


def blank_arrivals(session: Session, ops: Iterable[OpRecord]) -> set[str]:
    """Of ops just added to the log, redact those that would put content back into a record deleted
    under retention (an edit made offline after the purge, a bundle from before it): their value is
    removed at once, the fact of the change kept. Returns their ids."""
    if session.scalar(select(ShreddedUnit.unit).limit(1)) is None:  # nearly always: none deleted
        return set()
    ops = [op for op in ops if op.entity in RECORD_OF and op.value not in (None, "", [])]
    if not ops:
        return set()
    units = units_of(session, ops)
    gone = shredded_units(session, {u for u in units.values() if u})
    tables = models_by_table()
    blanked = {op.op_id for op in ops
               if units.get(op.op_id) in gone and op.field in blank_fields(tables[op.entity])}
    for op_id in blanked:
        session.execute(update(Op).where(Op.op_id == bindparam("id")).values(value=null(), redacted=True),
                        {"id": op_id})
    return blanked
