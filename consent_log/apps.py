from django.apps import AppConfig


class ConsentLogConfig(AppConfig):
    """The public transparency log over legal evidence (acceptances, version texts)."""

    name = "consent_log"
    verbose_name = "Consent transparency log"

    def ready(self):
        from . import checks  # noqa: F401  (registers the signing key check)
