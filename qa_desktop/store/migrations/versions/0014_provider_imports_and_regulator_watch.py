"""Regulator watch (issue 17): every provider import kept as a dated record with what it changed
(``provider_imports``, ``provider_import_changes``); regulatory alerts raised from the regulator's
data name their source, the day the fact took effect and the alert that superseded them; settings
the team shares (``team_settings``: this council's own names as an owner). The op log's index
on (entity, entity_id) goes: ``ix_ops_field`` (entity, entity_id, field) serves the same look-ups.

Plain ``ADD COLUMN`` and ``DROP INDEX``, no batch rebuild: a rebuild of ``ops`` would drop the audit
guard's triggers (migration 0008).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("regulatory_alerts", sa.Column("source", sa.Text(), nullable=True))
    op.add_column("regulatory_alerts", sa.Column("effective_on", sa.Date(), nullable=True))
    op.add_column("regulatory_alerts", sa.Column("superseded_by", sa.String(length=36), nullable=True))
    op.create_table(
        "provider_imports",
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("layout", sa.String(length=60), nullable=False),
        sa.Column("read_as", sa.String(length=60), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False)
          for name in ("rows", "added", "updated", "unchanged", "skipped", "repeated", "alerts")),
        sa.Column("stopped", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("provider_imports", "imported_at")
    op.create_table(
        "provider_import_changes",
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("provider_import_changes", "import_id")
    op.create_table(
        "team_settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("team_settings", "key")
    op.drop_index("ix_ops_entity", table_name="ops")


def downgrade() -> None:
    op.create_index("ix_ops_entity", "ops", ["entity", "entity_id"])
    op.drop_table("team_settings")
    op.drop_table("provider_import_changes")
    op.drop_table("provider_imports")
    with op.batch_alter_table("regulatory_alerts") as batch_op:
        for name in ("superseded_by", "effective_on", "source"):
            batch_op.drop_column(name)
