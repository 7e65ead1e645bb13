"""The pool pings a connection only after it sat idle (app/db_pool.py, issue 13).

A ping on every checkout was one more round trip on every request; without any ping, a
connection the server dropped while it sat in the pool (a restart, a failover, an idle
timeout) fails the next request that takes it.
"""

import pytest
from conftest import TEST_DATABASE_URL, _database_uri
from sqlalchemy import create_engine, exc, text

from app.db_pool import _IDLE_SINCE, ping_after_idle

ON_POSTGRESQL = (TEST_DATABASE_URL or "").startswith("postgresql")


@pytest.fixture
def engine(tmp_path):
    """One connection in the pool, so every checkout takes the same one."""
    engine = create_engine(_database_uri(str(tmp_path)), pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine, monkeypatch):
    seen = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: seen.append(conn) or real(conn))
    return seen


def _idle_for(engine, seconds: float) -> None:
    """Make the pooled connection look idle for ``seconds`` (instead of sleeping)."""
    record = engine.pool._pool.queue[0]
    record.info[_IDLE_SINCE] -= seconds


def test_a_connection_back_a_moment_ago_is_not_pinged(engine, pings):
    ping_after_idle(engine, 10)
    for _ in range(5):
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1

    assert pings == []


def test_a_connection_idle_longer_than_the_limit_is_pinged_once(engine, pings):
    ping_after_idle(engine, 10)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    _idle_for(engine, 11)

    with engine.connect() as conn:
        assert conn.execute(text("SELECT 2")).scalar_one() == 2
    with engine.connect() as conn:
        conn.execute(text("SELECT 3"))

    assert len(pings) == 1


def _server_drops(engine) -> None:
    """The server ends the pooled connection's backend, as a restart would."""
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    killer = create_engine(engine.url, poolclass=None)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL (LEVY_TEST_DATABASE_URL) to end a backend")
def test_without_the_ping_a_connection_dropped_while_idle_fails_the_next_query(engine):
    _server_drops(engine)

    with pytest.raises(exc.OperationalError), engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL (LEVY_TEST_DATABASE_URL) to end a backend")
def test_a_connection_dropped_while_idle_is_replaced_before_the_query(engine, pings):
    ping_after_idle(engine, 10)
    _server_drops(engine)
    _idle_for(engine, 11)

    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert len(pings) == 1
