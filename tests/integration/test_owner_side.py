"""The owner's side: dashboard, "why do I owe this", history, statements (page, CSV, PDF),
transparency, payment reminders, and the admin dashboard.

The world, built through the API (amounts by hand):

    member      properties (share_weight)
    Ada Admin   —                           (the admin)
    Olga Owner  Flat 1 (3), Garage 1 (1)    the `owner` fixture; two properties
    Bea Brown   Flat 2 (3)

Q1 2026 (Jan–Mar), closed:
    Security  proportional  100.01 (fund)  over 3 : 1 : 3 (W = 7)
              exact 4286.14 / 1428.71 / 4286.14 → 4286 / 1429 / 4286   (sum 10001, no remainder)
    Garbage   fixed_fee       1.00 (fund)  33.33 each → 33 / 33 / 33, remainder +1 goes to the
              largest weight, ties to the lower property id: Flat 1 (Olga) → 34 / 33 / 33
    Olga pays in 50.00 and has a 2.50 service charge ("Key").
    Olga: 0 + 5000 − (4286 + 1429 + 34 + 33 = 5782) − 250 = −1032  → −€10.32
    Bea:  0 − (4286 + 33 = 4319)                            = −4319  → −€43.19

Q2 2026 (Apr–Jun), open:
    Security  proportional   70.00 (fund)  over 3 : 1 : 3 → 3000 / 1000 / 3000
    Olga pays in 20.00.
    Olga: −1032 + 2000 − 4000 = −3032  → −€30.32
    Bea:  −4319 − 3000        = −7319  → −€73.19
"""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from app import i18n
from app.extensions import db
from app.models import Reminder
from app.services import history
from app.tenancy import community_scope
from tests.conftest import PASSWORD, login
from tests.helpers import page_ok as ok

PAYMENT_DETAILS = "IBAN DE89 3704 0044 0532 0130 00\nReference: {name} {properties}"


def text(response) -> str:
    return response.get_data(as_text=True)


class World:
    def __init__(self, community, owner):
        self.community, self.owner = community, owner
        self.api, self.url = community.api, community.url

    def post(self, path, **json):
        response = self.api.post(self.url(path), json=json)
        assert response.status_code in (201, 202), response.get_json()
        return response.get_json()


@pytest.fixture
def world(community, owner):
    w = World(community, owner)
    w.olga = owner.id
    w.bea = w.post("/members", name="Bea Brown", email="bea@example.org", role="owner")["id"]
    w.flat1 = w.post("/properties", label="Flat 1", share_weight="3", owner_member_id=w.olga)["id"]
    w.garage1 = w.post("/properties", label="Garage 1", share_weight="1", owner_member_id=w.olga)["id"]
    w.flat2 = w.post("/properties", label="Flat 2", share_weight="3", owner_member_id=w.bea)["id"]
    w.q1 = w.post("/periods", name="Q1", start_date="2026-01-01", end_date="2026-03-31")["id"]
    w.post(
        f"/periods/{w.q1}/budget-items",
        payment_type="Security",
        strategy="proportional",
        budgeted_cost="120.00",
    )
    w.post(
        f"/periods/{w.q1}/budget-items", payment_type="Garbage", strategy="fixed_fee", budgeted_cost="1.00"
    )
    w.post(
        f"/periods/{w.q1}/expenses",
        payment_type="Security",
        amount="100.01",
        date="2026-01-15",
        vendor="Guard Co",
    )
    w.post(
        f"/periods/{w.q1}/expenses",
        payment_type="Garbage",
        amount="1.00",
        date="2026-02-01",
        vendor="Bins Ltd",
    )
    w.post(
        f"/periods/{w.q1}/contributions",
        member_id=w.olga,
        amount="50.00",
        date="2026-01-10",
        comment="January transfer",
    )
    w.post(f"/periods/{w.q1}/charges", member_id=w.olga, amount="2.50", date="2026-02-10", description="Key")
    w.post(f"/periods/{w.q1}/close")
    w.q2 = w.post("/periods", name="Q2", start_date="2026-04-01", end_date="2026-06-30")["id"]
    w.post(
        f"/periods/{w.q2}/budget-items",
        payment_type="Security",
        strategy="proportional",
        budgeted_cost="80.00",
    )
    w.post(
        f"/periods/{w.q2}/expenses",
        payment_type="Security",
        amount="70.00",
        date="2026-04-15",
        vendor="Guard Co",
    )
    w.post(
        f"/periods/{w.q2}/contributions",
        member_id=w.olga,
        amount="20.00",
        date="2026-04-02",
        comment="April transfer",
    )
    ok(w.api.patch(w.url("/settings"), json={"payment_details": PAYMENT_DETAILS}))
    return w


