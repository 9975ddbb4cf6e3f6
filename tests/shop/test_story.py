"""THE STORY: a customer registers under v1, a material v2 comes into force, they accept it."""

from datetime import timedelta

from consent_log.audit import log_audit
from consent_log.models import Leaf, LeafKind
from consent_log.services import log_seal
from legal.models import DocumentVersion
from shop.models import Acceptance, Customer
from tests.helpers import body_data, publish_version, replace_in_clause
from tests.shop.shop_helpers import registration_data, text_of


def test_customer_accepts_v1_at_registration_then_must_accept_material_v2(client, policy):
    # v1 is in force; a visitor from Almaty registers, behind our proxy.
    v1 = DocumentVersion.objects.get(document=policy, number=1)
    data = registration_data(client)
    with_proxy = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    from django.test import override_settings

    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        response = client.post(
            "/ru/shop/register/", data, HTTP_USER_AGENT="Firefox/130", **with_proxy
        )
    assert response.status_code == 302
    customer = Customer.objects.get(user__email="dana@example.kz")
    first = Acceptance.objects.get(customer=customer)
    assert first.version == v1
    assert first.channel == "registration"
    assert first.language == "ru"
    assert first.ip_address == "203.0.113.7"
    assert first.user_agent == "Firefox/130"
    assert first.text_sha256 == first.text.sha256
    # The sequencer logs it: from then on the signed log proves it unchanged.
    log_seal()
    assert Leaf.objects.filter(kind=LeafKind.ACCEPTANCE, object_id=first.pk).exists()

    # The customer shops freely under v1.
    assert client.get("/ru/shop/").status_code == 200

    # A material v2 comes into force.
    data = body_data(policy)
    replace_in_clause(data, "2.2.4", "адрес доставки", "адрес доставки и пункт выдачи")
    v2 = publish_version(policy, data, material=True, summary="Добавлен пункт выдачи.")

    # The next request goes to the acceptance page, which says what changed.
    response = client.get("/ru/shop/cart/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ru/shop/policy/accept/?next=")
    page = client.get(response["Location"])
    assert "Добавлен пункт выдачи." in text_of(page)
    assert 'href="/ru/legal/privacy/versions/2/"' in page.content.decode()

    # Accepting records v2 and continues to the page they asked for.
    response = client.post(
        "/ru/shop/policy/accept/",
        {"decision": "accept", "policy_version": v2.pk, "next": "/ru/shop/cart/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/ru/shop/cart/"
    second = Acceptance.objects.get(customer=customer, version=v2)
    assert second.channel == "re-acceptance"
    assert second.pk > first.pk
    assert client.get("/ru/shop/cart/").status_code == 200

    # "My account" shows both versions, each with a link to the exact text accepted.
    account = client.get("/ru/shop/account/")
    history = account.content.decode().split('id="consent-history"')[1].split("</table>")[0]
    assert 'href="/ru/legal/privacy/versions/1/"' in history
    assert 'href="/ru/legal/privacy/versions/2/"' in history
    # v1's row offers what changed since: the comparison of v1 with v2, now in force.
    assert 'href="/ru/legal/privacy/compare/1/2/"' in history
    log_seal()
    assert log_audit(max_delay=timedelta(0)).findings == []
