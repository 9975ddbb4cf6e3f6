from django.apps import AppConfig


class BenchsiteConfig(AppConfig):
    """Bench-only app: a bare Wagtail page type. Installed only by ``benchsite.settings``."""

    name = "benchsite"
    default_auto_field = "django.db.models.BigAutoField"
