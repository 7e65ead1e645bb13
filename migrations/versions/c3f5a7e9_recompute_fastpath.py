"""recompute fast path: the inputs a close read, the fund's cash per closed period

Revision ID: c3f5a7e9_fastpath
Revises: b4c1e2d3_bankimport
Create Date: 2026-12-03 03:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c3f5a7e9_fastpath"
down_revision = "b4c1e2d3_bankimport"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inputs_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("fund_cash_cents", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.create_index("ix_journal_entry_reversal_of_id", ["reversal_of_id"], unique=False)


def downgrade():
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_journal_entry_reversal_of_id")
    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.drop_column("fund_cash_cents")
        batch_op.drop_column("inputs_fingerprint")
