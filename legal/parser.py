"""Parse a policy written in the shop's Markdown dialect into structured blocks.

The source (``legal/content/privacy-policy.ru.md``) is the shop's document as it was
published: a title line, a preamble paragraph, then section headings ("1. Определение
терминов") and numbered clauses. Some clauses are list items ("- 1.1. …"), others plain
paragraphs ("2.1. …"); the distinction is kept as each clause's ``style`` so the published
text looks as the owner wrote it. The parser is pure: no database, no Django models.

Output blocks use the same shape as a version's frozen text (see ``legal.diff``)::

    {"type": "preamble", "html": "<p>…</p>"}
    {"type": "section", "number": "1", "heading": "Определение терминов"}
    {"type": "clause", "number": "1.1", "html": "<p>…</p>", "style": "list"}
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

SECTION_RE = re.compile(r"^(?P<number>[1-9]\d*)\.\s+(?P<heading>\S.*)$")
CLAUSE_RE = re.compile(
    r"^(?P<bullet>[-*]\s+)?(?P<number>[1-9]\d*(?:\.[1-9]\d*)+)\.?(?:\s+(?P<text>.*))?$"
)
BOLD_RE = re.compile(r"\*\*(?P<text>.+?)\*\*")
AUTOLINK_RE = re.compile(r"<(?P<url>https?://[^\s<>\"]+)>")
LINK_RE = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>https?://[^\s)\"]+)\)")


class PolicyParseError(ValueError):
    """The source does not have the shape of a policy (no title, or text before the title)."""


@dataclass
class ParsedPolicy:
    """A parsed document: its title and its blocks in order."""

    title: str
    blocks: list[dict] = field(default_factory=list)

    @property
    def clauses(self) -> list[dict]:
        return [block for block in self.blocks if block["type"] == "clause"]

    @property
    def sections(self) -> list[dict]:
        return [block for block in self.blocks if block["type"] == "section"]


def inline_to_html(text: str) -> str:
    """Convert the inline Markdown the source uses (bold, links) to escaped HTML."""
    # Escape first, then re-introduce the few constructs we recognise. Markers are matched on
    # the escaped text; "<http://…>" became "&lt;http://…&gt;" so it is matched in that form.
    escaped = html.escape(text.strip(), quote=False)
    escaped = re.sub(
        r"&lt;(https?://[^\s<>\"&]+)&gt;",
        lambda m: f'<a href="{html.escape(m.group(1))}">{m.group(1)}</a>',
        escaped,
    )
    escaped = LINK_RE.sub(
        lambda m: f'<a href="{html.escape(m.group("url"))}">{m.group("text")}</a>', escaped
    )
    escaped = BOLD_RE.sub(lambda m: f"<b>{m.group('text')}</b>", escaped)
    return escaped


def parse_policy(source: str) -> ParsedPolicy:
    """Parse the Markdown source of a policy.

    The first non-empty line is the title, the first paragraph that is neither a section nor a
    clause is the preamble. A paragraph that follows a clause without a number of its own is a
    further paragraph of that clause.

    Raises:
        PolicyParseError: when the source has no title.
    """
    lines = [line.strip() for line in source.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise PolicyParseError("The document is empty.")
    title = lines[0].lstrip("#").strip()
    if not title:
        raise PolicyParseError("The document has no title.")
    policy = ParsedPolicy(title=title)

    for line in lines[1:]:
        clause = CLAUSE_RE.match(line)
        section = None if clause else SECTION_RE.match(line)
        if clause:
            text = clause.group("text") or ""
            policy.blocks.append(
                {
                    "type": "clause",
                    "number": clause.group("number"),
                    "html": f"<p>{inline_to_html(text)}</p>" if text.strip() else "",
                    "style": "list" if clause.group("bullet") else "paragraph",
                }
            )
        elif section:
            policy.blocks.append(
                {
                    "type": "section",
                    "number": section.group("number"),
                    "heading": section.group("heading").strip(),
                }
            )
        elif policy.blocks and policy.blocks[-1]["type"] in ("clause", "preamble"):
            policy.blocks[-1]["html"] += f"<p>{inline_to_html(line)}</p>"
        elif not policy.blocks:
            policy.blocks.append({"type": "preamble", "html": f"<p>{inline_to_html(line)}</p>"})
        else:
            # Unnumbered text between a section heading and its first clause has no clause to
            # belong to; guessing would misplace legal text, so refuse loudly.
            raise PolicyParseError(f"Unnumbered text after a section heading: {line[:60]!r}")
    return policy
