"""When a review's next full literature review is due, without Django.

Each review is searched again in full every ``cycle_months`` months (24 by default) from its last
full literature review. A month later than the 31st lands on the last day of a shorter month
(31 January + 1 month = 28 or 29 February; 29 February 2024 + 24 months = 28 February 2026), as
calendars and spreadsheets do, so a due date never skips into the following month.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

__all__ = ["DEFAULT_CYCLE_MONTHS", "DUE_SOON_DAYS", "ReviewDue", "add_months", "review_due"]

DEFAULT_CYCLE_MONTHS = 24
#: A review whose literature review falls due within this many days is "due soon".
DUE_SOON_DAYS = 90

OVERDUE, DUE_SOON, CURRENT, NEVER = "overdue", "due soon", "current", "never reviewed"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReviewDue:
    """The state of one review's literature-review cycle on ``today``."""

    last_review: datetime.date | None
    cycle_months: int
    due: datetime.date | None
    today: datetime.date

    @property
    def status(self) -> str:
        if self.due is None:
            return NEVER
        if self.due < self.today:
            return OVERDUE
        if (self.due - self.today).days <= DUE_SOON_DAYS:
            return DUE_SOON
        return CURRENT

    @property
    def overdue(self) -> bool:
        return self.status in (OVERDUE, NEVER)

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.due is not None and self.due < self.today else 0

    @property
    def days_left(self) -> int | None:
        return (self.due - self.today).days if self.due is not None else None


def review_due(last_review: datetime.date | None, cycle_months: int | None, today: datetime.date) -> ReviewDue:
    """Due date and status from the last full literature review (``None`` when there was none)."""
    months = cycle_months or DEFAULT_CYCLE_MONTHS
    if months < 1:
        raise ValueError("A literature-review cycle is at least one month.")
    due = add_months(last_review, months) if last_review is not None else None
    return ReviewDue(last_review=last_review, cycle_months=months, due=due, today=today)