@pytest.fixture
def owner_browser(app, owner):
    """A separate browser session logged in as the owner (the API client keeps its token)."""
    browser = app.test_client()
    login(browser, owner.email)
    return browser


@pytest.fixture
def admin_browser(app, community):
    browser = app.test_client()
    login(browser, "admin@example.org")
    return browser


def page(path):
    return f"/c/maple{path}"


def assert_csp_clean(html: str):
    assert "style=" not in html
    assert all('src="' in attrs for attrs in re.findall(r"<script([^>]*)>", html))


# --- the owner's dashboard ----------------------------------------------------------------


def test_owner_dashboard_shows_balance_now_in_red_and_the_next_step(world, owner_browser):
    html = text(ok(owner_browser.get(page("/"))))

    # Babel's en formatting of EUR puts the sign before the symbol.
    assert '<span class="amount debt">-€30.32</span>' in html
    assert 'data-balance="-30.32"' in html
    assert "You owe <strong>€30.32</strong>" in html
    assert "Pay <strong>€30.32</strong>" in html
    # The payment details, with this member's reference filled in.
    assert "IBAN DE89 3704 0044 0532 0130 00<br>Reference: Olga Owner Flat 1, Garage 1" in html
    assert_csp_clean(html)


def test_owner_dashboard_shows_what_changed_payments_properties_and_history(world, owner_browser):
    html = text(ok(owner_browser.get(page("/"))))

    changed = html[html.index('id="since-last"') : html.index('id="my-payments"')]
    assert "since Q2" not in changed and "What changed since Q1" in changed
    assert '<span class="amount debt">-€10.32</span>' in changed  # Q1's closing
    assert "€20.00" in changed and "€40.00" in changed  # paid in; share of costs
    payments = html[html.index('id="my-payments"') : html.index('id="my-properties"')]
    assert payments.index("€20.00") < payments.index("€50.00")  # newest first
    assert "Apr 2, 2026" in payments and "Jan 10, 2026" in payments
    properties = html[html.index('id="my-properties"') :]
    assert "Flat 1" in properties and "Garage 1" in properties and "Flat 2" not in properties
    assert 'data-closing="-10.32"' in html and 'data-closing="-30.32"' in html
    assert f'href="/c/maple/me/periods/{world.q2}/statement"' in html  # "why"


def test_credit_is_green_and_there_is_nothing_to_pay(world, owner_browser):
    world.post(f"/periods/{world.q2}/contributions", member_id=world.olga, amount="40.32", date="2026-04-20")

    html = text(ok(owner_browser.get(page("/"))))

    assert '<span class="amount credit">€10.00</span>' in html
    assert "Nothing to pay right now." in html


def test_dashboard_without_periods_says_so(community, owner, owner_browser):
    html = text(ok(owner_browser.get(page("/"))))

    assert "No billing period yet" in html
    assert "You are settled." in html


