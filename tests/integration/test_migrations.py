"""The schema comes only from migrations (SPEC §7): they must build what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_models_and_migrations_agree(app):
    # conftest built the test database with `flask db upgrade`; autogenerate against it must
    # find nothing to do: no table, column, type, nullability, index or constraint missing.
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        diffs = compare_metadata(context, db.metadata)

    assert diffs == []
