"""Example-based tests for the legal document comparison core (``legal.diff``).

Each scenario asserts the exact classification of every block and the exact
words marked, in Russian (the real privacy policy as fixture) and in Kazakh.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from legal.diff import (
    BlockDiff,
    DocumentDiff,
    diff_versions,
)
from legal.parser import parse_policy
from tests.legal.redline_checks import (
    assert_well_formed,
    reconstruct_new,
    reconstruct_old,
    visible_text,
)

POLICY_MD = Path(__file__).resolve().parents[2] / "legal" / "content" / "privacy-policy.ru.md"


def policy_blocks() -> list[dict]:
    """The full Russian privacy policy as diff input blocks (the project's own parser)."""
    return parse_policy(POLICY_MD.read_text(encoding="utf-8")).blocks


def clause(number: str, text: str, style: str = "paragraph") -> dict:
    return {"type": "clause", "number": number, "html": f"<p>{text}</p>", "style": style}


def section(number: str, heading: str) -> dict:
    return {"type": "section", "number": number, "heading": heading}


def renumber(blocks: list[dict]) -> list[dict]:
    """Renumber clauses sequentially within each section (top level only).

    Mirrors what an editor does after inserting/deleting a clause: every
    following clause of the section gets a new number.
    """
    out: list[dict] = []
    counters: dict[str, int] = {}
    for block in blocks:
        if block["type"] != "clause" or block["number"].count(".") != 1:
            out.append(block)
            continue
        sec = block["number"].split(".")[0]
        counters[sec] = counters.get(sec, 0) + 1
        out.append({**block, "number": f"{sec}.{counters[sec]}"})
    return out


def by_status(diff: DocumentDiff, status: str, kind: str = "clause") -> list[BlockDiff]:
    return [b for b in diff.blocks if b.status == status and b.kind == kind]


def moves(diff: DocumentDiff) -> list[tuple[str | None, str | None]]:
    return [(b.old_number, b.new_number) for b in by_status(diff, "moved")]


def assert_diff_consistent(diff: DocumentDiff) -> None:
    for block in diff.blocks:
        for fragment in (block.inline_html, block.old_side_html, block.new_side_html):
            assert_well_formed(fragment)
        assert visible_text(reconstruct_old(block.inline_html)) == visible_text(block.old_html)
        assert visible_text(reconstruct_new(block.inline_html)) == visible_text(block.new_html)


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

KK_DOC = [
    section("1", "Жалпы ережелер"),
    clause("1.1", "Сатып алушы дербес деректерді ұсынуға міндетті."),
    clause("1.2", "Сатушы дербес деректердің құпиялылығын қамтамасыз етеді."),
    clause("1.3", "Сатып алушы өз деректерін өзгертуге құқылы."),
    clause("1.4", "Осы Саясат сайтта жарияланған күннен бастап күшіне енеді."),
    section("2", "Қорытынды ережелер"),
    clause("2.1", "Барлық даулар келіссөздер арқылы шешіледі."),
    clause("2.2", "Сатушы Саясатқа біржақты өзгерістер енгізуге құқылы."),
]


@pytest.fixture(scope="module")
def policy() -> list[dict]:
    return policy_blocks()


def test_fixture_is_the_realistic_policy(policy):
    kinds = [b["type"] for b in policy]
    assert kinds[0] == "preamble"
    assert kinds.count("section") == 5
    assert kinds.count("clause") == 51
    assert sum(len(b.get("html", "").encode()) for b in policy) > 15_000  # ~17 KB


# ---------------------------------------------------------------------------
# Identical / whitespace
# ---------------------------------------------------------------------------


def test_identical_versions_have_no_changes(policy):
    diff = diff_versions(policy, [dict(b) for b in policy])
    assert not diff.has_changes
    assert diff.changes == ()
    assert {b.status for b in diff.blocks} == {"unchanged"}
    assert len(diff.blocks) == len(policy)
    assert diff.summary.total == 0
    assert all(b.similarity == 1.0 for b in diff.blocks)
    assert "<ins>" not in "".join(b.inline_html for b in diff.blocks)
    assert "<del>" not in "".join(b.inline_html for b in diff.blocks)


def test_identical_kazakh_versions_have_no_changes():
    diff = diff_versions(KK_DOC, list(KK_DOC))
    assert not diff.has_changes
    assert [b.anchor for b in diff.blocks] == [
        "p-1", "p-1.1", "p-1.2", "p-1.3", "p-1.4", "p-2", "p-2.1", "p-2.2",
    ]  # fmt: skip


def test_whitespace_only_change_is_not_a_change(policy):
    new = [dict(b) for b in policy]
    target = next(i for i, b in enumerate(new) if b.get("number") == "3.3")
    words = policy[target]["html"][3:-4].split(" ")
    # nbsp entity, raw nbsp, newline, runs of spaces, spaces around tags.
    new[target]["html"] = (
        "<p> " + words[0] + "&nbsp;" + "\u00a0 \n".join(words[1:4]) + "   " + " ".join(words[4:])
        + " </p>\n"
    )  # fmt: skip
    kk_old = [clause("1.1", "Сатып алушы дербес деректерді ұсынуға міндетті.")]
    kk_new = [clause("1.1", "Сатып  алушы\nдербес&nbsp;деректерді ұсынуға   міндетті. ")]

    for diff in (diff_versions(policy, new), diff_versions(kk_old, kk_new)):
        assert not diff.has_changes
        assert diff.changes == ()
        assert "<ins>" not in "".join(b.inline_html for b in diff.blocks)


# ---------------------------------------------------------------------------
# Word-level changes
# ---------------------------------------------------------------------------


def test_one_word_changed_russian():
    old = [section("1", "Термины"), clause("1.1", "Продавец хранит старое значение данных.")]
    new = [section("1", "Термины"), clause("1.1", "Продавец хранит новое значение данных.")]
    diff = diff_versions(old, new)

    assert [(b.kind, b.status) for b in diff.blocks] == [
        ("section", "unchanged"),
        ("clause", "changed"),
    ]
    block = diff.blocks[1]
    assert block.old_number == block.new_number == "1.1"
    assert block.inline_html == (
        "<p>Продавец хранит <del>старое</del><ins>новое</ins> значение данных.</p>"
    )
    assert block.old_side_html == "<p>Продавец хранит <del>старое</del> значение данных.</p>"
    assert block.new_side_html == "<p>Продавец хранит <ins>новое</ins> значение данных.</p>"
    assert re.findall(r"<del>(.*?)</del>", block.inline_html) == ["старое"]
    assert re.findall(r"<ins>(.*?)</ins>", block.inline_html) == ["новое"]
    assert 0.6 < block.similarity < 1.0
    assert diff.summary.changed == 1
    assert (diff.summary.added, diff.summary.removed, diff.summary.moved) == (0, 0, 0)
    assert diff.changes == (block,)
    assert block.anchor == "p-1.1"
    assert block.is_change


def test_one_word_changed_kazakh():
    new = [dict(b) for b in KK_DOC]
    new[1] = clause("1.1", "Сатып алушы дербес деректерді ұсынуға құқылы.")
    diff = diff_versions(KK_DOC, new)

    assert diff.summary.changed == 1
    assert diff.summary.total == 1
    (block,) = diff.changes
    assert block.new_number == "1.1"
    assert block.inline_html == (
        "<p>Сатып алушы дербес деректерді ұсынуға <del>міндетті</del><ins>құқылы</ins>.</p>"
    )


def test_one_word_changed_in_full_policy(policy):
    new = [dict(b) for b in policy]
    i = next(i for i, b in enumerate(new) if b.get("number") == "4.3.2")
    assert "конфиденциальной" in new[i]["html"]
    new[i]["html"] = new[i]["html"].replace("конфиденциальной", "секретной", 1)
    diff = diff_versions(policy, new)

    assert [(b.new_number, b.status) for b in diff.changes] == [("4.3.2", "changed")]
    inline = diff.changes[0].inline_html
    assert re.findall(r"<del>(.*?)</del>", inline) == ["конфиденциальной"]
    assert re.findall(r"<ins>(.*?)</ins>", inline) == ["секретной"]


def test_a_changed_number_is_a_change():
    old = [clause("3.2", "Данные хранятся 30 дней после отказа.")]
    new = [clause("3.2", "Данные хранятся 90 дней после отказа.")]
    (block,) = diff_versions(old, new).blocks
    assert block.status == "changed"
    assert (
        block.inline_html == "<p>Данные хранятся <del>30</del><ins>90</ins> дней после отказа.</p>"
    )

    kk_old = [clause("1.4", "Саясат 2025 жылғы 1 наурыздан бастап күшіне енеді.")]
    kk_new = [clause("1.4", "Саясат 2026 жылғы 1 наурыздан бастап күшіне енеді.")]
    (kk,) = diff_versions(kk_old, kk_new).blocks
    assert kk.status == "changed"
    assert kk.new_side_html == (
        "<p>Саясат <ins>2026</ins> жылғы 1 наурыздан бастап күшіне енеді.</p>"
    )


def test_a_changed_clause_reference_marks_the_digit():
    old = [clause("4.1", "В порядке, указанном в п.4.3.2. Политики.")]
    new = [clause("4.1", "В порядке, указанном в п.4.3.3. Политики.")]
    (block,) = diff_versions(old, new).blocks
    assert (
        block.inline_html
        == "<p>В порядке, указанном в п.4.3.<del>2</del><ins>3</ins>. Политики.</p>"
    )


def test_a_changed_number_in_a_heading_is_a_change():
    old = [section("2", "Сроки: 30 дней")]
    new = [section("2", "Сроки: 10 дней")]
    diff = diff_versions(old, new)
    assert diff.summary.sections_changed == 1
    assert diff.blocks[0].inline_html == "Сроки: <del>30</del><ins>10</ins> дней"


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        # Optional end tags are implied, as a browser implies them.
        ("<ul><li>один<li>два</ul>", "<ul><li>один</li><li>два</li></ul>"),
        ("<p>один<ul><li>два</li></ul>три", "<p>один</p><ul><li>два</li></ul>три"),
        ("<p>один<p>два", "<p>один</p><p>два</p>"),
        # A list inside a list item stays inside it, and an end tag closes only its element.
        (
            "<ol><li>один<ul><li>два</li></ul>три</li><li>четыре</li></ol>",
            "<ol><li>один<ul><li>два</li></ul>три</li><li>четыре</li></ol>",
        ),
        ("<p>один</li>два</p>", "<p>одиндва</p>"),
        (
            "<ol><li><p>один</p></li><li><p>два</p><p>три</p></li></ol>",
            "<ol><li><p>один</p></li><li><p>два</p><p>три</p></li></ol>",
        ),
        # Line breaks are kept, the spaces around them are not content.
        ("<p>один <br> два<br/>три</p>", "<p>один<br>два<br>три</p>"),
        # Nor is the indentation around blocks; a no-break space the author typed stays one.
        ("<ul>\n  <li> один </li>\n  <li>\tдва</li>\n</ul>", "<ul><li>один</li><li>два</li></ul>"),
        ("<p>срок 30&nbsp;дней, п.\u00a04.3</p>", "<p>срок 30\u00a0дней, п.\u00a04.3</p>"),
        # Formatting closes where its end tag says, <strong> and <b> alike.
        ("<p><b>один <i>два</b> три</i></p>", "<p><b>один <i>два</i></b><i> три</i></p>"),
        ("<p><strong>один</b> два</p>", "<p><strong>один</strong> два</p>"),
        # <em> and <i> look the same: all three words are italic, as in a browser.
        ("<p><em>один <i>два</em> три</i></p>", "<p><em>один два три</em></p>"),
        # What the allow-list does not know is unwrapped; what it cannot show is dropped.
        ("<p><span>один</span> <u>два</u></p>", "<p>один два</p>"),
        ("<p>один<script>x</script><template><b>y</b></template> два</p>", "<p>один два</p>"),
        ("<p>один<style><p>x</style> два</p>", "<p>один два</p>"),
        ('<p><a href="/policy/">один</a> <a href=" java\tscript:x">два</a></p>',
         '<p><a href="/policy/">один</a> <a>два</a></p>'),
        ("<p><a>один</a></p>", "<p><a>один</a></p>"),
        ("<p>один<template><template>x</template>y</template> два</p>", "<p>один два</p>"),
        # A declaration html.parser cannot read is shown as the text it is.
        ("<p>один <![x]> два</p>", "<p>один &lt;![x]&gt; два</p>"),
        # Self-closed tags are empty, as freezing (BeautifulSoup) reads them.
        ("<p/>один", "один"),
        ('<p>один <b/>два <a href="/x"/>три <script/>четыре</p>', "<p>один два три четыре</p>"),
    ],
)  # fmt: skip
def test_an_unchanged_clause_renders_as_a_browser_reads_it(source, rendered):
    block = {"type": "clause", "number": "1.1", "html": source}
    (same,) = diff_versions([block], [dict(block)]).blocks
    assert (same.status, same.inline_html, same.new_side_html) == ("unchanged", rendered, rendered)


