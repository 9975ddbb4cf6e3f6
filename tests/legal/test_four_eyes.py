"""Four eyes: whoever wrote a legal text (a Russian draft, a Kazakh text) does not publish it."""

import pytest
from django.contrib.messages import get_messages
from wagtail.models import PageLogEntry

from legal.models import DocumentVersion, LegalDocumentPage, VersionText
from legal.review import FourEyesError
from tests.helpers import publish_source, translate_kk
from tests.legal.test_admin_editing import form_items, post_edit
from tests.legal.test_workflow_and_roles import changed_body, staff

pytestmark = pytest.mark.django_db


def submit(page, user, *, summary="Уточнён пункт 1.8."):
    page = LegalDocumentPage.objects.get(pk=page.pk)
    page.body = changed_body(page)
    page.change_summary = summary
    page.material = False
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)


def offers_approve(client, page, user) -> bool:
    client.force_login(user)
    content = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'data-workflow-action-name="reject"' in content  # a reviewer's menu either way
    return 'data-workflow-action-name="approve"' in content


def approve(task_state, user):
    task_state.task.specific.on_action(task_state, user, "approve")


def test_legal_cannot_approve_what_they_wrote_a_colleague_can(client, policy):
    author = staff("author@jetu.kz", "Legal")
    colleague = staff("colleague@jetu.kz", "Legal")
    state = submit(policy, author)

    assert not offers_approve(client, policy, author)
    response = client.get(f"/admin/pages/{policy.pk}/edit/")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("кто-то другой" in m for m in messages), messages
    with pytest.raises(FourEyesError):
        approve(state.current_task_state, author)
    assert DocumentVersion.objects.filter(document=policy).count() == 1

    assert offers_approve(client, policy, colleague)
    approve(state.current_task_state, colleague)
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_a_reviewer_who_edits_during_review_becomes_an_author(client, policy):
    editor = staff("editor@jetu.kz", "Editors")
    lawyer = staff("lawyer@jetu.kz", "Legal")
    other = staff("other@jetu.kz", "Legal")
    state = submit(policy, editor)
    assert offers_approve(client, policy, lawyer)
    # The lawyer fixes a word in the draft under review: now two people wrote it.
    page = LegalDocumentPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    page.change_summary = "Уточнён пункт 1.8 (формулировка)."
    page.save_revision(user=lawyer)
    assert not offers_approve(client, policy, lawyer)
    with pytest.raises(FourEyesError):
        approve(state.current_task_state, lawyer)
    approve(state.current_task_state, other)
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_an_autosave_that_changes_nothing_does_not_make_the_reviewer_an_author(client, policy):
    editor = staff("editor@jetu.kz", "Editors")
    lawyer = staff("lawyer@jetu.kz", "Legal")
    state = submit(policy, editor)
    # What Wagtail's autosave stores when the reviewer merely opens the editor.
    LegalDocumentPage.objects.get(pk=policy.pk).get_latest_revision_as_object().save_revision(
        user=lawyer
    )
    assert offers_approve(client, policy, lawyer)
    approve(state.current_task_state, lawyer)
    assert DocumentVersion.objects.filter(document=policy).count() == 2


def test_superusers_follow_four_eyes_in_the_task_and_their_direct_publication_is_logged(
    client, django_user_model, policy
):
    root = django_user_model.objects.create_superuser(email="root@jetu.kz", password="x")
    state = submit(policy, root)
    assert not offers_approve(client, policy, root)
    with pytest.raises(FourEyesError):
        approve(state.current_task_state, root)
    state.cancel(user=root)

    # Break glass: publishing directly works, and the audit log says so.
    draft = LegalDocumentPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    post_edit(client, policy, form_items(draft), **{"action-publish": "action-publish"})
    assert DocumentVersion.objects.filter(document=policy).count() == 2
    entry = PageLogEntry.objects.get(page=policy, action="legal.break_glass")
    assert entry.user == root
    history = client.get(f"/admin/pages/{policy.pk}/history/").content.decode()
    assert "суперпользователем" in history


def test_an_approval_by_someone_else_is_not_break_glass(client, policy):
    editor = staff("editor@jetu.kz", "Editors")
    lawyer = staff("lawyer@jetu.kz", "Legal")
    approve(submit(policy, editor).current_task_state, lawyer)
    assert not PageLogEntry.objects.filter(action="legal.break_glass").exists()


def test_the_kazakh_translator_cannot_publish_it_a_colleague_can(client, policy, policy_kk):
    translator = staff("translator@jetu.kz", "Legal")
    publisher = staff("publisher@jetu.kz", "Legal")
    version = publish_source(policy, changed_body(policy), summary="Уточнён пункт 1.8.")
    translate_kk(LegalDocumentPage.objects.get(pk=policy.pk), publish=False, user=translator)
    kk_page = LegalDocumentPage.objects.get(pk=policy_kk.pk)
    assert not kk_page.permissions_for_user(translator).can_publish()
    assert kk_page.permissions_for_user(publisher).can_publish()

    client.force_login(translator)
    content = client.get(f"/admin/pages/{kk_page.pk}/edit/").content.decode()
    assert "&quot;canPublish&quot;: false" in content
    response = client.post(f"/admin/pages/{kk_page.pk}/edit/", {"action": "publish"})
    assert response.status_code == 302
    assert "кто-то другой" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not VersionText.objects.filter(version=version, locale=kk_page.locale).exists()

    client.force_login(publisher)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/admin/pages/{kk_page.pk}/edit/", {"action": "publish"})
    assert VersionText.objects.filter(version=version, locale=kk_page.locale).exists()


def test_editors_cannot_put_files_where_customers_reach_them(client):
    editor = staff("editor@jetu.kz", "Editors")
    client.force_login(editor)
    for url in ("/admin/documents/multiple/add/", "/admin/images/multiple/add/"):
        assert client.get(url).status_code != 200, url
    assert not editor.has_perm("wagtaildocs.add_document")
    assert not editor.has_perm("wagtailimages.add_image")
