"""The run command's embedded defaults: with no PostgreSQL or Redis, the whole demo (casework, funding with
its ledger, panels with their packs built in-process) loads into SQLite. Run as scripts/run does, in a
separate process with the local settings and a fresh database file."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_loads_into_sqlite_with_in_process_tasks(tmp_path):
    env = {
        # Not the test settings' environment (DEBUG off, PostgreSQL, Redis): what scripts/run starts from.
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("REDIS_URL", "PYTEST_XDIST_WORKER", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
        },
        "DJANGO_SETTINGS_MODULE": "send_portal.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "EMAIL_FILE_PATH": str(tmp_path / "emails"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr[-3000:]
    assert "senco.croydon@example.org" in result.stdout
    database = sqlite3.connect(tmp_path / "demo.sqlite3")
    packs = dict(database.execute("SELECT status, COUNT(*) FROM panels_panelpack GROUP BY status").fetchall())
    approved = database.execute("SELECT COUNT(*) FROM funding_fundingrequest WHERE status = 'approved'").fetchone()[0]
    database.close()
    assert set(packs) == {"done"} and packs["done"] >= 5
    assert approved >= 5
    assert list((tmp_path / "media").rglob("*.pdf"))
