import time

from django.core.management.base import BaseCommand

from consent_log.services import DEFAULT_BATCH, SEAL_EVERY, log_seal
from outbox.services import job_run


class Command(BaseCommand):
    help = (
        "Log every committed acceptance and version text not yet in the consent log and sign "
        "the new tree head. Run it from cron, or with --every to keep sealing."
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

    def handle(self, *args, batch, every, full, **options):
        while True:
            total, head = 0, None
            # Each round is a run for the dashboard, whether from cron or with --every.
            with job_run("consent_log_seal", every=SEAL_EVERY) as run:
                while True:
                    result = log_seal(batch=batch, full=full)
                    if not result.appended:
                        break
                    total, head = total + result.appended, result.head
                run["outcome"] = total  # records logged
            if head is not None and options["verbosity"] > 0:
                self.stdout.write(
                    f"Logged {total} records; signed tree head {head.size} "
                    f"{bytes(head.root_hash).hex()}"
                )
            if every is None:
                return
            time.sleep(every)
