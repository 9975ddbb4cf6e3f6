from django.apps import AppConfig


class ConsentLogConfig(AppConfig):
    """The public transparency log over legal evidence (acceptances, version texts)."""

    name = "consent_log"
    verbose_name = "Consent transparency log"
