"""What a consent covers (Law 94-V, Art. 8): chosen by Legal, refused when missing, frozen."""

from __future__ import annotations

import importlib
import re
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.append_only import ImmutableRecordError
from legal.consent_terms import (
    SEED_TERMS,
    ConsentTermsValues,
    DataCategory,
    Purpose,
    Recipient,
    StorageTerm,
    normalised,
    terms_problems,
)
from legal.models import ConsentTerms, DocumentVersion, LegalDocumentPage
from legal.publishing import PublicationError
from tests.helpers import publish_source
from tests.legal.test_admin_editing import form_items, post_edit
from tests.legal.test_workflow_and_roles import changed_body

NONE = ConsentTermsValues([], [], None, [], None, "")


def set_terms(page, **fields):
    """Legal's choice on the page (the row the next publication starts from)."""
    LegalDocumentPage.objects.filter(pk=page.pk).update(**fields)


class TestRules:
    """Pure: what a publication needs, without a database."""

    def test_nothing_chosen_names_every_missing_term(self):
        assert set(terms_problems(NONE)) == {
            "consent_purposes",
            "consent_data_categories",
            "consent_third_party_transfer",
            "consent_cross_border_transfer",
            "consent_storage_term",
        }

    def test_transfer_to_third_parties_needs_their_names(self):
        values = SEED_TERMS._replace(third_parties=[])
        assert set(terms_problems(values)) == {"consent_third_parties"}
        assert terms_problems(values._replace(third_party_transfer=False)) == {}

    def test_a_no_to_cross_border_transfer_is_an_answer(self):
        assert terms_problems(SEED_TERMS) == {}
        assert set(terms_problems(SEED_TERMS._replace(cross_border_transfer=None))) == {
            "consent_cross_border_transfer"
        }

    def test_an_unknown_term_is_refused(self):
        assert set(terms_problems(SEED_TERMS._replace(storage_term="forever"))) == {
            "consent_storage_term"
        }

    def test_codes_are_kept_in_one_order_and_unknown_ones_dropped(self):
        values = normalised(
            SEED_TERMS._replace(
                purposes=["delivery", "nonsense", "identification"],
                third_party_transfer=False,
            )
        )
        assert values.purposes == ["identification", "delivery"]
        assert values.third_parties == []  # "no transfer" names nobody


def test_version_1_states_the_seed_policys_clauses_2_and_3(policy):
    terms = DocumentVersion.objects.get(document=policy, number=1).consent_terms
    # Clause 3.2 lists nine purposes (3.2.1-3.2.9), clause 2.2 four fields and 2.3 purchase
    # history and browsers; clause 4.3.2 the recipients; the data stay in Almaty (1.6).
    assert terms.purposes == [
        Purpose.IDENTIFICATION,
        Purpose.PAYMENTS,
        Purpose.DELIVERY,
        Purpose.SUPPORT,
        Purpose.PERSONALISED_SERVICES,
        Purpose.COMMUNICATION,
        Purpose.SERVICE_IMPROVEMENT,
        Purpose.PROMOTIONS,
        Purpose.STATISTICS,
    ]
    assert terms.data_categories == [
        DataCategory.FULL_NAME,
        DataCategory.PHONE,
        DataCategory.EMAIL,
        DataCategory.DELIVERY_ADDRESS,
        DataCategory.PURCHASE_HISTORY,
        DataCategory.BROWSER,
    ]
    assert terms.third_party_transfer is True
    assert terms.third_parties == [
        Recipient.COURIERS,
        Recipient.POST,
        Recipient.BANKS,
        Recipient.STATE_BODIES,
    ]
    assert terms.cross_border_transfer is False
    assert terms.storage_term == StorageTerm.UNTIL_WITHDRAWN


def test_the_kazakh_page_has_the_same_terms(policy, policy_kk):
    assert policy_kk.consent_terms_values() == policy.consent_terms_values()


def test_a_publication_without_terms_is_refused_with_a_clear_message(policy):
    set_terms(policy, consent_purposes=[], consent_cross_border_transfer=None)
    with pytest.raises(PublicationError) as refusal:
        publish_source(policy, changed_body(policy), material=True)
    assert "Выберите цели обработки" in str(refusal.value)
    assert "за пределы Республики Казахстан" in str(refusal.value)
    assert DocumentVersion.objects.filter(document=policy).count() == 1