def test_a_word_added_in_a_nested_list_is_marked_there():
    old = "<ol><li>один<ul><li>два</li><li>три</li></ul></li></ol>"
    new = "<ol><li>один<ul><li>два</li><li>три и четыре</li></ul></li></ol>"
    (block,) = diff_versions(
        [{**clause("1.1", ""), "html": old}], [{**clause("1.1", ""), "html": new}]
    ).blocks
    assert block.inline_html == (
        "<ol><li>один<ul><li>два</li><li>три<ins> и четыре</ins></li></ul></li></ol>"
    )


def test_a_paragraph_turned_into_a_list_item_is_shown_as_the_list_item():
    old = "<p>Срок хранения 30 дней.</p><p>Данные удаляются.</p>"
    new = "<p>Срок хранения 30 дней.</p><ol><li>Данные удаляются.</li></ol>"
    (block,) = diff_versions(
        [{**clause("3.1", ""), "html": old}], [{**clause("3.1", ""), "html": new}]
    ).blocks
    # No word changed: the one-column redline shows the new structure, each side its own.
    assert block.status == "changed"
    assert block.inline_html == block.new_side_html == new
    assert block.old_side_html == old


def test_a_new_list_item_is_its_own_item():
    old = "<ul><li>один</li><li>два</li></ul>"
    new = "<ul><li>один</li><li>два</li><li>три</li></ul>"
    (block,) = diff_versions(
        [{**clause("1.1", ""), "html": old}], [{**clause("1.1", ""), "html": new}]
    ).blocks
    assert block.inline_html == "<ul><li>один</li><li>два</li><li><ins>три</ins></li></ul>"
    assert block.old_side_html == "<ul><li>один</li><li>два</li></ul>"


