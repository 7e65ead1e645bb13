""" "Start the next period": the day after the last one ends, for as long as it lasted."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.periods import next_dates, next_name


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # whole calendar months: as many whole months, whatever their days
        (date(2026, 1, 1), date(2026, 3, 31), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 10, 1), date(2026, 12, 31), (date(2027, 1, 1), date(2027, 3, 31))),
        (date(2026, 1, 1), date(2026, 1, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2028, 1, 1), date(2028, 1, 31), (date(2028, 2, 1), date(2028, 2, 29))),
        (date(2026, 1, 1), date(2026, 12, 31), (date(2027, 1, 1), date(2027, 12, 31))),
        (date(2026, 2, 1), date(2026, 2, 28), (date(2026, 3, 1), date(2026, 3, 31))),
        # anything else: as many days
        (date(2026, 1, 15), date(2026, 2, 14), (date(2026, 2, 15), date(2026, 3, 17))),
        (date(2026, 3, 5), date(2026, 3, 5), (date(2026, 3, 6), date(2026, 3, 6))),
    ],
)
def test_next_dates(start, end, expected):
    assert next_dates(start, end) == expected


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(min_value=0, max_value=800)
)
def test_the_next_period_starts_the_day_after_and_never_overlaps(start, days):
    end = start + timedelta(days=days)
    begin, finish = next_dates(start, end)
    assert begin == end + timedelta(days=1)
    assert finish >= begin


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026 Q1", "2026 Q2"),
        ("2026 Q4", "2027 Q1"),
        ("2026-q2", "2026-Q3"),
        ("2026Q3", "2026Q4"),
        ("2025", "2026"),
        ("Spring", ""),
        ("", ""),
    ],
)
def test_next_name(name, expected):
    assert next_name(name) == expected
