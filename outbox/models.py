"""The outbox: every e-mail the site sends, written in the transaction of the fact behind it.

A caller records its fact (a registration, an order, a change notice due) and the rendered
message in one transaction; a task sends the message after the commit. See ``outbox.services``
for the delivery semantics (at-least-once, with a stable ``Message-ID``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """Why a message is sent; labels are what staff see in the outbox listing."""

    CHANGE_NOTICE = "change-notice", _("change notice")
    REGISTRATION = "registration", _("registration")
    ORDER_CONFIRMATION = "order-confirmation", _("order confirmation")
    ACCOUNT_CLOSED = "account-closed", _("account closed")
    EMAIL_CHANGE_CONFIRM = "email-change-confirm", _("e-mail change: confirmation")
    EMAIL_CHANGE_NOTICE = "email-change-notice", _("e-mail change: notice to the old address")
    PASSWORD_RESET = "password-reset", _("password reset")


class OutgoingMessage(models.Model):
    """One e-mail to one recipient, rendered when its fact was recorded, and how its sending went.

    ``(recipient, purpose, key)`` is unique and determines ``message_id``, so queueing the same
    message twice yields one row, and a message that had to be sent twice (see
    ``outbox.services``) reaches the recipient with the same ``Message-ID`` both times.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    key = models.CharField(
        _("key"),
        max_length=200,
        help_text=_("What the message is about, e.g. the order or the version it announces."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    subject = models.CharField(_("subject"), max_length=255)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(
        _("sent at"), null=True, blank=True, help_text=_("When the mail server accepted it.")
    )
    last_error = models.TextField(_("last error"), blank=True)
    erase_when_sent = models.BooleanField(
        _("erase when sent"),
        default=False,
        help_text=_("The address and the text are erased once the mail server accepts it."),
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "purpose", "key"], name="outbox_message_once"
            ),
        ]
        indexes = [
            # The sweeper's question: which pending messages are overdue?
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_due",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} → {self.recipient or '—'}"


class JobRun(models.Model):
    """When a periodic job last ran, for the dashboard's "overdue" warning."""

    name = models.CharField(_("job"), max_length=64, unique=True)
    every = models.DurationField(_("runs every"))
    started_at = models.DateTimeField(_("last started at"))
    finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        default_permissions = ("view",)

    def __str__(self):
        return self.name

    def is_overdue(self, now) -> bool:
        """Not started for more than twice its interval (a missed run or two is noise)."""
        return now - self.started_at > 2 * self.every
