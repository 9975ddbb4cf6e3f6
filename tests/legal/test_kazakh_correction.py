"""A Kazakh-only correction: version N+1, Kazakh text corrected, Russian text as in N."""

import pytest
from django.test import TestCase
from wagtail.models import Locale

from core.localize import get_translation
from legal.models import DocumentVersion, LegalDocumentPage, TextCorrection
from legal.publishing import PublicationError, open_correction, text_correction_start
from legal.selectors import document_state
from shop.selectors import customer_consent
from tests.helpers import publish_source
from tests.legal.test_workflow_and_roles import changed_body, staff
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db

KK_OLD = "статистика жинауды"
KK_NEW = "статистикалық деректер жинауды"
SUMMARY_RU = "Исправлен казахский перевод пункта 5.6; русский текст не изменился."
SUMMARY_KK = "5.6-тармақтың қазақша аудармасы түзетілді; орысша мәтін өзгерген жоқ."


def correct_segment(policy, *, translator, old=KK_OLD, new=KK_NEW):
    """The translator edits the Kazakh clause in the translation editor (not published)."""
    kk = Locale.objects.get(language_code="kk")
    translation = get_translation(LegalDocumentPage.objects.get(pk=policy.pk), kk)
    po = translation.export_po()
    entry = next(e for e in po if old in e.msgstr)
    entry.msgstr = entry.msgstr.replace(old, new)
    translation.import_po(po, user=translator, tool_name="test")
    return translation


def start_correction(client, policy_kk, lawyer, *, material="False"):
    client.force_login(lawyer)
    return client.post(
        f"/admin/legal/{policy_kk.pk}/correction/",
        {"source_summary": SUMMARY_RU, "summary": SUMMARY_KK, "material": material},
    )


def publish_kk(client, policy_kk, user):
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/admin/pages/{policy_kk.pk}/edit/", {"action": "publish"})


def test_a_kazakh_correction_is_version_2_with_the_russian_text_of_version_1(
    client, policy, policy_kk
):
    lawyer = staff("lawyer@jetu.kz", "Legal")
    translator = staff("translator@jetu.kz", "Editors")
    publisher = staff("publisher@jetu.kz", "Legal")
    v1 = DocumentVersion.objects.get(document=policy, number=1)

    response = start_correction(client, policy_kk, lawyer)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{policy_kk.pk}/edit/"
    correct_segment(policy, translator=translator)
    # Four eyes still: the translator does not publish.
    kk_page = LegalDocumentPage.objects.get(pk=policy_kk.pk)
    assert not kk_page.permissions_for_user(translator).can_publish()
    publish_kk(client, policy_kk, publisher)

    v2 = DocumentVersion.objects.get(document=policy, number=2)
    assert v2.correction == TextCorrection.objects.get()
    assert v2.material is False
    assert v2.published_by == publisher
    ru1, ru2 = (v.texts.get(locale__language_code="ru") for v in (v1, v2))
    assert (ru2.sha256, ru2.html, ru2.title) == (ru1.sha256, ru1.html, ru1.title)
    assert ru2.change_summary == SUMMARY_RU
    kk2 = v2.texts.get(locale__language_code="kk")
    assert KK_NEW in kk2.html and KK_OLD not in kk2.html
    assert kk2.change_summary == SUMMARY_KK
    # Version 2 is in force in both languages and the correction is used up.
    assert document_state(policy).in_force.number == 2
    assert open_correction(document=policy, locale_id=policy_kk.locale_id) is None

    ru_compare = client.get("/ru/legal/privacy/compare/1/2/").content.decode()
    assert "Различий нет" in ru_compare
    kk_compare = client.get("/kk/legal/privacy/compare/1/2/").content.decode()
    assert "Айырмашылық жоқ" not in kk_compare
    assert "<ins>" in kk_compare and "деректер" in kk_compare
    kk_archive = client.get("/kk/legal/privacy/versions/").content.decode()
    assert SUMMARY_KK in kk_archive and SUMMARY_RU not in kk_archive