def test_terms_are_frozen_into_the_version_and_later_ones_do_not_change_it(policy):
    set_terms(
        policy,
        consent_purposes=[Purpose.DELIVERY, Purpose.PAYMENTS],
        consent_third_party_transfer=False,
    )
    version = publish_source(policy, changed_body(policy), material=True)
    assert version.number == 2
    assert version.consent_terms.purposes == ["payments", "delivery"]
    assert version.consent_terms.third_party_transfer is False
    assert version.consent_terms.third_parties == []
    first = DocumentVersion.objects.get(document=policy, number=1).consent_terms
    assert len(first.purposes) == 9 and first.third_party_transfer is True
    with pytest.raises(ImmutableRecordError):
        first.save()


def test_new_terms_under_an_unchanged_text_make_a_new_version(policy):
    """Customers consent to the terms too: new terms are a new version to accept."""
    set_terms(policy, consent_cross_border_transfer=True)
    version = publish_source(policy, material=True, summary="Данные передаются за рубеж.")
    assert version.number == 2
    assert version.consent_terms.cross_border_transfer is True
    assert (
        version.texts.get().sha256
        == version.document.versions.get(number=1)
        .texts.filter(locale=version.texts.get().locale)
        .get()
        .sha256
    )
    # The same page again, nothing changed: no third version.
    LegalDocumentPage.objects.get(pk=policy.pk).save_revision().publish()
    assert DocumentVersion.objects.filter(document=policy).count() == 2


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(email="legal@jetu.kz", password="x")
    client.force_login(user)
    return client


def test_legal_sees_the_terms_of_the_version_in_force_on_the_edit_form(admin_client, policy):
    content = admin_client.get(f"/admin/pages/{policy.pk}/edit/").content.decode()
    ticked = re.findall(
        r'<input type="checkbox" name="consent_purposes" value="(\w+)"[^>]*checked', content
    )
    assert ticked == [choice.value for choice in Purpose]
    assert "Что охватывает согласие" in content
    assert "идентификация Покупателя для оформления заказа" in content


def test_the_admin_refuses_to_publish_without_purposes(admin_client, policy):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page)
    response = post_edit(
        admin_client,
        page,
        form_items(page),
        material="True",
        consent_purposes=[],
        consent_third_parties=[],
        **{"action-publish": "1"},
    )
    assert response.status_code == 200
    content = unescape(response.content.decode())
    assert (
        "Выберите цели обработки: согласие должно называть, для чего обрабатываются данные."
        in content
    )
    assert "Выберите, кому передаются персональные данные" in content
    assert DocumentVersion.objects.filter(document=policy).count() == 1


def test_the_admin_publishes_the_terms_legal_ticked(admin_client, policy):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page)
    response = post_edit(
        admin_client,
        page,
        form_items(page),
        material="True",
        consent_data_categories=["email", "full_name"],
        consent_storage_term="until_account_closed",
        **{"action-publish": "1"},
    )
    assert response.status_code == 302
    terms = DocumentVersion.objects.get(document=policy, number=2).consent_terms
    assert terms.data_categories == ["full_name", "email"]
    assert terms.storage_term == "until_account_closed"


def test_the_data_migration_fills_version_1_of_an_existing_deployment(policy):
    """A deployment that published version 1 before versions had terms gets the seed's."""
    migration = importlib.import_module("legal.migrations.0010_consent_terms_of_version_1")
    # A document published the old way: a version 1 without terms, a page without them.
    other = LegalDocumentPage(
        title="Условия", slug="terms", short_name="Условия", body=policy.body.raw_data
    )
    policy.get_parent().add_child(instance=other)
    revision = other.save_revision()
    version = DocumentVersion.objects.create(
        document=other,
        number=1,
        published_at=timezone.now(),
        effective_from=timezone.now(),
        revision=revision,
    )
    assert not ConsentTerms.objects.filter(version=version).exists()

    migration.fill(django_apps, None)
    migration.fill(django_apps, None)  # a second run changes nothing

    terms = ConsentTerms.objects.get(version=version)
    assert terms.values() == SEED_TERMS
    other = LegalDocumentPage.objects.get(pk=other.pk)
    assert other.consent_terms_values() == SEED_TERMS
    assert other.get_latest_revision_as_object().consent_terms_values() == SEED_TERMS
    assert SEED_TERMS.as_dict() == migration.SEED


def test_the_public_version_json_states_the_terms_in_its_language(client, policy):
    data = client.get("/kk/legal/privacy/versions/1/json/").json()
    terms = data["consent_terms"]
    assert terms["purposes"][2] == {"code": "delivery", "label": "Сатып алушыға тауарды жеткізу"}
    assert terms["cross_border_transfer"] is False
    ru = client.get("/ru/legal/privacy/versions/1/json/").json()["consent_terms"]
    assert ru["purposes"][2] == {"code": "delivery", "label": "доставка товара Покупателю"}
    assert [item["code"] for item in ru["third_parties"]] == [
        item["code"] for item in terms["third_parties"]
    ]
