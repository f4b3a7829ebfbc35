"""Test settings: always real PostgreSQL (and real Redis where a test asks for a worker)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "postgres://send_portal:send_portal@127.0.0.1:5432/send_portal")
# One Redis database per pytest-xdist worker, so one worker's Celery test never sees another's.
_xdist_index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_redis_port = os.environ.get("REDIS_PORT", "6379")  # scripts/lib.sh exports the port it started Redis on
os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:{_redis_port}/{15 - _xdist_index % 8}")

from send_portal.settings.base import *  # noqa: E402,F403
from send_portal.settings.base import BASE_DIR, env  # noqa: E402

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise RuntimeError("Tests run on PostgreSQL only: set DATABASE_URL to a postgres:// URL.")

# Tasks run in-process when their on-commit callback fires; one test drives a real worker over Redis.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-uploads"))
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Serve compiled assets straight from frontend/build (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
