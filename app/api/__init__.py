"""The JSON API (SPEC §5): thin views over the services, validated by the pages' forms."""
from flask import Flask



def register_api(app: Flask) -> None:
    from app.api import (accounts, audit, community, getting_paid, openapi, periods, records,
                         reports)
    for module in (accounts, community, periods, records, reports, getting_paid, audit, openapi):
        app.register_blueprint(module.bp)
