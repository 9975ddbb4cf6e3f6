"""How often the scheduler runs Wagtail's ``publish_scheduled`` (our wrapper records each run).

Wagtail publishes a page "at" its go-live time only when this command runs after it: once a
minute keeps scheduled policy versions within a minute of their time.
"""

from datetime import timedelta

PUBLISH_SCHEDULED_EVERY = timedelta(minutes=1)
