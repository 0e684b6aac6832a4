"""Purged records: what retention leaves of a record (content blank, marked deleted), and the
redaction of their earlier values from the op log and of photos only they used.

Kept in the store layer because sync runs it too: a purge made on one laptop arrives as ordinary
ops (blanks and a tombstone), and each laptop that receives them redacts its own copy of the old
values (``services.retention`` says why the deletion is done this way).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, String, Text, bindparam, null, select, update

from qa_desktop.store.database import Store
from qa_desktop.store.models import TRACKER_MODELS as TRACKER_PURGEABLE
from qa_desktop.store.models import (
    ActionPlan,
    Answer,
    Embargo,
    Op,
    PlanAction,
    QaCase,
    RegulatoryAlert,
    ReportRevision,
    SyncedColumns,
    Visit,
    VisitAction,
    VisitTemplate,
    table_of,
)


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
    """Redact the earlier ops of every purged record, here or received by sync, and delete the photos
    only they used and the report files of purged visits. Run after retention and after each sync
    that received changes, so a deletion on one laptop empties the others' logs and folders too."""
    redacted = 0
    photos: set[str] = set()
    visits: list[str] = []
    with store.transaction() as session:
        for model in PURGEABLE:
            purged = [row.id for row in session.scalars(select(model).where(model.deleted.is_(True)))
                      if _is_purged(row)]
            if model is Visit:
                visits = purged
            for start in range(0, len(purged), 500):
                ops = session.scalars(select(Op).where(Op.entity == model.__tablename__,
                                                       Op.entity_id.in_(purged[start:start + 500]),
                                                       Op.redacted.is_(False))).all()
                newest: dict[tuple[str, str], str] = {}
                for op in ops:  # the blanking and the tombstone are each field's newest op
                    key = (op.entity_id, op.field)
                    newest[key] = max(newest.get(key, ""), op.hlc)
                for op in ops:
                    if op.hlc >= newest[(op.entity_id, op.field)]:
                        continue
                    if op.field == "evidence" and isinstance(op.value, list):
                        photos |= {e["blob"] for e in op.value if isinstance(e, dict) and "blob" in e}
                    session.execute(update(Op).where(Op.op_id == bindparam("id"))
                                    .values(value=null(), redacted=True), {"id": op.op_id})
                    redacted += 1
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
    reports = sum(store.reports.delete_owner(visit_id) for visit_id in visits)
    return Purged(redacted, deleted, reports)


#: The records retention deletes (a purged visit's parts included).
PURGEABLE: tuple[type[SyncedColumns], ...] = (Visit, Answer, VisitAction, ReportRevision, VisitTemplate, QaCase,
                                              ActionPlan, PlanAction, Embargo, RegulatoryAlert, *TRACKER_PURGEABLE)
