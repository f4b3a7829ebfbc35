from celery import shared_task


@shared_task(name="send_portal.ping", acks_late=True, soft_time_limit=5, time_limit=10)
def ping(token: str) -> str:
    """Echo a token: proves a broker and a worker are both alive (used by /healthz and tests)."""
    return f"pong:{token}"
