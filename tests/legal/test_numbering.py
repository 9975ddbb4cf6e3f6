"""Clause numbers and references (pure, no database); the oracle is written out by hand."""

import pytest
from django.utils import translation

from legal.numbering import (
    NUMBER_RE,
    Reference,
    anchor_for,
    check_numbering,
    dangling_references,
    find_references,
    parse_number,
)


def errors(entries):
    with translation.override("ru"):
        return [(e.index, str(e.message)) for e in check_numbering(entries)]


def test_numbers_split_into_integers():
    assert parse_number("4.3.2") == (4, 3, 2)
    assert parse_number("10") == (10,)
    assert parse_number("999.1.1.1.1.1") == (999, 1, 1, 1, 1, 1)


@pytest.mark.parametrize(
    "number", ["", "0", "1.0", "01", "1000", "1.", ".1", "1..2", "1.2.3.4.5.6.7", "4.x", " 1"]
)
def test_malformed_numbers_are_refused_naming_the_number(number):
    with pytest.raises(ValueError) as refused:
        parse_number(number)
    assert refused.value.args == (number,)
    assert not NUMBER_RE.match(number)


def test_a_missing_number_is_refused():
    with pytest.raises(ValueError):
        parse_number(None)


def test_anchors_are_p_dash_number():
    assert anchor_for("4.3.2") == "p-4.3.2"


def test_references_carry_their_exact_span():
    text = "см. п.4.3.2. и 4.4-тармағында"
    assert find_references(text) == [Reference("4.3.2", 4, 12), Reference("4.4", 15, 29)]
    assert text[4:12] == "п.4.3.2." and text[15:29] == "4.4-тармағында"


def test_references_are_ordered_by_position_across_both_languages():
    text = "4.1-тармақ, затем п.2.2 и 3.3-тармағы"
    assert [r.number for r in find_references(text)] == ["4.1", "2.2", "3.3"]


def test_each_numbering_mistake_is_reported_in_russian_with_its_block():
    entries = [
        ("preamble", ""),
        ("section", "1"),
        ("clause", "1.1."),  # the trailing dot of an abbreviation is not part of the number
        ("clause", "1.1"),
        ("clause", "2.1"),
        ("clause", "1.X"),
        ("section", "5.1"),
        ("clause", "3"),
        ("clause", None),
        ("section", " 4 "),
        ("clause", "4.1"),
    ]
    assert errors(entries) == [
        (3, "Номер 1.1 используется в этом документе дважды."),
        (4, "Пункт 2.1 не относится к разделу 1, в котором он находится."),
        (
            5,
            "«1.X» — не номер пункта: используйте цифры, разделённые точками, например 4.3.2.",
        ),
        (6, "Номер раздела — это одно число, а не 5.1."),
        (
            7,
            "Номер пункта 3 должен начинаться с номера раздела, например 3.1.",
        ),
        (
            8,
            "«» — не номер пункта: используйте цифры, разделённые точками, например 4.3.2.",
        ),
    ]


def test_a_clause_before_any_section_belongs_to_none():
    assert errors([("clause", "1.1")]) == [
        (0, "Пункт 1.1 не относится к разделу —, в котором он находится.")
    ]


def test_sound_numbering_passes_and_other_kinds_are_ignored():
    entries = [("preamble", "x"), ("section", "1"), ("clause", "1.1"), ("clause", "1.1.1")]
    assert errors([*entries, ("section", "2"), ("clause", "2.1"), ("heading", "zz")]) == []


def test_dangling_references_keep_their_first_order():
    texts = ["п.9.9. и п.1.1.", "4.4-тармағында и п.9.9"]
    assert dangling_references(texts, ["1.1"]) == ["9.9", "4.4"]
    assert dangling_references(texts, ["1.1", "9.9", "4.4"]) == []
