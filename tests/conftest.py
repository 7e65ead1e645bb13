"""Fixtures that read like the domain: ``app``, ``client``, ``ctx`` (an app context),
``community`` (a new community and its admin's API), ``owner`` (a member who joined it),
``other_community`` and ``scoped`` (code run inside one community, as a job would); and the
helpers ``signup``, ``invite_and_join``, ``login`` and ``Api``. Status checks and the API
world builder shared by many tests are in tests/helpers.py.

The suite runs on SQLite with eager Celery by default; set LEVY_TEST_DATABASE_URL (and
LEVY_TEST_REDIS_URL) to run it on PostgreSQL and Redis, as CI does.
"""

import os
import tempfile

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter
from app.tenancy import community_scope, unscoped

TEST_DATABASE_URL = os.environ.get("LEVY_TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("LEVY_TEST_REDIS_URL")
PASSWORD = "correct horse battery"


def _database_uri(tmpdir: str) -> str:
    if TEST_DATABASE_URL:
        url = TEST_DATABASE_URL
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{tmpdir}/test.sqlite3"


@pytest.fixture(scope="session")
def app():
    tmpdir = tempfile.mkdtemp(prefix="levy-test-")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": _database_uri(tmpdir),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SUPPRESS_SEND": True,
            "SERVER_NAME": "levy.test",
            "PASSWORD_HASH_CHEAP": True,
        }
    )
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    yield app


def _clean(app):
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            )
        else:
            for table in tables:
                db.session.execute(text(f'DELETE FROM "{table}"'))
        db.session.commit()
        db.session.remove()


@pytest.fixture(autouse=True)
def _fresh_state(app):
    limiter.reset()
    yield
    _clean(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for service-level tests."""
    with app.app_context():
        yield


class Api:
    """JSON calls with a bearer token: `api.post("/api/...", json=...)`."""

    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def _headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def __getattr__(self, method):
        def call(path, **kwargs):
            headers = {**self._headers(), **kwargs.pop("headers", {})}
            return getattr(self.client, method)(path, headers=headers, **kwargs)

        return call

    def as_(self, token):
        return Api(self.client, token)


def signup(client, slug="maple", email="admin@example.org", name="Ada Admin", community_name="Maple Court"):
    response = client.post(
        "/api/signup",
        json={
            "community_name": community_name,
            "slug": slug,
            "name": name,
            "email": email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def invite_and_join(api, slug, name, email, role="owner"):
    response = api.post(f"/api/c/{slug}/members", json={"name": name, "email": email, "role": role})
    assert response.status_code == 201, response.get_json()
    member = response.get_json()
    token = member["invite_url"].rsplit("/", 1)[-1]
    joined = api.as_(None).post(f"/api/invites/{token}/accept", json={"password": PASSWORD})
    assert joined.status_code == 200, joined.get_json()
    return member, joined.get_json()["token"]


@pytest.fixture
def community(client):
    """A community `maple` with its admin; `.api` calls as the admin."""
    data = signup(client)
    return Community(client, data)


class Community:
    def __init__(self, client, data):
        self.slug = data["community"]["slug"]
        self.id = data["community"]["id"]
        self.admin_member_id = data["member"]["id"]
        self.admin_token = data["token"]
        self.api = Api(client, self.admin_token)
        self.client = client

    def url(self, path=""):
        return f"/api/c/{self.slug}{path}"

    def page(self, path=""):
        return f"/c/{self.slug}{path}"


@pytest.fixture
def owner(community):
    """An owner member of `maple` who has joined; `.api` calls as the owner."""
    member, token = invite_and_join(community.api, community.slug, "Olga Owner", "owner@example.org")
    return Member(member["id"], token, Api(community.client, token), "owner@example.org")


class Member:
    def __init__(self, id_, token, api, email):
        self.id, self.token, self.api, self.email = id_, token, api, email


@pytest.fixture
def other_community(client):
    """A second community with its own admin, for cross-tenant tests."""
    return Community(
        client,
        signup(
            client, slug="birch", email="birch@example.org", name="Bob Birch", community_name="Birch Lane"
        ),
    )


def login(client, email, password=PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def scoped(app):
    """Run service code inside a community: `with scoped(community.id): ...`."""

    def enter(community_id):
        context = app.app_context()
        context.push()
        scope = community_scope(community_id)
        scope.__enter__()
        return _Exit(context, scope)

    return enter


class _Exit:
    def __init__(self, context, scope):
        self.context, self.scope = context, scope

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.scope.__exit__(*exc)
        db.session.remove()
        self.context.pop()


__all__ = ["PASSWORD", "Api", "invite_and_join", "login", "signup", "unscoped"]
