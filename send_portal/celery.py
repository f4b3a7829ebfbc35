"""Celery application. Tasks take ids, are idempotent and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings.local")

app = Celery("send_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
