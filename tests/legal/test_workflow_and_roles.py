"""Roles, the Legal approval workflow, the dashboard panel and change notices."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from wagtail.models import Workflow

from legal.models import DocumentVersion, LegalDocumentPage
from outbox.models import OutgoingMessage, Purpose
from shop.models import ChangeNotice
from shop.notices import notices_fan_out
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db
User = get_user_model()


def staff(email, *groups):
    user = User.objects.create_user(email=email, password="x", is_staff=True)
    user.groups.set([Group.objects.get(name=name) for name in groups])
    return user


@pytest.fixture
def editor():
    return staff("editor@jetu.kz", "Editors")


@pytest.fixture
def lawyer():
    return staff("lawyer@jetu.kz", "Legal")


@pytest.fixture
def manager():
    return staff("manager@jetu.kz", "Shop managers")


def changed_body(policy):
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    return data


def test_groups_exist_and_moderators_are_gone():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Legal",
        "Shop managers",
    }
    assert not Group.objects.filter(name="Moderators").exists()


def test_legal_sections_have_the_approval_workflow(policy, policy_kk):
    workflow = Workflow.objects.get(name="Legal approval")
    assert policy.get_workflow() == workflow
    assert policy_kk.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Legal"]


def test_editor_cannot_publish_a_legal_page(client, editor, policy):
    permissions = policy.permissions_for_user(editor)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    client.force_login(editor)
    from wagtail.test.utils.form_data import rich_text

    from tests.legal.test_admin_editing import form_items, post_edit

    items = form_items(policy)
    new_clause = {"number": "5.11", "text": rich_text("<p>Новый пункт.</p>"), "style": "list"}
    publish = {"action-publish": "action-publish"}
    post_edit(client, policy, [*items, ("clause", new_clause)], **publish)
    # The changed body was received (saved as a draft) but not published.
    draft = LegalDocumentPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    assert "5.11" in [b.value["number"] for b in draft.body if b.block_type == "clause"]
    assert DocumentVersion.objects.filter(document=policy).count() == 1
    assert "Новый пункт." not in client.get("/ru/legal/privacy/").content.decode()


def test_legal_approval_publishes_and_creates_the_version(client, editor, lawyer, policy):
    page = LegalDocumentPage.objects.get(pk=policy.pk)
    page.body = changed_body(page)
    page.material = True
    page.change_summary = "Уточнён пункт 1.8."
    revision = page.save_revision(user=editor)
    workflow = page.get_workflow()
    workflow_state = workflow.start(page, editor)
    assert workflow_state.status == "in_progress"
    assert DocumentVersion.objects.filter(document=policy).count() == 1

    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, lawyer, "approve")
    version = DocumentVersion.objects.get(document=policy, number=2)
    assert version.material
    assert version.revision_id == revision.pk
    # The admin's versions list names the approver.
    client.force_login(lawyer)
    content = client.get(f"/admin/legal/{policy.pk}/versions/").content.decode()
    row = content.split("<strong>2</strong>")[1].split("</tr>")[0]
    assert "lawyer@jetu.kz" in row
    # Wagtail's audit log records who submitted and who approved.
    from wagtail.models import PageLogEntry

    actions = set(PageLogEntry.objects.filter(page=policy).values_list("action", "user__email"))
    assert ("wagtail.workflow.start", "editor@jetu.kz") in actions
    assert ("wagtail.workflow.approve", "lawyer@jetu.kz") in actions
    assert ("wagtail.publish", "lawyer@jetu.kz") in actions


AREAS = {
    "admin": "/admin/",
    "legal versions": "/admin/legal/{policy}/versions/",
    "legal compare": "/admin/legal/{policy}/compare/",
    "edit policy": "/admin/pages/{policy}/edit/",
    "customers": "/admin/shop/customers/",
    "orders": "/admin/shop/orders/",
    "consent ledger": "/admin/reports/consent-ledger/",
}
# What each role may open (True) — everything else is refused.
MATRIX = {
    "Editors": {"admin", "edit policy"},
    "Legal": {"admin", "legal versions", "legal compare", "edit policy", "consent ledger"},
    "Shop managers": {"admin", "customers", "orders"},
}


@pytest.mark.parametrize("group", sorted(MATRIX))
def test_permission_matrix(client, policy, group):
    user = staff(f"{group.split()[0].lower()}@jetu.kz", group)
    client.force_login(user)
    for area, url in AREAS.items():
        response = client.get(url.format(policy=policy.pk))
        expected = (200,) if area in MATRIX[group] else (302, 403)
        assert response.status_code in expected, f"{group} → {area}: {response.status_code}"


def test_customers_reach_no_admin_area(client, policy):
    customer = make_customer(email="shopper@example.kz")
    client.force_login(customer.user)
    for url in AREAS.values():
        response = client.get(url.format(policy=policy.pk))
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def panel_of(content: str, name: str) -> str:
    return content.split(f'aria-labelledby="{name}-dashboard-')[1].split("</section>")[0]


def test_dashboard_panels_show_translation_and_acceptance_bar(client, lawyer, policy):
    make_customer(email="one@example.kz")
    make_customer(email="two@example.kz", language="kk")
    client.force_login(lawyer)
    content = client.get("/admin/").content.decode()
    assert "переведено 100%" in panel_of(content, "legal")
    consent = panel_of(content, "consent")
    assert "<meter" in consent and 'value="2"' in consent
    assert "покупателей: 2 из 2 (100%)" in consent


def test_closed_accounts_never_push_the_acceptance_figure_past_100_percent(client, lawyer, policy):
    from shop.services import customer_anonymise

    make_customer(email="stays@example.kz")
    for n in range(2):
        customer_anonymise(customer=make_customer(email=f"left{n}@example.kz"))
    client.force_login(lawyer)
    consent = panel_of(client.get("/admin/").content.decode(), "consent")
    assert "покупателей: 1 из 1 (100%)" in consent


def test_notices_go_once_to_every_customer_in_their_language(
    policy, django_capture_on_commit_callbacks
):
    ru_customer = make_customer(email="ru@example.kz", language="ru")
    kk_customer = make_customer(email="kk@example.kz", language="kk")
    publish_version(policy, changed_body(policy), material=True, summary="Уточнён пункт 1.8.")
    with django_capture_on_commit_callbacks(execute=True):
        assert sum(result.due for result in notices_fan_out()) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"ru@example.kz", "kk@example.kz"}
    ru_mail, kk_mail = by_recipient["ru@example.kz"], by_recipient["kk@example.kz"]
    assert "Уточнён пункт 1.8." in ru_mail.body
    assert "/ru/legal/privacy/compare/1/2/" in ru_mail.body
    assert "/kk/legal/privacy/versions/2/" in kk_mail.body
    assert "/kk/legal/privacy/compare/1/2/" in kk_mail.alternatives[0][0]
    assert ChangeNotice.objects.get(customer=kk_customer).language == "kk"
    assert ChangeNotice.objects.get(customer=ru_customer).language == "ru"
    # Running again sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert sum(result.due for result in notices_fan_out()) == 0
    assert len(mail.outbox) == 2


def test_a_crash_mid_batch_neither_repeats_nor_skips_anyone(
    policy, monkeypatch, django_capture_on_commit_callbacks
):
    customers = [make_customer(email=f"c{i}@example.kz") for i in range(7)]
    publish_version(policy, changed_body(policy))
    from shop import notices

    real_email = notices.notice_email
    calls = {"n": 0}

    def crashing_email(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("the template server went away")
        return real_email(**kwargs)

    monkeypatch.setattr(notices, "notice_email", crashing_email)
    first, second, third, *_ = sorted(c.pk for c in customers)
    with django_capture_on_commit_callbacks(execute=True):
        notices_fan_out(batch_size=3)  # the task of the second batch fails
    # The failed batch recorded nothing and queued nothing: notices and e-mails go together.
    assert ChangeNotice.objects.count() == 4
    assert OutgoingMessage.objects.filter(purpose=Purpose.CHANGE_NOTICE).count() == 4
    assert len(mail.outbox) == 4
    monkeypatch.setattr(notices, "notice_email", real_email)
    with django_capture_on_commit_callbacks(execute=True):
        assert sum(result.due for result in notices_fan_out(batch_size=3)) == 3
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(c.user.email for c in customers)


def test_customers_registered_after_the_version_get_no_notice(policy):
    publish_version(policy, changed_body(policy))
    make_customer(email="late@example.kz")
    assert sum(result.due for result in notices_fan_out()) == 0


def test_command_shows_progress(policy, capsys, django_capture_on_commit_callbacks):
    make_customer(email="p@example.kz")
    publish_version(policy, changed_body(policy))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_change_notices")
        # Recorded and queued; the e-mail goes when the transaction commits.
        out = capsys.readouterr().out
        assert "version 2: 1 customer(s) due, 1 batch(es) queued" in out
        assert "version 2: [--------------------] 0/1 sent, 1 pending, 0 failed" in out
        assert "Queued 1 notice(s)." in out
    call_command("send_change_notices")
    out = capsys.readouterr().out
    assert "version 2: 0 customer(s) due, 0 batch(es) queued" in out
    assert "version 2: [####################] 1/1 sent, 0 pending, 0 failed" in out


def test_legal_publishes_translations_editors_cannot(editor, lawyer, policy, policy_kk):
    assert policy_kk.permissions_for_user(lawyer).can_publish()
    assert not policy_kk.permissions_for_user(editor).can_publish()
    # The Russian source stays behind the workflow, even for Legal.
    assert not policy.permissions_for_user(lawyer).can_publish()


MENU = {
    "legal versions": '"/admin/legal/"',
    "consent ledger": '"/admin/reports/consent-ledger/"',
    "consent by version": '"/admin/reports/consent-by-version/"',
    "customers touched": '"/admin/reports/customers-touched/"',
}
# Which of those menu items each role is shown — the others are hidden, not merely refused.
MENU_MATRIX = {
    "Editors": set(),
    "Legal": {"legal versions", "consent ledger", "consent by version"},
    "Shop managers": {"customers touched"},
}


@pytest.mark.parametrize("group", sorted(MENU_MATRIX))
def test_each_role_is_shown_only_the_admin_menu_items_it_may_open(client, policy, group):
    client.force_login(staff(f"{group.split()[0].lower()}@jetu.kz", group))
    sidebar = client.get("/admin/").content.decode()
    shown = {item for item, url in MENU.items() if url in sidebar}
    assert shown == MENU_MATRIX[group]
    for item in MENU_MATRIX[group]:
        assert client.get(MENU[item].strip('"'), follow=True).status_code == 200, item