def test_multi_word_replacement_is_one_phrase():
    old = [clause("1.1", "Покупатель обязан сообщить старый адрес доставки.")]
    new = [clause("1.1", "Покупатель обязан сообщить новый телефон доставки.")]
    (block,) = diff_versions(old, new).blocks
    # The single space between the two replaced words is folded into the change.
    assert block.inline_html == (
        "<p>Покупатель обязан сообщить <del>старый адрес</del><ins>новый телефон</ins>"
        " доставки.</p>"
    )


def test_replaced_words_at_either_end_are_one_phrase():
    (first,) = diff_versions(
        [section("1", "Старый адрес доставки Покупателя по договору")],
        [section("1", "Новый телефон доставки Покупателя по договору")],
    ).blocks
    assert first.inline_html == (
        "<del>Старый адрес</del><ins>Новый телефон</ins> доставки Покупателя по договору"
    )
    (last,) = diff_versions(
        [clause("1.1", "Покупатель по договору сообщает адрес доставки")],
        [clause("1.1", "Покупатель по договору сообщает номер телефона")],
    ).blocks
    assert last.inline_html == (
        "<p>Покупатель по договору сообщает <del>адрес доставки</del><ins>номер телефона</ins></p>"
    )


def test_one_word_changed_in_a_long_clause_marks_only_that_word():
    # Hundreds of tokens, all alike: difflib's "popular element" heuristic must stay off, or
    # it would ignore them and find nothing in common between the two versions.
    words = ["данные"] * 150
    changed = [*words[:75], "сведения", *words[76:]]
    (block,) = diff_versions(
        [clause("1.1", " ".join(words))], [clause("1.1", " ".join(changed))]
    ).blocks
    assert block.status == "changed"
    assert re.findall(r"<del>(.*?)</del>", block.inline_html) == ["данные"]
    assert re.findall(r"<ins>(.*?)</ins>", block.inline_html) == ["сведения"]


