"""The run and test commands' embedded settings: quiet seeding, email links to the port served on, Redis port."""

import logging
import os
import pathlib
import runpy

from kombu import Connection

from send_portal.settings import base


def test_without_redis_tasks_run_in_process_on_a_broker_url_kombu_does_not_warn_about(monkeypatch, caplog):
    monkeypatch.delenv("REDIS_URL", raising=False)
    # By path: the module itself is already imported (under the test settings, with Redis).
    settings = runpy.run_path(str(pathlib.Path(base.__file__)))
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is True
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kombu"):
        connection = Connection(settings["CELERY_BROKER_URL"])
        connection.info()  # where kombu warns about a URL without a host
        connection.release()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("kombu") and r.levelno >= logging.WARNING] == []


def test_local_email_links_follow_the_port_and_emails_go_to_files(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    monkeypatch.setenv("PORT", "8790")
    settings = runpy.run_module("send_portal.settings.local")
    assert settings["SITE_URL"] == "http://127.0.0.1:8790"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert str(settings["EMAIL_FILE_PATH"]).endswith("var/emails")


def test_test_settings_use_the_redis_port_the_scripts_started_redis_on(monkeypatch):
    monkeypatch.delenv("REDIS_URL")  # restored afterwards: the settings only set it when it is missing
    monkeypatch.setenv("REDIS_PORT", "6390")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    runpy.run_path(str(pathlib.Path(base.__file__).with_name("test.py")))
    assert os.environ["REDIS_URL"] == "redis://127.0.0.1:6390/14"
