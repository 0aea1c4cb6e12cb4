"""Properties of screen() over generated requests (hypothesis).

* order independence: permuting medicines, conditions or procedures leaves the therapy results
  unchanged;
* duplicates never duplicate findings;
* monotonic verdicts: adding an input never lowers a therapy's verdict in the rank
  avoid > caution > incomplete > info > no-known-concerns (models.VERDICT_RANK);
* an unknown input never raises and never leaves any therapy at no-known-concerns;
* rules prepared once (``prepare_rules``) answer as rules worked out for the therapies asked for.
"""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.screening.engine import prepare_rules, screen
from carechoices.screening.models import VERDICT_RANK, Procedure, ScreenRequest

from .contract import check_contract
from .fakes import (
    CONDITION_SUGGESTIONS,
    KNOWN_CONDITIONS,
    KNOWN_MEDICINES,
    MEDICINE_SUGGESTIONS,
    FakeVocabulary,
)
from .sample_rules import ALL_THERAPIES

TODAY = datetime.date(2026, 11, 1)
VOCABULARY_KEYS = {
    *KNOWN_MEDICINES,
    *KNOWN_CONDITIONS,
    *MEDICINE_SUGGESTIONS,
    *CONDITION_SUGGESTIONS,
}

# database=None: nothing is written into the working tree; the examples are small and fast.
FAST = settings(max_examples=80, database=None, deadline=None)

unknown_text = st.text(min_size=1, max_size=12).filter(
    lambda text: text.strip().casefold() not in VOCABULARY_KEYS
)
medicine = st.one_of(
    st.sampled_from(KNOWN_MEDICINES),
    st.sampled_from(("Ultram", "PERCOCET", "Examplecold", *MEDICINE_SUGGESTIONS)),
    unknown_text,
)
condition = st.one_of(
    st.sampled_from(KNOWN_CONDITIONS), st.sampled_from(tuple(CONDITION_SUGGESTIONS)), unknown_text
)
procedure = st.builds(
    Procedure,
    type=st.sampled_from(("surgery", "surgery", "dental-work")),
    date=st.none()
    | st.dates(TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=90)),
)
requests = st.builds(
    ScreenRequest,
    medicines=st.lists(medicine, max_size=6).map(tuple),
    conditions=st.lists(condition, max_size=4).map(tuple),
    procedures=st.lists(procedure, max_size=3).map(tuple),
    dose_mg=st.none() | st.sampled_from((1.5, 4.5, 49.9, 50.0, 100.0)),
)


def run(request: ScreenRequest) -> dict:
    return screen(request, ALL_THERAPIES, FakeVocabulary(), today=TODAY).to_json()


def ranks(result: dict) -> dict[str, int]:
    return {entry["therapy"]: VERDICT_RANK[entry["verdict"]] for entry in result["therapies"]}


@FAST
@given(requests)
def test_screen_any_request_meets_contract(request: ScreenRequest) -> None:
    check_contract(run(request))


@FAST
@given(request=requests, data=st.data())
def test_screen_permuted_inputs_give_identical_therapy_results(
    request: ScreenRequest, data: st.DataObject
) -> None:
    permuted = ScreenRequest(
        medicines=tuple(data.draw(st.permutations(request.medicines))),
        conditions=tuple(data.draw(st.permutations(request.conditions))),
        procedures=tuple(data.draw(st.permutations(request.procedures))),
        dose_mg=request.dose_mg,
    )

    assert run(permuted)["therapies"] == run(request)["therapies"]


@FAST
@given(request=requests, data=st.data())
def test_screen_duplicated_inputs_do_not_duplicate_findings(
    request: ScreenRequest, data: st.DataObject
) -> None:
    doubled = ScreenRequest(
        medicines=request.medicines + tuple(data.draw(st.permutations(request.medicines))),
        conditions=request.conditions + request.conditions,
        procedures=request.procedures + request.procedures,
        dose_mg=request.dose_mg,
    )

    original, repeated = run(request), run(doubled)

    assert repeated["therapies"] == original["therapies"]
    assert len(repeated["inputs"]) == len(original["inputs"])


