"""Bench content: the demo v2 (if ``load_initial_data --demo-amendment`` did not make it),
more policy versions for the consent ledger, and the bare Wagtail page.

Run with the bench settings (``PYTHONPATH=bench DJANGO_SETTINGS_MODULE=benchsite.settings``)::

    python bench/content.py demo                 # publish the demo v2 (material) once
    python bench/content.py versions 10          # publish minor versions up to version 10
    python bench/content.py versions 11 material # … up to 11, the last one a material change
    python bench/content.py snapshot FILE.html   # the policy page's HTML → FILE + bare pages
    python bench/content.py bare FILE.html       # the bare Wagtail pages (benchsite.models)

The consent ledger needs ~10 versions: 1,000,000 acceptances by 100,000 customers with one
acceptance per customer and version. Versions are published the way editors publish: the
Russian page, then the Kazakh translation through wagtail-localize.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")

import django  # noqa: E402

django.setup()

from wagtail.models import Locale  # noqa: E402

from core.localize import get_translation, page_translate, po_from_mapping  # noqa: E402
from legal.models import DocumentVersion, LegalDocumentPage  # noqa: E402


def _policy() -> LegalDocumentPage:
    return LegalDocumentPage.objects.get(locale__language_code="ru", slug="privacy")


def _inner(paragraph_html: str) -> str:
    text = paragraph_html.strip()
    return text[text.index(">") + 1 : text.rindex("</p>")]


def _publish(*, number: int, material: bool) -> DocumentVersion:
    """Publish a version that appends one sentence to one clause, in ru and then kk."""
    page = LegalDocumentPage.objects.get(pk=_policy().pk)
    data = copy.deepcopy(list(page.body.raw_data))
    clauses = [b for b in data if b["type"] == "clause" and b["value"]["text"].count("<p") == 1]
    block = clauses[(number * 7) % len(clauses)]
    target = block["value"]["number"]
    old_ru = block["value"]["text"]
    block["value"]["text"] = old_ru.replace("</p>", f" (Редакция {number}.)</p>")
    summary_ru = f"Редакция {number}: уточнён п. {target}."
    summary_kk = f"{number}-редакция: {target}-тармақ нақтыланды."
    page.body = data
    page.change_summary = summary_ru
    page.material = material
    page.effective_from = None
    revision = page.save_revision()
    revision.publish()

    kk = Locale.objects.get(language_code="kk")
    kk_page = page.get_translation(kk)
    old_kk = next(
        b.value["text"].source
        for b in kk_page.body
        if b.block_type == "clause" and b.value["number"] == target
    )
    mapping = {
        summary_ru: summary_kk,
        _inner(block["value"]["text"]): _inner(old_kk) + f" ({number}-редакция.)",
    }
    translation = get_translation(page, kk)
    po = po_from_mapping(translation, mapping)
    for entry in po:  # anything else new (never expected): keep the source text
        if not entry.msgstr:
            entry.msgstr = entry.msgid
    page_translate(page=page, locale=kk, po=po)
    return DocumentVersion.objects.get(revision=revision)


def cmd_demo() -> None:
    if DocumentVersion.objects.filter(document=_policy()).count() >= 2:
        print("demo v2: already there")
        return
    try:
        from legal.demo import demo_amendment_publish
    except ImportError:  # an older tree: a material change of a few clauses of our own
        for number in (2,):
            _publish(number=number, material=True)
        print("demo v2: published (bench's own amendment)")
        return
    demo_amendment_publish(policy=_policy())
    print("demo v2: published")


def cmd_versions(total: str, last: str = "minor") -> None:
    """Publish minor versions up to ``total``; the last one material if ``last == "material"``."""
    total_n = int(total)
    policy = _policy()
    count = DocumentVersion.objects.filter(document=policy).count()
    for number in range(count + 1, total_n + 1):
        version = _publish(number=number, material=last == "material" and number == total_n)
        print(f"published version {version.number} (material={version.material})")


def cmd_snapshot(static_file: str) -> None:
    """Render the ru policy page as an anonymous visitor, save it as a static file, and make
    the bare pages show the same HTML."""
    from django.test import Client

    response = Client(HTTP_HOST="localhost").get("/ru/legal/privacy/")
    assert response.status_code == 200, response.status_code
    path = Path(static_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.content)
    print(f"snapshot: {len(response.content)} bytes → {path}")
    cmd_bare(str(path))


def cmd_bare(html_file: str) -> None:
    """Two bare pages showing the policy page's HTML (see benchsite.models)."""
    import re

    from benchsite.models import BenchPage

    html = Path(html_file).read_text(encoding="utf-8")
    article = re.search(r"<article class=\"legal-document\">.*</article>", html, re.S).group(0)
    title = re.search(r"<title>(.*?) · Jetu</title>", html, re.S).group(1)
    # At the policy's depth (/ru/legal/…), so Wagtail's routing costs the same for both.
    parent = _policy().get_parent()
    for slug, raw, content in (("bench-bare", False, article), ("bench-raw", True, html)):
        page = BenchPage.objects.filter(slug=slug).first()
        if page is None:
            page = parent.add_child(instance=BenchPage(title=title, slug=slug, raw=raw))
        page.title, page.html, page.raw = title, content, raw
        page.save_revision().publish()
        print("bare page:", page.url_path, "raw" if raw else "site template")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    commands = {
        "demo": cmd_demo,
        "versions": cmd_versions,
        "snapshot": cmd_snapshot,
        "bare": cmd_bare,
    }
    commands[command](*args)
