"""Wagtail admin integration for legal documents (kept thin: views live in admin_views)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Locale, Page, PagePermissionTester

from . import protection, review
from .admin_views import DRAFT, VIEW_PERMISSION, LegalAdminViewSet
from .models import LegalDocumentPage
from .publishing import PublicationError, PublishLegalTextAction


@hooks.register("register_admin_viewset")
def register_legal_admin():
    return LegalAdminViewSet()


@hooks.register("register_page_header_buttons")
def translation_buttons(page, user, view_name, next_url=None):
    """On a translated legal page: what changed for the translator; Legal's correction."""
    if not isinstance(page.specific_deferred, LegalDocumentPage) or review.is_source(page):
        return
    yield Button(
        _("What changed for the translator"),
        url=reverse("legal_admin:translator_changes", args=[page.pk]),
        icon_name="doc-full",
        priority=58,
    )
    if user.has_perm(VIEW_PERMISSION):
        yield Button(
            _("Correct this translation"),
            url=reverse("legal_admin:correction", args=[page.pk]),
            icon_name="edit",
            priority=59,
        )


@hooks.register("register_page_header_buttons")
def legal_document_buttons(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, LegalDocumentPage) and user.has_perm(VIEW_PERMISSION):
        yield Button(
            _("Versions"),
            url=reverse("legal_admin:versions", args=[page.pk]),
            icon_name="history",
            priority=60,
        )
        yield Button(
            _("Compare versions"),
            url=reverse("legal_admin:compare", args=[page.pk]),
            icon_name="resubmit",
            priority=61,
        )
        # Where Legal approves or rejects: what the draft changes against the version in force.
        yield Button(
            _("Changes in the draft"),
            url=draft_changes_url(page),
            icon_name="edit",
            priority=62,
        )


def draft_changes_url(page) -> str:
    """The admin redline of ``page``'s working text against the version in force."""
    language = page.locale.language_code
    return reverse("legal_admin:compare", args=[page.pk]) + f"?b={DRAFT}&lang={language}"


BULK_ACTIONS = {
    "delete": protection.DELETE,
    "unpublish": protection.UNPUBLISH,
    "move": protection.MOVE,
}


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_the_record(request, action_type, objects, action_class_instance):
    """Bulk delete/unpublish/move of a section holding legal pages takes them along: refuse."""
    action = BULK_ACTIONS.get(action_type)
    if action is None:
        return None
    for page in objects:
        if isinstance(page, Page) and (message := protection.refusal(page, action)):
            messages.error(request, message)
            return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("construct_page_action_menu")
def hide_convert_to_alias(menu_items, request, context):
    """wagtail-localize offers "Convert to alias page" on translations; never on legal pages."""
    page = context.get("page")
    if page is not None and protection.is_record_page(page):
        menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]


@hooks.register("before_edit_page", order=-10)
def four_eyes_in_the_editor(request, page):
    """Tell writers why they cannot approve or publish; log a superuser's break-glass.

    Runs before wagtail-localize's own hook, which takes over the edit view of translations
    (its "Publish" button posts here with ``action=publish``).
    """
    if not isinstance(page.specific_deferred, LegalDocumentPage):
        return None
    refusal = review.own_text_refusal(page, request.user)
    if request.method == "GET":
        if refusal and _may_sign_off(page, request.user):
            messages.warning(request, refusal)
        if not review.is_source(page):
            _point_to_the_changes(request, page)
        return None
    if request.POST.get("action") != "publish" or review.is_source(page):
        return None
    if refusal and not request.user.is_superuser:
        messages.error(request, refusal)
        return redirect("wagtailadmin_pages:edit", page.pk)
    reason = review.break_glass_reason(page, request.user)
    if reason is None:
        return None
    from wagtail_localize.models import Translation
    from wagtail_localize.views.edit_translation import edit_translation

    translation = Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()
    if translation is None:
        return None
    published_before = page.live_revision_id
    response = edit_translation(request, translation, page.specific)
    page.refresh_from_db()
    if page.live_revision_id != published_before:
        review.break_glass_log(page=page, user=request.user, reason=reason)
    return response


def _point_to_the_changes(request, page) -> None:
    """The translation editor shows segments only: link what changed, clause by clause."""
    from .comparison import translation_changes

    changes = translation_changes(page.specific)
    if changes.base is None or not changes.clauses:
        return
    numbers = ", ".join(
        c.change.new_number or c.change.old_number or str(_("preamble")) for c in changes.clauses
    )
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _(
                "Changed since version %(number)d: %(numbers)s. Each one's previous "
                "translation and the redline of the Russian text:"
            )
            % {"number": changes.base.number, "numbers": numbers},
            reverse("legal_admin:translator_changes", args=[page.pk]),
            _("What changed for the translator"),
        ),
    )


def _may_sign_off(page, user) -> bool:
    """The user is one who would otherwise approve (in the task) or publish this page."""
    task = page.current_workflow_task
    if task is not None and task.specific.get_actions(page, user):
        return True
    # Wagtail's own publish rule, without the four-eyes one.
    return not review.is_source(page) and PagePermissionTester(user, page).can_publish()


@hooks.register("before_publish_page")
def check_publication(request, page):
    """The editor's Publish button: refuse a publication that must not go live, keeping the
    draft; note a superuser's direct publication that bypasses Legal's approval (or four eyes).
    """
    if not isinstance(page.specific_deferred, LegalDocumentPage):
        return None
    try:
        PublishLegalTextAction(page, user=request.user).check()
    except PublicationError as error:
        messages.error(request, str(error))
        return redirect("wagtailadmin_pages:edit", page.pk)
    request.legal_break_glass = review.break_glass_reason(page, request.user)
    return None


@hooks.register("after_publish_page")
def log_break_glass(request, page):
    reason = getattr(request, "legal_break_glass", None)
    if reason:
        review.break_glass_log(page=page, user=request.user, reason=reason)


@hooks.register("register_log_actions")
def register_break_glass(actions):
    @actions.register_action(review.BREAK_GLASS)
    class BreakGlassFormatter(LogFormatter):
        label = _("Break-glass publication")

        def format_message(self, log_entry):
            reason = log_entry.data.get("reason")
            return str(review.BREAK_GLASS_REASONS.get(reason, self.label))


@hooks.register("construct_homepage_panels")
def add_legal_panel(request, panels):
    from .panels import LegalDashboardPanel

    if request.user.has_perm(VIEW_PERMISSION):
        panels.append(LegalDashboardPanel(request))
    elif any(
        page.permissions_for_user(request.user).can_edit()
        for page in LegalDocumentPage.objects.filter(locale=Locale.get_default())
    ):
        panels.append(LegalDashboardPanel(request, full=False))
