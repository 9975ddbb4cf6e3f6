"""Walk the hash chain of the consent ledger's first format; exit non-zero at the first break.

Records written since that format carry no chain: the transparency log proves them (and these),
``manage.py consent_verify`` checks it.
"""

from django.core.management.base import BaseCommand, CommandError

from shop.models import Acceptance
from shop.services import ledger_verify


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the consent ledger's first-format records; fails naming the "
        "first broken record. The transparency log covers every record: run consent_verify."
    )

    def handle(self, *args, **options):
        broken = ledger_verify()
        if broken is not None:
            raise CommandError(
                f"The consent ledger is broken at acceptance {broken.record.pk}: {broken.reason}."
            )
        chained = Acceptance.objects.chained().count()
        since = Acceptance.objects.count() - chained
        self.stdout.write(
            self.style.SUCCESS(
                f"The hash chain of the {chained} records of the first format is intact; "
                f"{since} record{'' if since == 1 else 's'} written since "
                f"{'is' if since == 1 else 'are'} in no chain and proven by the transparency "
                "log (manage.py consent_verify)."
            )
        )
