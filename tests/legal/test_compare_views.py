"""The public comparison pages: summary, marks, modes, links, bad input."""

import re

import pytest

from legal import comparison
from tests.helpers import body_data, clause, publish_version, replace_in_clause

pytestmark = pytest.mark.django_db


@pytest.fixture
def v2(policy):
    """v2: 1.8 gets one word changed, a clause is inserted as 2.3 and old 2.3 becomes 2.4."""
    data = body_data(policy)
    replace_in_clause(data, "1.8", "пользователь", "посетитель")
    index = next(
        i for i, b in enumerate(data) if b["type"] == "clause" and b["value"]["number"] == "2.3"
    )
    data[index]["value"]["number"] = "2.4"
    data.insert(index, clause("2.3", "<p>Новый пункт о сроках хранения.</p>"))
    return publish_version(policy, data, material=True)


def marks(markup: str) -> list[str]:
    redline = markup.split('class="redline')[1]
    return re.findall(r"<(ins|del)>([^<]*)</\1>", redline)


def test_compare_shows_summary_changed_list_and_marked_words(client, v2):
    markup = client.get("/ru/legal/privacy/compare/1/2/").content.decode()
    summary = re.sub(r"\s+", " ", markup.split('class="diff-summary"')[1].split("</p>")[0])
    assert "1 пункт изменён, 1 добавлен, 0 удалено, 1 перенумерован." in summary
    changed = markup.split('class="diff-changes"')[1].split("</nav>")[0]
    assert re.findall(r'href="#p-([\d.]+)"', changed) == ["1.8", "2.3", "2.4"]
    assert ("del", "пользователь") in marks(markup)
    assert ("ins", "посетитель") in marks(markup)
    assert ("ins", "Новый пункт о сроках хранения.") in marks(markup)
    assert "2.3 → 2.4" in markup


def test_compare_in_kazakh_marks_the_kazakh_words(client, v2):
    markup = client.get("/kk/legal/privacy/compare/1/2/").content.decode()
    assert 'lang="kk"' in markup
    inserted = [text for kind, text in marks(markup) if kind == "ins"]
    assert any("[kk]" in text for text in inserted)


def test_unchanged_clauses_are_collapsed(client, v2):
    markup = client.get("/ru/legal/privacy/compare/1/2/").content.decode()
    assert re.search(r"<details class=\"diff-unchanged\">\s*<summary>7 ", markup)


def test_side_by_side_mode_has_two_columns(client, v2):
    markup = client.get("/ru/legal/privacy/compare/1/2/?mode=side").content.decode()
    block = markup.split('id="p-1.8"')[1].split("</section>")[0]
    old = block.split('class="diff-old"')[1].split('class="diff-new"')[0]
    new = block.split('class="diff-new"')[1]
    assert "<del>пользователь</del>" in old and "<ins>" not in old
    assert "<ins>посетитель</ins>" in new and "<del>" not in new


def test_reverse_comparison_is_allowed_and_mirrored(client, v2):
    markup = client.get("/ru/legal/privacy/compare/2/1/").content.decode()
    assert ("del", "посетитель") in marks(markup)
    assert ("ins", "пользователь") in marks(markup)
    assert "reverse" in markup.lower() or "обратн" in markup.lower()


def test_same_version_twice_says_no_differences(client, v2):
    markup = client.get("/ru/legal/privacy/compare/2/2/").content.decode()
    assert "diff-summary--none" in markup
    assert 'class="redline' not in markup


@pytest.mark.parametrize(
    "url", ["/ru/legal/privacy/compare/1/7/", "/ru/legal/privacy/compare/a/2/",
            "/kk/legal/privacy/compare/1/2x/", "/ru/legal/privacy/compare/-1/2/"]
)  # fmt: skip
def test_bad_version_numbers_are_404(client, v2, url):
    assert client.get(url).status_code == 404


def test_policy_page_links_to_what_changed_and_archive_form_picks_versions(client, v2):
    page = client.get("/ru/legal/privacy/").content.decode()
    assert 'href="/ru/legal/privacy/compare/1/2/"' in page
    archive = client.get("/ru/legal/privacy/versions/").content.decode()
    assert 'action="/ru/legal/privacy/compare/"' in archive
    response = client.get("/ru/legal/privacy/compare/", {"a": "1", "b": "2"})
    assert response["Location"] == "/ru/legal/privacy/compare/1/2/"
    assert client.get("/ru/legal/privacy/compare/", {"a": "x"})["Location"].endswith("/versions/")


def test_compare_queries_are_few_and_the_diff_is_cached(
    client, v2, django_assert_max_num_queries, monkeypatch
):
    first = client.get("/ru/legal/privacy/compare/1/2/")

    def not_again(*args):
        raise AssertionError("the comparison was computed again")

    monkeypatch.setattr(comparison, "diff_versions", not_again)
    with django_assert_max_num_queries(15):
        again = client.get("/ru/legal/privacy/compare/1/2/")
    assert again.status_code == 200
    assert marks(again.content.decode()) == marks(first.content.decode()) != []