def test_a_person_in_two_communities_sees_each_ones_own_balance(app, world, other_community):
    # Olga already has an account (she is in maple): she joins birch logged in as herself.
    invited = other_community.api.post(
        other_community.url("/members"),
        json={"name": "Olga Owner", "email": "owner@example.org", "role": "owner"},
    )
    member = invited.get_json()
    olga = ok(
        app.test_client().post("/api/tokens", json={"email": "owner@example.org", "password": PASSWORD}), 201
    ).get_json()["token"]
    ok(
        app.test_client().post(
            f"/api/invites/{member['invite_url'].rsplit('/', 1)[-1]}/accept",
            json={},
            headers={"Authorization": f"Bearer {olga}"},
        )
    )
    prop = other_community.api.post(
        other_community.url("/properties"),
        json={"label": "Box 9", "share_weight": "1", "owner_member_id": member["id"]},
    )
    assert prop.status_code == 201
    browser = app.test_client()
    login(browser, "owner@example.org")

    maple, birch = text(browser.get("/c/maple/")), text(browser.get("/c/birch/"))

    assert "-€30.32" in maple and "Flat 1" in maple and "Box 9" not in maple
    assert "-€30.32" not in birch and "Box 9" in birch and "Flat 1" not in birch
    assert 'href="/c/birch/"' in maple  # the switcher in the header


# --- why do I owe this: the statement ------------------------------------------------------


