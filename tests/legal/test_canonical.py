"""The canonical form of a version text and its SHA-256 (pure, no database).

The oracle is the canonical JSON written out by hand: sorted keys, no optional spaces,
Cyrillic kept as is, whitespace collapsed, NFC.
"""

import hashlib

from legal.canonical import canonical_text, html_digest, text_digest


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_text_serialises_with_sorted_keys_and_no_spaces():
    blocks = [
        {"type": "preamble", "html": "<p>Вступление</p>"},
        {"type": "section", "number": "1", "heading": "Термины"},
        {"type": "clause", "number": "1.1", "html": "<p>Сатып алушы</p>", "style": "list"},
    ]
    assert canonical_text("Политика", blocks) == (
        '{"blocks":[{"html":"<p>Вступление</p>","type":"preamble"},'
        '{"heading":"Термины","number":"1","type":"section"},'
        '{"html":"<p>Сатып алушы</p>","number":"1.1","style":"list","type":"clause"}],'
        '"title":"Политика"}'
    )


def test_fields_outside_the_canonical_set_are_not_hashed():
    block = {"type": "clause", "number": "2", "html": "x", "style": "paragraph", "id": "abc"}
    assert canonical_text("T", [block]) == (
        '{"blocks":[{"html":"x","number":"2","style":"paragraph","type":"clause"}],"title":"T"}'
    )


def test_missing_fields_are_empty_and_other_values_are_text():
    assert canonical_text("T", [{"type": "section", "number": 3}]) == (
        '{"blocks":[{"heading":"","number":"3","type":"section"}],"title":"T"}'
    )


def test_a_block_of_unknown_type_keeps_all_its_fields_sorted():
    assert canonical_text("T", [{"b": "2", "a": "1"}]) == (
        '{"blocks":[{"a":"1","b":"2"}],"title":"T"}'
    )


def test_whitespace_runs_nbsp_and_edges_collapse():
    block = {"type": "preamble", "html": " \t<p>a\u00a0 \n b</p>  "}
    assert canonical_text("  Заголовок \n ", [block]) == (
        '{"blocks":[{"html":"<p>a b</p>","type":"preamble"}],"title":"Заголовок"}'
    )


def test_decomposed_letters_serialise_like_composed_ones():
    decomposed = "и\u0306"  # и + combining breve = й
    assert canonical_text(decomposed, []) == '{"blocks":[],"title":"й"}'


def test_the_digest_is_the_sha256_of_the_canonical_form():
    blocks = [{"type": "section", "number": "1", "heading": "Жалпы"}]
    expected = sha256('{"blocks":[{"heading":"Жалпы","number":"1","type":"section"}],"title":"T"}')
    assert text_digest("T", blocks) == expected


def test_equal_looking_texts_share_a_digest_and_any_visible_change_does_not():
    base = [{"type": "clause", "number": "1.1", "html": "<p>30 дней.</p>", "style": "list"}]
    spaced = [{"style": "list", "html": "<p>30  дней.</p>", "number": "1.1", "type": "clause"}]
    assert text_digest("T", spaced) == text_digest("T", base)
    for changed in ("<p>90 дней.</p>", "<p>30 дней,</p>", "<p>30 Дней.</p>"):
        assert text_digest("T", [{**base[0], "html": changed}]) != text_digest("T", base)


def test_html_digest_hashes_the_bytes_exactly():
    assert html_digest("<p>a  b</p>") == sha256("<p>a  b</p>")
    assert html_digest("й") == sha256("й")
    assert html_digest("й") != html_digest("и\u0306")
