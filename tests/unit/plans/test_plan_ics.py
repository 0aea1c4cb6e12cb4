"""Tests of the iCalendar rendering of start plans (carechoices.plans.ics)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from carechoices.plans.calculator import make_plan
from carechoices.plans.domain import Plan
from carechoices.plans.ics import PRODID, plan_to_ics

from .factories import (
    R19,
    TODAY,
    opioid_finding,
    plan_request,
    schedule_a,
    schedule_b,
    surgery_finding,
    transplant_finding,
)


def standard_protocol():
    return schedule_a()

URL = "https://carechoices.example/therapies/low-dose-naltrexone/plan"


def render(plan: Plan, **options: object) -> Calendar:
    ics = plan_to_ics(plan, title="My LDN start plan", url=URL, label="LDN", **options)  # type: ignore[arg-type]
    return Calendar.from_ical(ics)


def events(calendar: Calendar) -> list[Event]:
    return list(calendar.walk("VEVENT"))


def dose_events(calendar: Calendar) -> list[Event]:
    return [event for event in events(calendar) if isinstance(event.decoded("DTSTART"), datetime)]


def occurrences(event: Event) -> list[datetime]:
    """Expand an event's RRULE the way a calendar client would (in its own zone)."""
    start = event.decoded("DTSTART")
    rule = event["RRULE"].to_ical().decode()
    return list(rrulestr(rule, dtstart=start))


def test_plan_to_ics_holds_one_event_per_step_hold_and_restart() -> None:
    # Arrange: the three-step schedule, then surgery on 2026-05-01
    request = plan_request(findings=(surgery_finding(date(2026, 5, 1)),))
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Act
    calendar = render(plan)

    # Assert
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"]) == PRODID
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/London"
    assert calendar.get_missing_tzids() == set()
    summaries = [str(event["SUMMARY"]) for event in events(calendar)]
    assert summaries == [
        "LDN 1.5 mg at bedtime",
        "LDN: move to 3 mg at bedtime on one of these days",
        "LDN: move to 4.5 mg at bedtime on one of these days",
        "Stop LDN from today: surgery on 1 May 2026",
        "LDN stays stopped: ask your physician before taking it again",
    ]
    for event in events(calendar):
        assert event.get("UID") and event.get("DTSTAMP")
    assert len({str(event["UID"]) for event in events(calendar)}) == 5


def test_plan_to_ics_dates_ranges_at_both_ends() -> None:
    # Arrange
    plan = make_plan(plan_request(findings=(surgery_finding(date(2026, 5, 1)),)), [standard_protocol()], today=TODAY)

    # Act
    first, second, third, stop, restart = events(render(plan))

    # Assert: the first step repeats for the 7 days it surely lasts (7–14)
    assert first.decoded("DTSTART") == datetime(2026, 3, 1, 21, 0, tzinfo=ZoneInfo("Europe/London"))
    assert first["RRULE"]["COUNT"] == [7]
    assert "every day for 7–14 days, as your prescriber decides" in str(first["DESCRIPTION"])
    # The next steps begin on a day the prescriber picks: all-day windows, DTEND exclusive.
    assert (second.decoded("DTSTART"), second.decoded("DTEND")) == (date(2026, 3, 8), date(2026, 3, 16))
    assert "between 8–15 March 2026" in str(second["DESCRIPTION"])
    assert (third.decoded("DTSTART"), third.decoded("DTEND")) == (date(2026, 3, 15), date(2026, 3, 30))
    assert "RRULE" not in second and "RRULE" not in third
    assert (stop.decoded("DTSTART"), stop.decoded("DTEND")) == (date(2026, 4, 29), date(2026, 4, 30))
    assert restart.decoded("DTSTART") == date(2026, 5, 2)
    assert "when your physician clears it" in str(stop["DESCRIPTION"])


