"""Render a start plan as an iCalendar (RFC 5545) file a person can import.

What the calendar holds (it dates only what the plan dates):

* a step with a fixed first day: one timed event at the dose time in the person's zone (with its
  TZID and a VTIMEZONE), repeating daily for the days the step certainly lasts (the shortest
  duration the source gives, cut short by a stop for surgery), ``RRULE:FREQ=DAILY;COUNT=<n>``;
  an open-ended step gets a single, non-repeating event: how long to stay on it is for the
  prescriber;
* a step whose first day is a range (the step before it lasts 7–14 days): one all-day event
  spanning the days it may begin, saying the prescriber decides the day within it;
* an undated plan (waiting for an opioid to leave the body) has no dose events at all;
* holds: the opioid wean spans its days up to its latest end; the wait for an opioid to clear
  is one all-day event on its first day (no end is dated); a stop for surgery is an all-day
  event on the day it begins plus a restart reminder the day after the procedure;
* a stopped plan: a single all-day event on the requested start date saying not to start.

Output is deterministic: UIDs are hashes of each event's content and ``DTSTAMP`` comes from
the ``stamp`` argument (default: midnight UTC on the plan's start date), so the same plan
always gives the same bytes and a re-import updates events instead of duplicating them.
Any prescriber decision is repeated in the calendar description and in every event.
Descriptions use human dates; references are numbered, never shown by their internal keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vText
from icalendar.enums import TRANSP

from carechoices.plans.domain import (
    Hold,
    Plan,
    ReferenceInfo,
    TitrationStep,
    format_dose,
    unique_references,
)
from carechoices.screening.wording import days_phrase, human_date, human_date_range

PRODID = "-//CareChoices//Personal start plan//EN"
UID_DOMAIN = "plans.carechoices"


def plan_to_ics(
    plan: Plan,
    *,
    title: str,
    url: str | None,
    label: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """Return the plan as an ``.ics`` file (UTF-8 bytes, CRLF line endings).

    Args:
        plan: the computed plan.
        title: the calendar's name, e.g. "Low-dose naltrexone: my start plan".
        url: the plan's web page, linked from every event; ``None`` to leave it out.
        label: how events name the therapy, e.g. "LDN" (default: from the therapy slug).
        stamp: the ``DTSTAMP`` of every event, a timezone-aware datetime (default: midnight
            UTC on the plan's start date, so output is reproducible).

    Raises:
        ValueError: if ``stamp`` has no time zone.
    """
    if stamp is None:
        stamp = datetime.combine(plan.start_date, time(0), tzinfo=UTC)
    elif stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be a timezone-aware datetime")
    renderer = _Renderer(
        plan=plan,
        label=label or _label_from_slug(plan.therapy),
        url=url,
        stamp=stamp.astimezone(UTC),
    )
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    # Added by hand rather than through icalendar's calendar_name/description setters: in
    # icalendar 7.3 those write the X-WR-* twins unescaped, and a newline there is rejected.
    description = renderer.calendar_description()
    calendar.add("NAME", title)
    calendar.add("X-WR-CALNAME", vText(title))
    calendar.add("DESCRIPTION", description)
    calendar.add("X-WR-CALDESC", vText(description))
    calendar.add("X-WR-TIMEZONE", plan.time_zone)
    if url:
        calendar.add("URL", url)
    events = renderer.events()
    for event in events:
        calendar.add_component(event)
    # A VTIMEZONE only needs to cover the plan's own dates (plus a margin either side).
    days = [_event_day(event) for event in events] or [plan.start_date]
    calendar.add_missing_timezones(
        first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=732)
    )
    return calendar.to_ical()


class _Renderer:
    """Builds the events of one plan; keeps the shared texts in one place."""

    def __init__(self, *, plan: Plan, label: str, url: str | None, stamp: datetime) -> None:
        self.plan = plan
        self.label = label
        self.url = url
        self.stamp = stamp
        self.zone = ZoneInfo(plan.time_zone)

    def events(self) -> list[Event]:
        if self.plan.stopped:
            return [self._stopped_event()]
        events = [event for step in self.plan.steps if (event := self._step_event(step)) is not None]
        for hold in self.plan.holds:
            events.append(self._hold_event(hold))
            if hold.kind == "surgery" and hold.procedure_date is not None:
                events.append(self._restart_event(hold, hold.procedure_date))
        return sorted(events, key=lambda event: (_event_day(event), str(event["UID"])))

    def calendar_description(self) -> str:
        lines = [
            f"Personal start plan for {self.label} ({self.plan.protocol.name}).",
            *self._decision_lines(),
        ]
        if self.plan.stopped and self.plan.stop_reason:
            lines.append(self.plan.stop_reason)
        if not self.plan.stopped and self.plan.first_dose_date is None and self.plan.first_dose_note:
            lines.append(f"First dose: not dated, {self.plan.first_dose_note}.")
        lines.extend(
            warning.text for warning in self.plan.warnings if not warning.prescriber_decision
        )
        if self.url:
            lines.append(f"Full plan: {self.url}")
        return "\n".join(lines)

    # --- events ---------------------------------------------------------------------------

    def _step_event(self, step: TitrationStep) -> Event | None:
        if step.start is None:
            return None  # an undated plan puts no doses in the calendar
        dose = f"{format_dose(step.dose_mg)} mg"
        total = len(self.plan.steps)
        if step.open_ended:
            lasts = "every day from then on, until your prescriber tells you otherwise"
        else:
            assert step.min_days is not None and step.max_days is not None
            lasts = f"every day for {days_phrase(step.min_days, step.max_days)}, as your prescriber decides"
        if step.ends_before is not None:
            lasts += f"; take none from {human_date(step.ends_before)} (surgery)"
        if step.latest_start is not None and step.latest_start != step.start:
            summary = f"{self.label}: move to {dose} {step.timing} on one of these days".strip()
            heading = (
                f"Step {step.number} of {total}: {dose} {step.timing}, starting on a day between "
                f"{human_date_range(step.start, step.latest_start)} that you agree with your "
                f"prescriber, then {lasts}."
            )
            return self._event(
                key=("step-window", str(step.number), step.start.isoformat(), str(step.dose_mg)),
                summary=summary,
                start=step.start,
                end=step.latest_start + timedelta(days=1),
                description=self._description([heading, step.note], step.references),
            )
        summary = f"{self.label} {dose} {step.timing}".strip()
        heading = (
            f"Step {step.number} of {total}: {dose} {step.timing} from {human_date(step.start)}, {lasts}. "
            f"The reminder is set for {self.plan.dose_time.strftime('%H:%M')}; take the dose "
            f"{step.timing or 'as prescribed'}."
        )
        event = self._event(
            key=("step", str(step.number), step.start.isoformat(), str(step.dose_mg)),
            summary=summary,
            start=datetime.combine(step.start, self.plan.dose_time, tzinfo=self.zone),
            end=None,
            description=self._description([heading, step.note], step.references),
        )
        count = self._certain_days(step)
        if count is not None and count > 1:
            event.add("RRULE", {"FREQ": "DAILY", "COUNT": count})
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", summary)
        alarm.add("TRIGGER", timedelta(0))
        event.add_component(alarm)
        return event

    @staticmethod
    def _certain_days(step: TitrationStep) -> int | None:
        """Days the step surely lasts: its shortest duration, cut by a stop for surgery."""
        assert step.start is not None
        days = step.min_days
        if step.ends_before is not None:
            before_stop = (step.ends_before - step.start).days
            days = before_stop if days is None else min(days, before_stop)
        return days

    def _hold_event(self, hold: Hold) -> Event:
        if hold.kind == "opioid-wean":
            summary = f"No {self.label} yet: slow wean off opioids with your physician"
            last_day = hold.latest_end or hold.end or hold.start
        elif hold.kind == "opioid-clearance":
            summary = f"No {self.label} until the opioid has left your body: ask your prescriber when"
            last_day = hold.end or hold.start
        else:
            when = "" if hold.procedure_date is None else f" on {human_date(hold.procedure_date)}"
            summary = f"Stop {self.label} from today: surgery{when}"
            last_day = hold.start
        lines = [hold.reason]
        if hold.restart_condition:
            lines.append(f"Restart: {hold.restart_condition}.")
        return self._event(
            key=("hold", hold.kind, hold.start.isoformat(), str(hold.end), str(hold.latest_end)),
            summary=summary,
            start=hold.start,
            end=last_day + timedelta(days=1),
            description=self._description(lines, hold.references),
        )

    def _restart_event(self, hold: Hold, procedure_date: date) -> Event:
        condition = hold.restart_condition or "when your physician says so"
        return self._event(
            key=("restart", procedure_date.isoformat(), condition),
            summary=f"{self.label} stays stopped: ask your physician before taking it again",
            start=procedure_date + timedelta(days=1),
            end=procedure_date + timedelta(days=2),
            description=self._description(
                [
                    f"A reminder, not a restart date: {self.label} stays stopped after the "
                    f"procedure. Restart only {condition}. The restart dose and pace are your "
                    "prescriber's decision."
                ],
                hold.references,
            ),
        )

    def _stopped_event(self) -> Event:
        lines = [self.plan.stop_reason or "This plan was stopped."]
        lines.extend(warning.text for warning in self.plan.warnings)
        return self._event(
            key=("stopped", self.plan.start_date.isoformat()),
            summary=f"Do not start {self.label}: see your prescriber",
            start=self.plan.start_date,
            end=self.plan.start_date + timedelta(days=1),
            description=self._description(
                lines, [r for w in self.plan.warnings for r in w.references]
            ),
        )

    def _event(
        self,
        *,
        key: tuple[str, ...],
        summary: str,
        start: date | datetime,
        end: date | None,
        description: str,
    ) -> Event:
        event = Event()
        event.add("UID", self._uid(key))
        event.add("DTSTAMP", self.stamp)
        event.add("DTSTART", start)
        if end is not None:
            event.add("DTEND", end)
        event.add("SUMMARY", summary)
        event.add("DESCRIPTION", description)
        event.add("TRANSP", TRANSP.TRANSPARENT)  # reminders should not block busy time
        if self.url:
            event.add("URL", self.url)
        return event

    # --- texts ----------------------------------------------------------------------------

    def _uid(self, key: tuple[str, ...]) -> str:
        material = "\x1f".join(
            (self.plan.therapy, self.plan.time_zone, self.plan.dose_time.isoformat(), *key)
        )
        digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
        return f"{digest}@{UID_DOMAIN}"

    def _decision_lines(self) -> list[str]:
        return [warning.text for warning in self.plan.prescriber_decision_warnings]

    def _description(self, lines: Iterable[str], references: Iterable[ReferenceInfo]) -> str:
        # The prescriber's decision goes first in every event, so no event can be read alone
        # without it.
        parts = [*self._decision_lines(), *(line for line in lines if line)]
        cited = unique_references([references])
        if cited:
            parts.append("References:")
            parts.extend(
                f"{number}. {ref.citation}" + (f" {ref.url}" if ref.url else "")
                for number, ref in enumerate(cited, start=1)
            )
        if self.url:
            parts.append(f"Full plan: {self.url}")
        return "\n".join(parts)


def _event_day(event: Event) -> date:
    start = event.decoded("DTSTART")
    return start.date() if isinstance(start, datetime) else start


def _label_from_slug(slug: str) -> str:
    words = slug.replace("-", " ").strip()
    return words[:1].upper() + words[1:]
