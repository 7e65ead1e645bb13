# Levy: one image for the web app (gunicorn), the Celery worker and the migration step.
#   docker build -t levy .
# docker-compose.yml runs it as `migrate` (flask db upgrade, once), `web` and `worker`.
FROM python:3.11-slim

# The source tree in /srv/levy is what runs (wsgi.py, celery_worker.py and migrations/ sit
# beside app/, and PYTHONPATH puts it first). Levy itself is not pip-installed: the code is
# in the image once.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/srv/levy \
    FLASK_APP=wsgi.py \
    LEVY_ENV=production

WORKDIR /srv/levy

# The dependencies first, from pyproject.toml alone: a layer that a change to the code does
# not rebuild.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt \
    && useradd --system --create-home --uid 10001 levy

# Then the code, once.
COPY app ./app
COPY migrations ./migrations
COPY wsgi.py celery_worker.py gunicorn.conf.py gunicorn_worker.py ./
RUN pybabel -q compile -d app/translations -D messages \
    && mkdir -p /srv/levy/instance \
    && chown levy /srv/levy/instance

USER levy
EXPOSE 8000
# gunicorn.conf.py (read from /srv/levy): gthread (gunicorn_worker.py), one process per core, 4 threads each.
CMD ["gunicorn", "wsgi:app"]
