"""The dashboard shows how the notices of each version are going and when periodic jobs ran."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from shop.notices import notices_fan_out
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer

pytestmark = pytest.mark.django_db


def panel(content: str, css_class: str) -> str:
    start = f'class="panel summary nice-padding {css_class}"'
    return content.split(start)[1].split("</section>")[0]


def test_notices_per_version_and_the_last_run_of_periodic_jobs(
    client, policy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # their welcome e-mails go
        make_customer(email="one@example.kz")
        make_customer(email="two@example.kz", language="kk")
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data)
    with django_capture_on_commit_callbacks():  # recorded and queued, not sent yet
        notices_fan_out()
    lawyer = get_user_model().objects.create_user(email="l@jetu.kz", password="x", is_staff=True)
    lawyer.groups.set([Group.objects.filter(name="Legal").get()])
    client.force_login(lawyer)

    content = client.get("/admin/").content.decode()
    notices = panel(content, "consent-dashboard")
    assert "ожидают отправки: 2, не отправлено: 0, ещё не в очереди: 0" in notices
    work = panel(content, "background-work")
    assert "send_change_notices" in work and "последний запуск" in work
    assert "ожидают отправки: 2, не отправлено: 0" in work
    assert "Просрочено" not in work

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = panel(client.get("/admin/").content.decode(), "background-work")
    assert "Просрочено: проверьте планировщик." in later
