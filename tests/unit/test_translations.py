"""Every visible string is marked for translation, and the Russian catalog has them all.

(a) ``CHECKED_TEMPLATE_FOLDERS``: every template under these folders shows no text outside
    ``_()``/``gettext``/``ngettext``/``{% trans %}``. Visible text is the markup's text and
    its visible attributes (placeholder, title, alt, aria-label, label), and string
    literals inside ``{{ }}``/``{% set %}`` that read like words. Add an area's template
    folder here once it is translated.
(b) The messages extracted from the code (babel's own extractor, with babel.cfg) are all in
    ``app/translations/ru/LC_MESSAGES/messages.po``: translated, not fuzzy, with the three
    Russian plural forms, and with the same ``%(name)s`` placeholders as the English.
"""

import os
import re
from decimal import Decimal
from datetime import date

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes
from jinja2.ext import i18n

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PO = os.path.join(ROOT, "app", "translations", "ru", "LC_MESSAGES", "messages.po")

# The template folders whose text must all be marked (relative to the repository root).
CHECKED_TEMPLATE_FOLDERS = [
    "app/templates",
    "app/web/auth/templates",
    "app/web/public/templates",
    "app/web/account/templates",
    "app/web/owner/templates",
    "app/web/community/templates",
    "app/web/receivables/templates",
    "app/web/members/templates",
    "app/web/properties/templates",
    "app/web/settings/templates",
    "app/web/imports/templates",
    "app/web/audit/templates",
    "app/web/tokens/templates",
    "app/web/periods/templates",
    "app/web/closing/templates",
    "app/web/bank_imports/templates",
]

# Text that is the same in every language.
ALLOWED_WORDS = {
    "Levy",
    "EUR",
    "RUB",
    "USD",
    "GBP",
    "CHF",
    "CSV",
    "PDF",
    "XLSX",
    "QR",
    "API",
    "JSON",
    "IBAN",
    "BIC",
    "htmx",
}
VISIBLE_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label", "label")
# Keyword arguments in templates whose value nobody reads as text.
INVISIBLE_KEYWORDS = {
    "class_",
    "id",
    "type",
    "autocomplete",
    "inputmode",
    "pattern",
    "step",
    "name",
    "form",
    "rows",
    "min",
    "max",
    "autofocus",
    "filename",
    "hreflang",
    "community_slug",
    "_anchor",
    "format",
}
TRANSLATING_CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_ngettext": (1, 2)}

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_SKIPPED_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
_LETTER = re.compile(r"[^\W\d_]")


def _blank(match) -> str:
    """A match replaced by a marker that keeps its line breaks (so line numbers hold)."""
    return "\x01" + "\n" * match.group(0).count("\n")


def has_words(text: str) -> bool:
    text = _ENTITY.sub(" ", text.replace("\x01", " "))
    for word in ALLOWED_WORDS:
        text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", " ", text)
    return bool(_LETTER.search(text))


def markup_problems(source: str) -> list[tuple[int, str]]:
    text = _TRANS_BLOCK.sub(_blank, source)
    text = _JINJA.sub(_blank, text)
    text = _SKIPPED_ELEMENTS.sub(_blank, text)
    problems = []

    def tag(match):
        for name, double, single in _ATTRIBUTE.findall(match.group(0)):
            value = double or single
            if name.lower() in VISIBLE_ATTRIBUTES and has_words(value):
                line = text.count("\n", 0, match.start()) + 1
                problems.append((line, f'{name}="{value.strip()}"'))
        return _blank(match)

    text = _TAG.sub(tag, text)
    for number, line in enumerate(text.split("\n"), start=1):
        if has_words(line):
            problems.append((number, line.replace("\x01", "…").strip()))
    return sorted(problems)


def _reads_like_words(value: str) -> bool:
    if not has_words(value):
        return False
    return " " in value.strip() or value[:1].isupper()


def expression_problems(env: Environment, source: str) -> list[tuple[int, str]]:
    """String literals a page shows that are not inside a translating call."""
    problems = []

    def visit(node, visible=True):
        if (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name in TRANSLATING_CALLS
        ):
            return
        if isinstance(node, (nodes.Compare, nodes.Test, nodes.Getattr, nodes.Getitem)):
            visible = False  # compared, tested or looked up: never shown
        if isinstance(node, nodes.Keyword) and node.key in INVISIBLE_KEYWORDS:
            return
        if (
            isinstance(node, nodes.Const)
            and isinstance(node.value, str)
            and visible
            and _reads_like_words(node.value)
        ):
            problems.append((node.lineno, repr(node.value)))
        if isinstance(node, nodes.Call) and isinstance(node.node, (nodes.Name, nodes.Getattr)):
            name = node.node.name if isinstance(node.node, nodes.Name) else node.node.attr
            if name in ("url_for", "get", "lang_url", "csrf_token"):
                return  # addresses and lookups, not text
        if isinstance(node, (nodes.Include, nodes.Extends, nodes.FromImport, nodes.Import)):
            return
        for child in node.iter_child_nodes():
            visit(child, visible)

    visit(env.parse(source))
    return problems


def template_files():
    for folder in CHECKED_TEMPLATE_FOLDERS:
        for base, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in sorted(files):
                if name.endswith((".html", ".txt")):
                    yield os.path.join(base, name)


