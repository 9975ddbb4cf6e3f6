"""Re-enqueue e-mails whose sending task was lost; run it from the scheduler every minute."""

from django.core.management.base import BaseCommand

from outbox.services import SWEEP_EVERY, job_run, outbox_sweep


class Command(BaseCommand):
    help = "Hand overdue pending e-mails (lost task, dead worker) to the workers again."

    def handle(self, *args, **options):
        with job_run("outbox_sweep", every=SWEEP_EVERY) as run:
            run["outcome"] = count = outbox_sweep()
        self.stdout.write(f"Re-enqueued {count} e-mail(s).")
