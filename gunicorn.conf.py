"""Gunicorn's settings for Levy (read from the working directory: `gunicorn wsgi:app`).

One process per core, four threads each (``gthread``, in gunicorn_worker.py's variant that
hands each new connection to the process holding fewest). A Levy request spends most of its
time waiting for PostgreSQL, and psycopg releases the GIL while it waits: threads let one
process serve other requests meanwhile, where a sync worker would sit idle and the next
client would queue behind it (issue 13: two sync workers on 2 cores gave 30-60 writes/s
with p95 of 430-690 ms). More processes than cores only add memory and context switches;
more threads than four per process mostly add contention for the GIL and for connections
(SQLAlchemy's pool keeps 5 per process, so 4 threads never wait for one). See
docs/operations.md, "Gunicorn concurrency". Override with WEB_CONCURRENCY (processes),
GUNICORN_THREADS and GUNICORN_BIND, or gunicorn's own GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gthread, except that a new connection goes to the process holding fewest (gunicorn_worker.py).
worker_class = "gunicorn_worker.LeastConnectionsWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Closes run in the Celery worker; 30 s is far above any page (bench/README.md).
timeout = 30
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None


def child_exit(server, worker):
    """In the master, once a worker has exited: its connection count no longer counts."""
    import gunicorn_worker

    gunicorn_worker.release(worker)


def post_worker_init(worker):
    """Move everything the app built at start-up out of the garbage collector's reach.

    Python's full collections walk every object: with the app's ~150,000 (SQLAlchemy, Flask,
    Babel) that is a pause of tens of milliseconds now and then in the middle of requests,
    which all of a worker's threads wait out (issue 13: ~0.1 ms per write on average, and
    the slowest answers). Objects made by requests are still collected as before.
    """
    import gc

    gc.collect()
    gc.freeze()
