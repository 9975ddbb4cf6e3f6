"""Register the outbox's read-only listing in the Wagtail admin."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from core.admin import LimitedPermissionPolicy

from .admin_views import OutgoingMessageViewSet
from .models import OutgoingMessage

# Registered before any view asks for a policy (Wagtail refuses a late registration).
register_permission_policy(OutgoingMessage, LimitedPermissionPolicy(OutgoingMessage))


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutgoingMessageViewSet("outbox_messages", url_prefix="outbox")


@hooks.register("construct_homepage_panels")
def add_background_work_panel(request, panels):
    if request.user.has_perm("outbox.view_outgoingmessage"):
        from .panels import BackgroundWorkPanel

        panels.append(BackgroundWorkPanel())
