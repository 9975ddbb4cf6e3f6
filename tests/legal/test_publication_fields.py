"""Fresh words for each publication: summary, material choice and date never carry over."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase
from wagtail.models import Locale

from core.localize import get_translation
from legal.models import DocumentVersion, LegalDocumentPage
from legal.publishing import PublicationError
from tests.helpers import publish_source, publish_version
from tests.legal.test_admin_editing import form_items, post_edit
from tests.legal.test_workflow_and_roles import changed_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser(email="s@jetu.kz", password="x"))
    return client


def publication_fields(client, page) -> dict:
    """What the editor sees in the "This publication" fields of the edit form."""
    content = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    summary = re.search(r'<textarea name="change_summary"[^>]*>(.*?)</textarea>', content, re.S)
    date = re.search(r'<input type="text" name="effective_from"([^>]*)>', content)
    material = re.findall(r'<input type="radio" name="material" value="(\w+)"([^>]*)>', content)
    assert summary and date and material, "the form shows the publication fields"
    value = re.search(r'value="([^"]*)"', date.group(1))
    return {
        "summary": unescape(summary.group(1)).strip(),
        "effective_from": value.group(1) if value else "",
        "material": [choice for choice, attributes in material if "checked" in attributes],
        "choices": [choice for choice, _ in material],
    }


def test_after_a_publication_the_next_draft_starts_empty(admin_client, policy):
    publish_version(policy, changed_body(policy), material=True, summary="Уточнён пункт 1.8.")
    fields = publication_fields(admin_client, policy)
    assert fields == {
        "summary": "",
        "effective_from": "",
        "material": [],
        "choices": ["True", "False"],
    }

    # An autosave after the publication repeats its words: the next draft still starts empty.
    LegalDocumentPage.objects.get(pk=policy.pk).get_latest_revision_as_object().save_revision()
    assert publication_fields(admin_client, policy)["summary"] == ""

    # The editor's own new words stay in the draft once saved.
    draft = LegalDocumentPage.objects.get(pk=policy.pk)
    post_edit(
        admin_client, draft, form_items(draft), change_summary="Новые слова.", material="True"
    )
    fields = publication_fields(admin_client, policy)
    assert fields["summary"] == "Новые слова."
    assert fields["material"] == ["True"]


def test_submitting_or_publishing_version_2_needs_a_summary_and_a_material_choice(
    admin_client, policy
):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page)
    for action in ("action-submit", "action-publish"):
        response = post_edit(
            admin_client, page, form_items(page), change_summary="", material="", **{action: "1"}
        )
        assert response.status_code == 200, action
        content = unescape(response.content.decode())
        assert "Напишите, что меняет эта версия" in content
        assert "существенное ли это изменение" in content
    assert DocumentVersion.objects.filter(document=policy).count() == 1
    assert not LegalDocumentPage.objects.get(pk=policy.pk).workflow_in_progress
    # A draft may be saved incomplete.
    response = post_edit(admin_client, page, form_items(page), change_summary="", material="")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("summary", "material", "refusal"),
    [
        ("", False, "Напишите, что меняет эта версия"),
        ("   ", True, "Напишите, что меняет эта версия"),
        ("Уточнён пункт 1.8.", None, "существенное ли это изменение"),
    ],
)
def test_code_cannot_publish_version_2_without_its_own_words_either(
    policy, summary, material, refusal
):
    with pytest.raises(PublicationError, match=refusal):
        publish_source(policy, changed_body(policy), summary=summary, material=material)
    assert DocumentVersion.objects.filter(document=policy).count() == 1


def test_yesterdays_summary_is_refused_for_the_next_version(policy):
    data = changed_body(policy)
    publish_version(policy, data, summary="Уточнён пункт 1.8.")
    data[-1]["value"]["text"] = data[-1]["value"]["text"].replace("</p>", " Ещё.</p>")
    with pytest.raises(PublicationError, match="версии 2"):
        publish_source(policy, data, summary="Уточнён пункт 1.8.")
    publish_source(policy, data, summary="Уточнён последний пункт.")
    assert DocumentVersion.objects.filter(document=policy).count() == 3


def test_the_first_version_and_an_unchanged_text_need_nothing(policy):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.change_summary = ""
    page.material = None
    page.save_revision().publish()  # the same text as version 1: no new version, no question
    assert DocumentVersion.objects.filter(document=policy).count() == 1


def test_the_kazakh_summary_must_be_translated_before_the_kazakh_text_goes_live(policy, policy_kk):
    summary = "Уточнён пункт 1.8."
    version = publish_source(policy, changed_body(policy), summary=summary)
    kk = Locale.objects.get(language_code="kk")
    translation = get_translation(LegalDocumentPage.objects.get(pk=policy.pk), kk)
    po = translation.export_po()
    for entry in po:
        if not entry.msgstr and entry.msgid != summary:
            entry.msgstr = f"[kk] {entry.msgid}"
    translation.import_po(po)
    total, done = translation.get_progress()
    assert done == total - 1  # only the summary is left
    with (
        pytest.raises(PublicationError, match=rf"\b{done}\b.*\b{total}\b"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        translation.save_target(publish=True)
    assert not version.texts.filter(locale=kk).exists()
