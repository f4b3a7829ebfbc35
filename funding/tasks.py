from celery import shared_task


@shared_task(name="funding.notify_request_event", acks_late=True, soft_time_limit=30, time_limit=60)
def notify_request_event(event_id: int) -> int:
    """Email the people a request event concerns. Idempotent enough: an event is emailed once per run
    and a redelivery at worst repeats a clear, specific message."""
    from funding.notifications import request_event_notify

    return request_event_notify(event_id=event_id)


# Report tasks live in their own module; importing them here registers them with every worker.
from funding.report_tasks import build_budget_report, schedule_monthly_reports  # noqa: E402,F401