def test_a_changed_kazakh_text_without_a_correction_is_refused(client, policy, policy_kk):
    translator = staff("translator@jetu.kz", "Editors")
    correct_segment(policy, translator=translator)
    publisher = staff("publisher@jetu.kz", "Legal")
    with pytest.raises(PublicationError, match="сначала открывает исправление"):
        publish_kk(client, policy_kk, publisher)
    assert DocumentVersion.objects.filter(document=policy).count() == 1
    kk1 = DocumentVersion.objects.get(document=policy, number=1).texts.get(
        locale__language_code="kk"
    )
    assert KK_OLD in kk1.html


@pytest.mark.parametrize(("material", "kind"), [("False", "notice"), ("True", "required")])
def test_who_accepted_version_1_in_russian_is_asked_again_only_if_material(
    client, policy, policy_kk, material, kind
):
    customer = make_customer(email="aigerim@example.kz", language="ru")
    start_correction(client, policy_kk, staff("lawyer@jetu.kz", "Legal"), material=material)
    correct_segment(policy, translator=staff("translator@jetu.kz", "Editors"))
    publish_kk(client, policy_kk, staff("publisher@jetu.kz", "Legal"))

    status = customer_consent(customer, document_state(policy))
    assert status.in_force.number == 2
    assert status.kind == kind
    assert [v.summary("ru") for v in status.changes] == [SUMMARY_RU]


def test_no_correction_while_the_latest_version_waits_for_its_translation(policy, policy_kk):
    publish_source(policy, changed_body(policy), summary="Уточнён пункт 1.8.")
    with pytest.raises(PublicationError, match="переведите её в редакторе перевода"):
        text_correction_start(
            page=policy_kk, source_summary=SUMMARY_RU, summary=SUMMARY_KK, material=False
        )
    assert not TextCorrection.objects.exists()


def test_a_correction_of_an_older_version_is_stale_once_russian_moves_on(client, policy, policy_kk):
    start_correction(client, policy_kk, staff("lawyer@jetu.kz", "Legal"))
    assert open_correction(document=policy, locale_id=policy_kk.locale_id) is not None
    publish_source(policy, changed_body(policy), summary="Уточнён пункт 1.8.")
    assert open_correction(document=policy, locale_id=policy_kk.locale_id) is None


def test_only_legal_opens_a_correction(client, policy_kk):
    client.force_login(staff("editor@jetu.kz", "Editors"))
    response = client.post(
        f"/admin/legal/{policy_kk.pk}/correction/",
        {"source_summary": SUMMARY_RU, "summary": SUMMARY_KK, "material": "False"},
    )
    # Wagtail answers a refused admin view by sending the user back to the dashboard.
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not TextCorrection.objects.exists()


def test_legal_sees_a_second_correction_is_not_opened(client, policy_kk):
    lawyer = staff("lawyer@jetu.kz", "Legal")
    start_correction(client, policy_kk, lawyer)
    page = client.get(f"/admin/legal/{policy_kk.pk}/correction/").content.decode()
    assert SUMMARY_KK in page
    assert 'name="summary"' not in page
    with pytest.raises(PublicationError, match="уже открыто"):
        text_correction_start(
            page=policy_kk, source_summary=SUMMARY_RU, summary=SUMMARY_KK, material=False
        )
    assert TextCorrection.objects.count() == 1


def test_the_correction_keeps_the_consent_terms_and_russian_stays_version_2(
    client, policy, policy_kk
):
    from legal.selectors import version_terms

    start_correction(client, policy_kk, staff("lawyer@jetu.kz", "Legal"))
    correct_segment(policy, translator=staff("translator@jetu.kz", "Editors"))
    publish_kk(client, policy_kk, staff("publisher@jetu.kz", "Legal"))
    v1, v2 = DocumentVersion.objects.filter(document=policy).order_by("number")
    assert version_terms(v2).values() == version_terms(v1).values()
    # Publishing the unchanged Russian page again records nothing new.
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.save_revision().publish()
    assert DocumentVersion.objects.filter(document=policy).count() == 2
