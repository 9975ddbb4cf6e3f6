"""Send the change notices that are due; run it from the scheduler every few minutes."""

from django.core.management.base import BaseCommand

from legal.notices import NoticeProgress, notices_send


class Command(BaseCommand):
    help = "E-mail every customer about each new version they have not been told about yet."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, **options):
        def progress(state: NoticeProgress):
            filled = state.percent // 5
            bar = "#" * filled + "-" * (20 - filled)
            self.stdout.write(f"version {state.version.number}: [{bar}] {state.sent}/{state.total}")

        sent = notices_send(batch_size=batch_size, on_progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} change notice(s)."))
