"""WSGI entry point: ``gunicorn jetu_cms.wsgi`` (see README.md for the full command)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jetu_cms.settings.dev")

application = get_wsgi_application()
