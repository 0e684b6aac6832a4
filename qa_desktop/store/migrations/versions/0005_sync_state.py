"""Sync: what each op was written over (its base), where a pulled op came from, open multi-head fields,
rows waiting for ops that have not arrived yet.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ops") as batch_op:
        batch_op.add_column(sa.Column("base", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("received_from", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_ops_field", ["entity", "entity_id", "field"], unique=False)
    op.create_table(
        "field_heads",
        sa.Column("entity", sa.String(length=60), primary_key=True),
        sa.Column("entity_id", sa.String(length=36), primary_key=True),
        sa.Column("field", sa.String(length=60), primary_key=True),
        sa.Column("heads", sa.JSON(), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_field_heads_conflict", "field_heads", ["conflict"])
    op.create_table(
        "pending_rows",
        sa.Column("entity", sa.String(length=60), primary_key=True),
        sa.Column("entity_id", sa.String(length=36), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("pending_rows")
    op.drop_table("field_heads")
    with op.batch_alter_table("ops") as batch_op:
        batch_op.drop_index("ix_ops_field")
        batch_op.drop_column("received_from")
        batch_op.drop_column("base")