def test_plan_to_ics_stepwise_schedule_repeats_each_week_up_to_a_surgery_stop() -> None:
    from decimal import Decimal

    request = plan_request(
        findings=(surgery_finding(date(2026, 3, 20)),), protocol_id="weekly-1-mg-steps", start_dose_mg=Decimal("1.5")
    )
    plan = make_plan(request, [schedule_b()], today=TODAY)

    steps = dose_events(render(plan))

    assert [str(e["SUMMARY"]) for e in steps] == ["LDN 1.5 mg at bedtime", "LDN 2.5 mg at bedtime", "LDN 3.5 mg at bedtime"]
    assert [e["RRULE"]["COUNT"] for e in steps] == [[7], [7], [3]]
    assert occurrences(steps[-1])[-1].date() == date(2026, 3, 17)  # the day before the stop


def test_plan_to_ics_undated_plan_puts_no_dose_in_the_calendar() -> None:
    plan = make_plan(
        plan_request(findings=(opioid_finding(),), daily_opioid_pain_medicine=True), [standard_protocol()], today=TODAY
    )

    calendar = render(plan)

    assert dose_events(calendar) == []
    wean, wait = events(calendar)
    assert (wean.decoded("DTSTART"), wean.decoded("DTEND")) == (date(2026, 3, 1), date(2026, 3, 15))
    assert str(wait["SUMMARY"]).startswith("No LDN until the opioid has left your body")
    assert "First dose: not dated" in str(calendar["DESCRIPTION"])


def test_plan_to_ics_open_maintenance_step_does_not_repeat() -> None:
    from decimal import Decimal

    plan = make_plan(
        plan_request(protocol_id="weekly-1-mg-steps", start_dose_mg=Decimal("3.5")), [schedule_b()], today=TODAY
    )

    last = dose_events(render(plan))[-1]

    assert str(last["SUMMARY"]) == "LDN 4.5 mg at bedtime"
    assert "RRULE" not in last
    assert "until your prescriber tells you otherwise" in str(last["DESCRIPTION"])


@pytest.mark.parametrize(
    ("zone", "change_day", "offset_before", "offset_after"),
    [
        pytest.param("Europe/London", date(2026, 3, 29), 0, 1, id="london-spring"),
        pytest.param("America/New_York", date(2026, 3, 8), -5, -4, id="new-york-spring"),
        pytest.param("Europe/London", date(2026, 10, 25), 1, 0, id="london-autumn"),
    ],
)
def test_plan_to_ics_keeps_local_dose_time_across_daylight_saving_change(
    zone: str, change_day: date, offset_before: int, offset_after: int
) -> None:
    # Arrange: one plan starting on the change day, one the day before it
    protocols = [standard_protocol()]
    day_before = change_day - timedelta(days=1)
    on_change = make_plan(
        plan_request(start_date=change_day, time_zone=zone), protocols, today=day_before
    )
    across = make_plan(
        plan_request(start_date=day_before, time_zone=zone),
        protocols,
        today=day_before,
    )

    # Act
    first_on_change = dose_events(render(on_change))[0]
    first_across = dose_events(render(across))[0]

    # Assert: 21:00 local on the change day, already at the new offset
    start = first_on_change.decoded("DTSTART")
    assert first_on_change["DTSTART"].params["TZID"] == zone
    assert (start.date(), start.time()) == (change_day, time(21, 0))
    assert start.utcoffset() == timedelta(hours=offset_after)
    # ... and a step spanning the change stays at 21:00 while its UTC offset moves
    doses = occurrences(first_across)
    assert len(doses) == 7
    assert {dose.time() for dose in doses} == {time(21, 0)}
    assert doses[0].utcoffset() == timedelta(hours=offset_before)
    assert doses[1].utcoffset() == timedelta(hours=offset_after)
    # Same-zone datetime subtraction is wall-clock in Python, so compare in UTC.
    elapsed = doses[1].astimezone(UTC) - doses[0].astimezone(UTC)
    assert elapsed == timedelta(hours=24 - (offset_after - offset_before))


def test_plan_to_ics_vtimezone_describes_both_offsets() -> None:
    plan = make_plan(
        plan_request(start_date=date(2026, 3, 28), time_zone="America/New_York"),
        [standard_protocol()],
        today=TODAY,
    )

    (timezone,) = render(plan).walk("VTIMEZONE")

    offsets = {
        (component.name, component.decoded("TZOFFSETTO")) for component in timezone.subcomponents
    }
    assert ("STANDARD", timedelta(hours=-5)) in offsets
    assert ("DAYLIGHT", timedelta(hours=-4)) in offsets


