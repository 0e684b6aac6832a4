"""The team's caseload (issue 16): compliance reviews filled in item by item with their actions,
placements planned or in an emergency, bespoke package elements, "monitored by us" and the tier
override on providers, Figure 4 as data on commissioners, contacts by role, planned visits' times,
and quality concerns on cases.

Every column added to an existing synced table is nullable: a row made on a laptop not yet
updated has no op for it, and must still be made when it syncs here (``sync.merge``). Columns are
added in place (ALTER TABLE ADD COLUMN, a REFERENCES clause included), never by rebuilding a table:
a rebuild drops the table, which the foreign keys of other tables (the tracker's) refuse.
(The downgrade drops columns in place, those with a REFERENCES clause by rebuilding their table.)

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


def _add_reference(table: str, column: str, parent: str) -> None:
    """A nullable id column referring to ``parent``, added in place (Alembic's ``add_column`` would
    add the foreign key as a separate constraint, which SQLite cannot alter in)."""
    op.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR(36) REFERENCES {parent} (id)")


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch rebuild: rebuilding ``providers`` (or any table others refer to)
    # means dropping it, which the foreign keys of the tracker's tables refuse; SQLite adds a column
    # with a REFERENCES clause in place when it may be NULL.
    for name, column_type in (("monitored", sa.Boolean()), ("monitored_by", sa.String(length=40)),
                              ("monitored_reason", sa.Text()), ("monitored_on", sa.Date()),
                              ("tier_override", sa.String(length=40)), ("tier_override_reason", sa.Text()),
                              ("merged_into", sa.String(length=36))):
        op.add_column("providers", sa.Column(name, column_type, nullable=True))
    op.create_index("ix_providers_monitored", "providers", ["monitored"], unique=False)
    op.add_column("commissioners", sa.Column("service_types", sa.JSON(), nullable=True))
    op.add_column("commissioners", sa.Column("contract_routes", sa.JSON(), nullable=True))
    op.add_column("contacts", sa.Column("kind", sa.String(length=40), nullable=True))
    _add_reference("contacts", "setting_id", "settings")
    op.add_column("contacts", sa.Column("organisation", sa.String(length=200), nullable=True))
    op.add_column("visits", sa.Column("planned_at", sa.DateTime(), nullable=True))
    op.add_column("visits", sa.Column("duration_minutes", sa.Integer(), nullable=True))
    op.add_column("qa_cases", sa.Column("quality_concern", sa.Boolean(), nullable=True))
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
    op.add_column("placements", sa.Column("kind", sa.String(length=40), nullable=True))
    _add_reference("placements", "element_id", "package_elements")
    op.add_column("compliance_reviews", sa.Column("status", sa.String(length=40), nullable=True))
    op.add_column("compliance_reviews", sa.Column("template_key", sa.String(length=80), nullable=True))
    _add_reference("compliance_reviews", "snapshot_id", "template_snapshots")
    _add_reference("compliance_reviews", "element_id", "package_elements")
    _add_reference("compliance_reviews", "placement_id", "placements")
    op.add_column("compliance_reviews", sa.Column("completed_at", sa.DateTime(), nullable=True))
    op.create_index("ix_compliance_reviews_element_id", "compliance_reviews", ["element_id"], unique=False)
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
    op.drop_index("ix_compliance_reviews_element_id", table_name="compliance_reviews")
    # a column with a REFERENCES clause goes by rebuilding its table (SQLite will not drop it in place)
    with op.batch_alter_table("compliance_reviews") as batch_op:
        for name in ("completed_at", "placement_id", "element_id", "snapshot_id", "template_key", "status"):
            batch_op.drop_column(name)
    with op.batch_alter_table("placements") as batch_op:
        batch_op.drop_column("element_id")
        batch_op.drop_column("kind")
    op.drop_table("package_elements")
    op.drop_column("qa_cases", "quality_concern")
    op.drop_column("visits", "duration_minutes")
    op.drop_column("visits", "planned_at")
    with op.batch_alter_table("contacts") as batch_op:
        for name in ("organisation", "setting_id", "kind"):
            batch_op.drop_column(name)
    op.drop_column("commissioners", "contract_routes")
    op.drop_column("commissioners", "service_types")
    op.drop_index("ix_providers_monitored", table_name="providers")
    for name in ("merged_into", "tier_override_reason", "tier_override", "monitored_on", "monitored_reason",
                 "monitored_by", "monitored"):
        op.drop_column("providers", name)
