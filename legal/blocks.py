"""StreamField blocks of a legal document: a preamble, numbered sections and numbered clauses."""

import html

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError

from .html_policy import RICH_TEXT_FEATURES
from .numbering import NUMBER_RE, check_numbering, dangling_references


class ClauseNumberBlock(blocks.CharBlock):
    """A clause or section number such as "4.3.2".

    Numbers are identifiers, not prose: the Kazakh text carries the same numbers, so this block
    tells wagtail-localize it has nothing to translate and keeps the source value on ingest.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value).strip().rstrip(".")
        if value and not NUMBER_RE.match(value):
            raise ValidationError(
                _(
                    "“%(number)s” is not a clause number: use digits separated by dots, "
                    "for example 4.3.2."
                )
                % {"number": value}
            )
        return value

    def get_translatable_segments(self, value):
        return []

    def restore_translated_segments(self, value, segments):
        return value


class SectionBlock(blocks.StructBlock):
    number = ClauseNumberBlock(label=_("Number"))
    heading = blocks.CharBlock(label=_("Heading"), max_length=255)

    class Meta:
        icon = "title"
        label = _("Section")
        form_classname = "legal-section-block"


class ClauseBlock(blocks.StructBlock):
    number = ClauseNumberBlock(label=_("Number"))
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, required=False)
    style = blocks.ChoiceBlock(
        label=_("Shown as"),
        choices=[("paragraph", _("Paragraph")), ("list", _("List item"))],
        default="paragraph",
    )

    class Meta:
        icon = "list-ol"
        label = _("Clause")


class LegalBodyBlock(blocks.StreamBlock):
    """The body of a legal document, validated as a whole on save.

    Numbering is checked across blocks (unique, well formed, inside the right section) and every
    cross-reference in the text must point at a clause or section of this document; each error
    is attached to the block that causes it, so the editor sees it next to the field.
    """

    preamble = blocks.RichTextBlock(
        label=_("Preamble"), features=RICH_TEXT_FEATURES, icon="pilcrow"
    )
    section = SectionBlock()
    clause = ClauseBlock()

    def clean(self, value):
        value = super().clean(value)
        entries = [
            (child.block_type, "" if child.block_type == "preamble" else child.value["number"])
            for child in value
        ]
        block_errors = {}
        for error in check_numbering(entries):
            block_errors[error.index] = StructBlockValidationError(
                block_errors={"number": ValidationError(error.message)}
            )

        numbers = [number for kind, number in entries if kind in ("section", "clause")]
        for index, child in enumerate(value):
            text = child.value if child.block_type == "preamble" else child.value.get("text")
            if text is None or index in block_errors:
                continue
            missing = dangling_references([html.unescape(strip_tags(str(text.source)))], numbers)
            if missing:
                message = _(
                    "The text refers to clause %(numbers)s, which this document does not have."
                ) % {"numbers": ", ".join(missing)}
                if child.block_type == "preamble":
                    block_errors[index] = ValidationError(message)
                else:
                    block_errors[index] = StructBlockValidationError(
                        block_errors={"text": ValidationError(message)}
                    )
        if block_errors:
            raise StreamBlockValidationError(block_errors=block_errors)
        return value