def test_clauses_without_words_still_pair():
    old = [clause("1.1", "текст"), {"type": "clause", "number": "1.2", "html": "<br>"}]
    new = [clause("1.1", "текст"), {"type": "clause", "number": "1.3", "html": ""}]
    diff = diff_versions(old, new)
    assert [(b.status, b.old_number, b.new_number) for b in diff.blocks] == [
        ("unchanged", "1.1", "1.1"),
        ("moved", "1.2", "1.3"),
    ]


def test_a_removed_clause_is_anchored_to_a_neighbour_that_stayed_in_its_section():
    old = [
        section("1", "Первый"),
        clause("1.1", "Покупатель сообщает свой адрес доставки."),
        clause("1.2", "Продавец хранит сведения о заказах Покупателя."),
        clause("1.3", "Продавец не передаёт данные третьим лицам."),
        section("2", "Второй"),
        clause("2.1", "Споры решаются путём переговоров сторон."),
    ]
    new = [
        section("1", "Первый"),
        clause("1.1", "Продавец не передаёт данные третьим лицам."),
        section("2", "Второй"),
        clause("2.1", "Споры решаются путём переговоров сторон."),
        clause("2.2", "Покупатель сообщает свой адрес доставки."),
    ]
    diff = diff_versions(old, new)
    # 1.1 left for section 2, so the removed 1.2 stays under section 1's heading.
    assert [(b.status, b.old_number, b.new_number) for b in diff.blocks] == [
        ("unchanged", "1", "1"),
        ("removed", "1.2", None),
        ("moved", "1.3", "1.1"),
        ("unchanged", "2", "2"),
        ("unchanged", "2.1", "2.1"),
        ("moved", "1.1", "2.2"),
    ]


