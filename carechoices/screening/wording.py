"""Dates and amounts written for people ("15 December 2026", "in 6 days", "1.5 mg").

Machine formats (the API's JSON, iCalendar) keep ISO dates; everything a person reads — finding
texts, plan pages, the PDF — uses these. Plain Python, no Django, no locale database: the site is
in British English.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def human_date(day: datetime.date) -> str:
    """``2026-12-15`` -> ``"15 December 2026"``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def human_date_range(first: datetime.date, last: datetime.date) -> str:
    """Two days as one phrase: "8 December 2026", "8–15 December 2026", "28 December 2026 – 4 January 2027"."""
    if first == last:
        return human_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {_MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} – {human_date(last)}"
    return f"{human_date(first)} – {human_date(last)}"


def relative_day(day: datetime.date, today: datetime.date) -> str:
    """"today", "tomorrow", "yesterday", "in 6 days", "3 days ago"."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if delta > 0:
        return f"in {delta} days"
    return f"{-delta} days ago"


def days_phrase(low: int, high: int) -> str:
    """``(1, 2)`` -> ``"1–2 days"``; ``(7, 7)`` -> ``"7 days"``; ``(1, 1)`` -> ``"1 day"``."""
    if low == high:
        return f"{low} day" + ("" if low == 1 else "s")
    return f"{low}–{high} days"


def mg(dose: float | Decimal) -> str:
    """A dose in milligrams without trailing zeros: ``Decimal("4.50")`` -> ``"4.5 mg"``."""
    if isinstance(dose, Decimal):
        text = format(dose.normalize(), "f")
    else:
        text = f"{dose:g}"
    return f"{text} mg"
