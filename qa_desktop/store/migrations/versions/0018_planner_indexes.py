"""Indexes the query planner can use (issue 22): the one-column index on every synced table's
tombstone flag goes, and the lists of what is still open get partial indexes.

``deleted`` is false on nearly every row, so an index on it selects nothing, costs a write on every
change, and misled SQLite's planner (with no statistics it took ``ix_settings_deleted`` for a
selective index and scanned every setting once per provider: a 45-second search). Every such index
is dropped, whatever tables exist when this runs (found by name in ``sqlite_master``). Tables
created after this revision use ``synced_indexes_v2``, which makes none.

Partial indexes hold only the rows a list shows, so reading the list costs what it shows, not the
history: providers that ceased operating and open regulatory alerts (the sanctions list; an import
raises one alert per poor judgement), and visit actions not yet completed (every open action, the
dashboard).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PARTIAL = (("ix_providers_ceased", "providers", ["ceased_operating_on"], "ceased_operating_on IS NOT NULL"),
           ("ix_regulatory_alerts_open", "regulatory_alerts", ["provider_id"], "closed_on IS NULL"),
           ("ix_visit_actions_open", "visit_actions", ["visit_id"], "completed_at IS NULL"))


def upgrade() -> None:
    connection = op.get_bind()
    tombstones = connection.execute(sa.text(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix\\_%\\_deleted' ESCAPE '\\'")).scalars()
    for name in list(tombstones):
        op.execute(f'DROP INDEX IF EXISTS "{name}"')
    for name, table, columns, where in PARTIAL:
        op.create_index(name, table, columns, sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, table, _, _ in PARTIAL:
        op.drop_index(name, table_name=table)
    connection = op.get_bind()
    for (table,) in connection.execute(sa.text(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND EXISTS "
            "(SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'deleted')")):
        op.create_index(f"ix_{table}_deleted", table, ["deleted"])
