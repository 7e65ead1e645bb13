"""Browser tests: a live Levy server in a thread and Debian's Chromium driven by Playwright.

    live_server   session: base URL ("http://127.0.0.1:<port>") of an app of its own — a fresh
                  SQLite file, or with LEVY_TEST_DATABASE_URL a PostgreSQL database
                  `<name>_e2e` created and dropped here; migrated with `flask db upgrade`'s
                  code; CSRF on (a real browser posts real forms); Celery eager.
    browser       session: Chromium from /usr/bin/chromium (Playwright never downloads one).
    page          a fresh context per test, 1280×900.
    phone_page    the same at 390×844 (a phone), touch enabled.

Every test in this folder is marked `e2e` and skipped when /usr/bin/chromium is missing
(`apt-get install chromium chromium-driver`). A page fails its test when the console shows a
Content-Security-Policy violation; other console errors are kept in `page.console_errors`.

These fixtures deliberately override pytest-playwright's `browser` and `page` of the same
names (a conftest fixture beats a plugin's); scripts/test also runs pytest with
`-p no:playwright`, so that plugin's hooks (browser parametrisation, artifact folders) stay
out whether or not it is installed.
"""

import os
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).resolve().parent
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def _chromium_missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing: browser tests skipped (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return None


def pytest_collection_modifyitems(config, items):
    missing = _chromium_missing()
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue  # this hook sees the whole session's items
        item.add_marker(pytest.mark.e2e)
        if missing:
            item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture(autouse=True)
def _fresh_state():
    """Overrides tests/conftest.py's truncation: e2e tests never touch the integration
    database (and must not create the session `app` just to clean it)."""
    yield


# --- the server --------------------------------------------------------------------------


def _postgres_database(url: str, suffix: str):
    """Create `<name><suffix>` next to the test database; returns (url, drop)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    driver_url = urlunsplit(parts._replace(path="/" + name))
    driver_url = "postgresql+psycopg://" + driver_url.split("://", 1)[1]
    return driver_url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _keep_celery_state():
    """create_app() makes its Celery the current and default app; the live server's must not
    replace the one the integration tests use. Returns a function that puts it back."""
    from celery import _state

    default, current = _state.default_app, getattr(_state._tls, "current_app", None)

    def restore():
        _state.default_app = default
        _state._tls.current_app = current

    return restore


@pytest.fixture(scope="session")
def live_server():
    from contextlib import ExitStack

    with ExitStack() as cleanup:
        tmpdir = tempfile.mkdtemp(prefix="levy-e2e-")
        cleanup.callback(shutil.rmtree, tmpdir, ignore_errors=True)
        test_database_url = os.environ.get("LEVY_TEST_DATABASE_URL")
        if test_database_url and test_database_url.startswith("postgres"):
            database_uri, drop = _postgres_database(test_database_url, "_e2e")
            cleanup.callback(drop)
        else:
            database_uri = f"sqlite:///{tmpdir}/e2e.sqlite3"
        yield _serve(_live_app(database_uri), cleanup)


def _live_app(database_uri: str):
    from flask_migrate import upgrade

    from app import create_app

    restore_celery = _keep_celery_state()
    try:
        flask_app = create_app(
            {
                "SECRET_KEY": "e2e-not-secret",
                "SQLALCHEMY_DATABASE_URI": database_uri,
                "WTF_CSRF_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "MAIL_SUPPRESS_SEND": True,
                "BASE_URL": None,
                "REDIS_URL": None,
                "CELERY": {
                    "task_always_eager": True,
                    "task_eager_propagates": True,
                    "task_ignore_result": True,
                    "broker_url": "memory://",
                    "result_backend": "cache+memory://",
                },
            }
        )
    finally:
        restore_celery()
    with flask_app.app_context():
        upgrade()  # the schema from the migrations, as `flask db upgrade` builds it
    return flask_app


def _serve(flask_app, cleanup) -> str:
    """Serve on a free port of 127.0.0.1 in a thread; `cleanup` stops it and closes the pool."""
    from werkzeug.serving import make_server

    from app.extensions import db

    live_celery = flask_app.extensions["celery"]

    def wsgi(environ, start_response):
        # Request threads have no Celery of their own: use the live app's, not the default.
        live_celery.set_current()
        return flask_app(environ, start_response)

    def dispose():
        with flask_app.app_context():
            db.session.remove()
            db.engine.dispose()  # before the database is dropped

    cleanup.callback(dispose)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="levy-live-server", daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        thread.join(10)
        server.server_close()

    cleanup.callback(stop)
    return f"http://127.0.0.1:{server.server_port}"


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


def _is_favicon_404(message) -> bool:
    return message.text.startswith("Failed to load resource") and (message.location or {}).get(
        "url", ""
    ).endswith("/favicon.ico")


def _open_page(browser, viewport, **context_args):
    context = browser.new_context(viewport=viewport, **context_args)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.csp_violations = []

    def on_console(message):
        if _is_favicon_404(message):
            return  # browsers ask for /favicon.ico on their own; the layout declares none
        if message.type == "error" or _is_csp_violation(message.text):
            page.console_errors.append(message.text)
            if _is_csp_violation(message.text):
                page.csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    return context, page


def _close_page(context, page):
    context.close()
    if page.csp_violations:
        pytest.fail(
            "Content-Security-Policy violations in the console:\n" + "\n".join(page.csp_violations),
            pytrace=False,
        )


@pytest.fixture
def page(browser):
    context, page = _open_page(browser, DESKTOP)
    yield page
    _close_page(context, page)


@pytest.fixture
def phone_page(browser):
    context, page = _open_page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
    yield page
    _close_page(context, page)
