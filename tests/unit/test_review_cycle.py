"""The literature-review cycle: due dates across month ends and leap years, and the status."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carechoices.editorial.cycle import add_months, review_due

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap February
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 24, D(2026, 2, 28)),  # leap day, two years on
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 8, 31), 1, D(2024, 9, 30)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),  # across the year
        (D(2025, 1, 1), 24, D(2027, 1, 1)),
        (D(2024, 5, 31), 120, D(2034, 5, 31)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 1, 1)), st.integers(min_value=0, max_value=240))
def test_add_months_never_skips_a_month(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or result.day < day.day and (result + datetime.timedelta(days=1)).day == 1


@pytest.mark.parametrize(
    ("last", "cycle", "today", "status", "due"),
    [
        (D(2024, 1, 31), 24, D(2026, 1, 31), "due soon", D(2026, 1, 31)),  # due today: not yet overdue
        (D(2024, 1, 31), 24, D(2026, 2, 1), "overdue", D(2026, 1, 31)),
        (D(2024, 1, 31), 24, D(2025, 11, 2), "due soon", D(2026, 1, 31)),  # 90 days before
        (D(2024, 1, 31), 24, D(2025, 11, 1), "current", D(2026, 1, 31)),  # 91 days before
        (D(2024, 2, 29), 12, D(2025, 3, 1), "overdue", D(2025, 2, 28)),
        (D(2024, 6, 30), 6, D(2024, 12, 30), "due soon", D(2024, 12, 30)),
        (None, 24, D(2026, 12, 1), "never reviewed", None),
        (D(2025, 6, 1), None, D(2026, 12, 1), "current", D(2027, 6, 1)),  # default cycle
    ],
)
def test_status(last, cycle, today, status, due):
    result = review_due(last, cycle, today)
    assert (result.status, result.due) == (status, due)
    assert result.overdue == (status in ("overdue", "never reviewed"))


def test_days_overdue_and_left():
    result = review_due(D(2023, 3, 31), 24, D(2025, 4, 10))
    assert result.due == D(2025, 3, 31) and result.days_overdue == 10 and result.days_left == -10
    with pytest.raises(ValueError):
        review_due(D(2023, 3, 31), -1, D(2025, 4, 10))
