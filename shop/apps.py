from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")

    def ready(self):
        from outbox.services import periodic_job_register

        from . import checks  # noqa: F401  (registers the system checks)
        from .notices import FAN_OUT_EVERY

        periodic_job_register(
            name="send_change_notices",
            every=FAN_OUT_EVERY,
            description=_("queues the change notices of the newest version"),
        )