def test_why_redirects_to_the_statement_of_the_current_period(world, owner_browser):
    response = owner_browser.get(page("/me/why"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/maple/me/periods/{world.q2}/statement")


def test_statement_lists_every_line_with_weights_and_the_rounding_cent(world, owner_browser):
    html = text(ok(owner_browser.get(page(f"/me/periods/{world.q1}/statement"))))

    assert 'Why my balance is <span class="amount debt">-€10.32</span>' in html
    shares = html[html.index('id="share-lines"') : html.index('id="usage"')]
    rows = re.findall(r"<tr>(.*?)</tr>", shares, re.S)
    flat = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]
    assert flat[1:] == [
        "Garbage · Flat 1 · equal per property 1 of 3 properties × total €1.00 = 0.3333 exactly, rounded "
        "to €0.33 +€0.01 rounding cent came to you €0.34",
        "Garbage · Garage 1 · equal per property 1 of 3 properties × total €1.00 = 0.3333 exactly, "
        "rounded to €0.33 €0.33",
        "Security · Flat 1 · split by share weight 3 of 7 × total €100.01 = 42.8614 exactly, "
        "rounded to €42.86 €42.86",
        "Security · Garage 1 · split by share weight 1 of 7 × total €100.01 = 14.2871 exactly, "
        "rounded to €14.29 €14.29",
        "Total €57.82",
    ]
    assert "January transfer" in html and "€50.00" in html
    assert "Key" in html and "€2.50" in html
    assert "This is the first period" in html
    assert 'id="closing-balance"><span class="amount debt">-€10.32</span>' in html
    assert_csp_clean(html)


def test_open_period_statement_opens_with_the_previous_closing(world, owner_browser):
    html = text(ok(owner_browser.get(page(f"/me/periods/{world.q2}/statement"))))

    assert "Provisional" in html
    opening = html[html.index('<section id="opening">') : html.index('<section id="contributions">')]
    assert f'href="/c/maple/me/periods/{world.q1}/statement">Q1</a>' in opening
    assert "-€10.32" in opening
    assert 'Why my balance is <span class="amount debt">-€30.32</span>' in html


# --- history -----------------------------------------------------------------------------


def test_history_service_reads_snapshots_and_computes_open_periods(app, world):
    with app.app_context(), community_scope(world.community.id):
        points = history.member_history(world.olga)
        assert [(p.period.name, p.opening, p.closing, p.provisional) for p in points] == [
            ("Q1", 0, -1032, False),
            ("Q2", -1032, -3032, True),
        ]
        bea = history.member_history(world.bea)
        assert [p.closing for p in bea] == [-4319, -7319]


def test_history_page_has_a_table_and_an_svg_chart(world, owner_browser):
    html = text(ok(owner_browser.get(page("/me/history"))))

    rows = re.findall(r'<tr data-period-id="(\d+)">(.*?)</tr>', html, re.S)
    assert [int(id_) for id_, _ in rows] == [world.q2, world.q1]  # newest first
    closings = [
        re.search(r'class="amount closing"><span class="amount debt">([^<]+)<', r).group(1) for _, r in rows
    ]
    assert closings == ["-€30.32", "-€10.32"]
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('<g class="debt"') == 2
    assert 'fill="currentColor"' in svg
    assert_csp_clean(html)


# --- statement downloads -----------------------------------------------------------------


def test_statement_csv_is_exact(world, owner_browser):
    response = ok(owner_browser.get(page(f"/me/periods/{world.q1}/statement.csv")))

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert text(response).splitlines() == [
        "section,date,description,property,strategy,basis,basis total,unit rate,total,rounding,amount",
        "Opening balance,,No earlier period,,,,,,,,0.00",
        "Contributions,2026-01-10,January transfer,,,,,,,,50.00",
        "Your share of costs,,Garbage,Flat 1,equal per property,1,3,,1.00,0.01,-0.34",
        "Your share of costs,,Garbage,Garage 1,equal per property,1,3,,1.00,,-0.33",
        "Your share of costs,,Security,Flat 1,split by share,3,7,,100.01,,-42.86",
        "Your share of costs,,Security,Garage 1,split by share,1,7,,100.01,,-14.29",
        "Service charges,2026-02-10,Key,,,,,,,,-2.50",
        "Closing balance,2026-03-31,Closing balance,,,,,,,,-10.32",
    ]
    rows = list(csv.DictReader(io.StringIO(text(response))))
    lines = sum(int(r["amount"].replace(".", "")) for r in rows if r["section"] != "Closing balance")
    assert lines == -1032  # opening plus every line is the closing balance, to the cent


def test_statement_pdf_downloads(world, owner_browser):
    response = ok(owner_browser.get(page(f"/me/periods/{world.q2}/statement.pdf")))

    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert 'filename="maple-Q2-Olga_Owner-statement.pdf"' in response.headers["Content-Disposition"]


# --- transparency ------------------------------------------------------------------------


def test_owner_sees_only_their_own_data_when_the_sheet_is_not_shared(world, owner_browser):
    assert owner_browser.get(page(f"/me/periods/{world.q1}/balance-sheet")).status_code == 403
    assert owner_browser.get(page(f"/me/periods/{world.q1}/balance-sheet.csv")).status_code == 403
    dashboard = text(owner_browser.get(page("/")))
    assert "Bea Brown" not in dashboard and "balance-sheet" not in dashboard
    assert "balance-sheet" not in text(owner_browser.get(page("/me/history")))


def test_owner_sees_closed_balance_sheets_when_the_community_shares_them(world, owner_browser):
    ok(world.api.patch(world.url("/settings"), json={"owners_see_balance_sheet": True}))

    html = text(ok(owner_browser.get(page(f"/me/periods/{world.q1}/balance-sheet"))))
    assert "Bea Brown" in html and "-€43.19" in html
    budget = html[html.index('id="budget"') :]
    assert "Security" in budget and "€120.00" in budget and "€100.01" in budget
    assert "€19.99" in budget  # variance
    csv_text = text(ok(owner_browser.get(page(f"/me/periods/{world.q1}/balance-sheet.csv"))))
    assert "Bea Brown,0.00,0.00,0.00,43.19,0.00,0.00,0.00,0.00,-43.19" in csv_text
    # Shared books include the open period's provisional sheet (one rule with the API),
    # but the dashboard only points owners at final ones.
    assert owner_browser.get(page(f"/me/periods/{world.q2}/balance-sheet")).status_code == 200
    dashboard = text(owner_browser.get(page("/")))
    assert f'href="/c/maple/me/periods/{world.q1}/balance-sheet"' in dashboard
    assert f'href="/c/maple/me/periods/{world.q2}/balance-sheet"' not in dashboard


def test_admin_sees_every_balance_sheet(world, admin_browser):
    for period_id in (world.q1, world.q2):
        assert admin_browser.get(page(f"/me/periods/{period_id}/balance-sheet")).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/me/periods/{q1}/statement",
        "/me/periods/{q1}/statement.csv",
        "/me/periods/{q1}/statement.pdf",
        "/me/history",
        "/me/why",
    ],
)
def test_an_owner_never_sees_another_members_statement(world, owner_browser, other_community, path):
    url = page(path.format(q1=world.q1))
    stranger = other_community.admin_member_id

    assert owner_browser.get(f"{url}?member_id={world.bea}").status_code == 403
    assert owner_browser.get(f"{url}?member_id={stranger}").status_code == 404
    assert owner_browser.get(f"{url}?member_id=nope").status_code == 404
    assert owner_browser.get(f"{url}?member_id={world.olga}").status_code in (200, 302)


