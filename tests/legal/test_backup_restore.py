"""After pg_dump and pg_restore into a fresh database, every hash and the ledger chain verify."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from legal.models import LegalDocumentPage
from tests.conftest import postgres_only
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer

BASE_DIR = Path(__file__).resolve().parents[2]
RESTORED = "jetu_restore_check"


def run(*args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False, **kwargs)


@postgres_only()
@pytest.mark.postgres
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump not installed")
def test_dump_and_restore_keeps_every_hash_and_the_chain_verifiable(committed_content, tmp_path):
    policy = LegalDocumentPage.objects.get(locale__language_code="ru", slug="privacy")
    make_customer(email="backup@example.kz")
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    publish_version(policy, data, material=True)

    settings = connection.settings_dict
    conn_args = ["-h", settings["HOST"] or "127.0.0.1", "-U", settings["USER"] or "postgres"]
    dump = tmp_path / "jetu.dump"
    result = run("pg_dump", *conn_args, "-Fc", "-f", str(dump), settings["NAME"])
    assert result.returncode == 0, result.stderr
    run("dropdb", *conn_args, "--if-exists", RESTORED)
    assert run("createdb", *conn_args, RESTORED).returncode == 0
    try:
        result = run("pg_restore", *conn_args, "--no-owner", "-d", RESTORED, str(dump))
        assert result.returncode == 0, result.stderr
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jetu_cms.settings.test",
            "DATABASE_URL": f"postgres://{settings['USER']}@{conn_args[1]}:5432/{RESTORED}",
        }
        for command in ("verify_legal_versions", "verify_consent_ledger"):
            result = run(sys.executable, "manage.py", command, cwd=BASE_DIR, env=env)
            assert result.returncode == 0, result.stdout + result.stderr
            assert "intact" in result.stdout or "verify" in result.stdout
    finally:
        run("dropdb", *conn_args, "--if-exists", RESTORED)
