"""The start plan calculator: schedules exactly as one source gives them, and nothing invented."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carechoices.plans.calculator import NoProtocol, PlanInputError, choose_protocol, make_plan
from carechoices.plans.domain import DosingProtocol, InvalidProtocol, ScheduleStep

from .factories import (
    HASHIMOTOS,
    LDN_PROTOCOLS,
    R1,
    SOURCE_DOSES,
    TODAY,
    hashimotos_finding,
    hashimotos_protocol,
    opioid_finding,
    plan_request,
    schedule_a,
    schedule_b,
    surgery_finding,
    transplant_finding,
)


def plan(**changes):
    today = changes.pop("today", TODAY)
    protocols = changes.pop("protocols", LDN_PROTOCOLS)
    return make_plan(plan_request(**changes), protocols, today=today)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


# --------------------------------------------------------------------------- choosing


def test_default_protocol_is_the_fully_stated_schedule() -> None:
    result = plan()

    assert result.protocol.protocol_id == "three-step-schedule"
    assert [step.dose_mg for step in result.steps] == [Decimal("1.5"), Decimal("3"), Decimal("4.5")]


def test_condition_protocol_wins_for_that_condition() -> None:
    result = plan(conditions=frozenset({HASHIMOTOS}))

    assert result.protocol.protocol_id == "hashimotos-lowest-start"
    assert [(s.dose_mg, s.open_ended) for s in result.steps] == [(Decimal("0.25"), True)]


def test_choose_protocol_by_id_and_refuses_another_conditions_protocol() -> None:
    assert choose_protocol(LDN_PROTOCOLS, (), protocol_id="weekly-1-mg-steps").protocol_id == "weekly-1-mg-steps"
    with pytest.raises(PlanInputError) as error:
        choose_protocol(LDN_PROTOCOLS, (), protocol_id="hashimotos-lowest-start")
    assert error.value.field == "protocol"
    with pytest.raises(PlanInputError, match="is not a protocol"):
        choose_protocol(LDN_PROTOCOLS, (), protocol_id="made-up")


def test_choose_protocol_does_not_depend_on_order() -> None:
    assert choose_protocol(LDN_PROTOCOLS[::-1], ()).protocol_id == choose_protocol(LDN_PROTOCOLS, ()).protocol_id


def test_no_applicable_protocol_raises_no_protocol() -> None:
    with pytest.raises(NoProtocol):
        plan(protocols=(hashimotos_protocol(),))


# --------------------------------------------------------------------------- schedules as stated


def test_ranges_stay_ranges_and_both_ends_are_dated() -> None:
    result = plan()

    first, second, third = result.steps
    assert (first.start, first.latest_start, first.min_days, first.max_days) == (TODAY, TODAY, 7, 14)
    # Step 2 begins after 7–14 days on step 1: day 8 to day 15.
    assert (second.first_day, second.last_first_day) == (8, 15)
    assert (second.start, second.latest_start) == (days(7), days(14))
    # Step 3 begins after 14–28 days: day 15 to day 29; it is open-ended.
    assert (third.first_day, third.last_first_day) == (15, 29)
    assert (third.start, third.latest_start) == (days(14), days(28))
    assert third.open_ended and result.first_dose_date == TODAY


def test_no_protocol_joins_two_sources_there_is_no_2_5_mg_step() -> None:
    doses = {step.dose_mg for step in plan().steps}

    assert Decimal("2.5") not in doses and Decimal("3.5") not in doses


def test_stepwise_protocol_needs_the_prescribers_start_dose() -> None:
    with pytest.raises(PlanInputError) as error:
        plan(protocol_id="weekly-1-mg-steps")

    assert error.value.field == "start_dose_mg"
    assert "does not say which dose to start at" in error.value.message


def test_stepwise_protocol_from_the_prescribers_start_dose() -> None:
    result = plan(protocol_id="weekly-1-mg-steps", start_dose_mg=Decimal("1"))

    assert [s.dose_mg for s in result.steps] == [Decimal(d) for d in ("1", "2", "3", "4", "4.5")]
    assert all((s.min_days, s.max_days) == (7, 7) for s in result.steps[:-1])
    assert [s.start for s in result.steps] == [days(7 * n) for n in range(5)]
    assert result.start_dose_mg == Decimal("1")


def test_start_dose_for_a_fully_stated_schedule_is_refused() -> None:
    with pytest.raises(PlanInputError, match="gives its own doses"):
        plan(start_dose_mg=Decimal("1"))


@pytest.mark.parametrize("start", ["0", "5", "-1"])
def test_stepwise_start_dose_out_of_range_is_refused(start: str) -> None:
    with pytest.raises(PlanInputError) as error:
        plan(protocol_id="weekly-1-mg-steps", start_dose_mg=Decimal(start))
    assert error.value.field == "start_dose_mg"


@given(
    start=st.decimals(min_value=Decimal("0.25"), max_value=Decimal("4.5"), places=2),
    step=st.decimals(min_value=Decimal("0.25"), max_value=Decimal("2"), places=2),
)
@example(start=Decimal("1.5"), step=Decimal("1"))
def test_stepwise_schedule_never_passes_target_and_follows_its_rule(start: Decimal, step: Decimal) -> None:
    protocol = schedule_b(step_mg=step)

    schedule = protocol.schedule(start)

    doses = [s.dose_mg for s in schedule]
    assert doses[0] == start and doses[-1] == Decimal("4.5") and max(doses) == Decimal("4.5")
    for before, after in zip(doses, doses[1:], strict=False):
        assert after == min(before + step, Decimal("4.5"))


@pytest.mark.parametrize("conditions", [frozenset(), frozenset({HASHIMOTOS})])
def test_every_dated_dose_appears_in_its_protocols_cited_schedule(conditions) -> None:
    result = plan(conditions=conditions, findings=(surgery_finding(days(40)),))

    stated = SOURCE_DOSES[result.protocol.protocol_id]
    assert {step.dose_mg for step in result.steps} <= stated
    assert set(result.protocol.stated_doses) == stated


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"steps": (ScheduleStep(Decimal("1.5")), ScheduleStep(Decimal("3")))}, "only the last step"),
        ({"steps": (ScheduleStep(Decimal("1.5"), 7, 14),)}, "last step of a schedule continues"),
        ({"steps": (), "step_mg": None}, "either steps or"),
    ],
)
def test_dosing_protocol_with_unusable_figures_raises(changes, message) -> None:
    with pytest.raises(InvalidProtocol, match=message):
        schedule_a(**changes)


def test_schedule_step_needs_both_days_or_neither() -> None:
    with pytest.raises(InvalidProtocol):
        ScheduleStep(Decimal("1.5"), 7, None)
    with pytest.raises(InvalidProtocol):
        ScheduleStep(Decimal("1.5"), 14, 7)


# --------------------------------------------------------------------------- opioids


def test_opioid_without_answers_dates_no_dose_and_says_why() -> None:
    result = plan(findings=(opioid_finding(),))

    assert result.first_dose_date is None
    assert all(step.start is None for step in result.steps)
    assert "left your body" in (result.first_dose_note or "")
    (hold,) = result.holds
    assert hold.kind == "opioid-clearance" and hold.start == TODAY and hold.end is None
    assert any("10–14 days" in w.text and "tell us whether you do" in w.text for w in result.warnings)


def test_daily_opioid_pain_medicine_shows_the_wean_dated_at_both_ends() -> None:
    result = plan(findings=(opioid_finding(),), daily_opioid_pain_medicine=True)

    wean, clearance = result.holds
    assert wean.kind == "opioid-wean"
    assert (wean.start, wean.end, wean.latest_end) == (TODAY, days(9), days(13))
    assert clearance.kind == "opioid-clearance" and clearance.start == days(14) and clearance.end is None
    assert result.first_dose_date is None


def test_no_daily_opioid_means_no_wean_only_the_wait() -> None:
    result = plan(findings=(opioid_finding(),), daily_opioid_pain_medicine=False)

    assert [hold.kind for hold in result.holds] == ["opioid-clearance"]


def test_prescriber_confirmed_opioid_free_date_dates_the_first_dose() -> None:
    result = plan(findings=(opioid_finding(),), opioid_free_from=days(20), daily_opioid_pain_medicine=True)

    assert result.first_dose_date == days(20) == result.steps[0].start
    (hold,) = result.holds
    assert (hold.kind, hold.start, hold.end) == ("opioid-clearance", TODAY, days(19))


def test_opioid_free_date_already_reached_starts_on_the_start_date() -> None:
    result = plan(findings=(opioid_finding(),), opioid_free_from=TODAY - timedelta(days=3))

    assert result.first_dose_date == TODAY and result.holds == ()


def test_no_plan_for_any_opioid_dates_a_day_15_start() -> None:
    for answer in (None, True, False):
        result = plan(findings=(opioid_finding(),), daily_opioid_pain_medicine=answer)
        assert result.first_dose_date is None
        assert all(step.start is None for step in result.steps)


# --------------------------------------------------------------------------- surgery


def test_surgery_cuts_steps_at_the_earlier_stop_day() -> None:
    result = plan(findings=(surgery_finding(days(10)),))

    assert [step.dose_mg for step in result.steps] == [Decimal("1.5"), Decimal("3")]
    assert all(step.ends_before == days(8) for step in result.steps)
    assert result.steps[1].latest_start == days(7)
    (hold,) = result.holds
    assert (hold.kind, hold.start, hold.end, hold.procedure_date) == ("surgery", days(8), None, days(10))
    assert any("Restart only when your physician clears it" in w.text for w in result.warnings)


def test_surgery_before_any_dose_schedules_none_and_says_so() -> None:
    result = plan(findings=(surgery_finding(days(1)),))

    assert result.steps == () and result.first_dose_date is None
    assert any("dates no doses" in w.text for w in result.warnings)


def test_surgery_with_undated_first_dose_still_dates_the_stop() -> None:
    result = plan(findings=(opioid_finding(), surgery_finding(days(30))))

    assert result.first_dose_date is None
    assert any(h.kind == "surgery" and h.start == days(28) for h in result.holds)
    assert any("take none from" in w.text for w in result.warnings)


def test_two_surgeries_stop_for_the_first_and_warn_of_the_second() -> None:
    result = plan(findings=(surgery_finding(days(40)), surgery_finding(days(20))))

    assert [h.procedure_date for h in result.holds] == [days(20)]
    assert any("Another procedure" in w.text for w in result.warnings)


def test_surgery_before_the_start_date_is_an_input_error() -> None:
    with pytest.raises(PlanInputError) as error:
        plan(start_date=days(5), findings=(surgery_finding(days(2)),))
    assert error.value.field == "procedures[0].date"


# --------------------------------------------------------------------------- avoid and decisions


def test_transplant_finding_stops_the_plan() -> None:
    result = plan(findings=(transplant_finding(), hashimotos_finding()))

    assert result.stopped and result.steps == () and result.holds == ()
    assert "Organ transplant" in (result.stop_reason or "")


@pytest.mark.parametrize("decision", [None, "", "   "])
def test_blank_prescriber_decision_still_stops(decision) -> None:
    assert plan(findings=(transplant_finding(),), prescriber_decision=decision).stopped


def test_prescriber_decision_proceeds_and_is_recorded_first() -> None:
    result = plan(findings=(hashimotos_finding(), transplant_finding()), prescriber_decision="Dr A, 1 March")

    assert not result.stopped and result.steps
    assert result.warnings[0].prescriber_decision and "Dr A, 1 March" in result.warnings[0].text
    assert result.warnings[0].detail == "LDN might work against anti-rejection medicines."


def test_opioid_avoid_finding_does_not_stop_the_plan() -> None:
    assert not plan(findings=(opioid_finding(),)).stopped


def test_warnings_keep_lay_and_professional_text_apart() -> None:
    result = plan(findings=(hashimotos_finding(),))

    (warning,) = result.warnings
    assert "quick reduction" in warning.text and "settle the autoimmune" not in warning.text
    assert warning.detail == "LDN may settle the autoimmune thyroid disease quickly."


# --------------------------------------------------------------------------- today and input


def test_start_in_the_past_is_refused_with_todays_date() -> None:
    with pytest.raises(PlanInputError) as error:
        plan(start_date=TODAY - timedelta(days=1))
    assert error.value.field == "start_date"
    assert "in the past (today is 1 March 2026)" in error.value.message


def test_start_today_is_accepted() -> None:
    assert plan(start_date=TODAY).first_dose_date == TODAY


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "Factory"}, "time_zone"),
        ({"start_date": TODAY + timedelta(days=800)}, "start_date"),
        ({"prescriber_decision": "x" * 1001, "findings": (transplant_finding(),)}, "prescriber_decision"),
    ],
)
def test_bad_input_raises_input_error_naming_the_field(changes, field) -> None:
    with pytest.raises(PlanInputError) as error:
        plan(**changes)
    assert error.value.field == field


def test_plan_to_json_uses_iso_dates_and_numbers() -> None:
    data = plan(findings=(surgery_finding(days(40)),)).to_json()

    assert data["first_dose_date"] == "2026-03-01" and data["today"] == "2026-03-01"
    assert data["steps"][1]["start"] == "2026-03-08" and data["steps"][1]["latest_start"] == "2026-03-15"
    assert data["steps"][0]["dose_mg"] == 1.5 and data["steps"][1]["dose_mg"] == 3
    assert data["protocol"]["steps"][0] == {"dose_mg": 1.5, "min_days": 7, "max_days": 14}
    assert [r["id"] for r in data["references"]] == ["R19", "R2"]
    text = repr(data)
    assert not re.search(r"Decimal|datetime", text)


def test_plan_references_each_once_in_order() -> None:
    result = plan(protocols=(schedule_a(references=(R1,)),), findings=(hashimotos_finding(),))

    assert [r.id for r in result.references] == ["R1"]


def test_replace_keeps_plans_immutable() -> None:
    result = plan()
    with pytest.raises(AttributeError):
        result.steps = ()  # type: ignore[misc]
    assert replace(result, stopped=True).stopped


def test_protocol_to_json_says_when_start_dose_is_needed() -> None:
    assert schedule_b().to_json()["needs_start_dose"] is True
    assert schedule_a().to_json()["needs_start_dose"] is False
    assert DosingProtocol(**{**schedule_b().__dict__, "start_dose_mg": Decimal("1.5")}).needs_start_dose is False


# --------------------------------------------------------------------------- review fixes


def test_daily_opioid_answer_without_an_opioid_in_the_list_is_refused() -> None:
    with pytest.raises(PlanInputError) as error:
        plan(daily_opioid_pain_medicine=True)
    assert error.value.field == "daily_opioid_pain_medicine"


def test_opioid_free_date_without_an_opioid_in_the_list_is_refused() -> None:
    with pytest.raises(PlanInputError) as error:
        plan(opioid_free_from=days(3))
    assert error.value.field == "opioid_free_from"


def test_unchecked_entry_leaves_the_first_dose_undated() -> None:
    result = plan(unchecked=("tramdol",))

    assert result.first_dose_date is None and all(step.start is None for step in result.steps)
    assert "pharmacist" in (result.first_dose_note or "")


def test_opioid_free_date_after_the_surgery_stop_dates_nothing_and_says_one_thing() -> None:
    result = plan(findings=(opioid_finding(), surgery_finding(days(9))), opioid_free_from=days(7))

    assert result.first_dose_date is None and result.steps == ()
    texts = " ".join(w.text for w in result.warnings)
    assert "First dose on" not in texts
    assert "no dose is dated" in texts and "dates no doses" in texts


def test_opioid_free_date_before_surgery_dates_one_first_dose_everywhere() -> None:
    result = plan(findings=(opioid_finding(), surgery_finding(days(30))), opioid_free_from=days(7))

    assert result.first_dose_date == days(7)
    texts = " ".join(w.text for w in result.warnings) + " ".join(h.reason for h in result.holds)
    assert "8 March 2026" in texts and texts.count("First dose on") == 1


def test_condition_protocol_cannot_be_swapped_for_another_sources_schedule() -> None:
    for protocol_id, start in (("three-step-schedule", None), ("weekly-1-mg-steps", Decimal("0.25"))):
        with pytest.raises(PlanInputError) as error:
            plan(conditions=frozenset({HASHIMOTOS}), protocol_id=protocol_id, start_dose_mg=start)
        assert error.value.field == "protocol" and "Hashimoto" in error.value.message


def test_a_one_character_prescriber_decision_is_refused() -> None:
    with pytest.raises(PlanInputError) as error:
        plan(findings=(transplant_finding(),), prescriber_decision="x")
    assert error.value.field == "prescriber_decision"
