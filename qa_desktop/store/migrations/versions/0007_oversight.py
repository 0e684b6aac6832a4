"""QA oversight (Section 12): cases, action plans and their actions, embargoes, regulatory alerts;
Figure 7 flags and "ceased operating" on providers; tracking of actions raised on visits.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _tracking() -> list[sa.Column]:
    return [sa.Column("extended_to", sa.DateTime(), nullable=True),
            sa.Column("extension_reason", sa.Text(), nullable=True),
            sa.Column("completed_at", sa.DateTime(), nullable=True),
            sa.Column("evidence", sa.Text(), nullable=True)]


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch_op:
        for name in ("ifa_performance", "ifa_safeguarding", "ifa_contract"):
            batch_op.add_column(sa.Column(name, sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("ceased_operating_on", sa.Date(), nullable=True))
    with op.batch_alter_table("visit_actions") as batch_op:
        for column in _tracking():
            batch_op.add_column(column)
    op.create_table(
        "qa_cases",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("safeguarding", sa.Boolean(), nullable=False),
        sa.Column("significant", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("qa_cases", "provider_id", "opened_on")
    op.create_table(
        "action_plans",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("social_work_informed_on", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removal_reason", sa.String(length=40), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("action_plans", "provider_id")
    op.create_table(
        "plan_actions",
        sa.Column("plan_id", sa.String(length=36), sa.ForeignKey("action_plans.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        *_tracking(),
        *synced_columns_v1(),
    )
    synced_indexes_v1("plan_actions", "plan_id")
    op.create_table(
        "embargoes",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("setting_id", sa.String(length=36), sa.ForeignKey("settings.id"), nullable=True),
        sa.Column("foster_carer", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("informal_reason", sa.String(length=40), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("social_work_informed_on", sa.Date(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("embargoes", "provider_id")
    op.create_table(
        "regulatory_alerts",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("regulator", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("regulatory_alerts", "provider_id")


def downgrade() -> None:
    for table in ("regulatory_alerts", "embargoes", "plan_actions", "action_plans", "qa_cases"):
        op.drop_table(table)
    with op.batch_alter_table("visit_actions") as batch_op:
        for name in ("evidence", "completed_at", "extension_reason", "extended_to"):
            batch_op.drop_column(name)
    with op.batch_alter_table("providers") as batch_op:
        for name in ("ceased_operating_on", "ifa_contract", "ifa_safeguarding", "ifa_performance"):
            batch_op.drop_column(name)
