"""Checks on redline HTML shared by the diff tests, written independently of ``legal.diff``.

Nothing here uses the diff's tokenizer: the visible text of a fragment is read with the
standard library's HTML parser, as a reader would see it once the text is frozen (only the
legal-text allow-list's blocks and ``<br>`` separate words; other elements are unwrapped).
"""

import re
from html.parser import HTMLParser

_INS_RE = re.compile(r"<ins\b[^>]*>.*?</ins>", re.DOTALL | re.IGNORECASE)
_DEL_RE = re.compile(r"<del\b[^>]*>.*?</del>", re.DOTALL | re.IGNORECASE)
_DEL_TAG_RE = re.compile(r"</?del\b[^>]*>", re.IGNORECASE)
_INS_TAG_RE = re.compile(r"</?ins\b[^>]*>", re.IGNORECASE)


def reconstruct_old(diff_html: str) -> str:
    """The old HTML from a redline: ``<ins>`` dropped with its content, ``<del>`` unwrapped.

    A regex is enough because the diff's marks never nest and all text and attribute values
    are escaped.
    """
    return _DEL_TAG_RE.sub("", _INS_RE.sub("", diff_html))


def reconstruct_new(diff_html: str) -> str:
    """The new HTML from a redline: ``<del>`` dropped with its content, ``<ins>`` unwrapped."""
    return _INS_TAG_RE.sub("", _DEL_RE.sub("", diff_html))


class _VisibleText(HTMLParser):
    """Text data outside script/style/template; blocks and line breaks read as spaces.

    As in the tree that freezing builds (BeautifulSoup over ``html.parser``), an end tag
    with no open element of its name is ignored.
    """

    BLOCKS = frozenset({"p", "ul", "ol", "li"})
    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.open.append(tag)
            self.parts.append(" ")
        elif tag == "br":
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag != "br":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.open:
            while self.open.pop() != tag:
                pass
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _parse_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def visible_text(markup: str) -> str:
    """The visible text of an HTML fragment, whitespace runs collapsed to one space.

    ``html.parser`` rejects a few malformed declarations (``<![x]>``); such markup is read
    as literal text, which is what the diff shows of it.
    """
    try:
        text = _parse_text(markup)
    except AssertionError:
        text = _parse_text(markup.replace("<!", "&lt;!"))
    return " ".join(text.split())


def squash(text: str) -> str:
    """The text without any whitespace: word content and order only."""
    return "".join(text.split())


class _WellFormed(HTMLParser):
    """Balanced tags; marks never span or nest in block elements; nothing executable."""

    VOID = frozenset({"br", "img"})
    BLOCK = frozenset(
        {"p", "li", "ul", "ol", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert not any(name.startswith("on") for name, _ in attrs), attrs
        assert tag not in ("script", "style", "template"), tag
        if tag in self.VOID:
            return
        if tag in self.BLOCK or tag in ("ins", "del"):
            # A mark never spans a block boundary, and marks never nest.
            assert "ins" not in self.stack and "del" not in self.stack, (tag, self.stack)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()


def assert_well_formed(fragment_html: str) -> None:
    checker = _WellFormed()
    checker.feed(fragment_html)
    checker.close()
    assert checker.stack == [], checker.stack
