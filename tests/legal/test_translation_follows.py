"""After a Russian publication the Kazakh translation follows, and the dashboard says so."""

import re

import pytest
from django.test import TestCase
from wagtail.models import Locale
from wagtail_localize.models import Translation

from legal.models import LegalDocumentPage
from tests.helpers import publish_source
from tests.legal.test_workflow_and_roles import changed_body, staff

pytestmark = pytest.mark.django_db


def kk_translation(policy):
    return Translation.objects.get(
        source__object_id=policy.translation_key,
        target_locale=Locale.objects.get(language_code="kk"),
    )


def legal_panel(client) -> str:
    content = client.get("/admin/").content.decode()
    return content.split('class="panel summary nice-padding legal-dashboard"')[1].split(
        "</section>"
    )[0]


def test_a_russian_publication_syncs_the_kazakh_translation_by_itself(policy):
    total, done = kk_translation(policy).get_progress()
    assert done == total
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish_source(policy, changed_body(policy), summary="Уточнён пункт 1.8.")
    total, done = kk_translation(policy).get_progress()
    # The changed clause 1.8 and the new summary wait for the translator; nothing else.
    assert done == total - 2


@pytest.mark.parametrize("group", ["Editors", "Legal"])
def test_the_dashboard_tells_editors_and_legal_that_kazakh_is_waiting(client, policy, group):
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish_source(policy, changed_body(policy), summary="Уточнён пункт 1.8.")
    total, done = kk_translation(policy).get_progress()
    client.force_login(staff("someone@jetu.kz", group))
    panel = re.sub(r"\s+", " ", legal_panel(client))
    assert f"версия 2 ожидает перевода — переведено {done} из {total} сегментов" in panel
    kk_page = LegalDocumentPage.objects.get(
        translation_key=policy.translation_key, locale__language_code="kk"
    )
    assert f'href="/admin/pages/{kk_page.pk}/edit/"' in panel
    # Customers' figures are Legal's business only (the consent panel).
    assert ('aria-labelledby="consent-dashboard-' in client.get("/admin/").content.decode()) == (
        group == "Legal"
    )
