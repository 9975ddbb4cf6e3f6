from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Outgoing e-mail")

    def ready(self):
        from .services import SWEEP_EVERY, periodic_job_register

        periodic_job_register(
            name="outbox_sweep",
            every=SWEEP_EVERY,
            description=_("re-queues e-mails whose task was lost"),
        )
