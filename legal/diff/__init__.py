"""Pure comparison core for versions of a legal document.

A document version is a list of blocks (an optional preamble, numbered section headings and
numbered clauses whose body is rich text). :func:`diff_versions` compares two versions and
returns a :class:`DocumentDiff` the templates render either as one redline (``inline_html``)
or side by side (``old_side_html`` / ``new_side_html``).

No Django models or database: the package is unit-tested, mutation-tested and benchmarked
in isolation. Its parts, in the order a comparison runs them:

* ``tokens``: rich text to named tokens (words, spaces, punctuation, breaks, boundaries),
  keeping only the legal-text allow-list of ``legal.html_policy``;
* ``align``: which old block became which new block (renumbering and moves);
* ``render``: the word diff of a pair and its well-formed redline HTML;
* ``result``: the returned types; ``document``: :func:`diff_versions` itself.
"""

from .align import SIMILARITY_THRESHOLD
from .document import diff_versions
from .result import BlockDiff, DiffSummary, DocumentDiff

__all__ = [
    "SIMILARITY_THRESHOLD",
    "BlockDiff",
    "DiffSummary",
    "DocumentDiff",
    "diff_versions",
]
