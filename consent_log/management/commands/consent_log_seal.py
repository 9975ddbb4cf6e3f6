import time

from django.core.management.base import BaseCommand

from consent_log.services import DEFAULT_BATCH, SEAL_EVERY, seal_pending
from outbox.services import job_run


class Command(BaseCommand):
    help = (
        "Log every committed acceptance and version text not yet in the consent log and sign "
        "the new tree head. Run it as a service with --every 5, or from cron every minute with "
        "--every 5 --for 55 (docs/consent-log.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="leaves per head")
        parser.add_argument(
            "--full",
            action="store_true",
            help="look for unlogged records among all ids (after consent_verify reported some)",
        )
        parser.add_argument(
            "--every", type=float, metavar="SECONDS", help="keep running, sealing this often"
        )
        parser.add_argument(
            "--for",
            dest="duration",
            type=float,
            metavar="SECONDS",
            help="with --every: stop after this long (so that cron's next run takes over)",
        )

    def handle(self, *args, batch, every, full, duration, **options):
        stop_at = time.monotonic() + duration if duration is not None else None
        while True:
            # Each round is a run for the dashboard, whether from cron or with --every.
            with job_run("consent_log_seal", every=SEAL_EVERY) as run:
                total, head = seal_pending(batch=batch, full=full)
                run["outcome"] = total  # records logged
            if head is not None and options["verbosity"] > 0:
                self.stdout.write(
                    f"Logged {total} records; signed tree head {head.size} "
                    f"{bytes(head.root_hash).hex()}"
                )
            if every is None or (stop_at is not None and time.monotonic() + every >= stop_at):
                return
            time.sleep(every)
