"""The QA team list (``team_members``): the officers' names the visit forms pick from, synced so
every laptop offers the same names (issue 21: officer 2 picked from the team, not typed).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_members",
        *synced_columns_v1(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
    )
    synced_indexes_v1("team_members")


def downgrade() -> None:
    op.drop_table("team_members")
