from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: what every other app of the project may rely on."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
