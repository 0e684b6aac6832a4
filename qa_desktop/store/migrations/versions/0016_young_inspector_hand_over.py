"""Young Inspectors on the hand-over screen: how each likes to read (on the programme's roster,
``young_inspectors``, made by 0012), who a visit's form was handed to, and a form withdrawn by an
officer with the reason.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("young_inspectors") as batch_op:  # rows already there read as the defaults
        batch_op.add_column(sa.Column("tint", sa.String(length=40), nullable=False, server_default="none"))
        batch_op.add_column(sa.Column("typeface", sa.String(length=40), nullable=False, server_default="standard"))
        batch_op.add_column(sa.Column("text_size", sa.Integer(), nullable=False, server_default="100"))
        batch_op.add_column(sa.Column("line_spacing", sa.Integer(), nullable=False, server_default="100"))
    with op.batch_alter_table("visit_templates") as batch_op:
        batch_op.add_column(sa.Column("young_inspector_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_detail", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visit_templates") as batch_op:
        for column in ("withdrawn_at", "withdrawn_by", "withdrawn_detail", "withdrawn_reason", "young_inspector_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("young_inspectors") as batch_op:
        for column in ("line_spacing", "text_size", "typeface", "tint"):
            batch_op.drop_column(column)
