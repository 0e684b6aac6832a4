"""The encrypted shared store and the tamper-evident audit log.

- ``record_keys``: the keys that seal the values of records retention deletes (``sync.records``),
  as this laptop holds them; ``shredded_units``: the records whose keys were destroyed (deleted
  under retention, here or elsewhere); ``key_waiting_ops``: changes received sealed under a record
  key that has not reached this laptop yet (applied when it comes).
- ``ops.dseq``, ``ops.chain``, ``ops.vhash``: each op's place in its device's hash chain, the link,
  and the hash of its value (kept when retention removes the value, so the chain still checks)
  (``store.chain``). The audit guard's trigger is made again to keep them unchangeable too.

Plain ``ADD COLUMN`` (not a batch rebuild of ``ops``, which would drop the audit guard's triggers).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ops", sa.Column("dseq", sa.Integer(), nullable=True))
    op.add_column("ops", sa.Column("chain", sa.String(length=64), nullable=True))
    op.add_column("ops", sa.Column("vhash", sa.String(length=64), nullable=True))
    op.create_index("ix_ops_chain", "ops", ["device_id", "dseq"])
    op.execute("DROP TRIGGER ops_only_redaction")
    op.execute("""
        CREATE TRIGGER ops_only_redaction BEFORE UPDATE ON ops
        WHEN NOT (NEW.op_id = OLD.op_id AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id
                  AND NEW.field = OLD.field AND NEW.hlc = OLD.hlc AND NEW.device_id = OLD.device_id
                  AND NEW.actor = OLD.actor AND NEW.value IS NULL AND NEW.redacted = 1
                  AND NEW.dseq IS OLD.dseq AND NEW.chain IS OLD.chain AND NEW.vhash IS OLD.vhash
                  AND NEW.wall IS OLD.wall AND NEW.base IS OLD.base)
        BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END
    """)
    op.create_table(
        "record_keys",
        sa.Column("key_id", sa.String(length=16), primary_key=True),
        sa.Column("unit", sa.String(length=36), nullable=False, index=True),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "shredded_units",
        sa.Column("unit", sa.String(length=36), primary_key=True),
        sa.Column("shredded_at", sa.DateTime(), nullable=False),
        sa.Column("redacted", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "key_waiting_ops",
        sa.Column("op_id", sa.String(length=36), primary_key=True),
        sa.Column("received_from", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=36), nullable=False, index=True),
        sa.Column("op", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("key_waiting_ops")
    op.drop_table("shredded_units")
    op.drop_table("record_keys")
    op.execute("DROP TRIGGER ops_only_redaction")
    op.drop_index("ix_ops_chain", table_name="ops")
    for column in ("vhash", "chain", "dseq"):
        op.drop_column("ops", column)  # SQLite 3.35+ drops a column in place (a rebuild would drop the triggers)
    op.execute("""
        CREATE TRIGGER ops_only_redaction BEFORE UPDATE ON ops
        WHEN NOT (NEW.op_id = OLD.op_id AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id
                  AND NEW.field = OLD.field AND NEW.hlc = OLD.hlc AND NEW.device_id = OLD.device_id
                  AND NEW.actor = OLD.actor AND NEW.value IS NULL AND NEW.redacted = 1)
        BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END
    """)
