"""Every interface string exists in Russian and Kazakh, and the compiled catalogues match."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_catalogue_is_complete_and_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    assert untranslated == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, entry.msgid


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_placeholders_survive_translation(language):
    import re

    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for entry in po.translated_entries():
        expected = set(placeholder.findall(entry.msgid))
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            assert set(placeholder.findall(text)) <= expected | set(
                placeholder.findall(entry.msgid_plural or "")
            ), entry.msgid
