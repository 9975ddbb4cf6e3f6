"""Consent receipts: what the customer downloads from My account, and what anyone can check."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from joserfc import jws
from joserfc.jwk import OKPKey

from consent_log import receipts, signing
from consent_log.models import Leaf, Node, TreeHead
from consent_log.services import log_seal
from legal.models import DocumentVersion
from shop.models import Acceptance
from tests.consent_log.test_public_log import get_json, run_verifier
from tests.helpers import publish_version
from tests.legal.test_workflow_and_roles import changed_body
from tests.shop.shop_helpers import make_customer, text_of

ALMATY = ZoneInfo("Asia/Almaty")
ACCEPTED = datetime(2027, 3, 5, 10, 15, tzinfo=ALMATY)


@pytest.fixture
def kazakh_customer(db, policy):
    with time_machine.travel(ACCEPTED, tick=False):
        return make_customer(email="aruzhan@example.kz", language="kk")


@pytest.fixture
def acceptance(kazakh_customer):
    return kazakh_customer.acceptances.get()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def download(client, acceptance, language="kk"):
    response = client.get(f"/{language}/shop/account/receipts/{acceptance.pk}/receipt.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f"jetu-consent-receipt-{acceptance.pk}.json" in response["Content-Disposition"]
    return response.content


def public_key_file(client, tmp_path):
    path = tmp_path / "key.pem"
    path.write_bytes(client.get("/consent-log/key.pem").content)
    return path


def write(path, content: bytes | str):
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_a_receipt_states_what_article_8_asks(acceptance):
    token, payload = receipts.receipt_for(acceptance)
    assert payload["pii_controller"] == {
        "name": "«Jetu» коллекторлық агенттігі» ЖШС",
        "bin": "240440017017",
        "address": (
            "Қазақстан, Алматы қаласы, Наурызбай ауданы, Рахат шағын ауданы, Күлтөбе көшесі, 4, "
            "050070"
        ),
        "url": "http://127.0.0.1:8000",
    }
    assert payload["language"] == "kk"
    version = DocumentVersion.objects.get(pk=acceptance.version_id)
    text = acceptance.text
    assert payload["notice"]["version"] == 1
    assert payload["notice"]["text_sha256"] == text.sha256 == acceptance.text_sha256
    assert payload["notice"]["title"] == text.title
    assert payload["notice"]["effective_from"] == version.effective_from.astimezone(
        ZoneInfo("UTC")
    ).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert payload["notice"]["url"].endswith("/kk/legal/privacy/versions/1/")
    assert payload["consent_timestamp"] == "2027-03-05T05:15:00.000000Z"
    assert payload["collection_method"]["code"] == "registration"
    terms = payload["consent_terms"]
    assert "Сатып алушыға тауарды жеткізу" in [item["label"] for item in terms["purposes"]]
    assert [item["code"] for item in terms["data_categories"]][:4] == [
        "full_name",
        "phone",
        "email",
        "delivery_address",
    ]
    assert terms["third_party_transfer"] is True
    assert "банктер" in [item["label"] for item in terms["third_parties"]]
    assert terms["cross_border_transfer"] is False
    assert terms["storage_term"]["code"] == "until_withdrawn"
    # Pseudonymous: not the e-mail, not the number, the same every time.
    subject = payload["pii_principal_id"]
    assert subject.startswith("hmac-sha256:") and len(subject) == len("hmac-sha256:") + 64
    assert "aruzhan" not in token and "aruzhan" not in json.dumps(payload)
    assert subject == receipts.subject_id(acceptance.customer_id)
    assert subject != receipts.subject_id(acceptance.customer_id + 1)
    # A JOSE library that knows nothing of Jetu reads it with the published key.
    key = OKPKey.import_key(signing.public_jwk(signing.public_key()))
    with pytest.warns(UserWarning, match="EdDSA"):
        decoded = jws.deserialize_compact(token, key, algorithms=["EdDSA"])
    assert json.loads(decoded.payload) == payload
    assert decoded.protected["kid"] == signing.key_id(signing.public_key())


def test_before_sealing_the_receipt_is_signed_but_carries_no_proof(client, acceptance, tmp_path):
    client.force_login(acceptance.customer.user)
    page = client.get(f"/ru/shop/account/receipts/{acceptance.pk}/")
    assert "Ещё не внесено в публичный журнал согласий" in text_of(page)
    receipt = write(tmp_path / "r.json", download(client, acceptance))
    code, output = run_verifier("receipt", receipt, "--key", public_key_file(client, tmp_path))
    assert code == 1 and "signed but not sealed yet" in output, output


def test_a_receipt_from_a_real_acceptance_verifies_with_the_public_key_alone(
    client, acceptance, tmp_path
):
    log_seal()
    client.force_login(acceptance.customer.user)
    receipt = write(tmp_path / "receipt.json", download(client, acceptance))
    client.logout()  # what follows is what anyone can do
    key = public_key_file(client, tmp_path)
    code, output = run_verifier("receipt", receipt, "--key", key)
    assert code == 0, output
    leaf = Leaf.objects.get(kind="acceptance", object_id=acceptance.pk)
    assert f"leaf {leaf.index} of the log" in output
    assert f"text SHA-256 {acceptance.text_sha256}" in output

    # The same, against the head as the public log publishes it, and as a compact JWS.
    head = write(
        tmp_path / "head.json",
        json.dumps(get_json(client, f"/consent-log/heads/{leaf.index + 1}/")),
    )
    assert run_verifier("receipt", receipt, "--key", key, "--head", head)[0] == 0
    document = json.loads(receipt.read_text())
    compact = ".".join(document[name] for name in ("protected", "payload", "signature"))
    assert run_verifier("receipt", write(tmp_path / "r.jws", compact), "--key", key)[0] == 0
    # Sealed once, the receipt never changes: the proof is to the head that first covered it.
    make_customer(email="later@example.kz")
    log_seal()
    assert receipts.receipt_for(acceptance)[0] == compact


def test_a_tampered_receipt_fails_with_a_clear_message(client, acceptance, tmp_path):
    log_seal()
    key = public_key_file(client, tmp_path)
    token, payload = receipts.receipt_for(acceptance)
    protected, _, signature = token.split(".")

    changed = {**payload, "consent_timestamp": "2020-01-01T00:00:00.000000Z"}
    body = b64url(json.dumps(changed).encode())
    code, output = run_verifier(
        "receipt", write(tmp_path / "t.jws", f"{protected}.{body}.{signature}"), "--key", key
    )
    assert code == 1
    assert "signature does not match: it was changed after the operator signed it" in output

    # Even the operator, who holds the key, cannot sign a receipt that says other than the log.
    forged = {**payload, "language": "ru", "notice": {**payload["notice"], "language": "ru"}}
    with pytest.warns(UserWarning, match="EdDSA"):  # joserfc: RFC 9864 deprecates the name
        forged_token = jws.serialize_compact(
            receipts._protected_header(),
            json.dumps(forged).encode(),
            OKPKey.import_key(signing.signing_key()),
            algorithms=["EdDSA"],
        )
    code, output = run_verifier("receipt", write(tmp_path / "f.jws", forged_token), "--key", key)
    assert code == 1
    assert "states the language as 'ru', its logged record as 'kk'" in output

    # A receipt checked with someone else's key.
    other = tmp_path / "other.pem"
    other.write_text(signing.public_pem(Ed25519PrivateKey.generate().public_key()))
    code, output = run_verifier("receipt", write(tmp_path / "ok.jws", token), "--key", other)
    assert code == 1 and "names another key" in output


def _rewrite_history(acceptance) -> None:
    """The operator (schema owner, triggers of no use) rewrites an acceptance and its log."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_acceptance SET accepted_at = %s WHERE id = %s",
            [datetime(2027, 1, 1, tzinfo=ALMATY), acceptance.pk],
        )
        for model in (Leaf, Node, TreeHead):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608


