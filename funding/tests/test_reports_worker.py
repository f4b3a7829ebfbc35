"""End to end: a budget report asked for on the page is sent through the real Redis broker to a real
Celery worker process, which builds it in the test database; the page then links the files, and the CSV
has the ledger's totals.

tests/fixtures.py's `celery_worker_process` hands the worker the environment's DATABASE_URL, which names
the development database, not pytest's test database, and it does not import funding.report_tasks. The
`report_worker` fixture below starts the worker with the test database, the test's MEDIA_ROOT and the
report tasks.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery.result import AsyncResult
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from funding.report_models import BudgetReport, ReportStatus
from funding.tests.test_reports import build_report_world, csv_sections, ledger_totals, this_year
from tests.fixtures import build_tenant, client_for

ROOT = Path(__file__).resolve().parent.parent.parent


def load_census_need_types() -> None:
    """The data migration's DfE need types (every pupil has one). A transactional test's flush empties the
    table, and serialized rollback cannot put them back once an earlier flush re-created content types."""
    importlib.import_module("pupils.migrations.0002_census_need_types").add_need_types(django_apps, None)


@pytest.fixture(scope="module", autouse=True)
def _census_need_types_outlive_this_module(django_db_blocker: Any) -> Any:
    yield
    with django_db_blocker.unblock():
        load_census_need_types()


def worker_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def report_worker(settings: Any, celery_over_redis: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    name = f"test-reports-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "send_portal.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": worker_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    worker = subprocess.Popen(  # noqa: S603 (a fixed command line)
        [sys.executable, "-m", "celery", "-A", "send_portal", "worker", "--pool=solo", "-n", name,
         "-I", "funding.report_tasks", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    app = celery_over_redis
    try:
        deadline = time.monotonic() + 20
        while not app.control.ping(destination=[name], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start: " + worker.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        yield name
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        worker.stderr.close()  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_a_report_is_built_by_a_real_worker_over_redis(report_worker):
    load_census_need_types()
    a, b = build_tenant(), build_tenant()
    world = build_report_world(a, b)
    client = client_for(a.users["finance_officer"])
    response = client.post(
        reverse("funding:report-list"), {"scope": "authority", "financial_year": this_year(a.authority).isoformat()}
    )
    report = BudgetReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("funding:report-detail", args=[report.pk])

    # The page refreshes itself until the worker has built the report.
    seen = []
    deadline = time.monotonic() + 60
    while True:
        page = client.get(response.url).content.decode()
        report.refresh_from_db()
        seen.append((report.status, report.progress))
        if '<meta http-equiv="refresh"' not in page:
            break
        assert time.monotonic() < deadline, f"the report was not built in time: {seen}"
        time.sleep(0.2)
    assert report.status == ReportStatus.DONE, (seen, report.error)
    # Built by the worker process: its task id, and its result stored in Redis.
    assert report.task_id
    assert AsyncResult(report.task_id).get(timeout=10) == "done"
    for fmt in ("csv", "xlsx", "pdf"):
        assert reverse("funding:report-download", args=[report.pk, fmt]) in page

    download = client.get(reverse("funding:report-download", args=[report.pk, "csv"]))
    sections = csv_sections(b"".join(download.streaming_content).decode("utf-8"))
    expected = ledger_totals([world.pot_1, world.pot_2, world.top_up])
    total = sections["Budgets"][-1]
    assert total[0] == "Total"
    assert (total[3], total[4], total[5]) == (
        f"{expected['budget']:.2f}",
        f"{expected['committed']:.2f}",
        f"{expected['paid']:.2f}",
    )
