"""The database connection pool: check a connection's life only after it sat idle.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` before every checkout, one more round trip
on every request (issue 13). A connection handed back a moment ago by the previous request
has not died in between, unless the server went away in that moment, and then the request
fails either way. So the ping runs only when a connection has been idle longer than
``DB_PING_AFTER_IDLE_SECONDS``: after a quiet night, a database restart or failover, the
dead connection is found at checkout and replaced, and the request never sees it.
"""

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

_IDLE_SINCE = "levy_idle_since"


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection at checkout when it was idle more than ``idle_seconds``."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _note_idle(dbapi_connection, record) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since <= idle_seconds:
            return  # new, or back a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool discards this connection and checks out another (or a new one).
                raise exc.DisconnectionError() from error
            raise