def test_an_admin_reads_any_members_statement(world, admin_browser):
    url = page(f"/me/periods/{world.q1}/statement?member_id={world.bea}")
    html = text(ok(admin_browser.get(url)))

    assert "Bea Brown" in html and "-€43.19" in html
    assert f"statement.csv?member_id={world.bea}" in html


def test_periods_of_another_community_are_not_found(world, owner_browser, other_community):
    theirs = other_community.api.post(
        other_community.url("/periods"),
        json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    ).get_json()["id"]

    for path in ("statement", "statement.csv", "statement.pdf", "balance-sheet"):
        assert owner_browser.get(page(f"/me/periods/{theirs}/{path}")).status_code == 404


def test_pages_redirect_to_login_when_logged_out(world, app):
    anonymous = app.test_client()
    for path in (f"/me/periods/{world.q1}/statement", "/me/history", "/reminders"):
        response = anonymous.get(page(path))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- reminders ---------------------------------------------------------------------------


def test_reminder_preview_lists_members_in_debt_with_amounts(world, admin_browser):
    html = text(ok(admin_browser.get(page("/reminders"))))

    rows = re.findall(r'<tr data-member-id="(\d+)"[^>]*>(.*?)</tr>', html, re.S)
    assert [int(id_) for id_, _ in rows] == [world.bea, world.olga]  # largest debt first
    assert "€73.19" in rows[0][1] and "€30.32" in rows[1][1]
    assert "Ada Admin" not in "".join(r for _, r in rows)
    assert "IBAN DE89" in html  # the message preview
    assert_csp_clean(html)


def test_send_records_and_mails_reminders_and_skips_them_the_same_day(app, world, admin_browser):
    mail = app.extensions["mail"]
    with mail.record_messages() as outbox:
        response = admin_browser.post(
            page("/reminders"), data={"member_ids": [str(world.bea), str(world.olga)]}
        )
    assert response.status_code == 302
    assert sorted(m.recipients[0] for m in outbox) == ["bea@example.org", "owner@example.org"]
    olga_mail = next(m for m in outbox if m.recipients == ["owner@example.org"])
    assert "€30.32" in olga_mail.subject
    assert "Reference: Olga Owner Flat 1, Garage 1" in olga_mail.body
    assert "http://levy.test/c/maple/" in olga_mail.body
    with app.app_context(), community_scope(world.community.id):
        reminders = db.session.execute(select(Reminder).order_by(Reminder.member_id)).scalars().all()
        assert [(r.member_id, r.amount_cents, r.email, r.sent_on) for r in reminders] == sorted(
            [
                (world.olga, 3032, "owner@example.org", date.today()),
                (world.bea, 7319, "bea@example.org", date.today()),
            ]
        )

    html = text(admin_browser.get(page("/reminders")))
    assert "Sent 2 reminders." in html
    sent = html[html.index('id="sent-reminders"') :]
    assert sent.count(i18n.date(date.today(), "en")) == 2
    assert "sent today" in html and "Everyone in debt has been reminded today." in html

    with mail.record_messages() as outbox:
        again = admin_browser.post(page("/reminders"), data={"member_ids": [str(world.olga)]})
    assert again.status_code == 422  # no longer offered: already reminded today
    assert outbox == []
    with app.app_context(), community_scope(world.community.id):
        assert len(db.session.execute(select(Reminder)).all()) == 2


