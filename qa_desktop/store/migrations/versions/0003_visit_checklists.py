"""Visit checklists: template snapshots, the templates of each visit, answers and actions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "template_snapshots",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("template_snapshots")
    op.create_table(
        "visit_templates",
        sa.Column("visit_id", sa.String(length=36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("snapshot_id", sa.String(length=36), sa.ForeignKey("template_snapshots.id"), nullable=False),
        sa.Column("template_key", sa.String(length=80), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("visit_templates", "visit_id")
    op.create_table(
        "answers",
        sa.Column("visit_id", sa.String(length=36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("template_key", sa.String(length=80), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("answers", "visit_id")
    op.create_table(
        "visit_actions",
        sa.Column("visit_id", sa.String(length=36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("template_key", sa.String(length=80), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("visit_actions", "visit_id")


def downgrade() -> None:
    for table in ("visit_actions", "answers", "visit_templates", "template_snapshots"):
        op.drop_table(table)
