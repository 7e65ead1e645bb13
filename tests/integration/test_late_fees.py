"""Late fees (SPEC §2) through close, reopen, re-close and the downstream recompute, and the
correction preview (SPEC §5 recompute-preview, §6), with every number worked by hand.

The world, late_fee_percent = 3:

    Ada Admin  Plot A weight 1      Bea Brown  Plot B weight 1      Cyd Clark  Plot C weight 2

    2026 Q1: Repairs proportional, one fund-paid expense 4,000.00 → Ada 1,000.00,
             Bea 1,000.00, Cyd 2,000.00. Contributions Ada 1,000.00, Cyd 800.00.
             Everyone opens at 0: no late fee.
             closing  Ada 0.00   Bea −1,000.00   Cyd −1,200.00
    2026 Q2: contributions Bea 200.00.
             overdue  Bea −(−1,000 + 200) = 800.00 → 3 % = 24.00
                      Cyd 1,200.00                 → 3 % = 36.00
             closing  Ada 0.00   Bea −1,000 + 200 − 24 = −824.00   Cyd −1,236.00
    2026 Q3: contributions Cyd 236.00.
             overdue  Bea 824.00 → 24.72;  Cyd 1,236 − 236 = 1,000.00 → 30.00
             closing  Bea −848.72   Cyd −1,236 + 236 − 30 = −1,030.00

    The correction: Q1 reopened, Bea's forgotten payment of 500.00 in March recorded.
             Q1 Bea −500.00 (+500.00)
             Q2 Bea overdue 500 − 200 = 300.00 → 9.00; closing −500 + 200 − 9 = −309.00
                (before −824.00, change +515.00)
             Q3 Bea overdue 309.00 → 9.27; closing −318.27 (before −848.72, +530.45)
             Ada and Cyd do not change.
"""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, BalanceSnapshot, JournalEntry, Period, Posting, ServiceCharge
from tests.conftest import login
from tests.helpers import ApiWorld, ok

ZERO = {
    "opening": "0.00",
    "contributions": "0.00",
    "paid_expenses": "0.00",
    "allocated": "0.00",
    "usage": "0.00",
    "service_charges": "0.00",
    "payouts": "0.00",
    "adjustments": "0.00",
}


class World(ApiWorld):
    def __init__(self, community):
        super().__init__(community)
        self.ada = community.admin_member_id
        self.bea = self.post("/members", name="Bea Brown", role="owner")["id"]
        self.cyd = self.post("/members", name="Cyd Clark", role="owner")["id"]
        for label, weight, owner in (
            ("Plot A", "1", self.ada),
            ("Plot B", "1", self.bea),
            ("Plot C", "2", self.cyd),
        ):
            self.post("/properties", label=label, share_weight=weight, owner_member_id=owner)
        ok(self.api.patch(self.url("/settings"), json={"late_fee_percent": "3"}))
        self.q1 = self.period("2026 Q1", "2026-01-01", "2026-03-31")
        self.post(
            f"/periods/{self.q1}/budget-items",
            payment_type="Repairs",
            budgeted_cost="4000.00",
            strategy="proportional",
        )
        self.post(f"/periods/{self.q1}/expenses", amount="4000.00", date="2026-02-01", payment_type="Repairs")
        self.pay(self.q1, self.ada, "1000.00", "2026-01-10")
        self.pay(self.q1, self.cyd, "800.00", "2026-01-11")
        self.q2 = self.period("2026 Q2", "2026-04-01", "2026-06-30")
        self.pay(self.q2, self.bea, "200.00", "2026-04-10")
        self.q3 = self.period("2026 Q3", "2026-07-01", "2026-09-30")
        self.pay(self.q3, self.cyd, "236.00", "2026-07-10")

    pay = ApiWorld.contribution

    def reopen(self, period_id):
        ok(self.api.patch(self.url(f"/periods/{period_id}"), json={"status": "open"}))

    def rows(self, period_id):
        return {
            r["name"]: {k: v for k, v in r.items() if k not in ("member_id", "name")}
            for r in self.sheet(period_id)["rows"]
        }

    def closings(self, period_id):
        return {r["member_id"]: r["closing"] for r in self.sheet(period_id)["rows"]}

    def fees(self, period_id):
        return sorted(
            (c["member_id"], c["amount"], c["description"], c["late_fee_percent"], c["overdue"], c["date"])
            for c in ok(self.api.get(self.url(f"/periods/{period_id}/charges")))
            if c.get("kind") == "late_fee"
        )

    def preview(self, period_id, api=None):
        return (api or self.api).get(self.url(f"/periods/{period_id}/recompute-preview"))


