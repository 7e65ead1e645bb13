"""SPEC §2/§3 carry-forward, pure: allocate_period → Movements → roll_forward / balance_rows.

One small community, computed by hand:

    property  owner   share_weight  active (Q1)  active (Q2)
    P1 (11)   m1      3             yes          yes
    P2 (12)   m2      2             yes          yes
    P3 (13)   m3      2             yes          no
    (m4 holds no property; it only appears from Q2 with a service charge.)

Three consecutive quarters; each opens with the previous quarter's closing. Then a
correction in Q1 is pushed through, and every later opening and closing moves by exactly the
correction (member by member), which is what the close job's downstream recompute relies on.
"""

from decimal import Decimal

from app.ledger.allocation import Item, ReadingInput, allocate_period
from app.ledger.balances import BalanceRow, Movements, balance_rows, roll_forward, totals
from app.ledger.split import PropertyShare

M1, M2, M3, M4 = 1, 2, 3, 4
P1, P2, P3 = 11, 12, 13


def props(p3_active=True):
    return [
        PropertyShare(P1, M1, Decimal("3"), True),
        PropertyShare(P2, M2, Decimal("2"), True),
        PropertyShare(P3, M3, Decimal("2"), p3_active),
    ]


# --- Q1 ------------------------------------------------------------------------------------
Q1_ITEMS = [
    Item(1, "Security", "security", "proportional", None, 10000),
    Item(2, "Garbage", "garbage", "fixed_fee", None, 100),
    Item(3, "Water", "water", "usage_based", Decimal("1.5"), 5000),
    Item(4, "Power", "power", "usage_based", None, 1000),
]
Q1_READINGS = [
    ReadingInput(1, P2, 3, Decimal("12.345")),  # Water (tariff)
    ReadingInput(2, P1, 4, Decimal("10")),  # Power
    ReadingInput(3, P3, 4, Decimal("30")),  # Power
]


def q1_totals(security=10001):
    return {
        "security": ("Security", security),
        "garbage": ("Garbage", 100),
        "water": ("Water", 5000),
        "power": ("Power", 999),
        "snow removal": ("Snow removal", 500),
    }


def q1_allocation(security=10001):
    return allocate_period(Q1_ITEMS, q1_totals(security), props(), Q1_READINGS)


def test_q1_allocation_by_hand():
    allocation = q1_allocation()
    shares = {(line.payment_type, line.property_id): line.cents for line in allocation.lines}
    # Security 100.01 proportional over 3:2:2 (W = 7):
    #   10001·3/7 = 4286.14 → 4286;  10001·2/7 = 2857.43 → 2857 (twice);  Σ = 10000, d = +1
    #   → the largest weight (P1) takes the cent: 4287, 2857, 2857.
    assert shares[("Security", P1)] == 4287
    assert shares[("Security", P2)] == 2857
    assert shares[("Security", P3)] == 2857
    # Garbage 1.00 fixed fee over 3: 33.33 → 33 each, Σ = 99, d = +1 → tie, lowest id P1: 34.
    assert [shares[("Garbage", p)] for p in (P1, P2, P3)] == [34, 33, 33]
    # Water, tariff 1.5: 12.345 · 1.5 = 18.5175 → 18.52 (1852 cents) to P2; total not split.
    assert shares[("Water", P2)] == 1852
    assert all(line.kind == "usage" for line in allocation.lines if line.payment_type == "Water")
    # Power 9.99 by consumption 10 : 0 : 30 (W = 40): 249.75 → 250, 0, 749.25 → 749; Σ = 999.
    assert shares[("Power", P1)] == 250
    assert shares[("Power", P3)] == 749
    assert shares.get(("Power", P2), 0) == 0
    # Snow removal has no budget item: unassigned, not split.
    assert allocation.unassigned == [("Snow removal", 500, "no budget item")]
    # Per member: m1 4287+34+250 = 4571, m2 2857+33 = 2890, m3 2857+33+749 = 3639.
    assert allocation.by_member("allocated") == {M1: 4571, M2: 2890, M3: 3639}
    assert allocation.by_member("usage") == {M2: 1852}
    # Σ allocated = 11100 = 10001 + 100 + 999: every split total is charged exactly.
    assert sum(allocation.by_member("allocated").values()) == 10001 + 100 + 999