def test_a_kept_receipt_outlives_an_operator_rewriting_history(client, acceptance, tmp_path):
    head_size = log_seal().head.size
    key = public_key_file(client, tmp_path)
    kept_head = write(
        tmp_path / "kept-head.json",
        json.dumps(get_json(client, f"/consent-log/heads/{head_size}/")),
    )
    kept = write(tmp_path / "kept.jws", receipts.receipt_for(acceptance)[0])

    _rewrite_history(acceptance)
    new_size = log_seal().head.size
    assert new_size == head_size  # same records, rewritten: a new log of the same size
    new_head = write(
        tmp_path / "new-head.json", json.dumps(get_json(client, "/consent-log/heads/latest/"))
    )
    rebuilt = write(
        tmp_path / "rebuilt.jws",
        receipts.receipt_for(Acceptance.objects.get(pk=acceptance.pk))[0],
    )

    # The customer's receipt still proves their consent against the head published before.
    code, output = run_verifier("receipt", kept, "--key", key, "--head", kept_head)
    assert code == 0, output
    assert "2027-03-05T05:15:00.000000Z" in output
    # The rewritten log's head cannot be the one that receipt was proven against.
    code, output = run_verifier("receipt", kept, "--key", key, "--head", new_head)
    assert code == 1 and "the log was rewritten" in output
    # And what the operator now issues is inconsistent with what was published then.
    code, output = run_verifier("receipt", rebuilt, "--key", key, "--head", kept_head)
    assert code == 1 and "the log was rewritten" in output, output


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            [
                "Квитанция о согласии: версия 1",
                "Внесено в публичный журнал согласий",
                "доставка товара Покупателю",
                "фамилия, имя, отчество",
                "банки",
                "до достижения целей обработки или до отзыва согласия",
                "Трансграничная передача (за пределы Казахстана) Нет",
                "БИН 240440017017",
                "5 марта 2027",
                "на языке текста, который вы приняли: Қазақша",
            ],
        ),
        (
            "kk",
            [
                "Келісім түбіртегі: 1-нұсқа",
                "Келісімдердің жария журналына енгізілді",
                "Сатып алушыға тауарды жеткізу",
                "тегі, аты, әкесінің аты",
                "банктер",
                "өңдеу мақсаттарына қол жеткізілгенге немесе келісім кері қайтарып алынғанға дейін",
                "Трансшекаралық беру (Қазақстаннан тыс жерге) Жоқ",
                "БСН 240440017017",
                "2027 жылғы 5 наурыз",
                "сіз қабылдаған мәтіннің тілінде жасалған: Қазақша",
            ],
        ),
    ],
)
def test_the_receipt_page_reads_in_the_customers_language(client, acceptance, language, expected):
    log_seal()
    client.force_login(acceptance.customer.user)
    account = client.get(f"/{language}/shop/account/")
    receipt_url = f"/{language}/shop/account/receipts/{acceptance.pk}/"
    assert f'href="{receipt_url}"' in account.content.decode()
    text = text_of(client.get(receipt_url))
    for phrase in expected:
        assert phrase in text, phrase
    leaf = Leaf.objects.get(kind="acceptance", object_id=acceptance.pk)
    assert str(leaf.index) in text


def test_nobody_else_sees_a_customers_receipt(client, acceptance):
    url = f"/ru/shop/account/receipts/{acceptance.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    other = make_customer(email="other@example.kz")
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    assert client.get(url + "receipt.json").status_code == 404


def test_every_acceptance_has_its_receipt_even_before_accepting_the_new_version(
    client, acceptance, policy
):
    """A customer asked to accept version 2 can still take the receipt of version 1."""
    publish_version(policy, changed_body(policy), material=True)
    client.force_login(acceptance.customer.user)
    assert client.get("/kk/shop/catalogue/").status_code == 302  # must decide first
    response = client.get(f"/kk/shop/account/receipts/{acceptance.pk}/")
    assert response.status_code == 200
    assert "Келісім түбіртегі: 1-нұсқа" in text_of(response)
