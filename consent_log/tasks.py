"""The sequencer as a background task, for task backends that can schedule one (run by
``manage.py db_worker`` when enqueued). Cron or a systemd service running
``manage.py consent_log_seal`` does the same without a scheduler (docs/consent-log.md)."""

from django_tasks import task

from outbox.services import job_run

from .services import SEAL_EVERY, seal_pending


@task()
def consent_log_seal() -> int:
    """Log everything committed and not yet logged, signing a head per batch; returns how many
    records were logged."""
    with job_run("consent_log_seal", every=SEAL_EVERY) as run:
        appended = seal_pending().appended
        run["outcome"] = appended
    return appended
