"""The translator sees, per changed clause, its previous Kazakh text and the Russian redline."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import TestCase

from legal.models import DocumentVersion
from tests.helpers import body_data, publish_source, replace_in_clause, translate_kk
from tests.legal.test_workflow_and_roles import staff

pytestmark = pytest.mark.django_db

KK_5_6 = "Интернет-дүкен өз Сатып алушыларының IP-мекенжайлары туралы статистика жинауды"


def change_5_6(policy):
    data = body_data(policy)
    replace_in_clause(data, "5.6", "сбор статистики", "сбор обезличенной статистики")
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish_source(policy, data, summary="Уточнён пункт 5.6.")


def rows(content: str) -> dict[str, str]:
    """Table rows of the translator's view by clause number (whitespace collapsed)."""
    body = content.split('<table class="listing translation-check translator-changes">')[1]
    return {
        number: re.sub(r"\s+", " ", row)
        for number, row in re.findall(r'<tr id="p-([^"]+)"(.*?)</tr>', body, re.S)
    }


def test_each_changed_clause_shows_its_old_kazakh_text_and_the_russian_redline(
    client, policy, policy_kk
):
    change_5_6(policy)
    translator = staff("translator@jetu.kz", "Editors")
    client.force_login(translator)
    content = client.get(f"/admin/legal/{policy_kk.pk}/translation/changes/").content.decode()

    changed = rows(content)
    assert list(changed) == ["5.6"]  # nothing else changed
    assert "<ins> обезличенной</ins>" in changed["5.6"]
    assert KK_5_6 in changed["5.6"]  # the Kazakh text of version 1, to edit
    assert "ещё не переведён" in changed["5.6"]
    assert "Уточнён пункт 5.6." in content  # the summary to translate

    # Once translated, the translator's own text stands beside the old one.
    translate_kk(policy, publish=False, user=translator)
    changed = rows(client.get(f"/admin/legal/{policy_kk.pk}/translation/changes/").content.decode())
    assert "[kk] Интернет-магазин осуществляет сбор обезличенной" in changed["5.6"]
    assert "ещё не переведён" not in changed["5.6"]


def test_the_translation_editor_points_to_the_changed_clauses(client, policy, policy_kk):
    change_5_6(policy)
    client.force_login(staff("translator@jetu.kz", "Editors"))
    response = client.get(f"/admin/pages/{policy_kk.pk}/edit/")
    content = response.content.decode()
    assert f'href="/admin/legal/{policy_kk.pk}/translation/changes/"' in content
    assert "Изменено после версии 1: 5.6." in content
    # The dashboard's legal panel links the same view.
    assert (
        f"/admin/legal/{policy_kk.pk}/translation/changes/"
        in client.get("/admin/").content.decode()
    )


def test_nothing_to_point_to_when_the_translation_is_up_to_date(client, policy_kk):
    client.force_login(staff("translator@jetu.kz", "Editors"))
    response = client.get(f"/admin/pages/{policy_kk.pk}/edit/")
    assert not any("/translation/changes/" in str(m) for m in get_messages(response.wsgi_request))
    content = client.get(f"/admin/legal/{policy_kk.pk}/translation/changes/").content.decode()
    assert "не изменился после версии 1" in content
    assert DocumentVersion.objects.count() == 1


def test_the_translation_editor_of_a_legal_page_hides_stop_synced_translation(client, policy_kk):
    client.force_login(staff("translator@jetu.kz", "Editors"))
    content = client.get(f"/admin/pages/{policy_kk.pk}/edit/").content.decode()
    assert "css/legal-translation-editor.css" in content
    assert "&quot;convertToAliasUrl&quot;: null" in content
