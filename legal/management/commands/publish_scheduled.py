"""Wagtail's ``publish_scheduled``, recording each run for the dashboard's "overdue" warning.

This app comes before ``wagtail`` in ``INSTALLED_APPS``, so ``manage.py publish_scheduled`` is
this command; it does exactly what Wagtail's does.
"""

from wagtail.management.commands.publish_scheduled import Command as WagtailCommand

from legal.scheduling import PUBLISH_SCHEDULED_EVERY
from outbox.services import job_run


class Command(WagtailCommand):
    help = "Publish and unpublish what editors scheduled (Wagtail's), and record the run."

    def handle(self, *args, **options):
        if options.get("dryrun"):
            return super().handle(*args, **options)
        with job_run("publish_scheduled", every=PUBLISH_SCHEDULED_EVERY):
            super().handle(*args, **options)