@pytest.fixture
def world(community):
    return World(community)


@pytest.fixture
def closed_world(world):
    for period_id in (world.q1, world.q2, world.q3):
        world.close(period_id)
    return world


Q1 = {
    "Ada Admin": {**ZERO, "contributions": "1000.00", "allocated": "1000.00", "closing": "0.00"},
    "Bea Brown": {**ZERO, "allocated": "1000.00", "closing": "-1000.00"},
    "Cyd Clark": {**ZERO, "contributions": "800.00", "allocated": "2000.00", "closing": "-1200.00"},
}
Q2 = {
    "Ada Admin": {**ZERO, "closing": "0.00"},
    "Bea Brown": {
        **ZERO,
        "opening": "-1000.00",
        "contributions": "200.00",
        "service_charges": "24.00",
        "closing": "-824.00",
    },
    "Cyd Clark": {**ZERO, "opening": "-1200.00", "service_charges": "36.00", "closing": "-1236.00"},
}
Q3 = {
    "Ada Admin": {**ZERO, "closing": "0.00"},
    "Bea Brown": {**ZERO, "opening": "-824.00", "service_charges": "24.72", "closing": "-848.72"},
    "Cyd Clark": {
        **ZERO,
        "opening": "-1236.00",
        "contributions": "236.00",
        "service_charges": "30.00",
        "closing": "-1030.00",
    },
}


# --- the setting -------------------------------------------------------------------------


def test_late_fee_percent_setting_defaults_to_off_and_round_trips(community):
    assert ok(community.api.get(community.url("/settings")))["late_fee_percent"] == "0"
    for sent, stored in (
        ("3", "3"),
        ("2.5", "2.5"),
        ("12.3456", "12.3456"),
        ("100", "100"),
        ("0", "0"),
        (7, "7"),
    ):
        answer = ok(community.api.patch(community.url("/settings"), json={"late_fee_percent": sent}))
        assert answer["late_fee_percent"] == stored
    assert ok(community.api.get(community.url("/settings")))["late_fee_percent"] == "7"


@pytest.mark.parametrize("value", ["100.0001", "101", "-1", "1.23456", "abc", True, "", [3]])
def test_late_fee_percent_out_of_range_or_too_precise_is_400(community, value):
    if value == "":  # empty is "none": off, like null
        answer = ok(community.api.patch(community.url("/settings"), json={"late_fee_percent": value}))
        assert answer["late_fee_percent"] == "0"
        return
    response = community.api.patch(community.url("/settings"), json={"late_fee_percent": value})
    assert response.status_code == 400
    assert "late_fee_percent" in response.get_json()["error"]["fields"]


def test_owner_cannot_change_the_late_fee(community, owner):
    response = owner.api.patch(community.url("/settings"), json={"late_fee_percent": "5"})
    assert response.status_code == 403
    assert ok(community.api.get(community.url("/settings")))["late_fee_percent"] == "0"


def test_settings_page_sets_the_late_fee(client, community):
    login(client, "admin@example.org")
    page = client.get(community.page("/settings/"))
    assert 'name="late_fee_percent"' in page.get_data(as_text=True)
    form = {"name": "Maple Court", "currency": "EUR", "late_fee_percent": "1.5"}
    assert client.post(community.page("/settings/"), data=form).status_code == 302
    assert ok(community.api.get(community.url("/settings")))["late_fee_percent"] == "1.5"
    bad = client.post(community.page("/settings/"), data={**form, "late_fee_percent": "150"})
    assert bad.status_code == 422
    assert "Enter a percentage from 0 to 100." in bad.get_data(as_text=True)


# --- through the close -------------------------------------------------------------------


