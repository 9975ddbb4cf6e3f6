"""Logging filters."""

import logging

from django.db import InterfaceError, OperationalError


class DatabaseUnavailableFilter(logging.Filter):
    """Drop ``django.request``'s traceback for a request that failed on an unreachable database.

    While the database is down every request fails the same way; the 503 handler logs one line
    per request ("Database unavailable"), which says everything a traceback would.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != "django.request" or not record.exc_info:
            return True
        return not isinstance(record.exc_info[1], OperationalError | InterfaceError)
