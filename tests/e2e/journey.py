"""What the browser journeys share: the words people see, the people, the change to the policy.

Expected texts come from the site's own catalogues (``t``), so the journeys read what a
visitor reads in either language, before and after the translators' work lands.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from home.roles import EDITORS, LEGAL, WORKFLOW_NAME
from legal.models import LegalDocumentPage
from tests.helpers import body_data, clause, publish_version, replace_in_clause

STAFF_PASSWORD = "Staff-pass-2024!"
PHONE = {"width": 390, "height": 844}


def t(language: str, message: str, **params) -> str:
    """``message`` as the site shows it in ``language`` (with ``%(name)s`` filled in)."""
    with translation.override(language):
        text = gettext(message)
    return text % params if params else text


def exactly(text: str) -> re.Pattern:
    """A pattern matching the whole of ``text`` (for accessible names and link texts)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def policy_page(language: str) -> LegalDocumentPage:
    return LegalDocumentPage.objects.get(locale__language_code=language, slug="privacy")


# ---------------------------------------------------------------------------------------
# The change every journey after publication works with: one word in 5.5, a new clause 5.11.

CHANGED_CLAUSE = "5.5"
OLD_WORD, NEW_WORD = "частям", "разделам"
KK_OLD_WORD, KK_NEW_WORD = "бөліктеріне", "бөлімдеріне"
NEW_CLAUSE = "5.11"
NEW_CLAUSE_RU = (
    "Продавец сообщает Покупателю об изменениях Политики конфиденциальности по электронной "
    "почте, указанной при регистрации."
)
NEW_CLAUSE_KK = (
    "Сатушы Құпиялылық саясатының өзгерістері туралы Сатып алушыға тіркелу кезінде "
    "көрсетілген электрондық пошта арқылы хабарлайды."
)
SUMMARY_RU = "Добавлен пункт 5.11 об уведомлениях по электронной почте; уточнён пункт 5.5."
SUMMARY_KK = "Электрондық пошта арқылы хабарлау туралы 5.11-тармақ қосылды; 5.5-тармақ нақтыланды."


def publish_v2(site) -> None:
    """Publish the change as version 2 (material) in ru and kk, as the editors would."""
    with site.lock:
        page = policy_page("ru")
        data = body_data(page)
        replace_in_clause(data, CHANGED_CLAUSE, OLD_WORD, NEW_WORD)
        data.append(clause(NEW_CLAUSE, f"<p>{NEW_CLAUSE_RU}</p>", style="list"))
        publish_version(page, data, material=True, summary=SUMMARY_RU)


def dismiss_cookie_notice(page: Page, language: str) -> None:
    """Click "Got it" on the cookie notice, as a visitor does on their first page."""
    notice = page.get_by_role("region", name=t(language, "Cookies"))
    notice.get_by_role("button", name=t(language, "Got it")).click()
    expect(notice).to_be_hidden()


# ---------------------------------------------------------------------------------------
# People


def make_staff(site, email: str, *, group: str | None = None, superuser: bool = False):
    """A member of staff in one of the roles (home/roles.py), or a superuser."""
    with site.lock:
        users = get_user_model().objects
        if superuser:
            return users.create_superuser(email=email, password=STAFF_PASSWORD)
        name = {EDITORS: "Редактор", LEGAL: "Юрист"}.get(group, "Сотрудник")
        user = users.create_user(
            email=email, password=STAFF_PASSWORD, first_name=name, last_name="Jetu"
        )
        user.groups.add(Group.objects.get(name=group))
        return user


def admin_login(page: Page, site, email: str) -> None:
    page.goto(site("/admin/login/"))
    # Django's form ids: the labels come from the user model and may be translated any day.
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name=t("ru", "Sign in")).click()
    expect(page).to_have_url(site("/admin/"))


def admin_messages(page: Page):
    return page.locator(".messages")


def workflow_submit_label() -> str:
    """The editor's button that sends a change to Legal (Wagtail's "Submit to …")."""
    return t("ru", "Submit to %(workflow_name)s", workflow_name=WORKFLOW_NAME)


# ---------------------------------------------------------------------------------------
# Accessibility

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page: Page, axe_js) -> list[dict]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    page.add_script_tag(path=str(axe_js))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(found: dict[str, list[dict]]) -> str:
    lines = []
    for url, violations in found.items():
        for v in violations:
            targets = ", ".join(v["nodes"][:6]) + (" …" if len(v["nodes"]) > 6 else "")
            lines.append(f"{url}: {v['id']} ({v['impact']}) — {v['help']} — {targets}")
    return "\n".join(lines)
