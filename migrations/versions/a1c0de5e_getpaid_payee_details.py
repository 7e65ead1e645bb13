"""community payee details for the payment QR

Revision ID: a1c0de5e_getpaid
Revises: 5e7a1c0d_payouts
Create Date: 2026-12-02 17:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a1c0de5e_getpaid"
down_revision = "5e7a1c0d_payouts"
branch_labels = None
depends_on = None

COLUMNS = (
    ("payee_name", 200),
    ("payee_account", 64),
    ("payee_bank_name", 200),
    ("payee_bic", 16),
    ("payee_corr_account", 32),
    ("payee_tax_id", 16),
    ("payee_tax_reg", 16),
)


def upgrade():
    # Existing communities get "" (no payee yet); the default is then dropped, as the
    # application always writes the column (like payment_details).
    with op.batch_alter_table("community", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default="", nullable=False))
    with op.batch_alter_table("community", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.alter_column(
                name, existing_type=sa.String(length=length), existing_nullable=False, server_default=None
            )


def downgrade():
    with op.batch_alter_table("community", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