def test_a_removed_sub_clause_is_anchored_by_section_not_by_parent_number():
    old = [
        section("1", "Первый"),
        clause("1.1", "Покупатель обязан сообщить данные."),
        clause("1.1.1", "Фамилию, имя и отчество Покупателя."),
        clause("1.1.2", "Контактный телефон Покупателя."),
        clause("1.2", "Продавец хранит данные пять лет."),
    ]
    new = [
        section("1", "Первый"),
        clause("1.2", "Покупатель обязан сообщить данные."),
        clause("1.2.1", "Фамилию, имя и отчество Покупателя."),
        clause("1.3", "Продавец хранит данные пять лет."),
    ]
    diff = diff_versions(old, new)
    # 1.1.1 became 1.2.1, still in section 1: the removed 1.1.2 follows it.
    assert [(b.status, b.old_number, b.new_number) for b in diff.blocks] == [
        ("unchanged", "1", "1"),
        ("moved", "1.1", "1.2"),
        ("moved", "1.1.1", "1.2.1"),
        ("removed", "1.1.2", None),
        ("moved", "1.2", "1.3"),
    ]


def test_punctuation_only_change_is_marked():
    old = [clause("2.2.1", "фамилию, имя, отчество Покупателя")]
    new = [clause("2.2.1", "фамилию; имя, отчество Покупателя")]
    (block,) = diff_versions(old, new).blocks
    assert block.status == "changed"
    assert block.inline_html == "<p>фамилию<del>,</del><ins>;</ins> имя, отчество Покупателя</p>"

    kk_old = [clause("1.1", "Сатып алушы, сатушы және тараптар.")]
    kk_new = [clause("1.1", "Сатып алушы; сатушы және тараптар.")]
    (kk,) = diff_versions(kk_old, kk_new).blocks
    assert kk.status == "changed"
    assert kk.inline_html == "<p>Сатып алушы<del>,</del><ins>;</ins> сатушы және тараптар.</p>"


def test_link_target_change_is_marked_with_both_hrefs(policy):
    new = [dict(b) for b in policy]
    i = next(i for i, b in enumerate(new) if b.get("number") == "1.7")
    new[i]["html"] = new[i]["html"].replace(
        'href="http://www.jetu.kz"', 'href="https://jetu.kz/shop"'
    )
    diff = diff_versions(policy, new)

    (block,) = diff.changes
    assert (block.new_number, block.status) == ("1.7", "changed")
    assert (
        '<del><a href="http://www.jetu.kz">http://www.jetu.kz</a></del>'
        '<ins><a href="https://jetu.kz/shop">http://www.jetu.kz</a></ins>'
    ) in block.inline_html
    assert block.old_side_html.count("<del>") == 1
    assert block.new_side_html.count("<ins>") == 1
    assert_well_formed(block.inline_html)


def test_bold_region_change_is_marked():
    old = [clause("1.1", "Сатып алушы <b>дербес деректерді</b> ұсынуға міндетті.")]
    new = [clause("1.1", "Сатып алушы дербес <b>деректерді</b> ұсынуға міндетті.")]
    (block,) = diff_versions(old, new).blocks
    assert block.status == "changed"
    assert block.inline_html == (
        "<p>Сатып алушы <del><b>дербес</b></del><ins>дербес</ins> <b>деректерді</b>"
        " ұсынуға міндетті.</p>"
    )


def test_structure_is_kept_and_marks_split_at_list_items():
    old_html = "<p>Покупатель обязан:</p><ul><li>сообщать данные;</li></ul>"
    new_html = (
        "<p>Покупатель обязан:</p><ul><li>сообщать <b>точные</b> данные;</li>"
        '<li>читать <a href="/policy/">политику</a>.</li></ul>'
    )
    old = [{"type": "clause", "number": "4.1", "html": old_html, "style": "list"}]
    new = [{"type": "clause", "number": "4.1", "html": new_html, "style": "list"}]
    (block,) = diff_versions(old, new).blocks
    assert block.inline_html == (
        "<p>Покупатель обязан:</p><ul><li>сообщать <ins><b>точные</b> </ins>данные;</li>"
        '<li><ins>читать <a href="/policy/">политику</a>.</ins></li></ul>'
    )
    assert_well_formed(block.inline_html)


def test_text_is_escaped():
    old = [clause("1.1", "a &lt;script&gt; &amp; b")]
    new = [clause("1.1", "a &lt;script&gt; &amp; c")]
    (block,) = diff_versions(old, new).blocks
    assert block.inline_html == "<p>a &lt;script&gt; &amp; <del>b</del><ins>c</ins></p>"


