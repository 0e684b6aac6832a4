"""Report revisions: each report made of a visit, numbered, with a fingerprint of its content.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_revisions",
        sa.Column("visit_id", sa.String(length=36), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("report_revisions", "visit_id")


def downgrade() -> None:
    op.drop_table("report_revisions")
