"""The bilingual site a newcomer gets from ``make run``."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page

BASE_DIR = Path(__file__).resolve().parents[2]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
class TestLanguages:
    def test_root_redirects_to_russian_by_default(self, client):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/ru/"

    def test_root_redirects_kazakh_readers_to_kazakh(self, client):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9,ru;q=0.8")
        assert response["Location"] == "/kk/"

    @pytest.mark.parametrize("header", [";;;", "q=,,ru;;q=abc", "x" * 500, "🙂"])
    def test_malformed_accept_language_still_redirects_to_russian(self, client, header):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
        assert response["Location"] == "/ru/"

    @pytest.mark.parametrize("language", ["ru", "kk"])
    def test_home_pages_declare_their_language(self, client, language):
        response = client.get(f"/{language}/")
        assert response.status_code == 200
        assert html_lang(response) == language

    @pytest.mark.parametrize("language", ["ru", "kk"])
    def test_policy_is_reachable_in_both_languages(self, client, language):
        response = client.get(f"/{language}/legal/privacy/")
        assert response.status_code == 200
        assert html_lang(response) == language

    def test_language_switcher_leads_to_the_same_page(self, client):
        content = client.get("/ru/legal/privacy/").content.decode()
        switcher = content.split('class="language-switcher"')[1].split("</nav>")[0]
        assert 'href="/kk/legal/privacy/"' in switcher
        assert 'hreflang="kk"' in switcher

    def test_language_switcher_keeps_the_side_by_side_comparison(self, client):
        response = client.get("/ru/legal/privacy/compare/1/1/?mode=side&utm_source=mail")
        assert response.status_code == 200
        switcher = response.content.decode().split('class="language-switcher"')[1]
        switcher = switcher.split("</nav>")[0]
        assert 'href="/kk/legal/privacy/compare/1/1/?mode=side"' in switcher
        assert "utm_source" not in switcher

    def test_pages_list_hreflang_alternates(self, client):
        content = client.get("/kk/").content.decode()
        assert re.search(
            r'<link rel="alternate" hreflang="ru" href="http://testserver/ru/">', content
        )
        assert re.search(
            r'<link rel="alternate" hreflang="kk" href="http://testserver/kk/">', content
        )

    def test_interface_strings_are_translated(self, client):
        ru = client.get("/ru/").content.decode()
        kk = client.get("/kk/").content.decode()
        assert "Политика конфиденциальности" in ru
        assert "Құпиялылық саясаты" in kk


@pytest.mark.django_db
class TestHomePage:
    def test_home_presents_the_seller(self, client):
        content = client.get("/ru/").content.decode()
        assert "240440017017" in content
        assert "Коллекторское агентство" in content
        assert "Алматы" in content

    @pytest.mark.parametrize("language", ["ru", "kk"])
    def test_every_page_footer_links_to_the_policy_in_its_language(self, client, language):
        content = client.get(f"/{language}/").content.decode()
        footer = content.split('class="site-footer"')[1]
        assert f'href="/{language}/legal/privacy/"' in footer

    def test_cookie_notice_links_to_the_policy(self, client):
        content = client.get("/kk/").content.decode()
        notice = content.split("data-cookie-notice ")[1].split("</div>")[0]
        assert 'href="/kk/legal/privacy/"' in notice
        assert "data-cookie-notice-dismiss" in notice

    def test_wagtail_welcome_page_is_gone(self):
        assert not Page.objects.filter(title__icontains="Welcome to your new Wagtail site").exists()


@pytest.mark.django_db
class TestErrors:
    @pytest.mark.parametrize(
        ("url", "phrase"),
        [("/ru/no-such-page/", "Страница не найдена"), ("/kk/no-such-page/", "Бет табылмады")],
    )
    def test_unknown_url_gets_a_styled_404_in_the_visitors_language(self, client, url, phrase):
        response = client.get(url)
        assert response.status_code == 404
        content = response.content.decode()
        assert phrase in content
        assert 'class="site-header"' in content
        assert "Traceback" not in content


@pytest.mark.django_db
class TestInitialData:
    def test_load_initial_data_is_idempotent(self):
        before = list(
            Page.objects.order_by("pk").values_list("pk", "title", "live", "latest_revision_id")
        )
        call_command("load_initial_data", verbosity=0)
        after = list(
            Page.objects.order_by("pk").values_list("pk", "title", "live", "latest_revision_id")
        )
        assert before == after


@pytest.mark.django_db
class TestAdminAccount:
    def test_generated_credentials_log_in_to_the_admin(self, client, tmp_path, monkeypatch):
        from home.management.commands import ensure_admin

        credentials = tmp_path / ".admin-credentials"
        monkeypatch.setattr(ensure_admin, "CREDENTIALS_FILE", credentials)
        call_command("ensure_admin", verbosity=0)
        email, password = credentials.read_text().split()
        assert len(password) >= 12
        assert client.login(email=email, password=password)
        assert client.get("/admin/").status_code == 200
        # A second run keeps the same account and password.
        call_command("ensure_admin", verbosity=0)
        assert credentials.read_text().split() == [email, password]


def run_manage(*args, env_extra, drop=()):
    env = {**os.environ, **env_extra}
    for name in ("DATABASE_URL", *drop):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestProductionSettings:
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = run_manage(
            "check",
            env_extra={"DJANGO_SETTINGS_MODULE": "jetu_cms.settings.production"},
            drop=["DJANGO_SECRET_KEY"],
        )
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr

    def test_check_deploy_reports_no_warnings(self, tmp_path):
        from consent_log.signing import generate_key_file

        generate_key_file(tmp_path / "consent-log-key.pem")
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            env_extra={
                "DJANGO_SETTINGS_MODULE": "jetu_cms.settings.production",
                "DJANGO_SECRET_KEY": "a" * 20 + "-long-random-production-key-" + "z" * 30,
                "DJANGO_ALLOWED_HOSTS": "www.jetu.kz",
                "CONSENT_LOG_SIGNING_KEY_FILE": str(tmp_path / "consent-log-key.pem"),
            },
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_production_refuses_a_cache_that_lives_in_one_process(self, tmp_path):
        settings_file = tmp_path / "locmem_production.py"
        settings_file.write_text(
            "from jetu_cms.settings.production import *  # noqa\n"
            "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}\n"
        )
        result = run_manage(
            "check",
            "--deploy",
            env_extra={
                "DJANGO_SETTINGS_MODULE": "locmem_production",
                "PYTHONPATH": f"{tmp_path}{os.pathsep}{BASE_DIR}",
                "DJANGO_SECRET_KEY": "a" * 20 + "-long-random-production-key-" + "z" * 30,
                "DJANGO_ALLOWED_HOSTS": "www.jetu.kz",
            },
        )
        assert result.returncode != 0
        assert "jetu.E001" in result.stderr
        assert "lives inside one process" in result.stderr
        assert "WARNINGS" not in result.stdout + result.stderr
