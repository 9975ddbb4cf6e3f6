"""Create a superuser with a generated password when there is none; print how to log in.

The password is printed once and kept in the git-ignored ``.admin-credentials`` file so a
later ``make run`` can remind the developer of it. No fixed password exists anywhere.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

CREDENTIALS_FILE = settings.BASE_DIR / ".admin-credentials"
ADMIN_EMAIL = "admin@jetu.kz"


class Command(BaseCommand):
    help = "Create a superuser with a generated password if none exists."

    def handle(self, *args, **options):
        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(email=ADMIN_EMAIL, password=password)
            CREDENTIALS_FILE.write_text(f"{ADMIN_EMAIL}\n{password}\n", encoding="utf-8")
            CREDENTIALS_FILE.chmod(0o600)
            self.stdout.write(self.style.SUCCESS("Created the administrator account."))
        if CREDENTIALS_FILE.exists():
            email, password = CREDENTIALS_FILE.read_text(encoding="utf-8").split()[:2]
            self.stdout.write(f"Admin log-in: {email} / {password}  (saved in .admin-credentials)")
        else:
            self.stdout.write("A superuser already exists; its password is not stored here.")
