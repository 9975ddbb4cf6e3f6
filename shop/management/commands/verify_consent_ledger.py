"""Walk the consent ledger and recompute its hash chain; exit non-zero at the first break."""

from django.core.management.base import BaseCommand, CommandError

from shop.models import Acceptance
from shop.services import ledger_verify


class Command(BaseCommand):
    help = "Verify the consent ledger's hash chain; fails naming the first broken record."

    def handle(self, *args, **options):
        broken = ledger_verify()
        if broken is not None:
            raise CommandError(
                f"The consent ledger is broken at acceptance {broken.record.pk}: {broken.reason}."
            )
        count = Acceptance.objects.count()
        self.stdout.write(self.style.SUCCESS(f"The consent ledger is intact ({count} records)."))
