"""No one can delete, unpublish, move, copy or alias the live legal pages (the record)."""

import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation

from legal.models import LegalDocumentPage, LegalIndexPage

pytestmark = pytest.mark.django_db
User = get_user_model()

ROLES = ["Editors", "Legal", "superuser"]


def make_user(role):
    if role == "superuser":
        return User.objects.create_superuser(email="root@jetu.kz", password="x")
    user = User.objects.create_user(email=f"{role.lower()}@jetu.kz", password="x", is_staff=True)
    user.groups.set([Group.objects.get(name=role)])
    return user


def legal_pages():
    """Both legal sections and both documents, ru and kk."""
    return [
        *LegalIndexPage.objects.order_by("locale__language_code"),
        *LegalDocumentPage.objects.order_by("locale__language_code"),
    ]


def snapshot(page):
    page = Page.objects.get(pk=page.pk)
    return (page.live, page.path, page.url_path, page.alias_of_id, Page.objects.count())


def action_urls(page):
    parent = page.get_parent()
    return {
        "delete": f"/admin/pages/{page.pk}/delete/",
        "unpublish": f"/admin/pages/{page.pk}/unpublish/",
        "move": f"/admin/pages/{page.pk}/move/",
        "move_confirm": f"/admin/pages/{page.pk}/move/{parent.get_parent().pk}/confirm/",
        "copy": f"/admin/pages/{page.pk}/copy/",
        "privacy": f"/admin/pages/{page.pk}/privacy/",
    }


def refusal_of(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("role", ROLES)
def test_destructive_actions_are_refused_with_a_reason_for_every_role(client, role):
    client.force_login(make_user(role))
    for page in legal_pages():
        before = snapshot(page)
        for action, url in action_urls(page).items():
            for method in (client.get, client.post):
                response = method(url, {"new_title": "Копия", "new_slug": "copy"})
                assert response.status_code == 302, (role, page, action, response.status_code)
                assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
                message = refusal_of(response)
                assert page.title in message and "нельзя" in message, (action, message)
        assert snapshot(page) == before


@pytest.mark.parametrize("role", ROLES)
def test_convert_to_alias_is_refused_and_the_translation_survives(client, role, policy_kk):
    client.force_login(make_user(role))
    translation = Translation.objects.get(
        source__object_id=policy_kk.translation_key, target_locale=policy_kk.locale
    )
    for url in (
        f"/admin/localize/page/{policy_kk.pk}/convert_to_alias/",
        f"/admin/localize/translate/{translation.pk}/disable/",
    ):
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/admin/pages/{policy_kk.pk}/edit/"
        assert "перевод" in refusal_of(response)
    policy_kk.refresh_from_db()
    assert policy_kk.alias_of_id is None
    assert Translation.objects.get(pk=translation.pk).enabled
    # The editor's "Convert to alias page" action posts to the edit view: refused as well.
    response = client.post(
        f"/admin/pages/{policy_kk.pk}/edit/", {"localize-convert-to-alias": "1"}, follow=True
    )
    policy_kk.refresh_from_db()
    assert policy_kk.alias_of_id is None


def test_the_pages_above_the_record_cannot_be_deleted_or_unpublished_either(client, policy):
    client.force_login(make_user("superuser"))
    home = policy.get_parent().get_parent()
    before = snapshot(home)
    for action in ("delete", "unpublish"):
        response = client.post(f"/admin/pages/{home.pk}/{action}/")
        assert response["Location"] == f"/admin/pages/{home.pk}/edit/"
        assert "нельзя" in refusal_of(response)
    response = client.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={home.pk}", {"include_descendants": "on"}
    )
    assert response.status_code == 302
    assert "нельзя" in refusal_of(response)
    assert snapshot(home) == before
    assert LegalDocumentPage.objects.count() == 2


def translation_editor_props(content):
    raw = re.search(r'class="js-translation-editor" data-props="([^"]*)"', content).group(1)
    return json.loads(unescape(raw))


@pytest.mark.parametrize("role", ROLES)
def test_menus_do_not_offer_the_destructive_actions(client, role, policy):
    client.force_login(make_user(role))
    for page in legal_pages():
        content = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
        if "js-translation-editor" in content:
            # wagtail-localize's editor gets every URL but shows a button only when allowed.
            props = translation_editor_props(content)
            assert props["links"]["convertToAliasUrl"] is None
            assert not props["perms"]["canDelete"]
            assert not props["perms"]["canUnpublish"]
        else:
            for action, url in action_urls(page).items():
                # The privacy dialog is always in the page; only its button depends on rights.
                if action not in ("move_confirm", "privacy"):
                    assert url not in content, (role, page, action)
        assert 'data-a11y-dialog-show="set-privacy"' not in content
        assert "convert_to_alias" not in content
    listing = client.get(f"/admin/pages/{policy.get_parent().pk}/").content.decode()
    for action in ("delete", "unpublish", "move", "copy"):
        assert f"/admin/pages/{policy.pk}/{action}/" not in listing


def test_other_pages_keep_their_actions(client):
    client.force_login(make_user("superuser"))
    ru = Locale.objects.get(language_code="ru")
    home = Page.objects.get(locale=ru, depth=2)
    leaf = home.add_child(instance=Page(title="Акция", slug="promo", locale=ru))
    response = client.post(f"/admin/pages/{leaf.pk}/delete/")
    assert response.status_code == 302
    assert not Page.objects.filter(pk=leaf.pk).exists()
