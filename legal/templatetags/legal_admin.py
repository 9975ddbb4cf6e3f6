"""Template tags for the admin screens wagtail-localize draws for legal pages."""

import json

from django import template

from legal.protection import is_record_page

register = template.Library()


@register.simple_tag
def translation_editor_props(props: str, instance) -> str:
    """The translation editor's props without "Convert to alias page" on legal pages.

    The React footer offers that button whenever the URL is given, even to Editors, for whom
    it becomes the main button; converting deletes the translation (legal.protection).
    """
    if not is_record_page(instance):
        return props
    data = json.loads(props)
    data["links"]["convertToAliasUrl"] = None
    return json.dumps(data)


@register.filter
def is_legal_record(instance) -> bool:
    """Whether the translation editor shows a legal page (see legal.protection)."""
    return is_record_page(instance)
