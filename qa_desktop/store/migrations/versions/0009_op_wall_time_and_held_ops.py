"""Each op records the wall time of the device that made the edit (``ops.wall``, milliseconds since
the epoch), which is what the audit trail shows: the hybrid clock only orders ops. Ops that arrive
with a clock far ahead of this laptop's are held in ``held_ops`` (not applied, not adopted by the
clock) until an officer accepts them or this laptop's clock catches up.

Plain ``ADD COLUMN`` rather than a batch rebuild of ``ops``: a rebuild would drop the audit guard's
triggers (migration 0008).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ops", sa.Column("wall", sa.BigInteger(), nullable=True))
    op.create_table(
        "held_ops",
        sa.Column("op_id", sa.String(length=36), primary_key=True),
        sa.Column("received_from", sa.String(length=200), nullable=False),
        sa.Column("hlc", sa.String(length=22), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("op", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("held_ops")
    with op.batch_alter_table("ops") as batch_op:
        batch_op.drop_column("wall")
