"""Developer and demo settings: the run command's embedded defaults (SQLite, in-process tasks)."""

import os

os.environ.setdefault("SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/send_portal.sqlite3")

from send_portal.settings.base import *  # noqa: F403

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo database cannot express this one constraint; PostgreSQL enforces it.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
