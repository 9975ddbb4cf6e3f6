import json
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from consent_log.audit import log_audit
from consent_log.selectors import head_document
from consent_log.services import MAX_SEAL_DELAY

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Check every acceptance and version text against the transparency log, and the log "
        "against its signed heads; exits non-zero naming each record that differs. Prints "
        "the latest signed tree head (for the daily log)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            action="append",
            default=[],
            type=Path,
            metavar="HEAD.json",
            help="a tree head published earlier and kept elsewhere; may be repeated",
        )
        parser.add_argument(
            "--max-delay",
            type=float,
            default=MAX_SEAL_DELAY.total_seconds(),
            metavar="SECONDS",
            help="report records not logged after this long (default: %(default)s)",
        )

    def handle(self, *args, head, max_delay, **options):
        try:
            outside = [json.loads(path.read_text(encoding="utf-8")) for path in head]
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read a tree head: {exc}") from exc
        report = log_audit(outside_heads=outside, max_delay=timedelta(seconds=max_delay))
        if report.head is not None:
            document = json.dumps(head_document(report.head), sort_keys=True)
            self.stdout.write(f"Latest signed tree head: {document}")
        else:
            self.stdout.write("No tree head has been signed yet.")
        for finding in report.findings[:SHOWN]:
            self.stderr.write(str(finding))
        if report.findings:
            more = len(report.findings) - SHOWN
            raise CommandError(
                f"The consent log does not match the database: {len(report.findings)} "
                "problems" + (f" ({more} more not shown)." if more > 0 else ".")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"All {report.leaves} logged records match the database and the signed tree heads."
            )
        )
