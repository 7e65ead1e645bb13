"""members without an account, removed members, property label keys

Revision ID: a7e3c1d5_members
Revises: 2263ee521b1f
Create Date: 2026-11-26 10:00:00

- ``member.email`` becomes optional (a member without an account has none).
- ``member.removed_at``: a removed member keeps their history but loses access.
- ``property.label_key``: the label ignoring case and spacing, unique per community.
  Existing labels that already collide keep working: the later ones get their id appended
  to the key, so the upgrade never fails on old data.
"""

from alembic import op
import sqlalchemy as sa


revision = "a7e3c1d5_members"
down_revision = "a7c3e9d1_accounts"
branch_labels = None
depends_on = None


def _key(label):
    return " ".join((label or "").split()).casefold()


def upgrade():
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)

    with op.batch_alter_table("property", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_key", sa.String(length=255), nullable=True))

    connection = op.get_bind()
    prop = sa.table(
        "property", sa.column("id"), sa.column("community_id"), sa.column("label"), sa.column("label_key")
    )
    seen = set()
    for id_, community_id, label in connection.execute(
        sa.select(prop.c.id, prop.c.community_id, prop.c.label).order_by(prop.c.id)
    ):
        key = _key(label)
        if (community_id, key) in seen:
            key = f"{key} #{id_}"
        seen.add((community_id, key))
        connection.execute(prop.update().where(prop.c.id == id_).values(label_key=key))

    with op.batch_alter_table("property", schema=None) as batch_op:
        batch_op.alter_column("label_key", existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_property_community_id"), ["community_id", "label_key"]
        )


def downgrade():
    with op.batch_alter_table("property", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_property_community_id"), type_="unique")
        batch_op.drop_column("label_key")

    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column("removed_at")
