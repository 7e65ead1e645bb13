"""Derived rows without per-row key checks: allocation lines carry no foreign keys; a
posting's community and period (copies of its entry's) no key and no community index.

Revision ID: d5e8a1f2_derived_light
Revises: c3f5a7e9_fastpath
"""

from alembic import op

revision = "d5e8a1f2_derived_light"
down_revision = "c3f5a7e9_fastpath"
branch_labels = None
depends_on = None

LINE_KEYS = {
    "community_id": "community",
    "item_id": "budget_item",
    "member_id": "member",
    "period_id": "period",
    "property_id": "property",
}
POSTING_KEYS = {"community_id": "community", "period_id": "period"}


def upgrade():
    with op.batch_alter_table("allocation_line") as batch:
        for column, table in LINE_KEYS.items():
            batch.drop_constraint(f"fk_allocation_line_{column}_{table}", type_="foreignkey")
        batch.drop_index("ix_allocation_line_community_id")
    with op.batch_alter_table("posting") as batch:
        for column, table in POSTING_KEYS.items():
            batch.drop_constraint(f"fk_posting_{column}_{table}", type_="foreignkey")
        batch.drop_index("ix_posting_community_id")


def downgrade():
    with op.batch_alter_table("posting") as batch:
        batch.create_index("ix_posting_community_id", ["community_id"])
        for column, table in POSTING_KEYS.items():
            batch.create_foreign_key(f"fk_posting_{column}_{table}", table, [column], ["id"])
    with op.batch_alter_table("allocation_line") as batch:
        batch.create_index("ix_allocation_line_community_id", ["community_id"])
        for column, table in LINE_KEYS.items():
            batch.create_foreign_key(f"fk_allocation_line_{column}_{table}", table, [column], ["id"])
