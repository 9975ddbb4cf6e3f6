"""Fan the due change notices out to the task workers; the scheduler runs it every few minutes."""

import time

from django.core.management.base import BaseCommand

from shop.notices import BATCH_SIZE, FanOut, NoticeProgress, notice_progress, notices_fan_out


class Command(BaseCommand):
    help = (
        "Queue a change notice of the newest version for every customer who has not accepted "
        "it or been told about it yet, in batches that any number of workers share."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Show a progress bar until every notice is sent or has failed.",
        )

    def handle(self, *args, batch_size, wait, **options):
        def queued(result: FanOut):
            self.stdout.write(
                f"version {result.version.number}: {result.due} customer(s) due, "
                f"{result.batches} batch(es) queued"
            )

        results = notices_fan_out(batch_size=batch_size, on_queued=queued)
        # On a terminal the bar is redrawn in place; in a log, a line whenever it moves.
        in_place = self.stdout.isatty()
        for result in results:
            state = notice_progress(result.version)
            self.show(state, in_place)
            while wait and (state.pending or state.due):
                time.sleep(1)
                previous, state = state, notice_progress(result.version)
                if state != previous:
                    self.show(state, in_place)
            if in_place:
                self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Queued {sum(r.due for r in results)} notice(s)."))

    def show(self, state: NoticeProgress, in_place: bool) -> None:
        if in_place:
            self.stdout.write("\r" + self.bar(state), ending="")
            self.stdout.flush()
        else:
            self.stdout.write(self.bar(state))

    @staticmethod
    def bar(state: NoticeProgress) -> str:
        filled = state.percent // 5
        return (
            f"version {state.version.number}: [{'#' * filled}{'-' * (20 - filled)}] "
            f"{state.sent}/{state.total} sent, {state.pending} pending, {state.failed} failed"
        )
