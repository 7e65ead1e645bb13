"""The JSON API (SPEC §5): thin views over the services, validated by the pages' forms."""

from flask import Flask


def register_api(app: Flask) -> None:
    from app.api.base import StrictJSONProvider

    app.json = StrictJSONProvider(app)
    from app.api import (
        accounts,
        audit,
        bank_imports,
        community,
        getting_paid,
        imports,
        openapi,
        periods,
        records,
        reports,
    )

    for module in (
        accounts,
        community,
        periods,
        records,
        reports,
        getting_paid,
        audit,
        imports,
        bank_imports,
        openapi,
    ):
        app.register_blueprint(module.bp)
