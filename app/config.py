"""Settings from the environment, with an embedded default that needs no services.

No variables set: SQLite in ``instance/``, Celery eager, mail to the log, rate limits in memory.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to a real Celery broker/result store and
shared rate-limit storage.
"""

import os
from pathlib import Path


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "levy.sqlite3")
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment(instance_path: str) -> dict:
    redis_url = os.environ.get("REDIS_URL")
    production = os.environ.get("LEVY_ENV") == "production"
    celery: dict[str, object] = {
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
    }
    if redis_url:
        # An unacknowledged task (its worker died) goes to another worker after this long.
        visibility = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))
        transport = {
            "visibility_timeout": visibility,
            # Running workers sweep for a dead worker's tasks this often (seconds).
            "unacked_restore_interval": max(1, min(60, visibility // 2)),
            "unacked_restore_throttle": 1,
        }
        celery.update(
            broker_url=redis_url,
            result_backend=redis_url,
            broker_transport_options=transport,
            result_backend_transport_options={"visibility_timeout": visibility},
        )
    else:
        celery.update(
            task_always_eager=True,
            task_eager_propagates=True,
            broker_url="memory://",
            result_backend="cache+memory://",
        )
    secret = os.environ.get("SECRET_KEY")
    if production and not secret:
        raise RuntimeError("SECRET_KEY must be set when LEVY_ENV=production")
    return {
        "SECRET_KEY": secret or "dev-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # No ping on every checkout: app/db_pool.py pings a connection that sat idle.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "DB_PING_AFTER_IDLE_SECONDS": float(os.environ.get("DB_PING_AFTER_IDLE_SECONDS", "10")),
        "CELERY": celery,
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        # Checked by hand in app/security.py so bearer-token API calls are exempt.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Levy <no-reply@levy.local>"),
        # Without an SMTP server mail is written to the log (SPEC §4).
        "MAIL_SUPPRESS_SEND": not os.environ.get("MAIL_SERVER"),
        "BASE_URL": os.environ.get("BASE_URL"),
        # Tests only: seconds the close job pauses between steps, so a worker can be killed.
        "CLOSE_STEP_DELAY": float(os.environ.get("LEVY_CLOSE_STEP_DELAY", "0")),
        # Job leases (app/services/jobs.py): a running close says it is alive every
        # JOB_HEARTBEAT_SECONDS; one silent for JOB_LEASE_SECONDS is dispatched again by the
        # sweep every worker runs every JOB_SWEEP_SECONDS. Lease + sweep + the close itself
        # stays well under SPEC §3's two minutes.
        "JOB_HEARTBEAT_SECONDS": float(os.environ.get("LEVY_JOB_HEARTBEAT_SECONDS", "10")),
        "JOB_LEASE_SECONDS": float(os.environ.get("LEVY_JOB_LEASE_SECONDS", "40")),
        "JOB_SWEEP_SECONDS": float(os.environ.get("LEVY_JOB_SWEEP_SECONDS", "10")),
        # SPEC §5: sign-up may be limited, but not below 1,000 an hour from one address.
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "1000 per hour"),
        # Failed passwords, counted per email and per address across every password check.
        "CREDENTIAL_FAILURE_LIMIT": os.environ.get("CREDENTIAL_FAILURE_LIMIT", "10 per 15 minutes"),
        # Password-reset mails asked for, per email and per address.
        "PASSWORD_RESET_EMAIL_LIMIT": os.environ.get("PASSWORD_RESET_EMAIL_LIMIT", "5 per hour"),
        "PASSWORD_RESET_ADDRESS_LIMIT": os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "20 per hour"),
        # A log-in session ends on the server after this long, logged out or not.
        "SESSION_MAX_AGE_DAYS": int(os.environ.get("SESSION_MAX_AGE_DAYS", "30")),
    }
