"""Pairing the blocks of two versions: which old clause became which new clause.

Clauses are paired in passes of decreasing confidence: identical content (preferring the same
number), then a lazy greedy best-similarity search in which the same number only earns a
small bonus. Pairing by number alone would turn one clause inserted in the middle of a
section into a cascade of "changed" clauses, because every following clause is renumbered.
Sections are aligned the same way, by heading.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Hashable
from difflib import SequenceMatcher
from typing import NamedTuple

from .tokens import TEXT, Token, Tokenizer

#: Minimum similarity (difflib ratio over normalised words) for two clauses with different
#: numbers, or a heavily rewritten clause, to count as "the same clause". Below it the pair
#: is reported as removed + added.
SIMILARITY_THRESHOLD = 0.6

#: Score bonus for candidate pairs that share a number. Small on purpose: it only breaks
#: near-ties in favour of "edited in place", it must never beat a clearly better content
#: match (that is what detects renumbering).
SAME_NUMBER_BONUS = 0.05

_new = tuple.__new__


class Item:
    """One input block with lazily computed, cached derived forms.

    Attributes:
        kind: ``"preamble"``, ``"section"`` or ``"clause"``.
        number: Its number, ``None`` for the preamble or when missing.
        html: Its HTML (for sections: the escaped heading).
    """

    __slots__ = ("_counter", "_tok", "_tokens", "html", "keys", "kind", "number", "sim")

    def __init__(self, kind: str, number: str | None, html: str, tok: Tokenizer) -> None:
        self.kind = kind
        self.number = number
        self.html = html
        self._tok = tok
        self._tokens: list[Token] | None = None
        self._counter: Counter | None = None
        # ``keys`` (comparison keys) and ``sim`` (similarity words) exist once ensure() ran.
        self.keys: tuple
        self.sim: list[str]

    @property
    def tokens(self) -> list[Token]:
        return self.ensure()._tokens  # type: ignore[return-value]

    def ensure(self) -> Item:
        """Tokenise on first use and cache keys and similarity words.

        Old blocks paired by identical raw HTML are never tokenised at all (only the new side
        is rendered), which is the common case.
        """
        if self._tokens is None:
            self._tokens = self._tok.tokenize(self.html)
            self.keys = tuple(t.key for t in self._tokens)
            # Similarity looks at words and punctuation only, case-folded: formatting and
            # whitespace should not decide which clause is which.
            self.sim = [t.text.casefold() for t in self._tokens if t.kind == TEXT]
        return self

    @property
    def counter(self) -> Counter:
        if self._counter is None:
            self._counter = Counter(self.ensure().sim)
        return self._counter


def quick_ratio(a: Item, b: Item) -> float:
    """difflib's ``quick_ratio`` on cached multisets (an upper bound of the ratio)."""
    total = len(a.sim) + len(b.sim)
    if not total:
        return 1.0
    cb = b.counter
    matches = sum(min(n, cb[w]) for w, n in a.counter.items())
    return 2.0 * matches / total


class _Candidate(NamedTuple):
    """A possible pair on the heap; the smallest pops first.

    Built with ``tuple.__new__`` (see ``tokens``): there are up to n*m of them.
    """

    neg_score: float
    # Within equal scores an exact score pops before mere bounds of the same value, saving
    # needless refinements.
    neg_stage: int
    old: int
    new: int


def align(old: list[Item], new: list[Item]) -> dict[int, int]:
    """Pair blocks of one kind between versions.

    Args:
        old: Old blocks, in document order.
        new: New blocks, in document order.

    Returns:
        Mapping new index -> old index for paired blocks; the rest are added or removed.
    """
    pairs: dict[int, int] = {}
    used: set[int] = set()
    by_number: dict[str, list[int]] = {}
    for i, item in enumerate(old):
        if item.number is not None:
            by_number.setdefault(item.number, []).append(i)

    def same_number(j: int, equal: Callable[[Item, Item], bool]) -> None:
        for i in by_number.get(new[j].number, ()):
            if i not in used and equal(old[i], new[j]):
                pairs[j] = i
                used.add(i)
                return

    def identical(by: Callable[[Item], Hashable]) -> None:
        # Identical content: same number first (unchanged), then by order (renumbered or
        # moved), which keeps repeated identical clauses stable.
        index: dict[Hashable, list[int]] = {}
        for i, item in enumerate(old):
            if i not in used:
                index.setdefault(by(item), []).append(i)
        for j in range(len(new)):
            if j not in pairs:
                same_number(j, lambda o, n: by(o) == by(n))
        for j, item in enumerate(new):
            if j in pairs:
                continue
            for i in index.get(by(item), ()):
                if i not in used:
                    pairs[j] = i
                    used.add(i)
                    break

    # Raw string equality first: it is free and covers most clauses, so only the remainder
    # ever gets tokenised for this pass.
    identical(lambda item: item.html)
    identical(lambda item: item.ensure().keys)

    rest_old = [i for i in range(len(old)) if i not in used]
    rest_new = [j for j in range(len(new)) if j not in pairs]

    # Lazy greedy "best match wins": every candidate starts with the cheap length bound
    # (real_quick_ratio), is refined to the multiset bound (quick_ratio) and finally the
    # exact ratio only when it reaches the top of the heap. Since bounds never
    # underestimate, a popped exact score is the best remaining pair, and expensive ratios
    # are computed only for a handful of plausible pairs instead of all n*m.
    heap: list[_Candidate] = []
    for j in rest_new:
        nj = new[j].ensure()
        ln = len(nj.sim)
        for i in rest_old:
            oi = old[i].ensure()
            lo = len(oi.sim)
            bound = 2.0 * min(lo, ln) / (lo + ln) if lo + ln else 1.0
            if bound < SIMILARITY_THRESHOLD:
                continue
            bonus = SAME_NUMBER_BONUS if nj.number is not None and nj.number == oi.number else 0
            heap.append(_new(_Candidate, (-(bound + bonus), 0, i, j)))
    heapq.heapify(heap)
    matchers: dict[int, SequenceMatcher] = {}
    paired_new: set[int] = set()
    while heap:
        candidate = heapq.heappop(heap)
        i, j = candidate.old, candidate.new
        if i in used or j in paired_new:
            continue
        stage = -candidate.neg_stage
        number = new[j].number
        bonus = SAME_NUMBER_BONUS if number is not None and number == old[i].number else 0
        if stage == 0:
            score = quick_ratio(old[i], new[j])
        elif stage == 1:
            matcher = matchers.get(j)
            if matcher is None:
                # seq2 is the one difflib indexes; reuse it across old clauses.
                matcher = matchers[j] = SequenceMatcher(autojunk=False)
                matcher.set_seq2(new[j].sim)
            matcher.set_seq1(old[i].sim)
            score = matcher.ratio()
        else:
            pairs[j] = i
            used.add(i)
            paired_new.add(j)
            continue
        if score >= SIMILARITY_THRESHOLD:
            heapq.heappush(heap, _new(_Candidate, (-(score + bonus), -(stage + 1), i, j)))
    return pairs
