"""languages: user.locale (chosen with ?lang=) and community.locale

Revision ID: b4e1a7c2_i18n
Revises: b7f4e2a9_latefee
Create Date: 2026-12-03 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b4e1a7c2_i18n"
down_revision = "b7f4e2a9_latefee"
branch_labels = None
depends_on = None


def upgrade():
    # Nobody has chosen yet: NULL means "the browser's, else the community's language".
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
    # Existing communities keep speaking English; the default is then dropped, as the
    # application always writes the column (like currency).
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), server_default="en", nullable=False))
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.alter_column(
            "locale", existing_type=sa.String(length=8), existing_nullable=False, server_default=None
        )


def downgrade():
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_column("locale")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("locale")
