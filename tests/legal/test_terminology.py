"""One word for one thing in Kazakh: the variants a bilingual review found must not come back.

Scanned: the Kazakh interface catalogue, the Kazakh policy text, and every Kazakh line of the
templates and the Python sources (initial content, the demo version). The Russian catalogue
is checked for the one Russian term with the same problem ("ревизия").
"""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")

# pattern → the term to use instead
VARIANTS = {
    r"ресімде": "рәсімдеу (dictionary spelling)",
    r"[Пп]арол": "құпиясөз",
    r"түзет": "өзгерту (the Law's word, and «Деректерімді өзгерту»)",
    r"Күлтөбе көшесі \d": "Күлтөбе көшесі, 4",
    r"[Зз]аңдық": "құқықтық («Құқықтық ақпарат»)",
    r"[Рр]евизия": "редакция",
    r"бас тартылды": "күші жойылды (an order that was cancelled)",
    r"%\(number\)[sd] (тарма[қғ]|бөлім|нұсқа)": "%(number)s-тармақ, with the hyphen",
    r"(өзгерген|жіберілген|құрылған|тіркелген|жарияланған|қабылданған) уақыт\b": "…уақыты",
    r"\d-демонстрациялық": "демонстрациялық 2-нұсқа",
}


def kazakh_texts():
    """(where, text) for every piece of Kazakh the site shows."""
    po = polib.pofile(str(ROOT / "locale/kk/LC_MESSAGES/django.po"))
    for entry in po:
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            yield f"kk catalogue: {entry.msgid[:40]}", text
    policy = ROOT / "legal/content/privacy-policy.kk.md"
    for number, line in enumerate(policy.read_text(encoding="utf-8").splitlines(), 1):
        yield f"{policy.name}:{number}", line
    sources = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt")]
    for app in ("home", "legal", "shop", "jetu_cms"):
        sources += [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if KAZAKH_LETTERS.search(line):
                yield f"{path.relative_to(ROOT)}:{number}", line


def variants_in(texts) -> list[str]:
    return [
        f"{where}: {match.group(0)!r} → {use}"
        for where, text in texts
        for pattern, use in VARIANTS.items()
        if (match := re.search(pattern, text))
    ]


def test_no_kazakh_text_uses_a_replaced_variant():
    assert variants_in(kazakh_texts()) == []


def test_russian_catalogue_calls_a_revision_a_redaction():
    po = polib.pofile(str(ROOT / "locale/ru/LC_MESSAGES/django.po"))
    assert [e.msgid for e in po if re.search("[Рр]евизи", e.msgstr)] == []


def test_the_check_catches_each_variant():
    samples = [
        "тапсырысты ресімдеу",
        "логині мен паролі",
        "оны түзетуге",
        "Күлтөбе көшесі 4",
        "Заңдық құжаттар",
        "ревизия",
        "бас тартылды",
        "%(number)s тармағының",
        "дербес деректер өзгерген уақыт",
        "2-демонстрациялық нұсқамен",
    ]
    found = variants_in((sample, sample) for sample in samples)
    assert [line.split(":")[0] for line in found] == samples
