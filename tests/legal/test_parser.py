"""The policy parser and clause numbering: pure functions, on the real file and edge cases."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legal.importing import read_policy
from legal.numbering import check_numbering, dangling_references, find_references
from legal.parser import PolicyParseError, parse_policy
from legal.rendering import link_references


def test_real_policy_parses_into_five_sections_and_51_clauses():
    policy = read_policy("ru")
    assert policy.title == "Политика конфиденциальности персональных данных"
    assert [b["type"] for b in policy.blocks[:2]] == ["preamble", "section"]
    assert len(policy.sections) == 5
    assert len(policy.clauses) == 51
    assert policy.clauses[-1]["number"] == "5.10"


def test_list_and_paragraph_clauses_are_told_apart_as_in_the_source():
    styles = {c["number"]: c["style"] for c in read_policy("ru").clauses}
    assert styles["1.10"] == "list"
    assert styles["1.11"] == "paragraph"  # 1.11 is a plain paragraph after a list
    assert [styles[n] for n in ("5.6", "5.7", "5.8", "5.9", "5.10")] == [
        "paragraph", "list", "list", "list", "list",
    ]  # fmt: skip


def test_nested_numbers_and_bold_and_links():
    policy = parse_policy(
        "Title\n\nPreamble with **bold** and <http://example.kz>.\n\n1. Heading\n\n"
        "1.1. Text.\n\n- 1.1.1. Nested [site](https://jetu.kz/a).\n"
    )
    preamble, section, first, nested = policy.blocks
    assert preamble["html"] == (
        '<p>Preamble with <b>bold</b> and <a href="http://example.kz">http://example.kz</a>.</p>'
    )
    assert section == {"type": "section", "number": "1", "heading": "Heading"}
    assert first["number"] == "1.1"
    assert nested == {
        "type": "clause",
        "number": "1.1.1",
        "html": '<p>Nested <a href="https://jetu.kz/a">site</a>.</p>',
        "style": "list",
    }


def test_a_clause_without_text_is_kept_with_an_empty_body():
    policy = parse_policy("T\n\nP\n\n1. H\n\n1.1.\n\n1.2. Text\n")
    assert policy.clauses[0] == {
        "type": "clause",
        "number": "1.1",
        "html": "",
        "style": "paragraph",
    }


def test_unnumbered_paragraph_after_a_clause_belongs_to_it():
    policy = parse_policy("T\n\nP\n\n1. H\n\n1.1. First.\n\nSecond paragraph.\n")
    assert policy.clauses[0]["html"] == "<p>First.</p><p>Second paragraph.</p>"


def test_html_in_the_source_is_escaped_not_executed():
    policy = parse_policy('T\n\nP\n\n1. H\n\n1.1. <script>alert(1)</script> <a href="x">y</a>\n')
    html = policy.clauses[0]["html"]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_empty_source_is_refused():
    with pytest.raises(PolicyParseError):
        parse_policy("  \n\n ")


def test_text_between_a_heading_and_its_first_clause_is_refused():
    with pytest.raises(PolicyParseError):
        parse_policy("T\n\nP\n\n1. Heading\n\nstray text\n")


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("см. п.4.3.2. и п.4.4. настоящей", ["4.3.2", "4.4"]),
        ("в пункте 2.2 выше", ["2.2"]),
        ("осы саясаттың 4.3.2-тармағында және 4.4-тармағында", ["4.3.2", "4.4"]),
        ("ст.387 Гражданского кодекса", []),
        ("версия 2.0 сайта", []),
    ],
)
def test_references_are_found_in_both_languages(text, numbers):
    assert [ref.number for ref in find_references(text)] == numbers


def test_references_inside_existing_links_are_left_alone():
    html = '<p>см. <a href="/x">п.4.4.</a> и п.4.3.2.</p>'
    assert link_references(html) == (
        '<p>см. <a href="/x">п.4.4.</a> и <a class="xref" href="#p-4.3.2">п.4.3.2.</a></p>'
    )


def test_numbering_errors_name_the_offending_block():
    errors = check_numbering(
        [("preamble", ""), ("section", "1"), ("clause", "1.1"), ("clause", "1.1"),
         ("clause", "2.1"), ("clause", "1.x"), ("section", "2.1"), ("clause", "3")]
    )  # fmt: skip
    assert [e.index for e in errors] == [3, 4, 5, 6, 7]
    messages = [str(e.message) for e in errors]
    assert "1.1" in messages[0]
    assert "2.1" in messages[1]


def test_sound_numbering_has_no_errors():
    policy = read_policy("ru")
    assert check_numbering([(b["type"], b.get("number", "")) for b in policy.blocks]) == []


def test_dangling_references_are_reported_once_in_order():
    assert dangling_references(["п.9.9. и п.1.1. и п.9.9."], ["1", "1.1"]) == ["9.9"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_crashes_on_arbitrary_text(source):
    try:
        policy = parse_policy(source)
    except PolicyParseError:
        return
    for block in policy.blocks:
        assert "<script" not in block.get("html", "").lower()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["section", "clause", "preamble"]), st.text(max_size=12)))
)
def test_numbering_check_never_crashes(entries):
    for error in check_numbering(entries):
        assert 0 <= error.index < len(entries)


def test_quotes_in_the_source_stay_quotes():
    policy = parse_policy("T\n\nP\n\n1. H\n\n1.1. Кнопка \"Купить\" и 'Оплатить' & «Готово».\n")
    assert policy.clauses[0]["html"] == ("<p>Кнопка \"Купить\" и 'Оплатить' &amp; «Готово».</p>")


def test_windows_line_endings_parse_like_unix_ones():
    unix = "# Политика\n\nВступление.\n\n1. Термины\n\n- 1.1. Первый.\n\nВторой абзац.\n"
    assert parse_policy(unix.replace("\n", "\r\n")) == parse_policy(unix)


@pytest.mark.parametrize(
    ("line", "title"),
    [("# Политика", "Политика"), ("## Политика ##", "Политика ##"), ("#XS-маркет", "XS-маркет")],
)
def test_the_title_is_the_first_line_without_its_heading_marks(line, title):
    assert parse_policy(f"{line}\n\nВступление.\n").title == title


def test_unnumbered_paragraphs_after_the_preamble_extend_it():
    policy = parse_policy("T\n\nПервый абзац.\n\nВторой абзац.\n\n1. H\n")
    assert policy.blocks[0] == {
        "type": "preamble",
        "html": "<p>Первый абзац.</p><p>Второй абзац.</p>",
    }


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("  \n\n ", "The document is empty."),
        ("#  \n\nP\n", "The document has no title."),
        ("T\n\nP\n\n1. H\n\nstray", "Unnumbered text after a section heading: 'stray'"),
        ("T\n\nP\n\n1. H\n\n" + "я" * 70, f"Unnumbered text after a section heading: '{'я' * 60}'"),
    ],
)
def test_refusals_say_what_is_wrong(source, message):
    with pytest.raises(PolicyParseError) as refused:
        parse_policy(source)
    assert str(refused.value) == message
