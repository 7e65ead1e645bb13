"""bank imports: statement files and their lines

Revision ID: b4c1e2d3_bankimport
Revises: b4e1a7c2_i18n
Create Date: 2026-12-02 18:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b4c1e2d3_bankimport"
down_revision = "b4e1a7c2_i18n"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "bank_import",
        sa.Column("id", ID, nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("created_by_user_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("job_id", ID, nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("community_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_bank_import_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["user.id"], name=op.f("fk_bank_import_created_by_user_id_user")
        ),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_bank_import_job_id_job")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_import")),
    )
    op.create_index(op.f("ix_bank_import_community_id"), "bank_import", ["community_id"])
    op.create_table(
        "bank_import_line",
        sa.Column("id", ID, nullable=False),
        sa.Column("import_id", ID, nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("counterparty_key", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("member_id", ID, nullable=True),
        sa.Column("payment_type", sa.String(length=80), nullable=True),
        sa.Column("period_id", ID, nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("contribution_id", ID, nullable=True),
        sa.Column("expense_id", ID, nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("community_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"], ["community.id"], name=op.f("fk_bank_import_line_community_id_community")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["bank_import.id"], name=op.f("fk_bank_import_line_import_id_bank_import")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_bank_import_line_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["period.id"], name=op.f("fk_bank_import_line_period_id_period")
        ),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contribution.id"],
            name=op.f("fk_bank_import_line_contribution_id_contribution"),
        ),
        sa.ForeignKeyConstraint(
            ["expense_id"], ["expense.id"], name=op.f("fk_bank_import_line_expense_id_expense")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_import_line")),
    )
    op.create_index(op.f("ix_bank_import_line_community_id"), "bank_import_line", ["community_id"])
    op.create_index(op.f("ix_bank_import_line_import_id"), "bank_import_line", ["import_id"])
    op.create_index("ix_bank_import_line_fingerprint", "bank_import_line", ["community_id", "fingerprint"])
    op.create_index(
        "ix_bank_import_line_counterparty", "bank_import_line", ["community_id", "counterparty_key"]
    )


def downgrade():
    op.drop_table("bank_import_line")
    op.drop_table("bank_import")
