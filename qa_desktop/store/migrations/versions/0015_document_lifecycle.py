"""Documents that go out: the lifecycle of each report revision (draft, submitted, approved, issued),
letters and plans made from a provider's records, who each was sent to, the provider's reply; and
the reason a completed visit was reopened.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_revisions") as batch_op:
        batch_op.alter_column("visit_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(sa.Column("provider_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("corrects", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("submitted_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("issued_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("issued_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reply_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reply_received_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reply_note", sa.Text(), nullable=True))
        batch_op.create_foreign_key("fk_report_revisions_provider_id", "providers", ["provider_id"], ["id"])
        batch_op.create_index("ix_report_revisions_provider_id", ["provider_id"], unique=False)
    op.create_table(
        "report_recipients",
        sa.Column("revision_id", sa.String(length=36), sa.ForeignKey("report_revisions.id"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("report_recipients", "revision_id")
    with op.batch_alter_table("visits") as batch_op:
        batch_op.add_column(sa.Column("reopen_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visits") as batch_op:
        batch_op.drop_column("reopen_reason")
    op.drop_table("report_recipients")
    with op.batch_alter_table("report_revisions") as batch_op:
        batch_op.drop_index("ix_report_revisions_provider_id")
        batch_op.drop_constraint("fk_report_revisions_provider_id", type_="foreignkey")
        for column in ("reply_note", "reply_received_on", "reply_due_on", "issued_at", "issued_by", "approved_at",
                       "approved_by", "submitted_at", "submitted_by", "corrects", "status", "subject_id",
                       "provider_id"):
            batch_op.drop_column(column)
        batch_op.alter_column("visit_id", existing_type=sa.String(length=36), nullable=False)
