"""Structural checks on redline HTML shared by the diff tests."""

from html.parser import HTMLParser


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