def q1_movements(security=10001, extra_m1_contribution=0):
    """Q1's records: m1 pays in 50.00, m2 paid Security out of pocket, m3 has a 2.50 charge."""
    allocation = q1_allocation(security)
    allocated, usage = allocation.by_member("allocated"), allocation.by_member("usage")
    return {
        M1: Movements(contributions=5000 + extra_m1_contribution, allocated=allocated[M1]),
        M2: Movements(paid_expenses=security, allocated=allocated[M2], usage=usage[M2]),
        M3: Movements(allocated=allocated[M3], service_charges=250),
    }


def q2_movements():
    """Q2: P3 inactive; Security 5.00 proportional over 3:2 → 300, 200 (exact)."""
    allocation = allocate_period(
        [Item(21, "Security", "security", "proportional", None, 500)],
        {"security": ("Security", 500)},
        props(p3_active=False),
        [],
    )
    assert allocation.by_member("allocated") == {M1: 300, M2: 200}
    return {
        M1: Movements(contributions=1000, allocated=300),
        M2: Movements(allocated=200),
        M3: Movements(contributions=4000),
        M4: Movements(service_charges=99),
    }


def q3_movements():
    return {
        M1: Movements(allocated=29),
        M2: Movements(usage=59),
        M4: Movements(contributions=99),
    }


def closings(rows):
    return {member_id: row.closing for member_id, row in rows.items()}


def openings(rows):
    return {member_id: row.opening for member_id, row in rows.items()}


def test_three_periods_carried_forward():
    q1, q2, q3 = roll_forward({}, [q1_movements(), q2_movements(), q3_movements()])
    # Q1 from nothing:
    #   m1: 0 + 5000 − 4571             =   429
    #   m2: 0 + 10001 − 2890 − 1852     =  5259
    #   m3: 0 − 3639 − 250              = −3889
    assert openings(q1) == {M1: 0, M2: 0, M3: 0}
    assert closings(q1) == {M1: 429, M2: 5259, M3: -3889}
    # Q2 opens with Q1's closing; m4 is new (opening 0):
    #   m1: 429 + 1000 − 300   = 1129
    #   m2: 5259 − 200         = 5059
    #   m3: −3889 + 4000       =  111
    #   m4: 0 − 99             =  −99
    assert openings(q2) == {M1: 429, M2: 5259, M3: -3889, M4: 0}
    assert closings(q2) == {M1: 1129, M2: 5059, M3: 111, M4: -99}
    # Q3: m3 has no movement but carries 111 forward.
    #   m1: 1129 − 29 = 1100;  m2: 5059 − 59 = 5000;  m3: 111;  m4: −99 + 99 = 0
    assert openings(q3) == {M1: 1129, M2: 5059, M3: 111, M4: -99}
    assert closings(q3) == {M1: 1100, M2: 5000, M3: 111, M4: 0}
    assert q3[M3] == BalanceRow(M3, 111, 0, 0, 0, 0, 0)


def test_carry_forward_equals_balance_rows_one_period_at_a_time():
    """What the close job does period by period (opening = snapshot of the previous closing)."""
    chained = roll_forward({}, [q1_movements(), q2_movements(), q3_movements()])
    opening: dict[int, int] = {}
    for movements, expected in zip([q1_movements(), q2_movements(), q3_movements()], chained):
        rows = balance_rows(opening, movements)
        assert rows == expected
        opening = closings(rows)


