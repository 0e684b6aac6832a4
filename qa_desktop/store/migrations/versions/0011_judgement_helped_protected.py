"""Ofsted's sub-judgement "How well children and young people are helped and protected", kept from
the provider-level file (issue 21) beside the overall judgement.

Plain ``ADD COLUMN``: existing providers have none until the next import of Ofsted's file.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("providers", sa.Column("judgement_helped_protected", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch_op:
        batch_op.drop_column("judgement_helped_protected")
