"""Property-based tests for ``legal.diff`` (hypothesis).

Properties:

* the comparison never crashes, whatever the block list or HTML-ish junk,
  and always returns well-formed HTML with marks inside block elements;
* a version compared with itself has no changes;
* each side-by-side half reconstructs its own version's visible text
  exactly (modulo whitespace normalisation), and the one-column redline
  reconstructs both versions' text and per-character formatting.

Why the redline is compared without whitespace: one merged document cannot
always carry both versions' block structure.  When an old paragraph break is
deleted at a point where the new text has no space (``<p>a</p><p>b</p>`` ->
``<p>a<b>b</b></p>``), the redline still shows the deleted paragraph as its
own block, so the reconstructed new text has a boundary ("a b") where the
new version has none ("ab").  Word content and order are still exact.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legal.diff import (
    BlockDiff,
    DocumentDiff,
    diff_versions,
)
from tests.legal.redline_checks import (
    assert_well_formed,
    reconstruct_new,
    reconstruct_old,
    squash,
    visible_text,
)

# Examples per property come from the hypothesis profile (100 by default, see conftest).
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

WORDS = [
    # Russian
    "Покупатель", "Продавец", "обязан", "персональных", "данных", "сведения",
    "хранение", "конфиденциальной", "информации", "ёлка", "Интернет-магазин",
    # Kazakh
    "Сатып", "алушы", "дербес", "деректерді", "ұсынуға", "міндетті", "құқылы",
    "сатушы", "өзгерістер", "енгізуге", "Қорытынды", "ережелер", "һәм", "үшінші",
    # digits / latin
    "2025", "4.3.2", "cookie", "IP", "e-mail",
]  # fmt: skip
PUNCT = [",", ".", ";", ":", "–", "-", "«", "»", "(", ")", "/", "!", "?", '"', "'"]
SPACES = [" ", " ", " ", "  ", "\n", "\t", "&nbsp;", "\u00a0", " \n "]
TAGS = [
    "<p>", "</p>", "<b>", "</b>", "<strong>", "</strong>", "<i>", "</i>", "<em>", "</em>",
    '<a href="/policy/">', '<a href="https://jetu.kz">', "</a>", "<ul>", "</ul>", "<ol>",
    "</ol>", "<li>", "</li>", "<br>", "<br/>", "<h3>", "</h3>", "<span>", "</span>",
]  # fmt: skip
JUNK = [
    "<", ">", "&", "&amp;", "&lt;", "&gt;", "&#1179;", "&bogus;", "<![x]>", "<!--", "-->",
    "<!DOCTYPE html>", "<?php ?>", "<script>", "</script>", "<style>p{}</style>", "<ins>",
    "</ins>", "<del>", "</del>", '<a href="javascript:alert(1)">', '<a href="x" onclick="y">',
    '<img src="/i.png" alt="a">', "<div", '"', "<p/>", "</>", "<<b>>", "</li></ul></p>",
    "<table><tr><td>", "<template>t</template>", "\x00", "\u200b",
]  # fmt: skip

fragment = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.sampled_from(PUNCT),
    st.sampled_from(SPACES),
    st.sampled_from(TAGS),
    st.sampled_from(JUNK),
    st.text(max_size=8),
)
junk_html = st.lists(fragment, max_size=20).map("".join)


# Well-formed rich text is generated as a structure so that edits stay
# well-formed: blocks ("p", [item]) / ("ul"|"ol", [item, ...]); an item is a
# list of runs (wrap, [words]); wrap is "", "b", "i", "a1" or "a2".
WRAPS = ["", "", "b", "i", "a1", "a2"]
run_st = st.tuples(
    st.sampled_from(WRAPS), st.lists(st.sampled_from(WORDS + PUNCT), min_size=1, max_size=6)
)
item_st = st.lists(run_st, min_size=1, max_size=3)
block_st = st.one_of(
    st.tuples(st.just("p"), item_st.map(lambda item: [item])),
    st.tuples(st.sampled_from(["ul", "ol"]), st.lists(item_st, min_size=1, max_size=3)),
)
doc_st = st.lists(block_st, min_size=1, max_size=3)


def render_doc(doc, spaces=(" ",)) -> str:
    def run(wrap, words):
        text = spaces[len(words) % len(spaces)].join(words)
        if wrap.startswith("a"):
            return f'<a href="/{"policy" if wrap == "a1" else "terms"}/">{text}</a>'
        return f"<{wrap}>{text}</{wrap}>" if wrap else text

    def item(runs):
        return " ".join(run(w, words) for w, words in runs)

    out = []
    for tag, items in doc:
        if tag == "p":
            out.append(f"<p>{item(items[0])}</p>")
        else:
            out.append(f"<{tag}>" + "".join(f"<li>{item(i)}</li>" for i in items) + f"</{tag}>")
    return "\n".join(out)


@st.composite
def edited_doc(draw, doc):
    """Apply up to five structural edits to a copy of ``doc``."""
    doc = [(tag, [[(w, list(ws)) for w, ws in item] for item in items]) for tag, items in doc]
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(["word", "insert", "delete", "wrap", "block", "drop"]))
        if op == "block":
            doc.insert(draw(st.integers(0, len(doc))), draw(block_st))
            continue
        if op == "drop" and len(doc) > 1:
            del doc[draw(st.integers(0, len(doc) - 1))]
            continue
        _, items = doc[draw(st.integers(0, len(doc) - 1))]
        runs = items[draw(st.integers(0, len(items) - 1))]
        k = draw(st.integers(0, len(runs) - 1))
        wrap, words = runs[k]
        if op == "wrap":
            runs[k] = (draw(st.sampled_from(WRAPS)), words)
            continue
        pos = draw(st.integers(0, len(words) - 1))
        if op == "word":
            words[pos] = draw(st.sampled_from(WORDS + PUNCT))
        elif op == "insert":
            words.insert(pos, draw(st.sampled_from(WORDS + PUNCT)))
        elif len(words) > 1:
            del words[pos]
    return doc


@st.composite
def rich_pair(draw) -> tuple[str, str]:
    """Well-formed rich text and an edited version (whitespace may differ too)."""
    doc = draw(doc_st)
    new = draw(edited_doc(doc))
    spaces = draw(st.sampled_from([(" ",), (" ", "  "), ("&nbsp;", " \n ")]))
    return render_doc(doc), render_doc(new, spaces)


rich_html = doc_st.map(render_doc)
any_html = st.one_of(rich_html, junk_html)


@st.composite
def edited_pair(draw, base=any_html) -> tuple[str, str]:
    """An HTML fragment and a plausible edit of it (insert / delete / replace)."""
    old = draw(base)
    pieces = old.split(" ")
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        pos = draw(st.integers(0, len(pieces)))
        new_piece = draw(st.one_of(fragment, st.sampled_from(WORDS)))
        if op == "insert":
            pieces.insert(pos, new_piece)
        elif pieces and pos < len(pieces):
            if op == "delete":
                del pieces[pos]
            else:
                pieces[pos] = new_piece
    return old, " ".join(pieces)


NUMBERS = ["1", "2", "3", "1.1", "1.2", "1.3", "2.1", "2.2", "2.2.1", "3.1", "", None, 7]

block = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("clause"), "number": st.sampled_from(NUMBERS), "html": any_html},
        optional={"style": st.sampled_from(["list", "paragraph"])},
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("section"),
            "number": st.sampled_from(NUMBERS),
            "heading": st.one_of(st.sampled_from(WORDS), st.text(max_size=20), junk_html),
        }
    ),
    st.fixed_dictionaries({"type": st.just("preamble"), "html": any_html}),
    # Junk the function must tolerate rather than crash on.
    st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["clause", "section", "heading", None, 3]),
            "number": st.sampled_from(NUMBERS),
            "html": st.one_of(st.none(), any_html, st.integers()),
            "heading": st.one_of(st.none(), st.text(max_size=5)),
        },
    ),
    st.sampled_from([None, "clause", 42, []]),
)
blocks = st.lists(block, max_size=6)


def assert_block_reconstructs(b: BlockDiff) -> None:
    old_text = visible_text(b.old_html)
    new_text = visible_text(b.new_html)
    # Side-by-side halves carry their own structure: exact normalised text.
    assert visible_text(reconstruct_old(b.old_side_html)) == old_text
    assert visible_text(reconstruct_new(b.new_side_html)) == new_text
    # One-column redline: same characters in the same order (see module doc).
    assert squash(visible_text(reconstruct_old(b.inline_html))) == squash(old_text)
    assert squash(visible_text(reconstruct_new(b.inline_html))) == squash(new_text)
    assert "<ins>" not in b.old_side_html
    assert "<del>" not in b.new_side_html


def valid_count(items: list, kinds=("preamble", "section", "clause")) -> int:
    return sum(1 for x in items if isinstance(x, dict) and x.get("type") in kinds)


def check_diff(diff: DocumentDiff, old: list, new: list) -> None:
    assert isinstance(diff, DocumentDiff)
    for b in diff.blocks:
        assert b.kind in ("preamble", "section", "clause")
        assert b.status in ("unchanged", "changed", "added", "removed", "moved")
        assert 0.0 <= b.similarity <= 1.0
        assert b.anchor.startswith("p-")
        for html_out in (b.inline_html, b.old_side_html, b.new_side_html):
            assert_well_formed(html_out)
        assert_block_reconstructs(b)
    # Every input block shows up exactly once on its side.
    assert sum(1 for b in diff.blocks if b.status != "added") == valid_count(old)
    assert sum(1 for b in diff.blocks if b.status != "removed") == valid_count(new)
    s = diff.summary
    clauses = [b for b in diff.blocks if b.kind == "clause"]
    assert s.total == sum(1 for b in clauses if b.is_change)
    assert diff.has_changes == any(b.is_change for b in diff.blocks)
    assert diff.changes == tuple(b for b in diff.blocks if b.is_change)


@SETTINGS
@given(old=blocks, new=blocks)
def test_never_crashes_on_arbitrary_block_lists(old, new):
    check_diff(diff_versions(old, new), old, new)


@SETTINGS
@given(old=st.text(max_size=60), new=st.text(max_size=60))
def test_never_crashes_on_arbitrary_text(old, new):
    a = [{"type": "clause", "number": "1.1", "html": old}, {"type": "section", "heading": old}]
    b = [{"type": "clause", "number": "1.1", "html": new}, {"type": "section", "heading": new}]
    check_diff(diff_versions(a, b), a, b)


@SETTINGS
@given(version=blocks)
def test_diff_with_itself_has_no_changes(version):
    diff = diff_versions(version, version)
    assert not diff.has_changes
    assert diff.changes == ()
    assert all(b.status == "unchanged" for b in diff.blocks)
    assert "<ins>" not in "".join(b.inline_html for b in diff.blocks)
    assert "<del>" not in "".join(b.inline_html for b in diff.blocks)


@SETTINGS
@given(pair=edited_pair())
def test_redline_reconstructs_both_versions(pair):
    old_html, new_html = pair
    old = [{"type": "clause", "number": "1.1", "html": old_html}]
    new = [{"type": "clause", "number": "1.1", "html": new_html}]
    diff = diff_versions(old, new)
    check_diff(diff, old, new)
    if visible_text(old_html) == visible_text(new_html) and old_html == new_html:
        assert not diff.has_changes


class _Formatting(HTMLParser):
    """Visible non-space characters with the inline formatting applied to each."""

    NORMAL = {"strong": "b", "em": "i"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.chars: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("b", "strong", "i", "em", "a"):
            href = dict(attrs).get("href", "")
            self.open.append(f"a:{href}" if tag == "a" else self.NORMAL.get(tag, tag))

    def handle_endtag(self, tag):
        if tag in ("b", "strong", "i", "em", "a"):
            self.open.pop()

    def handle_data(self, data):
        fmt = tuple(sorted(set(self.open)))
        self.chars.extend((c, fmt) for c in data if not c.isspace())


def formatting(html_text: str) -> list[tuple[str, tuple[str, ...]]]:
    parser = _Formatting()
    parser.feed(html_text)
    parser.close()
    return parser.chars


@SETTINGS
@given(pair=rich_pair())
def test_redline_of_rich_text_keeps_formatting(pair):
    """For well-formed rich text every character keeps its bold/italic/link."""
    old_html, new_html = pair
    diff = diff_versions(
        [{"type": "clause", "number": "1", "html": old_html}],
        [{"type": "clause", "number": "1", "html": new_html}],
    )
    for b in diff.blocks:
        assert formatting(reconstruct_old(b.inline_html)) == formatting(b.old_html)
        assert formatting(reconstruct_new(b.inline_html)) == formatting(b.new_html)
        assert formatting(reconstruct_old(b.old_side_html)) == formatting(b.old_html)
        assert formatting(reconstruct_new(b.new_side_html)) == formatting(b.new_html)


# Half the profile's examples: each example diffs up to 7 clauses both ways.
@settings(SETTINGS, max_examples=max(1, settings().max_examples // 2))
@given(
    pairs=st.lists(st.one_of(rich_pair(), edited_pair()), max_size=5),
)
def test_block_lists_reconstruct_per_block(pairs):
    """Numbered clause lists with edits, an insertion and renumbering."""
    a = [{"type": "clause", "number": f"1.{k}", "html": o} for k, (o, _) in enumerate(pairs)]
    b = [{"type": "clause", "number": f"1.{k}", "html": n} for k, (_, n) in enumerate(pairs)]
    b = b[:1] + [{"type": "clause", "number": "1.x", "html": "<p>Жаңа тармақ.</p>"}] + b[1:]
    check_diff(diff_versions(a, b), a, b)
    check_diff(diff_versions(b, a), b, a)
