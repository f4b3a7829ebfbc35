from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories as f


@dataclass
class World:
    """Two tenants, each with two localities, schools, pupils and one user per role."""

    a: Any
    b: Any


@dataclass
class Tenant:
    authority: Any
    locality_1: Any
    locality_2: Any
    school_1: Any  # in locality_1
    school_2: Any  # in locality_1
    school_3: Any  # in locality_2
    pupil_1: Any  # at school_1
    pupil_2: Any  # at school_2
    pupil_3: Any  # at school_3
    panel: Any
    other_panel: Any
    users: dict[str, Any]


def build_tenant() -> Tenant:
    authority = f.make_authority()
    loc1, loc2 = f.make_locality(authority), f.make_locality(authority)
    s1, s2, s3 = f.make_school(authority, loc1), f.make_school(authority, loc1), f.make_school(authority, loc2)
    panel, other_panel = f.make_panel(authority), f.make_panel(authority)
    users = {
        "senco": f.make_user(authority, Role.SENCO, school=s1),
        "area_lead": f.make_user(authority, Role.AREA_SEND_LEAD, locality=loc1),
        "panel_member": f.make_user(authority, Role.PANEL_MEMBER, panel=panel),
        "la_officer": f.make_user(authority, Role.LA_OFFICER),
        "finance_officer": f.make_user(authority, Role.FINANCE_OFFICER),
        "specialist": f.make_user(authority, Role.SPECIALIST),
    }
    return Tenant(
        authority, loc1, loc2, s1, s2, s3,
        f.make_pupil(s1), f.make_pupil(s2), f.make_pupil(s3),
        panel, other_panel, users,
    )  # fmt: skip


@pytest.fixture
def world(db: Any) -> World:
    return World(a=build_tenant(), b=build_tenant())


@pytest.fixture
def tenant(world: World) -> Tenant:
    return world.a


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def celery_over_redis(settings: Any) -> Any:
    """Send tasks through the real Redis broker (this pytest worker's Redis database), not in-process."""
    from send_portal.celery import app

    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.result_backend = settings.REDIS_URL
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous


@pytest.fixture
def celery_worker_process(settings: Any, celery_over_redis: Any) -> Any:
    """A real Celery worker process consuming from the real Redis broker (this test's Redis database)."""
    import os
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    from django.db import connection

    # The worker uses this test's database (its name, not the development one) and upload folder.
    database = connection.settings_dict
    database_url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "send_portal.settings.test",
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "send_portal", "worker", "--pool=solo", "-n", name,
         "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
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
