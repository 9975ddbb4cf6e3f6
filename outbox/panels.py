"""The dashboard panel "Background work": periodic jobs, the e-mail queue, the task queue."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .models import JobRun, OutgoingMessage

# A task waiting this long means no worker is taking tasks.
QUEUE_STALE_AFTER_SECONDS = 300


class BackgroundWorkPanel(Component):
    name = "background_work"
    template_name = "outbox/dashboard_panel.html"
    order = 60

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        jobs = [
            {"run": run, "overdue": run.is_overdue(now)} for run in JobRun.objects.order_by("name")
        ]
        counts = dict(
            OutgoingMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        oldest_pending = OutgoingMessage.objects.filter(
            status=OutgoingMessage.Status.PENDING
        ).aggregate(at=Min("created_at"))["at"]
        return {
            "jobs": jobs,
            "pending": counts.get(OutgoingMessage.Status.PENDING, 0),
            "failed": counts.get(OutgoingMessage.Status.FAILED, 0),
            "oldest_pending": oldest_pending,
            "queue": task_queue_state(now),
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
