from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "legal"
    verbose_name = _("Legal documents")

    def ready(self):
        from outbox.services import periodic_job_register

        from . import signals  # noqa: F401
        from .scheduling import PUBLISH_SCHEDULED_EVERY

        periodic_job_register(
            name="publish_scheduled",
            every=PUBLISH_SCHEDULED_EVERY,
            description=_("publishes what editors scheduled, and unpublishes what expired"),
        )
