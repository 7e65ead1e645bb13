"""Languages (SPEC §7): which language a request speaks, the catalogs, and the formats.

- ``select_locale`` is Flask-Babel's locale selector. Pages: the language chosen with
  ``?lang=`` (saved on the user, or in a visitor's session), else the browser's
  ``Accept-Language``, else the community's ``locale``, else English. The API speaks only
  through its error ``message``: ``Accept-Language``, else English.
- ``remember_choice`` (before every request) saves a ``?lang=`` choice.
- ``money``, ``number`` and ``date`` are the one set of formatters for pages, mails and
  PDFs (the Jinja filters of the same names call them).
- ``compile_catalogs`` builds the ``.mo`` files from the committed ``.po`` files when they are
  missing or stale (see its docstring for why at start-up too).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from datetime import date as Date, datetime
from decimal import Decimal

from babel import dates as babel_dates, numbers as babel_numbers
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, gettext, ngettext
from flask_login import current_user

from app import money as money_rules
from app.extensions import babel, db
from app.known import record
from app.requests import is_api_request

log = logging.getLogger("levy.i18n")

LANGUAGES = ("en", "ru")
DEFAULT_LOCALE = "en"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}  # each in its own language

# Dates people read: Russian as 31.03.2026 (what a treasurer writes by hand), English as
# "Mar 31, 2026" (CLDR "medium": no 3/31 vs 31/3 ambiguity for non-US readers).
DATE_PATTERNS = {"ru": "dd.MM.yyyy", "en": "medium"}

TRANSLATIONS_DIR = os.path.join(os.path.dirname(__file__), "translations")


def requested_language() -> str | None:
    """A valid ``?lang=`` on this request, if any."""
    if not has_request_context():
        return None
    lang = (request.args.get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else None


def browser_language() -> str | None:
    if not has_request_context():
        return None
    return request.accept_languages.best_match(LANGUAGES)


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    if is_api_request():
        return browser_language() or DEFAULT_LOCALE
    chosen = requested_language()
    if chosen:
        return chosen
    user = _current_user()
    if user is not None and user.locale in LANGUAGES:
        return user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    browser = browser_language()
    if browser:
        return browser
    community = g.get("community")
    if community is not None and getattr(community, "locale", None) in LANGUAGES:
        return community.locale
    return DEFAULT_LOCALE


def _current_user():
    try:
        return current_user if current_user.is_authenticated else None
    except Exception:  # no login manager on this request (static files)
        return None


def remember_choice() -> None:
    """``?lang=ru`` on a page: saved on the account of a logged-in user, else in the session
    (a visitor's choice; it still applies after they log in, until they choose again)."""
    lang = requested_language()
    if lang is None or is_api_request():
        return
    user = _current_user()
    if user is not None:
        if user.locale != lang:
            record(user).locale = lang
            db.session.commit()
    else:
        session["locale"] = lang


def current_language() -> str:
    """The language of this request, or of a ``force_locale`` block (mails from a task)."""
    locale = get_locale() if has_app_context() else None
    return str(locale.language) if locale is not None else DEFAULT_LOCALE


def community_language(community) -> str:
    """The language of mails to a community's members (SPEC §7)."""
    locale = getattr(community, "locale", None)
    return locale if locale in LANGUAGES else DEFAULT_LOCALE


# --- formats ------------------------------------------------------------------------------
# With non-breaking spaces (U+00A0) where a line must not break:
#   money(123456, "RUB"): ru "1 234,56 ₽"   en "RUB 1,234.56"
#   money(123456, "EUR"): ru "1 234,56 €"   en "€1,234.56"
# Babel writes en RUB as "RUB1,234.56": it does not apply CLDR's currency spacing (a space
# between a currency code of letters and the digits), so money() adds it.
_CODE_THEN_DIGIT = re.compile(r"(?<=[A-Za-z])(?=[-\u2212]?[0-9])")
_DIGIT_THEN_CODE = re.compile(r"(?<=[0-9])(?=[A-Za-z])")


def money(cents: int | None, currency: str, locale: str | None = None) -> str:
    if cents is None:
        return ""
    text = babel_numbers.format_currency(
        money_rules.cents_to_decimal(cents), currency, locale=locale or current_language()
    )
    return _DIGIT_THEN_CODE.sub("\u00a0", _CODE_THEN_DIGIT.sub("\u00a0", text))


def number(value, locale: str | None = None) -> str:
    """A weight, reading or rate as people write it (``1 234,5`` / ``1,234.5``); exact."""
    if value is None or value == "":
        return ""
    if not isinstance(value, (int, Decimal)):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return babel_numbers.format_decimal(
        value, locale=locale or current_language(), decimal_quantization=False
    )


def date(value, locale: str | None = None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        value = Date.fromisoformat(value)
    lang = locale or current_language()
    return babel_dates.format_date(value, DATE_PATTERNS.get(lang, "medium"), locale=lang)


# --- numbers typed on a page ------------------------------------------------------------
# Languages whose people write 1 234,56 (SPEC §7); their pages accept that and 1234.56.
DECIMAL_COMMA_LOCALES = frozenset({"ru"})
_GROUP_SPACES = "[ \u00a0\u202f]"
_COMMA_NUMBER = re.compile(rf"[+-]?(?:[0-9]{{1,3}}(?:{_GROUP_SPACES}[0-9]{{3}})+|[0-9]+)(?:,[0-9]+)?")


def input_number(text: str, locale: str | None) -> str:
    """A number typed on a page, as the strict parsers read it: in a decimal-comma language
    ``12,5`` and ``1 234,56`` (spaces, NBSP or narrow NBSP between groups of three) become
    ``12.5`` and ``1234.56``; anything else is returned as typed, for the parser to judge.
    The one reader of amounts, meter readings, share weights and rates on pages; the API
    (``locale`` None) takes the canonical form only."""
    if locale not in DECIMAL_COMMA_LOCALES or not _COMMA_NUMBER.fullmatch(text):
        return text
    return re.sub(_GROUP_SPACES, "", text).replace(",", ".")


def input_text(plain: str, locale: str | None) -> str:
    """A plain ``1234.5`` as an input shows it to a reader of ``locale`` (``1234,5``), so
    that what a page prefills reads as what its reader types."""
    return plain.replace(".", ",") if locale in DECIMAL_COMMA_LOCALES else plain


# --- catalogs -----------------------------------------------------------------------------


def compile_catalogs(directory: str = TRANSLATIONS_DIR, force: bool = False) -> list[str]:
    """Compile each ``messages.po`` into ``messages.mo`` when the .mo is missing or older.

    The .mo files are built, not committed (``scripts/serve``, ``scripts/test`` and the
    Dockerfile run ``pybabel compile``). This also runs when the app starts, so that a clean
    clone works however it is started (``pytest`` or ``flask run`` directly), and a .po edited
    since the last compile never leaves the pages silently in English. A read-only tree (the
    Docker image, compiled at build time) only logs a warning. Returns the files written.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written: list[str] = []
    if not os.path.isdir(directory):
        return written
    for lang in sorted(os.listdir(directory)):
        folder = os.path.join(directory, lang, "LC_MESSAGES")
        po_path = os.path.join(folder, "messages.po")
        mo_path = os.path.join(folder, "messages.mo")
        if not os.path.isfile(po_path):
            continue
        if not force and os.path.isfile(mo_path) and os.path.getmtime(mo_path) >= os.path.getmtime(po_path):
            continue
        try:
            with open(po_path, "rb") as po_file:
                catalog = read_po(po_file, locale=lang)
            # Written beside and renamed: another process starting at the same moment
            # never reads half a file.
            handle, temporary = tempfile.mkstemp(dir=folder, suffix=".mo.tmp")
            with os.fdopen(handle, "wb") as mo_file:
                write_mo(mo_file, catalog)
            os.replace(temporary, mo_path)
            written.append(mo_path)
        except OSError as error:
            log.warning("could not compile %s: %s", po_path, error)
    return written


def _translate(singular: str, plural: str | None = None, num: int | None = None) -> str:
    return gettext(singular) if plural is None else ngettext(singular, plural, num)


def init_app(app: Flask) -> None:
    compile_catalogs()
    money_rules.translate_with(_translate)  # app.money's messages, in the request's language
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_locale=DEFAULT_LOCALE,
        default_translation_directories=TRANSLATIONS_DIR,
    )
    app.before_request(remember_choice)
    # {% trans %} blocks collapse their blanks and line breaks, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.context_processor
    def language_context():
        return {"current_language": current_language(), "languages": LANGUAGE_NAMES, "lang_url": lang_url}

    app.add_template_filter(
        lambda cents, currency=None: money(cents, currency or _community_currency()), "money"
    )
    app.add_template_filter(number, "number")
    app.add_template_filter(date, "date")


def _community_currency() -> str:
    community = g.get("community")
    return community.currency if community is not None else "EUR"


def lang_url(lang: str) -> str:
    """This page in another language: the same path and query, ``lang`` replaced."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return f"{request.path}?{urlencode(args)}"
