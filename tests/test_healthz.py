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
