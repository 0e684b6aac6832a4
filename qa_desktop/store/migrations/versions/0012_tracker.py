"""The tracker (issue 19): partnership meetings with the providers and cases discussed and the
actions arising, placement funding requests, Ofsted notifications of unregulated placements and
their updates, registration applications, the weekly planning list, intelligence by address, and
the Young Inspectors programme (roster, visits joined, incentives). New tables only.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _tracking() -> list[sa.Column]:
    return [sa.Column("extended_to", sa.DateTime(), nullable=True),
            sa.Column("extension_reason", sa.Text(), nullable=True),
            sa.Column("completed_at", sa.DateTime(), nullable=True),
            sa.Column("evidence", sa.Text(), nullable=True)]


def _fk(column: str, target: str, *, nullable: bool) -> sa.Column:
    return sa.Column(column, sa.String(length=36), sa.ForeignKey(f"{target}.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        _fk("setting_id", "settings", nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("meetings", "held_on")
    op.create_table(
        "meeting_topics",
        _fk("meeting_id", "meetings", nullable=False),
        _fk("provider_id", "providers", nullable=True),
        _fk("case_id", "qa_cases", nullable=True),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("meeting_topics", "meeting_id", "provider_id")
    op.create_table(
        "meeting_actions",
        _fk("meeting_id", "meetings", nullable=False),
        _fk("provider_id", "providers", nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("level", sa.String(length=40), nullable=True),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        *_tracking(),
        *synced_columns_v1(),
    )
    synced_indexes_v1("meeting_actions", "meeting_id", "provider_id")
    op.create_table(
        "funding_requests",
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        _fk("provider_id", "providers", nullable=True),
        sa.Column("provider_name", sa.String(length=300), nullable=True),
        sa.Column("service_type", sa.String(length=40), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.String(length=40), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("feedback_on", sa.Date(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("funding_requests", "received_on", "provider_id")
    op.create_table(
        "unregulated_notifications",
        _fk("provider_id", "providers", nullable=False),
        _fk("setting_id", "settings", nullable=True),
        _fk("placement_id", "placements", nullable=True),
        sa.Column("placement_reference", sa.String(length=60), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("ofsted_reference", sa.String(length=60), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("placement_ended_on", sa.Date(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("unregulated_notifications", "provider_id", "notified_on")
    op.create_table(
        "notification_updates",
        _fk("notification_id", "unregulated_notifications", nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *synced_columns_v1(),
    )
    synced_indexes_v1("notification_updates", "notification_id")
    op.create_table(
        "registration_applications",
        _fk("provider_id", "providers", nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("support_began_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("urn", sa.String(length=20), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("registration_applications", "provider_id", "ended_on")
    op.create_table(
        "planning_applications",
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("postcode", sa.String(length=12), nullable=True),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("applicant", sa.String(length=300), nullable=True),
        sa.Column("use_from", sa.String(length=10), nullable=False),
        sa.Column("use_to", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("qa_feedback", sa.Text(), nullable=True),
        sa.Column("feedback_sent_on", sa.Date(), nullable=True),
        _fk("provider_id", "providers", nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("planning_applications", "reference", "postcode", "listed_on", "provider_id")
    op.create_table(
        "address_intelligence",
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("postcode", sa.String(length=12), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _fk("provider_id", "providers", nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_on", sa.Date(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("address_intelligence", "postcode", "received_on", "provider_id")
    op.create_table(
        "young_inspectors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("trained_on", sa.Date(), nullable=True),
        sa.Column("dbs_checked_on", sa.Date(), nullable=True),
        sa.Column("opted_out_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("young_inspectors")
    op.create_table(
        "young_inspector_visits",
        _fk("young_inspector_id", "young_inspectors", nullable=False),
        _fk("visit_id", "visits", nullable=False),
        sa.Column("briefed_on", sa.Date(), nullable=True),
        sa.Column("debriefed_on", sa.Date(), nullable=True),
        sa.Column("debrief_by", sa.String(length=40), nullable=True),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("young_inspector_visits", "young_inspector_id", "visit_id")
    op.create_table(
        "young_inspector_incentives",
        _fk("young_inspector_id", "young_inspectors", nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("value_pence", sa.Integer(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("young_inspector_incentives", "young_inspector_id")


def downgrade() -> None:
    for table in ("young_inspector_incentives", "young_inspector_visits", "young_inspectors", "address_intelligence",
                  "planning_applications", "registration_applications", "notification_updates",
                  "unregulated_notifications", "funding_requests", "meeting_actions", "meeting_topics", "meetings"):
        op.drop_table(table)