def test_unsafe_markup_is_not_passed_through():
    old = [clause("1.1", "текст")]
    new = [
        clause(
            "1.1", 'текст <a href="javascript:alert(1)" onclick="x()">ссылка</a><script>x</script>'
        )
    ]
    (block,) = diff_versions(old, new).blocks
    # The href is dropped (script scheme), as are the handler and the script.
    assert block.inline_html == "<p>текст<ins> <a>ссылка</a></ins></p>"


# ---------------------------------------------------------------------------
# Added / removed / moved
# ---------------------------------------------------------------------------


def _insert_after(blocks: list[dict], number: str, new_block: dict) -> list[dict]:
    i = next(i for i, b in enumerate(blocks) if b.get("number") == number)
    return [*blocks[: i + 1], new_block, *blocks[i + 1 :]]


def test_clause_inserted_in_middle_renumbers_following(policy):
    inserted = clause("5.99", "Продавец вправе привлекать третьих лиц для обработки данных.")
    new = renumber(_insert_after(policy, "5.2", inserted))
    diff = diff_versions(policy, new)

    assert diff.summary.added == 1
    assert diff.summary.changed == 0
    assert diff.summary.removed == 0
    assert diff.summary.sections_changed == 0
    assert moves(diff) == [(f"5.{k}", f"5.{k + 1}") for k in range(3, 11)]
    (added,) = by_status(diff, "added")
    assert (added.old_number, added.new_number) == (None, "5.3")
    assert added.inline_html == (
        "<p><ins>Продавец вправе привлекать третьих лиц для обработки данных.</ins></p>"
    )
    assert added.old_side_html == ""
    assert added.anchor == "p-5.3"
    assert added.similarity == 0.0
    # Renumbered clauses carry no text marks and keep their similarity.
    for block in by_status(diff, "moved"):
        assert block.similarity == 1.0
        assert "<ins>" not in block.inline_html and "<del>" not in block.inline_html
    # Reading order is the new document's.
    numbers = [b.new_number for b in diff.blocks if b.kind == "clause"]
    assert numbers == [b["number"] for b in new if b["type"] == "clause"]


def test_inserted_clause_with_edited_followers_still_moves(policy):
    """Renumbered clauses that were also edited are "moved", with inline marks."""
    inserted = clause("5.99", "Продавец вправе привлекать третьих лиц для обработки данных.")
    new = renumber(_insert_after(policy, "5.2", inserted))
    edited = next(b for b in new if b.get("number") == "5.6")  # was 5.5
    assert "Cookies" in edited["html"]
    edited["html"] = edited["html"].replace("Cookies", "файлов cookie", 1)
    diff = diff_versions(policy, new)

    assert diff.summary.added == 1
    assert diff.summary.changed == 0
    assert diff.summary.moved == 8
    block = next(b for b in diff.blocks if b.new_number == "5.6")
    assert (block.status, block.old_number) == ("moved", "5.5")
    assert re.findall(r"<del>(.*?)</del>", block.inline_html) == ["Cookies"]
    assert re.findall(r"<ins>(.*?)</ins>", block.inline_html) == ["файлов cookie"]
    assert block.similarity < 1.0


def test_clause_inserted_in_middle_kazakh():
    inserted = clause("1.99", "Сатушы деректерді үшінші тұлғаларға бермейді.")
    new = renumber(_insert_after(KK_DOC, "1.1", inserted))
    diff = diff_versions(KK_DOC, new)

    assert (diff.summary.added, diff.summary.changed, diff.summary.removed) == (1, 0, 0)
    assert moves(diff) == [("1.2", "1.3"), ("1.3", "1.4"), ("1.4", "1.5")]
    assert by_status(diff, "added")[0].new_number == "1.2"
    assert [(b.kind, b.status, b.old_number, b.new_number) for b in diff.blocks] == [
        ("section", "unchanged", "1", "1"),
        ("clause", "unchanged", "1.1", "1.1"),
        ("clause", "added", None, "1.2"),
        ("clause", "moved", "1.2", "1.3"),
        ("clause", "moved", "1.3", "1.4"),
        ("clause", "moved", "1.4", "1.5"),
        ("section", "unchanged", "2", "2"),
        ("clause", "unchanged", "2.1", "2.1"),
        ("clause", "unchanged", "2.2", "2.2"),
    ]


def test_clause_deleted_at_end_of_section(policy):
    new = [b for b in policy if b.get("number") != "3.4"]
    diff = diff_versions(policy, new)

    assert [(b.old_number, b.new_number, b.status) for b in diff.changes] == [
        ("3.4", None, "removed")
    ]
    assert (diff.summary.removed, diff.summary.total) == (1, 1)
    removed = diff.changes[0]
    assert removed.similarity == 0.0
    assert removed.inline_html.startswith("<p><del>Продавец не несет ответственности")
    assert removed.inline_html.endswith("</del></p>")
    assert removed.new_side_html == ""
    assert removed.anchor == "p-3.4"
    # Placed where it stood: after 3.3, before section 4.
    i = diff.blocks.index(removed)
    assert diff.blocks[i - 1].new_number == "3.3"
    assert (diff.blocks[i + 1].kind, diff.blocks[i + 1].new_number) == ("section", "4")


