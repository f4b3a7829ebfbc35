import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings


def test_healthz_reports_database_redis_and_worker(client, db, celery_worker_process):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["celery"].startswith("ok (")


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_and_names_redis_when_redis_is_down(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("down")


def test_healthz_is_503_and_names_celery_when_no_worker_answers(client, db, celery_over_redis):
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == "ok"
    assert checks["celery"] == "down (RuntimeError)"


def test_healthz_needs_no_sign_in_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.fixture
def database_down(monkeypatch):
    """The health checks' database connection points at a closed port: a real failed connect."""
    from send_portal import views

    wrapper = type(connections[DEFAULT_DB_ALIAS])
    broken = wrapper({**connection.settings_dict, "HOST": "127.0.0.1", "PORT": "1"}, alias="down")
    monkeypatch.setattr(views, "connection", broken)
    yield
    broken.close()


def test_healthz_is_503_and_names_the_database_when_it_is_down(client, db, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "down (OperationalError)"
    assert body["checks"]["redis"] == "ok"


def test_readyz_is_503_and_names_the_database_when_it_is_down(client, db, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down (OperationalError)"


def test_readyz_checks_database_and_redis_but_not_the_worker(client, db, celery_over_redis):
    # No worker runs: /healthz says so, but this web process can still serve pages.
    assert client.get("/healthz").status_code == 503
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_and_names_redis_when_redis_is_down(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "down (ConnectionError)"}


def test_beat_answering_a_ping_is_not_a_worker(client, db, celery_over_redis, monkeypatch):
    # With remote control on (the Compose health check), beat answers the same broadcast ping as workers.
    monkeypatch.setattr(celery_over_redis.control, "ping", lambda timeout: [{"celerybeat@web-1": {"ok": "pong"}}])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == "down (RuntimeError)"
    monkeypatch.setattr(
        celery_over_redis.control,
        "ping",
        lambda timeout: [{"celerybeat@web-1": {"ok": "pong"}}, {"celery@worker-1": {"ok": "pong"}}],
    )
    assert client.get("/healthz").json()["checks"]["celery"] == "ok (1 worker)"


def test_a_blackholed_database_cannot_hang_the_health_checks():
    # psycopg waits this long for a new connection, then fails; without it, libpq waits for the OS (minutes).
    timeout = int(connection.settings_dict["OPTIONS"]["connect_timeout"])
    assert 0 < timeout <= 10
