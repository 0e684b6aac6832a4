"""Visits, compliance reviews and placement starts: what the due rules (Figures 1 and 2) count.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def synced_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table) as batch_op:
        for column in ("deleted", *columns):
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)


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
        *synced_columns(),
    )
    indexes("visits", "setting_id", "visit_date")
    op.create_table(
        "compliance_reviews",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("minimum_only", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        *synced_columns(),
    )
    indexes("compliance_reviews", "provider_id", "review_date")
    op.create_table(
        "placements",
        sa.Column("setting_id", sa.String(length=36), sa.ForeignKey("settings.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        *synced_columns(),
    )
    indexes("placements", "setting_id")


def downgrade() -> None:
    for table in ("placements", "compliance_reviews", "visits"):
        op.drop_table(table)
