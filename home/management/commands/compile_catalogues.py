"""Compile the project's gettext catalogues (locale/*/LC_MESSAGES/*.po) with polib.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``; a fresh machine with only Python
has none, so set-up compiles with polib instead. Fuzzy entries are left out, as msgfmt would.
"""

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile locale/*.po to .mo without GNU gettext."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                po = polib.pofile(str(po_path))
                mo_path = po_path.with_suffix(".mo")
                po.save_as_mofile(str(mo_path))
                name = po_path.relative_to(settings.BASE_DIR)
                self.stdout.write(f"{name}: {po.percent_translated()}% translated")
