"""Tests of the start plan calculator (carechoices.plans.calculator)."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.plans.calculator import (
    MAX_DAYS_AFTER_TODAY,
    MAX_DAYS_BEFORE_TODAY,
    NoProtocol,
    PlanInputError,
    choose_protocol,
    make_plan,
    titrate,
)
from carechoices.plans.domain import InvalidProtocol

from .factories import (
    HASHIMOTOS,
    R1,
    R2,
    TODAY,
    hashimotos_finding,
    hashimotos_protocol,
    plan_request,
    standard_protocol,
    surgery_finding,
    transplant_finding,
    washout_finding,
)

D = Decimal


def doses(plan_steps: Any) -> list[Decimal]:
    return [step.dose_mg for step in plan_steps]


# --- protocol choice --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "protocol_names", "expected"),
    [
        pytest.param(frozenset(), ["standard", "hashimotos"], "standard", id="no-condition"),
        pytest.param(
            frozenset({HASHIMOTOS}), ["standard", "hashimotos"], "hashimotos", id="hashimotos"
        ),
        pytest.param(
            frozenset({HASHIMOTOS}), ["hashimotos", "standard"], "hashimotos", id="order-free"
        ),
        pytest.param(
            frozenset({"crohns-disease"}), ["standard", "hashimotos"], "standard", id="other"
        ),
        pytest.param(
            frozenset({HASHIMOTOS, "crohns-disease"}),
            ["standard", "crohns", "hashimotos"],
            "hashimotos",
            id="lowest-start-wins",
        ),
    ],
)
def test_choose_protocol_prefers_condition_then_lowest_start(
    conditions: frozenset[str], protocol_names: list[str], expected: str
) -> None:
    # Arrange
    available = {
        "standard": standard_protocol(name="standard"),
        "hashimotos": hashimotos_protocol(name="hashimotos"),
        "crohns": standard_protocol(
            name="crohns", condition="crohns-disease", start_dose_mg=D("1")
        ),
    }
    protocols = [available[name] for name in protocol_names]

    # Act
    chosen = choose_protocol(protocols, conditions)

    # Assert
    assert chosen.name == expected


@pytest.mark.parametrize(
    "protocols",
    [pytest.param([], id="none"), pytest.param([hashimotos_protocol()], id="only-condition")],
)
def test_make_plan_without_applicable_protocol_raises_no_protocol(protocols: list) -> None:
    with pytest.raises(NoProtocol) as error:
        make_plan(plan_request(), protocols, today=TODAY)

    assert error.value.therapy == "low-dose-naltrexone"


def test_make_plan_with_hashimotos_condition_starts_at_quarter_milligram() -> None:
    # Arrange
    request = plan_request(conditions=frozenset({HASHIMOTOS}), findings=(hashimotos_finding(),))

    # Act
    plan = make_plan(request, [standard_protocol(), hashimotos_protocol()], today=TODAY)

    # Assert
    assert plan.protocol.condition == HASHIMOTOS
    assert doses(plan.steps) == [D("0.25"), D("1.25"), D("2.25"), D("3.25"), D("4.25"), D("4.5")]
    assert [warning.rule for warning in plan.warnings] == ["ldn-hashimotos"]
    assert "thyroid hormone dose may need a quick reduction" in plan.warnings[0].text
    assert plan.warnings[0].severity == "caution"


# --- titration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "step", "target", "expected"),
    [
        pytest.param("1.5", "1", "4.5", ["1.5", "2.5", "3.5", "4.5"], id="standard"),
        pytest.param(
            "0.25", "1", "4.5", ["0.25", "1.25", "2.25", "3.25", "4.25", "4.5"], id="hashimotos"
        ),
        pytest.param("1.5", "1.5", "4.5", ["1.5", "3", "4.5"], id="exact-landing"),
        pytest.param("1.5", "3", "4", ["1.5", "4"], id="capped-jump"),
        pytest.param("4.5", "1", "4.5", ["4.5"], id="start-at-target"),
    ],
)
def test_titrate_steps_up_and_caps_at_target(
    start: str, step: str, target: str, expected: list[str]
) -> None:
    # Arrange
    protocol = standard_protocol(start_dose_mg=D(start), step_mg=D(step), target_mg=D(target))

    # Act
    steps = titrate(protocol, date(2026, 3, 1))

    # Assert
    assert doses(steps) == [D(dose) for dose in expected]
    assert steps[-1].end is None
    assert all(step.end is not None for step in steps[:-1])


def test_make_plan_standard_protocol_dates_each_weekly_step() -> None:
    # Act
    plan = make_plan(plan_request(), [standard_protocol()], today=TODAY)

    # Assert
    assert [(step.start, step.end, step.dose_mg) for step in plan.steps] == [
        (date(2026, 3, 1), date(2026, 3, 7), D("1.5")),
        (date(2026, 3, 8), date(2026, 3, 14), D("2.5")),
        (date(2026, 3, 15), date(2026, 3, 21), D("3.5")),
        (date(2026, 3, 22), None, D("4.5")),
    ]
    assert {step.timing for step in plan.steps} == {"at bedtime"}
    assert all(step.references == (R1,) for step in plan.steps)
    assert plan.holds == () and plan.warnings == () and not plan.stopped


@settings(max_examples=300, deadline=None, database=None)
@given(
    start=st.decimals(min_value=D("0.05"), max_value=D("10"), places=2),
    step=st.decimals(min_value=D("0.05"), max_value=D("5"), places=2),
    extra=st.decimals(min_value=D("0"), max_value=D("5"), places=2),
    interval_days=st.integers(min_value=1, max_value=28),
)
def test_titrate_never_exceeds_target_for_any_protocol(
    start: Decimal, step: Decimal, extra: Decimal, interval_days: int
) -> None:
    # Arrange
    target = start + extra
    protocol = standard_protocol(
        start_dose_mg=start, step_mg=step, target_mg=target, interval_days=interval_days
    )
    first_dose = date(2026, 3, 1)

    # Act
    steps = titrate(protocol, first_dose)

    # Assert: capped, rising by at most one step, ending open at the target, no gaps
    assert all(entry.dose_mg <= target for entry in steps)
    assert steps[0].dose_mg == start and steps[-1].dose_mg == target and steps[-1].end is None
    for before, after in zip(steps, steps[1:], strict=False):
        assert before.dose_mg < after.dose_mg <= before.dose_mg + step
        assert before.end is not None and after.start == before.end + timedelta(days=1)
        assert (before.end - before.start).days + 1 == interval_days


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"step_mg": D("0")}, id="zero-step"),
        pytest.param({"start_dose_mg": D("0")}, id="zero-start"),
        pytest.param({"target_mg": D("1")}, id="target-below-start"),
        pytest.param({"interval_days": 0}, id="zero-interval"),
        pytest.param({"step_mg": D("0.01")}, id="too-many-steps"),
        pytest.param({"start_dose_mg": "lots"}, id="not-a-number"),
    ],
)
def test_dosing_protocol_with_unusable_figures_raises_invalid_protocol(
    changes: dict[str, Any],
) -> None:
    with pytest.raises(InvalidProtocol):
        standard_protocol(**changes)


def test_dosing_protocol_given_strings_stores_decimals() -> None:
    protocol = standard_protocol(start_dose_mg="1.5", step_mg=1, target_mg="4.50", condition=" ")

    assert protocol.start_dose_mg == D("1.5") and isinstance(protocol.step_mg, Decimal)
    assert protocol.condition is None


# --- opioid wash-out --------------------------------------------------------------------------


def test_make_plan_with_opioid_washout_holds_for_max_days_before_first_dose() -> None:
    # Arrange
    request = plan_request(findings=(washout_finding(),))

    # Act
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Assert
    (hold,) = plan.holds
    assert (hold.kind, hold.start, hold.end) == ("washout", date(2026, 3, 1), date(2026, 3, 14))
    assert plan.first_dose_date == date(2026, 3, 15)
    assert doses(plan.steps) == [D("1.5"), D("2.5"), D("3.5"), D("4.5")]
    assert hold.references == (R2,)
    assert "physician" in hold.reason and "non-opioid" in hold.reason
    assert not plan.stopped and plan.warnings == ()


def test_make_plan_with_later_earliest_start_waits_for_it() -> None:
    request = plan_request(findings=(washout_finding(earliest_start=date(2026, 3, 20)),))

    plan = make_plan(request, [standard_protocol()], today=TODAY)

    assert plan.holds[0].end == date(2026, 3, 19)
    assert plan.first_dose_date == date(2026, 3, 20)


# --- surgery ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure_date", "expected_steps", "hold_start"),
    [
        pytest.param(
            date(2026, 3, 20),
            [
                (date(2026, 3, 1), date(2026, 3, 7), D("1.5")),
                (date(2026, 3, 8), date(2026, 3, 14), D("2.5")),
                (date(2026, 3, 15), date(2026, 3, 17), D("3.5")),
            ],
            date(2026, 3, 18),
            id="during-titration",
        ),
        pytest.param(
            date(2026, 5, 1),
            [
                (date(2026, 3, 1), date(2026, 3, 7), D("1.5")),
                (date(2026, 3, 8), date(2026, 3, 14), D("2.5")),
                (date(2026, 3, 15), date(2026, 3, 21), D("3.5")),
                (date(2026, 3, 22), date(2026, 4, 28), D("4.5")),
            ],
            date(2026, 4, 29),
            id="after-titration",
        ),
        pytest.param(
            date(2026, 3, 10),
            [
                (date(2026, 3, 1), date(2026, 3, 7), D("1.5")),
            ],
            date(2026, 3, 8),
            id="on-step-boundary",
        ),
    ],
)
def test_make_plan_with_surgery_cuts_steps_at_earliest_stop(
    procedure_date: date, expected_steps: list[tuple[date, date, Decimal]], hold_start: date
) -> None:
    # Arrange
    request = plan_request(findings=(surgery_finding(procedure_date),))

    # Act
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Assert
    assert [(step.start, step.end, step.dose_mg) for step in plan.steps] == expected_steps
    (hold,) = plan.holds
    assert (hold.kind, hold.start, hold.end) == ("surgery", hold_start, None)
    assert hold.restart_condition == "when your physician clears it"
    assert hold.procedure_date == procedure_date
    assert all(step.end is not None and step.end < hold.start for step in plan.steps)
    assert any("prescriber to decide" in warning.text for warning in plan.warnings)


def test_make_plan_with_surgery_during_washout_schedules_no_doses() -> None:
    # Arrange
    request = plan_request(findings=(washout_finding(), surgery_finding(date(2026, 3, 10))))

    # Act
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Assert
    assert plan.steps == ()
    assert [(hold.kind, hold.start, hold.end) for hold in plan.holds] == [
        ("washout", date(2026, 3, 1), date(2026, 3, 14)),
        ("surgery", date(2026, 3, 8), None),
    ]
    assert any("schedules no doses" in warning.text for warning in plan.warnings)
    assert not plan.stopped


def test_make_plan_with_surgery_right_after_start_holds_from_start_date() -> None:
    # The stop would fall before the plan begins; the hold cannot start earlier than the plan.
    request = plan_request(findings=(surgery_finding(date(2026, 3, 1)),))

    plan = make_plan(request, [standard_protocol()], today=TODAY)

    assert plan.steps == ()
    assert plan.holds[0].start == date(2026, 3, 1)


def test_make_plan_with_two_surgeries_stops_for_the_first_and_warns_of_the_second() -> None:
    # Arrange
    later, sooner = date(2026, 6, 1), date(2026, 3, 20)
    request = plan_request(findings=(surgery_finding(later), surgery_finding(sooner)))

    # Act
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Assert
    (hold,) = plan.holds
    assert hold.procedure_date == sooner
    assert any("2026-06-01" in warning.text for warning in plan.warnings)


@pytest.mark.parametrize(
    ("procedure_dates", "field"),
    [
        pytest.param([date(2026, 2, 27)], "procedures[0].date", id="only"),
        pytest.param([date(2026, 4, 1), date(2026, 2, 27)], "procedures[1].date", id="second"),
    ],
)
def test_make_plan_with_surgery_before_start_raises_input_error(
    procedure_dates: list[date], field: str
) -> None:
    request = plan_request(findings=tuple(surgery_finding(day) for day in procedure_dates))

    with pytest.raises(PlanInputError) as error:
        make_plan(request, [standard_protocol()], today=TODAY)

    assert error.value.field == field
    assert "2026-02-27" in error.value.message


# --- avoid findings and the prescriber's decision ---------------------------------------------


def test_make_plan_with_transplant_finding_stops_the_plan() -> None:
    # Arrange
    request = plan_request(findings=(transplant_finding(), hashimotos_finding()))

    # Act
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Assert
    assert plan.stopped
    assert plan.steps == () and plan.holds == ()
    assert plan.stop_reason is not None
    assert "Organ transplant with immunosuppressive medicine" in plan.stop_reason
    assert [warning.severity for warning in plan.warnings] == ["avoid", "caution"]
    body = plan.to_json()
    assert body["stopped"] is True and body["steps"] == [] and body["stop_reason"]


@pytest.mark.parametrize("decision", [None, "", "   "])
def test_make_plan_with_blank_prescriber_decision_still_stops(decision: str | None) -> None:
    request = plan_request(findings=(transplant_finding(),), prescriber_decision=decision)

    plan = make_plan(request, [standard_protocol()], today=TODAY)

    assert plan.stopped and plan.prescriber_decision is None


def test_make_plan_with_prescriber_decision_proceeds_and_records_it_first() -> None:
    # Arrange
    decision = "Dr Lee, transplant team, agreed on 2026-02-20 to try it with monthly checks."
    request = plan_request(
        findings=(hashimotos_finding(), transplant_finding()), prescriber_decision=decision
    )

    # Act
    plan = make_plan(request, [standard_protocol()], today=TODAY)

    # Assert
    assert not plan.stopped and plan.stop_reason is None
    assert doses(plan.steps) == [D("1.5"), D("2.5"), D("3.5"), D("4.5")]
    top = plan.warnings[0]
    assert top.text == (
        "Your prescriber decided to proceed despite: "
        f"Organ transplant with immunosuppressive medicine — {decision}"
    )
    assert top.prescriber_decision and top.references == (R2,)
    body = plan.to_json()
    assert body["prescriber_decision"] == decision
    assert body["warnings"][0]["text"] == top.text


def test_make_plan_with_opioid_avoid_finding_does_not_stop_because_timing_resolves_it() -> None:
    plan = make_plan(
        plan_request(findings=(washout_finding(),)), [standard_protocol()], today=TODAY
    )

    assert not plan.stopped and plan.steps


# --- input errors -----------------------------------------------------------------------------


def _finding_with(**changes: Any) -> dict[str, Any]:
    finding = surgery_finding(date(2026, 4, 1))
    finding["dates"] = {**finding["dates"], **changes.pop("dates", {})}
    finding.update(changes)
    return finding


@pytest.mark.parametrize(
    ("request_changes", "field"),
    [
        pytest.param({"time_zone": "Mars/Olympus_Mons"}, "time_zone", id="unknown-zone"),
        pytest.param({"time_zone": "europe/london"}, "time_zone", id="wrong-case-zone"),
        pytest.param({"time_zone": ""}, "time_zone", id="empty-zone"),
        pytest.param({"time_zone": "localtime"}, "time_zone", id="machine-zone"),
        pytest.param({"time_zone": "../../etc/passwd"}, "time_zone", id="path-zone"),
        pytest.param(
            {"start_date": TODAY - timedelta(days=MAX_DAYS_BEFORE_TODAY + 1)},
            "start_date",
            id="too-long-ago",
        ),
        pytest.param(
            {"start_date": TODAY + timedelta(days=MAX_DAYS_AFTER_TODAY + 1)},
            "start_date",
            id="too-far-ahead",
        ),
        pytest.param(
            {"dose_time": time(21, 0, tzinfo=ZoneInfo("Europe/London"))},
            "dose_time",
            id="zoned-dose-time",
        ),
        pytest.param({"prescriber_decision": "x" * 1001}, "prescriber_decision", id="long"),
        pytest.param(
            {"findings": (_finding_with(severity="serious"),)},
            "findings[0].severity",
            id="bad-severity",
        ),
        pytest.param(
            {"findings": (_finding_with(dates={"procedure_date": "1 April"}),)},
            "findings[0].dates.procedure_date",
            id="bad-date",
        ),
        pytest.param(
            {"findings": (_finding_with(dates={"restart": ""}),)},
            "findings[0].dates.restart",
            id="no-restart",
        ),
        pytest.param(
            {"findings": (washout_finding(), _finding_with(references=[{"citation": "x"}]))},
            "findings[1].references[0].id",
            id="reference-without-id",
        ),
        pytest.param({"findings": ("avoid",)}, "findings[0]", id="not-an-object"),
    ],
)
def test_make_plan_with_bad_input_raises_input_error_naming_the_field(
    request_changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(PlanInputError) as error:
        make_plan(plan_request(**request_changes), [standard_protocol()], today=TODAY)

    assert error.value.field == field
    assert error.value.message


@pytest.mark.parametrize(
    "start_date",
    [
        pytest.param(TODAY - timedelta(days=MAX_DAYS_BEFORE_TODAY), id="oldest"),
        pytest.param(TODAY + timedelta(days=MAX_DAYS_AFTER_TODAY), id="latest"),
    ],
)
def test_make_plan_accepts_start_dates_at_the_limits(start_date: date) -> None:
    plan = make_plan(plan_request(start_date=start_date), [standard_protocol()], today=TODAY)

    assert plan.first_dose_date == start_date


def test_make_plan_without_today_uses_the_clock() -> None:
    plan = make_plan(plan_request(start_date=date.today()), [standard_protocol()])

    assert plan.start_date == date.today()


# --- JSON -------------------------------------------------------------------------------------


def test_plan_to_json_uses_iso_dates_numbers_and_unique_references() -> None:
    # Arrange
    request = plan_request(
        findings=(washout_finding(), surgery_finding(date(2026, 5, 1)), hashimotos_finding())
    )
    plan = make_plan(request, [standard_protocol(target_mg=D("4.50"))], today=TODAY)

    # Act
    body = json.loads(json.dumps(plan.to_json()))

    # Assert
    assert set(body) == {
        "therapy", "time_zone", "start_date", "first_dose_date", "dose_time", "protocol",
        "steps", "holds", "warnings", "references", "stopped", "stop_reason",
        "prescriber_decision",
    }  # fmt: skip
    assert body["therapy"] == "low-dose-naltrexone" and body["time_zone"] == "Europe/London"
    assert [step["dose_mg"] for step in body["steps"]] == [1.5, 2.5, 3.5, 4.5]
    assert body["protocol"]["target_mg"] == 4.5 and body["protocol"]["step_mg"] == 1
    assert body["steps"][0] | {"note": None, "references": None} == {
        "start": "2026-03-15", "end": "2026-03-21", "dose_mg": 1.5, "timing": "at bedtime",
        "note": None, "references": None,
    }  # fmt: skip
    assert body["steps"][-1]["end"] == "2026-04-28"
    assert [hold["end"] for hold in body["holds"]] == ["2026-03-14", None]
    assert [reference["id"] for reference in body["references"]] == ["R1", "R2"]
    assert body["stopped"] is False and body["stop_reason"] is None


def test_choose_protocol_prefers_smaller_step_when_starts_tie():
    from tests.unit.plans.factories import standard_protocol

    weekly_1mg = standard_protocol(name="Z: 1 mg steps")
    three_steps = standard_protocol(name="A: 1.5 mg steps", step_mg=Decimal("1.5"))
    for order in ([weekly_1mg, three_steps], [three_steps, weekly_1mg]):
        assert choose_protocol(order, frozenset()).name == "Z: 1 mg steps"