def test_close_charges_late_fees_exactly(closed_world):
    w = closed_world
    assert w.rows(w.q1) == Q1
    assert w.rows(w.q2) == Q2
    assert w.rows(w.q3) == Q3
    assert w.fees(w.q1) == []
    assert w.fees(w.q2) == [
        (w.bea, "24.00", "Late fee", "3", "800.00", "2026-06-30"),
        (w.cyd, "36.00", "Late fee", "3", "1200.00", "2026-06-30"),
    ]
    assert w.fees(w.q3) == [
        (w.bea, "24.72", "Late fee", "3", "824.00", "2026-09-30"),
        (w.cyd, "30.00", "Late fee", "3", "1000.00", "2026-09-30"),
    ]


def test_late_fees_are_in_the_journal_and_the_audit_log(closed_world, scoped):
    w = closed_world
    with scoped(w.community.id):
        assert db.session.scalar(select(func.sum(Posting.amount_cents))) == 0
        legs = db.session.execute(
            select(Posting.account, Posting.member_id, Posting.category, Posting.amount_cents)
            .join(JournalEntry, JournalEntry.id == Posting.entry_id)
            .where(JournalEntry.source_type == "late_fee", JournalEntry.period_id == w.q2)
            .order_by(Posting.id)
        ).all()
    assert sorted(legs, key=lambda x: (x[0], x[3])) == sorted(
        [
            ("Income:ServiceCharges", None, None, -2400),
            (f"Members:{w.bea}", w.bea, "service_charge", 2400),
            ("Income:ServiceCharges", None, None, -3600),
            (f"Members:{w.cyd}", w.cyd, "service_charge", 3600),
        ],
        key=lambda x: (x[0], x[3]),
    )
    entries = ok(w.api.get(w.url(f"/audit?period_id={w.q2}")))
    entries = entries if isinstance(entries, list) else entries.get("entries", entries)
    fee_entries = [e for e in entries if e["action"] == "late_fees"]
    assert fee_entries and fee_entries[0]["after"]["total"] == 6000
    assert fee_entries[0]["after"]["fees"] == {str(w.bea): 2400, str(w.cyd): 3600}


def test_an_open_period_shows_no_late_fee_and_a_reclose_charges_it_once(closed_world):
    w = closed_world
    w.reopen(w.q2)
    open_rows = w.rows(w.q2)
    assert {name: row["service_charges"] for name, row in open_rows.items()} == {
        "Ada Admin": "0.00",
        "Bea Brown": "0.00",
        "Cyd Clark": "0.00",
    }
    assert open_rows["Cyd Clark"]["closing"] == "-1200.00"
    assert w.fees(w.q2) == []
    assert w.sheet(w.q3)["stale"] is True

    w.close(w.q2)  # re-close, and the downstream recompute of Q3
    assert w.rows(w.q2) == Q2
    assert w.rows(w.q3) == Q3
    assert len(w.fees(w.q2)) == 2 and len(w.fees(w.q3)) == 2

    w.reopen(w.q2)
    w.close(w.q2)  # and again: still charged once
    assert w.rows(w.q2) == Q2 and w.rows(w.q3) == Q3
    assert len(w.fees(w.q2)) == 2


def test_a_correction_upstream_recomputes_later_late_fees(closed_world):
    w = closed_world
    w.reopen(w.q1)
    w.pay(w.q1, w.bea, "500.00", "2026-03-15")
    w.close(w.q1)
    assert w.rows(w.q1)["Bea Brown"] == {
        **ZERO,
        "contributions": "500.00",
        "allocated": "1000.00",
        "closing": "-500.00",
    }
    assert w.rows(w.q2) == {
        **Q2,
        "Bea Brown": {
            **ZERO,
            "opening": "-500.00",
            "contributions": "200.00",
            "service_charges": "9.00",
            "closing": "-309.00",
        },
    }
    assert w.rows(w.q3) == {
        **Q3,
        "Bea Brown": {**ZERO, "opening": "-309.00", "service_charges": "9.27", "closing": "-318.27"},
    }
    assert [f[:2] for f in w.fees(w.q2)] == [(w.bea, "9.00"), (w.cyd, "36.00")]
    assert [f[:2] for f in w.fees(w.q3)] == [(w.bea, "9.27"), (w.cyd, "30.00")]


def test_turning_the_late_fee_off_and_reclosing_removes_it(closed_world):
    w = closed_world
    ok(w.api.patch(w.url("/settings"), json={"late_fee_percent": "0"}))
    w.reopen(w.q2)
    w.close(w.q2)
    assert w.fees(w.q2) == [] and w.fees(w.q3) == []
    assert w.closings(w.q3)[w.bea] == "-800.00"  # −1,000 + 200, no fees
    assert w.closings(w.q3)[w.cyd] == "-964.00"  # −1,200 + 236


