"""The period pages' templates have no text outside _()/{% trans %}, and every message of
the periods area has its Russian translation (SPEC §7).

docs/translating.md describes a shared check (tests/unit/test_translations.py with
CHECKED_TEMPLATE_FOLDERS); until it is on this branch, this one covers the periods area.
When it lands, move these folders into its list and delete this file.
"""
import os
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKED = ("app/web/periods/templates", "app/web/closing/templates",
           "app/templates/_balance_table.html")
AREA_SOURCES = CHECKED + ("app/web/periods/", "app/web/closing/", "app/forms/ledger.py",
                          "app/services/periods.py", "app/services/records.py",
                          "app/services/billing.py", "app/services/closing.py", "app/words.py")
PEOPLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "hx-confirm", "alt")
ALLOWED = {"CSV"}


def _templates():
    for entry in CHECKED:
        path = os.path.join(ROOT, entry)
        if os.path.isfile(path):
            yield entry
            continue
        for folder, _dirs, files in os.walk(path):
            for name in sorted(files):
                if name.endswith(".html"):
                    yield os.path.relpath(os.path.join(folder, name), ROOT)


def unmarked(source: str) -> list[str]:
    """Words a person would read that are not inside _()/{% trans %}."""
    text = re.sub(r"{#.*?#}", "", source, flags=re.S)
    text = re.sub(r"{%-?\s*trans\b.*?endtrans\s*-?%}", "", text, flags=re.S)
    found = []
    for attribute in PEOPLE_ATTRIBUTES:
        for value in re.findall(rf'\s{attribute}="([^"]*)"', text):
            found += _words(re.sub(r"{{.*?}}|{%.*?%}", "", value, flags=re.S))
    text = re.sub(r"{{.*?}}|{%.*?%}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    return found + _words(text)


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-zА-Яа-яЁё][\w'’-]*", text) if w not in ALLOWED]


@pytest.mark.parametrize("template", sorted(_templates()))
def test_template_text_is_marked_for_translation(template):
    with open(os.path.join(ROOT, template), encoding="utf-8") as handle:
        assert unmarked(handle.read()) == [], template


def test_unmarked_finds_text_and_attributes():
    assert unmarked('<p>Hello {{ _("x") }}</p><a title="Open it">{{ y }}</a>') == \
        ["Open", "it", "Hello"]
    assert unmarked('<p>{% trans %}Fine{% endtrans %} {{ _("Fine") }}</p>') == []


def test_every_message_of_the_area_is_translated_into_russian(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        template = read_po(handle)
    with open(os.path.join(ROOT, "app/translations/ru/LC_MESSAGES/messages.po"), "rb") as handle:
        catalog = read_po(handle, locale="ru")
    missing = []
    for message in template:
        if not message.id or not any(location.startswith(AREA_SOURCES)
                                     for location, _line in message.locations):
            continue
        translated = catalog.get(message.id)
        strings = (translated.string if translated else None) or ""
        forms = strings if isinstance(strings, tuple) else (strings,)
        expected = 3 if isinstance(message.id, tuple) else 1
        if (translated is None or translated.fuzzy or len(forms) != expected
                or not all(forms)):
            missing.append(message.id)
    assert missing == []
