"""The council's own settings (``council_settings``): name, service, the letters' address block,
the protective marking, the logo, and the framework's figures; one synced row for the team.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "council_settings",
        *synced_columns_v1(),
        sa.Column("council_name", sa.String(length=200), nullable=True),
        sa.Column("service_name", sa.String(length=200), nullable=True),
        sa.Column("address_block", sa.Text(), nullable=True),
        sa.Column("protective_marking", sa.String(length=60), nullable=True),
        sa.Column("logo", sa.Text(), nullable=True),
        sa.Column("framework", sa.JSON(), nullable=True),
    )
    synced_indexes_v1("council_settings")


def downgrade() -> None:
    op.drop_table("council_settings")