def test_every_template_string_in_the_checked_folders_is_marked_for_translation():
    env = Environment(extensions=[i18n], autoescape=True)
    problems = []
    for path in template_files():
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        where = os.path.relpath(path, ROOT)
        for line, text in markup_problems(source) + expression_problems(env, source):
            problems.append(f"{where}:{line}: {text}")
    assert not problems, "Text not marked for translation:\n" + "\n".join(sorted(problems))


def test_the_template_check_finds_unmarked_text_and_accepts_marked_text():
    env = Environment(extensions=[i18n], autoescape=True)
    source = (
        '<h1>{{ _("Periods") }}</h1>\n<p>Unmarked text</p>\n'
        '<input placeholder="Type here">\n{% trans %}Marked{% endtrans %}\n'
        '{{ "Shown words" if x else _("ok") }} <b>Levy</b> · 100 EUR\n'
        '{% if kind == "Fixed fee" %}{{ url_for("a.b", q="x y") }}{% endif %}\n'
    )
    assert markup_problems(source) == [(2, "…Unmarked text…"), (3, 'placeholder="Type here"')]
    assert expression_problems(env, source) == [(5, "'Shown words'")]


# --- (b) the catalog ----------------------------------------------------------------------


def extracted_messages():
    from babel.messages.frontend import parse_mapping_cfg

    with open(os.path.join(ROOT, "babel.cfg"), encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault((message, context), f"{filename}:{lineno}")
    return found


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_the_russian_catalog_translates_every_message():
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="ru")
    assert catalog.num_plurals == 3, catalog.plural_forms
    problems = []
    for (message, context), where in extracted_messages().items():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context=context)
        if entry is None:
            problems.append(f"{where}: missing: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"{where}: fuzzy: {msgid!r}")
        if isinstance(message, tuple) and len([s for s in strings if s]) != 3:
            problems.append(f"{where}: needs 3 plural forms: {msgid!r}")
        elif not all(strings):
            problems.append(f"{where}: not translated: {msgid!r}")
        wanted = set(_PLACEHOLDER.findall(msgid if isinstance(message, str) else message[1]))
        for string in strings:
            if string and set(_PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"{where}: placeholders differ: {msgid!r} -> {string!r}")
    assert not problems, "Russian catalog:\n" + "\n".join(problems)


def po_keys(text: str) -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) of every entry of a .po file, as written (duplicates kept)."""
    keys, context, current, field = [], None, None, None
    for line in text.splitlines():
        line = line.strip()
        match = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if match:
            field = match.group(1)
            if field == "msgctxt":
                context = match.group(2)
            elif field == "msgid":
                current = match.group(2)
            elif field.startswith("msgstr") and current is not None:
                keys.append((context, current))
                context, current = None, None
        elif line.startswith('"') and field == "msgid" and current is not None:
            current += line[1:-1]
        elif line.startswith('"') and field == "msgctxt":
            context = (context or "") + line[1:-1]
    return keys


def test_the_russian_catalog_has_each_message_once():
    """Catalogs merge as a union of lines (.gitattributes): two areas adding the same
    message leave it twice, which msgfmt refuses and babel silently resolves."""
    with open(PO, encoding="utf-8") as handle:
        keys = po_keys(handle.read())
    seen, twice = set(), []
    for key in keys:
        if key in seen and key[1]:
            twice.append(key)
        seen.add(key)
    assert not twice, f"messages.po has these entries twice: {twice}"
    assert len([k for k in keys if not k[1]]) == 1, "messages.po has more than one header"


def test_the_duplicate_check_sees_a_duplicate():
    text = (
        'msgid ""\nmsgstr ""\n\nmsgid "A"\nmsgstr "Б"\n\nmsgctxt "bank"\nmsgid "A"\n'
        'msgstr "В"\n\nmsgid ""\n"A"\nmsgstr "Г"\n'
    )
    assert po_keys(text) == [(None, ""), (None, "A"), ("bank", "A"), (None, "A")]


# --- formats ------------------------------------------------------------------------------


def _seen(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text)


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("ru", "RUB", "1 234,56 ₽"),
        ("en", "RUB", "RUB 1,234.56"),
        ("ru", "EUR", "1 234,56 €"),
        ("en", "EUR", "€1,234.56"),
    ],
)
def test_money_in_each_language(locale, currency, expected):
    from app.i18n import money

    assert _seen(money(123456, currency, locale)) == expected
    assert _seen(money(-5, currency, locale)).startswith("-")


def test_numbers_and_dates_in_each_language():
    from app.i18n import date as format_date, number

    assert _seen(number(Decimal("1234.5000"), "ru")) == "1 234,5"
    assert number(Decimal("1234.5000"), "en") == "1,234.5"
    assert number(Decimal("3.0000"), "ru") == "3"
    assert format_date(date(2026, 3, 31), "ru") == "31.03.2026"
    assert format_date(date(2026, 3, 31), "en") == "Mar 31, 2026"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("10,50", "10.50"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234", "1234"),
        ("10.50", "10.50"),
        ("-3,5", "-3.5"),
        ("1,234.56", "1,234.56"),
        ("12 34", "12 34"),
        ("1,2,3", "1,2,3"),
    ],
)
def test_the_decimal_comma_reading(typed, read):
    from app.i18n import input_number

    assert input_number(typed, "ru") == read
    assert input_number(typed, "en") == typed
    assert input_number(typed, None) == typed
