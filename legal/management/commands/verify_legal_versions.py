"""Recompute the hash of every frozen version text; exit non-zero naming any mismatch."""

from django.core.management.base import BaseCommand, CommandError

from legal.models import VersionText
from legal.services import version_text_problems


class Command(BaseCommand):
    help = "Recompute every legal version text's SHA-256 and report any mismatch."

    def handle(self, *args, **options):
        checked, failures = 0, []
        texts = VersionText.objects.select_related("version__document", "locale").order_by(
            "version__document_id", "version__number", "locale__language_code"
        )
        for text in texts.iterator(chunk_size=200):
            checked += 1
            for problem in version_text_problems(text):
                failures.append(
                    f"{text.version.document.slug} version {text.version.number} "
                    f"[{text.locale.language_code}]: {problem}"
                )
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} of {checked} version texts failed verification.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} version texts verify."))
