"""Production settings: secure by default; every secret and host comes from the environment.

Nothing here falls back to the developer's embedded defaults: without Redis, the site's https address
or a mail server, importing these settings fails with a message naming the variable to set.
"""

from django.core.exceptions import ImproperlyConfigured

from send_portal.settings.base import *  # noqa: F403
from send_portal.settings.base import env


def _required(name: str, why: str) -> str:
    value: str = env(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"Set {name} in the environment: {why}. Production settings have no default.")
    return value


DEBUG = False

# Redis is the Celery broker and the shared cache: the sign-in throttle must count across every web process,
# and tasks must go to a worker, never run inside the request.
REDIS_URL = _required("REDIS_URL", "the Celery broker and the shared cache, e.g. redis://redis:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Emails link to this address, so it must be the one people use, over https.
SITE_URL = _required("SITE_URL", "the https:// address people use, e.g. https://send.example.gov.uk").rstrip("/")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// in production (it is {SITE_URL!r}).")

# Email goes to a real mail server: EMAIL_URL (smtp+tls://user:password@smtp.example.org:587), or EMAIL_HOST
# with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS. A provider's own backend may be
# named in EMAIL_BACKEND instead. The developer backends (console, file, memory, dummy) are refused.
_DEVELOPER_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "filebased", "locmem", "dummy")
}
if env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or ""
    EMAIL_PORT = _email["EMAIL_PORT"] or 25
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", default="")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)  # port 465
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)  # STARTTLS, port 587
if EMAIL_BACKEND in _DEVELOPER_EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"{EMAIL_BACKEND} keeps emails on this machine: configure a real mail server.")
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend" and not EMAIL_HOST:
    raise ImproperlyConfigured(
        "Set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.org:587) or EMAIL_HOST in the environment: "
        "the mail server that sends the service's emails. Production settings have no default."
    )
# A mail server that stops answering must not hold a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health checks from the load balancer come over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# HSTS preload is a commitment the council's domain owner makes (and submits to browsers' lists);
# it is switched on with SECURE_HSTS_PRELOAD=true, so the deploy check's reminder is silenced here.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
