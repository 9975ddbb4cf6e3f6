"""The one-column redline where the two versions' blocks cannot both be kept.

The oracle is the visible text of each version and of each reconstruction from the redline,
read with the standard library's HTML parser (``tests/legal/redline_checks.py``).
"""

from __future__ import annotations

import pytest

from legal.diff import diff_versions
from tests.legal.redline_checks import reconstruct_new, reconstruct_old, visible_text


def word_ends(text: str) -> set[int]:
    """Where each word of ``text`` ends, counted in non-space characters."""
    ends, count = set(), 0
    for word in text.split():
        count += len(word)
        ends.add(count)
    return ends


# One merged redline cannot always hold both versions' blocks (a paragraph inside a list
# item on one side, bare text on the other): wherever it must give up a block, the words on
# either side of it must still read as two words, never as one ("четыре три", not
# "четыретри").
@pytest.mark.parametrize(
    ("old_html", "new_html"),
    [
        ("<p>три<ul><li>четыре</li></ul>три</p>", "<p>три<ul><li>два</li></ul>четыре</p>"),
        (
            "<ul><li>два</li><li><p>три</p>два</li></ul>",
            "<ul><li>один</li><li><p>два</p>три</li></ul>",
        ),
        (
            "<ul><li>один</li><li><p>один</p></li></ul><p>два</p><p><p>четыре</p>три</p>",
            "<p>один<ul><li>два</li></ul>четыре</p>",
        ),
        (
            "<ul><li>один<ul><li>один</li></ul></li></ul>",
            "<p><p>два</p></p><p>один<ul><li>три</li></ul>один</p>",
        ),
    ],
)
def test_a_redline_never_runs_two_words_together(old_html, new_html):
    diff = diff_versions(
        [{"type": "clause", "number": "1", "html": old_html}],
        [{"type": "clause", "number": "1", "html": new_html}],
    )
    (block,) = diff.blocks
    assert block.status == "changed"
    # The visible text as a browser reads it (html.parser), not the diff's tokens.
    assert word_ends(visible_text(old_html)) <= word_ends(
        visible_text(reconstruct_old(block.inline_html))
    )
    assert word_ends(visible_text(new_html)) <= word_ends(
        visible_text(reconstruct_new(block.inline_html))
    )
