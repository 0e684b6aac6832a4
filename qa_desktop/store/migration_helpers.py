"""Helpers for Alembic revisions, frozen like the revisions themselves.

A revision describes the schema as it was when written, so nothing it calls may change later:
never edit a function here once a revision uses it; add a new one (``synced_columns_v2``) instead.
"""

import sqlalchemy as sa
from alembic import op


def synced_columns_v1() -> list[sa.Column]:
    """The bookkeeping columns of every synced table (see ``models.SyncedColumns``)."""
    return [
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def synced_indexes_v1(table: str, *columns: str) -> None:
    """Indexes ``ix_<table>_<column>`` on the tombstone flag and the given columns."""
    with op.batch_alter_table(table) as batch_op:
        for column in ("deleted", *columns):
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)


def synced_indexes_v2(table: str, *columns: str) -> None:
    """Indexes ``ix_<table>_<column>`` on the given columns. Unlike v1, none on the tombstone flag:
    it is false on nearly every row, so it selected nothing and misled the planner (revision 0013)."""
    if not columns:
        return
    with op.batch_alter_table(table) as batch_op:
        for column in columns:
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)
