"""The team's caseload (issue 16): compliance reviews filled in item by item with their actions,
placements planned or in an emergency, bespoke package elements, "monitored by us" and the tier
override on providers, Figure 4 as data on commissioners, contacts by role, planned visits' times,
and quality concerns on cases.

Every column added to an existing synced table is nullable: a row made on a laptop not yet
updated has no op for it, and must still be made when it syncs here (``sync.merge``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _tracking() -> list[sa.Column]:
    return [sa.Column("extended_to", sa.DateTime(), nullable=True),
            sa.Column("extension_reason", sa.Text(), nullable=True),
            sa.Column("completed_at", sa.DateTime(), nullable=True),
            sa.Column("evidence", sa.Text(), nullable=True)]


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch_op:
        batch_op.add_column(sa.Column("monitored", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("monitored_by", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("monitored_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("monitored_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("tier_override", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("tier_override_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_providers_monitored", ["monitored"], unique=False)
    with op.batch_alter_table("commissioners") as batch_op:
        batch_op.add_column(sa.Column("service_types", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("contract_routes", sa.JSON(), nullable=True))
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("setting_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("organisation", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key("fk_contacts_setting_id_settings", "settings", ["setting_id"], ["id"])
    with op.batch_alter_table("visits") as batch_op:
        batch_op.add_column(sa.Column("planned_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), nullable=True))
    with op.batch_alter_table("qa_cases") as batch_op:
        batch_op.add_column(sa.Column("quality_concern", sa.Boolean(), nullable=True))
    op.create_table(
        "package_elements",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("service_type", sa.String(length=40), nullable=False),
        sa.Column("setting_id", sa.String(length=36), sa.ForeignKey("settings.id"), nullable=True),
        sa.Column("delivered_by", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("package_elements", "provider_id")
    with op.batch_alter_table("placements") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("element_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key("fk_placements_element_id_package_elements", "package_elements",
                                    ["element_id"], ["id"])
    with op.batch_alter_table("compliance_reviews") as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("template_key", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("snapshot_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("element_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("placement_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("completed_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key("fk_compliance_reviews_snapshot_id_template_snapshots", "template_snapshots",
                                    ["snapshot_id"], ["id"])
        batch_op.create_foreign_key("fk_compliance_reviews_element_id_package_elements", "package_elements",
                                    ["element_id"], ["id"])
        batch_op.create_foreign_key("fk_compliance_reviews_placement_id_placements", "placements",
                                    ["placement_id"], ["id"])
        batch_op.create_index("ix_compliance_reviews_element_id", ["element_id"], unique=False)
    op.create_table(
        "review_items",
        sa.Column("review_id", sa.String(length=36), sa.ForeignKey("compliance_reviews.id"), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("review_items", "review_id", "expires")
    op.create_table(
        "review_actions",
        sa.Column("review_id", sa.String(length=36), sa.ForeignKey("compliance_reviews.id"), nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        *_tracking(),
        *synced_columns_v1(),
    )
    synced_indexes_v1("review_actions", "review_id")


def downgrade() -> None:
    op.drop_table("review_actions")
    op.drop_table("review_items")
    with op.batch_alter_table("compliance_reviews") as batch_op:
        batch_op.drop_index("ix_compliance_reviews_element_id")
        for name in ("fk_compliance_reviews_placement_id_placements",
                     "fk_compliance_reviews_element_id_package_elements",
                     "fk_compliance_reviews_snapshot_id_template_snapshots"):
            batch_op.drop_constraint(name, type_="foreignkey")
        for name in ("completed_at", "placement_id", "element_id", "snapshot_id", "template_key", "status"):
            batch_op.drop_column(name)
    with op.batch_alter_table("placements") as batch_op:
        batch_op.drop_constraint("fk_placements_element_id_package_elements", type_="foreignkey")
        batch_op.drop_column("element_id")
        batch_op.drop_column("kind")
    op.drop_table("package_elements")
    with op.batch_alter_table("qa_cases") as batch_op:
        batch_op.drop_column("quality_concern")
    with op.batch_alter_table("visits") as batch_op:
        batch_op.drop_column("duration_minutes")
        batch_op.drop_column("planned_at")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_constraint("fk_contacts_setting_id_settings", type_="foreignkey")
        for name in ("organisation", "setting_id", "kind"):
            batch_op.drop_column(name)
    with op.batch_alter_table("commissioners") as batch_op:
        batch_op.drop_column("contract_routes")
        batch_op.drop_column("service_types")
    with op.batch_alter_table("providers") as batch_op:
        batch_op.drop_index("ix_providers_monitored")
        for name in ("merged_into", "tier_override_reason", "tier_override", "monitored_on", "monitored_reason",
                     "monitored_by", "monitored"):
            batch_op.drop_column(name)
