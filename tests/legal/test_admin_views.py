"""Legal staff's admin views: versions with approver, comparison, ru↔kk check, no deletion."""

import pytest
from django.contrib.auth import get_user_model

from legal.models import LegalDocumentPage
from tests.helpers import body_data, publish_version, replace_in_clause

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser(email="a@jetu.kz", password="x"))
    return client


@pytest.fixture
def v2(policy):
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    return publish_version(policy, data, material=True)


def test_versions_list_shows_each_version_with_status(admin_client, policy, v2):
    response = admin_client.get(f"/admin/legal/{policy.pk}/versions/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "status--in_force" in content and "status--superseded" in content
    assert f"/admin/legal/{policy.pk}/compare/?a=1&amp;b=2" in content


def test_admin_compare_with_version_pickers_in_both_languages(admin_client, policy, v2):
    content = admin_client.get(
        f"/admin/legal/{policy.pk}/compare/?a=1&b=2&lang=ru"
    ).content.decode()
    assert "<del>пользователь</del>" in content and "<ins>посетитель</ins>" in content
    assert '<option value="2" selected>' in content
    kk = admin_client.get(f"/admin/legal/{policy.pk}/compare/?a=1&b=2&lang=kk&mode=side")
    assert kk.status_code == 200
    assert 'class="diff-columns"' in kk.content.decode()
    assert admin_client.get(f"/admin/legal/{policy.pk}/compare/?a=1&b=9").status_code == 404


def test_translation_check_puts_each_clause_beside_its_translation(admin_client, policy):
    content = admin_client.get(f"/admin/legal/{policy.pk}/versions/1/translation/").content.decode()
    row = content.split('id="p-4.3.2"')[1].split("</tr>")[0]
    assert "обеспечить хранение конфиденциальной информации" in row
    assert 'lang="kk"' in row
    assert "Blocks without a translation" not in content


def test_page_header_offers_versions_and_comparison(admin_client, policy):
    content = admin_client.get(f"/admin/pages/{policy.pk}/edit/").content.decode()
    assert f"/admin/legal/{policy.pk}/versions/" in content
    assert f"/admin/legal/{policy.pk}/compare/" in content


def test_deleting_a_document_with_versions_is_refused_with_a_message(admin_client, policy):
    response = admin_client.post(f"/admin/pages/{policy.pk}/delete/", follow=True)
    assert LegalDocumentPage.objects.filter(pk=policy.pk).exists()
    assert "Её нельзя удалить — опубликуйте новую версию." in response.content.decode()


def test_users_without_permission_cannot_see_versions(client, policy):
    user = get_user_model().objects.create_user(email="c@jetu.kz", password="x")
    client.force_login(user)
    assert client.get(f"/admin/legal/{policy.pk}/versions/").status_code in (302, 403)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/legal/99999999999999999999/versions/",
        "/admin/legal/99999999999999999999/compare/",
        "/admin/legal/1/versions/99999999999999999999/translation/",
    ],
)
def test_an_id_too_long_for_the_database_is_not_found(admin_client, policy, path):
    assert admin_client.get(path).status_code == 404


def test_legal_documents_are_listed_or_the_only_one_opened(admin_client, policy):
    response = admin_client.get("/admin/legal/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/legal/{policy.pk}/versions/"

    terms = policy.get_parent().add_child(
        instance=LegalDocumentPage(
            title="Пользовательское соглашение",
            slug="terms",
            short_name="Соглашение",
            body=body_data(policy),
            locale=policy.locale,
        )
    )
    content = admin_client.get("/admin/legal/").content.decode()
    for page in (policy, terms):
        assert f'href="/admin/legal/{page.pk}/versions/"' in content
        assert page.title in content
    assert "Версия 1" in content  # the policy's version in force