def test_admins_cannot_edit_or_void_a_late_fee(closed_world):
    w = closed_world
    fee_id = next(
        c["id"] for c in ok(w.api.get(w.url(f"/periods/{w.q2}/charges"))) if c.get("kind") == "late_fee"
    )
    for response in (
        w.api.patch(w.url(f"/charges/{fee_id}"), json={"amount": "1.00"}),
        w.api.delete(w.url(f"/charges/{fee_id}")),
    ):
        assert response.status_code == 409
        assert "late fee" in response.get_json()["error"]["message"].lower()
    refused = w.api.delete(w.url(f"/charges/{fee_id}"), headers={"Accept-Language": "ru"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "Пени начисляются при закрытии: измените записи периода или настройку пеней, затем "
        "закройте период снова."
    )
    assert w.fees(w.q2)[0][1] == "24.00"


def test_statement_shows_the_late_fee_with_its_arithmetic(closed_world, client):
    w = closed_world
    login(client, "admin@example.org")
    page = client.get(w.community.page(f"/me/periods/{w.q2}/statement?member_id={w.cyd}"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3% of €1,200.00 overdue = €36.00" in text
    csv = client.get(w.community.page(f"/me/periods/{w.q2}/statement.csv?member_id={w.cyd}"))
    assert "Late fee: 3% of €1,200.00 overdue = €36.00" in csv.get_data(as_text=True)
    lines = ok(w.api.get(w.url(f"/periods/{w.q2}/balances/{w.cyd}")))["lines"]
    assert [
        (c["description"], c["amount"], c["late_fee_percent"], c["overdue"]) for c in lines["service_charges"]
    ] == [("Late fee", "36.00", "3", "1200.00")]


# --- the correction preview --------------------------------------------------------------


def table_counts(scoped, community_id):
    with scoped(community_id):
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (JournalEntry, Posting, ServiceCharge, BalanceSnapshot, AuditEntry)
        }
        counts["statuses"] = sorted(db.session.execute(select(Period.id, Period.status, Period.stale)).all())
        counts["voided"] = db.session.scalar(
            select(func.count()).select_from(ServiceCharge).where(ServiceCharge.voided_at.is_not(None))
        )
    return counts


def test_preview_shows_each_change_by_hand_and_writes_nothing(closed_world, scoped):
    w = closed_world
    w.reopen(w.q1)
    w.pay(w.q1, w.bea, "500.00", "2026-03-15")
    before = table_counts(scoped, w.community.id)

    preview = ok(w.preview(w.q1))

    assert table_counts(scoped, w.community.id) == before
    assert preview == {
        "periods": [
            {
                "id": w.q1,
                "name": "2026 Q1",
                "rows": [
                    {
                        "member_id": w.bea,
                        "closing_before": "-1000.00",
                        "closing_after": "-500.00",
                        "change": "500.00",
                    }
                ],
            },
            {
                "id": w.q2,
                "name": "2026 Q2",
                "rows": [
                    {
                        "member_id": w.bea,
                        "closing_before": "-824.00",
                        "closing_after": "-309.00",
                        "change": "515.00",
                    }
                ],
            },
            {
                "id": w.q3,
                "name": "2026 Q3",
                "rows": [
                    {
                        "member_id": w.bea,
                        "closing_before": "-848.72",
                        "closing_after": "-318.27",
                        "change": "530.45",
                    }
                ],
            },
        ]
    }


def test_preview_equals_what_the_close_then_writes(closed_world):
    w = closed_world
    ok(w.api.patch(w.url("/settings"), json={"late_fee_percent": "7.5"}))  # fees change too
    w.reopen(w.q1)
    w.pay(w.q1, w.bea, "500.00", "2026-03-15")
    w.post(
        f"/periods/{w.q1}/charges", member_id=w.cyd, amount="12.34", date="2026-03-01", description="Gate key"
    )
    before = {p: w.closings(p) for p in (w.q1, w.q2, w.q3)}
    before[w.q1] = {w.ada: "0.00", w.bea: "-1000.00", w.cyd: "-1200.00"}  # as Q1's close wrote

    preview = ok(w.preview(w.q1))
    w.close(w.q1)

    assert [p["id"] for p in preview["periods"]] == [w.q1, w.q2, w.q3]
    for entry in preview["periods"]:
        changed = {r["member_id"]: r for r in entry["rows"]}
        after = w.closings(entry["id"])
        for member_id, closing in after.items():
            if member_id in changed:
                assert changed[member_id]["closing_after"] == closing
                assert changed[member_id]["closing_before"] == before[entry["id"]][member_id]
            else:
                assert before[entry["id"]][member_id] == closing, (entry["name"], member_id)
        assert set(changed) <= set(after)
    # something did change in every period: the correction and the new percent
    assert all(entry["rows"] for entry in preview["periods"])


def test_preview_of_a_period_that_is_not_open_is_409(closed_world):
    w = closed_world
    response = w.preview(w.q2)
    assert response.status_code == 409
    assert "open" in response.get_json()["error"]["message"]


def test_preview_of_a_period_that_cannot_be_closed_names_the_category(closed_world):
    w = closed_world
    w.reopen(w.q2)
    w.post(f"/periods/{w.q2}/expenses", amount="10.00", date="2026-05-01", payment_type="Snow removal")
    response = w.preview(w.q2)
    assert response.status_code == 409
    assert "Snow removal" in response.get_json()["error"]["message"]


def test_preview_with_nothing_changed_lists_no_rows(closed_world):
    w = closed_world
    w.reopen(w.q2)
    assert ok(w.preview(w.q2)) == {
        "periods": [{"id": w.q2, "name": "2026 Q2", "rows": []}, {"id": w.q3, "name": "2026 Q3", "rows": []}]
    }


def test_preview_is_admin_only_and_tenant_scoped(closed_world, owner, other_community, client):
    w = closed_world
    w.reopen(w.q1)
    assert w.preview(w.q1, owner.api).status_code == 403
    assert (
        other_community.api.get(f"/api/c/{other_community.slug}/periods/{w.q1}/recompute-preview").status_code
        == 404
    )
    assert w.preview(w.q1, w.api.as_(None)).status_code == 401
    assert w.api.get(w.url("/periods/999999/recompute-preview")).status_code == 404
    login(client, owner.email)
    assert client.get(w.community.page(f"/periods/{w.q1}/recompute-preview")).status_code == 403
    client.post("/logout")
    login(client, "birch@example.org")
    assert client.get(f"/c/birch/periods/{w.q1}/recompute-preview").status_code == 404
    assert client.get(w.community.page(f"/periods/{w.q1}/recompute-preview")).status_code == 404


def test_reopened_period_page_loads_the_preview_panel(closed_world, client):
    w = closed_world
    w.reopen(w.q1)
    w.pay(w.q1, w.bea, "500.00", "2026-03-15")
    login(client, "admin@example.org")
    page = client.get(w.community.page(f"/periods/{w.q1}/")).get_data(as_text=True)
    assert f'hx-get="/c/maple/periods/{w.q1}/recompute-preview"' in page
    assert 'hx-trigger="load"' in page

    panel = client.get(w.community.page(f"/periods/{w.q1}/recompute-preview"), headers={"HX-Request": "true"})
    text = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "<html" not in text
    assert "Bea Brown" in text and "Cyd Clark" not in text
    for before, after, change in (
        ("-€1,000.00", "-€500.00", "+€500.00"),
        ("-€824.00", "-€309.00", "+€515.00"),
        ("-€848.72", "-€318.27", "+€530.45"),
    ):
        assert before in text and after in text and change in text

    # a closed period's page offers no panel
    closed = client.get(w.community.page(f"/periods/{w.q2}/")).get_data(as_text=True)
    assert "recompute-preview" not in closed


def test_the_charges_tab_names_a_late_fee_in_the_readers_language(closed_world, client):
    w = closed_world
    login(client, "admin@example.org")
    ru = client.get(w.community.page(f"/periods/{w.q2}/charges?lang=ru")).get_data(as_text=True)
    assert "<td>Пени <small>" in ru and "Late fee" not in ru
    en = client.get(w.community.page(f"/periods/{w.q2}/charges?lang=en")).get_data(as_text=True)
    assert "<td>Late fee <small>" in en
