"""What customers, editors and Legal do in the browser, step by step.

Each journey is one test that starts from the initial content; a journey that needs an
earlier one's outcome (a registered customer, a published version 2) sets it up with the
same helpers the other tests use, in the live database.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Page, expect
from wagtail_localize.models import StringTranslation

from core.localize import get_translation
from home.roles import EDITORS, LEGAL
from legal import review
from legal.models import DocumentVersion
from shop.models import Order, Product
from shop.templatetags.shop_tags import tenge
from tests.e2e.journey import (
    CHANGED_CLAUSE,
    KK_NEW_WORD,
    KK_OLD_WORD,
    NEW_CLAUSE,
    NEW_CLAUSE_KK,
    NEW_CLAUSE_RU,
    NEW_WORD,
    OLD_WORD,
    PHONE,
    SUMMARY_KK,
    SUMMARY_RU,
    admin_login,
    admin_messages,
    dismiss_cookie_notice,
    exactly,
    make_staff,
    policy_page,
    publish_v2,
    t,
    workflow_submit_label,
)
from tests.shop.shop_helpers import PASSWORD, make_customer

pytestmark = pytest.mark.e2e


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def clause_at(page: Page, number: str):
    return page.locator(f'[id="p-{number}"]')


# ---------------------------------------------------------------------------------------
# a. A customer reads the policy in Russian and in Kazakh


def test_customer_reads_the_policy_in_russian_and_kazakh(site, page, shot):
    with site.lock:
        ru_title, kk_title = policy_page("ru").title, policy_page("kk").title
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)

    page.goto(site("/ru/legal/privacy/"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(h1(page)).to_have_text(ru_title)
    expect(page.locator(".document-meta")).to_contain_text("1")
    notice = page.get_by_role("region", name=t("ru", "Cookies"))
    expect(notice).to_be_visible()
    shot(page, "a-01-policy-ru")
    notice.get_by_role("button", name=t("ru", "Got it")).click()
    expect(notice).to_be_hidden()

    # The header's language switcher leads to the same document in Kazakh.
    page.get_by_role("navigation", name=t("ru", "Language")).get_by_role(
        "link", name="Қазақша"
    ).click()
    expect(page).to_have_url(site("/kk/legal/privacy/"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(h1(page)).to_have_text(kk_title)
    switcher = page.get_by_role("navigation", name=t("kk", "Language"))
    expect(switcher.locator("[aria-current]")).to_have_text("Қазақша")
    expect(switcher.get_by_role("link", name="Русский")).to_have_attribute(
        "href", "/ru/legal/privacy/"
    )
    expect(notice).to_be_hidden()  # dismissed once, for a year, in both languages
    shot(page, "a-02-policy-kk", doc=True)

    # The table of contents leads to section 1; clause 1.10's "#" copies a link to it.
    page.get_by_role("navigation", name=t("kk", "Contents")).get_by_role(
        "link", name=re.compile(r"^1\. ")
    ).click()
    expect(page).to_have_url(site("/kk/legal/privacy/#p-1"))
    clause_110 = clause_at(page, "1.10")
    clause_110.get_by_role("link", name=t("kk", "Link to clause %(number)s", number="1.10")).click()
    expect(page).to_have_url(site("/kk/legal/privacy/#p-1.10"))
    expect(page.get_by_role("status")).to_have_text("Сілтеме көшірілді")
    assert page.evaluate("navigator.clipboard.readText()") == site("/kk/legal/privacy/#p-1.10")
    expect(clause_110).to_be_in_viewport()
    shot(page, "a-03-clause-1.10-link-copied")

    # A cross-reference in the text jumps to the clause it names, highlighted.
    xref = page.get_by_role("link", name="4.3.2-тармағында")
    expect(xref).to_have_attribute("href", "#p-4.3.2")
    xref.click()
    expect(page).to_have_url(site("/kk/legal/privacy/#p-4.3.2"))
    target = clause_at(page, "4.3.2")
    expect(target).to_be_in_viewport()
    assert target.evaluate("el => el.matches(':target')")
    shot(page, "a-04-cross-reference-4.3.2", doc=True)

    # "All versions" opens the archive of this document in Kazakh.
    page.get_by_role("link", name=exactly(t("kk", "All versions"))).click()
    expect(page).to_have_url(site("/kk/legal/privacy/versions/"))
    expect(h1(page)).to_have_text(t("kk", "All versions"))
    row = page.get_by_role("row").filter(has_text=t("kk", "Version %(number)s", number=1))
    expect(row).to_contain_text(t("kk", "in force"))
    expect(
        row.get_by_role("link", name=exactly(t("kk", "Version %(number)s", number=1)))
    ).to_have_attribute("href", "/kk/legal/privacy/versions/1/")
    # Each version's text is also there as a PDF.
    expect(
        row.get_by_role("link", name=t("kk", "PDF, version %(number)s", number=1))
    ).to_have_attribute("href", "/kk/legal/privacy/versions/1/pdf/")
    shot(page, "a-05-archive-kk")


# ---------------------------------------------------------------------------------------
# b. A customer registers with consent, fills the cart and places an order

CUSTOMER = {
    "email": "dana@example.kz",
    "last_name": "Ахметова",
    "first_name": "Дана",
    "phone": "+7 701 123 45 67",
    "address": "Астана, пр. Мангилик Ел 55, кв. 12",
}


def fill_registration(page: Page, *, passwords_only: bool = False) -> None:
    def label(text):
        return page.get_by_label(t("ru", text), exact=True)

    label("Password").fill(PASSWORD)
    label("Password again").fill(PASSWORD)
    if passwords_only:
        return
    label("E-mail").fill(CUSTOMER["email"])
    label("Surname").fill(CUSTOMER["last_name"])
    label("First name").fill(CUSTOMER["first_name"])
    label("Phone").fill(CUSTOMER["phone"])
    label("Delivery address").fill(CUSTOMER["address"])


def test_customer_registers_with_consent_and_places_an_order(site, page, shot):
    page.goto(site("/ru/shop/"))
    dismiss_cookie_notice(page, "ru")
    page.get_by_role("navigation", name=t("ru", "Main menu")).get_by_role(
        "link", name=t("ru", "Log in")
    ).click()
    expect(page).to_have_url(site("/ru/shop/login/"))
    page.get_by_role("link", name=t("ru", "Create an account")).click()
    expect(page).to_have_url(site("/ru/shop/register/"))

    # The consent box is not ticked for the customer, and names the exact version.
    consent = page.get_by_role("checkbox")
    expect(consent).not_to_be_checked()
    version_link = page.get_by_role(
        "link", name=t("ru", "privacy policy (version %(number)d)", number=1)
    )
    expect(version_link).to_have_attribute("href", "/ru/legal/privacy/versions/1/")
    fill_registration(page)
    shot(page, "b-01-registration-form", doc=True)

    create = page.get_by_role("button", name=t("ru", "Create the account"))
    create.click()
    expect(page.locator(".form-row--error")).to_contain_text(
        t("ru", "Please confirm that you have read and accept the privacy policy.")
    )
    expect(consent).not_to_be_checked()
    shot(page, "b-02-consent-required")

    fill_registration(page, passwords_only=True)
    consent.check()
    create.click()
    expect(page).to_have_url(site("/ru/shop/account/"))
    expect(page.locator(".messages")).to_contain_text(
        t("ru", "Welcome! Your account has been created.")
    )
    history = page.locator("#consent-history")
    expect(history.get_by_role("row")).to_have_count(2)  # header + version 1
    expect(history).to_contain_text(t("ru", "Version %(number)s", number=1))
    shot(page, "b-03-account-after-registration")

    # Two of one product and one of another go into the cart.
    page.get_by_role("navigation", name=t("ru", "Main menu")).get_by_role(
        "link", name=t("ru", "Shop")
    ).click()
    cards = page.locator(".product-card")
    first, second = cards.nth(0), cards.nth(1)
    names = [first.get_by_role("heading").inner_text(), second.get_by_role("heading").inner_text()]
    first.get_by_role("spinbutton").fill("2")
    first.get_by_role("button", name=t("ru", "Add to cart")).click()
    expect(page.locator(".messages")).to_contain_text(names[0])
    cards.nth(1).get_by_role("button", name=t("ru", "Add to cart")).click()
    expect(page.locator(".messages")).to_contain_text(names[1])
    cart_link = page.locator("[data-cart-link]")
    expect(cart_link).to_contain_text("(3)")
    shot(page, "b-04-catalogue-cart-filled")

    with site.lock:
        prices = {p.name: p.price for p in Product.objects.active().filter(name__in=names)}
    total = tenge(prices[names[0]] * 2 + prices[names[1]])
    cart_link.click()
    expect(page).to_have_url(site("/ru/shop/cart/"))
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator(".shop-table__total")).to_contain_text(total)
    shot(page, "b-05-cart")

    page.get_by_role("link", name=t("ru", "Check out")).click()
    expect(page).to_have_url(site("/ru/shop/checkout/"))
    expect(page.get_by_label(t("ru", "Delivery address"))).to_have_value(CUSTOMER["address"])
    expect(page.get_by_role("checkbox")).to_have_count(0)  # version 1 is accepted already
    expect(page.locator(".payment-note")).to_contain_text(
        t("ru", "You pay when you receive the order.")
    )
    page.get_by_role("button", name=t("ru", "Place the order for %(total)s", total=total)).click()
    # Nothing chosen yet: the page says what is missing, in Russian.
    expect(page.locator("#id_delivery_method")).to_contain_text(
        t("ru", "Choose how the order should reach you: courier, pick-up point or Kazpost.")
    )
    # The customer lives in Astana: the courier is Almaty only, so Kazpost.
    page.get_by_label(t("ru", "Kazpost, anywhere in Kazakhstan")).check()
    page.get_by_label(t("ru", "by card on receipt")).check()
    shot(page, "b-05b-checkout-delivery")
    page.get_by_role("button", name=t("ru", "Place the order for %(total)s", total=total)).click()

    expect(page).to_have_url(re.compile(r"/ru/shop/orders/\d+/$"))
    expect(page.locator(".messages")).to_contain_text(
        t("ru", "Thank you! Your order has been placed.")
    )
    with site.lock:
        order = Order.objects.get()
    expect(h1(page)).to_have_text(t("ru", "Order No. %(number)s", number=order.pk))
    expect(page.locator(".document-meta")).to_contain_text(t("ru", "version %(number)s", number=1))
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator(".shop-table__total")).to_contain_text(total)
    delivery = page.locator("section", has=page.locator("#delivery-heading"))
    expect(delivery).to_contain_text(capfirst(t("ru", "Kazpost, anywhere in Kazakhstan")))
    expect(delivery).to_contain_text(capfirst(t("ru", "by card on receipt")))
    with site.lock:
        order.refresh_from_db()
    assert (order.delivery_method, order.payment_method) == ("kazpost", "card")
    shot(page, "b-06-order-confirmation", doc=True)


# ---------------------------------------------------------------------------------------
# c. An editor changes the policy; Legal approves; the Kazakh translation is published


def stream_child(page: Page, number: str):
    """The StreamField block (clause or section) whose number is ``number``."""
    field_id = page.evaluate(
        """n => {
            const input = [...document.querySelectorAll('input[name$="-value-number"]')]
                .find(i => i.value === n);
            return input ? input.id : null;
        }""",
        number,
    )
    assert field_id, f"the editor shows no clause {number}"
    return page.locator(f"[data-streamfield-child]:has(#{field_id})")


def replace_word(page: Page, editor, old: str, new: str) -> None:
    """Double-click ``old`` in a rich text editor, as a person would, and type ``new``."""
    editor.scroll_into_view_if_needed()
    box = editor.evaluate(
        """(el, word) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(word);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                const r = range.getBoundingClientRect();
                return {x: r.x + r.width / 2, y: r.y + r.height / 2};
            }
            return null;
        }""",
        old,
    )
    assert box, f"{old!r} is not in the clause"
    page.mouse.dblclick(box["x"], box["y"])
    page.wait_for_function("word => getSelection().toString().trim() === word", arg=old)
    page.keyboard.type(new)
    expect(editor).to_contain_text(new)
    expect(editor).not_to_contain_text(old)


def test_editor_changes_the_policy_and_legal_approves_it(site, open_page, shot):
    with site.lock:
        ru_page, kk_page = policy_page("ru"), policy_page("kk")
        kk_5_5 = (
            StringTranslation.objects.filter(
                locale=kk_page.locale, translation_of__data__contains=OLD_WORD
            )
            .values_list("data", flat=True)
            .get()
        )
    make_staff(site, "editor@jetu.kz", group=EDITORS)
    make_staff(site, "legal@jetu.kz", group=LEGAL)

    # The editor changes a word in 5.5 and adds clause 5.11 after 5.10.
    editor = open_page()
    admin_login(editor, site, "editor@jetu.kz")
    editor.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    expect(editor.locator('input[name$="-value-number"]').first).to_be_attached()
    clause_5_5 = stream_child(editor, CHANGED_CLAUSE)
    clause_5_5.scroll_into_view_if_needed()
    replace_word(editor, clause_5_5.locator("[contenteditable=true]"), OLD_WORD, NEW_WORD)
    shot(editor, "c-01-editor-changes-a-word-in-5.5", doc=True)

    blocks = editor.locator("[data-streamfield-child]")
    blocks_before = blocks.count()
    editor.locator("button.c-sf-add-button").last.click()
    editor.locator(".w-combobox__menu").get_by_role(
        "option", name=exactly(t("ru", "Clause"))
    ).click()
    # Until the new block is in the page, "the last block" is clause 5.10: filling it then
    # would renumber 5.10 and leave the new clause without a number.
    expect(blocks).to_have_count(blocks_before + 1)
    new_block = blocks.nth(blocks_before)
    new_block.get_by_label(t("ru", "Number")).fill(NEW_CLAUSE)
    new_block.locator("[contenteditable=true]").click()
    editor.keyboard.type(NEW_CLAUSE_RU)
    expect(new_block.locator("[contenteditable=true]")).to_contain_text(NEW_CLAUSE_RU)
    new_block.get_by_label(t("ru", "Shown as")).select_option(label=t("ru", "List item"))
    # The material choice has no default: the editor makes it.
    editor.get_by_label(
        t("ru", "Material: customers must accept the new version before they shop on")
    ).check()
    editor.get_by_label(t("ru", "summary of changes")).fill(SUMMARY_RU)
    new_block.scroll_into_view_if_needed()
    shot(editor, "c-02-editor-adds-clause-5.11")

    editor.get_by_role("button", name=t("ru", "More actions")).click()
    editor.get_by_role("button", name=workflow_submit_label()).click()
    submitted = t(
        "ru",
        "Page '%(page_title)s' has been submitted for moderation.",
        page_title=ru_page.title,
    )
    expect(admin_messages(editor)).to_be_visible()
    shot(editor, "c-03-editor-submitted-for-approval")
    assert not editor.locator(".error-message").all_inner_texts(), "the form was refused"
    expect(admin_messages(editor)).to_contain_text(submitted)

    # Legal finds the change waiting on their dashboard and approves it, which publishes it.
    approver = open_page()
    admin_login(approver, site, "legal@jetu.kz")
    awaiting = approver.get_by_role("region", name=t("ru", "Awaiting your review"))
    expect(awaiting).to_contain_text(ru_page.title)
    shot(approver, "c-04-legal-sees-change-awaiting-review")
    # Before approving, Legal reads the draft as a redline against the version in force:
    # the changed 5.5 and the new 5.11, nothing else.
    approver.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    approver.get_by_role("button", name=t("ru", "Actions")).first.click()
    approver.get_by_role("link", name=t("ru", "Changes in the draft")).click()
    changed = approver.locator("section.diff-block")
    expect(changed).to_have_count(2)
    expect(changed.nth(0)).to_have_attribute("id", f"p-{CHANGED_CLAUSE}")
    expect(changed.nth(1)).to_have_attribute("id", f"p-{NEW_CLAUSE}")
    shot(approver, "c-04b-legal-reads-the-draft-redline", doc=True)
    approver.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    approver.get_by_role("button", name=t("ru", "More actions")).click()
    approver.get_by_role("button", name=exactly(t("ru", "Approve"))).click()
    approver.wait_for_load_state()

    # Version 2 is published in Russian as a material change, waiting for its translation.
    with site.lock:
        version = DocumentVersion.objects.filter(document=ru_page).latest("number")
    assert version.number == 2
    public = open_page()
    public.goto(site("/ru/legal/privacy/versions/"))
    dismiss_cookie_notice(public, "ru")
    row = public.get_by_role("row").filter(has_text=t("ru", "Version %(number)s", number=2))
    expect(row).to_contain_text(t("ru", "pending translation"))
    expect(row).to_contain_text(t("ru", "material change"))
    expect(row).to_contain_text(SUMMARY_RU)
    shot(public, "c-05-archive-v2-pending-translation")

    # The editor syncs the Kazakh page and translates what changed in wagtail-localize.
    editor.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    editor.get_by_role("button", name=t("ru", "Actions")).first.click()
    editor.get_by_role("link", name=t("ru", "Sync translated pages")).click()
    editor.get_by_role("button", name=exactly(t("ru", "Submit"))).click()
    expect(admin_messages(editor)).to_be_visible()
    editor.goto(site(f"/admin/pages/{kk_page.pk}/edit/"))
    translations = {
        SUMMARY_RU: SUMMARY_KK,
        NEW_CLAUSE_RU: NEW_CLAUSE_KK,
        "5.5": kk_5_5.replace(KK_OLD_WORD, KK_NEW_WORD),
    }
    missing = editor.locator("li.incomplete")
    expect(missing).to_have_count(3)
    for _ in range(3):
        segment = missing.first
        source = segment.locator("p").first.inner_text().strip()
        kk_text = translations["5.5"] if NEW_WORD in source else translations[source]
        segment.get_by_role("button", name=t("ru", "Translate")).click()
        segment.locator("textarea").fill(kk_text)
        if NEW_WORD in source:
            shot(editor, "c-06-editor-translates-5.5-into-kazakh", doc=True)
        segment.get_by_role("button", name=t("ru", "Save")).click()
        expect(segment.locator("textarea")).to_have_count(0)
    expect(missing).to_have_count(0)

    # Someone allowed to publish puts the Kazakh text live.
    publisher = open_page()
    admin_login(publisher, site, "legal@jetu.kz")
    publisher.goto(site(f"/admin/pages/{kk_page.pk}/edit/"))
    publish = publisher.locator("footer").get_by_role(
        "button", name=re.compile("^" + re.escape(t("ru", "Publish")))
    )
    expect(publisher.locator("li.complete").first).to_be_visible()
    # Legal holds the publish right on the translated section (home/roles.py).
    expect(publish).to_have_count(1)
    publish.click()
    expect(admin_messages(publisher)).to_contain_text(kk_page.title)

    # Version 2 is in force in both languages; the Kazakh text has the new clause.
    public.goto(site("/kk/legal/privacy/versions/"))
    row = public.get_by_role("row").filter(has_text=t("kk", "Version %(number)s", number=2))
    expect(row).to_contain_text(t("kk", "in force"))
    expect(row).to_contain_text(t("kk", "material change"))
    expect(row).to_contain_text(SUMMARY_KK)
    shot(public, "c-07-archive-kk-v2-in-force", doc=True)
    public.goto(site("/kk/legal/privacy/"))
    expect(clause_at(public, NEW_CLAUSE)).to_contain_text(NEW_CLAUSE_KK)
    expect(clause_at(public, CHANGED_CLAUSE)).to_contain_text(KK_NEW_WORD)
    public.goto(site("/ru/legal/privacy/"))
    expect(clause_at(public, NEW_CLAUSE)).to_contain_text(NEW_CLAUSE_RU)
    expect(clause_at(public, CHANGED_CLAUSE)).to_contain_text(NEW_WORD)


# ---------------------------------------------------------------------------------------
# d. The customer logs in after the change and accepts version 2


def test_customer_accepts_the_new_version_when_logging_in(site, page, shot):
    with site.lock:
        make_customer(email="aigerim@example.kz", language="ru")  # accepted version 1
    publish_v2(site)

    page.goto(site("/ru/shop/login/"))
    dismiss_cookie_notice(page, "ru")
    page.get_by_label(t("ru", "E-mail")).fill("aigerim@example.kz")
    page.get_by_label(t("ru", "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("ru", "Log in")).click()
    expect(page).to_have_url(site("/ru/shop/account/"))
    pending = page.locator("#consent-pending-heading")
    expect(pending).to_have_text(
        t("ru", "Version %(number)s of the privacy policy is in force", number=2)
    )
    shot(page, "d-01-account-new-version-pending")

    # Shopping on is possible only after a decision: the shop asks for one.
    page.get_by_role("navigation", name=t("ru", "Main menu")).get_by_role(
        "link", name=t("ru", "Shop")
    ).click()
    expect(page).to_have_url(re.compile(r"/ru/shop/policy/accept/\?next=%2Fru%2Fshop%2F$"))
    expect(h1(page)).to_have_text(t("ru", "Our privacy policy has changed"))
    expect(page.locator(".change-summary")).to_have_text(SUMMARY_RU)
    expect(
        page.get_by_role("link", name=t("ru", "Read the new text (version %(number)s)", number=2))
    ).to_have_attribute("href", "/ru/legal/privacy/versions/2/")
    expect(
        page.get_by_role(
            "link", name=t("ru", "Compare it with version %(number)s, which you accepted", number=1)
        )
    ).to_have_attribute("href", "/ru/legal/privacy/compare/1/2/")
    shot(page, "d-02-re-acceptance-page", doc=True)

    page.get_by_role("button", name=t("ru", "I accept version %(number)s", number=2)).click()
    expect(page).to_have_url(site("/ru/shop/"))
    expect(page.locator(".messages")).to_contain_text(
        t("ru", "Thank you. You have accepted version %(number)d of the privacy policy.", number=2)
    )

    page.get_by_role("navigation", name=t("ru", "Main menu")).get_by_role(
        "link", name=t("ru", "My account")
    ).click()
    expect(page.locator("#consent-pending-heading")).to_have_count(0)
    rows = page.locator("#consent-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(t("ru", "Version %(number)s", number=2))
    expect(rows.nth(0)).to_contain_text(t("ru", "in force"))
    expect(rows.nth(1)).to_contain_text(t("ru", "Version %(number)s", number=1))
    page.locator("#consent-history").evaluate("el => el.scrollIntoView({block: 'center'})")
    shot(page, "d-03-account-consent-history", doc=True)


# ---------------------------------------------------------------------------------------
# e. Legal compares version 1 with version 2, in public and in the admin


def test_legal_compares_versions_and_sees_the_change_marked(site, page, open_page, shot):
    publish_v2(site)
    make_staff(site, "legal@jetu.kz", group=LEGAL)
    with site.lock:
        ru_page = policy_page("ru")

    page.goto(site("/ru/legal/privacy/versions/"))
    dismiss_cookie_notice(page, "ru")
    form = page.locator("form.compare-form")
    expect(form.get_by_label(t("ru", "From version"))).to_have_value("1")
    expect(form.get_by_label(t("ru", "to version"))).to_have_value("2")
    form.get_by_role("button", name=t("ru", "Compare")).click()
    expect(page).to_have_url(site("/ru/legal/privacy/compare/1/2/"))
    changed = page.locator(f'[id="p-{CHANGED_CLAUSE}"]')
    expect(changed.locator("del")).to_have_text(OLD_WORD)
    expect(changed.locator("ins")).to_have_text(NEW_WORD)
    added = page.locator(f'[id="p-{NEW_CLAUSE}"]')
    expect(added.locator("ins")).to_contain_text(NEW_CLAUSE_RU)
    expect(added.locator("del")).to_have_count(0)
    changed.evaluate("el => el.scrollIntoView({block: 'center'})")
    shot(page, "e-01-public-compare-1-2", doc=True)

    legal = open_page()
    admin_login(legal, site, "legal@jetu.kz")
    legal.get_by_role("link", name=t("ru", "Compare versions")).first.click()
    expect(legal).to_have_url(re.compile(rf"/admin/legal/{ru_page.pk}/compare/"))
    diff = legal.locator(".legal-admin__diff")
    expect(diff.locator(f'[id="p-{CHANGED_CLAUSE}"] del')).to_have_text(OLD_WORD)
    expect(diff.locator(f'[id="p-{CHANGED_CLAUSE}"] ins')).to_have_text(NEW_WORD)
    expect(diff.locator(f'[id="p-{NEW_CLAUSE}"] ins')).to_contain_text(NEW_CLAUSE_RU)
    diff.locator(f'[id="p-{CHANGED_CLAUSE}"]').scroll_into_view_if_needed()
    shot(legal, "e-02-admin-compare-versions", doc=True)


# ---------------------------------------------------------------------------------------
# On a phone


def test_public_pages_fit_a_phone_screen(site, open_page, shot):
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="kk-KZ")
    for name, path in [
        ("phone-01-policy-kk", "/kk/legal/privacy/"),
        ("phone-02-catalogue-kk", "/kk/shop/"),
        ("phone-03-register-kk", "/kk/shop/register/"),
    ]:
        phone.goto(site(path))
        expect(h1(phone)).to_be_visible()
        expect(phone.get_by_role("navigation", name=t("kk", "Language"))).to_be_visible()
        width, viewport = phone.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width <= viewport, f"{path} scrolls sideways on a phone: {width}px > {viewport}px"
        shot(phone, name, doc=name != "phone-03-register-kk")
        if name == "phone-01-policy-kk":
            dismiss_cookie_notice(phone, "kk")


# ---------------------------------------------------------------------------------------
# f. Clause 5.6, from the editor to the customer, with a second person at every step

OLD_5_6, NEW_5_6 = "статистики", "сведений"
KK_OLD_5_6, KK_NEW_5_6 = "статистика жинауды", "мәліметтер жинауды"
SUMMARY_5_6_RU = "Уточнён пункт 5.6: сбор сведений об IP-адресах."
SUMMARY_5_6_KK = "5.6-тармақ нақтыланды: IP-мекенжайлар туралы мәліметтер жинау."


def legal_panel(page: Page, title: str):
    return page.get_by_role("region", name=exactly(title))


def test_clause_5_6_goes_from_the_editor_to_the_customer_through_four_eyes(site, open_page, shot):
    # The customer accepted version 1 and has not been back since version 2.
    with site.lock:
        make_customer(email="aigerim@example.kz", language="ru")
    publish_v2(site)
    with site.lock:
        ru_page, kk_page = policy_page("ru"), policy_page("kk")
        kk_5_6 = (
            StringTranslation.objects.filter(
                locale=kk_page.locale, translation_of__data__contains="IP-адресах"
            )
            .values_list("data", flat=True)
            .get()
        )
    # The editor also belongs to Legal: a small team, where four eyes matter most.
    editor_user = make_staff(site, "editor@jetu.kz", group=EDITORS)
    with site.lock:
        editor_user.groups.add(Group.objects.get(name=LEGAL))
    make_staff(site, "legal@jetu.kz", group=LEGAL)

    # The editor changes one word of 5.6, says what this version changes, and submits.
    editor = open_page()
    admin_login(editor, site, "editor@jetu.kz")
    editor.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    expect(editor.locator('input[name$="-value-number"]').first).to_be_attached()
    clause_5_6 = stream_child(editor, "5.6")
    replace_word(editor, clause_5_6.locator("[contenteditable=true]"), OLD_5_6, NEW_5_6)
    # The previous publication's words are gone: this publication gets its own.
    summary = editor.get_by_label(t("ru", "summary of changes"))
    expect(summary).to_have_value("")
    summary.fill(SUMMARY_5_6_RU)
    editor.get_by_label(
        t("ru", "Not material: customers are told about it, nothing is asked of them")
    ).check()
    editor.get_by_role("button", name=t("ru", "More actions")).click()
    editor.get_by_role("button", name=workflow_submit_label()).click()
    expect(admin_messages(editor)).to_contain_text(
        t(
            "ru",
            "Page '%(page_title)s' has been submitted for moderation.",
            page_title=ru_page.title,
        )
    )

    # Being in Legal does not let the editor approve their own change: no button, and why.
    editor.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    with translation.override("ru"):
        own_draft = str(review.OWN_DRAFT)
    expect(admin_messages(editor)).to_contain_text(own_draft)
    editor.get_by_role("button", name=t("ru", "More actions")).click()
    expect(editor.get_by_role("button", name=exactly(t("ru", "Request changes")))).to_be_visible()
    expect(editor.get_by_role("button", name=exactly(t("ru", "Approve")))).to_have_count(0)
    shot(editor, "f-01-the-editor-cannot-approve-their-own-change", doc=True)
    editor.goto(site("/admin/"))  # leave the editor: it would keep saving the draft

    # A colleague from Legal reads the draft's redline: 5.6 changed, nothing else.
    lawyer = open_page()
    admin_login(lawyer, site, "legal@jetu.kz")
    expect(lawyer.get_by_role("region", name=t("ru", "Awaiting your review"))).to_contain_text(
        ru_page.title
    )
    lawyer.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    lawyer.get_by_role("button", name=t("ru", "Actions")).first.click()
    lawyer.get_by_role("link", name=t("ru", "Changes in the draft")).click()
    changed = lawyer.locator("section.diff-block")
    expect(changed).to_have_count(1)
    expect(changed).to_have_attribute("id", "p-5.6")
    expect(changed.locator("del")).to_have_text(OLD_5_6)
    expect(changed.locator("ins")).to_have_text(NEW_5_6)
    shot(lawyer, "f-02-legal-reads-the-redline-of-5.6", doc=True)
    lawyer.goto(site(f"/admin/pages/{ru_page.pk}/edit/"))
    lawyer.get_by_role("button", name=t("ru", "More actions")).click()
    lawyer.get_by_role("button", name=exactly(t("ru", "Approve"))).click()
    expect(admin_messages(lawyer)).to_contain_text(
        t("ru", "Page '%(page_title)s' has been updated.", page_title=ru_page.title)
    )

    # Version 3 is published in Russian; both dashboards say the Kazakh text is waiting.
    with site.lock:
        assert DocumentVersion.objects.filter(document=ru_page).latest("number").number == 3
        total, done = get_translation(ru_page, kk_page.locale).get_progress()
    assert done == total - 2  # clause 5.6 and the summary
    waiting = t(
        "ru",
        "version %(number)s waiting for translation — %(done)s of %(total)s segments",
        number=3,
        done=done,
        total=total,
    )
    for person in (editor, lawyer):
        person.goto(site("/admin/"))
        expect(legal_panel(person, ru_page.title)).to_contain_text(waiting)
    shot(editor, "f-03-the-dashboard-says-kazakh-is-waiting", doc=True)

    # The translator (the editor) opens the translation editor, which points to what changed:
    # 5.6's Kazakh text of version 2 beside the Russian redline.
    editor.goto(site(f"/admin/pages/{kk_page.pk}/edit/"))
    editor.locator(".messages").get_by_role(
        "link", name=t("ru", "What changed for the translator")
    ).click()
    row = editor.locator('tr[id="p-5.6"]')
    expect(editor.locator("table.translator-changes tbody tr")).to_have_count(1)
    expect(row.locator(".redline del")).to_have_text(OLD_5_6)
    expect(row.locator(".redline ins")).to_have_text(NEW_5_6)
    expect(row.locator(".translator-change__previous")).to_contain_text(KK_OLD_5_6)
    expect(row.locator(".translator-change__current")).to_contain_text(
        t("ru", "not translated yet")
    )
    shot(editor, "f-04-the-translator-sees-the-old-kazakh-5.6-and-the-redline", doc=True)

    # The translator edits the old Kazakh sentence instead of translating it again.
    editor.get_by_role("link", name=t("ru", "Open the translation editor")).first.click()
    missing = editor.locator("li.incomplete")
    expect(missing).to_have_count(2)
    translations = {
        SUMMARY_5_6_RU: SUMMARY_5_6_KK,
        "5.6": kk_5_6.replace(KK_OLD_5_6, KK_NEW_5_6),
    }
    for _ in range(2):
        segment = missing.first
        source = segment.locator("p").first.inner_text().strip()
        segment.get_by_role("button", name=t("ru", "Translate")).click()
        segment.locator("textarea").fill(translations.get(source) or translations["5.6"])
        segment.get_by_role("button", name=t("ru", "Save")).click()
        expect(segment.locator("textarea")).to_have_count(0)
    expect(missing).to_have_count(0)
    # Now a translator of this text, they are not offered "Publish" (a click on the button
    # drawn before they translated is refused by the server); nor "Stop synced translation".
    editor.reload()
    expect(editor.locator("li.complete").first).to_be_visible()
    footer = editor.locator("footer")
    expect(
        footer.get_by_role("button", name=re.compile("^" + re.escape(t("ru", "Publish"))))
    ).to_have_count(0)
    expect(footer.locator('[data-w-action-url-value$="/disable/"]')).to_be_hidden()

    # The colleague publishes the Kazakh text; version 3 is in force in both languages.
    lawyer.goto(site(f"/admin/pages/{kk_page.pk}/edit/"))
    expect(lawyer.locator("li.complete").first).to_be_visible()
    lawyer.locator("footer").get_by_role(
        "button", name=re.compile("^" + re.escape(t("ru", "Publish")))
    ).click()
    expect(admin_messages(lawyer)).to_contain_text(kk_page.title)
    with site.lock:
        kk_text = DocumentVersion.objects.get(document=ru_page, number=3).texts.get(
            locale=kk_page.locale
        )
    assert KK_NEW_5_6 in kk_text.html and kk_text.change_summary == SUMMARY_5_6_KK

    # The customer, who accepted version 1, is shown both changes since, each with its
    # redline, and one redline from version 1 to version 3.
    customer = open_page()
    customer.goto(site("/ru/shop/login/"))
    dismiss_cookie_notice(customer, "ru")
    customer.get_by_label(t("ru", "E-mail")).fill("aigerim@example.kz")
    customer.get_by_label(t("ru", "Password")).fill(PASSWORD)
    customer.get_by_role("button", name=t("ru", "Log in")).click()
    expect(customer).to_have_url(site("/ru/shop/account/"))
    changes = customer.locator("#changes-since-accepted > li")
    expect(changes).to_have_count(2)
    expect(changes.nth(0)).to_contain_text(SUMMARY_RU)
    expect(changes.nth(1)).to_contain_text(SUMMARY_5_6_RU)
    expect(
        changes.nth(1).get_by_role(
            "link", name=t("ru", "What version %(number)s changed", number=3)
        )
    ).to_have_attribute("href", "/ru/legal/privacy/compare/2/3/")
    expect(
        customer.get_by_role(
            "link", name=t("ru", "Compare it with version %(number)s, which you accepted", number=1)
        ).first
    ).to_have_attribute("href", "/ru/legal/privacy/compare/1/3/")
    customer.locator("#changes-since-accepted").evaluate(
        "el => el.scrollIntoView({block: 'center'})"
    )
    shot(customer, "f-05-the-customer-sees-every-change-since-version-1", doc=True)


# ---------------------------------------------------------------------------------------
# g. Legal corrects the Kazakh text alone: version 2, with the Russian text of version 1

CORRECTION_RU = "Исправлен казахский перевод пункта 5.6; русский текст не изменился."
CORRECTION_KK = "5.6-тармақтың қазақша аудармасы түзетілді; орысша мәтін өзгерген жоқ."


def test_legal_publishes_a_kazakh_only_correction(site, open_page, shot):
    with site.lock:
        kk_page = policy_page("kk")
    make_staff(site, "legal@jetu.kz", group=LEGAL)
    make_staff(site, "publisher@jetu.kz", group=LEGAL)
    translator = make_staff(site, "translator@jetu.kz", group=EDITORS)

    # Legal opens the correction: what it changes, in both languages; not material.
    lawyer = open_page()
    admin_login(lawyer, site, "legal@jetu.kz")
    lawyer.goto(site(f"/admin/legal/{kk_page.pk}/correction/"))
    lawyer.locator("#id_source_summary").fill(CORRECTION_RU)
    lawyer.locator("#id_summary").fill(CORRECTION_KK)
    expect(
        lawyer.get_by_label(
            t("ru", "Not material: customers are told about it, nothing is asked of them")
        )
    ).to_be_checked()
    shot(lawyer, "g-01-legal-opens-a-kazakh-correction", doc=True)
    lawyer.get_by_role("button", name=t("ru", "Open the correction")).click()
    expect(lawyer).to_have_url(site(f"/admin/pages/{kk_page.pk}/edit/"))
    with translation.override("ru"):
        kazakh = kk_page.locale.get_display_name()
    opened = t(
        "ru",
        "The correction is open. Correct the %(language)s text in the translation editor; "
        "a colleague who did not translate it publishes it as version %(number)d.",
    ) % {"language": kazakh, "number": 2}
    expect(admin_messages(lawyer)).to_contain_text(opened)

    # The translator corrects the Kazakh 5.6 (as the translation editor saves a segment).
    with site.lock:
        translation_obj = get_translation(policy_page("ru"), kk_page.locale)
        po = translation_obj.export_po()
        entry = next(e for e in po if "статистика жинауды" in e.msgstr)
        entry.msgstr = entry.msgstr.replace("статистика жинауды", "мәліметтер жинауды")
        translation_obj.import_po(po, user=translator, tool_name="translation editor")

    # A colleague who did not translate publishes it: version 2.
    publisher = open_page()
    admin_login(publisher, site, "publisher@jetu.kz")
    publisher.goto(site(f"/admin/pages/{kk_page.pk}/edit/"))
    expect(publisher.locator("li.complete").first).to_be_visible()
    publisher.locator("footer").get_by_role(
        "button", name=re.compile("^" + re.escape(t("ru", "Publish")))
    ).click()
    expect(admin_messages(publisher)).to_contain_text(kk_page.title)

    # The Russian redline has no differences; the Kazakh one shows the corrected words.
    public = open_page()
    public.goto(site("/ru/legal/privacy/compare/1/2/"))
    dismiss_cookie_notice(public, "ru")
    expect(public.locator(".diff-summary--none")).to_have_text(
        t("ru", "No differences: the two versions have the same text.")
    )
    public.goto(site("/kk/legal/privacy/compare/1/2/"))
    changed = public.locator("section.diff-block")
    expect(changed).to_have_count(1)
    expect(changed).to_have_attribute("id", "p-5.6")
    expect(changed.locator("ins")).to_contain_text("мәліметтер")
    shot(public, "g-02-the-kazakh-redline-of-the-correction", doc=True)
    public.goto(site("/kk/legal/privacy/versions/"))
    row = public.get_by_role("row").filter(has_text=t("kk", "Version %(number)s", number=2))
    expect(row).to_contain_text(t("kk", "in force"))
    expect(row).to_contain_text(CORRECTION_KK)
