"""The outbox in the Wagtail admin: a read-only listing of every e-mail and how it went.

Staff with ``outbox.view_outgoingmessage`` (Legal, Shop managers) see the status, the
attempts and the mail server's last answer, and can open a message to read what was sent.
Nothing is added, changed or deleted here: the outbox is a record of what the site sent.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic

from core.admin import ReadOnlyModelViewSet

from .models import OutgoingMessage


class OutgoingMessageInspectView(generic.InspectView):
    """Shows a message's text, except one queued with ``erase_when_sent``.

    Those carry secrets (a password-reset or confirmation link) or the data of someone whose
    data are being erased: staff see that it went and how, never what it said.
    """

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.erase_when_sent:
            self.fields = [name for name in self.fields if name != "text_body"]


class OutgoingMessageViewSet(ReadOnlyModelViewSet):
    model = OutgoingMessage
    inspect_view_class = OutgoingMessageInspectView
    icon = "mail"
    menu_label = _("Outgoing e-mail")
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "subject",
        "recipient",
        Column("purpose", label=_("purpose"), accessor="get_purpose_display"),
        Column("status", label=_("status"), accessor="get_status_display"),
        "attempts",
        DateColumn("created_at", label=_("queued at"), sort_key="created_at"),
        DateColumn("sent_at", label=_("sent at"), sort_key="sent_at"),
        "last_error",
    ]
    list_filter = ["status", "purpose", "language", "created_at"]
    search_fields = ["recipient", "subject", "key"]
    inspect_view_fields = [
        "recipient",
        "language",
        "purpose",
        "key",
        "message_id",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "subject",
        "erase_when_sent",
        "text_body",
    ]
