"""late fees: the community's late_fee_percent; service charges know a close's late fee

Revision ID: b7f4e2a9_latefee
Revises: a1c0de5e_getpaid
Create Date: 2026-12-03 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b7f4e2a9_latefee"
down_revision = "a1c0de5e_getpaid"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "late_fee_percent", sa.Numeric(precision=7, scale=4), server_default="0", nullable=False
            )
        )
    with op.batch_alter_table("service_charge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), server_default="manual", nullable=False))
        batch_op.add_column(sa.Column("late_fee_percent", sa.Numeric(precision=7, scale=4), nullable=True))
        batch_op.add_column(sa.Column("overdue_cents", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("service_charge", schema=None) as batch_op:
        batch_op.drop_column("overdue_cents")
        batch_op.drop_column("late_fee_percent")
        batch_op.drop_column("kind")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_column("late_fee_percent")
