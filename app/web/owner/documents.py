"""A member's statement (app.services.statements) as CSV and PDF, and the page's helpers.

The page, the CSV and the PDF render one ``Statement``'s lines, so the three never disagree.
"""

from __future__ import annotations

import importlib.util
import os
from decimal import Decimal
from fractions import Fraction

from babel import numbers as babel_numbers
from flask_babel import gettext as _, lazy_gettext

from app import downloads, i18n
from app.money import decimal_text
from app.services.statements import SECTIONS, Statement
from app.words import status_name, strategy_name

# The CSV speaks the reader's language: its header, its sections ("Your share of costs") and
# strategies ("equal per property") in the words the page uses; numbers follow the page's CSV
# conventions (app.downloads). The API's statement keeps the keys.
CSV_COLUMNS = (
    # TRANSLATORS: CSV column names of a member's statement.
    lazy_gettext("section"),
    lazy_gettext("date"),
    lazy_gettext("description"),
    lazy_gettext("property"),
    lazy_gettext("strategy"),
    lazy_gettext("basis"),
    lazy_gettext("basis total"),
    lazy_gettext("unit rate"),
    lazy_gettext("total"),
    lazy_gettext("rounding"),
    lazy_gettext("amount"),
)


def number(value: Decimal | None) -> str:
    return decimal_text(value) or ""


def exact_text(exact: Fraction | None) -> str:
    """An exact share in currency units, to four decimals (``42.8614``; ``42,8614`` in
    Russian)."""
    if exact is None:
        return ""
    value = (Decimal(exact.numerator) / Decimal(exact.denominator) / 100).quantize(Decimal("0.0001"))
    return babel_numbers.format_decimal(value, format="#,##0.0000", locale=i18n.current_language())


# --- CSV -----------------------------------------------------------------------------


def to_csv(data: Statement) -> str:
    def plain(value: Decimal | None) -> Decimal | None:  # a number cell, as ``number`` writes it
        return None if value is None else Decimal(number(value))

    amount = downloads.amount
    return downloads.csv_text(
        [str(name) for name in CSV_COLUMNS],
        (
            [
                str(SECTIONS[line.section]),
                line.date.isoformat() if line.date else "",
                line.description,
                line.property,
                str(strategy_name(line.strategy)) if line.strategy else "",  # as the page says it
                plain(line.basis),
                plain(line.basis_total),
                plain(line.unit_rate),
                amount(line.total) if line.total is not None else None,
                amount(line.rounding) if line.rounding else None,
                amount(line.amount),
            ]
            for line in data.lines
        ),
        downloads.page_csv_style(),
    )


# --- PDF -----------------------------------------------------------------------------


def packaged_font() -> str | None:
    """Source Sans Pro from the ``font-source-sans-pro`` package (a dependency): it covers
    Latin, Cyrillic, € and ₽. Found without importing the package (it globs on import)."""
    spec = importlib.util.find_spec("font_source_sans_pro")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, "files", "SourceSansPro-Regular.ttf")
        if os.path.exists(path):
            return path
    return None


FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


def to_pdf(
    data: Statement, community, font_path: str | None = None, font_candidates: tuple | None = None
) -> bytes:
    """A one-document PDF of the statement, in a Unicode TrueType font: ``PDF_FONT`` when
    set, else the packaged Source Sans Pro, else a system DejaVu Sans. Only when none is
    found, Helvetica with Windows-1252 (€ and Latin; other letters become "?"). Characters
    the font lacks (CJK) are left out, never an error."""
    if font_candidates is None:
        font_candidates = (packaged_font(), *FONT_CANDIDATES)
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(
        _("%(community)s — statement %(period)s", community=community.name, period=data.period.name)
    )
    pdf.set_creator("Levy")
    font, clean = _font(pdf, font_path, font_candidates)
    pdf.add_page()
    # Money, numbers and dates in the reader's language: 1 234,56 ₽ and 31.03.2026 in Russian.
    money = lambda cents: clean(i18n.money(cents, community.currency))  # noqa: E731
    day = lambda value: i18n.date(value) if value else ""  # noqa: E731
    num = i18n.number

    pdf.set_font(font, size=16)
    pdf.cell(
        0, 10, clean(_("%(community)s: statement", community=community.name)), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(font, size=10)
    period, member = data.period, data.member
    status = (
        status_name("closed")
        if period.status == "closed"
        else _("%(status)s, provisional", status=status_name(period.status))
    )
    pdf.cell(
        0,
        6,
        clean(
            _(
                "%(member)s — %(period)s (%(start)s to %(end)s, %(status)s)",
                member=member.name,
                period=period.name,
                start=day(period.start_date),
                end=day(period.end_date),
                status=status,
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if data.properties:
        pdf.cell(
            0,
            6,
            clean(
                _(
                    "Properties: %(list)s",
                    list=", ".join(
                        _("%(label)s (weight %(weight)s)", label=p.label, weight=num(p.share_weight))
                        for p in data.properties
                    ),
                )
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(3)

    with pdf.table(
        col_widths=(40, 25, 75, 50), text_align=("LEFT", "LEFT", "LEFT", "RIGHT"), line_height=6
    ) as table:
        table.row([clean(str(x)) for x in (_("Section"), _("Date"), _("What"), _("Amount"))])
        for line in data.lines:
            what = line.description
            if line.property:
                what += f" · {line.property}"
            if line.section == "allocated":
                what += " · " + _(
                    "%(strategy)s: %(basis)s of %(total_basis)s × %(total)s",
                    strategy=strategy_name(line.strategy),
                    basis=num(line.basis),
                    total_basis=num(line.basis_total),
                    total=money(line.total),
                )
                if line.rounding:
                    what += " " + _("(rounding %(cent)s)", cent=money(line.rounding))
            elif line.section == "usage":
                what += f" · {num(line.basis)} × {num(line.unit_rate)}"
            table.row([clean(str(SECTIONS[line.section])), day(line.date), clean(what), money(line.amount)])
    pdf.ln(4)
    pdf.set_font(font, size=12)
    closing = data.closing
    verdict = _("you owe") if closing < 0 else _("in your favour") if closing > 0 else _("settled")
    pdf.cell(
        0,
        8,
        clean(_("Balance: %(amount)s (%(verdict)s)", amount=money(closing), verdict=verdict)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _font(pdf, font_path: str | None, candidates=FONT_CANDIDATES):
    for path in (font_path, *candidates):
        if path and os.path.exists(path):
            bold = path.replace("-Regular.ttf", ".ttf").replace(".ttf", "-Bold.ttf")
            pdf.add_font("levy", fname=path)
            pdf.add_font("levy", style="B", fname=bold if os.path.exists(bold) else path)
            return "levy", lambda text: text
    pdf.core_fonts_encoding = "windows-1252"

    def clean(text: str) -> str:
        return text.encode("windows-1252", "replace").decode("windows-1252")

    return "helvetica", clean
