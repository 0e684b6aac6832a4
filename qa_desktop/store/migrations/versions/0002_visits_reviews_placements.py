"""Visits, compliance reviews and placement starts: what the due rules (Figures 1 and 2) count.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("setting_id", sa.String(length=36), sa.ForeignKey("settings.id"), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("officers", sa.JSON(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("visits", "setting_id", "visit_date")
    op.create_table(
        "compliance_reviews",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("minimum_only", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("compliance_reviews", "provider_id", "review_date")
    op.create_table(
        "placements",
        sa.Column("setting_id", sa.String(length=36), sa.ForeignKey("settings.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("placements", "setting_id")


def downgrade() -> None:
    for table in ("placements", "compliance_reviews", "visits"):
        op.drop_table(table)
