"""Template filters shared by the site's pages."""

from __future__ import annotations

import datetime

from django import template

from carechoices.screening.wording import human_date

register = template.Library()


@register.filter
def date_in_words(value) -> str:
    """An ISO date (``"2019-04-29"``) or a date as readers see dates here: ``29 April 2019``.

    Anything that is not a date comes back as an empty string, so a template never shows a
    machine value in its place.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            return ""
    return human_date(value)
