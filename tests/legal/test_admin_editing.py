"""Editing the policy through Wagtail's own admin views: add, reorder, save, publish, refuse."""

import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from legal.blocks import RICH_TEXT_FEATURES
from legal.models import DocumentVersion, LegalDocumentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(email="editor@jetu.kz", password="x")
    client.force_login(user)
    return client


def form_items(page: LegalDocumentPage) -> list[tuple[str, object]]:
    """The page body as the editor's form would post it."""
    items = []
    for child in page.body:
        if child.block_type == "preamble":
            items.append(("preamble", rich_text(child.value.source, features=RICH_TEXT_FEATURES)))
        elif child.block_type == "section":
            items.append(("section", dict(child.value)))
        else:
            text = child.value["text"]
            items.append(
                (
                    "clause",
                    {
                        "number": child.value["number"],
                        "text": rich_text(text.source if text else "", features=RICH_TEXT_FEATURES),
                        "style": child.value["style"],
                    },
                )
            )
    return items


def consent_form_data(page) -> dict:
    """The consent terms as the edit form posts them: ticked codes, yes/no radios."""
    values = page.consent_terms_values()
    yes_no = {True: "True", False: "False", None: ""}
    return {
        "consent_purposes": values.purposes,
        "consent_data_categories": values.data_categories,
        "consent_third_party_transfer": yes_no[values.third_party_transfer],
        "consent_third_parties": values.third_parties,
        "consent_cross_border_transfer": yes_no[values.cross_border_transfer],
        "consent_storage_term": values.storage_term,
    }


def post_edit(client, page, items, **extra):
    consent = consent_form_data(page)
    for name in list(extra):
        if name in consent:
            consent[name] = extra.pop(name)
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "short_name": page.short_name,
            "change_summary": "Добавлен пункт 5.11.",
            "material": "False",
            "effective_from": "",
            "body": streamfield(items),
            **extra,
        }
    )
    return client.post(f"/admin/pages/{page.pk}/edit/", {**data, **consent})


def unescape_json(content: str) -> str:
    """Wagtail embeds StreamField errors as JSON with \\uXXXX escapes; read them as text."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), content)


def number_index(items, number):
    return next(
        i
        for i, (kind, value) in enumerate(items)
        if kind != "preamble" and value["number"] == number
    )


def test_editor_adds_a_clause_reorders_saves_and_publishes(admin_client, policy):
    items = form_items(policy)
    items.append(
        ("clause", {"number": "5.11", "text": rich_text("<p>Новый пункт.</p>"), "style": "list"})
    )
    # Reorder: swap 5.9 and 5.10 back and forth is a no-op, so move 5.10 before 5.9.
    i9, i10 = number_index(items, "5.9"), number_index(items, "5.10")
    items[i9], items[i10] = items[i10], items[i9]

    response = post_edit(admin_client, policy, items)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.has_unpublished_changes
    assert DocumentVersion.objects.filter(document=policy).count() == 1

    response = post_edit(admin_client, policy, items, **{"action-publish": "action-publish"})
    assert response.status_code == 302
    version = DocumentVersion.objects.filter(document=policy).latest("number")
    assert version.number == 2
    ru_text = version.texts.get(locale__language_code="ru")
    numbers = [b["number"] for b in ru_text.blocks if b["type"] == "clause"]
    assert numbers[-3:] == ["5.10", "5.9", "5.11"]
    assert ru_text.blocks[-1]["html"].endswith("Новый пункт.</p>")


def test_duplicate_number_is_a_form_error_not_a_500(admin_client, policy):
    items = form_items(policy)
    items.append(
        ("clause", {"number": "5.10", "text": rich_text("<p>Дубль.</p>"), "style": "list"})
    )
    response = post_edit(admin_client, policy, items)
    assert response.status_code == 200
    content = unescape_json(response.content.decode())
    assert "5.10" in content
    assert "дважды" in content
    policy.refresh_from_db()
    assert not policy.has_unpublished_changes


def test_dangling_reference_is_refused_with_a_message_naming_it(admin_client, policy):
    items = form_items(policy)
    items.append(
        (
            "clause",
            {"number": "5.11", "text": rich_text("<p>См. п.9.9. выше.</p>"), "style": "list"},
        )
    )
    response = post_edit(admin_client, policy, items)
    assert response.status_code == 200
    assert "9.9" in response.content.decode()
    policy.refresh_from_db()
    assert not policy.has_unpublished_changes


def test_clause_outside_its_section_is_refused(admin_client, policy):
    items = form_items(policy)
    items.append(
        ("clause", {"number": "3.9", "text": rich_text("<p>Не там.</p>"), "style": "list"})
    )
    response = post_edit(admin_client, policy, items)
    assert response.status_code == 200
    assert "3.9" in response.content.decode()


def test_malformed_number_is_refused(admin_client, policy):
    items = form_items(policy)
    items.append(("clause", {"number": "5.x", "text": rich_text("<p>?</p>"), "style": "list"}))
    response = post_edit(admin_client, policy, items)
    assert response.status_code == 200
    assert "5.x" in response.content.decode()


def test_publishing_before_an_upcoming_version_keeps_the_draft_and_says_why(admin_client, policy):
    from datetime import timedelta

    from django.utils import timezone

    from tests.helpers import publish_version
    from tests.legal.test_workflow_and_roles import changed_body

    future = timezone.now() + timedelta(days=10)
    publish_version(policy, changed_body(policy), effective_from=future)  # upcoming
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    live_before = page.live_revision_id
    items = form_items(page)
    items[-1][1]["text"] = rich_text("<p>Изменённый последний пункт.</p>")

    # An empty date means "at publication", which would come before version 2.
    response = post_edit(
        admin_client,
        page,
        items,
        change_summary="Уточнён последний пункт.",
        **{"action-publish": "action-publish"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{policy.pk}/edit/"
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    assert page.live_revision_id == live_before
    assert page.has_unpublished_changes
    draft = page.get_latest_revision().as_object()
    assert "Изменённый последний пункт." in draft.to_blocks()[-1]["html"]
    assert DocumentVersion.objects.filter(document=policy).count() == 2
    messages = admin_client.get(response["Location"]).content.decode()
    assert "не может вступить в силу раньше версии 2" in messages
