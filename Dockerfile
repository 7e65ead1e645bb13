# Levy: one image for the web app (gunicorn), the Celery worker and the migration step.
#   docker build -t levy .
# docker-compose.yml runs it as `migrate` (flask db upgrade, once), `web` and `worker`.
FROM python:3.11-slim

# The source tree in /srv/levy is what runs (wsgi.py, celery_worker.py and migrations/ sit
# beside app/, and PYTHONPATH puts it first); `pip install .` brings the dependencies.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/srv/levy \
    FLASK_APP=wsgi.py \
    LEVY_ENV=production

WORKDIR /srv/levy

COPY pyproject.toml ./
COPY app ./app
COPY migrations ./migrations
COPY wsgi.py celery_worker.py gunicorn.conf.py ./
RUN pip install . \
    && pybabel -q compile -d app/translations -D messages \
    && useradd --system --create-home --uid 10001 levy \
    && mkdir -p /srv/levy/instance \
    && chown levy /srv/levy/instance

USER levy
EXPOSE 8000
# gunicorn.conf.py (read from /srv/levy): gthread, one process per core, 4 threads each.
CMD ["gunicorn", "wsgi:app"]
