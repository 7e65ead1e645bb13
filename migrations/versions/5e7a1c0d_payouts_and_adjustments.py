"""payouts and adjustments; their columns in the balance snapshot

Revision ID: 5e7a1c0d_payouts
Revises: 2263ee521b1f
Create Date: 2026-11-27 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e7a1c0d_payouts"
down_revision = "a7e3c1d5_members"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _record_table(name, text_column):
    op.create_table(
        name,
        sa.Column("id", ID, nullable=False),
        sa.Column("period_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column(text_column, sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("community_id", ID, nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f(f"fk_{name}_community_id_community")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f(f"fk_{name}_member_id_member")),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"], name=op.f(f"fk_{name}_period_id_period")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{name}_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{name}_period_id"), ["period_id"], unique=False)


def upgrade():
    _record_table("payout", "comment")
    _record_table("adjustment", "reason")
    # Snapshots written before these existed had neither: 0 is what they were.
    with op.batch_alter_table("balance_snapshot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payouts", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("adjustments", sa.BigInteger(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("balance_snapshot", schema=None) as batch_op:
        batch_op.drop_column("adjustments")
        batch_op.drop_column("payouts")
    for name in ("adjustment", "payout"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_period_id"))
            batch_op.drop_index(batch_op.f(f"ix_{name}_member_id"))
            batch_op.drop_index(batch_op.f(f"ix_{name}_community_id"))
        op.drop_table(name)
