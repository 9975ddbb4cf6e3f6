"""Background tasks of the outbox (run by ``manage.py db_worker``; see docs/background-work.md)."""

from django_tasks import task

from . import services


@task()
def outbox_send(message_ids: list[int]) -> dict:
    """Send the given messages that are due (duplicates and late arrivals are skipped)."""
    report = services.messages_deliver(message_ids=message_ids)
    return vars(report)


@task()
def outbox_sweep() -> int:
    """Re-enqueue overdue pending messages; scheduled every minute or so."""
    with services.job_run("outbox_sweep", every=services.SWEEP_EVERY) as run:
        run["outcome"] = count = services.outbox_sweep()
    return count
