"""Which old clause became which new clause: example tests with the block order written out.

Each case is one an editor produces and a reader would judge at a glance (a repealed clause
dropped, two clauses swapped, one clause split in two); the expected statuses and marks are
written by hand, never derived from the diff itself.
"""

from __future__ import annotations

from legal.diff import diff_versions

REPEALED = "Утратил силу."
DISPUTES = "Споры решаются путём переговоров."


def clause(number: str, text: str) -> dict:
    return {"type": "clause", "number": number, "html": f"<p>{text}</p>"}


def rows(old: list[dict], new: list[dict]) -> list[tuple[str, str | None, str | None]]:
    return [(b.status, b.old_number, b.new_number) for b in diff_versions(old, new).blocks]


def test_repeated_identical_clauses_keep_their_numbers():
    # Two repealed clauses read the same; the first is dropped. The second is still 2.2 in
    # both versions: it did not "move" from 2.1.
    old = [clause("2.1", REPEALED), clause("2.2", REPEALED), clause("2.3", DISPUTES)]
    new = [clause("2.2", REPEALED), clause("2.3", DISPUTES)]
    assert rows(old, new) == [
        ("removed", "2.1", None),
        ("unchanged", "2.2", "2.2"),
        ("unchanged", "2.3", "2.3"),
    ]


def test_of_two_alike_clauses_the_one_that_kept_its_number_was_edited():
    old = [clause("2.1", REPEALED), clause("2.2", REPEALED)]
    new = [clause("2.2", "Утратил силу с 2026 года.")]
    diff = diff_versions(old, new)
    assert rows(old, new) == [("removed", "2.1", None), ("changed", "2.2", "2.2")]
    assert diff.blocks[1].inline_html == "<p>Утратил силу<ins> с 2026 года</ins>.</p>"


def test_an_identical_clause_added_beside_its_twin_is_added():
    old = [clause("1.1", REPEALED), clause("1.2", DISPUTES)]
    new = [clause("1.1", DISPUTES), clause("1.2", REPEALED), clause("1.3", REPEALED)]
    diff = diff_versions(old, new)
    assert rows(old, new) == [
        ("moved", "1.2", "1.1"),
        ("moved", "1.1", "1.2"),
        ("added", None, "1.3"),
    ]
    assert diff.blocks[2].inline_html == "<p><ins>Утратил силу.</ins></p>"


def test_swapped_clauses_that_differ_in_one_word_are_moved_not_rewritten():
    # Each is nearly identical to the clause that now holds its old number; the reader must
    # still see two moves without marks, not two edits swapping "пяти" and "трёх".
    five = (
        "Продавец хранит персональные данные Покупателя в течение пяти лет после исполнения"
        " договора, если более долгий срок не установлен законодательством Республики"
        " Казахстан."
    )
    three = five.replace("пяти лет", "трёх лет")
    intro = "Настоящая Политика действует бессрочно."
    old = [clause("1.1", intro), clause("1.2", five), clause("1.3", three)]
    new = [clause("1.1", intro), clause("1.2", three), clause("1.3", five)]
    diff = diff_versions(old, new)
    assert rows(old, new) == [
        ("unchanged", "1.1", "1.1"),
        ("moved", "1.3", "1.2"),
        ("moved", "1.2", "1.3"),
    ]
    assert [b.inline_html for b in diff.blocks] == [
        f"<p>{intro}</p>",
        f"<p>{three}</p>",
        f"<p>{five}</p>",
    ]


def test_one_old_clause_becomes_one_new_clause_only():
    # A clause split in two: the closer half is the edited clause, the other half is new.
    old = [clause("1.1", "Покупатель сообщает имя, адрес и телефон.")]
    new = [
        clause("1.1", "Покупатель сообщает имя, адрес и e-mail."),
        clause("1.2", "Покупатель сообщает имя, адрес и номер телефона."),
    ]
    diff = diff_versions(old, new)
    assert rows(old, new) == [("changed", "1.1", "1.1"), ("added", None, "1.2")]
    assert diff.blocks[0].inline_html == (
        "<p>Покупатель сообщает имя, адрес и <del>телефон</del><ins>e-mail</ins>.</p>"
    )


def test_a_clause_exactly_at_the_similarity_threshold_is_the_same_clause():
    # 3 of its 3 words and marks kept among 7: similarity 2 * 3 / 10 = 0.6, the threshold.
    old = [clause("3.1", "Срок хранения.")]
    new = [clause("3.1", "Срок хранения данных — пять лет.")]
    diff = diff_versions(old, new)
    assert rows(old, new) == [("changed", "3.1", "3.1")]
    assert diff.blocks[0].inline_html == "<p>Срок хранения<ins> данных — пять лет</ins>.</p>"
    # One more new word (2 * 3 / 11 < 0.6) and it is another clause.
    longer = [clause("3.1", "Срок хранения данных — пять полных лет.")]
    assert rows(old, longer) == [("removed", "3.1", None), ("added", None, "3.1")]


def test_the_same_words_in_another_order_are_another_clause():
    # Almost every word is still there, but hardly any stands where it stood: a rewrite.
    old = [clause("1.1", "Продавец вправе изменить Политику, уведомив Покупателя заранее.")]
    new = [clause("1.1", "заранее Покупателя уведомив Политику изменить вправе Продавец.")]
    assert rows(old, new) == [("removed", "1.1", None), ("added", None, "1.1")]


def test_a_long_renumbered_clause_of_recurring_words_with_one_changed_word_is_moved():
    # Over 200 words, every one of them recurring: a matcher that skipped "popular" words
    # would find nothing to anchor on and report the clause removed and re-added.
    orders = "; ".join(["сведения о заказах Покупателя"] * 50)
    edited = orders.replace("о заказах", "о платежах", 1)
    old = [clause("1.1", orders)]
    new = [clause("1.1", "Новый пункт о файлах cookie."), clause("1.2", edited)]
    diff = diff_versions(old, new)
    assert rows(old, new) == [("added", None, "1.1"), ("moved", "1.1", "1.2")]
    marked = diff.blocks[1].inline_html
    assert marked.startswith("<p>сведения о <del>заказах</del><ins>платежах</ins> Покупателя; ")
    assert marked.count("<del>") == marked.count("<ins>") == 1
