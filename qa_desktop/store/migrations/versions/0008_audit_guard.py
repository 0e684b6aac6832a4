"""The op log is the audit trail: it cannot be edited. Triggers refuse any DELETE of an op and any
UPDATE except the retention policy's, which blanks a value and marks it ``redacted`` while keeping
who changed which field of what, when and where.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ops") as batch_op:
        batch_op.add_column(sa.Column("redacted", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("""
        CREATE TRIGGER ops_no_delete BEFORE DELETE ON ops
        BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END
    """)
    op.execute("""
        CREATE TRIGGER ops_only_redaction BEFORE UPDATE ON ops
        WHEN NOT (NEW.op_id = OLD.op_id AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id
                  AND NEW.field = OLD.field AND NEW.hlc = OLD.hlc AND NEW.device_id = OLD.device_id
                  AND NEW.actor = OLD.actor AND NEW.value IS NULL AND NEW.redacted = 1)
        BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END
    """)


def downgrade() -> None:
    op.execute("DROP TRIGGER ops_only_redaction")
    op.execute("DROP TRIGGER ops_no_delete")
    with op.batch_alter_table("ops") as batch_op:
        batch_op.drop_column("redacted")
