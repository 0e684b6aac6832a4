"""Provider register (commissioners, providers, settings, contacts), op log, local state.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Frozen: a migration describes the schema as it was, so it uses plain column types and never
imports the app's models (which will have moved on).
"""
import sqlalchemy as sa
from alembic import op

from qa_desktop.store.migration_helpers import synced_columns_v1, synced_indexes_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commissioners",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("responsibility", sa.String(length=300), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("commissioners")
    op.create_table(
        "providers",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("service_type", sa.String(length=40), nullable=False),
        sa.Column("provision_type", sa.String(length=200), nullable=True),
        sa.Column("contract_route", sa.String(length=40), nullable=True),
        sa.Column("framework_name", sa.String(length=200), nullable=True),
        sa.Column("regulator", sa.String(length=40), nullable=True),
        sa.Column("urn", sa.String(length=20), nullable=True),
        sa.Column("registration_status", sa.String(length=60), nullable=True),
        sa.Column("sector", sa.String(length=60), nullable=True),
        sa.Column("local_authority", sa.String(length=120), nullable=True),
        sa.Column("judgement", sa.String(length=40), nullable=True),
        sa.Column("judgement_date", sa.Date(), nullable=True),
        sa.Column("lead_commissioner_id", sa.String(length=36), sa.ForeignKey("commissioners.id"), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("providers", "name", "service_type", "urn")
    op.create_table(
        "settings",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("address_line1", sa.String(length=300), nullable=True),
        sa.Column("address_line2", sa.String(length=300), nullable=True),
        sa.Column("town", sa.String(length=120), nullable=True),
        sa.Column("county", sa.String(length=120), nullable=True),
        sa.Column("postcode", sa.String(length=12), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("settings", "provider_id", "town", "postcode")
    op.create_table(
        "contacts",
        sa.Column("provider_id", sa.String(length=36), sa.ForeignKey("providers.id"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        *synced_columns_v1(),
    )
    synced_indexes_v1("contacts", "provider_id")
    op.create_table(
        "ops",
        sa.Column("op_id", sa.String(length=36), primary_key=True),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("hlc", sa.String(length=22), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
    )
    op.create_index("ix_ops_entity", "ops", ["entity", "entity_id"])
    op.create_index("ix_ops_hlc", "ops", ["hlc"])
    op.create_table(
        "local_state",
        sa.Column("key", sa.String(length=60), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("local_state", "ops", "contacts", "settings", "providers", "commissioners"):
        op.drop_table(table)