@FAST
@given(
    request=requests,
    extra_medicines=st.lists(medicine, max_size=2),
    extra_conditions=st.lists(condition, max_size=2),
    extra_procedures=st.lists(procedure, max_size=2),
)
def test_screen_adding_inputs_never_lowers_a_verdict(
    request: ScreenRequest,
    extra_medicines: list[str],
    extra_conditions: list[str],
    extra_procedures: list[Procedure],
) -> None:
    larger = ScreenRequest(
        medicines=request.medicines + tuple(extra_medicines),
        conditions=request.conditions + tuple(extra_conditions),
        procedures=request.procedures + tuple(extra_procedures),
        dose_mg=request.dose_mg,
    )

    before, after = ranks(run(request)), ranks(run(larger))

    assert all(after[slug] >= before[slug] for slug in before), (before, after)


@FAST
@given(request=requests, unknown=unknown_text, as_condition=st.booleans())
def test_screen_unknown_input_never_gives_no_known_concerns(
    request: ScreenRequest, unknown: str, as_condition: bool
) -> None:
    if as_condition:
        request = ScreenRequest(conditions=(*request.conditions, unknown), **_rest(request, "c"))
    else:
        request = ScreenRequest(medicines=(*request.medicines, unknown), **_rest(request, "m"))

    result = run(request)

    assert "no-known-concerns" not in {entry["verdict"] for entry in result["therapies"]}
    assert unknown in result["coverage"]["unrecognised"]


def _rest(request: ScreenRequest, replaced: str) -> dict:
    """The request's other fields, for rebuilding it with one list extended."""
    rest: dict = {"procedures": request.procedures, "dose_mg": request.dose_mg}
    if replaced == "c":
        rest["medicines"] = request.medicines
    else:
        rest["conditions"] = request.conditions
    return rest


@FAST
@given(requests)
def test_screen_undecided_ingredient_never_gives_no_known_concerns(request: ScreenRequest) -> None:
    # Motofen's difenoxin is tied to the opioid class by an FDA signal that no curated row decides.
    with_undecided = ScreenRequest(
        medicines=(*request.medicines, "motofen"),
        conditions=request.conditions,
        procedures=request.procedures,
        dose_mg=request.dose_mg,
    )

    result = run(with_undecided)

    assert "no-known-concerns" not in {entry["verdict"] for entry in result["therapies"]}
    assert any("difenoxin" in note for note in result["coverage"]["unrecognised"])


PREPARED = prepare_rules(ALL_THERAPIES)
slug_selections = st.lists(
    st.sampled_from([therapy.slug for therapy in ALL_THERAPIES]), min_size=1, max_size=4
).map(tuple)


def _asking(request: ScreenRequest, therapies: tuple[str, ...] | None) -> ScreenRequest:
    return ScreenRequest(
        medicines=request.medicines,
        conditions=request.conditions,
        procedures=request.procedures,
        dose_mg=request.dose_mg,
        therapies=therapies,
    )


@FAST
@given(request=requests)
def test_prepared_triggers_answer_as_those_worked_out_from_the_therapies_asked_for(
    request: ScreenRequest,
) -> None:
    # Asking for every therapy by name works the triggers out from the therapies selected;
    # asking for none uses those prepared once.
    every_slug = tuple(therapy.slug for therapy in ALL_THERAPIES)

    prepared = screen(_asking(request, None), PREPARED, FakeVocabulary(), today=TODAY).to_json()
    selected = screen(_asking(request, every_slug), PREPARED, FakeVocabulary(), today=TODAY)

    assert prepared == selected.to_json()


@FAST
@given(request=requests, slugs=slug_selections)
def test_a_selection_answers_as_rules_prepared_for_it_alone(
    request: ScreenRequest, slugs: tuple[str, ...]
) -> None:
    alone = prepare_rules([therapy for therapy in ALL_THERAPIES if therapy.slug in slugs])

    selected = screen(_asking(request, slugs), PREPARED, FakeVocabulary(), today=TODAY).to_json()

    assert selected == screen(_asking(request, None), alone, FakeVocabulary(), today=TODAY).to_json()
