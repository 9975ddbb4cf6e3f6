import os

from django.apps import AppConfig


class BenchsiteConfig(AppConfig):
    """Bench-only app: a bare Wagtail page type, and the acceptance baseline's plain table.
    Installed only by ``benchsite.settings``."""

    name = "benchsite"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        if os.environ.get("JETU_BENCH_PLAIN_ACCEPTANCE") == "1":
            # The baseline server: everything an acceptance POST does, except that the ledger
            # write (one function, ``shop.services._acceptance_insert``) becomes a plain insert.
            from shop import services

            from .models import PlainAcceptance

            def plain_insert(acceptance):
                PlainAcceptance.objects.create(
                    customer_id=acceptance.customer_id,
                    version_id=acceptance.version_id,
                    text_id=acceptance.text_id,
                    text_sha256=acceptance.text_sha256,
                    language=acceptance.language,
                    accepted_at=acceptance.accepted_at,
                    ip_address=acceptance.ip_address,
                    user_agent=acceptance.user_agent,
                    channel=acceptance.channel,
                )

            services._acceptance_insert = plain_insert
