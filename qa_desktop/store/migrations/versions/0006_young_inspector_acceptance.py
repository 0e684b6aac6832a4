"""Young Inspector forms: the officer who reviewed and accepted the form into the visit, and when.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visit_templates") as batch_op:
        batch_op.add_column(sa.Column("accepted_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visit_templates") as batch_op:
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("accepted_by")
