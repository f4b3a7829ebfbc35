"""Developer and demo settings: the run command's embedded defaults (SQLite, in-process tasks)."""

import os

os.environ.setdefault("SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/send_portal.sqlite3")

from send_portal.settings.base import *  # noqa: F403
from send_portal.settings.base import BASE_DIR, CELERY_TASK_ALWAYS_EAGER, DATABASES, LOGGING, env

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo database cannot express this one constraint; PostgreSQL enforces it.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]

# Email links point at the port scripts/run serves on.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")
# Demo emails are written one file each to var/emails/ (the demo sends dozens while seeding), not printed.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "emails"))

if CELERY_TASK_ALWAYS_EAGER:
    # In-process tasks would log a line each while seeding; failures are still logged.
    LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "celery.app.trace": {"level": "WARNING"}}}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
