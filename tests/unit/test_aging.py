"""Receivables aging (SPEC §6): since which closed period, days overdue, bucket edges."""

from datetime import date, timedelta

import pytest

from app.ledger.aging import ClosedPeriod, Receivable, bucket, receivables


@pytest.mark.parametrize(
    "days, expected",
    [
        (0, "0-30"),
        (30, "0-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (1000, "90+"),
    ],
)
def test_bucket_edges(days, expected):
    assert bucket(days) == expected


def test_since_is_the_start_of_the_unbroken_run_of_debt():
    q1 = ClosedPeriod(1, date(2026, 3, 31), {7: -100, 8: -50, 9: 20})
    q2 = ClosedPeriod(2, date(2026, 6, 30), {7: 10, 8: -60, 9: -5})
    q3 = ClosedPeriod(3, date(2026, 9, 30), {7: -30, 8: -70, 9: -5, 10: 40})
    today = date(2026, 10, 10)
    assert receivables([q1, q2, q3], today) == [
        Receivable(7, 30, 3, 10, "0-30"),  # paid up in Q2, owes again from Q3
        Receivable(8, 70, 1, 193, "90+"),  # in debt since Q1: 2026-03-31 → 2026-10-10
        Receivable(9, 5, 2, 102, "90+"),
    ]


def test_absent_from_a_period_breaks_the_run():
    q1 = ClosedPeriod(1, date(2026, 3, 31), {7: -100})
    q2 = ClosedPeriod(2, date(2026, 6, 30), {})
    q3 = ClosedPeriod(3, date(2026, 9, 30), {7: -1})
    assert receivables([q1, q2, q3], date(2026, 9, 30))[0].since_period_id == 3


@pytest.mark.parametrize(
    "days, expected", [(30, "0-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, "90+")]
)
def test_days_count_from_the_end_date(days, expected):
    end = date(2026, 3, 31)
    [row] = receivables([ClosedPeriod(1, end, {5: -1})], end + timedelta(days=days))
    assert (row.days_overdue, row.bucket) == (days, expected)


def test_nothing_closed_or_nobody_in_debt():
    assert receivables([], date(2026, 1, 1)) == []
    assert receivables([ClosedPeriod(1, date(2026, 3, 31), {1: 0, 2: 5})], date(2026, 4, 1)) == []
    # A period closed before it ended: not overdue yet, never negative days.
    [row] = receivables([ClosedPeriod(1, date(2026, 3, 31), {1: -5})], date(2026, 3, 1))
    assert (row.days_overdue, row.bucket) == (0, "0-30")
