"""Production settings refuse to start on the developer's defaults: no Redis means eager tasks and a
per-process sign-in throttle, no SITE_URL means emails linking to 127.0.0.1, no mail server means emails
printed to a log nobody reads."""

import runpy

import pytest
from django.core.exceptions import ImproperlyConfigured

COMPLETE = {
    "SECRET_KEY": "production-settings-test-not-secret",
    "ALLOWED_HOSTS": "send.example.gov.uk",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SITE_URL": "https://send.example.gov.uk/",
    "EMAIL_URL": "smtp+tls://send-portal:secret@smtp.example.gov.uk:587",
}
OPTIONAL = ["EMAIL_URL", "EMAIL_HOST", "EMAIL_BACKEND", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL"]


def load_production_settings(monkeypatch, **overrides):
    for name in OPTIONAL:
        monkeypatch.delenv(name, raising=False)
    for name, value in (COMPLETE | overrides).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_module("send_portal.settings.production")


def test_complete_configuration_uses_redis_a_worker_and_smtp(monkeypatch):
    settings = load_production_settings(monkeypatch)
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is False
    assert settings["CELERY_BROKER_URL"] == settings["CELERY_RESULT_BACKEND"] == "redis://redis.internal:6379/0"
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["SITE_URL"] == "https://send.example.gov.uk"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (
        "smtp.example.gov.uk",
        587,
        True,
    )
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("send-portal", "secret")


def test_email_host_alone_is_a_mail_server_too(monkeypatch):
    settings = load_production_settings(monkeypatch, EMAIL_URL=None, EMAIL_HOST="smtp.example.gov.uk")
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (
        "smtp.example.gov.uk",
        587,
        True,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"REDIS_URL": None}, "Set REDIS_URL"),
        ({"REDIS_URL": ""}, "Set REDIS_URL"),
        ({"SITE_URL": None}, "Set SITE_URL"),
        ({"SITE_URL": "http://send.example.gov.uk"}, "SITE_URL must start with https://"),
        ({"EMAIL_URL": None}, "Set EMAIL_URL"),
        ({"EMAIL_URL": "consolemail://"}, "configure a real mail server"),
        (
            {
                "EMAIL_URL": None,
                "EMAIL_HOST": "smtp.example.gov.uk",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            },
            "configure a real mail server",
        ),
    ],
)
def test_production_refuses_to_start_without_each_part(monkeypatch, overrides, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_production_settings(monkeypatch, **overrides)
