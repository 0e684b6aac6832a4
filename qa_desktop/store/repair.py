"""One-off repairs of a local database made by an earlier version, run when the store opens.

**Fields no op recorded.** Before every field of a created row was recorded as an op (issue 14), a
field a model default filled in at flush (a compliance review's ``minimum_only``, a case's
``safeguarding``) was written to the row but not to the op log. It never travelled: on every
other laptop the row waited, for good, for a required field ("6 records waiting for the rest of
their changes"). The write path records those now, but rows made before it still lack their ops.

``record_unrecorded_fields`` records, once per data folder, an op for every filled field of every
synced row that has no op for that field: written over nothing (the field's first op), with the
row's last editor as its actor and the row's creation as its wall time (the nearest the database
knows to who set it and when). Its ops sync like any edit, so the row then arrives whole on every
laptop. A blank field gets no op, as in ``Changes.create`` (a blank is no one's answer).

It is safe to run again (a field that has an op is left alone) and safe with two programs opening
the same data folder at once (it runs in one write transaction, which checks the marker first);
the marker in ``local_state`` keeps it from scanning the tables at every start.

Only this laptop's own rows can lack ops: a row made from ops that arrived by sync holds exactly
what its ops say (``store.rows.materialise``).
"""

from __future__ import annotations

from sqlalchemy import and_, exists, select

from qa_desktop.store.changes import Changes
from qa_desktop.store.models import SYNCED_MODELS, LocalState, Op, SyncedColumns, table_of
from qa_desktop.store.oplog import ROW_FIELD

#: The ``local_state`` key saying the repair has run on this data folder.
UNRECORDED_FIELDS_DONE = "repair.unrecorded_fields"


def unrecorded_field_names(model: type[SyncedColumns]) -> list[str]:
    """The fields of a synced model that carry ops (everything but the write path's bookkeeping)."""
    return [column.name for column in table_of(model).columns if column.name not in SyncedColumns.BOOKKEEPING]


def record_unrecorded_fields(changes: Changes) -> int:
    """Record an op for every filled field that has none (module docstring), once; the number of ops
    recorded (0 when it has run before). Call inside one ``Store.write()``."""
    session = changes.session
    if session.get(LocalState, UNRECORDED_FIELDS_DONE) is not None:
        return 0
    recorded = 0
    for model in SYNCED_MODELS:
        table = table_of(model)
        for name in unrecorded_field_names(model):
            logged = exists().where(and_(Op.entity == table.name, Op.entity_id == table.c.id,
                                        # a created row's one op records every field it was made with
                                        Op.field.in_((name, ROW_FIELD))))
            query = (select(table.c.id, table.c[name], table.c.changed_by, table.c.created_at)
                     .select_from(table).where(table.c[name].is_not(None), ~logged))
            for entity_id, value, actor, created_at in session.execute(query).all():
                changes.record_unrecorded(table.name, entity_id, name, value, actor=actor, wall=created_at)
                recorded += 1
    session.add(LocalState(key=UNRECORDED_FIELDS_DONE, value=str(recorded)))
    return recorded
