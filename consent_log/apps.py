from django.apps import AppConfig


class ConsentLogConfig(AppConfig):
    """The public transparency log over legal evidence (acceptances, version texts)."""

    name = "consent_log"
    verbose_name = "Consent transparency log"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from outbox.services import periodic_job_register

        from . import checks  # noqa: F401  (registers the signing key check)
        from .services import SEAL_EVERY

        periodic_job_register(
            name="consent_log_seal",
            every=SEAL_EVERY,
            description=_("logs new acceptances and texts and signs the tree head"),
        )
