"""A member's sums per category read from the index alone: ix_posting_period_member
includes the amount (and the community every query filters on).

Revision ID: e6f9b2c3_covering
Revises: d5e8a1f2_derived_light
"""

from alembic import op

revision = "e6f9b2c3_covering"
down_revision = "d5e8a1f2_derived_light"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("posting") as batch:
        batch.drop_index("ix_posting_period_member")
        batch.create_index(
            "ix_posting_period_member",
            ["period_id", "member_id", "category"],
            postgresql_include=["amount_cents", "community_id"],
        )


def downgrade():
    with op.batch_alter_table("posting") as batch:
        batch.drop_index("ix_posting_period_member")
        batch.create_index("ix_posting_period_member", ["period_id", "member_id", "category"])
