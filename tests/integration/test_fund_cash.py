"""The fund's cash on an open period's sheet is worked out from the sheet's own totals
(``fund.movement``: contributions in, payouts and fund-paid expenses out) instead of summing
the period's fund postings. It must equal that sum to the cent, whatever the records did:
member-paid and fund-paid expenses, payouts, adjustments and charges (which do not touch the
fund), voids, an expense moved from a member to the fund, and a period after a closed one."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Posting
from app.services.journal import FUND
from tests.helpers import ApiWorld


def posted_fund(scoped, community_id, period_ids) -> int:
    with scoped(community_id):
        return int(
            db.session.execute(
                select(func.coalesce(func.sum(Posting.amount_cents), 0)).where(
                    Posting.account == FUND, Posting.period_id.in_(period_ids)
                )
            ).scalar_one()
        )


def cents(text: str) -> int:
    whole, _, fraction = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int(fraction or 0)
    return -value if text.startswith("-") else value


def test_the_open_sheet_fund_equals_the_sum_of_the_fund_postings(community, scoped):
    w = ApiWorld(community)
    анна = w.member("Анна Петровна Соколова", "anna@snt.example")
    boris = w.member("Борис Иванов", "boris@snt.example")
    w.prop("Участок 1", "6.5", анна)
    w.prop("Участок 2", "4", boris)
    q1 = w.period("2026 Q1", "2026-01-01", "2026-03-31")
    w.item(q1, "Вывоз мусора", "proportional", "900.00")
    q = f"/periods/{q1}"
    w.contribution(q1, анна, "1500.00", "2026-01-10")
    w.contribution(q1, boris, "333.33", "2026-01-11")
    w.post(
        q + "/expenses", amount="120.50", date="2026-01-12", payment_type="Вывоз мусора", vendor="ЭкоТранс"
    )
    paid_by_boris = w.post(
        q + "/expenses",
        amount="77.77",
        date="2026-01-13",
        payment_type="Вывоз мусора",
        paid_by_member_id=boris,
    )["id"]
    voided = w.post(q + "/expenses", amount="999.99", date="2026-01-14", payment_type="Вывоз мусора")["id"]
    w.void(f"/expenses/{voided}")
    w.post(q + "/payouts", member_id=анна, amount="50.00", date="2026-01-15")
    w.post(
        q + "/adjustments", member_id=boris, amount="-10.00", date="2026-01-01", reason="Долг из старых книг"
    )
    w.charge(q1, boris, "25.00", "2026-01-16", description="Ключ от ворот")

    def fund_on_sheet(period_id):
        return cents(w.sheet(period_id)["fund"]["cash"])

    assert fund_on_sheet(q1) == posted_fund(scoped, community.id, [q1]) == 150000 + 33333 - 12050 - 5000
    # The member-paid expense moves to the fund: the fund pays it now.
    w.patch(f"/expenses/{paid_by_boris}", paid_by_member_id=None)
    moved = 150000 + 33333 - 12050 - 5000 - 7777
    assert fund_on_sheet(q1) == posted_fund(scoped, community.id, [q1]) == moved

    # A period after a closed one: the close's stored figure plus this period's movement.
    w.close(q1)
    q2 = w.period("2026 Q2", "2026-04-01", "2026-06-30")
    w.contribution(q2, boris, "10.01", "2026-04-02")
    w.post(f"/periods/{q2}/payouts", member_id=анна, amount="0.02", date="2026-04-03")
    assert fund_on_sheet(q2) == posted_fund(scoped, community.id, [q1, q2]) == moved + 1001 - 2
