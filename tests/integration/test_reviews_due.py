"""Reviews due: the public page says when the next literature review is due (and plainly when it
is overdue); the dashboard panel and the report list overdue, due-soon and reference problems."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from carechoices.editorial.cycle import add_months
from carechoices.editorial.due import due_report
from carechoices.therapies.models import ReviewDate

pytestmark = pytest.mark.django_db


def set_last_literature_review(page, day, cycle=24):
    page.review_dates.filter(kind="literature-review").delete()
    ReviewDate.objects.create(page=page, kind="literature-review", date=day)
    page.literature_review_cycle_months = cycle
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_current_review_shows_when_the_next_literature_review_is_due(client, ldn):
    today = timezone.localdate()
    set_last_literature_review(ldn, add_months(today, -6), cycle=24)
    html = client.get(ldn.url).content.decode()
    due = add_months(add_months(today, -6), 24)
    assert f'Next full literature review due: <time datetime="{due:%Y-%m-%d}">{due:%B %Y}</time>' in html
    assert "overdue for a new literature review" not in html


def test_overdue_review_says_so_plainly(client, ldn):
    today = timezone.localdate()
    last = add_months(today, -25)
    set_last_literature_review(ldn, last, cycle=24)
    html = client.get(ldn.url + "safety/").content.decode()
    assert "This review is overdue for a new literature review." in html
    assert f"It was due in <time datetime=\"{add_months(last, 24):%Y-%m-%d}\">" in html
    assert "Next full literature review: <strong>overdue</strong>" in html


def test_report_groups_reviews(ldn, client, editor):
    today = timezone.localdate()
    set_last_literature_review(ldn, add_months(today, -23), cycle=24)  # due within ~31 days
    report = due_report()
    assert [s.page.slug for s in report.due_soon] == ["low-dose-naltrexone"]
    assert "low-dose-naltrexone" not in [s.page.slug for s in report.overdue]
    # The six partial reviews have no literature review recorded: overdue, listed first.
    assert len(report.overdue) == 6 and all(s.due.due is None for s in report.overdue)
    # A review cites bittenbring2014, which has no title: an incomplete reference.
    assert any(line.startswith("bittenbring2014: no") for s in report.references for line in s.incomplete)
    client.force_login(editor)
    html = client.get("/admin/reports/reviews-due/").content.decode()
    assert "Due within 90 days (1)" in html and "Literature review overdue (6)" in html
    assert "Incomplete: bittenbring2014: no" in html
    dashboard = client.get("/admin/").content.decode()
    assert 'id="reviews-due' in dashboard and "Due within 90 days (1)" in dashboard


def test_cycle_is_editable_and_validated(ldn):
    from django.core.exceptions import ValidationError

    ldn.literature_review_cycle_months = 0
    with pytest.raises(ValidationError) as caught:
        ldn.full_clean()
    assert "literature_review_cycle_months" in caught.value.message_dict
    assert ldn._meta.get_field("literature_review_cycle_months").default == 24


def test_overdue_is_worked_out_on_the_day_not_from_the_cache(client, ldn, monkeypatch):
    today = timezone.localdate()
    set_last_literature_review(ldn, add_months(today, -24), cycle=24)  # due today: not overdue yet
    assert "overdue for a new literature review" not in client.get(ldn.url).content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert "overdue for a new literature review" in client.get(ldn.url).content.decode()
