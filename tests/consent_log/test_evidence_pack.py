"""Legal's evidence pack: the exact texts a customer accepted, proven against the signed log.

The PDF is read back with pypdf (independent of WeasyPrint, which wrote it) and the proofs are
checked by running the verifier shipped inside the ZIP, as an outside expert would.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile

import pypdf
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from consent_log import receipts
from consent_log.services import log_seal
from home.roles import LEGAL
from legal.models import VersionText
from shop.http import RequestMeta
from shop.models import Acceptance
from shop.services import acceptance_record, customer_anonymise
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import make_customer, t, tamper, text_of


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def lawyer(client, django_user_model):
    """A member of the Legal group, as the roles migration sets it up."""
    user = django_user_model.objects.create_user(email="lawyer@jetu.kz", password="x")
    user.groups.add(Group.objects.get(name=LEGAL))
    client.force_login(user)
    return client


@pytest.fixture
def customer(policy):
    return make_customer()


@pytest.fixture
def kazakh_customer(policy):
    """A customer who accepted version 1 in Kazakh at registration, then version 2."""
    customer = make_customer(email="aigul@example.kz", language="kk")
    data = body_data(policy)
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки Товара")
    version = publish_version(policy, data, material=True)
    acceptance_record(
        customer=customer,
        version=version,
        language="kk",
        meta=RequestMeta(),
        channel=Acceptance.Channel.REACCEPTANCE,
    )
    return customer


def download(client, customer) -> zipfile.ZipFile:
    response = client.post(reverse("consent_log_evidence_download", args=[customer.pk]))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    assert f"evidence-customer-{customer.pk}-" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def clause_html(text: VersionText, number: str) -> str:
    return next(block["html"] for block in text.blocks if block.get("number") == number)


def kk_text(number: int) -> VersionText:
    return VersionText.objects.get(version__number=number, locale__language_code="kk")


@pytest.mark.django_db
def test_the_pack_holds_both_kazakh_texts_and_their_proofs(lawyer, kazakh_customer, tmp_path):
    log_seal()
    archive = download(lawyer, kazakh_customer)
    text = pdf_text(archive.read("evidence.pdf"))
    first, second = kk_text(1), kk_text(2)
    # The exact Kazakh wording of clause 2.2.4 in each version the customer accepted.
    old, new = (plain(clause_html(text, "2.2.4")) for text in (first, second))
    assert old != new
    assert old in text
    assert new in text
    assert first.title in text
    squeezed = text.replace(" ", "")
    for version_text in (first, second):
        assert version_text.sha256 in squeezed
    assert "Казахский" in text  # the language shown, named in Legal's (Russian) admin language
    # Leaf indices are the log's own (from 0, as the proofs use them), and the PDF says so.
    assert text.count("(нумерация с нуля)") >= 2

    names = set(archive.namelist())
    acceptances = json.loads(archive.read("acceptances.json"))
    assert [(a["version"], a["language"]) for a in acceptances] == [(1, "kk"), (2, "kk")]
    assert {a["channel"] for a in acceptances} == {"registration", "re-acceptance"}
    assert all(a["accepted_at"].endswith("+05:00") for a in acceptances)
    assert {"tree-head.json", "public-key.pem", "jetu_verify.py", "README.txt"} <= names
    proofs = sorted(name for name in names if name.startswith("proofs/"))
    assert len(proofs) == 4  # each acceptance and each text it refers to
    receipts_in_pack = sorted(name for name in names if name.startswith("receipts/"))
    assert len(receipts_in_pack) == 2

    # An outside expert unpacks it and runs the verifier that came with it.
    archive.extractall(tmp_path)
    checks = [[proof, "--head", "tree-head.json"] for proof in proofs]
    checks += [[receipt] for receipt in receipts_in_pack]  # against the head inside it
    for check in checks:
        result = subprocess.run(
            [sys.executable, "jetu_verify.py", "receipt", *check, "--key", "public-key.pem"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("OK:")
    # The texts as hashed: sha256 of the canonical file is the fingerprint the customer accepted.
    import hashlib

    canonical = (tmp_path / "texts" / "privacy-v2-kk.canonical.json").read_bytes()
    assert hashlib.sha256(canonical).hexdigest() == second.sha256


@pytest.mark.django_db
def test_every_download_is_recorded_in_wagtails_log(lawyer, kazakh_customer):
    log_seal()
    download(lawyer, kazakh_customer)
    entry = ModelLogEntry.objects.get(action="consent_log.evidence_pack")
    assert entry.object_id == str(kazakh_customer.pk)
    assert entry.user.email == "lawyer@jetu.kz"
    assert len(entry.data["sha256"]) == 64
    assert len(entry.data["acceptances"]) == 2


@pytest.mark.django_db
def test_only_staff_with_the_right_see_or_download_packs(client, django_user_model, customer):
    user = django_user_model.objects.create_user(email="shop@jetu.kz", password="x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(codename__in=["view_customer", "view_acceptance"]),
    )
    client.force_login(user)
    search = client.get(reverse("consent_log_evidence"), {"customer": customer.user.email})
    assert search.status_code in (302, 403)
    assert customer.user.email not in search.content.decode()
    pack = client.post(reverse("consent_log_evidence_download", args=[customer.pk]))
    assert pack.status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action="consent_log.evidence_pack").exists()
    assert reverse("consent_log_evidence") not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_legal_finds_the_customer_and_a_closed_account_by_id_only(lawyer, policy):
    open_account = make_customer(email="dana@example.kz", phone="+7 702 555 11 22")
    closed = make_customer(email="closed@example.kz", phone="+7 705 000 00 01")
    customer_anonymise(customer=closed)
    url = reverse("consent_log_evidence")
    assert url in lawyer.get("/admin/").content.decode()
    for query in ("dana@example.kz", "+7 702 555 11 22", str(open_account.pk)):
        page = lawyer.get(url, {"customer": query}).content.decode()
        assert reverse("consent_log_evidence_download", args=[open_account.pk]) in page, query
    by_id = lawyer.get(url, {"customer": str(closed.pk)}).content.decode()
    assert reverse("consent_log_evidence_download", args=[closed.pk]) in by_id
    for query in ("closed@example.kz", "+77050000001"):
        page = lawyer.get(url, {"customer": query}).content.decode()
        assert reverse("consent_log_evidence_download", args=[closed.pk]) not in page, query


@pytest.mark.django_db
def test_a_pack_download_must_be_posted(lawyer, customer):
    response = lawyer.get(reverse("consent_log_evidence_download", args=[customer.pk]))
    assert response.status_code == 405


@pytest.mark.django_db
def test_a_record_changed_after_it_was_logged_is_flagged_not_vouched_for(lawyer, customer):
    log_seal()
    acceptance = Acceptance.objects.get(customer=customer)
    tamper("UPDATE shop_acceptance SET ip_address = %s WHERE id = %s", ["10.6.6.6", acceptance.pk])
    archive = download(lawyer, customer)
    proof = json.loads(archive.read(f"proofs/acceptance-{acceptance.pk}.json"))
    assert proof["state"] == "changed"
    assert proof["inclusion_proof"] == []
    text = pdf_text(archive.read("evidence.pdf"))
    assert "10.6.6.6" in text
    assert "НЕТ: запись в базе данных больше не совпадает" in text


@pytest.mark.django_db
def test_a_pack_before_the_sequencer_ran_says_the_records_are_waiting(lawyer, customer):
    archive = download(lawyer, customer)
    assert "tree-head.json" not in archive.namelist()
    proofs = [json.loads(archive.read(n)) for n in archive.namelist() if n.startswith("proofs/")]
    assert {proof["state"] for proof in proofs} == {"pending"}
    text = pdf_text(archive.read("evidence.pdf"))
    assert "Подписанной вершины дерева ещё нет" in text


@pytest.mark.django_db
def test_each_acceptance_comes_with_the_receipt_my_account_offers(lawyer, customer, tmp_path):
    log_seal()
    archive = download(lawyer, customer)
    acceptance = Acceptance.objects.get(customer=customer)
    name = f"receipts/acceptance-{acceptance.pk}.json"
    token, _payload = receipts.receipt_for(acceptance)
    assert json.loads(archive.read(name)) == receipts.receipt_document(token)
    assert name in pdf_text(archive.read("evidence.pdf")).replace(" ", "")


@pytest.mark.django_db
def test_the_search_page_is_in_the_staff_language(lawyer, policy):
    page = text_of(lawyer.get(reverse("consent_log_evidence")))
    assert t("Evidence packs") in page
    assert t("Download the evidence pack") not in page  # nothing searched, nobody listed
