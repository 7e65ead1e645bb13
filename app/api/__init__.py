"""The JSON API (SPEC §5): thin views over the services, validated by the pages' forms."""
from flask import Flask

from app.extensions import csrf


def register_api(app: Flask) -> None:
    from app.api import accounts, community, openapi
    for module in (accounts, community, openapi):
        app.register_blueprint(module.bp)
    for module in _ledger_modules():
        app.register_blueprint(module.bp)


def _ledger_modules():
    """Areas added issue by issue; each has a ``bp``."""
    import importlib
    names = ["periods", "records", "billing", "reports", "jobs", "audit"]
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(f"app.api.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"app.api.{name}":
                raise
    return modules
