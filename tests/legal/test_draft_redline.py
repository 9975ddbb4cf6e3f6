"""A redline of every draft: Legal and translators see what a draft changes before it goes out."""

import re

import pytest
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, streamfield
from wagtail_localize.models import StringTranslation

from core.localize import get_translation
from legal.models import LegalDocumentPage
from tests.helpers import publish_source
from tests.legal.test_admin_editing import form_items
from tests.legal.test_workflow_and_roles import changed_body, staff

pytestmark = pytest.mark.django_db


def changed_blocks(content: str) -> list[str]:
    """Numbers of the clauses and sections a redline marks as changed, added or removed."""
    pattern = r'<section class="diff-block diff-block--\w+ diff-block--\w+" id="p-([^"]+)"'
    return re.findall(pattern, content)


def save_draft(page, user):
    draft = LegalDocumentPage.objects.get(pk=page.pk)
    draft.body = changed_body(draft)
    draft.save_revision(user=user)
    return draft


def test_the_preview_offers_the_redline_of_the_unsaved_draft(client, policy):
    editor = staff("editor@jetu.kz", "Editors")
    client.force_login(editor)
    assert ("changes", "Изменения относительно действующей версии") in [
        (mode, str(label)) for mode, label in LegalDocumentPage.preview_modes
    ]
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page)
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "short_name": page.short_name,
            "change_summary": "",
            "material": "",
            "effective_from": "",
            "body": streamfield(form_items(page)),
        }
    )
    preview_url = f"/admin/pages/{policy.pk}/edit/preview/"
    assert client.post(preview_url, data).json()["is_valid"]
    content = client.get(preview_url, {"mode": "changes"}).content.decode()
    assert changed_blocks(content) == ["1.8"]
    assert re.search(r"<del>[^<]*пользователь", content)
    assert re.search(r"<ins>[^<]*посетитель", content)
    assert "1 пункт изменён" in content
    # The ordinary preview still shows the working text as readers would get it.
    plain = client.get(preview_url).content.decode()
    assert changed_blocks(plain) == []
    assert "посетитель" in plain


def test_the_kazakh_translation_preview_shows_the_kazakh_redline(client, policy, policy_kk):
    editor = staff("editor@jetu.kz", "Editors")
    publish_source(policy, changed_body(policy), summary="Уточнён пункт 1.8.")
    kk = Locale.objects.get(language_code="kk")
    translation = get_translation(LegalDocumentPage.objects.get(pk=policy.pk), kk)
    client.force_login(editor)
    url = f"/admin/localize/translate/{translation.pk}/preview/changes/"
    before = client.get(url).content.decode()
    assert 'lang="kk"' in before
    assert "Күшіндегі нұсқамен салыстырғандағы өзгерістер" in before
    # The untranslated clause falls back to Russian: the redline shows it as changed.
    assert "1.8" in changed_blocks(before)
    # Once translated, only that clause differs from the Kazakh text in force.
    po = translation.export_po()
    for entry in po:
        if not entry.msgstr:
            entry.msgstr = f"[kk] {entry.msgid}"
    translation.import_po(po)
    after = client.get(url).content.decode()
    # A rewritten clause may show as removed and added again, both under its number.
    assert set(changed_blocks(after)) == {"1.8"}
    assert StringTranslation.objects.filter(locale=kk, data__startswith="[kk]").exists()


def test_legal_compares_the_draft_with_the_version_in_force(client, policy, policy_kk):
    editor = staff("editor@jetu.kz", "Editors")
    lawyer = staff("lawyer@jetu.kz", "Legal")
    save_draft(policy, editor)
    client.force_login(lawyer)
    content = client.get(f"/admin/legal/{policy.pk}/compare/?b=draft&lang=ru").content.decode()
    assert changed_blocks(content) == ["1.8"]
    assert '<option value="draft" selected>' in content
    # The Kazakh draft has nothing new yet: no differences.
    kk = client.get(f"/admin/legal/{policy_kk.pk}/compare/?b=draft&lang=kk").content.decode()
    assert changed_blocks(kk) == []
    assert "Различий нет" in kk


def test_the_approval_screen_and_the_dashboard_link_to_the_draft_redline(client, policy):
    editor = staff("editor@jetu.kz", "Editors")
    lawyer = staff("lawyer@jetu.kz", "Legal")
    draft = save_draft(policy, editor)
    draft.get_workflow().start(draft, editor)
    client.force_login(lawyer)
    link = f"/admin/legal/{policy.pk}/compare/?b=draft&amp;lang=ru"
    edit = client.get(f"/admin/pages/{policy.pk}/edit/").content.decode()
    assert 'data-workflow-action-name="approve"' in edit
    assert link in edit
    assert link in client.get("/admin/").content.decode()
