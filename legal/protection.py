"""The live legal pages are part of the record: no one may delete, unpublish, move or copy them.

Frozen versions never depend on the live pages, but customers do: the registration checkbox,
the change notices and every receipt link to ``/<lang>/legal/privacy/``, and the Kazakh page
is what keeps the Kazakh text in force. So the actions that would break those links or the
translation are refused for every role, superusers included, wherever Wagtail or
wagtail-localize offers them: the permission tester hides them from menus, and
``RecordProtectionMiddleware`` answers a direct request with a message saying why.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, PagePermissionTester

DELETE = "delete"
UNPUBLISH = "unpublish"
MOVE = "move"
COPY = "copy"
PRIVACY = "privacy"
CONVERT_TO_ALIAS = "convert_to_alias"
STOP_TRANSLATION = "stop_translation"

# Whole sentences per action: Kazakh word order does not allow gluing a verb into one template.
REFUSALS = {
    DELETE: _(
        "“%(title)s” holds the legal record: customers accepted its texts and their links "
        "lead here. It cannot be deleted; publish a new version instead."
    ),
    UNPUBLISH: _(
        "“%(title)s” holds the legal record: customers accepted its texts and their links "
        "lead here. It cannot be unpublished; publish a new version instead."
    ),
    MOVE: _(
        "“%(title)s” holds the legal record: customers accepted its texts and their links "
        "lead here. It cannot be moved, or those links would break."
    ),
    COPY: _(
        "“%(title)s” holds the legal record. It cannot be copied: a copy would be a second, "
        "unversioned legal document."
    ),
    PRIVACY: _(
        "“%(title)s” holds the legal record. It cannot be made private: every visitor must "
        "be able to read the text in force."
    ),
    CONVERT_TO_ALIAS: _(
        "The translation “%(title)s” cannot be converted to an alias: that would delete the "
        "translation and show the Russian text on the Kazakh pages. Edit the translation "
        "instead."
    ),
    STOP_TRANSLATION: _(
        "The translation “%(title)s” cannot stop being synchronised: its next versions would "
        "no longer be checked for completeness. Edit the translation instead."
    ),
}


def is_record_page(page: Page) -> bool:
    """A legal section or legal document page, in any language.

    The translation editor asks about snippets too (products); those are never legal pages.
    """
    from .models import LegalDocumentPage, LegalIndexPage

    if not isinstance(page, Page):
        return False
    return issubclass(page.specific_class or Page, (LegalIndexPage, LegalDocumentPage))


def holds_record(page: Page) -> bool:
    """The page is a legal page or has one below it (deleting it would take them along)."""
    from .models import LegalDocumentPage, LegalIndexPage

    if is_record_page(page):
        return True
    return page.get_descendants().type(LegalIndexPage, LegalDocumentPage).exists()


def refusal(page: Page, action: str) -> str | None:
    """Why ``action`` is refused on ``page`` (a whole sentence), or None if it is allowed.

    Actions that take the descendants along (delete, unpublish, move, copy, privacy) are
    refused on the pages above the legal ones too.
    """
    if action in (CONVERT_TO_ALIAS, STOP_TRANSLATION):
        refused = is_record_page(page)
    else:
        refused = holds_record(page)
    if not refused:
        return None
    return REFUSALS[action] % {"title": page.get_admin_display_title()}


class RecordPagePermissionTester(PagePermissionTester):
    """Wagtail's tester minus the destructive actions, for every user (superusers too),
    and minus publishing one's own text (legal.review).

    Wagtail reads this tester to build its menus, listing buttons, bulk actions and the
    translation editor's footer, and checks it again in each view.
    """

    def can_delete(self, ignore_bulk=False):
        return False

    def can_unpublish(self):
        return False

    def can_move(self):
        return False

    def can_move_to(self, destination):
        return False

    def can_copy(self):
        return False

    def can_copy_to(self, destination, recursive=False):
        return False

    def can_set_view_restrictions(self):
        return False

    def can_publish(self):
        """Four eyes: who wrote the text does not publish it (superusers: see legal.review)."""
        from .review import own_text_refusal

        if not super().can_publish():
            return False
        return self.user.is_superuser or own_text_refusal(self.page, self.user) is None