def test_the_service_never_reminds_a_member_twice_the_same_day(app, world, admin_browser):
    from app.services import jobs, reminders

    with app.test_request_context(), community_scope(world.community.id):
        from flask import g

        g.community_id = world.community.id
        job = reminders.queue([world.olga])[0]
        db.session.commit()  # the caller owns the transaction, then queues the job
        jobs.dispatch(job)
        assert job.status == "succeeded"
        with app.extensions["mail"].record_messages() as outbox:
            reminders.run_batch(job.id, [world.olga, world.olga])  # a redelivered batch
        assert outbox == []
        assert len(db.session.execute(select(Reminder)).all()) == 1


def test_owner_sees_the_reminder_date_on_the_dashboard(world, admin_browser, owner_browser):
    admin_browser.post(page("/reminders"), data={"member_ids": [str(world.olga)]})

    html = text(owner_browser.get(page("/")))

    assert f"Payment reminder sent on {i18n.date(date.today(), 'en')}" in html


def test_owners_cannot_preview_or_send_reminders(app, world, owner_browser):
    with app.extensions["mail"].record_messages() as outbox:
        assert owner_browser.get(page("/reminders")).status_code == 403
        assert (
            owner_browser.post(page("/reminders"), data={"member_ids": [str(world.bea)]}).status_code == 403
        )
    assert outbox == []


# --- the admin dashboard -----------------------------------------------------------------


def test_admin_dashboard_shows_the_open_period_fund_debtors_and_jobs(world, admin_browser):
    admin_browser.post(page("/reminders"), data={"member_ids": [str(world.bea)]})

    html = text(ok(admin_browser.get(page("/"))))

    overview = html[html.index('id="community-overview"') :]
    assert "Q2" in overview and "provisional" in overview
    # Fund: paid in 50 + 20, spent 100.01 + 1 + 70 from the fund → −101.01.
    assert 'id="fund-cash"><span class="amount debt">-€101.01</span>' in overview
    debtors = overview[overview.index('id="top-debtors"') : overview.index('id="recent-jobs"')]
    assert debtors.index("Bea Brown") < debtors.index("Olga Owner")
    assert "-€73.19" in debtors and "-€30.32" in debtors
    assert "2 members in debt, €103.51 in all" in debtors
    jobs = overview[overview.index('id="recent-jobs"') :]
    assert "Payment reminders" in jobs and "Q1" in jobs and jobs.count("done") == 2
    # An admin without properties gets no "my balance" block.
    assert 'id="my-money"' not in html
    assert_csp_clean(html)


def test_pdf_without_a_unicode_font_falls_back_to_latin_helvetica(app, world):
    from flask import g

    from app.models import Community, Member, Period
    from app.services import statements
    from app.web.owner import documents

    with app.test_request_context(), community_scope(world.community.id):
        g.community = db.session.get(Community, world.community.id)
        member = db.session.get(Member, world.olga)
        member.name = "Ольга Owner"  # not in Windows-1252: replaced, never a 500
        data = statements.statement(db.session.get(Period, world.q1), member)

        pdf = documents.to_pdf(data, g.community, font_candidates=())

        assert pdf.startswith(b"%PDF")
        db.session.rollback()


def test_chart_geometry_puts_debt_below_and_credit_above_the_zero_line():
    from types import SimpleNamespace

    from app.ledger.balances import BalanceRow

    period = SimpleNamespace(name="P")
    points = [history.Point(period, BalanceRow(1, c, 0, 0, 0, 0, 0), False) for c in (-3000, 1000, 0)]

    chart = history.chart(points, width=640, height=240)

    debt, credit, zero = chart.bars
    assert (debt.css, credit.css, zero.css) == ("debt", "credit", "zero")
    assert debt.y == chart.zero_y and debt.height > 0  # hangs below the line
    assert credit.y + credit.height == chart.zero_y  # stands on the line
    assert round(debt.height / credit.height, 6) == 3  # to scale
    assert zero.height == 0
    assert all(bar.labelled for bar in chart.bars)
