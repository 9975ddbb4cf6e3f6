"""The privacy policy as structured content: verbatim Russian, complete Kazakh, anchors, links."""

import html
import re

import pytest
from wagtail.models import Locale
from wagtail_localize.models import Translation

from legal.importing import POLICY_SOURCES, read_policy

pytestmark = pytest.mark.django_db

EXPECTED_NUMBERS = [
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11",
    "2.1", "2.2", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.3",
    "3.1", "3.2", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5", "3.2.6", "3.2.7", "3.2.8",
    "3.2.9", "3.3", "3.4",
    "4.1", "4.1.1", "4.1.2", "4.2", "4.2.1", "4.3", "4.3.1", "4.3.2", "4.3.3", "4.4",
    "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10",
]  # fmt: skip


def visible_text(markup: str) -> str:
    """The page's text as a reader sees it: tags and the "#" clause-link glyphs removed."""
    body = markup.split('class="legal-document__body"', 1)[1]
    body = re.sub(r'<a class="clause-link"[^>]*>#</a>', " ", body)
    body = re.sub(r"</?(?:a|b|strong|i|em|span|code)(?:\s[^>]*)?>", "", body)  # inline: no gap
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text)


def source_sentences(path) -> list[str]:
    """Every sentence of the Markdown source, markup removed, whitespace collapsed."""
    sentences = []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in lines[1:]:  # the title is checked separately
        line = re.sub(r"^-\s+", "", line)
        line = line.replace("**", "")
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
        # Split after sentence punctuation followed by a space and a capital letter.
        sentences.extend(re.split(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z])", line))
    return [re.sub(r"\s+", " ", s).strip() for s in sentences if s.strip()]


def test_russian_policy_shows_every_source_sentence_verbatim_and_in_order(client):
    markup = client.get("/ru/legal/privacy/").content.decode()
    text = visible_text(markup)
    position = 0
    sentences = source_sentences(POLICY_SOURCES["ru"])
    assert len(sentences) > 90
    for sentence in sentences:
        found = text.find(sentence, position)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        position = found + len(sentence)
    title = POLICY_SOURCES["ru"].read_text(encoding="utf-8").strip().splitlines()[0].strip()
    assert f"<h1>{title}</h1>" in markup


def test_source_typos_are_published_as_written(client):
    text = visible_text(client.get("/ru/legal/privacy/").content.decode())
    assert "ненличных данных" in text
    assert "небольших данных" in text


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_policy_has_five_sections_and_all_51_clauses_with_anchors(client, language):
    markup = client.get(f"/{language}/legal/privacy/").content.decode()
    clause_ids = re.findall(r'class="clause clause--depth-\d" id="p-([\d.]+)"', markup)
    section_ids = re.findall(r'class="section-heading" id="p-([\d.]+)"', markup)
    assert clause_ids == EXPECTED_NUMBERS
    assert section_ids == ["1", "2", "3", "4", "5"]
    for number in EXPECTED_NUMBERS:
        assert f'href="#p-{number}" aria-label=' in markup, f"no copy-link for {number}"


def test_table_of_contents_links_to_every_section(client):
    markup = client.get("/ru/legal/privacy/").content.decode()
    toc = markup.split('class="toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#p-(\d)"', toc) == ["1", "2", "3", "4", "5"]
    assert "Определение терминов" in toc


@pytest.mark.parametrize(
    ("language", "links"),
    [
        ("ru", ['<a class="xref" href="#p-4.3.2">п.4.3.2.</a>',
                '<a class="xref" href="#p-4.4">п.4.4.</a>']),
        ("kk", ['<a class="xref" href="#p-4.3.2">4.3.2-тармағында</a>',
                '<a class="xref" href="#p-4.4">4.4-тармағында</a>']),
    ],
)  # fmt: skip
def test_cross_references_link_to_their_clause(client, language, links):
    markup = client.get(f"/{language}/legal/privacy/").content.decode()
    for link in links:
        assert link in markup


def test_kazakh_translation_is_complete_and_has_the_russian_numbers(client, policy):
    kk = Locale.objects.get(language_code="kk")
    translation = Translation.objects.get(
        source__object_id=policy.translation_key, target_locale=kk
    )
    total, translated = translation.get_progress()
    assert total > 60
    assert translated == total

    markup = client.get("/kk/legal/privacy/").content.decode()
    clause_ids = re.findall(r'class="clause clause--depth-\d" id="p-([\d.]+)"', markup)
    assert clause_ids == EXPECTED_NUMBERS
    kk_text = visible_text(markup)
    # No Russian sentence falls back into the Kazakh page.
    for sentence in source_sentences(POLICY_SOURCES["ru"]):
        if len(sentence) > 40:
            assert sentence not in kk_text
    assert "Сатып алушы" in kk_text
    assert "дербес деректер" in kk_text


def test_kazakh_source_mirrors_the_russian_structure():
    ru, kk = read_policy("ru"), read_policy("kk")
    assert [(b["type"], b.get("number"), b.get("style")) for b in ru.blocks] == [
        (b["type"], b.get("number"), b.get("style")) for b in kk.blocks
    ]


def test_imported_rich_text_keeps_bold_and_links(client):
    markup = client.get("/ru/legal/privacy/").content.decode()
    assert "<b>ТОО «Коллекторское агентство «Jetu»</b>" in markup
    assert '<a class="bare-url" href="http://www.jetu.kz">http://www.jetu.kz</a>' in markup


def test_list_clauses_render_as_list_items_and_paragraph_clauses_do_not(client):
    markup = client.get("/ru/legal/privacy/").content.decode()
    assert re.search(r'<li class="clause clause--depth-1" id="p-1\.1">', markup)
    assert re.search(r'<div class="clause clause--depth-1" id="p-1\.11">', markup)
    assert re.search(r'<li class="clause clause--depth-1" id="p-5\.7">', markup)
    assert re.search(r'<div class="clause clause--depth-1" id="p-5\.6">', markup)
