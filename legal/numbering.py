"""Clause numbers and cross-references: pure functions, no database.

Legal texts cite their clauses by number ("п.4.3.2."), so numbers are data, not decoration:
they must be well formed, unique within a document and consistent with their section, and a
reference in the text must point at a clause that exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NUMBER_RE = re.compile(r"^[1-9]\d{0,2}(?:\.[1-9]\d{0,2}){0,5}$")

# References as the two languages write them:
#   ru  "п.4.3.2."  "п. 4.4"  "пункте 4.4"   kk  "4.3.2-тармағында"  "4.4-тармақ"
# The trailing dot of "п.4.3.2." ends the abbreviation, it is not part of the number.
REFERENCE_RES = (
    re.compile(r"(?<![\w.])(?P<label>п\.\s?|пункт\w*\s)(?P<number>[1-9]\d*(?:\.[1-9]\d*)+)\.?"),
    re.compile(r"(?<![\w.])(?P<number>[1-9]\d*(?:\.[1-9]\d*)+)\.?-тарма[қғ]\w*"),
)


def anchor_for(number: str) -> str:
    """The fragment identifier of a clause or section, the same in every version and language."""
    return f"p-{number}"


def parse_number(number: str) -> tuple[int, ...]:
    """Split "4.3.2" into (4, 3, 2); raises ValueError on anything malformed."""
    if not NUMBER_RE.match(number or ""):
        raise ValueError(number)
    return tuple(int(part) for part in number.split("."))


@dataclass(frozen=True)
class Reference:
    """A citation of a clause found in running text."""

    number: str
    start: int
    end: int


def find_references(text: str) -> list[Reference]:
    """Every clause reference in ``text`` (plain text, not HTML), in order of appearance."""
    found = []
    for pattern in REFERENCE_RES:
        for match in pattern.finditer(text):
            found.append(Reference(match.group("number"), match.start(), match.end()))
    found.sort(key=lambda ref: ref.start)
    return found


@dataclass(frozen=True)
class NumberingError:
    """A problem with one block's number; ``index`` is the block's position in the document."""

    index: int
    message: str


def check_numbering(entries: Sequence[tuple[str, str]]) -> list[NumberingError]:
    """Validate the numbers of a document's blocks.

    Args:
        entries: ``(kind, number)`` pairs in document order, kind being "section" or "clause"
            (other kinds are skipped).

    Returns:
        One error per offending block; empty when the numbering is sound.
    """
    errors: list[NumberingError] = []
    seen: set[str] = set()
    current_section: str | None = None
    for index, (kind, number) in enumerate(entries):
        if kind not in ("section", "clause"):
            continue
        number = (number or "").strip().rstrip(".")
        try:
            parts = parse_number(number)
        except ValueError:
            errors.append(
                NumberingError(
                    index,
                    _(
                        "“%(number)s” is not a clause number: use digits separated by dots, "
                        "for example 4.3.2."
                    )
                    % {"number": number},
                )
            )
            continue
        if number in seen:
            errors.append(
                NumberingError(
                    index,
                    _("Number %(number)s is used twice in this document.") % {"number": number},
                )
            )
            continue
        seen.add(number)
        if kind == "section":
            if len(parts) != 1:
                errors.append(
                    NumberingError(
                        index,
                        _("A section number is a single number, not %(number)s.")
                        % {"number": number},
                    )
                )
            current_section = number
        else:
            if len(parts) < 2:
                errors.append(
                    NumberingError(
                        index,
                        _("Clause %(number)s needs a section prefix, for example %(number)s.1.")
                        % {"number": number},
                    )
                )
            elif current_section is None or str(parts[0]) != current_section:
                errors.append(
                    NumberingError(
                        index,
                        _(
                            "Clause %(number)s does not belong to section %(section)s, "
                            "where it stands."
                        )
                        % {"number": number, "section": current_section or "—"},
                    )
                )
    return errors


def dangling_references(texts: Iterable[str], numbers: Iterable[str]) -> list[str]:
    """References in ``texts`` to numbers that are not in ``numbers``, each once, in order."""
    known = set(numbers)
    missing: list[str] = []
    for text in texts:
        for ref in find_references(text):
            if ref.number not in known and ref.number not in missing:
                missing.append(ref.number)
    return missing