def test_clause_deleted_in_middle_renumbers_following():
    new = renumber([b for b in KK_DOC if b.get("number") != "1.2"])
    diff = diff_versions(KK_DOC, new)

    assert (diff.summary.removed, diff.summary.added, diff.summary.changed) == (1, 0, 0)
    assert moves(diff) == [("1.3", "1.2"), ("1.4", "1.3")]
    assert [(b.status, b.old_number, b.new_number) for b in diff.blocks[:5]] == [
        ("unchanged", "1", "1"),
        ("unchanged", "1.1", "1.1"),
        ("removed", "1.2", None),
        ("moved", "1.3", "1.2"),
        ("moved", "1.4", "1.3"),
    ]
    removed = diff.blocks[2]
    assert removed.inline_html == (
        "<p><del>Сатушы дербес деректердің құпиялылығын қамтамасыз етеді.</del></p>"
    )


def test_clause_moved_to_another_section(policy):
    moved = next(b for b in policy if b.get("number") == "1.8")
    without = renumber([b for b in policy if b is not moved])
    new = _insert_after(without, "5.10", {**moved, "number": "5.11"})
    diff = diff_versions(policy, new)

    assert diff.summary.changed == diff.summary.added == diff.summary.removed == 0
    assert moves(diff) == [("1.9", "1.8"), ("1.10", "1.9"), ("1.11", "1.10"), ("1.8", "5.11")]
    block = next(b for b in diff.blocks if b.old_number == "1.8")
    assert block.anchor == "p-5.11"
    assert diff.blocks[-1] is block  # reading order of the new document


def test_clause_moved_to_another_section_kazakh():
    moved = KK_DOC[2]  # 1.2
    new = [*KK_DOC[:2], *KK_DOC[3:], {**moved, "number": "2.3"}]
    new = renumber(new)
    diff = diff_versions(KK_DOC, new)

    assert moves(diff) == [("1.3", "1.2"), ("1.4", "1.3"), ("1.2", "2.3")]
    assert diff.summary.total == 3


def test_clause_rewritten_beyond_recognition_is_removed_and_added():
    old = [clause("1.1", "Сатып алушы дербес деректерді ұсынуға міндетті.")]
    new = [clause("1.1", "Осы Саясат сайтта жарияланған күннен бастап күшіне енеді.")]
    diff = diff_versions(old, new)
    # Old text first, then its replacement, like a printed redline.
    assert [(b.status, b.old_number, b.new_number) for b in diff.blocks] == [
        ("removed", "1.1", None),
        ("added", None, "1.1"),
    ]


def test_section_heading_change(policy):
    new = [dict(b) for b in policy]
    i = next(i for i, b in enumerate(new) if b["type"] == "section" and b["number"] == "4")
    new[i]["heading"] = "Права и обязанности Покупателя и Продавца"
    diff = diff_versions(policy, new)

    assert diff.summary.sections_changed == 1
    assert diff.summary.total == 0
    assert diff.has_changes
    (block,) = diff.changes
    assert (block.kind, block.status, block.anchor) == ("section", "changed", "p-4")
    assert block.old_html == "Права и обязанности сторон"
    assert block.inline_html == (
        "Права и обязанности <del>сторон</del><ins>Покупателя и Продавца</ins>"
    )


def test_spaces_around_a_heading_are_not_content():
    (block,) = diff_versions([section("1", " Термины ")], [section("1", "Термины")]).blocks
    assert (block.status, block.inline_html) == ("unchanged", "Термины")


def test_section_heading_is_escaped():
    old = [section("1", "Условия <и> «оговорки» & прочее")]
    new = [section("1", "Условия <и> «оговорки» & иное")]
    (block,) = diff_versions(old, new).blocks
    assert block.old_html == "Условия &lt;и&gt; «оговорки» &amp; прочее"
    assert block.inline_html == (
        "Условия &lt;и&gt; «оговорки» &amp; <del>прочее</del><ins>иное</ins>"
    )


