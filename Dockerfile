# syntax=docker/dockerfile:1
# One image for every SEND Portal process: web (gunicorn), worker and beat (celery), migrate.
# Build: docker compose build   (or: docker build -t send-portal .)   See docs/deployment.md.

# --- GOV.UK Frontend assets: Node is needed at build time only ---------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY frontend/src/ frontend/src/
COPY scripts/build-assets scripts/build-assets
RUN scripts/build-assets

# --- Runtime -----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/app/.venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=send_portal.settings.production \
    MEDIA_ROOT=/data/uploads
WORKDIR /app

# The same install step as any other machine: scripts/setup --production installs WeasyPrint's
# Debian libraries and builds .venv from requirements/base.lock (hash-checked). It skips
# scripts/build-assets because frontend/build/css/app.css is already there. Only its inputs are
# copied first, so a code change does not reinstall the dependencies.
COPY scripts/setup scripts/lib.sh scripts/
COPY requirements/base.lock requirements/
COPY --from=assets /app/frontend/build/ frontend/build/
RUN scripts/setup --production \
 && rm -rf /var/lib/apt/lists/*

COPY . .
# Production settings insist on these variables even though collectstatic touches no database:
# throwaway values that exist for this one command only and never reach the image's environment.
RUN SECRET_KEY=collectstatic-build-only \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    ALLOWED_HOSTS=localhost \
    REDIS_URL=redis://build-only.invalid:6379/0 \
    SITE_URL=https://build-only.invalid \
    EMAIL_URL=smtp://build-only.invalid:25 \
    DJANGO_SETTINGS_MODULE=send_portal.settings.production \
    python manage.py collectstatic --noinput

# Code and .venv stay root-owned (read-only to the app); only the volume mount points are writable.
# Docker copies this ownership into an empty named volume the first time it is mounted.
RUN useradd --create-home --uid 10001 --user-group app \
 && mkdir -p /data/uploads /data/beat \
 && chown app:app /data/uploads /data/beat
USER app

EXPOSE 8000
# No HEALTHCHECK here: worker and beat share this image; docker-compose.yml sets one per service.
# No access log by default: query strings (pupil filters, searches) could carry personal data.
CMD ["gunicorn", "send_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm"]