def test_totals_are_conserved_across_periods():
    q1, q2, q3 = roll_forward({}, [q1_movements(), q2_movements(), q3_movements()])
    # Σ closing of Q1 = 429 + 5259 − 3889 = 1799
    #   = contributions 5000 + paid 10001 − allocated 11100 − usage 1852 − charges 250.
    t1 = totals(q1.values())
    assert t1["closing"] == 1799
    assert t1 == {
        "opening": 0,
        "contributions": 5000,
        "paid_expenses": 10001,
        "allocated": 11100,
        "usage": 1852,
        "service_charges": 250,
        "payouts": 0,
        "adjustments": 0,
        "closing": 1799,
    }
    # Each period opens with exactly what the previous one closed with.
    assert totals(q2.values())["opening"] == 1799
    assert totals(q3.values())["opening"] == totals(q2.values())["closing"] == 1129 + 5059 + 111 - 99
    assert totals(q3.values())["closing"] == 1100 + 5000 + 111 + 0


def _delta(before, after):
    return {m: after[m] - before.get(m, 0) for m in after}


def test_correcting_a_contribution_in_q1_moves_every_later_balance_by_exactly_that():
    before = roll_forward({}, [q1_movements(), q2_movements(), q3_movements()])
    # A forgotten contribution of 12.34 by m1 is added to Q1 after Q2 and Q3 were closed.
    after = roll_forward({}, [q1_movements(extra_m1_contribution=1234), q2_movements(), q3_movements()])
    correction = {M1: 1234, M2: 0, M3: 0}
    assert _delta(closings(before[0]), closings(after[0])) == correction
    for old, new in zip(before[1:], after[1:]):
        assert _delta(openings(old), openings(new)) == {**correction, M4: 0}
        assert _delta(closings(old), closings(new)) == {**correction, M4: 0}
    # Hand check of the end: m1 closes Q3 at 1100 + 1234 = 2334.
    assert after[2][M1].closing == 2334
    # Later periods' own movements are untouched.
    for old, new in zip(before[1:], after[1:]):
        for member_id in new:
            assert (
                new[member_id].contributions,
                new[member_id].allocated,
                new[member_id].usage,
                new[member_id].service_charges,
            ) == (
                old[member_id].contributions,
                old[member_id].allocated,
                old[member_id].usage,
                old[member_id].service_charges,
            )


def test_correcting_a_split_expense_in_q1_shifts_later_periods_member_by_member():
    # The Security invoice was 100.08, not 100.01 (paid by m2 out of pocket).
    #   10008·3/7 = 4289.14 → 4289;  10008·2/7 = 2859.43 → 2859 (twice);  Σ = 10007, d = +1
    #   → P1 4290.  Changes: m1 allocated +3 (4287 → 4290), m2 +2, m3 +2; m2 paid +7.
    #   Closing deltas: m1 −3;  m2 +7 − 2 = +5;  m3 −2;  Σ = 0 (the expense nets out).
    assert q1_allocation(10008).by_member("allocated") == {M1: 4571 + 3, M2: 2890 + 2, M3: 3639 + 2}
    before = roll_forward({}, [q1_movements(), q2_movements(), q3_movements()])
    after = roll_forward({}, [q1_movements(security=10008), q2_movements(), q3_movements()])
    correction = {M1: -3, M2: 5, M3: -2}
    assert _delta(closings(before[0]), closings(after[0])) == correction
    assert closings(after[0]) == {M1: 426, M2: 5264, M3: -3891}
    for old, new in zip(before[1:], after[1:]):
        assert _delta(openings(old), openings(new)) == {**correction, M4: 0}
        assert _delta(closings(old), closings(new)) == {**correction, M4: 0}
    assert closings(after[2]) == {M1: 1097, M2: 5005, M3: 109, M4: 0}
    assert sum(correction.values()) == 0


def test_an_opening_balance_before_the_first_period_is_carried_too():
    # Imported balances: m1 owes 10.00, m4 is 0.50 ahead.
    q1, q2, _ = roll_forward({M1: -1000, M4: 50}, [q1_movements(), q2_movements(), {}])
    assert q1[M1].opening == -1000 and q1[M1].closing == -1000 + 429
    assert q1[M4] == BalanceRow(M4, 50, 0, 0, 0, 0, 0)
    # m4: 50 carried into Q2, then −99: −49.
    assert q2[M4].opening == 50 and q2[M4].closing == -49