def test_preamble_change(policy):
    new = [dict(b) for b in policy]
    new[0]["html"] = new[0]["html"].replace("публичным Договором", "публичной офертой")
    diff = diff_versions(policy, new)
    (block,) = diff.changes
    assert (block.kind, block.status, block.anchor) == ("preamble", "changed", "p-preamble")
    assert diff.summary.preamble_changed
    assert diff.summary.total == 0
    assert re.findall(r"<del>(.*?)</del>", block.inline_html) == ["публичным Договором"]
    assert re.findall(r"<ins>(.*?)</ins>", block.inline_html) == ["публичной офертой"]
    assert "<b>ТОО «Коллекторское агентство «Jetu»</b>" in block.inline_html


# ---------------------------------------------------------------------------
# Mirror: diff(B, A)
# ---------------------------------------------------------------------------


def _mirror_cases(policy):
    inserted = clause("5.99", "Продавец вправе привлекать третьих лиц для обработки данных.")
    moved = next(b for b in policy if b.get("number") == "1.8")
    without = renumber([b for b in policy if b is not moved])
    word = [dict(b) for b in KK_DOC]
    word[1] = clause("1.1", "Сатып алушы дербес деректерді ұсынуға құқылы.")
    return {
        "insert": (policy, renumber(_insert_after(policy, "5.2", inserted))),
        "move": (policy, _insert_after(without, "5.10", {**moved, "number": "5.11"})),
        "word": (KK_DOC, word),
        "delete": (KK_DOC, renumber([b for b in KK_DOC if b.get("number") != "1.2"])),
    }


@pytest.mark.parametrize("case", ["insert", "move", "word", "delete"])
def test_reverse_diff_is_mirrored(policy, case):
    a, b = _mirror_cases(policy)[case]
    forward = diff_versions(a, b)
    backward = diff_versions(b, a)

    fs, bs = forward.summary, backward.summary
    assert (bs.added, bs.removed) == (fs.removed, fs.added)
    assert (bs.changed, bs.moved) == (fs.changed, fs.moved)

    def signature(diff, swap):
        out = set()
        for blk in diff.changes:
            status = {"added": "removed", "removed": "added"}.get(blk.status, blk.status)
            nums = (blk.new_number, blk.old_number) if swap else (blk.old_number, blk.new_number)
            out.add((blk.kind, status if swap else blk.status, *nums))
        return out

    assert signature(forward, swap=False) == signature(backward, swap=True)
    for fwd in forward.changes:
        if fwd.status in ("changed", "moved"):
            bwd = next(x for x in backward.changes if x.old_number == fwd.new_number)
            assert reconstruct_old(bwd.inline_html) == reconstruct_new(fwd.inline_html) or (
                visible_text(reconstruct_old(bwd.inline_html))
                == visible_text(reconstruct_new(fwd.inline_html))
            )
            assert re.findall(r"<ins>(.*?)</ins>", bwd.inline_html) == re.findall(
                r"<del>(.*?)</del>", fwd.inline_html
            )


def test_reverse_of_one_word_change_swaps_marks():
    old = [clause("1.1", "Продавец хранит старое значение.")]
    new = [clause("1.1", "Продавец хранит новое значение.")]
    (block,) = diff_versions(new, old).blocks
    assert block.inline_html == "<p>Продавец хранит <del>новое</del><ins>старое</ins> значение.</p>"


# ---------------------------------------------------------------------------
# Heavy edit (the benchmark scenario)
# ---------------------------------------------------------------------------


def heavy_edit(policy: list[dict]) -> tuple[list[dict], int]:
    """Every third clause edited, five clauses removed, five added."""
    new: list[dict] = []
    clauses = [b for b in policy if b["type"] == "clause"]
    removed = {clauses[k]["number"] for k in (4, 14, 24, 34, 44)}
    edited = 0
    seen = 0
    for block in policy:
        if block["type"] != "clause":
            new.append(dict(block))
            continue
        seen += 1
        if block["number"] in removed:
            continue
        if seen % 3 == 0:
            block = {**block, "html": block["html"].replace("</p>", " (в редакции 2025 года).</p>")}
            edited += 1
        new.append(block)
        if seen in (3, 13, 23, 33, 43):
            new.append(clause(block["number"] + ".9", f"Новый пункт номер {seen} о защите данных."))
    return new, edited


def test_heavy_edit_classification(policy):
    new, edited = heavy_edit(policy)
    diff = diff_versions(policy, new)
    s = diff.summary
    assert (s.added, s.removed, s.changed, s.moved) == (5, 5, edited, 0)
    assert_diff_consistent(diff)


def test_full_policy_outputs_are_consistent(policy):
    new, _ = heavy_edit(policy)
    inserted = clause("5.99", "Продавец вправе привлекать третьих лиц для обработки данных.")
    new = renumber(_insert_after(new, "5.2", inserted))
    assert_diff_consistent(diff_versions(policy, new))
    assert_diff_consistent(diff_versions(new, policy))
