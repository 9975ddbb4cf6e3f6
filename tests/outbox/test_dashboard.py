"""The dashboard shows how the notices of each version are going and when periodic jobs ran."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from outbox.models import JobRun
from outbox.services import job_run
from shop.notices import FAN_OUT_EVERY, notices_fan_out
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


SCHEDULED = ("consent_log_seal", "outbox_sweep", "publish_scheduled", "send_change_notices")
NEVER_RAN = "ещё ни разу не запускалась: проверьте планировщик."
OVERDUE = "Просрочено: проверьте планировщик."
UNFINISHED = "Последний запуск не завершился"


def job_entries(work: str) -> dict[str, str]:
    """Each periodic job's name and description (<dt>) with its state (<dd>), by job name."""
    entries = {}
    for chunk in work.split("<dt>")[1:]:
        name = chunk.split("<code>")[1].split("</code>")[0] if "<code>" in chunk else None
        if name:
            entries[name] = chunk
    return entries


@pytest.fixture
def legal_staff(client):
    lawyer = get_user_model().objects.create_user(email="l@jetu.kz", password="x", is_staff=True)
    lawyer.groups.set([Group.objects.filter(name="Legal").get()])
    client.force_login(lawyer)
    return client


def background_work(client) -> dict[str, str]:
    return job_entries(panel(client.get("/admin/").content.decode(), "background-work"))


def test_every_periodic_job_is_listed_and_warns_until_the_scheduler_runs_it(legal_staff):
    jobs = background_work(legal_staff)
    assert sorted(jobs) == sorted(SCHEDULED)
    for name in SCHEDULED:
        assert NEVER_RAN in jobs[name], name
    assert "публикует то, что редакторы запланировали" in jobs["publish_scheduled"]
    assert "запускается каждую 1 минуту" in jobs["publish_scheduled"]
    assert "запускается каждые 30 секунд" in jobs["consent_log_seal"]
    assert "запускается каждые 5 минут" in jobs["send_change_notices"]

    # What cron or the systemd timers run, each under its own name.
    for name in SCHEDULED:
        call_command(name, verbosity=0)
    jobs = background_work(legal_staff)
    for name in SCHEDULED:
        assert "последний запуск" in jobs[name], name
        assert NEVER_RAN not in jobs[name] and OVERDUE not in jobs[name], name

    # Three minutes without the scheduler: the jobs due every minute or 30 s are overdue,
    # the notice fan-out (every 5 minutes) is not yet.
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        later = background_work(legal_staff)
    for name in ("consent_log_seal", "outbox_sweep", "publish_scheduled"):
        assert OVERDUE in later[name], name
    assert OVERDUE not in later["send_change_notices"]


def test_publish_scheduled_still_publishes_what_was_scheduled(policy):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    home.title = "Jetu — запланировано"
    revision = home.save_revision(approved_go_live_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled", verbosity=0)
    home.refresh_from_db()
    assert home.live_revision_id == revision.pk  # Wagtail's command did its work
    assert home.title == "Jetu — запланировано"
    assert JobRun.objects.get(name="publish_scheduled").finished_at is not None


def test_a_run_that_failed_is_shown_as_not_finished(legal_staff):
    with pytest.raises(RuntimeError), job_run("send_change_notices", every=FAN_OUT_EVERY):
        raise RuntimeError("the database went away")
    assert UNFINISHED not in background_work(legal_staff)["send_change_notices"]
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        jobs = background_work(legal_staff)
    assert UNFINISHED in jobs["send_change_notices"]
    assert OVERDUE not in jobs["send_change_notices"]
