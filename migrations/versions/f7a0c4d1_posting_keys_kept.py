"""A posting's member and property, and a balance snapshot's member, without per-row key
checks; members and properties are never deleted, and the database now refuses to.

A removed member keeps their history (SPEC §1: removal is a mark, ``removed_at``) and a
property has no removal at all, so the rows a posting names never go away: the foreign
keys' per-row checks (an index probe and a row lock each) guarded nothing, and cost a close
writing ~15,000 postings ~0.26 s of its ~1.6 s, its 2,000 snapshots another ~30 ms
(bench/README.md). What they guarded is now
said by the database once, for the table: a trigger refuses any DELETE of a member or a
property (TRUNCATE, which only the test suite uses, is not a DELETE). On SQLite, the
embedded default, foreign keys were never enforced (no ``PRAGMA foreign_keys``): nothing
changes there but the schema.

Revision ID: f7a0c4d1_posting_keys
Revises: e6f9b2c3_covering
"""

from alembic import op

revision = "f7a0c4d1_posting_keys"
down_revision = "e6f9b2c3_covering"
branch_labels = None
depends_on = None

POSTING_KEYS = {"member_id": "member", "property_id": "property"}
SNAPSHOT_KEYS = {"member_id": "member"}
KEPT = ("member", "property")


def upgrade():
    with op.batch_alter_table("posting") as batch:
        for column, table in POSTING_KEYS.items():
            batch.drop_constraint(f"fk_posting_{column}_{table}", type_="foreignkey")
    with op.batch_alter_table("balance_snapshot") as batch:
        for column, table in SNAPSHOT_KEYS.items():
            batch.drop_constraint(f"fk_balance_snapshot_{column}_{table}", type_="foreignkey")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION levy_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% rows are never deleted (their history stays)', TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        for table in KEPT:
            op.execute(
                f'CREATE TRIGGER "{table}_never_deleted" BEFORE DELETE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION levy_refuse_delete()"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in KEPT:
            op.execute(f'DROP TRIGGER "{table}_never_deleted" ON "{table}"')
        op.execute("DROP FUNCTION levy_refuse_delete()")
    with op.batch_alter_table("balance_snapshot") as batch:
        for column, table in SNAPSHOT_KEYS.items():
            batch.create_foreign_key(f"fk_balance_snapshot_{column}_{table}", table, [column], ["id"])
    with op.batch_alter_table("posting") as batch:
        for column, table in POSTING_KEYS.items():
            batch.create_foreign_key(f"fk_posting_{column}_{table}", table, [column], ["id"])
