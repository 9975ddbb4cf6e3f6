"""The dashboard panel "Background work": periodic jobs, the e-mail queue, the task queue."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import JobRun, OutgoingMessage
from .services import periodic_jobs

# A task waiting this long means no worker is taking tasks.
QUEUE_STALE_AFTER_SECONDS = 300
# A run still without a finish time after its interval (and at least this) failed or hangs.
MIN_RUN = timedelta(minutes=5)


class BackgroundWorkPanel(Component):
    name = "background_work"
    template_name = "outbox/dashboard_panel.html"
    order = 60

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        return {
            "jobs": job_states(now),
            **self.mail_state(),
            "queue": task_queue_state(now),
        }

    @staticmethod
    def mail_state() -> dict:
        counts = dict(
            OutgoingMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        oldest_pending = OutgoingMessage.objects.filter(
            status=OutgoingMessage.Status.PENDING
        ).aggregate(at=Min("created_at"))["at"]
        return {
            "pending": counts.get(OutgoingMessage.Status.PENDING, 0),
            "failed": counts.get(OutgoingMessage.Status.FAILED, 0),
            "oldest_pending": oldest_pending,
        }


def job_states(now) -> list[dict]:
    """Every declared periodic job with its last run (None if it never ran) and warnings.

    Jobs that recorded runs without being declared (a renamed job) are listed too.
    """
    runs = {run.name: run for run in JobRun.objects.all()}
    states = []
    for job in periodic_jobs():
        run = runs.pop(job.name, None)
        states.append(_job_state(job.name, job.every, job.description, run, now))
    for run in sorted(runs.values(), key=lambda run: run.name):
        states.append(_job_state(run.name, run.every, "", run, now))
    return states


def _job_state(name, every, description, run: JobRun | None, now) -> dict:
    unfinished = (
        run is not None and run.finished_at is None and now - run.started_at > max(every, MIN_RUN)
    )
    return {
        "name": name,
        "every_seconds": round(every.total_seconds()),
        "every_minutes": round(every.total_seconds() / 60),
        "description": description,
        "run": run,
        "never": run is None,
        "overdue": run is not None and run.is_overdue(now),
        "unfinished": unfinished,
    }


def task_queue_state(now) -> dict | None:
    """Tasks waiting in the database queue and whether the oldest has waited too long.

    None with a backend other than the database one (its queue lives elsewhere).
    """
    from django_tasks import default_task_backend
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(default_task_backend, DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
    stale = bool(ready["oldest"]) and (
        (now - ready["oldest"]).total_seconds() > QUEUE_STALE_AFTER_SECONDS
    )
    return {"waiting": ready["n"], "oldest": ready["oldest"], "stale": stale}