def test_plan_to_ics_is_deterministic_and_stamped_from_the_argument() -> None:
    # Arrange
    plan = make_plan(
        plan_request(findings=(opioid_finding(),)), [standard_protocol()], today=TODAY
    )
    stamp = datetime(2026, 2, 20, 9, 30, tzinfo=ZoneInfo("Europe/London"))

    # Act
    first = plan_to_ics(plan, title="Plan", url=URL)
    second = plan_to_ics(plan, title="Plan", url=URL)
    stamped = Calendar.from_ical(plan_to_ics(plan, title="Plan", url=URL, stamp=stamp))

    # Assert
    assert first == second
    assert b"DTSTAMP:20260301T000000Z" in first  # default: midnight UTC on the start date
    assert {event.decoded("DTSTAMP") for event in events(stamped)} == {
        datetime(2026, 2, 20, 9, 30, tzinfo=UTC)
    }


def test_plan_to_ics_with_naive_stamp_raises_value_error() -> None:
    plan = make_plan(plan_request(), [standard_protocol()], today=TODAY)

    with pytest.raises(ValueError, match="timezone-aware"):
        plan_to_ics(plan, title="Plan", url=None, stamp=datetime(2026, 3, 1, 12))


def test_plan_to_ics_of_stopped_plan_has_one_do_not_start_event() -> None:
    plan = make_plan(
        plan_request(findings=(transplant_finding(),)), [standard_protocol()], today=TODAY
    )

    (event,) = events(render(plan))

    assert str(event["SUMMARY"]) == "Do not start LDN: see your prescriber"
    assert event.decoded("DTSTART") == date(2026, 3, 1)
    assert "Organ transplant with immunosuppressive medicine" in str(event["DESCRIPTION"])


def test_plan_to_ics_repeats_prescriber_decision_in_every_description() -> None:
    # Arrange
    decision = "Dr Lee agreed on 2026-02-20; monthly checks with the transplant team."
    request = plan_request(
        findings=(transplant_finding(), opioid_finding(), surgery_finding(date(2026, 5, 1))),
        prescriber_decision=decision,
    )
    plan = make_plan(request, [standard_protocol()], today=TODAY)
    expected = plan.warnings[0].text

    # Act
    calendar = render(plan)

    # Assert
    assert expected.endswith(decision)
    assert expected in str(calendar["DESCRIPTION"])
    assert all(str(event["DESCRIPTION"]).startswith(expected) for event in events(calendar))


def test_plan_to_ics_cites_references_and_links_the_plan() -> None:
    plan = make_plan(plan_request(), [standard_protocol()], today=TODAY)

    calendar = render(plan)

    first = dose_events(calendar)[0]
    assert f"1. {R19.citation} {R19.url}" in str(first["DESCRIPTION"])
    assert "R19." not in str(first["DESCRIPTION"])  # internal keys never reach a person
    assert str(first["URL"]) == URL
    assert str(calendar["X-WR-CALNAME"]) == "My LDN start plan"


def test_plan_to_ics_without_url_or_label_names_the_therapy_from_its_slug() -> None:
    plan = make_plan(plan_request(), [standard_protocol()], today=TODAY)

    calendar = Calendar.from_ical(plan_to_ics(plan, title="Plan", url=None))

    first = dose_events(calendar)[0]
    assert str(first["SUMMARY"]) == "Low dose naltrexone 1.5 mg at bedtime"
    assert "URL" not in first and "URL" not in calendar


def test_plan_to_ics_in_utc_needs_no_vtimezone() -> None:
    plan = make_plan(plan_request(time_zone="UTC"), [standard_protocol()], today=TODAY)

    calendar = render(plan)

    assert calendar.walk("VTIMEZONE") == []
    assert dose_events(calendar)[0].decoded("DTSTART") == datetime(2026, 3, 1, 21, tzinfo=UTC)


def test_plan_to_ics_lines_are_crlf_and_folded_to_75_octets() -> None:
    request = plan_request(findings=(opioid_finding(), surgery_finding(date(2026, 5, 1))))
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    ics = plan_to_ics(plan, title="My LDN start plan", url=URL)

    lines = ics.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 and b"\n" not in line for line in lines)
