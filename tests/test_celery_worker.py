"""End to end: a task goes through the real Redis broker to a real worker process and back."""

import uuid

from send_portal.tasks import ping


def test_task_round_trips_through_redis_and_a_real_worker(celery_worker_process):
    token = uuid.uuid4().hex
    result = ping.delay(token)
    assert result.get(timeout=20) == f"pong:{token}"
    # The answer really came from the separate worker process, not in-process execution.
    assert result.backend.__class__.__name__ == "RedisBackend"
