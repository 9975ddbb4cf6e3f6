"""A mail backend for tests whose next sends fail as scripted, like a flaky SMTP server."""

from django.core.mail.backends.locmem import EmailBackend

# Exceptions the next send_messages calls raise, in order; empty means "accept".
FAILURES: list[BaseException] = []


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        if FAILURES:
            raise FAILURES.pop(0)
        return super().send_messages(messages)
