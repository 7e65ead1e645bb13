"""Schemathesis against /api/openapi.json (SPEC §5: every status an endpoint can answer is
documented, and the answers conform): no 5xx, every status and error body as documented.

Bounded for CI: a fixed, derandomized number of examples per operation, no deadline. Each
operation runs against a fresh community with a period, a property, members and a row of
every record kind, and the community's path parameters point at them so paths resolve.
"""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
import pytest
from security_world import build_world

from app import create_app

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


def _document() -> dict:
    """The document as the app serves it (it depends on the routes and forms, not on data)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SERVER_NAME": "levy.test",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    return app.test_client().get("/api/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def fuzz_world(community, app, monkeypatch):
    monkeypatch.setitem(app.config, "CREDENTIAL_FAILURE_LIMIT", "100000 per minute")
    return community, build_world(community)


def _resolve(case, world):
    """Aim the generated path at the world: its community, and its rows for the ids."""
    path = case.operation.path
    params = dict(case.path_parameters or {})
    for name in list(params):
        if name == "community_slug":
            params[name] = world["slug"]
        elif name.endswith("_id"):
            segment = path.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1]
            if segment in world:
                params[name] = world[segment]
    case.path_parameters = params


@schema.parametrize()
@settings(
    max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_api_conforms_to_its_openapi_document(case, fuzz_world, app):
    community, world = fuzz_world
    _resolve(case, world)
    case.call_and_validate(
        app=app, headers={"Authorization": f"Bearer {community.admin_token}"}, checks=CHECKS
    )
