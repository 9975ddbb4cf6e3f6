"""Versions: frozen numbered texts in ru and kk, effective dates, archive, immutability."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone
from wagtail.models import Revision

from core.append_only import ImmutableRecordError
from legal.canonical import text_digest
from legal.models import DocumentVersion, LegalDocumentPage, VersionText
from legal.publishing import PublicationError, PublishLegalTextAction
from tests.conftest import postgres_only
from tests.helpers import (
    body_data,
    clause,
    publish_source,
    publish_version,
    replace_in_clause,
    translate_kk,
)

pytestmark = pytest.mark.django_db


def texts_snapshot(version):
    return sorted(
        VersionText.objects.filter(version=version).values_list(
            "locale__language_code", "title", "blocks", "html", "sha256", "html_sha256"
        )
    )


def changed_body(policy, old="пользователь", new="посетитель"):
    data = body_data(policy)
    replace_in_clause(data, "1.8", old, new)
    return data


def test_initial_content_is_version_1_in_force_in_both_languages(policy):
    version = DocumentVersion.objects.get(document=policy)
    assert version.number == 1
    texts = {t.locale.language_code: t for t in version.texts.all()}
    assert set(texts) == {"ru", "kk"}
    for text in texts.values():
        assert text.sha256 == text_digest(text.title, text.blocks)
        assert len(text.sha256) == 64
    assert version.effective_from <= timezone.now()


def test_second_publication_is_v2_and_v1_stays_byte_for_byte(client, policy):
    v1 = DocumentVersion.objects.get(document=policy, number=1)
    before = texts_snapshot(v1)
    v2 = publish_version(policy, changed_body(policy), material=True)
    assert v2.number == 2
    assert texts_snapshot(v1) == before
    assert "посетитель" in client.get("/ru/legal/privacy/").content.decode()
    old = client.get("/ru/legal/privacy/versions/1/").content.decode()
    assert "Покупатель – пользователь Интернет-магазина" in old
    assert "Это версия 1, которая больше не действует." in old


def test_republishing_unchanged_text_makes_no_new_version(policy):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.save_revision().publish()
    assert DocumentVersion.objects.filter(document=policy).count() == 1


def test_handler_is_idempotent_for_one_publication(policy):
    v2 = publish_source(policy, changed_body(policy))
    again = PublishLegalTextAction(policy, revision=v2.revision).execute()
    assert again.pk == v2.pk
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_untranslated_version_is_pending_and_v1_still_served_in_both_languages(client, policy):
    publish_source(policy, changed_body(policy), material=True)
    for language, label in (("ru", "Версия"), ("kk", "Нұсқа")):
        page = client.get(f"/{language}/legal/privacy/").content.decode()
        assert f"<li>{label} <strong>1</strong></li>" in page
    ru = client.get("/ru/legal/privacy/").content.decode()
    assert "посетитель" not in ru
    archive = client.get("/ru/legal/privacy/versions/").content.decode()
    assert "status--pending_translation" in archive
    # Once the translation is published, v2 comes into force in both languages.
    translate_kk(LegalDocumentPage.objects.get(pk=policy.pk))
    assert "посетитель" in client.get("/ru/legal/privacy/").content.decode()
    assert "[kk]" in client.get("/kk/legal/privacy/").content.decode()


def test_incomplete_translation_is_refused(client, policy):
    publish_source(policy, changed_body(policy))
    with pytest.raises(PublicationError, match=r"\b60\b.*\b61\b"):
        translate_kk(LegalDocumentPage.objects.get(pk=policy.pk), complete=False)
    v2 = DocumentVersion.objects.get(document=policy, number=2)
    assert not v2.texts.filter(locale__language_code="kk").exists()
    # Readers of the Kazakh policy still get version 1, with no Russian filling the gaps.
    kk_page = client.get("/kk/legal/privacy/").content.decode()
    assert "<li>Нұсқа <strong>1</strong></li>" in kk_page
    assert "посетитель" not in kk_page


def test_future_effective_date_shows_notice_and_keeps_old_version_until_then(client, policy):
    effective = timezone.now() + timedelta(days=10)
    v2 = publish_version(policy, changed_body(policy), effective_from=effective, material=True)
    assert v2.effective_from == effective
    page = client.get("/ru/legal/privacy/").content.decode()
    assert "посетитель" not in page
    assert 'href="/ru/legal/privacy/versions/2/"' in page
    assert "Новая версия этого документа вступает в силу" in page
    assert "status--upcoming" in client.get("/ru/legal/privacy/versions/").content.decode()
    with time_machine.travel(effective + timedelta(minutes=1), tick=False):
        page = client.get("/ru/legal/privacy/").content.decode()
        assert "посетитель" in page
        kk_page = client.get("/kk/legal/privacy/").content.decode()
        assert "[kk]" in kk_page


def test_effective_date_before_the_previous_version_is_refused(policy):
    future = timezone.now() + timedelta(days=10)
    publish_version(policy, changed_body(policy), effective_from=future)
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page, "посетитель", "клиент")
    page.effective_from = future - timedelta(days=1)
    # The editor's form path: a field error on "takes effect on".
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    assert "effective_from" in excinfo.value.message_dict
    # Any other path (code, scheduled publishing) is refused at publication.
    revision = page.save_revision(clean=False)
    with pytest.raises((ValidationError, PublicationError)):
        revision.publish()
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_an_empty_date_before_an_upcoming_version_is_refused_before_going_live(policy):
    future = timezone.now() + timedelta(days=10)
    publish_version(policy, changed_body(policy), effective_from=future)
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    live_before = page.live_revision_id
    # No date means "at publication", which would come before version 2.
    with pytest.raises(PublicationError, match="версии 2"):
        publish_source(page, changed_body(page, "посетитель", "клиент"))
    assert LegalDocumentPage.objects.get(pk=policy.pk).live_revision_id == live_before
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_past_effective_date_means_publication_time(policy):
    v1 = DocumentVersion.objects.get(document=policy)
    past = v1.effective_from + timedelta(microseconds=1)  # after v1, but already passed
    v2 = publish_version(policy, changed_body(policy), effective_from=past)
    assert abs((v2.effective_from - v2.published_at).total_seconds()) < 1


def test_scheduled_publishing_still_creates_a_version(policy):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page)
    page.change_summary = "Уточнён пункт 1.8."
    page.material = False
    page.go_live_at = timezone.now() + timedelta(hours=1)
    page.save_revision().publish()
    assert DocumentVersion.objects.filter(document=policy).count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        call_command("publish_scheduled", verbosity=0)
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_versions_cannot_be_edited_or_deleted_through_the_app(policy):
    version = DocumentVersion.objects.get(document=policy)
    text = version.texts.first()
    text.title = "Подмена"
    with pytest.raises(ImmutableRecordError):
        text.save()
    with pytest.raises(ImmutableRecordError):
        text.delete()
    with pytest.raises(ImmutableRecordError):
        VersionText.objects.filter(pk=text.pk).update(title="x")
    with pytest.raises(ImmutableRecordError):
        DocumentVersion.objects.all().delete()


def test_purge_revisions_leaves_every_version_intact(policy):
    publish_version(policy, changed_body(policy))
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    for _ in range(3):
        page.save_revision()  # drafts that purge_revisions may delete
    before = {v.pk: texts_snapshot(v) for v in DocumentVersion.objects.all()}
    call_command("purge_revisions", verbosity=0)
    assert {v.pk: texts_snapshot(v) for v in DocumentVersion.objects.all()} == before
    for version in DocumentVersion.objects.all():
        assert Revision.objects.filter(pk=version.revision_id).exists()


def test_deleting_the_document_page_is_refused_while_it_has_versions(policy):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        LegalDocumentPage.objects.get(pk=policy.pk).delete()


def test_verify_command_passes_then_names_a_tampered_text(policy, capsys):
    call_command("verify_legal_versions")
    assert "verify" in capsys.readouterr().out
    text = VersionText.objects.get(version__document=policy, locale__language_code="kk")
    with connection.cursor() as cursor:  # as the owner of the schema, who may
        cursor.execute(
            "UPDATE legal_versiontext SET html = REPLACE(html, 'Сатушы', 'Сатып алушы') "
            "WHERE id = %s",
            [text.pk],
        )
    with pytest.raises(CommandError):
        call_command("verify_legal_versions")
    assert "privacy version 1 [kk]: rendered HTML hash mismatch" in capsys.readouterr().err


@pytest.mark.parametrize(
    "url",
    [
        "/ru/legal/privacy/versions/99/",
        "/kk/legal/privacy/versions/x/",
        "/ru/legal/privacy/versions/0/",
        "/ru/legal/privacy/versions/9999999999/",
    ],
)
def test_unknown_or_malformed_version_is_a_404_in_the_visitors_language(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert (
        "Страница не найдена" if url.startswith("/ru/") else "Бет табылмады"
    ) in response.content.decode()


def test_archive_lists_versions_with_status_and_summary(client, policy):
    publish_version(policy, changed_body(policy), material=True, summary="Уточнён пункт 1.8.")
    page = client.get("/ru/legal/privacy/versions/").content.decode()
    assert page.index("/ru/legal/privacy/versions/2/") < page.index("/ru/legal/privacy/versions/1/")
    assert "Уточнён пункт 1.8." in page
    assert "status--in_force" in page and "status--superseded" in page


def test_version_page_shows_its_hash(client, policy):
    text = VersionText.objects.get(version__document=policy, locale__language_code="kk")
    page = client.get("/kk/legal/privacy/versions/1/").content.decode()
    assert text.sha256 in page


def test_json_list_and_text(client, policy):
    publish_version(policy, changed_body(policy), material=True)
    data = client.get("/kk/legal/privacy/versions/json/").json()
    assert data["in_force"] == 2
    assert [v["number"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["material"] is True
    text = client.get(data["versions"][0]["json_url"]).json()
    stored = VersionText.objects.get(version__number=1, locale__language_code="kk")
    assert text["sha256"] == stored.sha256
    assert text["blocks"] == stored.blocks
    assert client.get("/kk/legal/privacy/versions/7/json/").status_code == 404


def count_queries(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_public_pages_cost_the_same_small_number_of_queries_with_1_or_50_versions(client, policy):
    urls = (
        "/ru/legal/privacy/",
        "/ru/legal/privacy/versions/",
        "/kk/legal/privacy/versions/1/",
        "/ru/legal/privacy/compare/1/1/",
        "/kk/legal/privacy/versions/json/",
    )
    client.get("/ru/legal/privacy/")  # warm Wagtail's site-root cache like a running server
    with_one = {url: count_queries(client, url) for url in urls}

    data = body_data(policy)
    data.append(clause("5.11", "<p>Версия 0.</p>", "list"))
    for n in range(49):
        data[-1]["value"]["text"] = f"<p>Версия {n}.</p>"
        publish_source(policy, data)
    translate_kk(LegalDocumentPage.objects.get(pk=policy.pk))
    assert DocumentVersion.objects.filter(document=policy).count() == 50
    assert "Версия 48." in client.get("/ru/legal/privacy/").content.decode()

    with_fifty = {url: count_queries(client, url) for url in urls}
    assert with_fifty == with_one
    assert max(with_one.values()) <= 15


@postgres_only()
@pytest.mark.postgres
def test_two_concurrent_publications_get_v2_and_v3(committed_content):
    policy = LegalDocumentPage.objects.get(locale__language_code="ru", slug="privacy")
    barrier = threading.Barrier(2)
    errors = []

    def publish(word):
        try:
            page = LegalDocumentPage.objects.get(pk=policy.pk)
            page.body = changed_body(page, "пользователь", word)
            # Each publication states what it changes and whether that is material.
            page.change_summary = f"«пользователь» заменено словом «{word}»."
            page.material = False
            revision = page.save_revision()
            barrier.wait(timeout=10)
            revision.publish()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(w,)) for w in ("посетитель", "клиент")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    numbers = sorted(
        DocumentVersion.objects.filter(document=policy).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3]
